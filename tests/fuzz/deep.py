"""From a seed to odd-but-valid contracts run through ``verify`` and
``simulate`` and every report, and the tracebacks or unbounded runs they show:
the fuzz harness past the front end.

Each input is a contract that checks (one of ``tests/randomcontracts.py``'s,
or a shipped contract), moved in time to an odd place: its period ending on
9999-12-31, the calendar's last day (a deadline then falls past the
calendar), starting on 0001-01-01, stretched to the calendar's end, or one
day long. Every date in it moves with the period, so it still means what it
meant. On each:

1. ``verify`` (``verifier.api.verify``, default options, a time limit) gives a
   verdict for every check, never an exception; a run within the limit ends
   within twice it;
2. every report of the run renders: text, JSON, HTML, Markdown, SARIF, JUnit;
3. ``simulate`` of a few scenarios (each event once or twice, near the end of
   the period), in every ``--format``, exits 0 or 1 (the scenario breaches),
   never 4 (an internal error) or with an exception.

A ``Finding`` (``tests/fuzz/invariants.py``) names the site: an exception's
type and the innermost frame of the project's code, or ``did-not-finish``.
"""

from __future__ import annotations

import datetime as _dt
import io
import random
import re
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from dsl import model as m
from tests import ROOT
from tests.fuzz.invariants import Finding, site_of
from tests.randomcontracts import generate

TIMEOUT = 20.0  # seconds for one verify run
DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
FIRST, LAST = _dt.date.min.toordinal(), _dt.date.max.toordinal()
SHIPPED = sorted((ROOT / "contracts").glob("*.contract"))


def _days(text: str) -> list[int]:
    out = []
    for y, mo, d in DATE.findall(text):
        try:
            out.append(_dt.date(int(y), int(mo), int(d)).toordinal())
        except ValueError:
            pass
    return out


def _moved(text: str, shift: int) -> str:
    def one(mt: re.Match[str]) -> str:
        try:
            day = _dt.date(int(mt.group(1)), int(mt.group(2)), int(mt.group(3))).toordinal() + shift
        except ValueError:
            return mt.group()
        return _dt.date.fromordinal(min(max(day, FIRST), LAST)).isoformat()

    return DATE.sub(one, text)


def contract_text(rng: random.Random) -> str:
    """An odd-but-valid contract: a random or shipped one, moved in time."""
    if rng.random() < 0.7:
        text = generate(rng)
    else:
        text = rng.choice(SHIPPED).read_text(encoding="utf-8")
    days = _days(text)
    lo, hi = min(days), max(days)
    where = rng.choice(["end", "end", "start", "stretch", "one-day"])
    if where == "end":
        return _moved(text, LAST - hi)
    if where == "start":
        return _moved(text, FIRST - lo)
    if where == "stretch":  # the same dates, the horizon at the calendar's end
        return re.sub(r"horizon\s+\d{4}-\d{2}-\d{2}", "horizon 9999-12-31", text, count=1)
    text = _moved(text, LAST - hi)
    return re.sub(r"effective\s+\d{4}-\d{2}-\d{2}", "effective 9999-12-31", text, count=1)


def _value(c: m.Contract, t: m.Type, day: str) -> str:
    if t.name == "kind" and t.kind is not None:
        return c.kinds[t.kind][0]
    if t.name == "party":
        return next(iter(c.parties))
    if t.name == "money":
        return f"{t.currency or c.currency} 1"
    return {"bool": "true", "percent": "1%", "duration": "1 day", "date": day}.get(t.name, "1")


def scenario_texts(rng: random.Random, c: m.Contract, path: str) -> list[str]:
    """A few scenarios on ``c``: events on the period's last days."""
    out = []
    names = list(c.events)
    for _ in range(2):
        lines = []
        for _ in range(rng.randint(1, 4)):
            ev = c.events[rng.choice(names)]
            day = _dt.date.fromordinal(max(c.effective, c.horizon - rng.randint(0, 3))).isoformat()
            args = ", ".join(f"{p}: {_value(c, t, day)}" for p, t in ev.params)
            actor = rng.choice(list(c.actor_events(ev.name)))
            lines.append(f"{day} {ev.name}" + (f"({args})" if args else "") + f" by {actor}\n")
        out.append(f'scenario "odd"\n  for "{path}"\n\n' + "".join(sorted(lines)))
    return out


def check_contract(text: str, rng: random.Random) -> list[Finding]:
    """Every broken invariant of one contract (see the module docstring)."""
    from verifier.api import InputError, verify
    from verifier.cli import main
    from verifier.report import human_report, machine_report
    from verifier.report.jsondoc import to_json
    from verifier.report.text import to_text
    from verifier.verify.limits import Limits

    try:
        t = time.monotonic()
        v = verify(text, jobs=1, limits=Limits(timeout=TIMEOUT))
        took = time.monotonic() - t
    except InputError:
        return []  # moved in time it no longer checks (a date the calendar lacks): a diagnostic
    except Exception as e:  # noqa: BLE001 - any exception is a finding
        return [Finding(site_of(e), f"verify: {type(e).__name__}: {str(e)[:200]}")]
    found = []
    if took > 2 * TIMEOUT:
        found.append(Finding("did-not-finish", f"verify took {took:.0f} s with a {TIMEOUT:.0f} s limit"))
    renders: list[tuple[str, Callable[[], object]]] = [
        ("text", lambda: to_text(v)),
        ("json", lambda: to_json(v)),
        ("html", lambda: human_report("html", [v])),
        ("md", lambda: human_report("md", [v])),
        ("sarif", lambda: machine_report("sarif", [v])),
        ("junit", lambda: machine_report("junit", [v])),
    ]
    for fmt, render in renders:
        try:
            render()
        except Exception as e:  # noqa: BLE001
            found.append(Finding(site_of(e), f"{fmt} report: {type(e).__name__}: {str(e)[:200]}"))
    with tempfile.TemporaryDirectory() as tmp:
        contract = Path(tmp) / "odd.contract"
        contract.write_text(text, encoding="utf-8")
        for i, sc in enumerate(scenario_texts(rng, v.contract, contract.name)):
            scenario = Path(tmp) / f"odd{i}.scenario"
            scenario.write_text(sc, encoding="utf-8")
            for fmt in ("text", "json", "sarif", "junit", "github"):
                out, err = io.StringIO(), io.StringIO()
                try:
                    code = main(["simulate", str(scenario), "--format", fmt], stdout=out, stderr=err)
                except Exception as e:  # noqa: BLE001
                    found.append(Finding(site_of(e), f"simulate --format {fmt}: {type(e).__name__}"))
                    continue
                if code not in (0, 1, 2):
                    found.append(Finding(f"simulate-exit-{code}", f"--format {fmt}: {err.getvalue()[:300]}"))
    return found


def run(seed: int, inputs: int, progress: bool = True) -> tuple[int, list[tuple[int, Finding, str]]]:
    """``inputs`` contracts from ``seed``: how many, and each finding with
    its input's number and text."""
    found = []
    t = time.monotonic()
    for i in range(inputs):
        rng = random.Random(seed * 1_000_003 + i)
        text = contract_text(rng)
        for f in check_contract(text, rng):
            found.append((i, f, text))
        if progress and (i + 1) % 10 == 0:
            rate = (i + 1) / (time.monotonic() - t)
            print(f"  {i + 1} contracts ({rate:.1f}/s); found: {len(found)}", flush=True)
    return inputs, found
