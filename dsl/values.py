"""Concrete values and the operations on them, shared by constant folding and
the interpreter (the Z3 encoding mirrors each rule here; see docs/semantics.md).

Money is integer cents; a product with a percentage rounds down to the cent.
Dates and durations are day numbers.
"""

from __future__ import annotations

from fractions import Fraction
from math import ceil, floor
from typing import Union

from dsl import model as m
from dsl.literals import Money

Val = Union[bool, int, Money, Fraction, str]


def num(v: Val) -> int | Fraction:
    if isinstance(v, Money):
        return v.cents
    if isinstance(v, (bool, str)):
        raise TypeError(f"not a number: {v!r}")
    return v


def make(t: m.Type, x: int | Fraction) -> Val:
    if t.name == "money":
        return Money(floor(x), t.currency or "USD")
    if t.name == "percent":
        return Fraction(x)
    return floor(x)


def apply_op(op: str, vals: list[Val], t: m.Type) -> Val:
    if op == "not":
        return not vals[0]
    if op == "and":
        return bool(vals[0]) and bool(vals[1])
    if op == "or":
        return bool(vals[0]) or bool(vals[1])
    if op == "implies":
        return (not vals[0]) or bool(vals[1])
    if op == "neg":
        return make(t, -num(vals[0]))
    a, b = vals[0], vals[1]
    if op == "==":
        return equal(a, b)
    if op == "!=":
        return not equal(a, b)
    if op in ("<", "<=", ">", ">="):
        x, y = num(a), num(b)
        return {"<": x < y, "<=": x <= y, ">": x > y, ">=": x >= y}[op]
    if op == "+":
        return make(t, num(a) + num(b))
    if op == "-":
        return make(t, num(a) - num(b))
    if op == "*":
        return make(t, num(a) * num(b))
    if op == "floor":
        return make(t, floor(Fraction(num(a)) / num(b)))
    if op == "ceil":
        return make(t, ceil(Fraction(num(a)) / num(b)))
    if op == "min":
        return a if num(a) <= num(b) else b
    if op == "max":
        return a if num(a) >= num(b) else b
    raise AssertionError(op)


def equal(a: Val, b: Val) -> bool:
    if isinstance(a, (str, bool)) or isinstance(b, (str, bool)):
        return a == b
    return num(a) == num(b)
