"""Several conditions on one argument of a pattern (``Buy(amount >= $100, amount <=
$200)``, ``Buy(from != X, from != Y)``): each is a condition on the same act, in clauses
and in checks; one argument given twice with ``:`` is still an error."""

from __future__ import annotations

import textwrap
from pathlib import Path

from dsl.format import format_source
from dsl.literals import Money
from dsl.scenario import Occurrence, Scenario
from tests.verifier.verify.texts import load_text
from verifier.semantics.interpret import simulate
from verifier.verify.run import verify_contract

CONTRACT = textwrap.dedent(
    """\
    contract "T"
      effective 2024-01-01
      horizon 2024-12-31

    party A

    kind P = X | Y | Z

    event Buy(from: P, amount: money) by A

    §1 Not elsewhere
      A must not Buy(from != X, from != Y)

    §2 Not the middle range from X
      A must not Buy(from: X, amount >= $100, amount <= $200)

    check small "A purchase of $1 to $10 is free":
      possible Buy(amount >= $1, amount <= $10) and not breach by A

    check z "Buying from Z is a breach":
      never Buy(from != X, from != Y) and not breach by A

    check middle "Buying $150 from X is a breach":
      never Buy(from: X, amount: $150) and not breach by A

    check above "Buying $250 from X is free":
      possible Buy(from: X, amount: $250) and not breach by A

    check edge "Buying $200.01 from X is free, $200 is not":
      possible Buy(from: X, amount: $200.01) and not Buy(amount: $200) and not breach by A
    """
)


def test_each_condition_binds_the_same_act(tmp_path: Path) -> None:
    c, errors = load_text(tmp_path, CONTRACT)
    assert errors == [] and c is not None
    got = {r.id: str(r.verdict) for r in verify_contract(c, analyses=False).results}
    assert got == {"small": "holds", "z": "holds", "middle": "holds", "above": "holds", "edge": "holds"}
    day = c.effective + 31
    tl = simulate(
        c,
        Scenario(
            "s",
            {},
            (
                Occurrence(day, "Buy", "A", (("from", "X"), ("amount", Money(15000, "USD")))),
                Occurrence(day + 1, "Buy", "A", (("from", "X"), ("amount", Money(25000, "USD"))), seq=1),
                Occurrence(day + 2, "Buy", "A", (("from", "Y"), ("amount", Money(15000, "USD"))), seq=2),
            ),
        ),
    )
    assert [(v.clause, v.day - day) for v in tl.violations] == [("§2", 0)]


def test_fmt_keeps_them_and_two_colons_are_still_an_error(tmp_path: Path) -> None:
    assert format_source(CONTRACT, "t.contract") == (CONTRACT, [])
    _, errors = load_text(
        tmp_path, CONTRACT.replace("amount >= $100, amount <= $200", "amount: $100, amount: $200")
    )
    assert errors == [("duplicate-name", "argument `amount` is given twice")]


BOUND = textwrap.dedent(
    """\
    contract "T"
      effective 2024-01-01
      horizon 2024-12-31

    party A

    kind P = X | Y | Z

    event Buy(from: P, amount: money) by A

    §1 Only from X
      A must not Buy(from: p) where p != X

    check over_5 "A purchase of more than $5 from X is free":
      possible Buy(from: p, amount: a) and a > $5 and p == X and not breach by A

    check from_y "Buying from Y is a breach":
      possible Buy(from: p) and p == Y and not breach by A
    """
)


def test_a_variable_a_pattern_binds_is_a_condition_on_that_act(tmp_path: Path) -> None:
    c, errors = load_text(tmp_path, BOUND)
    assert errors == [] and c is not None
    results = {r.id: r for r in verify_contract(c, analyses=False).results}
    assert {k: str(r.verdict) for k, r in results.items()} == {"over_5": "holds", "from_y": "fails"}
    sc = results["over_5"].scenario
    assert sc is not None
    (buy,) = sc.events
    amount = dict(buy.args)["amount"]
    assert dict(buy.args)["from"] == "X" and isinstance(amount, Money) and amount.cents > 500


def test_a_condition_on_two_acts_is_unsupported(tmp_path: Path) -> None:
    for body, message in [
        ("possible Buy(amount: a) and Buy(amount: b) and a > b", "this compares the arguments of two acts"),
        (
            "possible Buy(amount: a) and not Buy(from: Y, amount: a)",
            "a variable of one act cannot be used in the pattern of another event",
        ),
    ]:
        _, errors = load_text(tmp_path, BOUND + f'\ncheck x "x":\n  {body}\n')
        assert errors == [("unsupported", message)]
