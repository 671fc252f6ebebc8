"""From the text of a literal to its value: amounts, dates, whole numbers, quoted text.

Each function takes the text the lexer matched and returns the value, or raises
``LiteralError`` with the reason (the parser turns it into a diagnostic).
"""

from __future__ import annotations

import datetime as _dt
import re
from decimal import Decimal, InvalidOperation

from dsl import syntax as s

_SCALE = {"": 1, "K": 10**3, "k": 10**3, "M": 10**6, "B": 10**9, "bn": 10**9, "T": 10**12}
_CURRENCY = {"US$": "USD", "$": "USD", "€": "EUR", "£": "GBP"}
_MONEY_RE = re.compile(
    r"(?P<cur>US\$|\$|€|£|USD|EUR|GBP|CHF) ?(?P<num>[0-9]+(,[0-9]+)*(\.[0-9]+)?)(?P<scale>K|M|B|T|bn|k)?"
)


class LiteralError(ValueError):
    pass


def parse_money(text: str) -> s.Money:
    m = _MONEY_RE.fullmatch(text)
    if m is None:
        raise LiteralError(f"'{text}' is not an amount")
    num = m.group("num")
    if not _well_grouped(num):
        raise LiteralError(f"the digit groups in '{text}' are not groups of three")
    try:
        value = Decimal(num.replace(",", "")) * _SCALE[m.group("scale") or ""] * 100
    except InvalidOperation as e:  # pragma: no cover - the regex admits only digits
        raise LiteralError(str(e)) from e
    if value != value.to_integral_value():
        raise LiteralError(f"'{text}' is not a whole number of cents")
    cur = m.group("cur")
    return s.Money(int(value), _CURRENCY.get(cur, cur))


def _well_grouped(num: str) -> bool:
    whole = num.split(".")[0]
    if "," not in whole:
        return True
    groups = whole.split(",")
    return 1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])


def parse_date(text: str) -> _dt.date:
    try:
        return _dt.date.fromisoformat(text)
    except ValueError as e:
        raise LiteralError(f"'{text}' is not a calendar date") from e


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
