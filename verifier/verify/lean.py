"""From a check with "not breach by P" to its lean slice: the expressions to slice it by
without every clause P can violate, and the parties whose breach that leaves out.

A scenario found on a lean slice counts only if the interpreter confirms it on the
whole contract; the slice grows by the clause of the earliest violation that spoiled
it (``LEAN_ROUNDS`` times at most) before the check goes to its whole slice.
"""

from __future__ import annotations

import attrs

from dsl import model as m


@attrs.frozen
class Lean:
    """A check first tried on a lean slice: its whole slice, and what to grow
    the lean one from."""

    whole_exprs: list[m.Expr]  # the check's expressions, to slice it whole by
    exprs: list[m.Expr]  # the lean slice's
    events: set[str]
    parties: set[str | None]  # whose breach the lean slice leaves out (None: anyone's)


# how many times a lean slice grows before the check goes to its whole slice
LEAN_ROUNDS = 4


# lean slices only in contracts this big: in a small one every slice is small,
# and the extra replays cost more than they save (the seed contract: ~20 ms)
LEAN_MIN_CLAUSES = 200


def violation_of(cid: str) -> m.Expr:
    """``violation of cid``, as an expression to slice by."""
    return m.BreachAtom(None, cid)


def lean_parties(check: m.Check) -> set[str | None]:
    """The parties of the "not breach by P" conjuncts ``lean_exprs`` leaves out."""
    out: set[str | None] = set()

    def walk(e: m.Expr) -> None:
        if isinstance(e, m.Op) and e.op == "and":
            for a in e.args:
                walk(a)
        elif (
            isinstance(e, m.Op)
            and e.op == "not"
            and isinstance(e.args[0], m.BreachAtom)
            and e.args[0].clause is None
        ):
            out.add(e.args[0].party)

    if check.mode in ("possible", "never"):
        walk(check.body)
    for g in check.givens:
        walk(g)
    return out


def lean_exprs(check: m.Check) -> list[m.Expr] | None:
    """The expressions to slice ``check`` by when it is first tried on a lean
    slice, or None. A conjunct "not breach by P" (no clause named) pulls every
    clause P can violate into the slice: for a big contract, a quarter of it.
    Leave those conjuncts out of the slicing (the solver still asks them, over
    the violations the lean slice has): a scenario there is kept only if it
    answers the check on the whole contract (the interpreter says so), and no
    scenario there means none in the whole slice, whose question only adds
    "no other breach by P" to it. So: the conjuncts of ``possible``/``never``
    bodies and of every ``given``, which the question asserts; never an
    ``always`` body, which it negates."""

    def drop(e: m.Expr) -> bool:
        return (
            isinstance(e, m.Op)
            and e.op == "not"
            and isinstance(e.args[0], m.BreachAtom)
            and e.args[0].clause is None
        )

    def conjuncts(e: m.Expr) -> list[m.Expr]:
        if isinstance(e, m.Op) and e.op == "and":
            return [x for a in e.args for x in conjuncts(a)]
        return [e]

    parts = [
        *(conjuncts(check.body) if check.mode in ("possible", "never") else []),
        *(x for g in check.givens for x in conjuncts(g)),
    ]
    kept = [x for x in parts if not drop(x)]
    if len(kept) == len(parts):
        return None
    return kept if check.mode in ("possible", "never") else [check.body, *kept]
