"""Bounded runs: ``Limits`` (time, solver work, memory) through ``verify_contract``,
``compare`` and the forked workers; exception chains deeper than Python's
recursion limit; dates at the end of the calendar."""

from __future__ import annotations

import os
import signal
from pathlib import Path

from dsl import model as m
from dsl.diagnostics import Sources
from dsl.limits import MAX_NESTING
from dsl.load import load_contract
from tests import ROOT
from verifier.budget import Budget, Stop
from verifier.semantics.interpret import CALENDAR_END, simulate
from verifier.verify.limits import Limits, default_max_memory
from verifier.verify.parallel import in_processes
from verifier.verify.results import CheckResult, Verdict, exit_code
from verifier.verify.run import verify_contract
from verifier.verify.whatif import DiffStatus, compare

SEED = ROOT / "contracts" / "openai_microsoft.contract"


def _load(path: Path) -> m.Contract:
    lc = load_contract(str(path), Sources())
    assert lc.ok and lc.contract is not None, lc.diagnostics
    return lc.contract


def _write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_a_passed_deadline_makes_every_check_and_analysis_unknown_with_its_reason() -> None:
    v = verify_contract(_load(SEED), limits=Limits(timeout=0))
    assert v.results and all(r.verdict == Verdict.UNKNOWN for r in v.results)
    assert {r.stop for r in v.results} == {Stop.TIME}
    assert v.results[0].reason == (
        "not decided: the run's time limit of 0 s was reached before this check was finished"
    )
    assert v.findings == ()
    (u,) = v.unfinished
    assert u.stop == Stop.TIME
    assert (
        u.reason == "not decided: the run's time limit of 0 s was reached before this analysis was finished"
    )
    assert u.what.startswith("the analyses of §")
    assert exit_code(v) == 3
    # the reports say so: an exit 3 is never without its reason
    from verifier.report.jsondoc import to_json
    from verifier.report.text import to_text

    text = to_text(v)
    assert (
        f"Not finished (a limit was reached, so this run is not complete):\n  {u.what}: {u.reason}\n" in text
    )
    assert text.endswith("0 hold, 0 fail, 10 unknown; 0 findings; analyses not finished\n")
    assert to_json(v, False)["unfinished"] == [
        {"what": u.what, "limit": "time", "reason": u.reason, "clauses": list(u.clauses)}
    ]


def test_the_work_limit_is_named_in_words() -> None:
    v = verify_contract(_load(SEED), analyses=False, limits=Limits(rlimit=1))
    unknown = [r for r in v.results if r.verdict == Verdict.UNKNOWN]
    assert unknown, "rlimit 1 decides nothing that needs the solver"
    assert {r.stop for r in unknown} == {Stop.WORK}
    assert unknown[0].reason == "not decided: the solver's work limit (rlimit 1) was reached"
    assert exit_code(v) == 3


def test_the_memory_limit_is_named_in_words() -> None:
    v = verify_contract(_load(SEED), limits=Limits(max_memory=2**20))  # less than Python itself
    assert {r.stop for r in v.results} == {Stop.MEMORY}
    assert v.results[0].reason == "not decided: the memory limit of 1 MiB was reached"
    assert v.unfinished[0].stop == Stop.MEMORY
    assert exit_code(v) == 3


def test_no_limits_change_no_verdict() -> None:
    c = _load(SEED)
    plain = verify_contract(c)
    roomy = verify_contract(c, limits=Limits(timeout=600, rlimit=10**9, max_memory=default_max_memory()))
    assert [(r.id, r.verdict, r.clauses) for r in plain.results] == [
        (r.id, r.verdict, r.clauses) for r in roomy.results
    ]
    assert plain.findings == roomy.findings and roomy.unfinished == ()


def test_compare_shares_one_deadline() -> None:
    base = _load(SEED)
    lc = load_contract(str(ROOT / "examples" / "amendments" / "oracle_cap_5b.amendment"), Sources())
    assert lc.contract is not None
    cmp = compare(base, lc.contract, limits=Limits(timeout=0))
    assert cmp.diff_status == DiffStatus.UNKNOWN
    assert cmp.diff_note == (
        "not decided: the run's time limit of 0 s was reached before this comparison was finished"
    )
    assert all(r.verdict == Verdict.UNKNOWN for r in cmp.amended.results)


def test_a_worker_that_dies_gives_unknown_checks_not_a_hang() -> None:
    budget = Budget.start(None, None, None)

    def solve(j: int) -> list[tuple[int, CheckResult]]:
        if j == 1:
            os.kill(os.getpid(), signal.SIGKILL)
        return [(j, _result(f"c{j}", Verdict.HOLDS, None))]

    def lost(j: int, stop: Stop, detail: str) -> list[tuple[int, CheckResult]]:
        return [(j, _result(f"c{j}", Verdict.UNKNOWN, budget.reason(stop, "check", detail)))]

    # slice 0 goes to one worker, slices 1 and 2 to the other (``shares_of``), which dies at 1
    got = dict(in_processes([3, 2, 1], 2, solve, lost))
    assert got[0].verdict == Verdict.HOLDS
    assert got[1].verdict == got[2].verdict == Verdict.UNKNOWN
    assert got[1].reason == (
        "not decided: the process solving this check ended without an answer (it ended with signal 9)"
    )


def _result(cid: str, verdict: Verdict, reason: str | None) -> CheckResult:
    return CheckResult(cid, cid, "possible", verdict, "", (), None, False, reason, 1)


DEPTH = MAX_NESTING  # the deepest chain the front end reads (dsl.limits)


def _chain(tmp_path: Path, depth: int) -> tuple[m.Contract, Path]:
    parts = [
        'contract "deep"\n  effective 2025-01-01\n  horizon 2025-12-31\n  currency USD\n\n'
        'party A "a"\nevent Pay(amount: money) by A\n\n§1 Base\n  A must not Pay\n\n'
    ]
    prev = "§1"
    for i in range(1, depth + 1):
        parts.append(
            f"§1.{i} E{i}\n  exception to {prev}\n  A {'may' if i % 2 else 'must not'} Pay(amount > ${i})\n\n"
        )
        prev = f"§1.{i}"
    parts.append('check ok "paying $5 is no breach":\n  possible Pay(amount: $5) and not breach by A\n')
    p = _write(tmp_path, "deep.contract", "".join(parts))
    return _load(p), p


def test_an_exception_chain_deeper_than_the_recursion_limit(tmp_path: Path) -> None:
    c, p = _chain(tmp_path, DEPTH)
    sc = _write(
        tmp_path, "deep.scenario", 'scenario "s"\n  for "deep.contract"\n\n2025-02-01 Pay(amount: $5) by A\n'
    )
    from dsl.load import load_scenario

    scenario, _, diags = load_scenario(str(sc), Sources())
    assert scenario is not None, diags
    tl = simulate(c, scenario)
    # §1.4 (must not, above $4) is the deepest exception that applies to $5
    assert [v.clause for v in tl.violations] == ["§1.4"]
    # the solver's encoding of a chain costs more than its walk: a shorter
    # chain, under a recursion limit it would have needed twice over
    short, _ = _chain(tmp_path, 60)
    import sys

    old = sys.getrecursionlimit()
    sys.setrecursionlimit(len(_frames()) + 200)
    try:
        v = verify_contract(short, analyses=False, limits=Limits(timeout=120))
    finally:
        sys.setrecursionlimit(old)
    (r,) = v.results
    assert r.verdict == Verdict.FAILS and "§1.4" in r.clauses, r.reason  # $5 is a breach of §1.4


def _frames() -> list[object]:
    import traceback

    return list(traceback.walk_stack(None))


END = """contract "end of the calendar"
  effective 9999-01-01
  horizon 9999-12-31
  currency USD

party A "a"
party B "b"
event Pay(amount: money) by A
event Ask by B
event Stop by B
state Open "open" holds from effective until Stop

§1 Pay
  when Ask by B:
    A must Pay(amount >= $1) within 100000 days

§3 Exit
  B has power to Stop
  Stop ends the contract

check late "a late payment is never a breach: its deadline is past the calendar":
  possible breach of §1 by A
"""


def test_dates_past_the_end_of_the_calendar_never_count(tmp_path: Path) -> None:
    p = _write(tmp_path, "end.contract", END)
    c = _load(p)
    sc = _write(
        tmp_path,
        "end.scenario",
        'scenario "s"\n  for "end.contract"\n\n9999-12-30 Ask by B\n9999-12-31 Stop by B\n',
    )
    from dsl.load import load_scenario

    scenario, _, diags = load_scenario(str(sc), Sources())
    assert scenario is not None, diags
    tl = simulate(c, scenario)
    assert tl.effects == [] and tl.violations == []
    assert tl.open_at_horizon == [("§1", c.horizon - 1, CALENDAR_END)]
    assert tl.holds("Open", c.horizon) and tl.in_force(c.horizon)
    # the solver agrees with the interpreter: no breach of §1 is possible, Open holds on the last day
    v = verify_contract(c, limits=Limits(timeout=120))
    assert [(r.id, r.verdict) for r in v.results] == [("late", Verdict.FAILS)]
    assert all(r.replayed for r in v.results if r.scenario is not None)


def test_workers_end_with_a_killed_parent(tmp_path: Path) -> None:
    """A `verify` killed outright (SIGKILL, the out-of-memory killer) leaves no
    worker solving on: each ends with its parent."""
    import subprocess
    import sys
    import time

    script = tmp_path / "parent.py"
    script.write_text(
        "import os, sys, time\n"
        "from verifier.verify.parallel import in_processes\n"
        "def solve(j):\n"
        f"    open(os.path.join({str(tmp_path)!r}, f'w{{os.getpid()}}'), 'w').close()\n"
        "    time.sleep(120)\n"
        "    return []\n"
        "in_processes([1, 1], 2, solve)\n"
    )
    parent = subprocess.Popen([sys.executable, str(script)], cwd=ROOT)
    try:
        deadline = time.monotonic() + 30
        while len(list(tmp_path.glob("w*"))) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        workers = [int(p.name[1:]) for p in tmp_path.glob("w*")]
        assert len(workers) == 2
    finally:
        parent.kill()
        parent.wait()
    deadline = time.monotonic() + 10
    while any(_running(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_running(w) for w in workers)


def _running(pid: int) -> bool:
    """Whether ``pid`` is a live process (a zombie waiting for init to reap it is not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")
