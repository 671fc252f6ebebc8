"""One printer for values (``dsl.literals``): every literal form of the language
prints the same everywhere — ``verify`` text and JSON, ``whereas simulate`` text
and JSON, the report's formal reading, the what-if text — in its canonical form
(``format_value``), and the printed form parses back to the same value;
``whereas fmt`` keeps each literal as it was written.

For each currency a contract uses every literal in a fixed fact (what ``whereas
fmt`` prints there is the literal as written), in an event argument and an open
fact of a check (the scenario ``verify`` finds and prints), in a clause (its
formal reading) and in a scenario (``simulate``).
"""

from __future__ import annotations

import datetime as _dt
import io
import json
import re
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dsl import model as m
from dsl import syntax as s
from dsl.diagnostics import Sources
from dsl.format import format_expr
from dsl.literals import (
    Duration,
    LiteralError,
    Money,
    format_bool,
    format_date,
    format_duration,
    format_int,
    format_money,
    format_percent,
    format_text,
    format_value,
    parse_date,
    parse_duration,
    parse_int,
    parse_money,
    parse_percent,
    unquote,
)
from dsl.load import check_node, load_contract
from dsl.parse import parse_text
from tests import (
    ROOT,
    strategies,  # noqa: F401  (the Hypothesis profiles)
)
from verifier.cli import main
from verifier.report.formal import clause_reading
from verifier.report.text import comparison_text
from verifier.verify.whatif import compare

# (type, literal as written), per contract currency: every notation of the grammar's
# MONEY, PERCENT, DATE, INT and duration tokens and both booleans
OTHER = [
    ("percent", "49%"),
    ("percent", "12.5%"),
    ("percent", "12.34567%"),
    ("percent", "12.50%"),
    ("percent", "0.125%"),
    ("percent", "0.000001%"),
    ("percent", "99.999999999%"),
    ("percent", "100%"),
    ("percent", "007%"),
    ("percent", "0%"),
    ("date", "2024-06-01"),
    ("date", "2024-02-29"),
    ("date", "2024-12-31"),
    ("duration", "1 day"),
    ("duration", "90 days"),
    ("duration", "1 week"),
    ("duration", "2 weeks"),
    ("duration", "0 days"),
    ("duration", "1,000 days"),
    ("int", "0"),
    ("int", "7"),
    ("int", "1,000"),
    ("int", "1,234,567"),
    ("bool", "true"),
    ("bool", "false"),
]
LITERALS: dict[str, list[tuple[str, str]]] = {
    "USD": [
        ("money", "$1,000"),
        ("money", "$1.5M"),
        ("money", "$1.50M"),
        ("money", "US$650M"),
        ("money", "US$6.6B"),
        ("money", "USD 10"),
        ("money", "USD10"),
        ("money", "$1,250.50"),
        ("money", "$1,250.5"),
        ("money", "$0.01"),
        ("money", "$12k"),
        ("money", "$12K"),
        ("money", "$12.5K"),
        ("money", "$0.5K"),
        ("money", "$2bn"),
        ("money", "$2B"),
        ("money", "$37.5B"),
        ("money", "$2.5T"),
        ("money", "$1,234,567.89"),
        ("money", "$007"),
        ("money", "$0"),
        *OTHER,
    ],
    "EUR": [
        ("money", "€2.5M"),
        ("money", "EUR 40,000"),
        ("money", "EUR40,000"),
        ("money", "€180"),
        ("money", "€1,250.50"),
        ("money", "EUR 3bn"),
    ],
    "GBP": [("money", "£3bn"), ("money", "GBP 1,000.01"), ("money", "£12k"), ("money", "£1.2M")],
    "CHF": [("money", "CHF 12k"), ("money", "CHF500"), ("money", "CHF 1.5M"), ("money", "CHF 0.05")],
}
CASES = [(cur, i, t, lit) for cur, lits in LITERALS.items() for i, (t, lit) in enumerate(lits)]


def contract_text(currency: str) -> str:
    lines = [
        f'contract "Values in {currency}"',
        "  effective 2024-01-01",
        "  horizon 2024-12-31",
        f"  currency {currency}",
        "",
        "party A",
        "",
    ]
    lits = LITERALS[currency]
    lines += [f"fact F{i}: {t} = {lit}" for i, (t, lit) in enumerate(lits)]
    lines += [f"fact G{i}: {t}" for i, (t, _) in enumerate(lits)]
    lines += [f"event E{i}(v: {t}) by A" for i, (t, _) in enumerate(lits)]
    for i, (_, lit) in enumerate(lits):
        lines += ["", f"§{i + 1} Rule {i}", f"  A must not E{i}(v: {lit})"]
    for i, (_, lit) in enumerate(lits):
        lines += ["", f'check c{i} "value {i}":', f"  possible E{i}(v: {lit}) and G{i} == {lit}"]
    return "\n".join(lines) + "\n"


def scenario_text(currency: str) -> str:
    lits = LITERALS[currency]
    lines = [f'scenario "values in {currency}"', f'  for "{currency}.contract"', ""]
    lines += [f"fact G{i} = {lit}" for i, (_, lit) in enumerate(lits)]
    lines += [f"2024-02-01 E{i}(v: {lit}) by A" for i, (_, lit) in enumerate(lits)]
    return "\n".join(lines) + "\n"


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """For each currency: what fmt, verify (text, JSON), simulate (text, JSON)
    print for its contract and scenario, and the checked contract."""
    folder = tmp_path_factory.mktemp("values")
    got: dict[str, dict[str, Any]] = {}
    for cur in LITERALS:
        contract, scenario = folder / f"{cur}.contract", folder / f"{cur}.scenario"
        contract.write_text(contract_text(cur), encoding="utf-8")
        scenario.write_text(scenario_text(cur), encoding="utf-8")
        r: dict[str, Any] = {}
        code, r["fmt"], err = run("fmt", str(contract))
        assert code == 0, err
        code, r["verify"], err = run("verify", str(contract))
        assert code == 0, err
        code, out, err = run("verify", "--format", "json", str(contract))
        assert code == 0, err
        r["verify_json"] = json.loads(out)
        code, r["simulate"], err = run("simulate", str(scenario))
        assert code in (0, 1), err
        code, out, err = run("simulate", "--format", "json", str(scenario))
        assert code in (0, 1), err
        r["simulate_json"] = json.loads(out)
        loaded = load_contract(str(contract), Sources())
        assert loaded.contract is not None, loaded.diagnostics
        r["contract"] = loaded.contract
        got[cur] = r
    return got


def fmt_text(outputs: dict[str, dict[str, Any]], cur: str, i: int, t: str) -> str:
    """What ``whereas fmt`` prints for literal ``i``: its fixed fact's value."""
    found = re.search(rf"^fact F{i}: {t} = (.*)$", outputs[cur]["fmt"], re.M)
    assert found is not None
    return found.group(1)


def model_value(c: m.Contract, i: int) -> m.ConstValue:
    value = c.facts[f"F{i}"].value
    assert value is not None
    return value.value


def printed(outputs: dict[str, dict[str, Any]], cur: str, i: int, t: str) -> str:
    """What the verifier should print for literal ``i``: its canonical form
    (a duration the checked model keeps in days: ``2 weeks`` is 14 days there,
    and prints as ``14 days``)."""
    c: m.Contract = outputs[cur]["contract"]
    return format_value(model_value(c, i), c.facts[f"F{i}"].type)


@pytest.mark.parametrize(("cur", "i", "t", "lit"), CASES, ids=[f"{c}-{lit}" for c, _, _, lit in CASES])
def test_every_output_prints_a_value_in_its_canonical_form(
    outputs: dict[str, dict[str, Any]], cur: str, i: int, t: str, lit: str
) -> None:
    r = outputs[cur]
    c: m.Contract = r["contract"]
    want = printed(outputs, cur, i, t)
    value = model_value(c, i)

    # fmt keeps the literal as written; the printed text reads back as the same
    # value: in the checked model, and as a literal
    assert fmt_text(outputs, cur, i, t) == lit
    written = contract_text(cur).replace(f"fact F{i}: {t} = {lit}\n", f"fact F{i}: {t} = {want}\n")
    again = load_contract_text(written)
    assert model_value(again, i) == value
    if t != "duration":  # (the model keeps a duration in days: 14 days, not 2 weeks)
        assert parse_literal(want) == parse_literal(lit)

    # verify, text: the scenario's event and fact, and the explanation
    block = next(b for b in r["verify"].split("\n\n") if b.startswith(f"HOLDS   c{i}: ")) + "\n"
    event = f"E{i}(v: {want}) by A"
    assert re.search(
        rf"\n    \d{{4}}-\d\d-\d\d  {re.escape(event)}\n", block
    )  # the scenario, on whatever day
    assert f"\n    fact G{i} = {want}\n" in block
    assert f"G{i} = {want}" in block  # the explanation
    # verify, JSON: the scenario's values and the explanation's text
    result = next(x for x in r["verify_json"]["results"] if x["id"] == f"c{i}")
    assert event in result["explanation"]
    assert f" G{i} = {want}," in result["explanation"] or f" G{i} = {want})" in result["explanation"]
    assert result["scenario"]["events"][0]["args"]["v"] == json_value(value, t, want)
    assert result["scenario"]["facts"][f"G{i}"] == json_value(value, t, want)
    # simulate, text and JSON
    assert f"  {event}: " in r["simulate"]
    sim_event = next(e for e in r["simulate_json"]["events"] if e["event"] == f"E{i}")
    assert sim_event["args"]["v"] == json_value(value, t, want)
    # the report's formal reading of the clause: an amount or a percentage as the
    # contract writes it, any other value in its canonical form
    written = lit if t in ("money", "percent") else want
    assert clause_reading(c.clauses[f"§{i + 1}"]) == [f"A must not E{i} where v == {written}"]


def json_value(value: m.ConstValue, t: str, text: str) -> Any:
    """The JSON shape of a value: money an object whose text is the printed form,
    percentages and dates that text, the others (durations in days) as they are."""
    if t == "money":
        assert isinstance(value, Money)
        return {"cents": value.cents, "currency": value.currency, "text": text}
    if t in ("percent", "date"):
        return text
    return value


def load_contract_text(text: str) -> m.Contract:
    node, diags = parse_text(text, "x.contract")
    assert node is not None and not any(d.is_error for d in diags), diags
    assert isinstance(node, s.ContractFile)
    c, diags = check_node(node, "x.contract")
    assert c is not None, diags
    return c


def parse_literal(text: str) -> s.Value:
    """The value of a literal, as the parser reads it in a check."""
    node, diags = parse_text(
        f'contract "X" effective 2024-01-01\ncheck "t":\n  possible x == {text}\n', "x.contract"
    )
    assert node is not None and not diags, diags
    assert isinstance(node, s.ContractFile)
    check = node.items[0]
    assert (
        isinstance(check, s.Check)
        and isinstance(check.body, s.Binary)
        and isinstance(check.body.right, s.Literal)
    )
    return check.body.right.value


def test_fmt_keeps_the_unit_of_a_duration() -> None:
    """The surface model keeps the unit (the checked one does not: see ``printed``)."""
    for lit in ("1 day", "90 days", "1 week", "2 weeks", "3 months", "1 year", "2 years"):
        assert format_expr(s.Literal(parse_literal(lit))) == lit
    assert format_expr(s.Literal(parse_literal("1,000 days"))) == "1000 days"


def test_the_what_if_text_prints_the_facts_of_its_scenario(tmp_path: Path) -> None:
    """``comparison_text`` printed ``fact G = 1/8``, a date as its day number and a
    duration as a bare number."""
    facts = [
        ("percent", "12.34567%", "12.34567%"),
        ("date", "2024-02-29", "2024-02-29"),
        ("duration", "2 weeks", "14 days"),
        ("bool", "true", "true"),
        ("money", "$1,250.5", "$1,250.50"),
    ]
    head = 'contract "What-if values"\n  effective 2024-01-01\n  horizon 2024-03-31\n\nparty A\n'
    head += "".join(f"fact G{i}: {t}\n" for i, (t, _, _) in enumerate(facts)) + "event E by A\n"
    cond = " and ".join(f"G{i} == {lit}" for i, (_, lit, _) in enumerate(facts))
    base = load_contract_text(head + f"\n§1 Rule\n  A must not E where {cond}\n")
    amended = load_contract_text(head + "\n§1 Rule\n  A may E\n")
    text = comparison_text(compare(base, amended, amendment_file="x.amendment"), full=False)
    for i, (_, _, want) in enumerate(facts):
        assert f"    fact G{i} = {want}\n" in text


# ----------------------------------------------------------------- the printers one by one


def test_each_printer() -> None:
    assert format_money(Money(125050)) == "$1,250.50"
    assert format_money(Money(-500)) == "-$5"
    assert format_money(Money(150_000_000)) == "$1.5M"
    assert format_money(Money(1_250_000)) == "$12,500"  # thousands only when whole
    assert format_money(Money(4_000_000, "EUR")) == "EUR 40K"
    assert format_money(Money(300_000_000_000, "GBP")) == "£3B"
    assert format_money(Money(1_200_000, "CHF")) == "CHF 12K"
    assert format_money(Money(10**14 * 123456789012345678 + 10**13)) == "$123456789012345678.1T"
    assert str(Money(125050)) == "$1,250.50"
    assert format_percent(Fraction(1234567, 10**7)) == "12.34567%"
    assert format_percent(Fraction(1, 10**8)) == "0.000001%"
    assert format_percent(Fraction(-1, 200)) == "-0.5%"
    assert format_percent(Fraction(1, 3)) == "100/3%"  # no decimal: the exact fraction (not a literal)
    assert format_percent(Fraction(-2, 3)) == "-200/3%"
    assert format_date(_dt.date(2024, 2, 29)) == "2024-02-29"
    assert format_date(_dt.date(2024, 2, 29).toordinal()) == "2024-02-29"
    assert format_duration(Duration(2, "week")) == "2 weeks"
    assert format_duration(Duration(1, "month")) == "1 month"
    assert format_duration(14) == "14 days"
    assert format_duration(1) == "1 day"
    assert format_duration(-1) == "-1 day"
    assert str(Duration(3, "year")) == "3 years"
    assert format_int(1000) == "1000"
    assert format_int(-5) == "-5"
    assert format_bool(True) == "true" and format_bool(False) == "false"
    assert format_text('say "hi"\n') == '"say \\"hi\\"\\n"'
    assert unquote(format_text('a \\ "b"\tc\nd')) == 'a \\ "b"\tc\nd'
    assert format_value(m.date_of(738945).toordinal(), m.DATE) == "2024-02-29"
    assert format_value(14, m.DURATION) == "14 days"
    assert format_value(14, m.INT) == "14"
    assert format_value(14) == "14"
    assert format_value(True, m.BOOL) == "true"
    assert format_value("Oracle", m.Type("kind", kind="Provider")) == "Oracle"


def test_each_parser() -> None:
    assert parse_percent("12.34567%") == Fraction(1234567, 10**7)
    assert parse_duration("2 weeks") == Duration(2, "week")
    assert parse_duration("1 day") == Duration(1, "day")
    assert parse_duration("1,000 days") == Duration(1000, "day")
    assert parse_date("2024-02-29") == _dt.date(2024, 2, 29)
    assert parse_int("1,234,567") == 1234567
    for bad, parser in [
        ("12.5", parse_percent),
        ("1/2%", parse_percent),
        ("-5%", parse_percent),
        ("2 fortnights", parse_duration),
        ("$1,25", parse_money),
        ("2024-02-30", parse_date),
        ("1,00", parse_int),
    ]:
        with pytest.raises(LiteralError):
            parser(bad)


def test_the_literals_module_imports_nothing_of_the_project() -> None:
    """No import circle: ``dsl.syntax`` imports the value classes from ``dsl.literals``."""
    import subprocess
    import sys

    code = "import sys, dsl.literals; print(sorted(k for k in sys.modules if k.split('.')[0] in ('dsl', 'verifier')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "['dsl', 'dsl.literals']"


# ----------------------------------------------------------------- round trips

CURRENCIES = st.sampled_from(["USD", "EUR", "GBP", "CHF"])


@given(
    st.one_of(st.integers(0, 10**6), st.integers(0, 10**24), st.integers(1, 10**6).map(lambda k: k * 10**7)),
    CURRENCIES,
)
def test_money_prints_and_parses_back(cents: int, currency: str) -> None:
    money = Money(cents, currency)
    assert parse_money(format_money(money)) == money
    assert format_money(Money(-cents, currency)) == ("-" if cents else "") + format_money(money)


@given(st.integers(0, 10**12), st.integers(0, 12), st.integers(0, 12))
def test_percentages_print_and_parse_back(n: int, twos: int, fives: int) -> None:
    value = Fraction(n, 2**twos * 5**fives * 100)  # every percentage with a finite decimal
    assert parse_percent(format_percent(value)) == value
    assert parse_literal(format_percent(value)) == value


@given(st.from_regex(r"[0-9]{1,6}(\.[0-9]{1,12})?%", fullmatch=True))
def test_a_written_percentage_prints_as_its_shortest_exact_decimal(text: str) -> None:
    value = parse_percent(text)
    printed = format_percent(value)
    assert parse_percent(printed) == value
    whole, _, frac = text[:-1].partition(".")
    assert printed == (whole.lstrip("0") or "0") + ("." + frac.rstrip("0") if frac.rstrip("0") else "") + "%"


@given(st.integers(0, 10**6), st.sampled_from(["day", "week", "month", "year"]))
def test_durations_print_and_parse_back(amount: int, unit: str) -> None:
    d = Duration(amount, unit)
    assert parse_duration(format_duration(d)) == d
    assert parse_literal(format_duration(d)) == d


def test_a_day_past_the_calendar_is_said_not_raised() -> None:
    # a deadline 90 days after 9999-12-20 has no date; the reports still name it
    last = _dt.date.max.toordinal()
    assert format_date(last) == "9999-12-31"
    assert format_date(last + 80) == "80 days after 9999-12-31"
    assert format_date(last + 1) == "1 day after 9999-12-31"
    assert format_date(0) == "1 day before 0001-01-01"
