"""The built-in analyses (conflicts, dead clauses, powers, obligations) and
honest `unknown` verdicts."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from dsl.diagnostics import Sources
from dsl.load import load_contract
from tests import TESTS
from verifier.cli.common import Streams
from verifier.cli.verify import run_verify
from verifier.verify.run import verify_contract

DATA = TESTS / "data"


def contract(name: str):  # type: ignore[no-untyped-def]
    lc = load_contract(str(DATA / name), Sources())
    assert lc.contract is not None, [d.message for d in lc.diagnostics]
    return lc.contract


def test_findings_of_the_analyses() -> None:
    v = verify_contract(contract("analyses.contract"))
    got = [(f.code, f.clauses) for f in v.findings]
    assert got == [
        ("conflict", ("§1.1", "§1.2")),
        ("dead-clause", ("§2",)),
        ("dead-clause", ("§3",)),
        ("dead-clause", ("§4",)),
    ]
    conflict = v.findings[0]
    assert conflict.message == (
        "§1.1 Office sublets allowed and §1.2 Nothing after June are exceptions within §1 No subletting that "
        "disagree on one act (Sublet on 2024-06-01), and neither prevails over the other"
    )
    assert conflict.timeline is not None and len(conflict.timeline.conflicts) == 1
    # the conflicting act is not a violation: it is reported, not resolved
    assert conflict.timeline.violations == []


def test_priority_resolves_the_conflict(tmp_path: Path) -> None:
    text = (
        (DATA / "analyses.contract")
        .read_text()
        .replace(
            "  exception to §1\n  from 2024-06-01",
            "  exception to §1\n  prevailing over §1.1\n  from 2024-06-01",
        )
    )
    p = tmp_path / "p.contract"
    p.write_text(text)
    lc = load_contract(str(p), Sources())
    assert lc.contract is not None
    v = verify_contract(lc.contract)
    assert "conflict" not in [f.code for f in v.findings]


def test_unknown_is_a_verdict_with_its_reason_and_exit_3() -> None:
    v = verify_contract(contract("analyses.contract"), rlimit=1, analyses=False)
    (r,) = v.results
    assert r.verdict == "unknown"
    assert r.reason == "not decided: the solver's work limit (rlimit 1) was reached"
    from verifier.verify.results import exit_code

    assert exit_code(v) == 3


def test_unknown_never_exits_0(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import verifier.budget as budget

    monkeypatch.setattr(budget, "DEFAULT_RLIMIT", 1)
    out, err = io.StringIO(), io.StringIO()
    code = run_verify(
        [str(DATA / "analyses.contract")], [], "text", None, 2, False, Streams(out, err), analyses=False
    )
    assert code == 3
    assert "UNKNOWN c: x" in out.getvalue()


def _findings_whole_and_sliced(c: Any) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    from verifier.reduce.slicing import Index
    from verifier.smt.prove import Prover
    from verifier.verify.analyses import analysis_provers, run_analyses

    whole = run_analyses(c, Prover(c, 2))
    sliced = run_analyses(c, analysis_provers(c, Index(c), 2, 50_000_000))
    return [(f.code, f.message) for f in whole], [(f.code, f.message) for f in sliced]


def test_analyses_on_slices_find_what_the_whole_contract_finds() -> None:
    """Each clause is asked about on its own slice (its cone); the findings are
    those of a prover over the whole contract, on the analyses' fixture and on
    random contracts (the sliced prover's citations may be another minimal set)."""
    import random

    from tests.randomcontracts import generate, load

    whole, sliced = _findings_whole_and_sliced(contract("analyses.contract"))
    assert whole == sliced and len(whole) == 4
    some = 0
    for seed in range(12):
        c = load(generate(random.Random(seed)))
        assert c is not None
        whole, sliced = _findings_whole_and_sliced(c)
        assert whole == sliced, seed
        some += len(whole)
    assert some > 0  # the random contracts do have findings to compare


def _findings(c: Any, **kw: Any) -> list[tuple[str, str, tuple[str, ...]]]:
    return [(f.code, f.message, f.clauses) for f in verify_contract(c, **kw).findings]


def test_batched_cones_find_what_one_cone_at_a_time_finds(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The analyses put several clauses' cones on one prover (``BATCH_CLAUSES``)
    and ask each question with only its own cone in force: the findings, and the
    clauses each one cites, are those of one prover per cone, and of one prover
    for everything, on the fixture and on random contracts."""
    import random

    import verifier.verify.analyses as an
    from tests.randomcontracts import generate, load

    cases = [contract("analyses.contract")]
    for seed in range(12):
        c = load(generate(random.Random(seed)))
        assert c is not None
        cases.append(c)
    some = 0
    for n, c in enumerate(cases):
        got = {}
        for most, growth in ((1, 0), (8, 2), (10_000, 2)):  # (1, 0): one prover per cone
            monkeypatch.setattr(an, "BATCH_CLAUSES", most)
            monkeypatch.setattr(an, "BATCH_GROWTH", growth)
            got[most] = _findings(c, analyses=True)
        assert got[1] == got[8] == got[10_000], n
        some += len(got[1])
    assert some > 4


def test_analyses_in_workers_find_what_one_process_finds(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Forked workers answer the batches of a big contract; the findings, in
    their order, are those of one process (the thresholds lowered so that the
    fixture counts as big)."""
    import verifier.verify.analyses as an

    c = contract("analyses.contract")
    one = _findings(c, jobs=1)
    monkeypatch.setattr(an, "PARALLEL_MIN_SLICES", 1)
    monkeypatch.setattr(an, "PARALLEL_MIN_CLAUSES", 1)
    monkeypatch.setattr(an, "BATCH_CLAUSES", 1)  # a batch a cone: several batches to share out
    monkeypatch.setattr(an, "BATCH_GROWTH", 0)
    forked: list[int] = []
    from verifier.verify.parallel import in_processes as real

    def counted(sizes: Any, n: int, *a: Any, **kw: Any) -> Any:
        forked.append(n)
        return real(sizes, n, *a, **kw)

    monkeypatch.setattr(an, "in_processes", counted)
    two = _findings(c, jobs=2)
    assert forked == [2]
    assert two == one and len(one) == 4
    conflict = verify_contract(c, jobs=2).findings[0]
    assert conflict.code == "conflict" and conflict.timeline is not None  # replayed in the parent


def test_check_alone_runs_only_the_analyses_of_its_slice(tmp_path: Path) -> None:
    """``verify --check office``: the analyses of the clauses the check depends
    on (the subletting tree and §2), not of the repairs or the termination; a
    check that depends on no clause runs none."""
    p = tmp_path / "a.contract"
    p.write_text(
        (DATA / "analyses.contract").read_text()
        + 'check office "Office sublets are a breach": possible Sublet(use: Office) and breach by Tenant\n'
    )
    lc = load_contract(str(p), Sources())
    assert lc.contract is not None
    got = [(f.code, f.clauses) for f in verify_contract(lc.contract, only=["office"]).findings]
    assert got == [("conflict", ("§1.1", "§1.2")), ("dead-clause", ("§2",))]
    assert verify_contract(lc.contract, only=["c"]).findings == ()
    assert len(verify_contract(lc.contract).findings) == 4


def test_an_exception_is_dead_where_its_parent_never_rules() -> None:
    """Golden: an exception counts as applicable only where the clause it is an
    exception to rules on the same act (and so on up its tree). §2.1's dates,
    §2.1.1's under it, and §3.1's amounts each match acts on their own, but
    never one their parent rules on; each finding says why, from the dates where
    they say it, and cites the clauses above the exception. §4 starts after the
    horizon."""
    v = verify_contract(contract("dead_exceptions.contract"))
    assert [(f.code, f.clauses, f.message) for f in v.findings] == [
        (
            "dead-clause",
            ("§2", "§2.1"),
            "§2.1 Small purchases from 2027 can never apply to anything: "
            "it starts on 2027-01-01, after its parent §2 ends on 2026-12-31",
        ),
        (
            "dead-clause",
            ("§2", "§2.1", "§2.1.1"),
            "§2.1.1 Not the smallest can never apply to anything: "
            "its parent §2.1 starts on 2027-01-01, after §2 above it ends on 2026-12-31",
        ),
        (
            "dead-clause",
            ("§3", "§3.1"),
            "§3.1 Small purchases can never apply to anything, in any course of events: "
            "its parent §3 rules on none of the acts it covers",
        ),
        (
            "dead-clause",
            ("§4",),
            "§4 Late can never apply to anything: it starts on 2031-01-01, after the horizon 2030-12-31",
        ),
    ]


def test_a_dead_clause_before_the_effective_date_says_so(tmp_path: Path) -> None:
    p = tmp_path / "early.contract"
    p.write_text(
        'contract "Early" effective 2025-01-01 horizon 2030-12-31\nparty A\nevent Go by A\n'
        "§1 Old\n  until 2024-12-31\n  A must not Go\n"
    )
    lc = load_contract(str(p), Sources())
    assert lc.contract is not None
    (f,) = verify_contract(lc.contract).findings
    assert f.message == (
        "§1 Old can never apply to anything: it ends on 2024-12-31, before the contract takes effect on 2025-01-01"
    )


def test_an_exception_about_a_party_its_parent_does_not_bind_is_dead_through_the_api() -> None:
    """The checker rejects such an exception (``exception-mismatch``); a contract
    built without it (the API takes any ``Contract``) still has it found dead,
    with the reason read off the two clauses' actors."""
    import attrs

    c = contract("dead_exceptions.contract")
    kid = c.clauses["§3.1"]
    (n,) = kid.norms
    openai = attrs.evolve(kid, norms=(attrs.evolve(n, actor="OpenAI", cond=None),))
    c = attrs.evolve(c, clauses={**c.clauses, "§3.1": openai})
    got = [f for f in verify_contract(c).findings if "§3.1" in f.clauses]
    assert [(f.clauses, f.message) for f in got] == [
        (
            ("§3", "§3.1"),
            "§3.1 Small purchases can never apply to anything: its parent §3 never forbids Buy by OpenAI",
        )
    ]
