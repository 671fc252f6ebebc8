"""The code lenses of ``whereas lsp``, driven by a real LSP client over stdio: "verify"
on each check, "show scenario" on a verdict that has one, "compare with base" on an
amendment, and the cancelling of a verification (by the user, or by an edit)."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pygls")

from lsprotocol import types  # noqa: E402
from pygls.exceptions import JsonRpcException  # noqa: E402

from tests import ROOT  # noqa: E402
from tests.verifier.lsp.client import Session, generated  # noqa: E402
from tests.verifier.lsp.test_server import AMENDMENT, SCENARIO, SEED, SEED_TEXT, at  # noqa: E402

WHEREAS = str(Path(sys.executable).parent / "whereas")


@pytest.fixture(scope="module")
def lsp() -> Iterator[Session]:
    s = Session()
    yield s
    assert s.close() == 0


@pytest.fixture(scope="module")
def seed(lsp: Session) -> str:
    u = lsp.open(SEED)
    assert lsp.diagnostics(u) == []
    return u


def titles(lsp: Session, u: str) -> list[str]:
    return [lens.command.title for lens in lsp.code_lens(u)]


def test_a_code_lens_verifies_one_check_and_shows_its_verdict(lsp: Session, seed: str) -> None:
    found = lsp.code_lens(seed)
    assert [lens.command.title for lens in found] == ["verify"] * 10
    first = found[0]
    assert first.range.start.line == at(SEED_TEXT, "check oracle_within_waiver", "o")[0]
    assert first.command.command == "whereas.verify"
    got = lsp.execute(first.command.command, *first.command.arguments)
    assert got["verdict"] == "holds" and got["title"] == "HOLDS · shown by a scenario"
    got = lsp.execute("whereas.verify", seed, "access_after_declaration")
    assert got["title"] == "HOLDS · every course of events"
    assert got["scenario"] is None  # a proof has no scenario
    shown = titles(lsp, seed)
    assert shown[:2] == ["HOLDS · shown by a scenario · verify again", "show scenario"]
    assert shown[6] == "HOLDS · every course of events · verify again"
    assert shown.count("verify") == 8 and shown.count("show scenario") == 1


def test_show_scenario_writes_the_witness_as_a_scenario_file_that_simulates(
    lsp: Session, seed: str, tmp_path: Path
) -> None:
    got = lsp.execute("whereas.verify", seed, "oracle_within_waiver")
    shown = lsp.execute("whereas.showScenario", seed, "oracle_within_waiver")
    path = Path(shown["path"])
    assert path.name == "openai_microsoft-oracle_within_waiver.scenario"
    assert path.read_text(encoding="utf-8") == shown["text"] == got["scenario"]
    assert ROOT not in path.parents  # never beside the user's files
    assert shown["text"] == (
        'scenario "oracle_within_waiver: HOLDS: OpenAI can buy up to $10B of Oracle compute without breach"\n'
        f'  for "{SEED.resolve()}"\n'
        "\n"
        "2024-06-01 BuyCompute(from: Oracle, amount: $10B, software: Microsoft) by OpenAI\n"
    )
    # the file is a scenario like any other: the editor shows it without a diagnostic,
    # and `whereas simulate` runs it
    sc = lsp.open(path)
    assert lsp.diagnostics(sc) == []
    lsp.close_document(sc)
    run = subprocess.run([WHEREAS, "simulate", str(path)], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    assert "BuyCompute(from: Oracle, amount: $10B, software: Microsoft) by OpenAI: effective" in run.stdout
    # a check not verified yet has nothing to show
    with pytest.raises(JsonRpcException, match="no scenario to show for supply_breach: verify it first"):
        lsp.execute("whereas.showScenario", seed, "supply_breach")


def test_a_failing_check_reads_fails_and_an_edit_clears_the_verdicts(lsp: Session) -> None:
    text = SEED_TEXT + (
        '\ncheck oracle_never "Buying from Oracle is never allowed":\n'
        "  never BuyCompute(from: Oracle) and not breach by OpenAI\n"
    )
    u = lsp.open(ROOT / "contracts" / "failing.contract", text)
    assert lsp.diagnostics(u) == []
    got = lsp.execute("whereas.verify", u, "oracle_never")
    assert got["verdict"] == "fails" and got["title"].startswith("FAILS")
    assert "2024-06-01 BuyCompute(from: Oracle" in got["explanation"]
    assert titles(lsp, u)[-2:] == [f"{got['title']} · verify again", "show scenario"]
    lsp.replace(u, text + "\n")
    lsp.diagnostics(u)
    assert titles(lsp, u)[-1] == "verify"  # a verdict is of the version it was run on
    # a file with an error is not verified: the command says why
    lsp.replace(u, text.replace("not breach by OpenAI\n", "not breach by OpenAl\n"))
    lsp.diagnostics(u)
    assert titles(lsp, u)[-1] == "fix the errors to verify"
    with pytest.raises(JsonRpcException, match="has errors: fix them to verify `oracle_never`"):
        lsp.execute("whereas.verify", u, "oracle_never")
    lsp.close_document(u)
    # no lens on a scenario: it has no checks
    sc = lsp.open(SCENARIO)
    assert lsp.code_lens(sc) in ([], ())
    lsp.close_document(sc)


def test_compare_with_base_says_what_an_amendment_changes(lsp: Session) -> None:
    u = lsp.open(AMENDMENT)
    assert lsp.diagnostics(u) == []
    first = lsp.code_lens(u)[0]
    assert first.command.title == "compare with base" and first.range.start.line == 1
    got = lsp.execute(first.command.command, *first.command.arguments)
    assert got["changed"] == [] and got["checks"] == 10 and got["diff"] == "difference"
    assert got["title"] == "no verdict changes · the versions read differently on a scenario"
    assert got["what"] == ["who is in breach: nobody before, OpenAI after"]
    assert "0 of 10 verdicts changed" in got["text"]
    assert titles(lsp, u)[:2] == [f"{got['title']} · compare again", "show scenario"]
    shown = lsp.execute("whereas.showScenario", u, "")
    assert Path(shown["path"]).name == "oracle_cap_5b-difference.scenario"
    assert f'  for "{AMENDMENT.resolve()}"' in shown["text"]  # the contract as amended
    assert "2024-06-01 BuyCompute(from: Oracle, amount: $10B, software: Microsoft) by OpenAI" in shown["text"]
    run = subprocess.run([WHEREAS, "simulate", shown["path"]], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 1 and "VIOLATION of §2 Exclusive compute by OpenAI" in run.stdout, run.stderr
    # an amendment that changes a verdict
    text = AMENDMENT.read_text(encoding="utf-8").replace("amount <= $5B", "amount <= $20B")
    lsp.replace(u, text)
    assert lsp.diagnostics(u) == []
    got = lsp.execute("whereas.compare", u)
    assert got["changed"] == [{"check": "oracle_above_cap", "before": "holds", "after": "fails"}]
    assert got["title"].startswith("1 of 10 verdicts change · ")
    lsp.close_document(u)
    # a contract is not an amendment
    seed = lsp.open(SEED)
    with pytest.raises(JsonRpcException, match="is not an amendment"):
        lsp.execute("whereas.compare", seed)


def test_cancel_stops_nothing_when_nothing_runs(lsp: Session, seed: str) -> None:
    assert lsp.execute("whereas.cancel", seed, "supply_breach") is False


def test_an_edit_cancels_the_verification_of_the_version_before(lsp: Session, tmp_path: Path) -> None:
    """A check on a 2,000-clause contract takes about a second; the edit sent right
    after the command stops it: its answer is unknown, canceled, and no lens shows it."""
    big, text = generated(tmp_path, "gen_interacting.py", 2000, 40)
    u = lsp.open(big)
    assert lsp.diagnostics(u) == []
    task = lsp.loop.create_task(
        lsp.client.workspace_execute_command_async(
            types.ExecuteCommandParams(command="whereas.verify", arguments=[u, "deep_5"])
        )
    )
    lsp.run(asyncio.sleep(0.1))  # the command is sent, and the server has started it
    lsp.replace(u, text + "\n")

    async def answer() -> Any:
        return await task

    got = lsp.run(answer())
    assert got["verdict"] == "unknown"
    assert got["reach"] == "not decided: the run was canceled before this check was finished"
    lsp.diagnostics(u)
    assert titles(lsp, u)[:1] == ["verify"]
    lsp.close_document(u)


def test_a_verification_stopped_by_its_limit_reads_unknown_with_the_reason() -> None:
    """The lens's verification itself (in this process), with one unit of solver work."""
    from verifier.lsp.features import Document
    from verifier.lsp.lens import Run, verify_check
    from verifier.verify.limits import Limits

    doc = Document(SEED.resolve().as_uri(), SEED_TEXT)
    doc.check()
    got = verify_check(doc, "access_after_declaration", Run(Limits(rlimit=1)))
    assert got.verdict == "unknown"
    assert got.title == "UNKNOWN · not decided: the solver's work limit (rlimit 1) was reached"
    canceled = Run(Limits(timeout=10.0))
    canceled.cancel()
    got = verify_check(doc, "access_after_declaration", canceled)
    assert got.title == "UNKNOWN · not decided: the run was canceled before this check was finished"


def test_cancel_interrupts_the_query_being_solved() -> None:
    """``Budget.cancel`` from another thread interrupts Z3 inside a query of the run's
    context (a pigeonhole problem Z3 needs far longer than the test waits)."""
    import z3

    from verifier.budget import Stop
    from verifier.smt.solver import make_solver, run_context
    from verifier.verify.limits import Limits

    budget = Limits(timeout=60.0).budget()
    ctx = run_context(budget)
    s = make_solver(ctx=ctx, budget=budget)
    n = 11
    p = [[z3.Bool(f"p{i}_{j}", ctx) for j in range(n - 1)] for i in range(n)]
    for i in range(n):
        s.add(z3.Or(*p[i]))
    for j in range(n - 1):
        for i in range(n):
            for k in range(i + 1, n):
                s.add(z3.Or(z3.Not(p[i][j]), z3.Not(p[k][j])))
    got: list[object] = []
    worker = threading.Thread(target=lambda: got.append(s.check()))
    started = time.monotonic()
    worker.start()
    time.sleep(0.3)
    assert worker.is_alive()
    budget.cancel()
    worker.join(20)
    assert not worker.is_alive() and got == [z3.unknown]
    assert time.monotonic() - started < 20
    # Z3 says "canceled"; the reason says who canceled it
    assert budget.reason(Stop.WORK) == "not decided: the run was canceled before this check was finished"


def test_a_refusal_is_logged_in_a_line_without_a_traceback() -> None:
    """pygls logs a refused request as an exception; the server's log keeps its line."""
    import logging

    from verifier.lsp.server import refusals_without_traceback
    from verifier.lsp.session import REQUEST_FAILED

    try:
        raise JsonRpcException(code=REQUEST_FAILED, message="whereas: x.contract has errors")
    except JsonRpcException:
        record = logging.LogRecord("pygls", logging.ERROR, "f", 1, "failed %s", ("x",), sys.exc_info())
    assert refusals_without_traceback(record)
    assert record.exc_info is None and record.getMessage() == "refused: whereas: x.contract has errors"
    try:
        raise ValueError("a bug")
    except ValueError:
        bug = logging.LogRecord("pygls", logging.ERROR, "f", 1, "failed", None, sys.exc_info())
    assert refusals_without_traceback(bug) and bug.exc_info is not None  # a bug keeps its traceback


def test_a_cancel_at_any_moment_ends_the_verification_with_a_verdict(tmp_path: Path) -> None:
    """Z3 may be building a term or reading a model when it is interrupted (it then
    raises "canceled"): whenever the cancel comes, the lens gets a verdict, UNKNOWN and
    canceled unless the check was answered first."""
    from verifier.lsp.features import Document
    from verifier.lsp.lens import LIMITS, Run, verify_check

    big, text = generated(tmp_path, "gen_interacting.py", 400, 10)
    doc = Document(big.resolve().as_uri(), text)
    doc.check()
    for delay in (0.0, 0.01, 0.03, 0.06, 0.1, 0.2, 0.4):
        run = Run(LIMITS)
        timer = threading.Timer(delay, run.cancel)
        timer.start()
        got = verify_check(doc, "deep_5", run)
        timer.join()
        canceled = "not decided: the run was canceled before this check was finished"
        assert got.verdict in ("holds", "fails") or (got.verdict, got.reach) == ("unknown", canceled)
