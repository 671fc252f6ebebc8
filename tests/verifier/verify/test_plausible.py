"""Plausible witnesses (verifier/verify/plausible.py): the contract's own figures where
they decide the answer, round values elsewhere, the story unchanged; and the words
that say why an act is forbidden, ineffective or an obligation missed."""

from __future__ import annotations

import io
import textwrap
from pathlib import Path
from typing import Any

import pytest

from dsl import model as m
from dsl.diagnostics import Sources
from dsl.literals import Money
from dsl.load import load_contract, load_scenario
from dsl.scenario import Occurrence, Scenario
from tests import ROOT
from verifier.cli import main
from verifier.semantics.interpret import check_holds_on, replay, simulate
from verifier.verify.plausible import WitnessStyle, plausible, signature
from verifier.verify.run import verify_contract

SHIPPED = sorted((ROOT / "contracts").glob("*.contract"))


def _load(text: str, tmp_path: Path) -> m.Contract:
    f = tmp_path / "t.contract"
    f.write_text(textwrap.dedent(text))
    lc = load_contract(str(f), Sources())
    assert lc.contract is not None, lc.diagnostics
    return lc.contract


def _judge(c: m.Contract, check: m.Check) -> Any:
    expected = check.mode != "always"

    def judge(sc: Scenario) -> object:
        tl, _ = replay(c, sc)
        if tl is None or check_holds_on(tl, check) != (True, expected):
            return None
        return signature(tl)

    return judge


def _amounts(v: Any) -> list[tuple[str, int]]:
    """(check, cents) of every money argument of every witness."""
    out = []
    for r in v.results:
        if r.scenario is None:
            continue
        for o in r.scenario.events:
            for _, a in o.args:
                if isinstance(a, Money):
                    out.append((r.id, a.cents))
    return out


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_no_shipped_witness_shows_0_or_1_cent_unless_it_says_why(path: Path) -> None:
    lc = load_contract(str(path), Sources())
    assert lc.contract is not None
    v = verify_contract(lc.contract, analyses=False)
    by_id = {r.id: r for r in v.results}
    for check, cents in _amounts(v):
        if cents in (0, 1):
            words = by_id[check].explanation
            assert "no round" in words or "is the smallest" in words, (check, words)
    # and the smallest style would have shown $0 somewhere: the test can fail
    if path.stem == "openai_microsoft":
        smallest = verify_contract(lc.contract, analyses=False, witness=WitnessStyle.SMALLEST)
        assert (("oracle_within_waiver", 0) in _amounts(smallest)) and (
            "oracle_within_waiver",
            10_000_000_000 * 100,
        ) in _amounts(v)


def test_the_contract_s_figure_where_it_decides_and_round_values_elsewhere(tmp_path: Path) -> None:
    c = _load(
        """\
        contract "T" effective 2024-01-01 horizon 2030-12-31
        party A
        event Buy(amount: money) by A
        event Pay(amount: money) by A
        §1 Cap
          A must not Buy(amount: a) where a > $250K
        §2 Floor
          A must not Pay(amount: a) where a <= $40K
        check up_to "A can buy up to the cap": possible Buy and not breach by A
        check over "A can pay over the floor": possible Pay and not breach by A
        check any "A can pay anything": possible Pay
        """,
        tmp_path,
    )
    e = c.effective
    for check, event, want, how in (
        ("up_to", "Buy", 25_000_000, "$250K is the largest amount that works and a figure of the contract"),
        ("over", "Pay", 4_800_000, "$48K is a round amount above the contract's $40K"),
    ):
        chk = next(x for x in c.checks if x.id == check)
        low = 0 if event == "Buy" else 4_000_001
        sc = Scenario("t", {}, (Occurrence(e, event, "A", (("amount", Money(low, "USD")),), 0),))
        w = plausible(c, sc, _judge(c, chk), chk)
        (o,) = w.scenario.events
        assert o.arg("amount") == Money(want, "USD"), (check, o)
        assert how in w.how
        # the date is free: a round one in the middle of the term
        assert str(m.date_of(o.day)) == "2027-01-01"
        assert "the date 2027-01-01" in w.how and "round value" in w.how


def test_a_round_date_that_would_add_a_violation_is_not_taken(tmp_path: Path) -> None:
    """Deliver is due within 30 days of the order; a round date for the delivery (the
    1st of the next month) would make it late, a violation the smallest witness did
    not have: the delivery stays on the order's day."""
    c = _load(
        """\
        contract "T" effective 2024-01-10 horizon 2030-12-31
        party A
        party B
        event Order by A
        event Deliver by B
        §1 Delivery
          when Order by A:
            B must Deliver within 5 days
        check done "An order can be met": possible Order and Deliver
        """,
        tmp_path,
    )
    (chk,) = c.checks
    e = c.effective
    sc = Scenario("t", {}, (Occurrence(e, "Order", "A", (), 0), Occurrence(e, "Deliver", "B", (), 1)))
    w = plausible(c, sc, _judge(c, chk), chk)
    days = [(o.event, str(m.date_of(o.day))) for o in w.scenario.events]
    assert days[0][0] == "Order" and days[1] == ("Deliver", days[0][1])  # same day, on time
    tl = simulate(c, w.scenario)
    assert tl.violations == []


def test_witness_smallest_on_the_command_line(tmp_path: Path) -> None:
    seed = str(ROOT / "contracts" / "openai_microsoft.contract")
    out, err = io.StringIO(), io.StringIO()
    code = main(["verify", seed, "--check", "exit_via_agi", "--witness", "smallest"], out, err)
    assert code == 0, err.getvalue()
    text = " ".join(out.getvalue().split())
    assert "2019-07-22 DeclareAGI by OpenAI.Board" in text
    assert "(Dates are the earliest and amounts the smallest that work.)" in text
    out = io.StringIO()
    assert main(["verify", seed, "--check", "exit_via_agi"], out, io.StringIO()) == 0
    text = " ".join(out.getvalue().split())
    assert "2028-01-01 DeclareAGI by OpenAI.Board" in text
    assert "(The date 2028-01-01 is a round value the contract leaves open.)" in text


# ----------------------------------------------------------------- why, in words


def _simulated(name: str) -> Any:
    sources = Sources()
    sc, c, diags = load_scenario(str(ROOT / "examples" / "scenarios" / name), sources)
    assert sc is not None and c is not None, diags
    return simulate(c, sc)


@pytest.mark.parametrize(
    ("scenario", "why"),
    [
        ("oracle_12b.scenario", "§2.1 does not cover it: amount $12B is above $10B"),
        ("oracle_before_waiver.scenario", "§2.1 applies only from 2024-06-01"),
        ("oracle_foreign_software.scenario", "§2.1 does not cover it: software is Oracle, not Microsoft"),
        ("othercloud_purchase.scenario", "§2.1 does not cover it: from is OtherCloud, not Oracle"),
    ],
)
def test_an_exception_that_does_not_apply_says_which_condition_failed(scenario: str, why: str) -> None:
    tl = _simulated(scenario)
    (v,) = tl.violations
    assert v.clause == "§2" and v.why == why
    assert v.message == f"BuyCompute is forbidden by §2; {why}"


def test_an_ineffective_act_names_the_power_it_lacks() -> None:
    tl = _simulated("microsoft_declares_agi.scenario")
    (r,) = tl.events
    assert not r.effective
    assert r.why == "Microsoft holds no power to DeclareAGI; only OpenAI.Board (§7.1) does"


def test_a_partial_supply_says_what_was_done_and_what_was_due() -> None:
    tl = _simulated("supply_shortfall.scenario")
    (v,) = tl.violations
    assert v.clause == "§3" and v.party == "Microsoft"
    assert v.why == (
        "SupplyCompute by Microsoft, amount at least $2B, was due; the SupplyCompute of 2025-02-01 does "
        "not meet it: amount $1.5B is below the RequestCompute's amount ($2B)"
    )


def test_a_power_outside_its_window_says_so(tmp_path: Path) -> None:
    c = _load(
        """\
        contract "T" effective 2024-01-01 horizon 2030-12-31
        party A with body Board
        event Declare by anyone
        state Open holds from effective
        §1 Power
          from 2025-01-01
          A.Board has power to Declare
        §2 Effect
          Declare ends Open
        """,
        tmp_path,
    )
    tl = simulate(c, Scenario("t", {}, (Occurrence(c.effective + 30, "Declare", "A.Board", (), 0),)))
    (r,) = tl.events
    assert not r.effective
    assert r.why == "the power to Declare does not cover it: §1 applies only from 2025-01-01"


def test_a_proof_says_why_an_uncited_exception_does_not_matter(seed_results: dict[str, Any]) -> None:
    """The waiver §2.1 is not needed to prove the three breaches of §2: each says
    what the waiver covers instead, read off the clauses."""
    assert seed_results["oracle_above_cap"].explanation.endswith(
        "This follows from §2 Exclusive compute. §2.1 Oracle waiver does not cover it: it covers only "
        "BuyCompute(amount at most $10B)."
    )
    assert seed_results["oracle_before_waiver"].explanation.endswith(
        "§2.1 Oracle waiver does not cover it: it applies only from 2024-06-01."
    )
    assert seed_results["other_provider"].explanation.endswith(
        "§2.1 Oracle waiver does not cover it: it covers only BuyCompute(from: Oracle)."
    )
    # a proof that cites the exception says nothing of the kind
    assert "does not cover" not in seed_results["access_after_declaration"].explanation


@pytest.fixture(scope="module")
def seed_results() -> dict[str, Any]:
    lc = load_contract(str(ROOT / "contracts" / "openai_microsoft.contract"), Sources())
    assert lc.contract is not None
    return {r.id: r for r in verify_contract(lc.contract, analyses=False).results}
