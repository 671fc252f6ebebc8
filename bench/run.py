"""The benchmark: how fast ``verify`` is next to plain Z3, and how its cost grows.

    .venv/bin/python bench/run.py            # everything, under ten minutes
    .venv/bin/python bench/run.py --quick    # a fast subset (under a minute)
    .venv/bin/python bench/run.py --profile 1000x100   # cProfile of one size, to bench/results/

Six stages, each printed as a plain table and written, with the machine it ran
on, to ``bench/results/latest.json``:

1. seed: ``verify contracts/openai_microsoft.contract`` (the installed console
   script) and ``bench/seed_z3py.py`` (the same ten questions in hand-written
   z3py) as whole processes, alternately, N times each; medians and their
   ratio. Then the same in-process: ``verify_contract`` on the loaded contract
   against the seed's own encode and solve, with a breakdown of where
   ``verify_contract``'s time goes.
2. scaling: contracts from ``bench/gen_contract.py`` with N clauses and M
   checks (100x20, 300x60, 1,000x100, 10,000x1,000); for each size the time to
   parse, check and ``verify`` with default options (analyses on), without the
   analyses, then encode (building the provers) and solve (asking the
   questions) in one instrumented process, the sum of the slices, and the peak
   memory. The ``interacting`` stage does the same on ``bench/gen_interacting.py``'s
   contracts (100x10, 1,000x100, 10,000x1,000), whose clauses interact.
3. what-if: ``verifier.verify.whatif.semantic_diff`` of a 1,000-clause draft against
   the same draft with one date or amount changed in one clause (three variants,
   see ``_variant``).
4. parse: front-end throughput on a generated contract of about 1 MB
   (``bench/parse_throughput.py``'s functions).
5. bounds: quota contracts whose checks need 4 to 8 occurrences of one event
   (``bench/bounds_cost.py``), verified at their derived bounds and at ``--bound 2``
   (the old default, which got their verdicts wrong), side by side.

Stages 2-5 run each measurement in a child process, so a stage that takes
longer than its budget (``--budget``, seconds for the whole stage) is stopped,
reported as "over budget" with the time spent and how far it got, and the
bench goes on. Memory is the child's peak resident set (``ru_maxrss``): it
sees Z3's C++ heap, which ``tracemalloc`` does not.

The package is never modified: encode and solve are told apart by wrapping,
in the child, the functions ``verify_contract`` calls (``Prover.__init__`` is
"encode", ``Prover.ask`` is "solve", with ``_minimise``, ``_shrink``, the
slicing and the replay timed inside them), with ``time.perf_counter``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(HERE), str(ROOT)]  # gen_contract and seed_z3py next to us, the package above

SEED_CONTRACT = ROOT / "contracts" / "openai_microsoft.contract"
RESULTS = HERE / "results"

FULL = {
    "runs": 7,
    # 300x60 is not one of the aims' sizes: it gives a growth ratio while 1,000x100 is over budget
    "sizes": [(100, 20), (300, 60), (1000, 100), (10000, 1000)],
    "budget": 120.0,
    "whatif_clauses": 1000,
    "whatif_variants": ["date", "amount", "neutral"],
    "parse_bytes": 1_000_000,
    "parse_runs": 3,
    "interacting": [(100, 10), (1000, 100), (10000, 1000)],
    "quotas": [3, 4, 5, 6, 7],  # derived bounds 4 to 8
}
QUICK = {
    "runs": 3,
    "sizes": [(100, 20), (300, 60)],
    "budget": 30.0,
    "whatif_clauses": 1000,
    "whatif_variants": ["date"],
    "parse_bytes": 250_000,
    "parse_runs": 1,
    "interacting": [(100, 10), (1000, 100)],
    "quotas": [3, 7],
}

AIMS = {
    "seed_ratio": 3.0,  # verify within 3x of plain z3py, whole processes
    "largest_seconds": 10.0,  # 10,000 clauses and 1,000 checks, parse to verdicts
    "growth_ratio": 12.0,  # 10k/1k against 1k/100
    "largest_mb": 1024.0,  # and within 1 GB
    "interacting_1k_seconds": 5.0,  # interacting contracts (bench/gen_interacting.py), 1,000x100
    "interacting_10k_seconds": 60.0,  # 10,000x1,000, every check answered
    "interacting_10k_mb": 1024.0,
    "whatif_seconds": 2.0,  # semantic diff of two 1,000-clause drafts
    "total_seconds": 600.0,  # the whole bench
}


# ====================================================================== timing


class Meter:
    """Inclusive wall time and call counts of wrapped functions. A function
    re-entered under the same label counts once (the outer call)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self._depth: dict[str, int] = defaultdict(int)
        self._undo: list[tuple[Any, str, Any]] = []

    def wrap(
        self,
        owner: Any,
        attr: str,
        label: str | Callable[..., str],
        after: Callable[[Any, tuple[Any, ...], dict[str, Any]], None] | None = None,
    ) -> None:
        orig = owner.__dict__.get(attr) if isinstance(owner, type) else getattr(owner, attr, None)
        if orig is None:
            return  # the package changed shape: measure what is still there
        meter = self

        @functools.wraps(orig)
        def timed(*a: Any, **kw: Any) -> Any:
            key = label(a, kw) if callable(label) else label
            if meter._depth[key]:
                return orig(*a, **kw)
            meter._depth[key] += 1
            t0 = time.perf_counter()
            try:
                out = orig(*a, **kw)
            finally:
                meter.seconds[key] += time.perf_counter() - t0
                meter.calls[key] += 1
                meter._depth[key] -= 1
            if after is not None:
                after(out, a, kw)
            return out

        setattr(owner, attr, timed)
        self._undo.append((owner, attr, orig))

    def undo(self) -> None:
        for owner, attr, orig in reversed(self._undo):
            setattr(owner, attr, orig)
        self._undo.clear()

    def snapshot(self) -> dict[str, dict[str, float]]:
        return {
            k: {"seconds": round(self.seconds[k], 4), "calls": self.calls[k]} for k in sorted(self.seconds)
        }


def instrument_verify(on_check: Callable[[], None] | None = None) -> tuple[Meter, dict[str, Any]]:
    """Wrap what ``verify_contract`` calls. Returns the meter and slice statistics."""
    import z3

    import verifier.reduce.slicing as slicing
    import verifier.verify.run as verify
    from verifier.smt import encode, prove

    meter = Meter()
    slices: dict[str, Any] = {"count": 0, "clauses": [], "keys": set()}

    def k_of(a: tuple[Any, ...], kw: dict[str, Any]) -> Any:
        return kind_of_k(a[2] if len(a) > 2 else kw.get("k", "?"))

    def kind_of_k(k: Any) -> str:
        """A fixed bound as its number; occurrences per event (derived bounds) as one label."""
        return "per event" if isinstance(k, dict) else str(k)

    def seen_slice(sl: Any, a: tuple[Any, ...], kw: dict[str, Any]) -> None:
        slices["count"] += 1
        slices["clauses"].append(len(sl.clauses))
        slices["keys"].add(sl.key)

    for owner in (slicing, verify):
        meter.wrap(owner, "cone", "slice: cone", seen_slice if owner is slicing else None)
        meter.wrap(owner, "restrict", "slice: restrict")
    if hasattr(slicing, "Index"):
        meter.wrap(slicing.Index, "__init__", "slice: index")
    meter.wrap(prove.Prover, "__init__", lambda a, kw: f"encode: Prover k={k_of(a, kw)}")
    meter.wrap(encode.Encoding, "__init__", lambda a, kw: f"encode: terms k={k_of(a, kw)}")
    meter.wrap(prove.Prover, "check_query", "query: check formula")
    meter.wrap(prove.Prover, "ask", lambda a, kw: f"solve: ask k={kind_of_k(a[0].k)}")
    meter.wrap(prove.Prover, "_minimise", "solve: minimise witness")
    meter.wrap(prove.Prover, "_shrink", "solve: shrink unsat core")
    meter.wrap(prove.Prover, "scenario_of", "solve: model to scenario")
    meter.wrap(z3.Solver, "check", "z3: Solver.check")
    meter.wrap(z3.Optimize, "check", "z3: Optimize.check")
    meter.wrap(verify, "replay", "replay in interpreter")
    if on_check is not None:
        meter.wrap(verify, "run_check", "check loop: run_check", lambda out, a, kw: on_check())
    else:
        meter.wrap(verify, "run_check", "check loop: run_check")
    meter.wrap(verify, "run_analyses", "analyses")
    return meter, slices


def slice_stats(slices: dict[str, Any], n_clauses: int) -> dict[str, Any]:
    cl = slices["clauses"]
    return {
        "cones": slices["count"],
        "distinct": len(slices["keys"]),
        "mean_clauses": round(statistics.mean(cl), 1) if cl else 0,
        "max_clauses": max(cl) if cl else 0,
        "sum_clauses": sum(cl),
        "of_clauses": n_clauses,
    }


def rss_mb() -> float:
    """Peak resident set of this process or of any finished child (the forked
    workers that solve a big contract's slices), whichever is bigger."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024  # Linux: KiB


# ====================================================================== workers (child processes)


def emit(phase: str, **data: Any) -> None:
    data.update(phase=phase, peak_rss_mb=round(rss_mb(), 1))
    sys.stdout.write("@@ " + json.dumps(data) + "\n")
    sys.stdout.flush()


def worker_size(spec: dict[str, Any]) -> None:
    """One size of the scaling stage: generate (``spec["generator"]``: the
    bench's families, or interacting contracts), parse, check, verify."""
    if spec.get("generator") == "interacting":
        from gen_interacting import generate
    else:
        from gen_contract import generate

    from dsl.load import check_node
    from dsl.parse import get_parser, parse_text
    from verifier.verify.run import verify_contract

    get_parser()  # the Lark parser, built or read from its cache before any timing
    base = rss_mb()
    emit("start", base_rss_mb=round(base, 1))
    n, m = spec["n"], spec["m"]
    t0 = time.perf_counter()
    text = generate(n, m, spec.get("seed", 0))
    emit("generate", seconds=time.perf_counter() - t0, bytes=len(text.encode()))
    import gc as _gc

    _gc.disable()  # as the command line loads (verifier.cli.common.collector_paused)
    t0 = time.perf_counter()
    node, diags = parse_text(text, "bench.contract")
    emit("parse", seconds=time.perf_counter() - t0)
    t0 = time.perf_counter()
    c, diags = check_node(node, "bench.contract")  # type: ignore[arg-type]
    _gc.enable()
    if c is None:
        raise SystemExit(f"the generated contract does not check: {[d.message for d in diags[:3]]}")
    emit(
        "check",
        seconds=time.perf_counter() - t0,
        clauses=len(c.clauses),
        checks=len(c.checks),
        events=len(c.events),
        states=len(c.states),
    )

    # as a user runs it: the command line's number of processes (one per core
    # for a big contract) and its frozen heap; then once more in one process,
    # instrumented, for the breakdown (the meter cannot see into forked workers)
    import gc

    gc.freeze()  # as `verify` does once the input is loaded (verifier.cli.common.freeze_heap)
    t0 = time.perf_counter()
    v = verify_contract(c, timelines=False, jobs=None)  # as `verify FILE` does: analyses on
    emit(
        "verify_default",
        seconds=time.perf_counter() - t0,
        analyses_seconds=v.analyses_seconds,
        findings=len(v.findings),
        unfinished=len(v.unfinished),
        summary=v.summary(),
        cores=os.cpu_count(),
    )
    del v
    t0 = time.perf_counter()
    v = verify_contract(c, analyses=False, timelines=False, jobs=None)  # `verify --no-analyses`
    emit("verify_no_analyses", seconds=time.perf_counter() - t0, summary=v.summary())
    del v

    done = [0]
    last = [time.perf_counter()]
    start = time.perf_counter()

    def progress() -> None:
        done[0] += 1
        now = time.perf_counter()
        if now - last[0] >= 2.0:
            last[0] = now
            emit(
                "progress",
                done=done[0],
                of=len(c.checks),
                seconds=now - start,
                meter=meter.snapshot(),
                slices=slice_stats(slices, len(c.clauses)),
            )

    meter, slices = instrument_verify(progress)
    stop = threading.Event()

    def heartbeat() -> None:
        # z3's calls release the GIL, so this reports even while one question runs for minutes
        while not stop.wait(5.0):
            try:
                emit(
                    "progress",
                    done=done[0],
                    of=len(c.checks),
                    seconds=time.perf_counter() - start,
                    meter=meter.snapshot(),
                    slices=slice_stats(slices, len(c.clauses)),
                )
            except RuntimeError:  # a dict changed size under us: the next beat will do
                pass

    beat = threading.Thread(target=heartbeat, daemon=True)
    beat.start()
    t0 = time.perf_counter()
    v = verify_contract(c, analyses=False, jobs=1)
    seconds = time.perf_counter() - t0
    stop.set()
    beat.join()
    meter.undo()
    emit(
        "verify",
        seconds=seconds,
        summary=v.summary(),
        meter=meter.snapshot(),
        slices=slice_stats(slices, len(c.clauses)),
    )


def _variant(text: str, variant: str) -> tuple[str, str]:
    """The draft with one clause changed: the waiver of the exclusivity family
    nearest the middle. ``date``: its start a month later (a difference);
    ``amount``: its cap $1M higher (a difference: another clause is violated);
    ``neutral``: ``<= $XM`` written ``< $X,000,000.01`` (the same in cents: no
    difference, so the diff must prove it, at k and k+1)."""
    heads = [mt for mt in re.finditer(r"^§(\d+)\.1 Waiver \1 ", text, re.M)]
    mt = heads[len(heads) // 2]
    k = mt.group(1)
    end = text.index("\n§", mt.end())
    block = text[mt.start() : end]
    if variant == "date":
        d = re.search(r"from (\d{4}-\d{2}-\d{2})", block)
        assert d is not None
        new_day = dt.date.fromisoformat(d.group(1)) + dt.timedelta(days=31)
        changed = block.replace(d.group(0), f"from {new_day}")
        what = f"§{k}.1: from {d.group(1)} -> {new_day}"
    else:
        a = re.search(r"amount <= \$(\d+)M", block)
        assert a is not None
        cap = int(a.group(1))
        if variant == "amount":
            changed = block.replace(a.group(0), f"amount <= ${cap + 1}M")
            what = f"§{k}.1: amount <= ${cap}M -> ${cap + 1}M"
        else:
            changed = block.replace(a.group(0), f"amount < ${cap},000,000.01")
            what = f"§{k}.1: amount <= ${cap}M -> < ${cap},000,000.01 (same meaning)"
    assert changed != block
    return text[: mt.start()] + changed + text[end:], what


def worker_whatif(spec: dict[str, Any]) -> None:
    import z3
    from gen_contract import generate

    from dsl.load import check_node
    from dsl.parse import get_parser, parse_text
    from verifier.smt import diff, encode
    from verifier.verify.whatif import semantic_diff

    get_parser()
    emit("start")
    text = generate(spec["n"], spec.get("m", 0), spec.get("seed", 0))
    amended_text, what = _variant(text, spec["variant"])
    contracts = []
    for t in (text, amended_text):
        node, _ = parse_text(t, "bench.contract")
        c, diags = check_node(node, "bench.contract")  # type: ignore[arg-type]
        if c is None:
            raise SystemExit(f"the draft does not check: {[d.message for d in diags[:3]]}")
        contracts.append(c)
    emit("drafts", clauses=len(contracts[0].clauses), change=what)
    meter = Meter()
    meter.wrap(
        diff, "find_difference", lambda a, kw: f"find_difference k={a[2] if len(a) > 2 else kw.get('k')}"
    )
    meter.wrap(encode.Encoding, "__init__", "encode: terms (both versions)")
    meter.wrap(z3.Solver, "check", "z3: Solver.check")
    meter.wrap(z3.Optimize, "check", "z3: Optimize.check (witness)")
    t0 = time.perf_counter()
    d, status, note = semantic_diff(contracts[0], contracts[1])
    seconds = time.perf_counter() - t0
    meter.undo()
    emit(
        "whatif",
        seconds=seconds,
        status=status,
        change=what,
        meter=meter.snapshot(),
        differs=list(d.what) if d is not None else [],
        events=len(d.scenario.events) if d is not None else 0,
    )


def worker_parse(spec: dict[str, Any]) -> None:
    import parse_throughput as pt

    from dsl.load import check_node
    from dsl.parse import get_parser

    get_parser()
    text = pt.contract_of_size(spec["bytes"])
    size = len(text.encode())
    emit("generated", bytes=size, clauses=text.count("\n§"), checks=text.count("\ncheck "))
    runs = spec["runs"]
    # as the command line runs the front end: the collector paused (the library leaves it on)
    t_parse = pt.best_of(pt.without_gc(lambda: pt.parse_only(text)), runs)
    emit("parse", seconds=t_parse, mb_per_s=size / 1e6 / t_parse)
    node = pt.parse_only(text)
    t_check = pt.best_of(pt.without_gc(lambda: check_node(node, "bench.contract")), runs)
    emit("check", seconds=t_check, mb_per_s=size / 1e6 / t_check)


def worker_profile(spec: dict[str, Any]) -> None:
    """cProfile of verify_contract on one size; the report goes to a file."""
    import cProfile
    import io
    import pstats

    from gen_contract import generate

    from dsl.load import check_node
    from dsl.parse import get_parser, parse_text
    from verifier.verify.run import verify_contract

    get_parser()
    n, m = spec["n"], spec["m"]
    text = generate(n, m, 0)
    pr = cProfile.Profile()
    pr.enable()
    node, _ = parse_text(text, "bench.contract")
    c, _ = check_node(node, "bench.contract")  # type: ignore[arg-type]
    assert c is not None
    v = verify_contract(c, analyses=False, jobs=None)
    pr.disable()
    out = io.StringIO()
    out.write(
        f"cProfile of parse_text + check_node + verify_contract(analyses=False), {n} clauses, {m} checks\n"
    )
    out.write(f"verdicts: {v.summary()}\n\n")
    st = pstats.Stats(pr, stream=out)
    out.write(by_file(st))
    st.sort_stats("cumulative").print_stats(r"work/|z3\.py", 60)
    st.sort_stats("tottime").print_stats(30)
    path = Path(spec["out"])
    path.write_text(out.getvalue(), encoding="utf-8")
    emit("profile", file=str(path))


def by_file(st: Any) -> str:
    """Own time summed per source file: where the interpreter actually spends it."""
    own: dict[str, float] = defaultdict(float)
    for (file, _, fn), (_, _, tt, _, _) in st.stats.items():
        if file == "~":
            key = "builtins: " + (fn.split("'")[1] if "'" in fn else fn)
            key = "builtins (C functions, ctypes)" if "method" in fn or "built-in" in fn else key
        else:
            parts = Path(file).parts
            key = "/".join(parts[-2:])
        own[key] += tt
    total = sum(own.values()) or 1.0
    lines = ["own time by source file (top 20)", ""]
    for key, t in sorted(own.items(), key=lambda x: -x[1])[:20]:
        lines.append(f"  {t:9.3f} s  {100 * t / total:5.1f}%  {key}")
    return "\n".join(lines) + "\n\n"


def worker_bounds(spec: dict[str, Any]) -> None:
    """The bounds stage: each quota contract at its derived bounds and at --bound 2."""
    from bounds_cost import measure

    measure(3, None)  # warm-up: imports and the parser
    emit("start")
    for n in spec["quotas"]:
        for bound in (None, 2):
            emit("bounds", **measure(n, bound))


WORKERS = {
    "size": worker_size,
    "whatif": worker_whatif,
    "parse": worker_parse,
    "profile": worker_profile,
    "bounds": worker_bounds,
}


def run_worker(spec: dict[str, Any], timeout: float) -> tuple[list[dict[str, Any]], str, float, str]:
    """Run a worker in a child process: its records, "ok" / "over budget" /
    "error", the seconds it took and the tail of its stderr."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, str(Path(__file__).resolve()), "--worker", json.dumps(spec)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        start_new_session=True,  # its own process group: killed with the workers it forked
    )
    records: list[dict[str, Any]] = []
    err: list[str] = []

    def pump_out() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith("@@ "):
                records.append(json.loads(line[3:]))

    def pump_err() -> None:
        assert proc.stderr is not None
        err.extend(proc.stderr)

    threads = [threading.Thread(target=f, daemon=True) for f in (pump_out, pump_err)]
    for th in threads:
        th.start()
    try:
        proc.wait(timeout=max(timeout, 0.5))
        status = "ok" if proc.returncode == 0 else "error"
    except subprocess.TimeoutExpired:
        import signal

        try:
            os.killpg(proc.pid, signal.SIGKILL)  # the worker and the processes it forked
        except ProcessLookupError:
            pass
        proc.wait()
        status = "over budget"
    for th in threads:
        th.join(5)
    return records, status, time.perf_counter() - t0, "".join(err[-20:])


def last(records: list[dict[str, Any]], phase: str) -> dict[str, Any] | None:
    hits = [r for r in records if r["phase"] == phase]
    return hits[-1] if hits else None


# ====================================================================== stages


def machine() -> dict[str, Any]:
    import z3

    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor()
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count() or 0

    def git(*args: str) -> str:
        try:
            return subprocess.run(
                ["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=10
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""

    mem = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "platform": platform.platform(),
        "cpu_model": cpu,
        "cpu_count": os.cpu_count(),
        "cpus_usable": usable,
        "memory": mem,
        "python": platform.python_version(),
        "z3": z3.get_version_string(),
        "git_commit": git("rev-parse", "--short", "HEAD"),
        "git_dirty": bool(git("status", "--porcelain", "--untracked-files=no")),
    }


def median(xs: list[float]) -> float:
    return statistics.median(xs) if xs else float("nan")


def stage_seed(runs: int) -> dict[str, Any]:
    verify_exe = Path(sys.executable).parent / "verify"
    if not verify_exe.exists():
        import shutil

        found = shutil.which("verify")
        if found is None:
            raise SystemExit("the `verify` console script is not installed next to this python nor on PATH")
        verify_exe = Path(found)
    seed_cmd = [sys.executable, str(HERE / "seed_z3py.py")]
    verify_cmd = [str(verify_exe), str(SEED_CONTRACT)]
    times: dict[str, list[float]] = {"verify": [], "seed": []}
    codes: dict[str, set[int]] = {"verify": set(), "seed": set()}
    # Python caches compiled modules (.pyc) on a module's first import, unless
    # PYTHONDONTWRITEBYTECODE is set (as on this machine): then every run of
    # `verify` would compile the whole package again (~40 ms), which no user
    # with a default Python pays after the first run. Compile once, as that
    # first run would; Python reads the caches even with the variable set.
    import compileall

    bytecode = all(compileall.compile_dir(str(ROOT / pkg), quiet=1) for pkg in ("dsl", "verifier"))
    for cmd in (verify_cmd, seed_cmd):  # warm the file cache, untimed
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    for _ in range(runs):
        for cmd, key in ((verify_cmd, "verify"), (seed_cmd, "seed")):
            t0 = time.perf_counter()
            r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
            times[key].append(time.perf_counter() - t0)
            codes[key].add(r.returncode)
    out: dict[str, Any] = {
        "runs": runs,
        "process": {
            "verify_median_s": median(times["verify"]),
            "seed_median_s": median(times["seed"]),
            "ratio": median(times["verify"]) / median(times["seed"]),
            "verify_all_s": times["verify"],
            "seed_all_s": times["seed"],
            "exit_codes": {k: sorted(v) for k, v in codes.items()},
            "python_startup_s": _startup(runs),
            "bytecode_precompiled": bytecode,
        },
    }

    # in-process: the contract loaded once, verify_contract timed against the seed's encode + solve
    import seed_z3py

    from dsl.diagnostics import Sources
    from dsl.load import load_contract
    from verifier.verify.run import verify_contract

    loaded = load_contract(str(SEED_CONTRACT), Sources())
    c = loaded.contract
    assert c is not None
    verify_contract(c)  # warm-up: imports, the first solver
    t_full, t_noan, t_enc, t_solve = [], [], [], []
    for _ in range(runs):
        t0 = time.perf_counter()
        v = verify_contract(c)
        t_full.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        verify_contract(c, analyses=False)
        t_noan.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        base, qs = seed_z3py.questions()
        t_enc.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        seed_verdicts = seed_z3py.answer(base, qs)
        t_solve.append(time.perf_counter() - t0)
    ours = {r.id: r.verdict for r in v.results}
    meter, _ = instrument_verify()
    t0 = time.perf_counter()
    verify_contract(c)
    t_instrumented = time.perf_counter() - t0
    meter.undo()
    out["in_process"] = {
        "verify_contract_s": median(t_full),
        "verify_contract_no_analyses_s": median(t_noan),
        "seed_encode_s": median(t_enc),
        "seed_solve_s": median(t_solve),
        "seed_total_s": median(t_enc) + median(t_solve),
        "ratio": median(t_full) / (median(t_enc) + median(t_solve)),
        "ratio_no_analyses": median(t_noan) / (median(t_enc) + median(t_solve)),
        "breakdown_one_run": {"total_s": t_instrumented, **meter.snapshot()},
    }
    out["verdicts"] = {"verify": ours, "seed": dict(seed_verdicts), "equal": ours == dict(seed_verdicts)}
    return out


def _startup(runs: int) -> dict[str, float]:
    """What any Python process with z3 pays before it does anything."""
    out = {}
    for label, code in (("python", "pass"), ("python + import z3", "import z3")):
        ts = []
        for _ in range(runs):
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], cwd=ROOT)
            ts.append(time.perf_counter() - t0)
        out[label] = median(ts)
    return out


def stage_scaling(sizes: list[tuple[int, int]], budget: float, generator: str = "plain") -> dict[str, Any]:
    rows: list[dict[str, Any]] = []
    spent = 0.0
    for n, m in sizes:
        remaining = budget - spent
        if remaining <= 0:
            rows.append({"n": n, "m": m, "status": "skipped", "note": "stage budget used up"})
            continue
        print(
            f"  scaling ({generator}): {n:,} clauses, {m:,} checks (budget left {remaining:.0f} s) ...",
            flush=True,
        )
        records, status, secs, err = run_worker(
            {"kind": "size", "n": n, "m": m, "generator": generator}, remaining
        )
        spent += secs
        row: dict[str, Any] = {"n": n, "m": m, "status": status, "wall_s": secs}
        for phase in ("generate", "parse", "check", "verify_default", "verify_no_analyses", "verify"):
            r = last(records, phase)
            if r is not None:
                row[phase] = r
        base = last(records, "start")
        peak = max((r["peak_rss_mb"] for r in records), default=None)
        row["peak_rss_mb"] = peak
        if base is not None and peak is not None:
            row["rss_delta_mb"] = round(peak - base["base_rss_mb"], 1)
        if "verify" in row:
            meter = row["verify"]["meter"]
            row["encode_s"] = sum(v["seconds"] for k, v in meter.items() if k.startswith("encode: Prover"))
            row["solve_s"] = sum(v["seconds"] for k, v in meter.items() if k.startswith("solve: ask"))
            row["end_to_end_s"] = (
                row["parse"]["seconds"] + row["check"]["seconds"] + row["verify_default"]["seconds"]
            )
        if status != "ok":
            prog = last(records, "progress")
            reached = [p for p in ("generate", "parse", "check", "verify") if p in row]
            where = "verify" if reached and reached[-1] == "check" else (reached[-1] if reached else "start")
            note = (
                f"over budget: stopped after {secs:.1f} s, in {where}"
                if status == "over budget"
                else f"error: {err.strip()[-500:]}"
            )
            if prog is not None:
                done, of, t = prog["done"], prog["of"], prog["seconds"]
                note += f" ({done}/{of} checks after {t:.1f} s of verify"
                if done:
                    note += f"; a linear projection: ~{t * of / done:.0f} s"
                note += ")"
                pm = prog["meter"]
                enc = sum(v["seconds"] for k, v in pm.items() if k.startswith("encode: Prover"))
                ask = sum(v["seconds"] for k, v in pm.items() if k.startswith("solve: ask"))
                mini = pm.get("solve: minimise witness", {}).get("seconds", 0.0)
                note += (
                    f"; so far encode {enc:.1f} s, solve {ask:.1f} s (minimise {mini:.1f} s; "
                    "a question still running is not counted)"
                )
                row["progress"] = prog
            row["note"] = note
            rows.append(row)
            for n2, m2 in sizes[sizes.index((n, m)) + 1 :]:
                rows.append({"n": n2, "m": m2, "status": "skipped", "note": "stage stopped: over budget"})
            break
        rows.append(row)
    # growth between consecutive finished sizes
    growth = []
    done = [r for r in rows if r["status"] == "ok"]
    for a, b in zip(done, done[1:], strict=False):
        g = {"from": f"{a['n']}x{a['m']}", "to": f"{b['n']}x{b['m']}"}
        for key, get in (
            ("parse", lambda r: r["parse"]["seconds"]),
            ("check", lambda r: r["check"]["seconds"]),
            ("encode", lambda r: r["encode_s"]),
            ("solve", lambda r: r["solve_s"]),
            ("verify", lambda r: r["verify_default"]["seconds"]),
            ("end_to_end", lambda r: r["end_to_end_s"]),
            ("memory", lambda r: r["peak_rss_mb"]),
        ):
            x, y = get(a), get(b)
            g[key] = y / x if x else None
        growth.append(g)
    return {"budget_s": budget, "spent_s": spent, "rows": rows, "growth": growth, "generator": generator}


def stage_whatif(n: int, variants: list[str], budget: float) -> dict[str, Any]:
    rows = []
    spent = 0.0
    for variant in variants:
        remaining = budget - spent
        if remaining <= 0:
            rows.append({"variant": variant, "status": "skipped", "note": "stage budget used up"})
            continue
        print(f"  what-if: {n:,} clauses, change: {variant} (budget left {remaining:.0f} s) ...", flush=True)
        records, status, secs, err = run_worker(
            {"kind": "whatif", "n": n, "m": 0, "variant": variant}, remaining
        )
        spent += secs
        row: dict[str, Any] = {"variant": variant, "status": status, "wall_s": secs}
        r = last(records, "whatif")
        d = last(records, "drafts")
        if d is not None:
            row["change"] = d["change"]
        if r is not None:
            row.update(
                seconds=r["seconds"],
                diff_status=r["status"],
                meter=r["meter"],
                differs=r["differs"],
                peak_rss_mb=r["peak_rss_mb"],
            )
        if status != "ok":
            row["note"] = (
                f"over budget: stopped after {secs:.1f} s"
                if status == "over budget"
                else f"error: {err.strip()[-500:]}"
            )
            rows.append(row)
            for v2 in variants[variants.index(variant) + 1 :]:
                rows.append({"variant": v2, "status": "skipped", "note": "stage stopped: over budget"})
            break
        rows.append(row)
    return {"clauses": n, "budget_s": budget, "spent_s": spent, "rows": rows}


def stage_bounds(quotas: list[int], budget: float) -> dict[str, Any]:
    print(
        f"  bounds: quota contracts needing {quotas[0] + 1} to {quotas[-1] + 1} uses (budget {budget:.0f} s) ...",
        flush=True,
    )
    records, status, secs, err = run_worker({"kind": "bounds", "quotas": quotas}, budget)
    out: dict[str, Any] = {
        "status": status,
        "wall_s": secs,
        "rows": [r for r in records if r.get("phase") == "bounds"],
    }
    if status != "ok":
        out["note"] = (
            f"over budget: stopped after {secs:.1f} s"
            if status == "over budget"
            else f"error: {err.strip()[-500:]}"
        )
    return out


def stage_parse(nbytes: int, runs: int, budget: float) -> dict[str, Any]:
    print(f"  parse: about {nbytes:,} bytes, best of {runs} (budget {budget:.0f} s) ...", flush=True)
    records, status, secs, err = run_worker({"kind": "parse", "bytes": nbytes, "runs": runs}, budget)
    out: dict[str, Any] = {"status": status, "wall_s": secs, "runs": runs}
    for phase in ("generated", "parse", "check"):
        r = last(records, phase)
        if r is not None:
            out[phase] = r
    if status != "ok":
        out["note"] = (
            f"over budget: stopped after {secs:.1f} s" if status == "over budget" else f"error: {err[-500:]}"
        )
    return out


# ====================================================================== output


def fmt_s(x: float | None) -> str:
    if x is None:
        return "-"
    return f"{x:.3f}" if x < 10 else f"{x:.1f}"


def mark(ok: bool | None) -> str:
    return {True: "MET", False: "NOT MET", None: "NOT MEASURED"}[ok]


def report(doc: dict[str, Any]) -> str:
    L: list[str] = []
    mc = doc["machine"]
    L.append(f"Whereas benchmark, {mc['date']}")
    L.append(
        f"  {mc['cpu_model']}, {mc['cpus_usable']} usable CPUs of {mc['cpu_count']}, {mc['memory']}; "
        f"{mc['platform']}; Python {mc['python']}; Z3 {mc['z3']}; "
        f"git {mc['git_commit']}{' (with uncommitted changes)' if mc['git_dirty'] else ''}"
    )
    L.append("")

    if "seed" in doc:
        L += _report_seed(doc["seed"])
    if "scaling" in doc:
        L += _report_scaling(doc["scaling"])
    if "interacting" in doc:
        L += _report_scaling(doc["interacting"], "2b. Interacting contracts (bench/gen_interacting.py")
    if "whatif" in doc:
        L += _report_whatif(doc["whatif"])
    if "parse" in doc:
        L += _report_parse(doc["parse"])
    if "bounds" in doc:
        L += _report_bounds(doc["bounds"])
    if doc.get("aims"):
        L.append("Aims")
        for a in doc["aims"]:
            L.append(f"   {mark(a['met']):<13} {a['aim']}: {a['value']}")
    L.append(f"\nbench took {doc['bench_seconds']:.0f} s; results in {doc['results_file']}")
    return "\n".join(L) + "\n"


def _report_seed(s: dict[str, Any]) -> list[str]:
    L: list[str] = []
    p, ip = s["process"], s["in_process"]
    L.append(f"1. Seed contract: verify vs hand-written z3py, {s['runs']} runs each, alternating")
    L.append(f"   {'':34}{'verify':>10}{'seed z3py':>11}{'ratio':>8}")
    L.append(
        f"   {'whole process, median (s)':34}{p['verify_median_s']:>10.3f}{p['seed_median_s']:>11.3f}"
        f"{p['ratio']:>7.2f}x"
    )
    L.append(
        f"   {'in-process, median (s)':34}{ip['verify_contract_s']:>10.3f}{ip['seed_total_s']:>11.3f}"
        f"{ip['ratio']:>7.2f}x"
    )
    L.append(
        f"   {'in-process, without analyses (s)':34}{ip['verify_contract_no_analyses_s']:>10.3f}"
        f"{ip['seed_total_s']:>11.3f}{ip['ratio_no_analyses']:>7.2f}x"
    )
    L.append(
        f"   seed in-process: encode {ip['seed_encode_s']:.4f} s, solve {ip['seed_solve_s']:.4f} s; "
        f"process start: python {p['python_startup_s']['python']:.3f} s, "
        f"python + import z3 {p['python_startup_s']['python + import z3']:.3f} s"
    )
    L.append(
        f"   verdicts equal: {s['verdicts']['equal']} "
        f"({sum(1 for v in s['verdicts']['verify'].values() if v == 'holds')}/{len(s['verdicts']['verify'])} hold in verify, "
        f"{sum(1 for v in s['verdicts']['seed'].values() if v == 'holds')}/{len(s['verdicts']['seed'])} in the seed); "
        f"exit codes {p['exit_codes']}"
    )
    bd = ip["breakdown_one_run"]
    L.append(f"   where verify_contract's {bd['total_s']:.3f} s go (one instrumented run, inclusive times):")
    for k, v in bd.items():
        if k != "total_s":
            L.append(f"     {k:<40}{v['seconds']:>8.4f} s  x{v['calls']}")
    L.append("")
    return L


def _report_scaling(sc: dict[str, Any], title: str = "2. Scaling (bench/gen_contract.py") -> list[str]:
    L: list[str] = []
    L.append(f"{title}; stage budget {sc['budget_s']:.0f} s, spent {sc['spent_s']:.1f} s)")
    L.append(
        "   times in seconds; verify = `verify FILE` as a user runs it: default options, analyses on, one"
    )
    L.append(
        "   process per core for a big contract; an. = its analyses' part; no an. = `--no-analyses`; 1 proc ="
    )
    L.append(
        "   checks only, in one process, instrumented: encode = building provers (Prover.__init__), solve ="
    )
    L.append(
        "   asking (Prover.ask), both from that run; total = parse + check + verify; memory = the child's"
    )
    L.append("   peak RSS (ru_maxrss), and its growth over the post-import baseline")
    hdr = (
        f"   {'clauses':>8}{'checks':>7}{'parse':>7}{'check':>7}{'encode':>8}{'solve':>8}"
        f"{'verify':>8}{'an.':>7}{'no an.':>8}{'1 proc':>8}{'total':>8}{'slice':>7}{'slices Σ':>10}"
        f"{'peak MB':>9}{'+MB':>7}"
    )
    L.append(hdr)
    for r in sc["rows"]:
        if r["status"] in ("ok",):
            provers = sum(
                v["calls"] for k, v in r["verify"]["meter"].items() if k.startswith("encode: Prover")
            )
            sl = r["verify"]["slices"]
            vd = r["verify_default"]
            L.append(
                f"   {r['n']:>8,}{r['m']:>7,}{fmt_s(r['parse']['seconds']):>7}"
                f"{fmt_s(r['check']['seconds']):>7}{fmt_s(r['encode_s']):>8}{fmt_s(r['solve_s']):>8}"
                f"{fmt_s(vd['seconds']):>8}{fmt_s(vd.get('analyses_seconds')):>7}"
                f"{fmt_s(r.get('verify_no_analyses', {}).get('seconds')):>8}{fmt_s(r['verify']['seconds']):>8}"
                f"{fmt_s(r['end_to_end_s']):>8}{sl['mean_clauses']:>7}{sl.get('sum_clauses', 0):>10,}"
                f"{r['peak_rss_mb']:>9.0f}{r.get('rss_delta_mb', 0):>7.0f}"
            )
            s = vd["summary"]
            answered = s.get("holds", 0) + s.get("fails", 0)
            L.append(
                f"   {'':15}{answered:,} of {r['m']:,} checks answered, {s.get('unknown', 0):,} unknown; "
                f"{vd.get('findings', 0):,} findings; {provers:,} provers in the 1-proc run"
            )
        else:
            got = "".join(f" {ph} {fmt_s(r[ph]['seconds'])} s;" for ph in ("parse", "check") if ph in r)
            L.append(
                f"   {r['n']:>8,}{r['m']:>7,}  {r['status'].upper()}:{got} {r.get('note', '')}"
                + (f"; peak RSS at the last report {r['peak_rss_mb']:.0f} MB" if r.get("peak_rss_mb") else "")
            )
    L.append(
        "   (slice = mean clauses in a check's slice, slices Σ = the clauses of all the checks' slices;"
        " provers = Prover objects built, k=2 and k=3)"
    )
    if sc["growth"]:
        L.append("   growth between consecutive sizes (ratio of times):")
        L.append(
            f"   {'':22}{'parse':>8}{'check':>8}{'encode':>8}{'solve':>8}{'verify':>8}{'total':>8}{'memory':>8}"
        )
        for g in sc["growth"]:
            cells = "".join(
                f"{(g[k] or 0):>7.1f}x"
                for k in ("parse", "check", "encode", "solve", "verify", "end_to_end", "memory")
            )
            L.append(f"   {g['from'] + ' -> ' + g['to']:22}{cells}")
    for r in sc["rows"]:
        if r["status"] == "ok":
            meter = r["verify"]["meter"]
            L.append(f"   breakdown at {r['n']:,}x{r['m']:,} (inclusive seconds, calls):")
            L.append("     " + "; ".join(f"{k} {v['seconds']:.2f} x{v['calls']}" for k, v in meter.items()))
    L.append("")
    return L


def _report_whatif(w: dict[str, Any]) -> list[str]:
    L: list[str] = []
    L.append(
        f"3. What-if: semantic_diff of two {w['clauses']:,}-clause drafts differing in one clause "
        f"(budget {w['budget_s']:.0f} s)"
    )
    for r in w["rows"]:
        if r["status"] == "ok":
            L.append(
                f"   {r['variant']:<8} {r['seconds']:>7.2f} s  {r['diff_status']:<10} {r.get('change', '')}; "
                f"peak {r['peak_rss_mb']:.0f} MB"
            )
            L.append(
                "            "
                + "; ".join(f"{k} {v['seconds']:.2f} x{v['calls']}" for k, v in r["meter"].items())
            )
        else:
            L.append(f"   {r['variant']:<8} {r['status'].upper()}: {r.get('note', '')} {r.get('change', '')}")
    L.append("")
    return L


def _report_bounds(b: dict[str, Any]) -> list[str]:
    L = ["5. Derived bounds (bench/bounds_cost.py): verify, default options, against --bound 2"]
    L.append("   quota  needs   derived      --bound 2   ratio  at derived bounds        at --bound 2")
    rows = {(r["n"], r["bound"]): r for r in b["rows"]}
    for n in sorted({n for n, _ in rows}):
        d, f = rows.get((n, None)), rows.get((n, 2))
        if d is None or f is None:
            continue

        def said(r: dict[str, Any]) -> str:
            return ", ".join(
                f"{k} {v} ({r['coverage'][k]})" for k, v in r["verdicts"].items() if k != "calls"
            )

        L.append(
            f"   {n:>5}  {d['needs']:>5}  {d['seconds']:>7.3f} s  {f['seconds']:>9.3f} s  {d['seconds'] / f['seconds']:>5.2f}x"
            f"  {said(d)}; {d['findings']} findings  |  {said(f)}; {f['findings']} findings"
        )
    if b["status"] != "ok":
        L.append(f"   {b['status'].upper()}: {b.get('note', '')}")
    L.append("")
    return L


def _report_parse(pa: dict[str, Any]) -> list[str]:
    L: list[str] = []
    L.append(f"4. Parse throughput (best of {pa['runs']}, after a warm-up)")
    if "parse" in pa:
        g = pa["generated"]
        L.append(f"   {g['bytes']:,} bytes, {g['clauses']:,} clauses, {g['checks']:,} checks")
        L.append(f"   parse_text  {pa['parse']['seconds']:.3f} s  {pa['parse']['mb_per_s']:.2f} MB/s")
        if "check" in pa:
            L.append(f"   check_node  {pa['check']['seconds']:.3f} s  {pa['check']['mb_per_s']:.2f} MB/s")
    if pa["status"] != "ok":
        L.append(f"   {pa['status'].upper()}: {pa.get('note', '')}")
    L.append("")
    return L


def aims(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """Each aim with its figure and MET / NOT MET (None: its stage was not run)."""
    out = []
    if "seed" in doc:
        r = doc["seed"]["process"]["ratio"]
        out.append(
            {
                "aim": f"seed: verify within {AIMS['seed_ratio']:.0f}x of plain z3py (whole processes)",
                "value": f"{r:.2f}x",
                "met": r <= AIMS["seed_ratio"],
            }
        )
    if "scaling" in doc:
        rows = {(x["n"], x["m"]): x for x in doc["scaling"]["rows"]}
        big, mid = rows.get((10000, 1000)), rows.get((1000, 100))
        aim = f"10,000 clauses and 1,000 checks within {AIMS['largest_seconds']:.0f} s (parse to verdicts)"
        if big is not None and big["status"] == "ok":
            out.append(
                {
                    "aim": aim,
                    "value": f"{big['end_to_end_s']:.1f} s",
                    "met": big["end_to_end_s"] <= AIMS["largest_seconds"],
                }
            )
        else:
            out.append(
                {
                    "aim": aim,
                    "value": (big or {}).get("note", "not in the grid"),
                    "met": False if big is not None else None,
                }
            )
        aim = f"10k/1k within {AIMS['growth_ratio']:.0f}x of 1k/100 (parse to verdicts)"
        if big is not None and mid is not None and big["status"] == "ok" and mid["status"] == "ok":
            g = big["end_to_end_s"] / mid["end_to_end_s"]
            out.append({"aim": aim, "value": f"{g:.1f}x", "met": g <= AIMS["growth_ratio"]})
        else:
            ran = big is not None and mid is not None
            out.append(
                {
                    "aim": aim,
                    "value": "one of the two sizes did not finish within the budget"
                    if ran
                    else "not in the grid",
                    "met": False if ran else None,
                }
            )
    if "scaling" in doc:
        big = {(x["n"], x["m"]): x for x in doc["scaling"]["rows"]}.get((10000, 1000))
        if big is not None:
            out.append(_aim_mb("10,000x1,000", big, AIMS["largest_mb"]))
    if "interacting" in doc:
        rows = {(x["n"], x["m"]): x for x in doc["interacting"]["rows"]}
        for (n, m), key in (
            ((1000, 100), "interacting_1k_seconds"),
            ((10000, 1000), "interacting_10k_seconds"),
        ):
            r = rows.get((n, m))
            aim = (
                f"interacting {n:,}x{m:,} within {AIMS[key]:.0f} s (parse to verdicts), every check answered"
            )
            if r is None:
                out.append({"aim": aim, "value": "not in the grid", "met": None})
            elif r["status"] != "ok":
                out.append({"aim": aim, "value": r.get("note", r["status"]), "met": False})
            else:
                unknown = r["verify_default"]["summary"].get("unknown", 0)
                out.append(
                    {
                        "aim": aim,
                        "value": f"{r['end_to_end_s']:.1f} s, {unknown} unknown",
                        "met": r["end_to_end_s"] <= AIMS[key] and not unknown,
                    }
                )
        a, b = rows.get((1000, 100)), rows.get((10000, 1000))
        aim = f"interacting 10k/1k within {AIMS['growth_ratio']:.0f}x of 1k/100 (parse to verdicts)"
        if a is not None and b is not None and a["status"] == b["status"] == "ok":
            g = b["end_to_end_s"] / a["end_to_end_s"]
            out.append({"aim": aim, "value": f"{g:.1f}x", "met": g <= AIMS["growth_ratio"]})
        else:
            out.append(
                {
                    "aim": aim,
                    "value": "a size did not finish or was not run",
                    "met": None if b is None else False,
                }
            )
        if b is not None:
            out.append(_aim_mb("interacting 10,000x1,000", b, AIMS["interacting_10k_mb"]))
    if "whatif" in doc:
        ran = [x for x in doc["whatif"]["rows"] if x["status"] != "skipped"]
        if ran:
            worst = max(x["seconds"] if x["status"] == "ok" else float("inf") for x in ran)
            value = ", ".join(
                f"{x['variant']} {fmt_s(x['seconds'])} s"
                if x["status"] == "ok"
                else f"{x['variant']} {x['status']}"
                for x in ran
            )
            out.append(
                {
                    "aim": f"what-if on two {doc['whatif']['clauses']:,}-clause drafts within "
                    f"{AIMS['whatif_seconds']:.0f} s",
                    "value": value,
                    "met": worst <= AIMS["whatif_seconds"],
                }
            )
    out.append(
        {
            "aim": f"the whole bench under {AIMS['total_seconds'] / 60:.0f} minutes",
            "value": f"{doc['bench_seconds']:.0f} s",
            "met": doc["bench_seconds"] <= AIMS["total_seconds"],
        }
    )
    return out


def _aim_mb(what: str, row: dict[str, Any], most: float) -> dict[str, Any]:
    peak = row.get("peak_rss_mb")
    aim = f"{what}: peak memory within {most:,.0f} MB (the biggest process)"
    if peak is None:
        return {"aim": aim, "value": "not measured", "met": None}
    return {"aim": aim, "value": f"{peak:,.0f} MB", "met": peak <= most}


# ====================================================================== main


def parse_sizes(text: str) -> list[tuple[int, int]]:
    out = []
    for part in text.split(","):
        n, m = part.lower().replace("_", "").split("x")
        out.append((int(n), int(m)))
    return out


def main(argv: list[str]) -> int:
    if argv[:1] == ["--worker"]:
        spec = json.loads(argv[1])
        WORKERS[spec["kind"]](spec)
        return 0
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument(
        "--quick", action="store_true", help="a fast subset: fewer runs, smaller sizes, 30 s budgets"
    )
    ap.add_argument("--runs", type=int, help="runs of each seed process (default 7, quick 3)")
    ap.add_argument(
        "--budget", type=float, help="seconds per stage for scaling and what-if (default 120, quick 30)"
    )
    ap.add_argument("--sizes", help="scaling sizes as NxM,NxM (default 100x20,300x60,1000x100,10000x1000)")
    ap.add_argument(
        "--only",
        help="comma-separated stages to run: seed,scaling,interacting,whatif,parse,bounds (default all)",
    )
    ap.add_argument("--out", default=str(RESULTS / "latest.json"), help="the JSON results file")
    ap.add_argument(
        "--profile", metavar="NxM", help="only write a cProfile report of one size to bench/results/"
    )
    args = ap.parse_args(argv)
    cfg = dict(QUICK if args.quick else FULL)
    if args.runs:
        cfg["runs"] = args.runs
    if args.budget:
        cfg["budget"] = args.budget
    if args.sizes:
        cfg["sizes"] = parse_sizes(args.sizes)
    RESULTS.mkdir(parents=True, exist_ok=True)

    if args.profile:
        ((n, m),) = parse_sizes(args.profile)
        out = RESULTS / f"profile-{n}x{m}.txt"
        print(f"profiling {n:,} clauses, {m:,} checks (no budget) ...", flush=True)
        records, status, secs, err = run_worker({"kind": "profile", "n": n, "m": m, "out": str(out)}, 3600)
        print(f"{status} in {secs:.1f} s: {out}" if status == "ok" else f"{status}: {err}")
        return 0 if status == "ok" else 1

    stages = set((args.only or "seed,scaling,interacting,whatif,parse,bounds").split(","))
    started = time.perf_counter()
    doc: dict[str, Any] = {
        "schema": "whereas.bench/1",
        "machine": machine(),
        "config": {**cfg, "sizes": [f"{n}x{m}" for n, m in cfg["sizes"]], "quick": args.quick},
        "aims_targets": AIMS,
    }
    print("running the bench" + (" (quick)" if args.quick else "") + " ...", flush=True)
    if "seed" in stages:
        print(f"  seed: {cfg['runs']} runs of each process ...", flush=True)
        doc["seed"] = stage_seed(cfg["runs"])
    if "scaling" in stages:
        doc["scaling"] = stage_scaling(cfg["sizes"], cfg["budget"])
    if "interacting" in stages:
        doc["interacting"] = stage_scaling(cfg["interacting"], cfg["budget"], "interacting")
    if "whatif" in stages:
        doc["whatif"] = stage_whatif(cfg["whatif_clauses"], cfg["whatif_variants"], cfg["budget"])
    if "parse" in stages:
        doc["parse"] = stage_parse(cfg["parse_bytes"], cfg["parse_runs"], cfg["budget"])
    if "bounds" in stages:
        doc["bounds"] = stage_bounds(cfg["quotas"], cfg["budget"])
    doc["bench_seconds"] = time.perf_counter() - started
    doc["results_file"] = os.path.relpath(args.out, Path.cwd())
    doc["aims"] = aims(doc)
    print()
    sys.stdout.write(report(doc))
    Path(args.out).write_text(json.dumps(doc, indent=2, default=str) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
