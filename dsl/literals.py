"""Literals, both ways: from the text of a literal to its value, and from a value to
its canonical text.

``parse_*`` take the text the lexer matched and return the value, or raise
``LiteralError`` with the reason (the parser turns it into a diagnostic).

``format_*`` print a value in its canonical form: exactly what ``whereas fmt``
writes for the literal, which parses back to the same value. ``format_value``
picks the printer for a value. Every place that shows a value — the formatter,
``verify``'s text and JSON, ``simulate``'s, the report's formal reading and its
scenarios — prints it here, so a value reads the same everywhere:

- money: the compact ``$1.5M`` / ``EUR 40K`` when it is exact, else the full
  ``$1,250.50`` (``format_money``); a negative amount gets a leading ``-``;
- percentages: the shortest exact decimal, ``12.34567%``, never through a
  float (``format_percent``);
- dates: ISO ``2024-06-01`` (``format_date``);
- durations: ``90 days``, ``2 weeks``, ``1 day`` (``format_duration``);
- whole numbers without digit groups, ``1000`` (``format_int``);
- ``true`` / ``false`` (``format_bool``); texts quoted (``format_text``).

The checked model (``dsl.model``) keeps dates as day numbers
(``date.toordinal()``) and durations as a number of days, so the printers of
dates and durations also take an ``int``; a duration written ``2 weeks`` is 14
days there and prints as ``14 days`` (the model keeps no unit).

The value classes ``Money`` and ``Duration`` are defined here, where they are
parsed and printed; ``dsl.syntax`` re-exports them. This module imports nothing
else of the project.
"""

from __future__ import annotations

import datetime as _dt
import re
from fractions import Fraction
from typing import Protocol, Union

import attrs

# ----------------------------------------------------------------- values


@attrs.frozen
class Money:
    """An exact amount: integer cents in one currency."""

    cents: int
    currency: str = "USD"

    def __str__(self) -> str:
        return format_money(self)


@attrs.frozen
class Duration:
    """A span of time. Days and weeks are exact; months and years are calendar units."""

    amount: int
    unit: str  # "day" | "week" | "month" | "year"

    @property
    def days(self) -> int | None:
        if self.unit == "day":
            return self.amount
        if self.unit == "week":
            return self.amount * 7
        return None

    def __str__(self) -> str:
        return format_duration(self)


# What a literal can denote (``str``: a name, of a party or a kind member, which
# the checked model keeps as a constant too).
Value = Union[bool, int, Money, Duration, Fraction, _dt.date, str]


class LiteralError(ValueError):
    pass


# ----------------------------------------------------------------- parsing

_SCALE = {"": 1, "K": 10**3, "k": 10**3, "M": 10**6, "B": 10**9, "bn": 10**9, "T": 10**12}
_CURRENCY = {"US$": "USD", "$": "USD", "€": "EUR", "£": "GBP"}
_MONEY_RE = re.compile(
    r"(?P<cur>US\$|\$|€|£|USD|EUR|GBP|CHF) ?(?P<num>[0-9]+(,[0-9]+)*(\.[0-9]+)?)(?P<scale>K|M|B|T|bn|k)?"
)
_PERCENT_RE = re.compile(r"[0-9]+(\.[0-9]+)?%")
_DURATION_RE = re.compile(r"(?P<num>[0-9]+(,[0-9]+)*)\s*(?P<unit>day|week|month|year)s?")


def parse_money(text: str) -> Money:
    m = _MONEY_RE.fullmatch(text)
    if m is None:
        raise LiteralError(f"'{text}' is not an amount")
    num = m.group("num")
    if not _well_grouped(num):
        raise LiteralError(f"the digit groups in '{text}' are not groups of three")
    # exact: a Decimal would round past 28 digits
    whole, _, frac = num.replace(",", "").partition(".")
    value = Fraction(int(whole + frac), 10 ** len(frac)) * _SCALE[m.group("scale") or ""] * 100
    if value.denominator != 1:
        raise LiteralError(f"'{text}' is not a whole number of cents")
    cur = m.group("cur")
    return Money(int(value), _CURRENCY.get(cur, cur))


def _well_grouped(num: str) -> bool:
    whole = num.split(".")[0]
    if "," not in whole:
        return True
    groups = whole.split(",")
    return 1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])


def parse_percent(text: str) -> Fraction:
    """``12.5%`` -> ``Fraction(1, 8)``: exact, as the parser reads a ``PERCENT`` token."""
    if _PERCENT_RE.fullmatch(text) is None:
        raise LiteralError(f"'{text}' is not a percentage")
    return Fraction(text[:-1]) / 100


def parse_date(text: str) -> _dt.date:
    try:
        return _dt.date.fromisoformat(text)
    except ValueError as e:
        raise LiteralError(f"'{text}' is not a calendar date") from e


def parse_duration(text: str) -> Duration:
    """``90 days``, ``1 week``: a number and a unit, as the grammar's ``duration`` rule."""
    m = _DURATION_RE.fullmatch(text)
    if m is None:
        raise LiteralError(f"'{text}' is not a duration")
    return Duration(parse_int(m.group("num")), m.group("unit"))


def parse_int(text: str) -> int:
    if not _well_grouped(text):
        raise LiteralError(f"the digit groups in '{text}' are not groups of three")
    return int(text.replace(",", ""))


def unquote(text: str) -> str:
    """The text between the quotes; a line break and its indentation read as one space."""
    body = re.sub(r"[ \t\r]*\n[ \t]*", " ", text[1:-1])
    if text.startswith("“"):
        return body
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), body)


# ----------------------------------------------------------------- printing

_SYMBOL = {"USD": "$", "EUR": "EUR ", "GBP": "£", "CHF": "CHF "}
# (suffix, cents in one unit of it), largest first
_SCALES = (("T", 10**14), ("B", 10**11), ("M", 10**8), ("K", 10**5))


def format_money(m: Money) -> str:
    """``$1.5M``, ``EUR 40K``, ``£3B``, ``$1,250.50``, ``-$5``.

    The compact form — a scale and at most one decimal, ``$37.5B`` — when the
    amount is at least one of the scale and a whole number of tenths of it
    (thousands only when a whole number of them: ``$12,500``, not ``$12.5K``);
    else the full amount with its digits grouped and the cents when there are
    any. Exact integer arithmetic throughout, so it reads back as the same cents.
    """
    sign = "-" if m.cents < 0 else ""
    c = abs(m.cents)
    symbol = _SYMBOL.get(m.currency, m.currency + " ")
    for suffix, scale in _SCALES:
        if c >= scale and c % (scale // 10) == 0 and not (suffix == "K" and c % scale):
            whole, frac = divmod(c, scale)
            text = str(whole) if frac == 0 else f"{whole}.{frac // (scale // 10)}"
            return f"{sign}{symbol}{text}{suffix}"
    dollars, cents = divmod(c, 100)
    return f"{sign}{symbol}{dollars:,}" + (f".{cents:02d}" if cents else "")


def format_percent(value: Fraction) -> str:
    """``1/2`` -> ``50%``, ``1/8`` -> ``12.5%``: the shortest exact decimal.

    Every percentage written in a contract has one. A value that has none (a
    solver may pick ``1/3``) is printed as the exact fraction of a percent,
    ``100/3%``: the one printed form that is not a literal, since the language
    cannot write that value.
    """
    p = Fraction(value) * 100
    sign = "-" if p < 0 else ""
    den, twos, fives = p.denominator, 0, 0
    while den % 2 == 0:
        den, twos = den // 2, twos + 1
    while den % 5 == 0:
        den, fives = den // 5, fives + 1
    if den != 1:
        return f"{sign}{abs(p.numerator)}/{p.denominator}%"
    places = max(twos, fives)
    digits = str(abs(p.numerator) * 10**places // p.denominator).rjust(places + 1, "0")
    if places == 0:
        return f"{sign}{digits}%"
    return f"{sign}{digits[:-places]}.{digits[-places:]}%"


def format_date(d: _dt.date | int) -> str:
    """ISO ``2024-06-01``; an ``int`` is a day number (``date.toordinal()``).
    A day past the calendar's end (a deadline 90 days after 9999-12-20) is
    said as so many days after 9999-12-31; one before its start, as so many
    days before 0001-01-01."""
    if isinstance(d, int):
        last, first = _dt.date.max.toordinal(), _dt.date.min.toordinal()
        if d > last:
            return f"{format_duration(d - last)} after {_dt.date.max.isoformat()}"
        if d < first:
            return f"{format_duration(first - d)} before {_dt.date.min.isoformat()}"
        d = _dt.date.fromordinal(d)
    return d.isoformat()


def format_duration(d: Duration | int) -> str:
    """``90 days``, ``1 week``, ``-3 days``; an ``int`` is a number of days."""
    amount, unit = (d, "day") if isinstance(d, int) else (d.amount, d.unit)
    return f"{amount} {unit}" + ("" if abs(amount) == 1 else "s")


def format_int(n: int) -> str:
    """Without digit groups: ``1,000`` prints as ``1000``."""
    return str(n)


def format_bool(b: bool) -> str:
    return "true" if b else "false"


def format_text(text: str) -> str:
    r"""A straight-quoted text that ``unquote`` reads back as ``text``; a line
    break and a tab are written ``\n`` and ``\t`` so the text stays on one line."""
    body = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return f'"{body}"'


class Typed(Protocol):
    """A type that names itself: ``dsl.model.Type``."""

    @property
    def name(self) -> str: ...


def format_value(v: Value, t: Typed | None = None) -> str:
    """A value as ``whereas fmt`` writes it. ``t`` (the checked model's type, if
    known) tells a day number (``date``) or a number of days (``duration``)
    from a plain ``int``; a ``str`` is a name and prints as it is."""
    if isinstance(v, bool):
        return format_bool(v)
    if isinstance(v, Money):
        return format_money(v)
    if isinstance(v, Duration):
        return format_duration(v)
    if isinstance(v, _dt.date):
        return format_date(v)
    if isinstance(v, Fraction):
        return format_percent(v)
    if isinstance(v, str):
        return v
    kind = None if t is None else t.name
    if kind == "date":
        return format_date(v)
    if kind == "duration":
        return format_duration(v)
    if kind == "percent":
        return format_percent(Fraction(v))
    return format_int(v)
