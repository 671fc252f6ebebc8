"""`verify` on every construct of the language, one tiny contract at a time.

Each test writes a contract into ``tmp_path``, verifies its checks in-process
and asserts what a user sees: the verdict, the cited clauses, the witness or
counterexample (dates, events, actors, arguments, open facts) and, where it
matters, the explanation. Every expected value was derived by hand from
docs/semantics.md before the tests were run; the comments give the derivation.

Witnesses are minimised (fewest events, then earliest dates, then smallest
amounts), so each check below is chosen to have exactly one minimal witness:
dates are pinned with `given`, actors with `by`, kind members in the pattern.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

from dsl import model as m
from dsl.diagnostics import Sources
from dsl.literals import format_value
from dsl.load import load_contract
from verifier.verify.plausible import WitnessStyle
from verifier.verify.results import CheckResult, Verification
from verifier.verify.run import verify_contract

HEAD = 'contract "Constructs" effective 2024-01-01 horizon 2024-12-31\n'
EVERY = "every course of events up to 2024-12-31"
MINIMAL = " (Dates are the earliest and amounts the smallest that work.)"

Event = tuple[str, str, str, dict[str, str]]


# ----------------------------------------------------------------- helpers


def verify(tmp_path: Path, body: str, analyses: bool = False) -> Verification:
    p = tmp_path / "t.contract"
    p.write_text(HEAD + textwrap.dedent(body))
    lc = load_contract(str(p), Sources())
    errors = [f"{d.code}: {d.message}" for d in lc.diagnostics if d.is_error]
    assert lc.contract is not None and not errors, errors
    # the smallest witnesses: each construct's threshold to the cent and the day
    return verify_contract(lc.contract, analyses=analyses, witness=WitnessStyle.SMALLEST)


def events(c: m.Contract, r: CheckResult | Any) -> list[Event] | None:
    """The scenario as a user reads it: (date, event, actor, {argument: value})."""
    if r.scenario is None:
        return None
    return [
        (
            m.date_of(o.day).isoformat(),
            o.event,
            o.actor,
            {n: format_value(v, c.events[o.event].param_type(n)) for n, v in o.args},
        )
        for o in r.scenario.events
    ]


def facts(c: m.Contract, r: CheckResult) -> dict[str, str]:
    assert r.scenario is not None
    return {k: format_value(v, c.facts[k].type) for k, v in r.scenario.facts.items()}


def seen(v: Verification) -> dict[str, tuple[str, tuple[str, ...], list[Event] | None]]:
    """Every check's (verdict, cited clauses, scenario); no check is unknown,
    every scenario was replayed, and no proof needed a re-check note."""
    out: dict[str, tuple[str, tuple[str, ...], list[Event] | None]] = {}
    for r in v.results:
        assert r.reason is None, (r.id, r.reason)
        assert r.replayed == (r.scenario is not None), r.id
        out[r.id] = (r.verdict, r.clauses, events(v.contract, r))
    return out


def result(v: Verification, check_id: str) -> CheckResult:
    return next(r for r in v.results if r.id == check_id)


def proof(mode: str, cited: str, given: bool = False) -> str:
    g = " in which the givens hold" if given else ""
    head = {
        "possible": f"No. Proved for {EVERY}{g}: this cannot happen.",
        "always": f"Yes. Proved for {EVERY}{g}.",
        "never": f"Yes. Proved for {EVERY}{g}.",
    }[mode]
    return f"{head} {cited}" if cited == NO_CLAUSE else f"{head} This follows from {cited}."


# a proof that needs no clause, of a check with no givens that names no state and no performer
NO_CLAUSE = (
    "No clause is needed: it holds whichever clauses are struck out, because of the contract's declarations."
)


# ----------------------------------------------------------------- prohibitions


def test_prohibition(tmp_path: Path) -> None:
    v = verify(
        tmp_path,
        """
        party A with body Board
        event Use(amount: money) by A
        event Sign by A or A.Board
        event Vote by A or A.Board
        §1 No big use
          A must not Use(amount > $10)
        §2 No signing
          A must not Sign
        §3 The board abstains
          A.Board must not Vote

        check small "A can use $10 without breach":
          possible Use(amount: $10) and not breach by A
        check big "Using more than $10 is always a breach":
          never Use(amount > $10) and not breach by A
        check clean "Nobody ever breaches §1":
          never breach of §1
        check body "The board's signature is A's breach":
          never Sign by A.Board and not breach of §2 by A
        check party_votes "A itself may vote":
          possible Vote by A and not breach by A
    """,
    )
    got = seen(v)
    # §1 has no value for a use of $10 (its condition fails): nothing rules on it
    assert got["small"] == ("holds", (), [("2024-01-01", "Use", "A", {"amount": "$10"})])
    assert result(v, "small").explanation == (
        "Yes, this is possible. The shortest scenario found: 2024-01-01 Use(amount: $10) by A. "
        "Then nobody is in breach and no state changes." + MINIMAL
    )
    assert got["big"] == ("holds", ("§1",), None)
    assert result(v, "big").explanation == proof("never", "§1 No big use")
    # the smallest forbidden amount is one cent above $10
    assert got["clean"] == ("fails", ("§1",), [("2024-01-01", "Use", "A", {"amount": "$10.01"})])
    assert result(v, "clean").explanation == (
        "No, this can happen. A scenario: 2024-01-01 Use(amount: $10.01) by A. "
        "Then A violates §1 No big use on 2024-01-01." + MINIMAL
    )
    # a party's prohibition covers its bodies; the breach is the party's (§3, §7)
    assert got["body"] == ("holds", ("§2",), None)
    # a body's prohibition does not bind the party: the witness's actor is A, not A.Board
    assert got["party_votes"] == ("holds", (), [("2024-01-01", "Vote", "A", {})])


# ----------------------------------------------------------------- exceptions

TREE = """
    party A
    kind Provider = M | O | X
    event Buy(from: Provider, amount: money) by A
    §2 Exclusive
      A must not Buy(from: p) where p != M
"""


def test_permission_as_an_exception(tmp_path: Path) -> None:
    v = verify(
        tmp_path,
        TREE
        + """
        §2.1 Waiver for O
          exception to §2
          A may Buy(from: O, amount <= $10)

        check waiver "A can buy from O without breach":
          possible Buy(from: O) and not breach by A
        check capped "Above $10 the waiver does not help":
          never Buy(from: O, amount > $10) and not breach of §2 by A
        check all_o "Every purchase from O is free of breach":
          always Buy(from: O) implies not breach by A
    """,
    )
    got = seen(v)
    # §2 applies, its exception §2.1 rules and permits: §2.1 decides within the tree of §2
    assert got["waiver"] == (
        "holds",
        ("§2", "§2.1"),
        [("2024-01-01", "Buy", "A", {"from": "O", "amount": "$0"})],
    )
    assert got["capped"] == ("holds", ("§2",), None)
    # the exception does not rule above $10, so §2 decides: forbidden
    assert got["all_o"] == ("fails", ("§2",), [("2024-01-01", "Buy", "A", {"from": "O", "amount": "$10.01"})])
    assert result(v, "all_o").explanation == (
        "No, not always. A counterexample: 2024-01-01 Buy(from: O, amount: $10.01) by A. "
        "Then A violates §2 Exclusive on 2024-01-01 (§2.1 does not cover it: amount $10.01 is above $10)."
        + MINIMAL
    )


def test_exception_to_an_exception(tmp_path: Path) -> None:
    v = verify(
        tmp_path,
        TREE
        + """
        §2.1 Waiver for O
          exception to §2
          A may Buy(from: O, amount <= $10)
        §2.1.1 Not above $5 after all
          exception to §2.1
          A must not Buy(from: O, amount > $5)

        check nested "§2.1.1 can be breached":
          possible breach of §2.1.1 by A
        check small "$5 from O is permitted":
          possible Buy(from: O, amount: $5) and not breach by A
        check mid "Above $5 from O is always a breach":
          never Buy(from: O, amount > $5) and not breach by A
        check only_nested "Every purchase above $5 from O breaches §2.1.1":
          always Buy(from: O, amount > $5) implies breach of §2.1.1
        check skipped "§2.1 itself is never violated":
          never violation of §2.1
    """,
    )
    got = seen(v)
    # $5.01: §2 forbids, §2.1 permits, §2.1.1 forbids: the most specific decides
    assert got["nested"] == (
        "holds",
        ("§2", "§2.1.1"),
        [("2024-01-01", "Buy", "A", {"from": "O", "amount": "$5.01"})],
    )
    assert "Then A violates §2.1.1 Not above $5 after all on 2024-01-01." in result(v, "nested").explanation
    assert got["small"] == (
        "holds",
        ("§2", "§2.1"),
        [("2024-01-01", "Buy", "A", {"from": "O", "amount": "$5"})],
    )
    # without §2.1 the root forbids anyway; without §2.1.1 $5.01 is permitted; without §2 nothing is
    assert got["mid"] == ("holds", ("§2", "§2.1.1"), None)
    # above $10, §2.1 has no value, so its exception is not consulted: §2 decides
    assert got["only_nested"] == (
        "fails",
        ("§2",),
        [("2024-01-01", "Buy", "A", {"from": "O", "amount": "$10.01"})],
    )
    assert (
        "Then A violates §2 Exclusive on 2024-01-01 (§2.1 does not cover it: amount $10.01 is above $10)."
        in result(v, "only_nested").explanation
    )
    # a `may` decides no violation; a violation decided by §2.1.1 is of §2.1.1 and §2, not §2.1 (open question 6)
    assert got["skipped"] == ("holds", (), None)
    assert result(v, "skipped").explanation == proof("never", NO_CLAUSE)


CONFLICT = (
    TREE
    + """
    §2.2 Small purchases
      exception to §2
      A may Buy(amount <= $1)
    §2.3 No small purchases from X
      exception to §2{prio}
      A must not Buy(from: X, amount <= $1)
"""
)


def test_conflict_between_equal_exceptions(tmp_path: Path) -> None:
    v = verify(
        tmp_path,
        CONFLICT.format(prio="")
        + """
        check no_breach "A conflicting act is no breach":
          possible Buy(from: X) and not breach by A
        check breach "Small purchases from X are a breach":
          always Buy(from: X, amount <= $1) implies breach by A
    """,
        analyses=True,
    )
    got = seen(v)
    x0: list[Event] = [("2024-01-01", "Buy", "A", {"from": "X", "amount": "$0"})]
    # §2.2 permits and §2.3 forbids, neither prevails: a conflict, reported, never resolved (§11)
    assert got["no_breach"] == ("holds", ("§2", "§2.2", "§2.3"), x0)
    assert got["breach"] == ("fails", ("§2", "§2.2", "§2.3"), x0)
    assert result(v, "breach").explanation == (
        "No, not always. A counterexample: 2024-01-01 Buy(from: X, amount: $0) by A. "
        "Then §2.2 and §2.3 conflict on 2024-01-01." + MINIMAL
    )
    # the analysis: one finding, the conflict, with its scenario and no violation
    assert [(f.code, f.severity, f.clauses) for f in v.findings] == [("conflict", "error", ("§2.2", "§2.3"))]
    (f,) = v.findings
    assert f.message == (
        "§2.2 Small purchases and §2.3 No small purchases from X are exceptions within §2 Exclusive that "
        "disagree on one act (Buy on 2024-01-01), and neither prevails over the other"
    )
    assert events(v.contract, f) == x0
    assert f.timeline is not None and f.timeline.violations == [] and len(f.timeline.conflicts) == 1


def test_prevailing_over(tmp_path: Path) -> None:
    v = verify(
        tmp_path,
        CONFLICT.format(prio=" prevailing over §2.2")
        + """
        check clean "§2.3 is never breached":
          never breach of §2.3 by A
        check decides "A small purchase from X always breaches §2.3":
          never Buy(from: X, amount <= $1) and not breach of §2.3 by A
        check small_o "Small purchases from O are permitted":
          possible Buy(from: O, amount <= $1) and not breach by A
    """,
        analyses=True,
    )
    got = seen(v)
    x0: list[Event] = [("2024-01-01", "Buy", "A", {"from": "X", "amount": "$0"})]
    # §2.2 is set aside where §2.3 rules: §2.3 decides, a violation of §2.3 within the tree of §2
    assert got["clean"] == ("fails", ("§2", "§2.3"), x0)
    assert "Then A violates §2.3 No small purchases from X on 2024-01-01." in result(v, "clean").explanation
    assert got["decides"] == ("holds", ("§2", "§2.3"), None)
    assert got["small_o"] == (
        "holds",
        ("§2", "§2.2"),
        [("2024-01-01", "Buy", "A", {"from": "O", "amount": "$0"})],
    )
    assert v.findings == ()


AGREEING = (
    TREE
    + """
    §2.1 Big from X
      exception to §2
      A must not Buy(from: X, amount > $5)
    §2.2 Mid from X
      exception to §2
      A must not Buy(from: X, amount > $3)
"""
)


def test_agreeing_exceptions_the_first_decides(tmp_path: Path) -> None:
    v = verify(
        tmp_path,
        AGREEING
        + """
        check first "Above $5 only §2.1 is violated":
          never breach of §2.2 and not Buy(amount <= $5)
    """,
    )
    # semantics §7: exceptions that agree give the value and deciding clause of the first in
    # the contract's order; a purchase above $5 from X is a violation of §2.1, never of §2.2.
    # Without §2.1, §2.2 would decide it: §2.1 is what the proof rests on.
    assert seen(v)["first"] == ("holds", ("§2.1",), None)


# ----------------------------------------------------------------- obligations


def test_obligation_within_days_after_a_trigger(tmp_path: Path) -> None:
    v = verify(
        tmp_path,
        """
        party A
        party B
        event Ask(amount: money) by A or B
        event Give(amount: money) by B
        §3 Supply
          when Ask(amount: a) by A:
            B must Give(amount >= a) within 10 days

        check unmet "B is never in breach":
          never breach by B
        check short "A $4 delivery meets a $5 request":
          given Ask(amount: $5) by A on 2024-03-01
          given Give(amount: $4) on 2024-03-05
          always not breach by B
        check last_day "The window includes its tenth day":
          possible Ask(amount: $5) by A on 2024-03-01 and Give(amount: $5) on 2024-03-11 and not breach by B
        check too_late "Nothing by the tenth day is a breach":
          given Ask(amount: $5) by A on 2024-03-01
          given not Give before 2024-03-12
          always breach of §3 by B
        check by_b "A request by B sets off nothing":
          possible Ask by B and not breach by B
    """,
    )
    got = seen(v)
    # window d .. d+10: an ask on 01-01 unmet is a violation on 01-11
    assert got["unmet"] == ("fails", ("§3",), [("2024-01-01", "Ask", "A", {"amount": "$0"})])
    assert result(v, "unmet").explanation == (
        "No, this can happen. A scenario: 2024-01-01 Ask(amount: $0) by A. "
        "Then B violates §3 Supply on 2024-01-11 (Give by B, amount at least $0, was due and did not happen)."
        + MINIMAL
    )
    # the bound `a` is the request's $5; $4 does not meet it
    assert got["short"] == (
        "fails",
        ("§3",),
        [
            ("2024-03-01", "Ask", "A", {"amount": "$5"}),
            ("2024-03-05", "Give", "B", {"amount": "$4"}),
        ],
    )
    assert result(v, "short").explanation == (
        "No, not always. A counterexample in which the givens hold: 2024-03-01 Ask(amount: $5) by A; "
        "2024-03-05 Give(amount: $4) by B. Then B violates §3 Supply on 2024-03-11 (Give by B, amount at "
        "least $5, was due, and the Give of 2024-03-05 does not meet it: amount $4 is below the Ask's amount ($5))."
        + MINIMAL
    )
    assert got["last_day"] == (
        "holds",
        ("§3",),
        [
            ("2024-03-01", "Ask", "A", {"amount": "$5"}),
            ("2024-03-11", "Give", "B", {"amount": "$5"}),
        ],
    )
    assert (
        "Then the obligation under §3 Supply is met by Give on 2024-03-11."
        in result(v, "last_day").explanation
    )
    assert got["too_late"] == ("holds", ("§3",), None)
    assert result(v, "too_late").explanation == proof("always", "§3 Supply", given=True)
    # the trigger says `by A`: B's request owes nothing
    assert got["by_b"] == ("holds", (), [("2024-01-01", "Ask", "B", {"amount": "$0"})])


def test_obligation_before_a_date(tmp_path: Path) -> None:
    v = verify(
        tmp_path,
        """
        party A
        party B
        event Pay(amount: money) by B
        event Order by A
        event Ship by B
        §4 Payment
          B must Pay(amount >= $100) before 2024-03-01
        §5 Shipping
          when Order by A: B must Ship before 2024-06-01

        check unpaid "§4 is never breached":
          never breach of §4
        check paid_last_day "Paying on the last day is in time":
          possible Pay(amount >= $100) on 2024-02-29 and not breach by B
        check late "Paying on the deadline itself is too late":
          given not Pay before 2024-03-01
          always breach of §4 by B
        check unshipped "§5 is never breached":
          never breach of §5
        check order_late "An order on the deadline owes nothing":
          given Order on 2024-06-01 and not Order before 2024-06-01
          always not breach of §5
    """,
    )
    got = seen(v)
    # a fixed deadline is owed from the effective date; the window ends on 2024-02-29 (a leap year)
    assert got["unpaid"] == ("fails", ("§4",), [])
    assert result(v, "unpaid").explanation == (
        "No, this can happen. A scenario: no event at all. Then B violates §4 Payment on 2024-02-29 "
        "(Pay by B, amount at least $100, was due and did not happen)."
    )
    assert got["paid_last_day"] == ("holds", ("§4",), [("2024-02-29", "Pay", "B", {"amount": "$100"})])
    assert (
        "Then the obligation under §4 Payment is met by Pay on 2024-02-29."
        in result(v, "paid_last_day").explanation
    )
    assert got["late"] == ("holds", ("§4",), None)
    # window d .. 2024-05-31; the witness is found on §5's slice, replayed on the whole contract,
    # where the unpaid §4 is violated too
    assert got["unshipped"] == ("fails", ("§4", "§5"), [("2024-01-01", "Order", "A", {})])
    assert result(v, "unshipped").explanation == (
        "No, this can happen. A scenario: 2024-01-01 Order by A. Then B violates §4 Payment on 2024-02-29 "
        "(Pay by B, amount at least $100, was due and did not happen); "
        "B violates §5 Shipping on 2024-05-31." + MINIMAL
    )
    # set off after its deadline: nothing is owed
    assert got["order_late"] == ("holds", (), None)


# ----------------------------------------------------------------- powers


def test_power(tmp_path: Path) -> None:
    v = verify(
        tmp_path,
        """
        party A with body Board
        party B
        event Declare by anyone
        state Access holds from effective
        §7 Declaration ends access
          Declare ends Access
        §7.1 The board decides
          A.Board has power to Declare
        §8 B keeps out
          B must not Declare

        check b_never "B never declares effectively":
          never effective Declare by B
        check b_nothing "A declaration by B changes nothing":
          given Declare by B and not Declare by A.Board
          always Access on horizon
        check a_nothing "A itself does not hold its board's power":
          given Declare by A and not Declare by A.Board
          always Access on horizon
        check keeps "Access lasts":
          always Access on horizon
        check attempt "B's attempt is still a breach":
          never Declare by B and not breach of §8 by B
        check attempt_story "B can attempt without effect":
          possible Declare by B and not effective Declare
    """,
    )
    got = seen(v)
    assert got["b_never"] == ("holds", ("§7.1",), None)
    assert got["b_nothing"] == ("holds", ("§7.1",), None)
    assert result(v, "b_nothing").explanation == proof("always", "§7.1 The board decides", given=True)
    # a body's power covers only the body (§3)
    assert got["a_nothing"] == ("holds", ("§7.1",), None)
    assert got["keeps"] == ("fails", ("§7", "§7.1"), [("2024-01-01", "Declare", "A.Board", {})])
    assert result(v, "keeps").explanation == (
        "No, not always. A counterexample: 2024-01-01 Declare by A.Board. Then Access ends from 2024-01-02."
        + MINIMAL
    )
    # a prohibition applies to the ineffective attempt
    assert got["attempt"] == ("holds", ("§8",), None)
    # the witness cites the power the attempt lacked, as well as the prohibition it breaks
    assert got["attempt_story"] == ("holds", ("§7.1", "§8"), [("2024-01-01", "Declare", "B", {})])
    assert result(v, "attempt_story").explanation == (
        "Yes, this is possible. The shortest scenario found: 2024-01-01 Declare by B. Then B violates §8 B keeps out "
        "on 2024-01-01; B's Declare on 2024-01-01 is ineffective." + MINIMAL
    )


def test_a_party_s_power_covers_its_body(tmp_path: Path) -> None:
    v = verify(
        tmp_path,
        """
        party A with body Board
        party B
        event Declare by anyone
        §7.1 A decides
          A has power to Declare

        check board "A's board can declare effectively":
          possible effective Declare by A.Board
        check b_never "B never declares effectively":
          never effective Declare by B
        check b_fails "B's declaration counts":
          possible effective Declare by B
    """,
    )
    got = seen(v)
    assert got["board"] == ("holds", ("§7.1",), [("2024-01-01", "Declare", "A.Board", {})])
    assert got["b_never"] == ("holds", ("§7.1",), None)
    assert got["b_fails"] == ("fails", ("§7.1",), None)
    assert result(v, "b_fails").explanation == proof("possible", "§7.1 A decides")


def test_ineffective_acts_and_lapsed_powers(tmp_path: Path) -> None:
    v = verify(
        tmp_path,
        """
        party A with body Board
        party B
        event Lift by anyone
        event Swim by B
        event Quit by A
        §1 The board lifts
          A.Board has power to Lift
        §4 No swimming until lifted
          until Lift
          B must not Swim
        §6 Exit
          Quit ends the contract

        check ineffective_lift "An ineffective lift leaves §4 applying":
          given Lift by B on 2024-03-01 and not Lift by A.Board and not Quit
          never Swim on 2024-03-02 and not breach by B
        check lapse "After the exit the board's power has lapsed":
          given Quit on 2024-01-01
          never effective Lift after 2024-01-01
    """,
    )
    got = seen(v)
    # an ineffective act does not end a clause's `until E` guard (semantics §3, §6)
    assert got["ineffective_lift"] == ("holds", ("§1", "§4"), None)
    # a power in a clause that does not survive lapses with the contract (semantics §5)
    assert got["lapse"] == ("holds", ("§1", "§6"), None)
    assert result(v, "lapse").explanation == proof("never", "§1 The board lifts and §6 Exit", given=True)


# ----------------------------------------------------------------- consequences and termination


def test_consequences_and_termination(tmp_path: Path) -> None:
    v = verify(
        tmp_path,
        """
        party A
        party B
        event Open by A
        event Close by A
        event Quit by A
        event Leak by B
        event Compete by B
        state Shop
        state Access holds from effective
        §1 Opening
          Open starts Shop
        §2 Closing
          Close ends Access
        §3 Exit
          Quit ends the contract
        §4 Confidentiality
          B must not Leak
        §5 Non-compete
          survives termination
          B must not Compete

        check starts "The shop can be open on 01-02":
          possible Shop on 2024-01-02
        check not_yet "The shop is never open on the first day":
          never Shop on 2024-01-01
        check ends "Closing ends access from the next day":
          given Close on 2024-03-01 and not Close before 2024-03-01 and not Quit
          always Access on 2024-03-01 and not Access on 2024-03-02
        check ends_after_exit "Closing always ends access":
          given Close on 2024-03-01
          always not Access on 2024-03-02
        check terminated "After the exit, leaks are no breach":
          given Quit on 2024-03-01 and not Leak before 2024-03-02
          never breach of §4
        check last_day "The exit's own day is still in force":
          given Quit on 2024-03-01 and not Leak before 2024-03-01
          never breach of §4
        check survives "The non-compete survives the exit":
          given Quit on 2024-03-01
          possible Compete after 2024-03-01 and breach of §5 by B
    """,
    )
    got = seen(v)
    assert got["starts"] == ("holds", ("§1",), [("2024-01-01", "Open", "A", {})])
    assert "Then Shop starts from 2024-01-02." in result(v, "starts").explanation
    # an act's effect counts from the next day; a state with no `from` holds on no day until started
    assert got["not_yet"] == ("holds", (), None)
    assert got["ends"] == ("holds", ("§2",), None)
    # §2 does not survive: after an exit the close changes nothing
    assert got["ends_after_exit"] == (
        "fails",
        ("§3",),
        [
            ("2024-01-01", "Quit", "A", {}),
            ("2024-03-01", "Close", "A", {}),
        ],
    )
    assert result(v, "ends_after_exit").explanation == (
        "No, not always. A counterexample in which the givens hold: 2024-01-01 Quit by A; 2024-03-01 Close by A. "
        "Then the contract ends from 2024-01-02." + MINIMAL
    )
    assert got["terminated"] == ("holds", ("§3",), None)
    # the contract is in force on the day of the exit (ends from d + 1); same-day events keep the declaration order
    assert got["last_day"] == (
        "fails",
        ("§3", "§4"),
        [
            ("2024-03-01", "Quit", "A", {}),
            ("2024-03-01", "Leak", "B", {}),
        ],
    )
    assert result(v, "last_day").explanation.endswith(
        "Then B violates §4 Confidentiality on 2024-03-01; the contract ends from 2024-03-02." + MINIMAL
    )
    assert got["survives"] == (
        "holds",
        ("§3", "§5"),
        [
            ("2024-03-01", "Quit", "A", {}),
            ("2024-03-02", "Compete", "B", {}),
        ],
    )
    assert result(v, "survives").explanation == (
        "Yes, this is possible. The shortest scenario found in which the givens hold: 2024-03-01 Quit by A; "
        "2024-03-02 Compete by B. Then B violates §5 Non-compete on 2024-03-02; the contract ends from 2024-03-02."
        + MINIMAL
    )


# ----------------------------------------------------------------- contrary-to-duty


def test_contrary_to_duty(tmp_path: Path) -> None:
    v = verify(
        tmp_path,
        """
        party A
        party B
        event Ask by A
        event Give by B
        event PayDamages(amount: money) by B
        state Access holds from effective
        §3 Supply
          when Ask by A: B must Give within 10 days
        §9 Loss of access
          violation of §3 ends Access
        §10 Damages
          when violation of §3: B must PayDamages(amount >= $1M) within 30 days

        check loses "B can lose access":
          possible not Access on 2024-01-12
        check not_before "Access is never lost by 01-11":
          never not Access on 2024-01-11
        check late_remedy "A breach of §3 need not lead to a breach of §10 within the horizon":
          possible breach of §3 and not breach of §10
        check paid "Damages can make good the breach":
          given Ask on 2024-01-01
          possible breach of §3 and not breach of §10
        check unpaid "§10 is never breached":
          never breach of §10
        check owed "Without delivery or damages, §10 is breached":
          given Ask on 2024-01-01 and not Give and not PayDamages
          always breach of §10 by B
    """,
    )
    got = seen(v)
    ask: list[Event] = [("2024-01-01", "Ask", "A", {})]
    story = (
        "Then B violates §3 Supply on 2024-01-11; Access ends from 2024-01-12; "
        "B violates §10 Damages on 2024-02-10 (PayDamages by B, amount at least $1M, was due and did not happen)."
    )
    # violation on 01-11 ends Access from 01-12; damages owed 01-11 .. 02-10 (the story in date order)
    assert got["loses"] == ("holds", ("§3", "§9", "§10"), ask)
    assert result(v, "loses").explanation == (
        "Yes, this is possible. The shortest scenario found: 2024-01-01 Ask by A. " + story + MINIMAL
    )
    assert got["not_before"] == ("holds", (), None)
    # one event suffices: an ask on 11-22 is violated on 12-02, and the damages' window
    # 12-02 .. 2025-01-01 closes after the horizon, so §10 is not (yet) violated
    assert got["late_remedy"] == ("holds", ("§3", "§9", "§10"), [("2024-11-22", "Ask", "A", {})])
    assert result(v, "late_remedy").explanation.endswith(
        "Then B violates §3 Supply on 2024-12-02; Access ends from 2024-12-03; an obligation under §10 Damages "
        "set off on 2024-12-02 is still open at the horizon (due by 2025-01-01)." + MINIMAL
    )
    # the remedy's window starts on the day of the violation
    assert got["paid"] == (
        "holds",
        ("§3", "§9", "§10"),
        [
            ("2024-01-01", "Ask", "A", {}),
            ("2024-01-11", "PayDamages", "B", {"amount": "$1M"}),
        ],
    )
    assert result(v, "paid").explanation.endswith(
        "Then B violates §3 Supply on 2024-01-11; the obligation under §10 Damages is met by "
        "PayDamages on 2024-01-11; Access ends from 2024-01-12." + MINIMAL
    )
    assert got["unpaid"] == ("fails", ("§3", "§9", "§10"), ask)
    assert (
        result(v, "unpaid").explanation
        == "No, this can happen. A scenario: 2024-01-01 Ask by A. " + story + MINIMAL
    )
    assert got["owed"] == ("holds", ("§3", "§10"), None)


# ----------------------------------------------------------------- guards

GUARDS = """
    party A
    party B
    event Fish by A
    event Hunt by A
    event Sail by A
    event Swim by A
    event Lift by B
    state Storm holds from 2024-06-01 until 2024-06-30
    §1 Fishing season
      from 2024-03-01
      A must not Fish
    §2 Hunting moratorium
      until 2024-03-31
      A must not Hunt
    §3 No sailing in storms
      while Storm
      A must not Sail
    §4 No swimming until lifted
      until Lift
      A must not Swim
"""


def test_guards_from_and_until_dates(tmp_path: Path) -> None:
    v = verify(
        tmp_path,
        GUARDS
        + """
        check fish_early "Fishing before the season is free":
          possible Fish and not breach by A
        check fish_from "Fishing on the first day is a breach":
          never Fish on 2024-03-01 and not breach by A
        check fish_never "§1 is never breached":
          never breach of §1
        check hunt_until "Hunting on the last day is a breach":
          never Hunt on 2024-03-31 and not breach by A
        check hunt_after "Hunting after the moratorium is free":
          possible Hunt on 2024-04-01 and not breach by A
        check hunt_never "§2 is never breached":
          never breach of §2
    """,
    )
    got = seen(v)
    assert got["fish_early"] == ("holds", (), [("2024-01-01", "Fish", "A", {})])
    assert got["fish_from"] == ("holds", ("§1",), None)
    assert got["fish_never"] == ("fails", ("§1",), [("2024-03-01", "Fish", "A", {})])
    assert "Then A violates §1 Fishing season on 2024-03-01." in result(v, "fish_never").explanation
    assert got["hunt_until"] == ("holds", ("§2",), None)
    assert got["hunt_after"] == ("holds", (), [("2024-04-01", "Hunt", "A", {})])
    assert got["hunt_never"] == ("fails", ("§2",), [("2024-01-01", "Hunt", "A", {})])


def test_guards_while_and_until_an_event(tmp_path: Path) -> None:
    v = verify(
        tmp_path,
        GUARDS
        + """
        check sail_calm "Sailing the day after the storm is free":
          possible Sail on 2024-07-01 and not breach by A
        check sail_storm "Sailing on the storm's last day is a breach":
          never Sail on 2024-06-30 and not breach by A
        check sail_never "§3 is never breached":
          never breach of §3
        check swim_lift_day "§4 still applies on the day of the lift":
          given Lift on 2024-03-01 and not Lift before 2024-03-01
          never Swim on 2024-03-01 and not breach by A
        check swim_after "Swimming the day after the lift is free":
          possible Lift on 2024-03-01 and Swim on 2024-03-02 and not breach by A
        check swim_never "§4 is never breached":
          given Lift on 2024-03-01
          never breach of §4
    """,
    )
    got = seen(v)
    assert got["sail_calm"] == ("holds", (), [("2024-07-01", "Sail", "A", {})])
    assert got["sail_storm"] == ("holds", ("§3",), None)
    assert got["sail_never"] == ("fails", ("§3",), [("2024-06-01", "Sail", "A", {})])
    assert got["swim_lift_day"] == ("holds", ("§4",), None)
    assert got["swim_after"] == (
        "holds",
        (),
        [("2024-03-01", "Lift", "B", {}), ("2024-03-02", "Swim", "A", {})],
    )
    assert got["swim_never"] == (
        "fails",
        ("§4",),
        [("2024-01-01", "Swim", "A", {}), ("2024-03-01", "Lift", "B", {})],
    )
    assert result(v, "swim_never").explanation == (
        "No, this can happen. A scenario in which the givens hold: 2024-01-01 Swim by A; 2024-03-01 Lift by B. "
        "Then A violates §4 No swimming until lifted on 2024-01-01." + MINIMAL
    )


def test_several_from_guards_all_hold(tmp_path: Path) -> None:
    v = verify(
        tmp_path,
        """
        party A
        event Dive by A
        §5 Two starts
          from 2024-03-01
          from 2024-02-01
          A must not Dive

        check dive "Diving in February is free":
          possible Dive on 2024-02-15 and not breach by A
    """,
    )
    # docs/language.md, Guards: "several combine, and all must hold"; semantics §6: the clause
    # applies when every guard holds, i.e. from 2024-03-01
    assert seen(v)["dive"] == ("holds", (), [("2024-02-15", "Dive", "A", {})])


def test_several_until_guards_all_hold(tmp_path: Path) -> None:
    v = verify(
        tmp_path,
        """
        party A
        event Dive by A
        §5 Two ends
          until 2024-03-01
          until 2024-06-01
          A must not Dive

        check dive "Diving in April is free":
          possible Dive on 2024-04-15 and not breach by A
    """,
    )
    # all guards must hold: the clause applies up to 2024-03-01 only
    assert seen(v)["dive"] == ("holds", (), [("2024-04-15", "Dive", "A", {})])


# ----------------------------------------------------------------- states


def test_states_from_and_until(tmp_path: Path) -> None:
    v = verify(
        tmp_path,
        """
        party A
        event Start by A
        event Stop by A
        state S1 holds from effective until 2024-06-30
        state S2 holds from 2024-03-01 until Stop
        state S3 holds from Start until Stop
        state S4 holds from Start until 2024-09-30

        check s1 "S1 holds from the effective date through its until date":
          always S1 on 2024-01-01 and S1 on 2024-06-30 and not S1 on 2024-07-01
        check s2_before "S2 does not hold before its date":
          never S2 on 2024-02-29
        check s2_start "S2 holds on its first day":
          always S2 on 2024-03-01
        check s2_stop "A stop ends S2 from the next day":
          given Stop on 2024-05-01 and not Stop before 2024-05-01
          always S2 on 2024-05-01 and not S2 on 2024-05-02
        check s3 "S3 holds from the day after its start":
          given Start on 2024-02-01 and not Start before 2024-02-01 and not Stop
          always not S3 on 2024-02-01 and S3 on 2024-02-02 and S3 on horizon
        check s4 "S4 never holds on its last day":
          always not S4 on 2024-09-30
        check s4_after "S4 never holds after its until date":
          never S4 on 2024-10-01
    """,
    )
    got = seen(v)
    assert got["s1"] == ("holds", (), None)
    assert got["s2_before"] == ("holds", (), None)
    # an end beats a start on the same day: a stop on 02-29 ends S2 from 03-01, its first day
    assert got["s2_start"] == ("fails", (), [("2024-02-29", "Stop", "A", {})])
    assert got["s2_stop"] == ("holds", (), None)
    assert got["s3"] == ("holds", (), None)
    assert got["s4"] == ("fails", (), [("2024-01-01", "Start", "A", {})])
    assert result(v, "s4").explanation == (
        "No, not always. A counterexample: 2024-01-01 Start by A. "
        "Then S3 starts from 2024-01-02; S4 starts from 2024-01-02." + MINIMAL
    )
    assert got["s4_after"] == ("holds", (), None)


# ----------------------------------------------------------------- facts and money


def test_open_facts(tmp_path: Path) -> None:
    v = verify(
        tmp_path,
        """
        party A
        fact Cap: money
        fact Strict: bool
        event Spend(amount: money) by A
        §1 Spending cap
          while Strict
          A must not Spend(amount > Cap)

        check over "A can overspend":
          possible breach by A
        check strict "Under a strict cap A is never in breach":
          given Strict
          never breach by A
        check hundred "Above a $100 cap is a breach":
          given Strict and Cap == $100
          always Spend(amount: $100.01) implies breach by A
        check lenient "Without Strict, no breach":
          given not Strict
          never breach by A
    """,
    )
    got = seen(v)
    spend: list[Event] = [("2024-01-01", "Spend", "A", {"amount": "$0.01"})]
    # the solver picks the facts: the smallest amount over the cap is a cent, so Cap is $0
    assert got["over"] == ("holds", ("§1",), spend)
    assert facts(v.contract, result(v, "over")) == {"Cap": "$0", "Strict": "true"}
    assert result(v, "over").explanation == (
        "Yes, this is possible. The shortest scenario found: 2024-01-01 Spend(amount: $0.01) by A "
        "(with Cap = $0, Strict = true). Then A violates §1 Spending cap on 2024-01-01." + MINIMAL
    )
    assert got["strict"] == ("fails", ("§1",), spend)
    assert facts(v.contract, result(v, "strict")) == {"Cap": "$0", "Strict": "true"}
    assert got["hundred"] == ("holds", ("§1",), None)
    assert got["lenient"] == ("holds", (), None)


def test_money_comparisons_and_arithmetic(tmp_path: Path) -> None:
    v = verify(
        tmp_path,
        """
        party A
        fact Price: money = $99.99
        fact Fee: money = $5
        event Pay(amount: money) by A
        event Charge(amount: money) by A
        §1 Commission cap
          A must not Pay(amount: x) where x * 10% > $1
        §2 Price ceiling
          A must not Charge(amount: x) where x > Price + Fee * 2

        check commission "A can pay too much":
          possible breach of §1
        check rounded "10% of $10.09 is $1.00":
          possible Pay(amount: $10.09) and not Pay(amount != $10.09) and not breach by A
        check ten_ten "10% of $10.10 is over $1":
          always Pay(amount: $10.10) implies breach of §1
        check from_1009 "Paying $10.09 or more is a breach":
          always Pay(amount >= $10.09) implies breach of §1
        check ceiling "A can charge too much":
          possible breach of §2
        check at_ceiling "$109.99 is within the ceiling":
          possible Charge(amount: $109.99) and not breach by A
        check sum "The ceiling is $109.99":
          always Price + Fee * 2 == $109.99
        check over_105 "Price and fee exceed $105":
          always Price + Fee > $105
    """,
    )
    got = seen(v)
    # floor(x / 10) > 100 cents first holds at x = 1010 cents (exact arithmetic would give $10.01)
    assert got["commission"] == ("holds", ("§1",), [("2024-01-01", "Pay", "A", {"amount": "$10.10"})])
    assert got["rounded"] == ("holds", (), [("2024-01-01", "Pay", "A", {"amount": "$10.09"})])
    assert got["ten_ten"] == ("holds", ("§1",), None)
    assert got["from_1009"] == ("fails", (), [("2024-01-01", "Pay", "A", {"amount": "$10.09"})])
    assert result(v, "from_1009").explanation == (
        "No, not always. A counterexample: 2024-01-01 Pay(amount: $10.09) by A. "
        "Then nobody is in breach and no state changes." + MINIMAL
    )
    # $99.99 + $5 * 2 = $109.99: the smallest charge above it is $110
    assert got["ceiling"] == ("holds", ("§2",), [("2024-01-01", "Charge", "A", {"amount": "$110"})])
    assert got["at_ceiling"] == ("holds", (), [("2024-01-01", "Charge", "A", {"amount": "$109.99"})])
    assert got["sum"] == ("holds", (), None)
    assert got["over_105"] == ("fails", (), [])
    assert result(v, "over_105").explanation == (
        "No, not always. A counterexample: no event at all. Then nobody is in breach and no state changes."
    )


# ----------------------------------------------------------------- check forms

FORMS = """
    party A with body Board
    party B
    event Ask by A
    event Give by B
    event Declare by anyone
    event Leak by B
    state Access holds from effective
    §1 Supply
      when Ask by A: B must Give within 10 days
    §2 Declaration
      Declare ends Access
    §2.1 The board decides
      A.Board has power to Declare
    §3 Secrecy
      B must not Leak
"""


def test_check_forms_modes_given_and_scopes(tmp_path: Path) -> None:
    v = verify(
        tmp_path,
        FORMS
        + """
        check possible_ "A can declare effectively":
          possible effective Declare by A
        check after_holds "After a declaration, no access":
          always after Declare: not Access
        check after_fails "After a declaration, B is in breach":
          always after Declare: breach by B
        check never_ "B never declares effectively":
          never effective Declare by B
        check given_ "Without the board's declaration, access lasts":
          given not Declare by A.Board
          always from effective until horizon: Access
        check during_fails "Access holds through March":
          always from 2024-03-01 until 2024-03-31: Access
        check on_holds "No breach of §1 by 01-10":
          always on 2024-01-10: not breach of §1
        check on_fails "No breach of §1 by 01-11":
          always on 2024-01-11: not breach of §1
    """,
    )
    got = seen(v)
    board: list[Event] = [("2024-01-01", "Declare", "A.Board", {})]
    # `by A` covers A's board, the only effective declarer
    assert got["possible_"] == ("holds", ("§2", "§2.1"), board)
    assert result(v, "possible_").explanation == (
        "Yes, this is possible. The shortest scenario found: 2024-01-01 Declare by A.Board. "
        "Then Access ends from 2024-01-02." + MINIMAL
    )
    assert got["after_holds"] == ("holds", ("§2",), None)
    assert result(v, "after_holds").explanation == proof("always", "§2 Declaration")
    assert got["after_fails"] == ("fails", ("§2", "§2.1"), board)
    assert got["never_"] == ("holds", ("§2.1",), None)
    assert got["given_"] == ("holds", ("§2.1",), None)
    assert result(v, "given_").explanation == proof("always", "§2.1 The board decides", given=True)
    assert got["during_fails"] == ("fails", ("§2", "§2.1"), board)
    # a scope's `breach` is a violation on or before its day; the first possible one is on 01-11
    assert got["on_holds"] == ("holds", (), None)
    assert got["on_fails"] == ("fails", ("§1",), [("2024-01-01", "Ask", "A", {})])
    assert "Then B violates §1 Supply on 2024-01-11." in result(v, "on_fails").explanation


def test_check_forms_dates_breaches_and_acts(tmp_path: Path) -> None:
    v = verify(
        tmp_path,
        FORMS
        + """
        check breach_on "B can be in breach as of 01-11":
          possible breach by B on 2024-01-11 and not Leak
        check event_on "An ask on 05-05 can be met":
          possible Ask on 2024-05-05 and not breach by B
        check before_no "No breach of B before 01-11 without a leak":
          possible breach by B before 2024-01-11 and not Leak
        check before_yes "A breach of B before 01-12 without a leak":
          possible breach by B before 2024-01-12 and not Leak
        check after_d "A breach of B after 12-20":
          possible breach by B after 2024-12-20 and not Leak
        check open "An ask near the horizon is no breach":
          possible Ask after 2024-12-21 and not breach by B
        check breach_a "A can be in breach":
          possible breach by A
        check breach_of "B can breach §3 alone":
          possible breach of §3 by B and not breach of §1
        check violation "§1 is always violated":
          always violation of §1
        check ineffective "A's own declaration does not count":
          possible Declare by A and not effective Declare
        check not_a "A never breaches §1":
          never breach of §1 by A
    """,
    )
    got = seen(v)
    ask: list[Event] = [("2024-01-01", "Ask", "A", {})]
    assert got["breach_on"] == ("holds", ("§1",), ask)
    # `E on D` is an event on that day; the delivery is earliest on the same day
    assert got["event_on"] == (
        "holds",
        ("§1",),
        [("2024-05-05", "Ask", "A", {}), ("2024-05-05", "Give", "B", {})],
    )
    assert got["before_no"] == ("fails", (), None)
    assert result(v, "before_no").explanation == proof("possible", NO_CLAUSE)
    assert got["before_yes"] == ("holds", ("§1",), ask)
    # violation day > 12-20: an ask on 12-11, due by 12-21
    assert got["after_d"] == ("holds", ("§1",), [("2024-12-11", "Ask", "A", {})])
    assert "Then B violates §1 Supply on 2024-12-21." in result(v, "after_d").explanation
    # a window closing after the horizon is not a violation within the bounds
    assert got["open"] == ("holds", ("§1",), [("2024-12-22", "Ask", "A", {})])
    assert result(v, "open").explanation.endswith(
        "Then an obligation under §1 Supply set off on 2024-12-22 is still open at the horizon (due by 2025-01-01)."
        + MINIMAL
    )
    assert got["breach_a"] == ("fails", (), None)
    assert got["breach_of"] == ("holds", ("§3",), [("2024-01-01", "Leak", "B", {})])
    assert "Then B violates §3 Secrecy on 2024-01-01." in result(v, "breach_of").explanation
    assert got["violation"] == ("fails", (), [])
    assert result(v, "violation").explanation == (
        "No, not always. A counterexample: no event at all. Then nobody is in breach and no state changes."
    )
    # `by A` covers the board, but the board's act would be effective: the witness's actor is A
    # (the power A lacked is cited)
    assert got["ineffective"] == ("holds", ("§2.1",), [("2024-01-01", "Declare", "A", {})])
    assert result(v, "ineffective").explanation.endswith(
        "Then A's Declare on 2024-01-01 is ineffective." + MINIMAL
    )
    assert got["not_a"] == ("holds", (), None)
