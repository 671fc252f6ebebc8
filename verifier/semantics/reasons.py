"""From a condition that came out false to the words that say why.

The interpreter (``verifier.semantics.interpret``) decides each act by its
clauses' conditions; when a condition fails, a reader wants the part that
failed and the values that made it fail: "amount $12B is above $10B", not "the
condition does not hold". ``why_false`` walks the condition with the run's own
evaluator (``value_of``, so the words can never disagree with the verdict) and
names the first part that is false:

- a conjunction: its first false conjunct;
- a comparison: both sides with their values, ``amount $12B is above $10B``,
  ``from is OtherCloud, not Oracle``; a fact is named with its value,
  ``ServiceLevel (99.5%)``; an argument of the act that set an obligation off
  with that act, ``the RequestCompute's amount ($2B)``;
- a state: ``MicrosoftAccess does not hold`` (or does);
- anything else: the condition as written is false.

``requirement`` says what an obligation's condition asks for, with the values
of the act that set it off: ``amount at least $2B``.
"""

from __future__ import annotations

from collections.abc import Callable

from dsl import model as m
from dsl.literals import format_value

ValueOf = Callable[[m.Expr], object]

# a false comparison, in words: what the left side is instead
_FAILED = {
    "<=": "is above",
    "<": "is not below",
    ">=": "is below",
    ">": "is not above",
}
# a comparison asked for, in words
_ASKED = {"<=": "at most", "<": "below", ">=": "at least", ">": "above", "==": "", "!=": "not"}


def _shown(v: object, e: m.Expr) -> str:
    return format_value(v, e.type) if hasattr(e, "type") else str(v)  # type: ignore[arg-type]


def describe(e: m.Expr, value_of: ValueOf, trigger: str | None = None) -> str:
    """One side of a comparison: its name and value, or its value."""
    v = value_of(e)
    if isinstance(e, m.Const):
        return e.shown()
    if isinstance(e, m.FactRef):
        return f"{e.name} ({_shown(v, e)})"
    if isinstance(e, m.ArgRef):
        if e.occ == "trigger":
            whose = f"the {trigger}'s" if trigger else "the trigger's"
            return f"{whose} {e.name} ({_shown(v, e)})"
        return f"{e.name} {_shown(v, e)}"
    return _shown(v, e)


def why_false(e: m.Expr, value_of: ValueOf, trigger: str | None = None) -> str:
    """Why ``e``, which ``value_of`` evaluates to false, is false: its first
    false part, with the values."""
    if isinstance(e, m.Op):
        if e.op == "and":
            for a in e.args:
                if not value_of(a):
                    return why_false(a, value_of, trigger)
        if e.op == "not" and isinstance(e.args[0], m.StateAt):
            return f"{e.args[0].state} holds"
        if e.op in _FAILED:
            left, right = e.args
            return f"{describe(left, value_of, trigger)} {_FAILED[e.op]} {_plain(right, value_of, trigger)}"
        if e.op == "==":
            left, right = e.args
            if isinstance(left, m.ArgRef) and left.occ == "self":
                got = value_of(left)
                if isinstance(got, bool):
                    return f"{left.name} is {_shown(got, left)}"
                return f"{left.name} is {_shown(got, left)}, not {_plain(right, value_of, trigger)}"
            return f"{describe(left, value_of, trigger)} is not {_plain(right, value_of, trigger)}"
        if e.op == "!=":
            left, right = e.args
            if isinstance(left, m.ArgRef) and left.occ == "self":
                return f"{left.name} is {_plain(right, value_of, trigger)}"
            return f"{describe(left, value_of, trigger)} is {_plain(right, value_of, trigger)}"
        if e.op == "or":
            return "none of " + "; ".join(why_false(a, value_of, trigger) for a in e.args)
    if isinstance(e, m.StateAt):
        return f"{e.state} does not hold"
    return "its condition is false"


def _plain(e: m.Expr, value_of: ValueOf, trigger: str | None) -> str:
    """The other side: a value, a fact with its value."""
    return describe(e, value_of, trigger)


def requirement(e: m.Expr | None, value_of: ValueOf) -> str:
    """What an obligation's condition asks of the act, with the values of the
    act that set it off: ``amount at least $2B``; "" when it asks nothing that
    can be said so (no condition, or one not on the act's own arguments)."""
    if e is None:
        return ""
    if isinstance(e, m.Op) and e.op == "and":
        parts = [requirement(a, value_of) for a in e.args]
        return ", ".join(p for p in parts if p) if all(parts) else ""
    if isinstance(e, m.Op) and e.op in _ASKED:
        left, right = e.args
        if isinstance(left, m.ArgRef) and left.occ == "self" and not _mentions_self(right):
            rel = _ASKED[e.op]
            got = value_of(right)
            if isinstance(got, bool) and e.op in ("==", "!="):
                return left.name if got == (e.op == "==") else f"not {left.name}"
            value = _shown(got, right)
            return f"{left.name} {rel} {value}" if rel else f"{left.name} {value}"
    return ""


def _mentions_self(e: m.Expr) -> bool:
    if isinstance(e, m.ArgRef):
        return e.occ == "self"
    if isinstance(e, m.Op):
        return any(_mentions_self(a) for a in e.args)
    return False
