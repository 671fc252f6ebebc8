"""The contract library: every contract in ``contracts/`` other than the seed verifies
with exactly the verdicts its author intended.

Each contract is a realistic agreement of a different kind with one check that fails on
purpose: a gap a lawyer would care about, shown by a replayed counterexample. For that
check the test pins the scenario the tool prints (dates, events, actors, and the
arguments that make the point) and what happens in it; for every other failing check
it asserts that a replayed scenario is shown. Verification runs in-process, once per
contract.

The solver's witness is minimal in the number of events and then in their dates; what it
leaves free (which of two parties terminates, the exact availability figure of a missed
month, a price at or above a floor) is asserted as a range, not a value.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import Any

import pytest

from dsl import model as m
from dsl.diagnostics import Sources
from dsl.load import load_contract
from dsl.syntax import Money
from tests import ROOT
from verifier.verify.results import CheckResult, Verification
from verifier.verify.run import verify_contract

CONTRACTS = ROOT / "contracts"
SEED = "openai_microsoft.contract"

EXPECTED: dict[str, dict[str, str]] = {
    "mutual_nda.contract": {
        "public_info_is_free": "holds",
        "no_leak_in_period": "holds",
        "court_needs_prior_notice": "holds",
        "compelled_with_notice": "holds",
        "late_notice_is_a_breach": "holds",
        "clean_exit": "holds",
        "period_ends": "holds",
        "compelled_after_termination": "fails",
    },
    "saas_agreement.contract": {
        "credit_is_owed": "holds",
        "credit_cures": "holds",
        "force_majeure_month": "holds",
        "one_bad_month": "holds",
        "exit_after_two_failures": "holds",
        "late_payment": "holds",
        "no_overbilling": "holds",
        "termination_right_lapses": "fails",
    },
    "exclusive_distribution.contract": {
        "exclusive_in_territory": "holds",
        "hotel_account": "holds",
        "mfn_price": "holds",
        "minimum_missed": "holds",
        "remedies_need_shortfall": "holds",
        "open_market_after_shortfall": "holds",
        "one_order_meets_both": "holds",
        "no_rival_distributor": "fails",
    },
    "software_licence.contract": {
        "affiliate_sublicence": "holds",
        "no_third_party_sublicence": "holds",
        "fee_due": "holds",
        "small_shortfall_no_costs": "holds",
        "terminate_after_change": "holds",
        "no_termination_without_change": "holds",
        "late_election_ineffective": "holds",
        "concealed_change_of_control": "fails",
    },
    "sale_of_goods.contract": {
        "clean_performance": "holds",
        "penalty_owed": "holds",
        "demand_within_cap": "holds",
        "risk_stays_until_delivery": "holds",
        "no_rejection_of_good_goods": "holds",
        "late_rejection_ineffective": "holds",
        "price_due": "holds",
        "risk_after_rejection": "fails",
    },
}

_CACHE: dict[str, Verification] = {}


def verification(name: str) -> Verification:
    if name not in _CACHE:
        loaded = load_contract(str(CONTRACTS / name), Sources())
        assert loaded.contract is not None, [f"{d.span}: {d.code}: {d.message}" for d in loaded.diagnostics]
        _CACHE[name] = verify_contract(loaded.contract)
    return _CACHE[name]


def result(name: str, check: str) -> CheckResult:
    return next(r for r in verification(name).results if r.id == check)


def D(iso: str) -> int:
    return dt.date.fromisoformat(iso).toordinal()


def events(r: CheckResult) -> list[tuple[str, str, str, dict[str, Any]]]:
    """The scenario as printed: (date, event, actor, arguments)."""
    assert r.scenario is not None
    return [(m.date_of(o.day).isoformat(), o.event, o.actor, dict(o.args)) for o in r.scenario.events]


def violations(r: CheckResult) -> list[tuple[str, str, str]]:
    assert r.timeline is not None
    return [(v.clause, v.party, m.date_of(v.day).isoformat()) for v in r.timeline.violations]


def euros(v: Any) -> Fraction:
    assert isinstance(v, Money)
    return Fraction(v.cents, 100)


# ----------------------------------------------------------------- the library as a whole


def test_every_library_contract_is_listed() -> None:
    found = sorted(p.name for p in CONTRACTS.glob("*.contract") if p.name != SEED)
    assert found == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_contract_checks_clean(name: str) -> None:
    loaded = load_contract(str(CONTRACTS / name), Sources())
    assert loaded.contract is not None
    assert [(d.code, d.message) for d in loaded.diagnostics] == []


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_verdicts(name: str) -> None:
    v = verification(name)
    assert {r.id: r.verdict for r in v.results} == EXPECTED[name]
    assert [f.code for f in v.findings] == []


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_failing_check_has_a_replayed_scenario(name: str) -> None:
    failing = [r for r in verification(name).results if r.verdict == "fails"]
    assert failing, f"{name} should show at least one gap"
    for r in failing:
        assert r.scenario is not None and r.scenario.events, r.id
        assert r.replayed and r.timeline is not None, r.id
        assert r.reason is None, r.reason
    for r in verification(name).results:
        if r.verdict == "holds" and r.kind == "possible":
            assert r.replayed and r.scenario is not None, r.id


# ----------------------------------------------------------------- the gaps


def test_nda_carve_out_does_not_survive_termination() -> None:
    """Order and notice on 2025-04-01, termination on the 1st of the next month (round
    dates: the contract leaves them open); a disclosure to the court after the
    termination is a breach of §3, because §5.3 does not survive."""
    r = result("mutual_nda.contract", "compelled_after_termination")
    evs = events(r)
    terminator = evs[2][2]  # either party may terminate: the solver's choice is free
    assert terminator in ("Northwind", "Calder")
    assert evs == [
        ("2025-04-01", "CourtOrder", "Court", {"addressee": "Northwind"}),
        ("2025-04-01", "NotifyOrder", "Northwind", {}),
        ("2025-05-01", "Terminate", terminator, {}),
        ("2026-01-30", "Disclose", "Northwind", {"owner": "Calder", "to": "Tribunal", "public": False}),
    ]
    assert ("§3", "Northwind", "2026-01-30") in violations(r)
    tl = r.timeline
    assert tl is not None
    assert tl.holds("NorthwindCompelled", D("2026-01-30")) and tl.holds("NorthwindNotified", D("2026-01-30"))
    assert not tl.in_force(D("2026-01-30"))


def test_saas_termination_right_never_lapses() -> None:
    """Two missed months from July 2025 (a round date in the middle of the term),
    then two years later a termination for cause that still takes effect."""
    r = result("saas_agreement.contract", "termination_right_lapses")
    evs = events(r)
    assert [(d, e, a) for d, e, a, _ in evs] == [
        ("2025-07-01", "DeliverMonth", "Provider"),
        ("2025-07-02", "DeliverMonth", "Provider"),
        ("2027-07-01", "TerminateForCause", "Customer"),
    ]
    for _, _, _, args in evs[:2]:
        assert args["force_majeure"] is False and args["availability"] < Fraction(995, 1000)
    assert [(c, p) for c, p, _ in violations(r)] == [
        ("§4", "Provider"),
        ("§4", "Provider"),
        ("§5", "Provider"),
        ("§5", "Provider"),
    ]
    tl = r.timeline
    assert tl is not None
    assert tl.events[-1].effective and tl.events[-1].power == "§6.2"
    assert tl.in_force(D("2027-07-01")) and not tl.in_force(D("2027-07-02"))


def test_distribution_web_shop_carve_out_lets_a_rival_in() -> None:
    """A sale to a rival distributor through the web shop, for delivery in Iberia, at
    the list price, while the distributor meets its minimums: nobody is in breach."""
    r = result("exclusive_distribution.contract", "no_rival_distributor")
    evs = events(r)
    assert [(d, e, a) for d, e, a, _ in evs] == [
        ("2025-01-01", "Sell", "Supplier"),
        ("2025-02-01", "Order", "Distributor"),  # the 1st of the month after: a round date
    ]
    sell, order = evs[0][3], evs[1][3]
    assert {k: sell[k] for k in ("buyer", "territory", "channel")} == {
        "buyer": "RivalDistributor",
        "territory": "Iberia",
        "channel": "WebShop",
    }
    assert euros(sell["unit_price"]) >= 180  # the most-favoured-customer price still holds
    assert euros(order["amount"]) >= 600_000
    assert violations(r) == []
    tl = r.timeline
    assert tl is not None
    assert tl.events[0].decisions == (("§3", "§3.1", "permitted"),)


def test_licence_clock_runs_while_change_of_control_is_concealed() -> None:
    """A change of control on the first day, never notified: the Licensee breaches its
    notice duty, the 90 days run out and the Licensor loses its right to terminate."""
    r = result("software_licence.contract", "concealed_change_of_control")
    assert events(r) == [("2025-04-01", "ChangeOfControl", "Licensee", {})]
    assert violations(r) == [("§9.1", "Licensee", "2025-04-11"), ("§9.2", "Licensor", "2025-06-30")]
    tl = r.timeline
    assert tl is not None
    assert tl.holds("ElectionWindow", D("2025-06-30")) and not tl.holds("ElectionWindow", D("2025-07-01"))


def test_sale_risk_stays_with_buyer_after_rejection() -> None:
    """Non-conforming goods delivered on the 1st of a month (a round date) and rejected
    the next day: from then on the goods are both rejected and at the buyer's risk."""
    r = result("sale_of_goods.contract", "risk_after_rejection")
    assert events(r) == [
        ("2025-03-01", "Deliver", "Seller", {"conforming": False}),
        ("2025-03-02", "Inspect", "Buyer", {"accept": False}),
    ]
    tl = r.timeline
    assert tl is not None
    assert tl.events[1].effective and tl.events[1].power == "§5.1"
    assert tl.holds("Rejected", D("2025-03-03")) and tl.holds("RiskWithBuyer", D("2025-03-03"))
    assert ("§5.3", "Seller", "2025-03-22") in violations(r)  # no replacement within 20 days
