"""From a seed and a budget (inputs or minutes) to a fuzz campaign's figures
and findings: draws inputs (generated from the grammar, mutated shipped files,
or both), checks each (``tests/fuzz/invariants.py``), minimises each new
finding cheaply (whole lines, then characters, removed while the same site
still breaks) and keeps it under ``tests/fuzz/corpus/`` as
``<site>-<hash>.<kind>``.

Inputs are drawn from ``random.Random(seed + i)`` for the i-th input, so a
campaign is the same whatever ``--jobs`` says and any input can be drawn
again from its number.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import random
import re
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import attrs

from dsl.diagnostics import Sources
from dsl.load import load_contract
from dsl.model import Contract
from tests import ROOT
from tests.fuzz import generate, mutate
from tests.fuzz.invariants import NAMES, Finding, check_bytes, corpus_dir, kind_of

MODES = ("generate", "mutate", "mixed")


def _events_of(path: Path) -> dict[str, list[str]]:
    loaded = load_contract(str(path), Sources())
    c = loaded.contract
    if not isinstance(c, Contract):
        return {}
    return {name: [p for p, _ in ev.params] for name, ev in c.events.items()}


class Inputs:
    """The i-th input of a campaign, from the seed alone."""

    def __init__(self, seed: int, mode: str) -> None:
        self.seed = seed
        self.mode = mode
        self.files = [(p, p.read_bytes()) for p in mutate.shipped_files()]
        self.contract = ROOT / "contracts" / "openai_microsoft.contract"
        self.events = _events_of(self.contract)

    def get(self, i: int) -> bytes:
        rng = random.Random(self.seed * 1_000_003 + i)
        mode = self.mode
        if mode == "mixed":
            mode = "generate" if rng.random() < 0.5 else "mutate"
        if mode == "mutate":
            _, data = rng.choice(self.files)
            _, other = rng.choice(self.files)
            return mutate.mutate(rng, data, other)
        k = rng.random()
        rel = "../../contracts/openai_microsoft.contract"
        if k < 0.7:
            text = generate.contract_text(rng)
        elif k < 0.85:
            text = generate.scenario_text(rng, self.events, rel)
        else:
            text = generate.amendment_text(rng, rel)
        return text.encode("utf-8", "surrogatepass")


def _path_for(data: bytes) -> str:
    return NAMES[kind_of(data[:4000].decode("utf-8", "replace"))]


def minimise(data: bytes, site: str, budget: int = 300) -> bytes:
    """A smaller input with a finding at the same site: drop lines, then runs
    of characters, while the site still breaks (at most ``budget`` tries)."""

    def still(d: bytes) -> bool:
        nonlocal budget
        budget -= 1
        return any(f.site == site for f in check_bytes(d, _path_for(d)))

    for sep in (b"\n", b" "):
        parts = data.split(sep)
        chunk = max(1, len(parts) // 2)
        while chunk >= 1 and budget > 0:
            i = 0
            while i < len(parts) and budget > 0:
                trial = parts[:i] + parts[i + chunk :]
                if trial and still(sep.join(trial)):
                    parts = trial
                else:
                    i += chunk
            chunk //= 2
        data = sep.join(parts)
    return data


def save(data: bytes, finding: Finding) -> Path:
    """Keep a failing input in the corpus, named by its site and a short hash."""
    site = re.sub(r"[^A-Za-z0-9]+", "-", finding.site).strip("-").lower()[:60]
    digest = hashlib.sha256(data).hexdigest()[:10]
    kind = kind_of(data[:4000].decode("utf-8", "replace"))
    path = corpus_dir() / f"{site}-{digest}.{kind}"
    path.write_bytes(data)
    return path


@attrs.define
class Report:
    inputs: int = 0
    seconds: float = 0.0
    sites: Counter[str] = attrs.Factory(Counter)
    examples: dict[str, tuple[int, str]] = attrs.Factory(dict)  # site -> (input number, detail)

    def line(self) -> str:
        rate = self.inputs / self.seconds if self.seconds else 0.0
        found = ", ".join(f"{site} x{n}" for site, n in self.sites.most_common()) or "nothing"
        return f"{self.inputs} inputs in {self.seconds:.1f} s ({rate:.0f}/s); found: {found}"


_INPUTS: Inputs | None = None


def _init(seed: int, mode: str) -> None:
    global _INPUTS
    _INPUTS = Inputs(seed, mode)


def _check_range(bounds: tuple[int, int]) -> list[tuple[int, Finding]]:
    assert _INPUTS is not None
    out = []
    for i in range(*bounds):
        data = _INPUTS.get(i)
        for f in check_bytes(data, _path_for(data)):
            out.append((i, f))
    return out


def _chunks(start: int, step: int) -> Iterator[tuple[int, int]]:
    i = start
    while True:
        yield (i, i + step)
        i += step


def run(
    seed: int = 0,
    inputs: int | None = 1000,
    minutes: float | None = None,
    jobs: int = 1,
    mode: str = "mixed",
    keep: bool = False,
    progress: bool = False,
) -> Report:
    """Check inputs ``0..inputs-1`` (or as many as fit in ``minutes``)."""
    report = Report()
    start = time.monotonic()
    deadline = start + minutes * 60 if minutes else None
    step = 200
    done_at = inputs if inputs is not None else None

    def wanted() -> Iterator[tuple[int, int]]:
        for lo, hi in _chunks(0, step):
            if done_at is not None and lo >= done_at:
                return
            if deadline is not None and time.monotonic() > deadline:
                return
            yield (lo, min(hi, done_at) if done_at is not None else hi)

    def take(results: list[tuple[int, Finding]], n: int) -> None:
        report.inputs += n
        for i, f in results:
            report.sites[f.site] += 1
            report.examples.setdefault(f.site, (i, f.detail))
        if progress:
            report.seconds = time.monotonic() - start
            print("  " + report.line(), flush=True)

    if jobs <= 1:
        _init(seed, mode)
        for lo, hi in wanted():
            take(_check_range((lo, hi)), hi - lo)
    else:
        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(jobs, initializer=_init, initargs=(seed, mode)) as pool:
            for (lo, hi), res in zip(wanted(), pool.imap(_check_range, wanted()), strict=False):
                take(res, hi - lo)
    report.seconds = time.monotonic() - start
    if keep and report.examples:
        _init(seed, mode)
        assert _INPUTS is not None
        for site, (i, _) in report.examples.items():
            data = minimise(_INPUTS.get(i), site)
            finding = next(f for f in check_bytes(data, _path_for(data)) if f.site == site)
            print(f"  kept {save(data, finding).relative_to(ROOT)}: {finding.site}: {finding.detail[:200]}")
    return report


def replay() -> list[tuple[Path, Finding]]:
    """Every corpus input that still breaks an invariant."""
    out = []
    for p in sorted(corpus_dir().iterdir()):
        if p.suffix in mutate.SUFFIXES:
            data = p.read_bytes()
            out += [(p, f) for f in check_bytes(data, _path_for(data))]
    return out
