"""``within NoticePeriod``: an obligation's window given by a duration fact, checked,
formatted, read, simulated and verified as the same window written in days."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from dsl.format import format_source
from tests.verifier.verify.texts import load_text
from verifier.report.formal import clause_reading
from verifier.verify.run import verify_contract

CONTRACT = textwrap.dedent(
    """\
    contract "Notice"
      effective 2024-01-01
      horizon 2024-12-31

    party Buyer
    party Seller

    fact NoticePeriod: duration = 30 days "the notice period"

    event Notify by Buyer
    event Cure by Seller

    §1 Cure
      when Notify by Buyer:
        Seller must Cure within NoticePeriod

    check in_time "A cure 30 days after the notice is in time":
      given Notify by Buyer on 2024-03-01
      possible Cure by Seller on 2024-03-31 and not Cure by Seller before 2024-03-31 and not breach by Seller

    check late "A cure 31 days after is late":
      given Notify by Buyer on 2024-03-01
      never Cure by Seller on 2024-04-01 and not Cure by Seller before 2024-04-01 and not breach by Seller
    """
)


def test_the_window_is_the_facts_and_reads_as_the_same_days(tmp_path: Path) -> None:
    c, errors = load_text(tmp_path, CONTRACT)
    assert errors == [] and c is not None
    # 2024-03-01 + 30 days = 2024-03-31, the last day in time
    got = {r.id: str(r.verdict) for r in verify_contract(c, analyses=False).results}
    assert got == {"in_time": "holds", "late": "holds"}
    literal, _ = load_text(tmp_path, CONTRACT.replace("within NoticePeriod", "within 30 days"))
    assert literal is not None
    assert clause_reading(c.clauses["§1"]) == clause_reading(literal.clauses["§1"])
    assert clause_reading(c.clauses["§1"]) == ["when Notify by Buyer: Seller must Cure within 30 days"]
    # a fact with another value moves the deadline
    shorter, _ = load_text(tmp_path, CONTRACT.replace("= 30 days", "= 29 days"))
    assert shorter is not None
    got = {r.id: str(r.verdict) for r in verify_contract(shorter, analyses=False).results}
    assert got == {"in_time": "fails", "late": "holds"}


def test_fmt_keeps_the_facts_name() -> None:
    out, diags = format_source(CONTRACT, "t.contract")
    assert diags == [] and out == CONTRACT


@pytest.mark.parametrize(
    ("fact", "window", "code", "message"),
    [
        (
            'fact NoticePeriod: money = $30 "x"',
            "within NoticePeriod",
            "type-mismatch",
            "`within NoticePeriod` needs a duration, and fact NoticePeriod is money (USD)",
        ),
        (
            'fact NoticePeriod: duration "x"',
            "within NoticePeriod",
            "unsupported",
            "`within NoticePeriod` needs fact NoticePeriod to have a value: a window left open is not supported",
        ),
        (
            'fact NoticePeriod: duration = 30 days "x"',
            "within NoticePeriode",
            "undefined-name",
            "fact `NoticePeriode` is not declared",
        ),
    ],
)
def test_a_window_that_is_not_a_duration_with_a_value_is_refused(
    tmp_path: Path, fact: str, window: str, code: str, message: str
) -> None:
    text = CONTRACT.replace('fact NoticePeriod: duration = 30 days "the notice period"', fact).replace(
        "within NoticePeriod", window
    )
    _, errors = load_text(tmp_path, text)
    assert errors == [(code, message)]
