"""From the types of checked values to whether, and as what, they combine.

The built-in types, ``type_of`` an expression, ``unify`` (the common type of
two values compared), ``arith_type`` and ``mul_type`` (the type of a sum,
difference or product, or None), and ``TypesMixin.compatible``, which reports
a value of the wrong type where a known one is expected. Resolving a written
type name is in ``names``.
"""

from __future__ import annotations

from dsl import model as m
from dsl import syntax as s
from dsl.check.state import CheckState

BUILTIN_TYPES = {
    "bool": m.BOOL,
    "int": m.INT,
    "date": m.DATE,
    "duration": m.DURATION,
    "percent": m.PERCENT,
    "party": m.PARTY,
}
ORDERED = {"int", "money", "date", "duration", "percent"}


class TypesMixin(CheckState):
    def compatible(self, want: m.Type, got: m.Type, span: s.Span, what: str) -> bool:
        if unify(want, got) is not None:
            return True
        if want.name == "kind" and got.name == "symbol":
            self.error(
                "not-a-member",
                f"{what} expects a {want.kind}, and this name is not one",
                span,
                expected=f"one of {', '.join(self.kinds[want.kind].members) if want.kind in self.kinds else want.kind}",
                found=str(got),
            )
            return False
        self.error(
            "type-mismatch",
            f"{what} expects {want}, but this is {got}",
            span,
            expected=str(want),
            found=str(got),
        )
        return False


def type_of(e: m.Expr) -> m.Type:
    if isinstance(e, (m.Const, m.ArgRef, m.FactRef, m.Op)):
        return e.type
    return m.BOOL


def unify(a: m.Type, b: m.Type) -> m.Type | None:
    """The common type of two values that are compared, or None."""
    if a.name == "error":
        return b
    if b.name == "error":
        return a
    if a.name == "symbol" and b.name == "symbol":
        common = a.candidates & b.candidates
        return m.Type("symbol", candidates=common) if common else None
    if a.name == "symbol":
        a, b = b, a
    if b.name == "symbol":
        if a.name == "kind" and a.kind in b.candidates:
            return a
        if a.name == "party" and "party" in b.candidates:
            return a
        return None
    if a.name != b.name:
        return None
    if a.name == "kind" and a.kind != b.kind:
        return None
    if a.name == "money" and a.currency != b.currency:
        return None
    return a


def arith_type(op: str, a: m.Type, b: m.Type) -> m.Type | None:
    if a.name == "date" and b.name == "duration":
        return m.DATE
    if op == "+" and a.name == "duration" and b.name == "date":
        return m.DATE
    if op == "-" and a.name == "date" and b.name == "date":
        return m.DURATION
    t = unify(a, b)
    if t is not None and t.name in ("int", "money", "duration", "percent"):
        return t
    return None


def mul_type(a: m.Type, b: m.Type) -> m.Type | None:
    names = {a.name, b.name}
    if names == {"int"}:
        return m.INT
    if "percent" in names:
        other = b if a.name == "percent" else a
        if other.name in ("money", "int", "percent"):
            return other
    if "int" in names:
        other = b if a.name == "int" else a
        if other.name in ("money", "duration"):
            return other
    return None
