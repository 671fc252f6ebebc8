"""``min(A, B)`` and ``max(A, B)``: checked, formatted, read formally, run by the
interpreter and solved by Z3, and the two semantics agreeing on random figures.

The contract is the Accord Project's late-delivery penalty in one clause: 10.5% of
the value for each day late, capped at the cap. Hand-computed: on a value of $200,
5 days late owe $105.00 (200 * 10.5% * 5), a year late the cap, $110."""

from __future__ import annotations

import tempfile
import textwrap
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from dsl.format import format_source
from dsl.literals import Money
from dsl.scenario import Occurrence, Scenario
from tests.verifier.verify.texts import day, load_text
from verifier.report.formal import clause_reading
from verifier.semantics.interpret import simulate
from verifier.verify.run import verify_contract

CONTRACT = textwrap.dedent(
    """\
    contract "Late delivery" effective 2024-01-01 horizon 2024-12-31

    party Seller

    fact Value: money = $200
    fact Cap: money = $110

    event Deliver(late: int) by Seller
    event PayPenalty(amount: money) by Seller

    §1 Penalty
      when Deliver(late: d) by Seller:
        Seller must PayPenalty(amount >= min(Value * 10.5% * d, Cap)) within 10 days
    """
)


def below(name: str, late: int, limit: str) -> str:
    """A check that holds exactly when the penalty for ``late`` days is below ``limit``:
    the seller can pay less than ``limit`` and be in no breach."""
    return (
        f'\ncheck {name} "{late} days late, less than {limit} settles it":\n'
        f"  possible Deliver(late: {late}) on 2024-03-01 and not PayPenalty(amount >= {limit})"
        " and not breach by Seller\n"
    )


def test_a_capped_penalty_is_owed_as_computed(tmp_path: Path) -> None:
    text = CONTRACT + "".join(
        below(n, late, limit)
        for n, late, limit in [
            ("at_105", 5, "$105"),
            ("at_105_01", 5, "$105.01"),
            ("at_cap", 365, "$110"),
            ("above_cap", 365, "$110.01"),
        ]
    )
    c, errors = load_text(tmp_path, text)
    assert c is not None, errors
    got = {r.id: str(r.verdict) for r in verify_contract(c, analyses=False).results}
    # 5 days late owe $105.00: less than $105 does not settle it, less than $105.01 does;
    # a year late owe the cap, $110
    assert got == {"at_105": "fails", "at_105_01": "holds", "at_cap": "fails", "above_cap": "holds"}
    assert clause_reading(c.clauses["§1"]) == [
        "when Deliver by Seller: Seller must PayPenalty where amount >= "
        "min(Value * 10.5% * the late of Deliver, Cap) within 10 days"
    ]


def test_the_interpreter_says_what_the_penalty_comes_to(tmp_path: Path) -> None:
    c, errors = load_text(tmp_path, CONTRACT)
    assert c is not None, errors
    sc = Scenario(
        "short",
        {},
        (
            Occurrence(day("2024-03-01"), "Deliver", "Seller", (("late", 5),)),
            Occurrence(day("2024-03-02"), "PayPenalty", "Seller", (("amount", Money(10000, "USD")),)),
        ),
    )
    (v,) = simulate(c, sc).violations
    assert v.why == (
        "PayPenalty by Seller, amount at least $105, was due; the PayPenalty of 2024-03-02 "
        "does not meet it: amount $100 is below $105"
    )


def test_fmt_writes_min_and_max_as_calls(tmp_path: Path) -> None:
    text = CONTRACT.replace("min(Value * 10.5% * d, Cap)", "max( min(Value*10.5%*d,Cap) ,$1 )")
    out, diags = format_source(text, "t.contract")
    assert diags == [] and out is not None
    assert "amount >= max(min(Value * 10.5% * d, Cap), $1))" in out
    assert format_source(out, "t.contract") == (out, [])


@pytest.mark.parametrize(
    ("expr", "message"),
    [
        (
            "min(Cap, 5%)",
            "`min` cannot combine money (USD) with percent",
        ),
        (
            "max(Cap, true)",
            "`max` cannot combine money (USD) with bool",
        ),
    ],
)
def test_two_values_of_different_types_are_a_type_mismatch(tmp_path: Path, expr: str, message: str) -> None:
    _, errors = load_text(tmp_path, CONTRACT.replace("min(Value * 10.5% * d, Cap)", expr))
    assert errors == [("type-mismatch", message)]


@settings(max_examples=12, deadline=None)
@example(late=5, cents=10_501)  # owed $105.00: below the limit
@example(late=5, cents=10_500)  # not below it
@example(late=0, cents=101)  # the $1 floor (max)
@example(late=365, cents=11_000)  # the cap (min)
@given(st.integers(min_value=0, max_value=400), st.integers(min_value=1, max_value=12_000))
def test_the_solver_and_the_interpreter_agree_on_any_figures(late: int, cents: int) -> None:
    """The check "less than X settles it" holds exactly when the interpreter finds no
    breach where X less a cent is paid, and both exactly when the hand-computed penalty
    is below X (``max`` is exercised by a floor of $1)."""
    folder = Path(tempfile.mkdtemp())
    text = CONTRACT.replace("min(Value * 10.5% * d, Cap)", "max(min(Value * 10.5% * d, Cap), $1)")
    limit = f"${cents // 100}.{cents % 100:02d}"
    c = load_text(folder, text + below("x", late, limit))[0]
    assert c is not None
    (r,) = verify_contract(c, analyses=False).results
    sc = Scenario(
        "x",
        {},
        (
            Occurrence(day("2024-03-01"), "Deliver", "Seller", (("late", late),)),
            Occurrence(day("2024-03-02"), "PayPenalty", "Seller", (("amount", Money(cents - 1, "USD")),)),
        ),
    )
    owed = max(min(20000 * 105 * late // 1000, 11000), 100)  # cents, rounded down
    assert (str(r.verdict) == "holds") == (simulate(c, sc).violations == []) == (owed < cents)


# the Accord template's own wording: 10.5% for every 2 days of delay, a part of 2 days
# counting as whole ("fractional days count as whole days"), capped at 55% of the value
TEMPLATE = CONTRACT.replace("min(Value * 10.5% * d, Cap)", "min(Value * 10.5% * ceil(d / 2), Value * 55%)")


def test_ceil_counts_a_part_of_two_days_as_whole(tmp_path: Path) -> None:
    text = TEMPLATE + "".join(
        below(n, late, limit)
        for n, late, limit in [
            ("at_63", 5, "$63"),  # 5 days: ceil(5 / 2) = 3 periods, 200 * 10.5% * 3 = $63.00
            ("at_63_01", 5, "$63.01"),
            ("at_cap", 365, "$110"),  # 55% of $200
            ("above_cap", 365, "$110.01"),
        ]
    )
    c = load_text(tmp_path, text)[0]
    assert c is not None
    got = {r.id: str(r.verdict) for r in verify_contract(c, analyses=False).results}
    assert got == {"at_63": "fails", "at_63_01": "holds", "at_cap": "fails", "above_cap": "holds"}
    assert (
        "min(Value * 10.5% * ceil(the late of Deliver / 2), Value * 55%)"
        in clause_reading(c.clauses["§1"])[0]
    )
    out, diags = format_source(TEMPLATE, "t.contract")
    assert diags == [] and out is not None and "ceil(d / 2)" in out


@pytest.mark.parametrize(
    ("expr", "code", "message"),
    [
        ("ceil(Cap / d)", "unsupported", "`ceil(A / B)` divides by a positive whole number"),
        ("floor(Cap / 0)", "unsupported", "`floor(A / B)` divides by a positive whole number"),
        ("ceil(10.5% / 2)", "type-mismatch", "`ceil` cannot combine percent with int"),
    ],
)
def test_a_division_that_is_not_by_a_positive_whole_number_is_refused(
    tmp_path: Path, expr: str, code: str, message: str
) -> None:
    _, errors = load_text(tmp_path, CONTRACT.replace("min(Value * 10.5% * d, Cap)", expr))
    assert errors == [(code, message)]


@settings(max_examples=12, deadline=None)
@example(late=5, cents=6_301)
@example(late=5, cents=6_300)
@example(late=6, cents=6_301)
@example(late=400, cents=11_001)
@given(st.integers(min_value=0, max_value=400), st.integers(min_value=1, max_value=12_000))
def test_ceil_and_floor_agree_in_both_semantics(late: int, cents: int) -> None:
    folder = Path(tempfile.mkdtemp())
    text = TEMPLATE.replace("Value * 55%)", "Value * 55%) + floor(Value / 3) - floor(Value / 3)")
    limit = f"${cents // 100}.{cents % 100:02d}"
    c = load_text(folder, text + below("x", late, limit))[0]
    assert c is not None
    (r,) = verify_contract(c, analyses=False).results
    sc = Scenario(
        "x",
        {},
        (
            Occurrence(day("2024-03-01"), "Deliver", "Seller", (("late", late),)),
            Occurrence(day("2024-03-02"), "PayPenalty", "Seller", (("amount", Money(cents - 1, "USD")),)),
        ),
    )
    owed = min(20000 * 105 * -(-late // 2) // 1000, 11000)  # cents, rounded down
    assert (str(r.verdict) == "holds") == (simulate(c, sc).violations == []) == (owed < cents)
