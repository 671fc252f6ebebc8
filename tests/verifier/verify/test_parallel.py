"""Solving a big contract's slices in forked processes gives the same verdicts and
cited clauses as one process; a small contract is not forked; an answer does not
depend on the checks on other slices solved before it."""

from __future__ import annotations

import json

import pytest

from dsl.diagnostics import Sources
from dsl.load import load_contract
from tests import ROOT
from verifier.report.jsondoc import to_json
from verifier.verify.parallel import jobs_for
from verifier.verify.results import Verdict
from verifier.verify.run import verify_contract

CONTRACTS = ROOT / "contracts"


def _contract(name: str):  # type: ignore[no-untyped-def]
    loaded = load_contract(str(CONTRACTS / name), Sources())
    assert loaded.contract is not None
    return loaded.contract


def test_small_contracts_stay_in_one_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """The seed contract (five slices) is not worth a fork: with jobs=2 no worker is
    started, and the answers are those of jobs=1."""
    import verifier.verify.run as v

    c = _contract("openai_microsoft.contract")
    one = verify_contract(c, analyses=False, jobs=1)

    def no_fork(*args: object, **kw: object) -> None:
        raise AssertionError("a small contract was forked")

    monkeypatch.setattr(v, "in_processes", no_fork)
    two = verify_contract(c, analyses=False, jobs=2)
    assert json.dumps(to_json(one)["results"]) == json.dumps(to_json(two)["results"])


def test_answers_do_not_depend_on_what_was_solved_before() -> None:
    """A check alone, and the same check after checks on other slices: the same
    scenario (checks that share a slice share a solver, so those are left out)."""
    from verifier.reduce.slicing import Index, cone

    c = _contract("saas_agreement.contract")
    ix = Index(c)
    key = {ch.id: cone(ix, [ch.body, *ch.givens]).key for ch in c.checks}
    last = c.checks[-1].id
    others = [ch.id for ch in c.checks if key[ch.id] != key[last]]
    assert len(others) >= 3
    alone = to_json(verify_contract(c, analyses=False, only=[last], jobs=1))["results"]
    after = to_json(verify_contract(c, analyses=False, only=[*others, last], jobs=1))["results"]
    assert alone[0]["scenario"] is not None
    assert alone[0] == next(r for r in after if r["id"] == last)


def test_generated_contract_same_in_two_processes() -> None:
    """The benchmark's 100-clause contract, a big one: the same verdicts and cited
    clauses with one process and two, every witness replayed. (Which of several
    valid witnesses Z3 picks may differ: see verifier/verify/parallel.py.)"""
    from tests.benchcontracts import generated

    c = generated(100, 20)
    one = verify_contract(c, analyses=False, jobs=1)
    two = verify_contract(c, analyses=False, jobs=2)
    assert [r.verdict for r in one.results].count(Verdict.FAILS) == 4
    assert [(r.id, r.verdict, r.scenario is None) for r in one.results] == [
        (r.id, r.verdict, r.scenario is None) for r in two.results
    ]
    assert [(r.id, r.clauses) for r in one.results if r.scenario is None] == [
        (r.id, r.clauses) for r in two.results if r.scenario is None
    ]
    assert all(r.replayed and r.timeline is not None for r in two.results if r.scenario is not None)


def test_jobs_option() -> None:
    """``verify --jobs N``: 1 and 2 give the same report on a library contract;
    0 is refused with click's usage error and exit 2."""
    import subprocess
    import sys

    root = CONTRACTS.parent
    saas = str(CONTRACTS / "saas_agreement.contract")
    runs = [
        subprocess.run(
            [sys.executable, "-m", "verifier", saas, "--no-analyses", "--jobs", j],
            cwd=root,
            capture_output=True,
            text=True,
        )
        for j in ("1", "2")
    ]
    assert runs[0].returncode == runs[1].returncode == 1  # one check fails, by design
    assert runs[0].stdout == runs[1].stdout
    bad = subprocess.run(
        [sys.executable, "-m", "verifier", saas, "--jobs", "0"], cwd=root, capture_output=True, text=True
    )
    assert bad.returncode == 2
    assert "Invalid value for '--jobs': 0 is not in the range 1<=x<=64." in bad.stderr


def test_library_default_solves_in_this_process_and_leaves_the_collector(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``verify_contract``'s default (jobs=1) never forks, even for a big contract,
    and leaves the garbage collector as it found it (the command line, which owns
    its process, is the one that freezes the heap)."""
    import gc

    import verifier.verify.run as v
    from tests.benchcontracts import generated

    c = generated(2000, 200)  # big: 167 slices of 368 clauses (100x20 is sliced too small to split)
    asked: list[int | None] = []
    real_jobs_for = jobs_for

    def spy(jobs: int | None, slices: int) -> int:
        asked.append(jobs)
        return real_jobs_for(jobs, slices)

    def no_fork(*args: object, **kw: object) -> None:
        raise AssertionError("verify_contract forked without being asked to")

    monkeypatch.setattr(v, "jobs_for", spy)
    monkeypatch.setattr(v, "in_processes", no_fork)
    frozen, enabled = gc.get_freeze_count(), gc.isenabled()
    verify_contract(c, analyses=False)
    assert asked == [1]  # a big contract: it could have been split, and was not
    assert (gc.get_freeze_count(), gc.isenabled()) == (frozen, enabled)
