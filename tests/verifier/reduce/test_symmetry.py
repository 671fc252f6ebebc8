"""Alike termination rights (verifier/reduce/symmetry.py): one of each shape per slice
gives the same verdict as all of them, on random contracts."""

from __future__ import annotations

import os
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.randomcontracts import generate, load, with_clauses
from verifier.reduce.slicing import Index, cone, restrict
from verifier.reduce.symmetry import Plain, events_of
from verifier.smt.prove import Prover
from verifier.verify.run import verify_contract

CI = bool(os.environ.get("CI"))

# three rights alike (the power held by A, the act by A), one held by C, one
# from a date (plain, a shape of its own), and one whose act a state mentions (not plain)
RIGHTS = """
event L1 by A
event L2 by A
event L3 by A
event L4 by C
event L5 by A
event L6 by A
state Gone

§7 Exit one
  A has power to L1
  L1 ends the contract

§8 Exit two
  A has power to L2
  L2 ends the contract

§9 Exit three
  A has power to L3
  L3 ends the contract

§10 Exit for C
  C has power to L4
  L4 ends the contract

§11 Late exit
  from 2020-01-02
  A has power to L5
  L5 ends the contract

§12 Noisy exit
  A has power to L6
  L6 ends the contract
  L6 starts Gone
"""


def _with_rights(text: str) -> str:
    return with_clauses(text, RIGHTS)


def test_plain_rights_are_recognised() -> None:
    c = load(_with_rights(generate(random.Random(1))))
    assert c is not None
    plain = Plain.of(c)
    # §11 is plain too (a date is a shape of its own: it offers other days); §12's act starts a state
    assert sorted(plain.rights) == ["§10", "§11", "§7", "§8", "§9"]
    assert plain.rights["§7"][1] == plain.rights["§9"][1] != plain.rights["§10"][1]
    assert plain.rights["§11"][1] not in {plain.rights[x][1] for x in ("§7", "§10")}


def test_a_slice_keeps_one_right_of_each_shape() -> None:
    c = load(_with_rights(generate(random.Random(2))))
    assert c is not None
    plain = Plain.of(c)
    full = cone(Index(c), [c.checks[0].body, *c.checks[0].givens])
    sl = plain.reduce(full, set())
    gone = full.clauses - sl.clauses
    if "§7" in full.clauses:  # every clause that ends with the contract pulls the rights in
        assert gone == {"§8", "§9"} and "§10" in sl.clauses and {"§11", "§12"} <= sl.clauses
        assert not {"L2", "L3"} & sl.events
    # a right whose act the check mentions stays
    assert plain.reduce(full, {"L2"}).clauses >= full.clauses & {"§7", "§8"}


@settings(
    max_examples=15 if CI else 15, deadline=None, derandomize=CI, suppress_health_check=[HealthCheck.too_slow]
)
@given(st.randoms(use_true_random=False))
def test_reduced_slices_answer_as_full_ones(r: random.Random) -> None:
    c = load(_with_rights(generate(r)))
    assert c is not None
    index, plain = Index(c), Plain.of(c)
    lean = Index(c)  # as verify_contract does: cones pull in one right of each shape
    lean.terminators = plain.representatives(lean.terminators)
    for check in c.checks:
        exprs = [check.body, *check.givens]
        full = cone(index, exprs)
        reduced = plain.reduce(full, events_of(exprs))
        assert plain.reduce(cone(lean, exprs), events_of(exprs)) == reduced
        answers = []
        for sl in (full, reduced):
            p = Prover(restrict(c, sl), 2)
            answers.append(p.ask(p.check_query(check), minimise=False, want_core=False).status)
        assert answers[0] == answers[1], (check.id, answers)
    # and the verifier's scenarios (found on reduced slices) replay on the whole contract
    v = verify_contract(c, analyses=False)
    assert all(res.replayed for res in v.results if res.scenario is not None), [
        res.reason for res in v.results
    ]


def test_lean_keeps_an_always_body() -> None:
    """The case that caught a first version: "always not breach by C on ..." is
    asked negated, so its breach must stay in the slice (random seed 5: it holds
    on a slice without C's duty, and fails on the whole)."""
    _lean_agrees(random.Random(5))


@settings(
    max_examples=25 if CI else 25, deadline=None, derandomize=CI, suppress_health_check=[HealthCheck.too_slow]
)
@given(st.randoms(use_true_random=False))
def test_lean_slices_answer_as_whole_ones(r: random.Random) -> None:
    _lean_agrees(r)


def _lean_agrees(r: random.Random) -> None:
    """Checks with "not breach by P" are first tried on a slice without every
    clause P can violate, grown from the violations that spoil its scenarios
    (verifier/verify/lean.py ``lean_exprs``): the verdicts are those of the whole
    slices, and every scenario replays on the whole contract. (A first version
    that also left out an ``always`` body's "not breach" failed this.)"""
    import verifier.verify.lean as v

    c = load(_with_rights(generate(r)))
    assert c is not None
    was = v.LEAN_MIN_CLAUSES
    v.LEAN_MIN_CLAUSES = 0  # lean slices for small contracts too
    try:
        lean = verify_contract(c, analyses=False, jobs=1)
    finally:
        v.LEAN_MIN_CLAUSES = was
    whole = verify_contract(c, analyses=False, jobs=1, lean=False)
    assert [(x.id, x.verdict) for x in lean.results] == [(x.id, x.verdict) for x in whole.results]
    assert all(x.replayed for x in lean.results if x.scenario is not None), [x.reason for x in lean.results]
