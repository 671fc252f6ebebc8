"""Every construct of the language parses, resolves and type-checks: one test each.

Each test writes a tiny contract inline and asserts the exact checked model
(``dsl.model``) the checker makes of it: the norm's modality, actor and event, the
condition as an expression tree, money as integer cents, dates as day numbers
(``day(date(...))``), exceptions, priorities, state boundaries, a check's body.
Model nodes compare without their spans, so the expected trees are written
without positions.

The negative tests at the end assert the code, line, column and message of the
diagnostic for each kind of mistake. Bugs found while writing these are the
``xfail(strict=True)`` tests: each asserts the behaviour we want.
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest

from dsl import model as m
from dsl import syntax as s
from dsl.amend import apply_amendment
from dsl.diagnostics import Diagnostic, Sources, render
from dsl.load import check_node, load_contract, load_scenario
from dsl.model import day
from dsl.parse import parse_text
from dsl.scenario import Occurrence
from dsl.syntax import Money

FILE = "t.contract"
HEAD = 'contract "T" effective 2024-01-01 horizon 2030-12-31\n'

BOOL, INT, DATE, DURATION, PERCENT, PARTY = m.BOOL, m.INT, m.DATE, m.DURATION, m.PERCENT, m.PARTY
USD = m.Type("money", currency="USD")
EUR = m.Type("money", currency="EUR")


def kind(name: str) -> m.Type:
    return m.Type("kind", kind=name)


def symbol(*candidates: str) -> m.Type:
    return m.Type("symbol", candidates=frozenset(candidates))


def d(y: int, mo: int, da: int) -> int:
    return day(date(y, mo, da))


def usd(cents: int) -> m.Const:
    return m.Const(Money(cents), USD)


def const(value: m.ConstValue, t: m.Type) -> m.Const:
    return m.Const(value, t)


def self_arg(name: str, t: m.Type) -> m.ArgRef:
    return m.ArgRef("self", name, t)


def trig_arg(name: str, t: m.Type) -> m.ArgRef:
    return m.ArgRef("trigger", name, t)


def op(o: str, *args: m.Expr, t: m.Type = BOOL) -> m.Op:
    return m.Op(o, tuple(args), t)


def _show(diags: list[Diagnostic], text: str) -> str:
    sources = Sources()
    sources.add(FILE, text)
    return "\n".join(render(x, sources) for x in diags)


def check(text: str, warnings: tuple[str, ...] = ()) -> m.Contract:
    """The checked contract; exactly the given warning codes, and no error."""
    node, diags = parse_text(text, FILE)
    assert node is not None, _show(diags, text)
    assert isinstance(node, s.ContractFile)
    contract, more = check_node(node, FILE)
    diags = diags + more
    assert sorted(x.code for x in diags) == sorted(warnings), _show(diags, text)
    assert contract is not None
    return contract


def problems(text: str) -> list[tuple[str, int, int, str]]:
    """(code, line, col, message) of every diagnostic, parse and check, in order."""
    node, diags = parse_text(text, FILE)
    if isinstance(node, s.ContractFile):
        diags = diags + check_node(node, FILE)[1]
    diags = sorted(diags, key=lambda x: (x.span.line, x.span.col, x.code))
    return [(x.code, x.span.line, x.span.col, x.message) for x in diags]


def errors(text: str) -> list[tuple[str, int, int, str]]:
    return [p for p in problems(text) if p[0] not in ("unused-declaration", "unused-binding", "no-horizon")]


def only_clause(c: m.Contract) -> m.Clause:
    (clause,) = c.clauses.values()
    return clause


def only_norm(c: m.Contract) -> m.Norm:
    (norm,) = only_clause(c).norms
    return norm


PAY = HEAD + "party A\nevent Pay(amount: money) by A\n"
PAYB = HEAD + "party A\nparty B\nevent Pay(amount: money) by A\n"


# ================================================================= header


def test_header_effective_horizon_currency() -> None:
    c = check(
        'contract "Supply, EUR" effective 2024-02-29 horizon 2029-02-28 currency EUR\n'
        "party A\n"
        "event Pay(amount: money) by A\n"
        "§1 Cap\n"
        "  A must not Pay(amount > EUR 40,000)\n"
    )
    assert (c.title, c.effective, c.horizon, c.currency, c.horizon_given) == (
        "Supply, EUR",
        d(2024, 2, 29),
        d(2029, 2, 28),
        "EUR",
        True,
    )
    assert c.events["Pay"].params == (("amount", EUR),)
    assert only_norm(c).cond == op(">", self_arg("amount", EUR), const(Money(4_000_000, "EUR"), EUR))


def test_header_over_several_lines_defaults_to_usd() -> None:
    c = check(
        'contract "T"\n  effective 2024-01-01\n  horizon   2030-12-31\n\nparty A\nevent E by A\n§1 X\n  A must not E\n'
    )
    assert (c.currency, c.effective, c.horizon) == ("USD", d(2024, 1, 1), d(2030, 12, 31))


def test_header_without_horizon_explores_ten_years() -> None:
    c = check(
        'contract "T" effective 2024-02-29\nparty A\nevent E by A\n§1 X\n  A must not E\n',
        warnings=("no-horizon",),
    )
    assert (c.horizon, c.horizon_given) == (d(2034, 2, 28), False)


# ================================================================= parties, kinds


def test_party_with_description_and_bodies() -> None:
    c = check(
        HEAD
        + 'party OpenAI "the maker of ChatGPT" with body Board\n'
        + "party Acme with bodies Board, Ceo\n"
        + "party Solo\n"
        + "event Declare by OpenAI.Board or Acme.Ceo or Solo\n"
        + "§1 X\n  Acme must not Declare\n"
    )
    assert c.parties == {"OpenAI": ("Board",), "Acme": ("Board", "Ceo"), "Solo": ()}
    assert c.actors == ("OpenAI", "OpenAI.Board", "Acme", "Acme.Board", "Acme.Ceo", "Solo")
    assert c.events["Declare"].actors == ("OpenAI.Board", "Acme.Ceo", "Solo")
    node, _ = parse_text(HEAD + 'party OpenAI "the maker" with body Board\n', FILE)
    assert isinstance(node, s.ContractFile)
    assert node.items == (s.PartyDecl("OpenAI", "the maker", ("Board",)),)


def test_kind_and_its_members() -> None:
    c = check(
        HEAD
        + 'kind Provider "a seller of compute" = Microsoft | Oracle | OtherCloud\n'
        + "party OpenAI\n"
        + "event Buy(from: Provider) by OpenAI\n"
        + "§1 X\n  OpenAI must not Buy(from: OtherCloud)\n"
    )
    assert c.kinds == {"Provider": ("Microsoft", "Oracle", "OtherCloud")}
    assert only_norm(c).cond == op(
        "==", self_arg("from", kind("Provider")), const("OtherCloud", kind("Provider"))
    )


def test_a_name_that_is_a_party_and_a_member_is_a_symbol() -> None:
    c = check(
        HEAD
        + "party Microsoft\nparty OpenAI\n"
        + "kind Provider = Microsoft | Oracle\n"
        + "event Buy(from: Provider) by OpenAI\n"
        + "§1 X\n  OpenAI must not Buy(from: p) where p != Microsoft\n"
    )
    assert only_norm(c).cond == op(
        "!=", self_arg("from", kind("Provider")), const("Microsoft", symbol("party", "Provider"))
    )


# ================================================================= facts, one per type

FACT_CASES = [
    # (type, literal, header currency, expected value)
    ("bool", "true", "USD", const(True, BOOL)),
    ("bool", "false", "USD", const(False, BOOL)),
    ("int", "90", "USD", const(90, INT)),
    ("int", "1,000,000", "USD", const(1_000_000, INT)),
    ("money", "$10B", "USD", usd(10 * 10**9 * 100)),
    ("money", "US$650M", "USD", usd(650 * 10**6 * 100)),
    ("money", "$5.4B", "USD", usd(54 * 10**8 * 100)),
    ("money", "$1,250.50", "USD", usd(125_050)),
    ("money", "$0.5K", "USD", usd(50_000)),
    ("money", "USD 7", "USD", usd(700)),
    ("money", "EUR 40,000", "EUR", const(Money(4_000_000, "EUR"), EUR)),
    ("money", "€2.5M", "EUR", const(Money(250_000_000, "EUR"), EUR)),
    ("money", "£3bn", "GBP", const(Money(300_000_000_000, "GBP"), m.Type("money", currency="GBP"))),
    ("money", "CHF 12k", "CHF", const(Money(1_200_000, "CHF"), m.Type("money", currency="CHF"))),
    ("date", "2025-01-01", "USD", const(d(2025, 1, 1), DATE)),
    ("percent", "50%", "USD", const(Fraction(1, 2), PERCENT)),
    ("percent", "12.5%", "USD", const(Fraction(1, 8), PERCENT)),
]


@pytest.mark.parametrize(
    ("type_", "literal", "currency", "value"), FACT_CASES, ids=[f"{c[0]}:{c[1]}" for c in FACT_CASES]
)
def test_fact_of_each_type(type_: str, literal: str, currency: str, value: m.Const) -> None:
    c = check(
        f'contract "T" effective 2024-01-01 horizon 2030-12-31 currency {currency}\n'
        f'fact F: {type_} = {literal} "[F1] a fact recorded for the record"\n'
    )
    fact = c.facts["F"]
    assert fact == m.Fact("F", value.type, value, "[F1] a fact recorded for the record")


def test_fact_without_a_value_is_open() -> None:
    c = check(
        HEAD
        + "fact Cap: money\nfact Window: duration\nparty A\nevent Pay(amount: money) by A\n§1 X\n  A must not Pay(amount > Cap)\n",
        warnings=("unused-declaration",),
    )
    assert c.facts["Cap"] == m.Fact("Cap", USD, None)
    assert c.facts["Window"] == m.Fact("Window", DURATION, None)
    assert only_norm(c).cond == op(">", self_arg("amount", USD), m.FactRef("Cap", USD))


def test_fact_of_a_kind() -> None:
    c = check(HEAD + 'kind Provider = Microsoft | Oracle\nfact Main: Provider = Oracle "[F2] the main one"\n')
    assert c.facts["Main"].value == const("Oracle", kind("Provider"))


def test_fact_value_is_folded() -> None:
    c = check(
        HEAD
        + 'fact Half: money = $10B * 50% "[F1]"\nfact Days: int = 3 * 30 + 1 "[F1]"\nfact Neg: int = -5 "[F1]"\n'
    )
    assert c.facts["Half"].value == usd(5 * 10**9 * 100)
    assert c.facts["Days"].value == const(91, INT)
    assert c.facts["Neg"].value == const(-5, INT)


def test_fact_of_type_duration_with_a_value() -> None:
    c = check(HEAD + 'fact Grace: duration = 10 days "[F1]"\nfact Fortnight: duration = 2 weeks "[F1]"\n')
    assert c.facts["Grace"].value == const(10, DURATION)
    assert c.facts["Fortnight"].value == const(14, DURATION)


def test_duration_literal_in_a_pattern() -> None:
    c = check(HEAD + "party A\nevent Extend(by_: duration) by A\n§1 X\n  A must not Extend(by_ > 30 days)\n")
    assert only_norm(c).cond == op(">", self_arg("by_", DURATION), const(30, DURATION))


# ================================================================= events


def test_event_with_typed_params_actors_and_description() -> None:
    c = check(
        HEAD
        + "party A with body Board\nparty B\nkind Provider = Oracle | Other\n"
        + "event Deal(amount: money, on_: date, n: int, share: percent, firm: bool, via: Provider, to: party, grace: duration)\n"
        + '  by A.Board or B "a deal"\n'
        + "§1 X\n  B must not Deal\n"
    )
    assert c.events["Deal"] == m.Event(
        "Deal",
        (
            ("amount", USD),
            ("on_", DATE),
            ("n", INT),
            ("share", PERCENT),
            ("firm", BOOL),
            ("via", kind("Provider")),
            ("to", PARTY),
            ("grace", DURATION),
        ),
        ("A.Board", "B"),
        "a deal",
    )


def test_event_by_anyone() -> None:
    c = check(HEAD + "party A\nevent Declare by anyone\n§1 X\n  A has power to Declare\n")
    assert c.events["Declare"] == m.Event("Declare", (), ())
    assert c.actor_events("Declare") == ("A",)


def test_event_with_no_arguments_and_keyword_like_argument_names() -> None:
    c = check(
        HEAD
        + "party A\nkind P = X | Y\nevent Buy(from: P, to: P) by A\n§1 X\n  A must not Buy(from: X, to: Y)\n"
    )
    assert only_norm(c).cond == op(
        "and",
        op("==", self_arg("from", kind("P")), const("X", kind("P"))),
        op("==", self_arg("to", kind("P")), const("Y", kind("P"))),
    )


# ================================================================= states


def test_state_holds_from_effective() -> None:
    c = check(
        HEAD
        + 'state Access "access to the tech" holds from effective\ncheck c "t": always Access on 2025-01-01\n'
    )
    assert c.states["Access"] == m.State("Access", "access to the tech", True, (), (), (), ())


def test_state_from_a_date_until_an_event() -> None:
    c = check(
        HEAD
        + "party A\nevent Cancel by A\nstate Open holds from 2024-06-01 until Cancel\n"
        + 'check c "t": possible Open on 2024-07-01\n'
    )
    assert c.states["Open"] == m.State("Open", None, False, (d(2024, 6, 1),), (), (), ("Cancel",))


def test_state_from_an_event_until_a_date_or_event() -> None:
    c = check(
        HEAD
        + "party A\nevent Start by A\nevent Stop by A\n"
        + "state Live holds from effective or Start until 2026-01-01 or Stop\n"
        + 'check c "t": possible Live on 2025-01-01\n'
    )
    assert c.states["Live"] == m.State("Live", None, True, (), (d(2026, 1, 1),), ("Start",), ("Stop",))


def test_state_without_holds_keyword() -> None:
    c = check(
        HEAD
        + "party A\nevent Start by A\nstate Live from Start\n"
        + 'check c "t": possible Live on 2025-01-01\n'
    )
    assert c.states["Live"] == m.State("Live", None, False, (), (), ("Start",), ())


# ================================================================= clauses: heads, text


def test_clause_ids_titles_and_fact_refs() -> None:
    c = check(
        PAY
        + "§2 Exclusive compute [F2, F3]\n  A must not Pay\n"
        + "§2.1 Oracle waiver [F4]\n  exception to §2\n  A may Pay\n"
        + "§10.3a Odd numbering\n  A may Pay\n"
        + "§ 4 Spaced sign # a comment\n  A may Pay\n"
    )
    assert [(x.id, x.title, x.facts) for x in c.clauses.values()] == [
        ("§2", "Exclusive compute", ("F2", "F3")),
        ("§2.1", "Oracle waiver", ("F4",)),
        ("§10.3a", "Odd numbering", ()),
        ("§4", "Spaced sign", ()),
    ]


def test_clause_text() -> None:
    c = check(
        PAY
        + "§1 X\n"
        + '  text "First, with a \\"quote\\"."\n'
        + '  text "Second, over\n        two lines."\n'
        + '  text \u201cCurly, with "straight" quotes inside.\u201d\n'
        + "  A must not Pay\n"
    )
    assert only_clause(c).text == (
        'First, with a "quote".',
        "Second, over two lines.",
        'Curly, with "straight" quotes inside.',
    )


# ================================================================= norms


def test_obligation_before_a_date() -> None:
    c = check(PAY + "§1 X\n  A must Pay(amount >= $1,000) before 2025-01-01\n")
    assert only_norm(c) == m.Norm(
        "§1", "must", "A", "Pay", op(">=", self_arg("amount", USD), usd(100_000)), None, None, d(2025, 1, 1)
    )


def test_obligation_before_a_date_fact_and_the_horizon() -> None:
    c = check(
        PAY
        + 'fact Due: date = 2025-06-30 "[F1]"\n§1 X\n  A must Pay before Due\n§2 Y\n  A must Pay before horizon\n'
    )
    assert [n.before for cl in c.clauses.values() for n in cl.norms] == [d(2025, 6, 30), d(2030, 12, 31)]


def test_prohibition() -> None:
    c = check(PAY + "§1 X\n  A must not Pay(amount > $10B)\n")
    assert only_norm(c) == m.Norm("§1", "must_not", "A", "Pay", op(">", self_arg("amount", USD), usd(10**12)))


def test_permission() -> None:
    c = check(PAY + "§1 X\n  A may Pay(amount: $5)\n")
    assert only_norm(c) == m.Norm("§1", "may", "A", "Pay", op("==", self_arg("amount", USD), usd(500)))


def test_power_of_a_body() -> None:
    c = check(
        HEAD + "party A with body Board\nevent Declare by anyone\n§1 X\n  A.Board has power to Declare\n"
    )
    assert only_norm(c) == m.Norm("§1", "power", "A.Board", "Declare", None)


def test_where_condition_with_bindings_arithmetic_and_logic() -> None:
    c = check(
        HEAD
        + "party A\nkind P = Oracle | Other\n"
        + 'fact Cap: money = $10B "[F1]"\nfact Strict: bool = false "[F2]"\n'
        + "event Buy(amount: money, from: P, share: percent) by A\n"
        + "§1 X\n"
        + "  A must not Buy(amount: a, from: p, share: s) where a + $5 > Cap * 50% and (p == Oracle or not Strict) and s >= 10%\n"
    )
    amount, frm, share = self_arg("amount", USD), self_arg("from", kind("P")), self_arg("share", PERCENT)
    cap = m.FactRef("Cap", USD)
    assert only_norm(c).cond == op(
        "and",
        op(
            "and",
            op(">", op("+", amount, usd(500), t=USD), op("*", cap, const(Fraction(1, 2), PERCENT), t=USD)),
            op("or", op("==", frm, const("Oracle", kind("P"))), op("not", m.FactRef("Strict", BOOL))),
        ),
        op(">=", share, const(Fraction(1, 10), PERCENT)),
    )


def test_where_condition_on_a_state() -> None:
    c = check(PAY + "state Open holds from effective\n§1 X\n  A must not Pay where Open\n")
    assert only_norm(c).cond == m.StateAt("Open", None)


def test_pattern_constraints_are_conjoined_with_where() -> None:
    c = check(
        PAY.replace("Pay(amount: money)", "Pay(amount: money, n: int)")
        + "§1 X\n  A must not Pay(amount: a, n != 3) where a < $1\n"
    )
    assert only_norm(c).cond == op(
        "and", op("!=", self_arg("n", INT), const(3, INT)), op("<", self_arg("amount", USD), usd(100))
    )


def test_number_followed_by_a_comma_in_arguments() -> None:
    c = check(HEAD + "party A\nevent E(n: int, amount: money) by A\n§1 X\n  A must not E(n: 5, amount: $5)\n")
    assert only_norm(c).cond == op(
        "and", op("==", self_arg("n", INT), const(5, INT)), op("==", self_arg("amount", USD), usd(500))
    )


def test_money_followed_by_a_comma_in_a_scenario() -> None:
    node, diags = parse_text(
        'scenario "S" for "c.contract"\n2024-03-01 Pay(amount: $50, to: B) by A\n', "s.scenario"
    )
    assert diags == []
    assert isinstance(node, s.ScenarioFile)
    assert node.events[0].args == (("amount", s.Literal(Money(5000))), ("to", s.NameRef("B")))


def test_grouped_number_followed_by_a_comma() -> None:
    c = check(HEAD + "party A\nevent E(n: int, m: int) by A\n§1 X\n  A must not E(n: 1,000, m: 3)\n")
    assert only_norm(c).cond == op(
        "and", op("==", self_arg("n", INT), const(1000, INT)), op("==", self_arg("m", INT), const(3, INT))
    )


def test_date_plus_duration_is_folded() -> None:
    c = check(HEAD + 'fact Due: date = 2024-01-01 + 10 days "[F1]"\n')
    assert c.facts["Due"].value == const(d(2024, 1, 11), DATE)


# ================================================================= triggers and windows


def test_when_trigger_by_actor_within_days() -> None:
    c = check(
        HEAD
        + "party A\nparty B\n"
        + "event Request(amount: money) by A\nevent Supply(amount: money) by B\n"
        + "§3 Supply\n  when Request(amount: a) by A:\n    B must Supply(amount >= a) within 90 days\n"
    )
    assert only_norm(c) == m.Norm(
        "§3",
        "must",
        "B",
        "Supply",
        op(">=", self_arg("amount", USD), trig_arg("amount", USD)),
        m.Trigger("Request", "A", None),
        90,
        None,
    )


def test_when_trigger_with_where_within_weeks() -> None:
    c = check(
        HEAD
        + "party A\nparty B\n"
        + "event Request(amount: money) by A\nevent Supply by B\n"
        + "§3 Supply\n  when Request(amount: a) where a > $1M: B must Supply within 2 weeks\n"
    )
    norm = only_norm(c)
    assert norm.trigger == m.Trigger("Request", None, op(">", trig_arg("amount", USD), usd(10**8)))
    assert (norm.within, norm.before, norm.cond) == (14, None, None)


def test_when_trigger_with_a_deadline_date() -> None:
    c = check(
        HEAD
        + "party A\nparty B\nevent Ask by A\nevent Answer by B\n§1 X\n  when Ask: B must Answer before 2026-01-01\n"
    )
    norm = only_norm(c)
    assert (norm.trigger, norm.within, norm.before) == (m.Trigger("Ask"), None, d(2026, 1, 1))


# ================================================================= guards


def test_guard_while_from_until_date_until_event() -> None:
    c = check(
        PAYB
        + "event Cancel by B\nstate Open holds from effective\n"
        + "§1 X\n  while Open and not Open\n  from 2024-06-01\n  until 2026-01-01\n  until Cancel\n  A must not Pay\n"
    )
    assert only_clause(c).guards == m.Guards(
        from_day=d(2024, 6, 1),
        until_day=d(2026, 1, 1),
        while_cond=op("and", m.StateAt("Open"), op("not", m.StateAt("Open"))),
        until_events=(m.Trigger("Cancel"),),
    )


def test_guard_from_effective_until_horizon_and_date_fact() -> None:
    c = check(
        PAY
        + 'fact Start: date = 2025-01-01 "[F1]"\n§1 X\n  from Start\n  until horizon\n  A must not Pay\n§2 Y\n  from effective\n  A may Pay\n'
    )
    assert [(x.guards.from_day, x.guards.until_day) for x in c.clauses.values()] == [
        (d(2025, 1, 1), d(2030, 12, 31)),
        (d(2024, 1, 1), None),
    ]


def test_two_while_guards_are_conjoined() -> None:
    c = check(
        PAY
        + "state S holds from effective\nstate R holds from effective\n§1 X\n  while S\n  while R\n  A must not Pay\n"
    )
    assert only_clause(c).guards.while_cond == op("and", m.StateAt("S"), m.StateAt("R"))


def test_until_event_with_pattern() -> None:
    c = check(PAY + "§1 X\n  until Pay(amount > $5)\n  A may Pay\n")
    assert only_clause(c).guards.until_events == (
        m.Trigger("Pay", None, op(">", trig_arg("amount", USD), usd(500))),
    )


# ================================================================= contrary-to-duty, consequences


def test_contrary_to_duty_obligation_and_consequence() -> None:
    c = check(
        PAY
        + "event Refund by A\nstate Good holds from effective\n"
        + "§3 Pay\n  A must Pay before 2025-01-01\n"
        + "§4 Remedy\n  when violation of §3: A must Refund within 10 days\n  violation of §3 ends Good\n"
    )
    remedy = c.clauses["§4"]
    assert remedy.norms == (
        m.Norm("§4", "must", "A", "Refund", None, m.Trigger(violation_of="§3"), 10, None),
    )
    assert remedy.consequences == (m.Consequence("§4", m.Trigger(violation_of="§3"), "ends", "Good"),)


def test_consequences_ends_starts_and_ends_the_contract() -> None:
    c = check(
        HEAD
        + "party A\nparty B\nevent Open by A\nevent Close by B\nevent Quit by anyone\n"
        + "state Live holds from effective\n"
        + "§7 Effects\n  Open starts Live\n  Close by B ends Live\n  Quit ends the contract\n"
    )
    assert only_clause(c).consequences == (
        m.Consequence("§7", m.Trigger("Open"), "starts", "Live"),
        m.Consequence("§7", m.Trigger("Close", "B"), "ends", "Live"),
        m.Consequence("§7", m.Trigger("Quit"), "terminates", None),
    )
    assert c.terminable


def test_consequence_with_a_where_condition() -> None:
    c = check(PAY + "state Live holds from effective\n§1 X\n  Pay(amount: a) where a > $5 ends Live\n")
    (q,) = only_clause(c).consequences
    assert q.trigger == m.Trigger("Pay", None, op(">", trig_arg("amount", USD), usd(500)))


def test_when_trigger_with_an_effect() -> None:
    c = check(PAY + "state Live holds from effective\n§1 X\n  when Pay by A: ends Live\n")
    assert only_clause(c).consequences == (m.Consequence("§1", m.Trigger("Pay", "A"), "ends", "Live"),)


def test_survives_termination() -> None:
    c = check(
        PAYB
        + "event Quit by B\n§1 X\n  survives termination\n  A must not Pay\n§2 Y\n  Quit ends the contract\n"
    )
    assert [x.survives for x in c.clauses.values()] == [True, False]


# ================================================================= exceptions and priorities


def test_exception_to_a_clause() -> None:
    c = check(
        PAY
        + "§2 X\n  A must not Pay\n§2.1 Y\n  exception to §2\n  from 2024-06-01\n  A may Pay(amount <= $10B)\n"
    )
    waiver = c.clauses["§2.1"]
    assert (waiver.exception_to, waiver.prevails_over) == ("§2", ())
    assert waiver.norms == (
        m.Norm("§2.1", "may", "A", "Pay", op("<=", self_arg("amount", USD), usd(10**12))),
    )
    assert c.children("§2") == ("§2.1",)


def test_exceptions_to_exceptions_and_priorities() -> None:
    c = check(
        PAY
        + "§2 Base\n  A must not Pay\n"
        + "§2.1 Small\n  exception to §2\n  A may Pay(amount <= $100)\n"
        + "§2.2 Tiny\n  exception to §2\n  A may Pay(amount <= $1)\n"
        + "§2.3 Odd\n  exception to §2 prevailing over §2.1, §2.2\n  A must not Pay(amount: $50)\n"
        + "§2.1.1 Back\n  exception to §2.1\n  A must not Pay(amount: $99)\n"
    )
    assert {k: (v.exception_to, v.prevails_over) for k, v in c.clauses.items()} == {
        "§2": (None, ()),
        "§2.1": ("§2", ()),
        "§2.2": ("§2", ()),
        "§2.3": ("§2", ("§2.1", "§2.2")),
        "§2.1.1": ("§2.1", ()),
    }
    assert c.children("§2") == ("§2.1", "§2.2", "§2.3")
    assert c.children("§2.1") == ("§2.1.1",)


def test_prevailing_over_on_its_own_line() -> None:
    c = check(
        PAY
        + "§2 Base\n  A must not Pay\n"
        + "§2.1 Small\n  exception to §2\n  A may Pay(amount <= $100)\n"
        + "§2.2 Odd\n  exception to §2\n    prevailing over §2.1\n  A must not Pay(amount: $50)\n"
    )
    assert c.clauses["§2.2"].prevails_over == ("§2.1",)


# ================================================================= checks

CHECKS = (
    HEAD
    + "party A\n"
    + "event Pay(amount: money) by A\nevent Declare by anyone\n"
    + "state Access holds from effective until Declare\n"
    + 'fact Due: date = 2025-01-01 "[F1]"\n'
    + "§2 No pay\n  while Access\n  A must not Pay(amount > $5)\n"
    + "§3 Power\n  A has power to Declare\n"
)


def the_check(src: str) -> m.Check:
    (chk,) = check(CHECKS + src).checks
    return chk


def test_check_modes_ids_and_titles() -> None:
    c = check(
        CHECKS
        + 'check "Pay can happen": possible Pay\n'
        + 'check named "Access at the horizon": always Access on horizon\n'
        + 'check "No big pay": never Pay(amount > $5) and not breach by A\n'
    )
    assert [(x.id, x.title, x.mode) for x in c.checks] == [
        ("pay_can_happen", "Pay can happen", "possible"),
        ("named", "Access at the horizon", "always"),
        ("no_big_pay", "No big pay", "never"),
    ]


def test_check_with_givens() -> None:
    chk = the_check(
        'check c "t":\n  given Declare by A on 2026-03-01\n  given not Pay\n  always not Access on 2027-01-01\n'
    )
    assert chk.givens == (
        m.Happens("Declare", None, "A", False, d(2026, 3, 1), d(2026, 3, 1)),
        op("not", m.Happens("Pay")),
    )
    assert chk.body == op("not", m.StateAt("Access", d(2027, 1, 1)))


def test_check_after_event_scope() -> None:
    chk = the_check('check c "t": always after Pay(amount > $5) by A: not Access\n')
    assert chk.body == m.AfterEvent(
        "Pay", op(">", self_arg("amount", USD), usd(500)), "A", op("not", m.StateAt("Access"))
    )


def test_check_from_until_scope() -> None:
    chk = the_check('check c "t": always from effective until Due: Access\n')
    assert chk.body == m.During(d(2024, 1, 1), d(2025, 1, 1), m.StateAt("Access"))


def test_check_from_until_scope_with_dates_and_horizon() -> None:
    chk = the_check('check c "t": possible from 2024-03-01 until horizon: not Access\n')
    assert chk.body == m.During(d(2024, 3, 1), d(2030, 12, 31), op("not", m.StateAt("Access")))


def test_check_on_scope() -> None:
    chk = the_check('check c "t": possible on 2025-03-01: (Access or breach by A)\n')
    assert chk.body == m.During(
        d(2025, 3, 1), d(2025, 3, 1), op("or", m.StateAt("Access"), m.BreachAtom("A"))
    )


def test_check_scope_body_binds_tighter_than_and_or() -> None:
    # `after E: φ and ψ` scopes φ only (the body of a scope is a negation); write
    # `after E: (φ and ψ)` to scope both.
    chk = the_check('check c "t": always after Pay: not Access and not breach by A\n')
    assert chk.body == op(
        "and", m.AfterEvent("Pay", None, None, op("not", m.StateAt("Access"))), op("not", m.BreachAtom("A"))
    )


def test_check_phi_on_date() -> None:
    chk = the_check('check c "t": possible Access on Due and Pay on 2025-02-01\n')
    assert chk.body == op(
        "and",
        m.StateAt("Access", d(2025, 1, 1)),
        m.Happens("Pay", None, None, False, d(2025, 2, 1), d(2025, 2, 1)),
    )


def test_check_phi_before_and_after_date() -> None:
    chk = the_check('check c "t": never Pay before 2025-01-01 or breach by A after 2026-01-01\n')
    assert chk.body == op(
        "or",
        m.Happens("Pay", None, None, False, None, d(2024, 12, 31)),
        m.BreachAtom("A", None, d(2026, 1, 2), None),
    )


def test_check_breach_forms() -> None:
    chk = the_check(
        'check c "t": possible breach by A and breach of §2 by A and breach of §2 and violation of §2\n'
    )
    assert chk.body == op(
        "and",
        op("and", op("and", m.BreachAtom("A"), m.BreachAtom("A", "§2")), m.BreachAtom(None, "§2")),
        m.BreachAtom(None, "§2"),
    )


def test_check_event_forms() -> None:
    chk = the_check('check c "t": possible Declare implies effective Declare by A and Pay(amount: $3) by A\n')
    assert chk.body == op(
        "implies",
        m.Happens("Declare"),
        op(
            "and",
            m.Happens("Declare", None, "A", True),
            m.Happens("Pay", op("==", self_arg("amount", USD), usd(300)), "A"),
        ),
    )


def test_check_binding_in_an_event_pattern_matches_anything() -> None:
    chk = the_check('check c "t": possible Pay(amount: x)\n')
    assert chk.body == m.Happens("Pay")


def test_check_with_a_fact_comparison() -> None:
    chk = the_check('check c "t": always Due > 2024-06-01\n')
    assert chk.body == op(">", m.FactRef("Due", DATE), const(d(2024, 6, 1), DATE))


# ================================================================= scenario files

SCENARIO_CONTRACT = (
    HEAD
    + "party A with body Board\nparty B\n"
    + "kind P = X | Y\n"
    + "fact Cap: money\n"
    + "event Pay(amount: money, via: P) by A\nevent Ask by B\nevent Declare by anyone\n"
    + "§1 X\n  A must not Pay(amount > Cap)\n  A.Board has power to Declare\n"
    + "§2 Y\n  when Ask: A must Pay within 30 days\n"
)


def test_scenario_file_parses() -> None:
    node, diags = parse_text(
        'scenario "S" for "c.contract"\nfact Cap = $5\n2024-03-01 Pay(via: X, amount: $2) by A\n2024-03-02 Ask\n',
        "s.scenario",
    )
    assert diags == []
    assert node == s.ScenarioFile(
        "S",
        "c.contract",
        (s.ScenarioFact("Cap", s.Literal(Money(500))),),
        (
            s.ScenarioEvent(
                date(2024, 3, 1),
                "Pay",
                (("via", s.NameRef("X")), ("amount", s.Literal(Money(200)))),
                s.Actor("A"),
            ),
            s.ScenarioEvent(date(2024, 3, 2), "Ask"),
        ),
    )


def test_scenario_resolves_against_its_contract(tmp_path: Path) -> None:
    (tmp_path / "c.contract").write_text(SCENARIO_CONTRACT, encoding="utf-8")
    (tmp_path / "s.scenario").write_text(
        'scenario "S" for "c.contract"\n'
        "fact Cap = $5\n"
        "2024-03-02 Ask\n"
        "2024-03-01 Pay(via: X, amount: $2) by A\n"
        "2024-03-01 Declare by A.Board\n",
        encoding="utf-8",
    )
    scenario, contract, diags = load_scenario(str(tmp_path / "s.scenario"), Sources())
    assert diags == []
    assert contract is not None and contract.title == "T"
    assert scenario is not None
    assert scenario.title == "S"
    assert scenario.facts == {"Cap": Money(500)}
    assert scenario.events == (
        Occurrence(d(2024, 3, 1), "Pay", "A", (("amount", Money(200)), ("via", "X")), 1),
        Occurrence(d(2024, 3, 1), "Declare", "A.Board", (), 2),
        Occurrence(d(2024, 3, 2), "Ask", "B", (), 0),
    )


def test_scenario_needs_an_actor_when_several_can_act(tmp_path: Path) -> None:
    (tmp_path / "c.contract").write_text(SCENARIO_CONTRACT, encoding="utf-8")
    (tmp_path / "s.scenario").write_text(
        'scenario "S" for "c.contract"\n2024-03-01 Declare\n', encoding="utf-8"
    )
    _, _, diags = load_scenario(str(tmp_path / "s.scenario"), Sources())
    assert [(x.code, x.span.line, x.message) for x in diags] == [
        ("wrong-actor", 2, "say who performs Declare: it can be done by anyone")
    ]


def test_scenario_cannot_change_a_fixed_fact(tmp_path: Path) -> None:
    (tmp_path / "c.contract").write_text(
        SCENARIO_CONTRACT.replace("fact Cap: money", "fact Cap: money = $5"), encoding="utf-8"
    )
    (tmp_path / "s.scenario").write_text('scenario "S" for "c.contract"\nfact Cap = $6\n', encoding="utf-8")
    _, _, diags = load_scenario(str(tmp_path / "s.scenario"), Sources())
    assert [(x.code, x.span.line, x.span.col) for x in diags] == [("type-mismatch", 2, 1)]


# ================================================================= amendment files

AMEND_BASE = (
    HEAD
    + "party A\nparty B\nevent Pay(amount: money) by A\nevent Ask by B\n"
    + "§1 Cap\n  A must not Pay(amount > $5)\n"
    + "§2 Ask\n  when Ask: A must Pay within 10 days\n"
    + 'check small "Small pay is fine": possible Pay(amount <= $5) and not breach by A\n'
)


def test_amendment_file_parses() -> None:
    node, diags = parse_text(
        'amendment "Raise" to "base.contract"\n'
        "add party C\n"
        "replace §1 Cap\n  A must not Pay(amount > $50)\n"
        'remove §2\nremove event Ask\nremove check small\nremove check "Small pay is fine"\n',
        "a.amendment",
    )
    assert diags == []
    assert isinstance(node, s.AmendmentFile)
    assert (node.title, node.contract) == ("Raise", "base.contract")
    assert [(x.action, x.target_kind, x.target, type(x.item).__name__) for x in node.changes] == [
        ("add", None, None, "PartyDecl"),
        ("replace", None, None, "Clause"),
        ("remove", "clause", "§2", "NoneType"),
        ("remove", "event", "Ask", "NoneType"),
        ("remove", "check", "small", "NoneType"),
        ("remove", "check", "Small pay is fine", "NoneType"),
    ]


def test_amendment_add_replace_remove_applies_to_the_base() -> None:
    base, _ = parse_text(AMEND_BASE, "base.contract")
    amendment, diags = parse_text(
        'amendment "Raise" to "base.contract"\n'
        "replace §1 Cap\n  A must not Pay(amount > $50)\n"
        "remove §2\nremove event Ask\nremove party B\n"
        'remove check "Small pay is fine"\n'
        "add event Refund by A\n"
        "add §3 Refunds\n  A may Refund\n",
        "a.amendment",
    )
    assert diags == []
    assert isinstance(base, s.ContractFile) and isinstance(amendment, s.AmendmentFile)
    amended, adiags = apply_amendment(base, amendment)
    assert adiags == [] and amended is not None
    c, cdiags = check_node(amended, "a.amendment")
    assert cdiags == [] and c is not None
    assert list(c.clauses) == ["§1", "§3"]
    assert c.clauses["§1"].norms == (
        m.Norm("§1", "must_not", "A", "Pay", op(">", self_arg("amount", USD), usd(5000))),
    )
    assert c.clauses["§3"].norms == (m.Norm("§3", "may", "A", "Refund", None),)
    assert set(c.events) == {"Pay", "Refund"} and set(c.parties) == {"A"}
    assert c.checks == ()
    again, _ = parse_text(AMEND_BASE, "base.contract")
    assert isinstance(again, s.ContractFile) and base.items == again.items  # the base is not modified


def test_amendment_changes_apply_in_order_by_name_and_title() -> None:
    """Each change sees the ones before it: a check renamed by `replace` is found
    by its new title only, a removed clause can be added again (at the end), and
    one removed twice is missing the second time."""
    base, _ = parse_text(AMEND_BASE, "base.contract")
    amendment, diags = parse_text(
        'amendment "Order" to "base.contract"\n'
        'replace check small "Any pay is possible":\n  possible Pay\n'
        'remove check "Small pay is fine"\n'
        "remove §1\n"
        "add §1 Cap again\n  A may Pay\n"
        "remove §2\nremove §2\n",
        "a.amendment",
    )
    assert diags == []
    assert isinstance(base, s.ContractFile) and isinstance(amendment, s.AmendmentFile)
    amended, adiags = apply_amendment(base, amendment)
    assert [(d.code, d.message) for d in adiags] == [
        ("amend-missing-target", "the contract has no check Small pay is fine to remove"),
        ("amend-missing-target", "the contract has no clause §2 to remove"),
    ]
    assert amended is None
    fixed, _ = parse_text(
        'amendment "Order" to "base.contract"\n'
        'replace check small "Any pay is possible":\n  possible Pay\n'
        'remove check "Any pay is possible"\n'
        "remove §1\nadd §1 Cap again\n  A may Pay\n",
        "a.amendment",
    )
    assert isinstance(fixed, s.AmendmentFile)
    amended, adiags = apply_amendment(base, fixed)
    assert adiags == [] and amended is not None
    assert [(s.decl_kind(i), s.decl_name(i)) for i in amended.items][-2:] == [
        ("clause", "§2"),
        ("clause", "§1"),
    ]


def test_amendment_loaded_from_files(tmp_path: Path) -> None:
    (tmp_path / "base.contract").write_text(AMEND_BASE, encoding="utf-8")
    (tmp_path / "a.amendment").write_text(
        'amendment "Raise" to "base.contract"\nreplace §1 Cap\n  A must not Pay(amount > $50)\n',
        encoding="utf-8",
    )
    loaded = load_contract(str(tmp_path / "a.amendment"), Sources())
    assert loaded.ok, loaded.diagnostics
    assert loaded.contract is not None
    assert loaded.contract.clauses["§1"].norms[0].cond == op(">", self_arg("amount", USD), usd(5000))


# ================================================================= negative: types


def test_money_compared_with_a_date() -> None:
    assert errors(PAYB + "§1 X\n  A must not Pay(amount: a) where a > 2025-01-01\n") == [
        ("type-mismatch", 6, 35, "`>` cannot combine money (USD) with date")
    ]


def test_money_in_usd_compared_with_eur() -> None:
    assert errors(PAYB + "§1 X\n  A must not Pay(amount > EUR 5)\n") == [
        ("type-mismatch", 6, 27, "argument `amount` of Pay expects money (USD), but this is money (EUR)")
    ]


def test_money_in_usd_added_to_eur() -> None:
    assert errors(PAYB + "§1 X\n  A must not Pay(amount: a) where a + EUR 5 > $1\n") == [
        ("type-mismatch", 6, 35, "`+` cannot combine money (USD) with money (EUR)")
    ]


def test_fact_value_of_the_wrong_type() -> None:
    assert errors(HEAD + 'fact Cap: money = 2025-01-01 "[F1]"\n') == [
        ("type-mismatch", 2, 19, "fact Cap expects money (USD), but this is date")
    ]


def test_within_years_is_unsupported() -> None:
    assert errors(PAYB + "event Ask by B\n§1 X\n  when Ask: A must Pay within 2 years\n") == [
        ("unsupported", 7, 3, "`within 2 years` counts calendar units from a varying date")
    ]


def test_within_months_is_unsupported() -> None:
    assert errors(PAYB + "event Ask by B\n§1 X\n  when Ask: A must Pay within 1 month\n") == [
        ("unsupported", 7, 3, "`within 1 month` counts calendar units from a varying date")
    ]


def test_calendar_duration_as_a_value_is_unsupported() -> None:
    assert errors(HEAD + 'fact Grace: duration = 2 months "[F1]"\n') == [
        (
            "unsupported",
            2,
            24,
            "`2 months` is a calendar duration; only days and weeks can be counted exactly here",
        )
    ]


def test_within_without_a_trigger() -> None:
    assert errors(PAYB + "§1 X\n  A must Pay within 10 days\n") == [
        ("missing-window", 6, 3, "`within` counts from a trigger, and this obligation has none")
    ]


def test_product_of_two_variables() -> None:
    src = (
        PAYB.replace("Pay(amount: money)", "Pay(amount: money, n: int)")
        + "§1 X\n  A must not Pay(amount: a, n: k) where a * k > $5\n"
    )
    assert errors(src) == [("unsupported", 6, 41, "a product of two values that both vary is not linear")]


def test_product_with_a_constant_is_fine() -> None:
    src = (
        PAYB.replace("Pay(amount: money)", "Pay(amount: money, n: int)")
        + "§1 X\n  A must not Pay(amount: a, n: k) where a * 2 > $5 and k * 3 > 1\n"
    )
    assert errors(src) == []


def test_ordering_kind_members() -> None:
    src = (
        HEAD + "party A\nkind P = X | Y\nevent Buy(via: P) by A\n§1 X\n  A must not Buy(via: v) where v < X\n"
    )
    assert errors(src) == [("type-mismatch", 6, 32, "P values cannot be ordered with `<`")]


def test_not_of_a_number() -> None:
    assert errors(PAYB + "§1 X\n  A must not Pay(amount: a) where not a\n") == [
        ("type-mismatch", 6, 39, "`not` needs a condition")
    ]


def test_where_condition_must_be_a_condition() -> None:
    assert errors(PAYB + "§1 X\n  A must not Pay(amount: a) where a\n") == [
        ("type-mismatch", 6, 35, "a condition is expected here")
    ]


# ================================================================= negative: names and kinds


def test_event_where_a_state_is_expected() -> None:
    assert errors(PAYB + "event Ask by B\n§1 X\n  while Ask\n  A must not Pay\n") == [
        ("wrong-kind", 7, 9, "`Ask` is an event; a value or a state is expected here")
    ]


def test_state_where_an_event_is_expected() -> None:
    assert errors(PAYB + "state S holds from effective\n§1 X\n  A must not S\n") == [
        ("wrong-kind", 7, 14, "`S` is a state, not an event")
    ]


def test_state_without_a_date_in_a_check() -> None:
    assert errors(PAYB + 'state S holds from effective\n§1 X\n  A must not Pay\ncheck c "t": always S\n') == [
        ("missing-window", 8, 21, "state `S` needs a date here")
    ]


def test_state_before_a_date_in_a_check_still_needs_a_day() -> None:
    assert errors(
        PAYB
        + 'state S holds from effective\n§1 X\n  A must not Pay\ncheck c "t": possible S before 2025-01-01\n'
    ) == [("missing-window", 8, 23, "state `S` needs a date here")]


def test_undefined_party_and_body() -> None:
    assert errors(PAYB + "§1 X\n  C must not Pay\n§2 Y\n  A.Board must not Pay\n") == [
        ("undefined-name", 6, 3, "party `C` is not declared"),
        ("undefined-name", 8, 3, "A has no body `Board`"),
    ]


def test_undefined_type() -> None:
    assert errors(HEAD + "party A\nevent Pay(amount: dollars) by A\n§1 X\n  A must not Pay\n") == [
        ("undefined-name", 3, 19, "type `dollars` is not declared")
    ]


def test_builtin_type_cannot_be_redeclared() -> None:
    assert errors(HEAD + "kind money = A | B\n") == [
        ("duplicate-name", 2, 1, "`money` is a built-in type and cannot be redeclared")
    ]


def test_duplicate_clause_id() -> None:
    assert errors(PAYB + "§1 X\n  A must not Pay\n§1 Y\n  A may Pay\n") == [
        ("duplicate-name", 7, 1, "clause `§1` is declared twice")
    ]


def test_event_in_a_where_condition() -> None:
    assert errors(PAYB + "event Ask by B\n§1 X\n  A must not Pay where Ask(\n)\n") == [
        ("unsupported", 7, 24, "an event cannot be used in a `where` or `while` condition")
    ]


def test_breach_of_a_missing_clause_in_a_check() -> None:
    assert errors(PAYB + '§1 X\n  A must not Pay\ncheck c "t": possible breach of §9 by A\n') == [
        ("undefined-clause", 7, 23, "there is no clause §9")
    ]


# ================================================================= negative: structure


def test_exception_to_a_missing_clause() -> None:
    assert errors(PAYB + "§2 X\n  A must not Pay\n§2.1 Y\n  exception to §3\n  A may Pay\n") == [
        ("undefined-clause", 7, 1, "§2.1 is an exception to §3, which does not exist")
    ]


def test_cyclic_priorities() -> None:
    src = (
        PAYB
        + "§2 X\n  A must not Pay\n"
        + "§2.1 Y\n  exception to §2 prevailing over §2.2\n  A may Pay(amount <= $5)\n"
        + "§2.2 Z\n  exception to §2 prevailing over §2.1\n  A may Pay(amount <= $9)\n"
    )
    assert errors(src) == [
        ("exception-cycle", 7, 1, "these priorities form a cycle: §2.1 prevails over §2.2 prevails over §2.1")
    ]


def test_cyclic_exceptions() -> None:
    src = PAYB + "§1 X\n  exception to §2\n  A may Pay\n§2 Y\n  exception to §1\n  A must not Pay\n"
    assert [e[:3] for e in errors(src)][0] == ("exception-cycle", 5, 1)


def test_exception_about_a_different_event() -> None:
    src = PAYB + "event Ask by B\n§2 X\n  A must not Pay\n§2.1 Y\n  exception to §2\n  B may Ask\n"
    assert errors(src) == [
        ("exception-mismatch", 8, 1, "§2.1 is an exception to §2, but they are not about the same act")
    ]


def test_exception_about_a_party_its_parent_does_not_bind() -> None:
    """The parent `A must not Pay` and the exception `B may Pay`: no act is
    covered by both, so the exception never applies."""
    src = (
        HEAD
        + "party A\nparty B\nevent Pay by A or B\n§2 X\n  A must not Pay\n§2.1 Y\n  exception to §2\n  B may Pay\n"
    )
    assert errors(src) == [
        ("exception-mismatch", 9, 3, "§2.1 is an exception to §2, but §2 is not about Pay by B")
    ]
    node, _ = parse_text(src, FILE)
    assert isinstance(node, s.ContractFile)
    (d,) = [x for x in check_node(node, FILE)[1] if x.code == "exception-mismatch"]
    assert (d.expected, d.found) == ("a `may` or `must not` about Pay by A", "Pay by B")
    assert d.hint == (
        "an exception only changes how §2 rules on the acts it covers; make it about A, or give it a clause of its own"
    )


def test_exception_about_a_party_and_its_bodies() -> None:
    """A party's norm covers its bodies' acts: an exception for a body of the
    parent's party, or for the party of the parent's body, is about acts its
    parent rules on. Along a tree, what an exception covers is what every clause
    above it covers: under `A.B`'s rule and `A`'s exception, `A.C` is not."""
    head = HEAD + "party A with bodies B, C\nevent Pay by A or A.B or A.C\n"
    ok = head + "§2 X\n  A must not Pay\n§2.1 Y\n  exception to §2\n  A.B may Pay\n"
    assert errors(ok) == []
    ok = head + "§2 X\n  A.B must not Pay\n§2.1 Y\n  exception to §2\n  A may Pay\n"
    assert errors(ok) == []
    bad = ok + "§2.1.1 Z\n  exception to §2.1\n  A.C must not Pay\n"
    assert errors(bad) == [
        ("exception-mismatch", 11, 3, "§2.1.1 is an exception to §2.1, but §2.1 is not about Pay by A.C")
    ]


def test_exception_partly_about_another_act() -> None:
    src = (
        PAYB + "event Ask by B\n§2 X\n  A must not Pay\n§2.1 Y\n  exception to §2\n  A may Pay\n  B may Ask\n"
    )
    assert errors(src) == [
        ("exception-mismatch", 11, 3, "§2.1 is an exception to §2, but §2 is not about Ask")
    ]


def test_priority_over_a_clause_that_is_not_a_sibling() -> None:
    src = (
        PAYB
        + "§2 X\n  A must not Pay\n§2.1 Y\n  exception to §2 prevailing over §3\n  A may Pay\n§3 Z\n  A may Pay\n"
    )
    assert errors(src) == [
        ("bad-priority", 7, 1, "§2.1 can only prevail over another exception to §2; §3 is not one")
    ]


def test_exception_holding_an_obligation() -> None:
    src = (
        PAYB
        + "§2 X\n  A must not Pay\n§2.1 Y\n  exception to §2\n  A may Pay\n  A must Pay before 2025-01-01\n"
    )
    assert [e[:3] for e in errors(src)] == [("unsupported", 10, 3)]


def test_when_trigger_on_a_prohibition() -> None:
    assert errors(PAYB + "event Ask by B\n§1 X\n  when Ask: A must not Pay\n") == [
        ("unsupported", 7, 3, "a `when` trigger on a prohibition is not supported")
    ]


def test_violation_triggers_in_a_cycle() -> None:
    src = (
        PAYB
        + "§1 X\n  when violation of §2: A must Pay within 5 days\n§2 Y\n  when violation of §1: A must Pay within 5 days\n"
    )
    assert errors(src) == [
        ("exception-cycle", 5, 1, "violations trigger each other in a cycle: §1 -> §2 -> §1")
    ]


def test_wrong_actor_for_a_norm() -> None:
    assert errors(PAYB + "§1 X\n  B must not Pay\n") == [
        ("wrong-actor", 6, 3, "B cannot perform Pay: the event is declared `by A`")
    ]


def test_clause_that_ends_before_it_starts() -> None:
    assert errors(PAYB + "§1 X\n  from 2026-01-01\n  until 2025-01-01\n  A must not Pay\n") == [
        ("out-of-period", 5, 1, "clause §1 ends before it starts")
    ]


def test_period_in_a_check_that_ends_before_it_starts() -> None:
    src = (
        PAYB
        + 'state S holds from effective\n§1 X\n  A must not Pay\ncheck c "t": always from 2026-01-01 until 2025-01-01: S\n'
    )
    assert errors(src) == [("out-of-period", 8, 21, "this period ends before it starts")]


def test_nested_time_scopes() -> None:
    src = (
        PAYB
        + 'state S holds from effective\n§1 X\n  A must not Pay\ncheck c "t": always after Pay: on 2025-01-01: S\n'
    )
    assert errors(src) == [("unsupported", 8, 32, "time scopes cannot be nested")]


def test_event_inside_a_time_scope() -> None:
    src = PAYB + '§1 X\n  A must not Pay\ncheck c "t": possible from effective until horizon: Pay\n'
    assert errors(src) == [("unsupported", 7, 53, "an event inside a time scope is not supported")]


# ================================================================= bugs found (xfail until fixed)


def test_bug_wrong_actor_in_a_consequence_trigger() -> None:
    src = PAYB + "state S holds from effective\n§1 X\n  Pay by B ends S\n"
    assert [e[:3] for e in errors(src)] == [("wrong-actor", 7, 10)]


def test_bug_wrong_actor_in_a_when_trigger() -> None:
    src = PAYB + "event Ask by B\n§1 X\n  when Ask by A: A must Pay within 5 days\n"
    assert [e[:3] for e in errors(src)] == [("wrong-actor", 7, 15)]


def test_bug_wrong_actor_in_a_check() -> None:
    src = PAYB + '§1 X\n  A must not Pay\ncheck c "t": possible Pay by B\n'
    assert [e[:3] for e in errors(src)] == [("wrong-actor", 7, 30)]


def test_bug_state_used_as_a_date() -> None:
    src = PAYB + "state S holds from effective\n§1 X\n  A must Pay before S\n"
    assert errors(src) == [("wrong-kind", 7, 21, "`S` is a state, not a date")]


def test_bug_articles_in_messages() -> None:
    src = PAYB + "event Ask by B\n§1 X\n  Pay ends Ask\n§2 Y\n  Ask must not Pay\n"
    msgs = [e[3] for e in errors(src)]
    assert msgs == ["`Ask` is an event, not a state", "`Ask` is an event, not a party"]


def test_bug_article_for_an_obligation_in_an_exception() -> None:
    src = (
        PAYB
        + "§2 X\n  A must not Pay\n§2.1 Y\n  exception to §2\n  A may Pay\n  A must Pay before 2025-01-01\n"
    )
    assert errors(src)[0][3] == "exception §2.1 holds an obligation; exceptions may only permit or forbid"


def test_bug_clause_prevailing_over_itself() -> None:
    src = PAYB + "§2 X\n  A must not Pay\n§2.1 Y\n  exception to §2 prevailing over §2.1\n  A may Pay\n"
    assert errors(src) == [("bad-priority", 7, 1, "§2.1 cannot prevail over itself")]


def test_bug_exception_cycle_is_reported_once() -> None:
    src = PAYB + "§1 X\n  exception to §2\n  A may Pay\n§2 Y\n  exception to §1\n  A must not Pay\n"
    assert [e[0] for e in errors(src)] == ["exception-cycle"]


@pytest.mark.xfail(
    strict=True, reason="bug: `exception to §3` (missing) is located at the clause head, not at the reference"
)
def test_bug_missing_exception_target_is_located_at_the_reference() -> None:
    src = PAYB + "§2 X\n  A must not Pay\n§2.1 Y\n  exception to §3\n  A may Pay\n"
    assert [e[:3] for e in errors(src)] == [("undefined-clause", 8, 16)]


def test_bug_scenario_argument_given_twice(tmp_path: Path) -> None:
    (tmp_path / "c.contract").write_text(SCENARIO_CONTRACT, encoding="utf-8")
    (tmp_path / "s.scenario").write_text(
        'scenario "S" for "c.contract"\n2024-03-01 Pay(via: X , amount: $1 , amount: $2) by A\n',
        encoding="utf-8",
    )
    _, _, diags = load_scenario(str(tmp_path / "s.scenario"), Sources())
    assert [x.code for x in diags] == ["duplicate-name"]


@pytest.mark.xfail(
    strict=True,
    reason="bug: undefined-argument in a scenario points at the value, not at the argument's name",
)
def test_bug_scenario_undefined_argument_points_at_the_name(tmp_path: Path) -> None:
    (tmp_path / "c.contract").write_text(SCENARIO_CONTRACT, encoding="utf-8")
    (tmp_path / "s.scenario").write_text(
        'scenario "S" for "c.contract"\n2024-03-01 Pay(via: X , amount: $1 , extra: $2) by A\n',
        encoding="utf-8",
    )
    _, _, diags = load_scenario(str(tmp_path / "s.scenario"), Sources())
    assert [(x.code, x.span.line, x.span.col) for x in diags] == [("undefined-argument", 2, 38)]


def test_bug_product_with_a_fact_that_has_a_value() -> None:
    src = PAY + 'fact Share: percent = 50% "[F1]"\n§1 X\n  A must not Pay(amount: a) where a * Share > $5\n'
    c = check(src)
    assert only_norm(c).cond == op(
        ">", op("*", self_arg("amount", USD), m.FactRef("Share", PERCENT), t=USD), usd(500)
    )


def test_bug_fact_value_from_another_fact() -> None:
    c = check(HEAD + 'fact Base: money = $10 "[F1]"\nfact Twice: money = Base * 2 "[F1]"\n')
    assert c.facts["Twice"].value == usd(2000)
