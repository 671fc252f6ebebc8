"""The canonical formatter (``dsl.format``): exact layouts of small inline
files, the shipped contract and example scenarios as fixed points or round
trips, expression brackets, literals, comments, atomic writes, and Hypothesis
round trips over files drawn from the grammar (``tests/strategies.py``)."""

from __future__ import annotations

import io
import re
from collections import Counter
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lark import Lark, Token

from dsl import syntax as s
from dsl.format import format_expr, format_node, format_source
from dsl.literals import parse_money
from dsl.parse import GRAMMAR, parse_text
from tests import ROOT, strategies
from verifier.cli import main

SHIPPED = ROOT / "contracts" / "openai_microsoft.contract"
SHIPPED_FILES = sorted(
    p
    for folder in ("contracts", "examples")
    for p in (ROOT / folder).glob("**/*")
    if p.suffix in (".contract", ".scenario", ".amendment")
)


# ----------------------------------------------------------------- helpers


def parse(text: str) -> s.SourceFile:
    node, diags = parse_text(text)
    assert not diags, [f"{d.span}: {d.message}" for d in diags]
    assert node is not None
    return node


def fmt(text: str) -> str:
    out, diags = format_source(text)
    assert out is not None, [f"{d.span}: {d.message}" for d in diags]
    return out


# Comments, read independently of the formatter: Lark hands every ignored
# COMMENT token to a callback, and a clause heading carries its own comment.
_found: list[str] = []


# A heading is `§N Title [facts]`, then maybe a comment (dsl.build.HEAD_RE).
_HEAD = re.compile(r"§[ \t]*[0-9]+(?:\.[0-9]+)*[a-z]?[^\[#]*(?:\[[^\]]*\])?[ \t]*(?P<comment>#.*)?$")


def _head_comment(tok: Token) -> Token:
    m = _HEAD.match(str(tok))
    if m is not None and m.group("comment"):
        _found.append(m.group("comment").rstrip())
    return tok


_COMMENT_LEXER = Lark(
    GRAMMAR.read_text(encoding="utf-8"),
    parser="lalr",
    lexer_callbacks={"COMMENT": lambda t: _found.append(str(t).rstrip()), "CLAUSE_HEAD": _head_comment},
)


def comments(text: str) -> Counter[str]:
    _found.clear()
    _COMMENT_LEXER.parse(text)
    return Counter(_found)


def contract(body: str) -> str:
    return 'contract "t" effective 2024-01-01\n' + body


def check_body(text: str) -> s.Expr:
    node = parse(contract(f'check "c": possible {text}\n'))
    assert isinstance(node, s.ContractFile) and isinstance(node.items[0], s.Check)
    return node.items[0].body


def where_cond(text: str) -> s.Expr:
    node = parse(contract(f"§1 T\n  A may F where {text}\n"))
    assert isinstance(node, s.ContractFile)
    clause = node.items[0]
    assert isinstance(clause, s.Clause) and isinstance(clause.statements[0], s.Norm)
    cond = clause.statements[0].where
    assert cond is not None
    return cond


# ----------------------------------------------------------------- the shipped files


def assert_tidy(out: str) -> None:
    """No trailing blanks, no run of blank lines, one line break at the end."""
    assert out.endswith("\n") and not out.endswith("\n\n") and not out.startswith("\n")
    assert "\n\n\n" not in out
    assert all(line == line.rstrip() for line in out.split("\n"))


def test_shipped_contract_round_trips_and_keeps_its_comments() -> None:
    text = SHIPPED.read_text(encoding="utf-8")
    out = fmt(text)
    assert parse(out) == parse(text)
    assert fmt(out) == out
    assert comments(text) and comments(out) == comments(text)
    assert_tidy(out)


@pytest.mark.parametrize("path", SHIPPED_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_shipped_file_round_trips(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    out = fmt(text)
    assert parse(out) == parse(text)
    assert fmt(out) == out
    assert comments(out) == comments(text)


# ----------------------------------------------------------------- exact layouts

MESSY = """\
# Messy, but valid.
contract "Messy \\"deal\\""   effective 2024-01-01 horizon 2030-12-31 currency   USD
party Buyer party Seller "the seller" with bodies Board, Audit   # sellers' bodies
kind Region = North|South fact Cap: money = $10,000,000 "the cap"
fact Share: percent = 12.5%   event Pay(amount: money, to: Region) by Buyer or Seller.Board
    "a payment"
state Active holds from effective until Terminate
event Terminate by anyone
§1    Payment    [F1,F2]   # the main duty
   when Pay(amount: a) by Buyer where a > Cap or a == 0 and not Active:
Seller must Pay(amount <= a, to: North) within 30 days  # thirty
  text "Pay
        promptly"
 # not from the south
  Buyer must not Pay(to: South)   from 2024-06-01
§2 Ending
  violation of §1 ends Active  Terminate ends the contract survives termination
check cap "cap holds": given not breach by Buyer
always (Pay(amount: a) and a > $10M) implies breach of §1 by Buyer on horizon
# the end
"""

MESSY_FORMATTED = """\
# Messy, but valid.
contract "Messy \\"deal\\""
  effective 2024-01-01
  horizon 2030-12-31
  currency USD

party Buyer
party Seller "the seller" with bodies Board, Audit  # sellers' bodies

kind Region = North | South

fact Cap: money = $10,000,000 "the cap"
fact Share: percent = 12.5%

event Pay(amount: money, to: Region) by Buyer or Seller.Board
  "a payment"

state Active holds from effective until Terminate

event Terminate by anyone

§1 Payment [F1, F2]  # the main duty
  text "Pay
        promptly"
  from 2024-06-01
  when Pay(amount: a) by Buyer where a > Cap or a == 0 and not Active:
    Seller must Pay(amount <= a, to: North) within 30 days  # thirty
  # not from the south
  Buyer must not Pay(to: South)

§2 Ending
  survives termination
  violation of §1 ends Active
  Terminate ends the contract

check cap "cap holds":
  given not breach by Buyer
  always Pay(amount: a) and a > $10M implies breach of §1 by Buyer on horizon

# the end
"""


def test_messy_contract_formats_to_the_canonical_layout() -> None:
    assert fmt(MESSY) == MESSY_FORMATTED
    assert_tidy(MESSY_FORMATTED)
    assert parse(MESSY_FORMATTED) == parse(MESSY)
    assert fmt(MESSY_FORMATTED) == MESSY_FORMATTED
    assert comments(MESSY_FORMATTED) == comments(MESSY)


def test_currency_other_than_usd_is_kept() -> None:
    out = fmt('contract "t" effective 2024-01-01 currency EUR fact F: money = €5')
    assert out == 'contract "t"\n  effective 2024-01-01\n  currency EUR\n\nfact F: money = €5\n'


def test_currency_usd_is_printed_only_when_written() -> None:
    assert fmt('contract "t" effective 2024-01-01 currency  USD') == (
        'contract "t"\n  effective 2024-01-01\n  currency USD\n'
    )
    node = parse('contract "t" effective 2024-01-01 currency USD')
    assert (
        fmt('contract "t" effective 2024-01-01')
        == format_node(node)
        == 'contract "t"\n  effective 2024-01-01\n'
    )


SCENARIO = """\
scenario "Two payments"   for "../contracts/x.contract"
2024-07-01 Pay(amount: $5 , to: North) by Buyer   # first
fact Cap = $10M
2024-08-01 Pay(amount: $1,250.50, to: South) by Seller.Board
2024-09-01 Terminate()
"""

SCENARIO_FORMATTED = """\
scenario "Two payments"
  for "../contracts/x.contract"

fact Cap = $10M

2024-07-01 Pay(amount: $5, to: North) by Buyer  # first
2024-08-01 Pay(amount: $1,250.50, to: South) by Seller.Board
2024-09-01 Terminate
"""


def test_scenario_round_trips() -> None:
    assert fmt(SCENARIO) == SCENARIO_FORMATTED
    assert parse(SCENARIO_FORMATTED) == parse(SCENARIO)
    assert fmt(SCENARIO_FORMATTED) == SCENARIO_FORMATTED


AMENDMENT = """\
amendment "Raise the cap" to "x.contract"
replace fact Cap: money = $20M "the cap"
remove §2
# a new duty
add §3 Notice [F9]
  Seller must Notify within 2 weeks
remove event Terminate remove check cap remove check "cap holds"
add party Auditor add party Reviewer
"""

AMENDMENT_FORMATTED = """\
amendment "Raise the cap"
  to "x.contract"

replace fact Cap: money = $20M "the cap"

remove §2

# a new duty
add §3 Notice [F9]
  Seller must Notify within 2 weeks

remove event Terminate
remove check cap
remove check "cap holds"

add party Auditor
add party Reviewer
"""


def test_amendment_round_trips() -> None:
    assert fmt(AMENDMENT) == AMENDMENT_FORMATTED
    assert parse(AMENDMENT_FORMATTED) == parse(AMENDMENT)
    assert fmt(AMENDMENT_FORMATTED) == AMENDMENT_FORMATTED


def test_syntax_errors_give_diagnostics_not_text() -> None:
    out, diags = format_source(contract("party\n"), "bad.contract")
    assert out is None
    assert [d.code for d in diags] == ["syntax-unexpected-end"]


def test_a_bad_literal_is_not_printed_as_its_placeholder() -> None:
    out, diags = format_source(contract("fact D: date = 2024-02-30\n"))
    assert out is None
    assert [d.code for d in diags] == ["bad-literal"]


def test_format_node_prints_without_source() -> None:
    node = parse(MESSY)
    assert parse(format_node(node)) == node
    assert "#" not in format_node(node)


# ----------------------------------------------------------------- comments


def test_comments_inside_a_clause_stay_in_order_and_on_their_statement() -> None:
    text = contract(
        "§1 T\n"
        "  # one\n"
        "  A may F  # on F\n"
        "  # two\n"
        "  # three\n"
        "  when G:  # on the when line\n"
        "    # inside when\n"
        "    B must H within 2 days\n"
        "  A must not\n"
        "    K  # on K\n"
    )
    assert fmt(text) == (
        'contract "t"\n'
        "  effective 2024-01-01\n"
        "\n"
        "§1 T\n"
        "  # one\n"
        "  A may F  # on F\n"
        "  # two\n"
        "  # three\n"
        "  # inside when\n"
        "  when G:\n"
        "    B must H within 2 days  # on the when line\n"
        "  A must not K  # on K\n"
    )


def test_several_trailing_comments_on_one_statement() -> None:
    text = contract("party A  # a\n  with  # b\n  body B  # c\n")
    out = fmt(text)
    assert out.endswith("\n# a\n# b\nparty A with body B  # c\n")
    assert fmt(out) == out


def test_a_clause_heading_comment_is_kept_on_the_heading() -> None:
    out = fmt(contract("§2   Title   # about §2 [not facts]\n  A may F\n"))
    assert "§2 Title  # about §2 [not facts]\n  A may F\n" in out


@pytest.mark.parametrize(
    ("written", "printed"),
    [
        # a comment inside an amendment's or scenario's header stays in the
        # header, not on the first change (fuzz, seed 0)
        (
            'amendment\n"a" to\n# c\n"x.contract" remove party A\n',
            'amendment "a"\n  # c\n  to "x.contract"\n\nremove party A\n',
        ),
        (
            'scenario "s" for  # c\n "x.contract"\n2024-01-01 Pay\n',
            'scenario "s"\n  for "x.contract"  # c\n\n2024-01-01 Pay\n',
        ),
        # a comment before `currency USD` stays above it
        (
            'contract "x" effective 2024-01-01\n# c\ncurrency USD party A\n',
            'contract "x"\n  effective 2024-01-01\n  # c\n  currency USD\n\nparty A\n',
        ),
    ],
)
def test_a_comment_in_a_header_stays_in_the_header(written: str, printed: str) -> None:
    assert fmt(written) == printed
    assert fmt(printed) == printed


# ----------------------------------------------------------------- expressions


@pytest.mark.parametrize(
    ("written", "printed"),
    [
        ("(a or b) and c", "(a or b) and c"),
        ("a or (b and c)", "a or b and c"),
        ("(a or b) or c", "a or b or c"),
        ("a or (b or c)", "a or (b or c)"),
        ("(a implies b) implies c", "(a implies b) implies c"),
        ("a implies (b implies c)", "a implies (b implies c)"),
        ("a implies b or c", "a implies b or c"),
        ("not (a and b)", "not (a and b)"),
        ("(not a) and b", "not a and b"),
        ("not not a", "not not a"),
        ("after E: a and b", "(after E: a) and b"),
        ("b and (after E(x: 1) by P.Q: a)", "b and after E(x: 1) by P.Q: a"),
        ("not (after E: a) and b", "not (after E: a) and b"),
        ("(from 2024-01-01 until horizon: a) implies b", "(from 2024-01-01 until horizon: a) implies b"),
        ("from 2024-01-01 until 2024-01-01: a", "on 2024-01-01: a"),
        ("on effective: not a", "on effective: not a"),
        ("not x on 2024-01-01", "not x on 2024-01-01"),
        ("(not x) on 2024-01-01", "(not x) on 2024-01-01"),
        ("(x on D) == true", "(x on D) == true"),
        ("(a and b) before horizon", "(a and b) before horizon"),
        ("x == (a < b)", "x == (a < b)"),
        ("(a - b) - c", "a - b - c"),
        ("a - (b - c)", "a - (b - c)"),
        ("a - -5", "a - -5"),
        ("- -5 == x", "-(-5) == x"),
        ("(a + b) * c", "(a + b) * c"),
        ("a * (b * c)", "a * (b * c)"),
        ("-(a * b) > 0", "-(a * b) > 0"),
        ("E() and F by P and G(x: 5, y <= $1.5B) by P", "E() and F by P and G(x: 5, y <= $1.5B) by P"),
        ("effective E() by P", "effective E by P"),
        (
            "breach of § 2.1 or violation of §3 or breach of §4 by P",
            "violation of §2.1 or violation of §3 or breach of §4 by P",
        ),
        ("x == 50% or y == 12.5% or z == 0.125%", "x == 50% or y == 12.5% or z == 0.125%"),
        ("x == USD 1,000 + £2 + €3.5k", "x == USD 1,000 + £2 + €3.5k"),
        ("x == 5,000 * 12.50% - (1,000)", "x == 5,000 * 12.50% - 1,000"),
    ],
)
def test_expression_brackets(written: str, printed: str) -> None:
    body = check_body(written)
    assert format_expr(body) == printed
    assert check_body(printed) == body


@pytest.mark.parametrize(
    ("written", "printed"),
    [
        ("(x on 2024-01-01) or y", "(x on 2024-01-01) or y"),
        ("(a implies b)", "(a implies b)"),
        ("not (after E: a)", "not (after E: a)"),
        ("not a or (b and c)", "not a or b and c"),
    ],
)
def test_conditions_bracket_what_the_cond_grammar_lacks(written: str, printed: str) -> None:
    cond = where_cond(written)
    assert format_expr(cond, cond=True) == printed
    assert where_cond(printed) == cond


def test_a_number_before_a_comma_is_bracketed() -> None:
    # INT and MONEY would read the comma into the number (see the report).
    out = fmt(contract("§1 T\n  A may F(x: 5 , y: $5 , z: -5 , w: 2024-01-01, v: $5.50, u: 7)\n"))
    assert "A may F(x: 5, y: $5, z: -5, w: 2024-01-01, v: $5.50, u: 7)" in out


def test_an_event_named_like_a_keyword_keeps_its_when() -> None:
    out = fmt(
        contract("§1 T\n  when text: ends S\n  when survives by A where x: starts S\n  when E: ends S\n")
    )
    assert out.endswith("  when text: ends S\n  when survives by A where x: starts S\n  E ends S\n")
    assert fmt(out) == out


def test_texts_escape_quotes_and_backslashes() -> None:
    text = contract('party A "say \\"hi\\" \\\\ tab\\tand“" party B “curly \\ \\"”\n')
    out = fmt(text)
    assert 'party A "say \\"hi\\" \\\\ tab\\tand“"\n' in out
    assert 'party B "curly \\\\ \\\\\\""\n' in out
    assert parse(out) == parse(text)


# ----------------------------------------------------------------- literals


@given(
    st.one_of(st.integers(0, 10**6), st.integers(0, 10**24)),
    st.sampled_from(["USD", "EUR", "GBP", "CHF"]),
)
def test_every_amount_prints_exactly(cents: int, currency: str) -> None:
    money = s.Money(cents, currency)
    assert parse_money(format_expr(s.Literal(money))) == money


def test_an_amount_too_large_for_the_compact_form_prints_in_full() -> None:
    money = s.Money(10**14 * 123456789012345678 + 10**13)
    assert format_expr(s.Literal(money)) == "$123456789012345678.1T"


@given(st.from_regex(r"[0-9]{1,4}(\.[0-9]{1,6})?", fullmatch=True))
def test_every_percentage_prints_exactly(number: str) -> None:
    value = Fraction(number) / 100
    printed = format_expr(s.Literal(value))
    assert Fraction(printed[:-1]) / 100 == value
    assert check_body(f"x == {printed}") == s.Binary("==", s.NameRef("x"), s.Literal(value))


# ----------------------------------------------------------------- the writer's forms

# Literals as a writer may spell them; fmt prints each as written.
_WHOLE = st.integers(0, 10**9).flatmap(lambda n: st.sampled_from([str(n), f"{n:,}", f"00{n}"]))
_MONEY = st.builds(
    "".join,
    st.tuples(
        st.sampled_from(["$", "US$", "€", "£", "USD ", "USD", "EUR ", "EUR", "GBP ", "CHF ", "CHF"]),
        _WHOLE,
        st.sampled_from(["", ".5", ".50", ".01"]),
        st.sampled_from(["", "K", "k", "M", "B", "bn", "T"]),
    ),
)
_PERCENT = st.from_regex(r"[0-9]{1,3}(\.[0-9]{1,4})?%", fullmatch=True)
_DATE = st.dates().map(lambda d: d.isoformat())
_LITERAL = st.one_of(_MONEY, _PERCENT, _WHOLE, _DATE)
_UNIT = st.sampled_from(["day", "days", "week", "weeks", "month", "months", "year", "years"])


@settings(max_examples=200)
@given(
    _LITERAL,
    _WHOLE,
    _UNIT,
    st.sampled_from([" ", "   ", "\n    ", " # between\n "]),
    st.sampled_from(["$1,000", "$1K", "US$6.6B", "EUR 40,000.01", "£3bn", "12.50%", "5,000", "007"]),
)
def test_fmt_keeps_every_literal_as_written(lit: str, number: str, unit: str, gap: str, fixed: str) -> None:
    """Amounts, percentages, whole numbers, dates and durations keep the
    writer's notation wherever they stand; only the blanks between a
    duration's number and unit become one space."""
    duration = f"{number}{gap}{unit}"
    written = (
        'contract "t"   effective 2024-01-01\n'
        f'fact F: money =   {lit}  "f"\n'
        f"§1 T\n  A may E(v: {lit} , w <= {fixed}) where x == {lit}\n"
        f"  A must G within {duration}\n"
        f'check c "c": given y == {duration}   possible E(v: {fixed})and x == -{lit}\n'
    )
    comment = "  # between" if "#" in gap else ""
    printed = (
        'contract "t"\n  effective 2024-01-01\n\n'
        f'fact F: money = {lit} "f"\n\n'
        f"§1 T\n  A may E(v: {lit}, w <= {fixed}) where x == {lit}\n"
        f"  A must G within {number} {unit}{comment}\n\n"
        f'check c "c":\n  given y == {number} {unit}{comment}\n  possible E(v: {fixed}) and x == -{lit}\n'
    )
    assert fmt(written) == printed
    assert parse(printed) == parse(written)
    assert fmt(printed) == printed
    scenario = f'scenario "s" for "x.contract"\n2024-01-01   E(v:{lit}, w: {fixed})\nfact G =  {lit}\n'
    assert fmt(scenario) == (
        f'scenario "s"\n  for "x.contract"\n\nfact G = {lit}\n\n2024-01-01 E(v: {lit}, w: {fixed})\n'
    )


def test_a_literal_built_in_code_prints_in_canonical_form() -> None:
    # an amendment or a what-if builds nodes without source text
    assert format_expr(s.Literal(parse_money("EUR 40,000"))) == "EUR 40K"
    assert format_expr(s.Literal(Fraction(1, 8))) == "12.5%"
    assert format_expr(s.Literal(5000)) == "5000"
    assert format_expr(s.Literal(s.Duration(1, "week"))) == "1 week"
    written = check_body("x == EUR 40,000 + 1,000 * 12.50%")
    built = s.Binary(
        "==",
        s.NameRef("x"),
        s.Binary(
            "+",
            s.Literal(parse_money("EUR 40K")),
            s.Binary("*", s.Literal(1000), s.Literal(Fraction(1, 8))),
        ),
    )
    assert written == built  # the text a literal was written with is not part of its value
    assert format_expr(written) == "x == EUR 40,000 + 1,000 * 12.50%"
    assert format_expr(built) == "x == EUR 40K + 1000 * 12.5%"


_WORD = st.text(st.sampled_from("abcXYZ019.,;:'`()$%&-–é“\"\\#§"), min_size=1, max_size=8)
_LINE = st.lists(_WORD, min_size=1, max_size=5).map(" ".join)


def _escaped(line: str) -> str:
    return line.replace("\\", "\\\\").replace('"', '\\"')


@settings(max_examples=200)
@given(
    st.lists(_LINE, min_size=1, max_size=4),
    st.lists(st.sampled_from(["", " ", "    ", "\t", "            "]), min_size=3, max_size=3),
    st.sampled_from([" ", "\n", "\n      "]),
)
def test_fmt_keeps_the_line_breaks_of_a_quotation(lines: list[str], indents: list[str], sep: str) -> None:
    """A quotation keeps the writer's lines, each after the first one column
    right of its opening quote; a description begun on a line of its own stays
    there, indented by two."""

    def written_quote(k: int) -> str:
        return '"' + ("\n" + indents[k]).join(_escaped(x) for x in lines) + '"'

    def printed_quote(column: int) -> str:
        return '"' + ("\n" + " " * column).join(_escaped(x) for x in lines) + '"'

    written = (
        'contract "t" effective 2024-01-01\n'
        f"event E by A{sep}{written_quote(0)}\n"
        f"§1 T\n  text {written_quote(1)}\n  A may E\n"
        f"check c {written_quote(2)}: possible E\n"
    )
    description = f"\n  {printed_quote(3)}" if "\n" in sep else f" {printed_quote(len('event E by A') + 2)}"
    printed = (
        'contract "t"\n  effective 2024-01-01\n\n'
        f"event E by A{description}\n\n"
        f"§1 T\n  text {printed_quote(8)}\n  A may E\n\n"
        f"check c {printed_quote(9)}:\n  possible E\n"
    )
    assert fmt(written) == printed
    assert parse(printed) == parse(written)
    assert fmt(printed) == printed
    assert_tidy(printed)


def test_a_quotation_keeps_its_lines_in_every_place_a_text_can_stand() -> None:
    text = (
        'amendment "A title\n  over two lines" to "x\n  .contract"\n'
        'add party P "a\n  party" with body B\n'
        'replace kind K "a\n kind" = X | Y\n'
        'add fact F: money = $5 "a\n fact"\n'
        'add state S "a\n state" holds from effective\n'
        'add §9 T\n  text “typographic \\ \n     quotes, \\"”\n  P may E\n'
        'remove check "a\n title"\n'
    )
    assert fmt(text) == (
        'amendment "A title\n'
        '           over two lines"\n'
        '  to "x\n'
        '      .contract"\n'
        "\n"
        'add party P "a\n'
        '             party" with body B\n'
        "\n"
        'replace kind K "a\n'
        '                kind" = X | Y\n'
        "\n"
        'add fact F: money = $5 "a\n'
        '                        fact"\n'
        "\n"
        'add state S "a\n'
        '             state" holds from effective\n'
        "\n"
        "add §9 T\n"
        '  text "typographic \\\\\n'
        '        quotes, \\\\\\""\n'
        "  P may E\n"
        "\n"
        'remove check "a\n'
        '              title"\n'
    )
    assert parse(fmt(text)) == parse(text)
    assert fmt(fmt(text)) == fmt(text)


def test_a_declaration_keeps_the_writers_lines_around_its_description() -> None:
    text = contract(
        'party A\n    "a party"   with body B\n'
        'party C "c"\nwith body D\n'
        'kind K "k"\n = X | Y\n'
        'state S "s" holds\n from effective until E\n'
        'state T "t"  # c\n holds from effective\n'
        'event E by A "e"\n'
    )
    assert fmt(text).endswith(
        "party A\n"
        '  "a party" with body B\n'
        'party C "c"\n'
        "  with body D\n"
        "\n"
        'kind K "k"\n'
        "  = X | Y\n"
        "\n"
        'state S "s" holds from effective until E\n'
        'state T "t"\n'
        "  holds from effective  # c\n"
        "\n"
        'event E by A "e"\n'
    )
    assert parse(fmt(text)) == parse(text)
    assert fmt(fmt(text)) == fmt(text)


def test_a_one_line_quotation_stays_on_one_line() -> None:
    long = "word " * 40 + "end"
    out = fmt(contract(f'§1 T\n  text "{long}"\n  A may E\n'))
    assert f'  text "{long}"\n' in out


def test_a_check_keeps_the_writers_line_breaks_between_its_conditions() -> None:
    # only between the conditions of the top-level `and`s, `or`s or `implies`
    text = contract(
        'check c "c":\n'
        "  given a and\n    b and c\n"
        "  possible E(x: 1)\n and F  or\n G before 2025-01-01\n"
        'check d "d": always (a or\n  b) implies\n  c\n'
    )
    assert fmt(text).endswith(
        'check c "c":\n'
        "  given a\n"
        "        and b and c\n"
        "  possible E(x: 1) and F\n"
        "           or G before 2025-01-01\n"
        "\n"
        'check d "d":\n'
        "  always a or b\n"
        "         implies c\n"
    )
    assert parse(fmt(text)) == parse(text)
    assert fmt(fmt(text)) == fmt(text)


def test_the_shipped_files_are_formatted() -> None:
    out, err = io.StringIO(), io.StringIO()
    code = main(["fmt", "--check", str(ROOT / "contracts"), str(ROOT / "examples")], out, err)
    assert (code, out.getvalue(), err.getvalue()) == (0, "", "")


# ----------------------------------------------------------------- writing


# ----------------------------------------------------------------- properties


@settings(max_examples=100)
@given(strategies.source_files)
def test_drawn_files_parse_and_format_round_trips(text: str) -> None:
    node, diags = parse_text(text)  # the drawn files are valid, so: a node and no diagnostics
    assert diags == [] and node is not None
    out = fmt(text)
    assert parse(out) == node
    assert fmt(out) == out
    assert comments(out) == comments(text)
    assert_tidy(out)


@settings(max_examples=100)
@given(st.text())
def test_parse_never_raises_on_arbitrary_text(text: str) -> None:
    node, diags = parse_text(text)
    assert node is not None or diags
    out, _ = format_source(text)
    if out is not None:
        assert parse(out) == node


@settings(max_examples=50)
@given(strategies.mutations(SHIPPED.read_text(encoding="utf-8")))
def test_parse_never_raises_on_a_mutated_contract(text: str) -> None:
    node, diags = parse_text(text)
    assert node is not None or diags
    out, _ = format_source(text)
    if out is not None:
        assert parse(out) == node
        assert fmt(out) == out
