"""Two semantics, one truth: the Z3 encoding against the interpreter.

(a) every scenario the solver returns replays in the interpreter to the verdict
    it was found for (``verify_contract`` replays and reports an internal error
    otherwise);
(b) on tiny finite domains, enumerating every scenario with the interpreter
    gives the same verdict as the solver at the same bound, for every check;
(c) a bug seeded into the encoding (exceptions ignored) is caught by (b).
"""

from __future__ import annotations

import os
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dsl import model as m
from dsl.scenario import Scenario
from tests.randomcontracts import HEADER, all_scenarios, generate, load
from verifier.reduce.slicing import Index, cone, restrict
from verifier.semantics.interpret import check_holds_on, simulate
from verifier.smt.encode import Encoding
from verifier.smt.prove import Prover
from verifier.verify.run import verify_contract

CI = bool(os.environ.get("CI"))


def brute_force(c: m.Contract, check: m.Check, scenarios: list[Scenario]) -> bool:
    """The verdict (holds?) by running the interpreter on every scenario."""
    hits = []
    for sc in scenarios:
        tl = simulate(c, sc)
        g, b = check_holds_on(tl, check)
        hits.append((g, b))
    if check.mode == "possible":
        return any(g and b for g, b in hits)
    if check.mode == "always":
        return all(b for g, b in hits if g)
    return not any(g and b for g, b in hits)


def solver_verdict(prover: Prover, check: m.Check) -> bool:
    out = prover.ask(prover.check_query(check), minimise=False, want_core=False)
    assert out.status in ("sat", "unsat"), out
    sat = out.status == "sat"
    return sat if check.mode == "possible" else not sat


def disagreements(text: str, prover_cls: type[Prover] = Prover) -> list[str]:
    c = load(text)
    assert c is not None, text
    scenarios = all_scenarios(c)
    prover = prover_cls(c, 1)
    index = Index(c)
    out = []
    for check in c.checks:
        expected = brute_force(c, check, scenarios)
        got = solver_verdict(prover, check)
        if expected != got:
            out.append(
                f"{check.id} ({check.mode}): interpreter says {'holds' if expected else 'fails'}, solver "
                f"says {'holds' if got else 'fails'}"
            )
        if prover_cls is Prover:  # the check's slice of the contract must give the same answer
            sliced = solver_verdict(Prover(restrict(c, cone(index, [check.body, *check.givens])), 1), check)
            if sliced != expected:
                out.append(
                    f"{check.id} ({check.mode}): on its slice the solver says {'holds' if sliced else 'fails'}"
                )
    return out


@settings(
    max_examples=25 if CI else 25, deadline=None, derandomize=CI, suppress_health_check=[HealthCheck.too_slow]
)
@given(st.randoms(use_true_random=False))
def test_solver_agrees_with_brute_force(r: random.Random) -> None:
    text = generate(r)
    problems = disagreements(text)
    assert not problems, "\n".join(problems) + "\n\n" + text


@settings(max_examples=20, deadline=None, derandomize=CI, suppress_health_check=[HealthCheck.too_slow])
@given(st.randoms(use_true_random=False))
def test_every_solver_scenario_replays(r: random.Random) -> None:
    c = load(generate(r))
    assert c is not None
    v = verify_contract(c, bound=2)
    for res in v.results:
        assert res.verdict in ("holds", "fails"), (res.id, res.reason)
        if res.scenario is not None:
            assert res.replayed, (res.id, res.reason)
    assert not [f for f in v.findings if f.code == "internal-error"]


FIXED = (
    HEADER
    + """

§1 Rule
  A must not E1(k: k) where k == X

§1.1 Exception
  exception to §1
  from 2020-01-02
  A may E1(k: X)

§3 Effect
  E2 starts S2

check c0 "A can do E1(X) without breach":
  possible E1(k: X) by A and not breach by A

check c1 "E1(X) on the first day is a breach":
  never E1(k: X) by A before 2020-01-02 and not breach by A
"""
)


def test_fixed_contract_agrees() -> None:
    assert disagreements(FIXED) == []


class ExceptionsIgnored(Encoding):
    """A seeded bug: exception clauses are never looked at."""

    def exceptions_to(self, cid: str) -> tuple[str, ...]:
        return ()


class BuggyProver(Prover):
    def __init__(self, c: m.Contract, k: int) -> None:
        super().__init__(c, k, encoding=ExceptionsIgnored)


def test_seeded_bug_is_caught() -> None:
    problems = disagreements(FIXED, BuggyProver)
    assert problems == ["c0 (possible): interpreter says holds, solver says fails"]


@pytest.mark.parametrize("seed", range(3))
def test_generated_contracts_check_cleanly(seed: int) -> None:
    from dsl.load import check_node
    from dsl.parse import parse_text

    text = generate(random.Random(seed))
    node, _ = parse_text(text, "r.contract")
    c, diags = check_node(node, "r.contract")  # type: ignore[arg-type]
    assert c is not None, [d.message for d in diags if d.is_error]


def _rules_somewhere(c: m.Contract, cid: str, scenarios: list[Scenario]) -> bool:
    """Whether, in the interpreter, clause ``cid`` rules on some occurrence of
    one of ``scenarios``: it and every clause above it in its exception tree
    apply and have a norm that matches (the interpreter walks an exception tree
    down only from a clause that rules). Read after each run: effects count
    from the next day and ``until`` events from the day after, so a clause's
    value on an occurrence is the one the run saw."""
    chain = [c.clauses[cid]]
    while chain[-1].exception_to is not None:
        chain.append(c.clauses[chain[-1].exception_to])
    for sc in scenarios:
        tl = simulate(c, sc)
        assert tl.runner is not None
        for o in sc.events:
            if all(tl.runner.node_value(x, o) is not None for x in chain):
                return True
    return False


@settings(max_examples=25, deadline=None, derandomize=CI, suppress_health_check=[HealthCheck.too_slow])
@given(st.randoms(use_true_random=False))
def test_a_clause_applies_to_the_solver_where_it_rules_in_the_interpreter(r: random.Random) -> None:
    """The dead-clause analysis's question (``Prover.applicability_query``) of
    each clause of an exception tree has a scenario exactly when the interpreter
    has the clause rule on an occurrence of one, at one occurrence of each
    event: an exception counts only where its parent (and the clause above that)
    rules, not wherever its own dates and pattern match."""
    text = generate(r)
    c = load(text)
    assert c is not None
    scenarios = all_scenarios(c)
    prover = Prover(c, 1)
    for cid, cl in c.clauses.items():
        if not cl.norms or any(n.modality not in m.RULINGS for n in cl.norms) or cl.consequences:
            continue
        q = prover.applicability_query(cid)
        solver = q is not None and prover.ask(q, minimise=False, want_core=False).status == "sat"
        assert solver == _rules_somewhere(c, cid, scenarios), (cid, text)
