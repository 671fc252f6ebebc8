"""The clauses a proof cites: a minimal set that still proves it, the same
whatever the order of the clauses in the file (docs/semantics.md, "The clauses
a proof rests on")."""

from __future__ import annotations

import random

import attrs
import pytest

from dsl import model as m
from dsl.diagnostics import Sources
from dsl.load import load_contract
from tests import ROOT
from verifier.verify.results import Verdict
from verifier.verify.run import verify_contract

TWICE = """\
contract "Two clauses that each forbid the sale"
  effective 2024-01-01
  horizon 2024-12-31
  currency USD
party Seller
party Buyer
event Sell by Seller

{first}

{second}

check never_sold "The seller never sells without breach":
  never Sell and not breach by Seller
"""
ONE = """§{n} Ban {n}
  Seller must not Sell"""


def _load(text: str, name: str = "twice.contract") -> m.Contract:
    lc = load_contract(name, Sources(), text)
    assert lc.contract is not None, [d.message for d in lc.diagnostics]
    return lc.contract


def _citations(c: m.Contract) -> list[tuple[str, Verdict, tuple[str, ...]]]:
    v = verify_contract(c, analyses=False)
    return [(r.id, r.verdict, r.clauses) for r in v.results]


@pytest.mark.parametrize("order", [(1, 2), (2, 1)])
def test_either_of_two_clauses_proves_it_and_the_first_by_id_is_cited(order: tuple[int, int]) -> None:
    # each ban alone proves the check; the one cited is §1 whichever comes first in
    # the file (the greedy core cited the later one in the file: §2, then §1)
    first, second = (ONE.format(n=n) for n in order)
    c = _load(TWICE.format(first=first, second=second))
    assert list(c.clauses) == [f"§{n}" for n in order]
    assert _citations(c) == [("never_sold", Verdict.HOLDS, ("§1",))]
    v = verify_contract(c, analyses=False)
    assert "This follows from §1 Ban 1." in v.results[0].explanation


def _permuted(c: m.Contract, seed: int) -> m.Contract:
    items = list(c.clauses.items())
    random.Random(seed).shuffle(items)
    if seed == 0:
        items.reverse()
    return attrs.evolve(c, clauses=dict(items))


SHIPPED = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "contracts").glob("*.contract"))


@pytest.mark.parametrize("path", SHIPPED)
def test_citations_of_every_shipped_contract_do_not_depend_on_the_order_of_its_clauses(path: str) -> None:
    lc = load_contract(str(ROOT / path), Sources())
    assert lc.contract is not None
    c = lc.contract
    want = _citations(c)
    assert any(v == Verdict.HOLDS and cited for _, v, cited in want)  # proofs with citations
    for seed in (0, 1):
        pc = _permuted(c, seed)
        assert list(pc.clauses) != list(c.clauses)
        assert _citations(pc) == want, f"{path}, clauses permuted (seed {seed})"


@pytest.mark.parametrize(
    ("path", "check", "why"),
    [
        (
            "examples/amendments/expert_panel.amendment",
            "ip_through_2032",
            "because of the declaration of MicrosoftIP (from the effective date, until 2032-12-31).",
        ),
        (
            "contracts/sale_of_goods.contract",
            "risk_stays_until_delivery",
            "because of the givens and the declaration of RiskWithBuyer (nothing but a clause starts it).",
        ),
        ("contracts/sale_of_goods.contract", "demand_within_cap", "because of the givens."),
    ],
)
def test_a_proof_that_needs_no_clause_says_what_it_follows_from(path: str, check: str, why: str) -> None:
    lc = load_contract(str(ROOT / path), Sources())
    assert lc.contract is not None
    (r,) = verify_contract(lc.contract, analyses=False, only=[check]).results
    assert r.verdict == Verdict.HOLDS and r.clauses == ()
    assert r.explanation.endswith(" No clause is needed: it holds whichever clauses are struck out, " + why)
