"""Every reduction of a check's question against the unreduced encoding: on random
contracts (tests/randomcontracts.py, with triggered obligations, powers, exception
trees and termination rights), each check is asked on the whole contract and on the
slice ``verify`` solves it on (its cone, with alike termination rights reduced to
one), at the same bound; the answers must agree. A slice that drops an event an
obligation's trigger needs (``when E:`` not counted as a mention of E) fails here,
as it once crashed ``verify``."""

from __future__ import annotations

import random

import pytest

from tests.randomcontracts import generate, load
from verifier.reduce.slicing import Index, cone, restrict
from verifier.reduce.symmetry import Plain, events_of
from verifier.smt.prove import Prover


@pytest.mark.parametrize("seed", range(30))
def test_each_check_s_slice_answers_as_the_whole_contract(seed: int) -> None:
    c = load(generate(random.Random(seed)))
    if c is None:
        pytest.skip("the random contract does not check")
    index, plain = Index(c), Plain.of(c)
    whole = Prover(c, 2)
    for check in c.checks:
        exprs = [check.body, *check.givens]
        sl = plain.reduce(cone(index, exprs), events_of(exprs))
        part = Prover(restrict(c, sl), 2)
        got = [p.ask(p.check_query(check), minimise=False, want_core=False).status for p in (whole, part)]
        assert got[0] == got[1], (seed, check.id, got)
