"""Interchangeable termination rights: one of each kind is enough in a slice.

Every clause that does not survive termination depends on every clause that
can end the contract, so every check's slice holds every termination right
(bench/README.md: 833 of them in each slice of the 10,000-clause benchmark).
Many are alike: "Alpha has power to Leave7; Leave7 ends the contract", each
about an act of its own that nothing else mentions. Such a right is *plain*:

- it is no exception and has none, prevails over nothing, and has no guards
  but dates (``from``, ``until`` a day);
- its only consequence is that its act, on no condition, ends the contract;
- its only norms are powers over that act, on no condition;
- nothing else in the contract mentions the act (no other clause, no state, and
  not the check being answered).

Within a slice, all that plain rights contribute is *the day the contract
ends*: the earliest day on which one of them is exercised. Two plain rights
with the same shape (the same holders of the power, the same actor on the
trigger, the same parameters and actors of the act, the same survival, the same
dates) offer
the same days, and the earliest of several choices from one set of days is
again one of its days (or none). So the slice keeps the first right of each
shape in the contract's order and drops the rest with their acts: the same
verdicts, and every scenario found is a scenario of the whole contract, which
the interpreter replays as always. What is lost is only which of the alike
rights a witness uses (the first) and that a proof cites the first, not all.
"""

from __future__ import annotations

from typing import Any

import attrs

from dsl import model as m


@attrs.frozen
class Plain:
    """The plain termination rights of a contract: clause id -> (its act, its shape)."""

    rights: dict[str, tuple[str, tuple[Any, ...]]]
    order: dict[str, int]  # each right's place in the contract

    @staticmethod
    def of(c: m.Contract) -> Plain:
        counts = mentions(c)
        has_children = {cl.exception_to for cl in c.clauses.values() if cl.exception_to is not None}
        out: dict[str, tuple[str, tuple[Any, ...]]] = {}
        for cl in c.clauses.values():
            shape = plain_shape(c, cl, has_children)
            if shape is not None and counts.get(shape[0], 0) == 1:
                out[cl.id] = shape
        return Plain(out, {cid: i for i, cid in enumerate(out)})

    def representatives(self, terminators: list[str]) -> list[str]:
        """The termination clauses a cone needs to pull in: every one but the
        plain rights after the first of their shape (a check that mentions
        such a right's act still reaches it, through the act's powers)."""
        seen: set[tuple[Any, ...]] = set()
        out = []
        for cid in terminators:
            right = self.rights.get(cid)
            if right is not None:
                if right[1] in seen:
                    continue
                seen.add(right[1])
            out.append(cid)
        return out

    def reduce(self, sl: Any, check_events: set[str]) -> Any:
        """The slice ``sl`` with one plain right of each shape (see the module)."""
        seen: set[tuple[Any, ...]] = set()
        drop_clauses: set[str] = set()
        drop_events: set[str] = set()
        for cid in sorted(sl.clauses & self.rights.keys(), key=self.order.__getitem__):
            right = self.rights[cid]
            if right[0] in check_events:
                continue
            if right[1] in seen:
                drop_clauses.add(cid)
                drop_events.add(right[0])
            else:
                seen.add(right[1])
        if not drop_clauses:
            return sl
        return attrs.evolve(sl, clauses=sl.clauses - drop_clauses, events=sl.events - drop_events)


def mentions(c: m.Contract) -> dict[str, int]:
    """How many clauses and states name each act (a clause once, whatever it does
    with it). Conditions cannot name acts; only checks can, and a check's acts
    are set aside by the caller."""
    out: dict[str, int] = {}

    def mention(ev: str | None) -> None:
        if ev is not None:
            out[ev] = out.get(ev, 0) + 1

    for cl in c.clauses.values():
        for ev in {n.event for n in cl.norms} | {q.trigger.event for q in cl.consequences if q.trigger.event}:
            mention(ev)  # once per clause
        for t in cl.guards.until_events:
            mention(t.event)
    for st in c.states.values():
        for ev in (*st.start_events, *st.end_events):
            mention(ev)
    return out


def plain_shape(c: m.Contract, cl: m.Clause, has_children: set[str]) -> tuple[str, tuple[Any, ...]] | None:
    """(the act, the shape) of a plain termination right, or None. The caller
    checks that nothing else mentions the act (``mentions``)."""
    if cl.exception_to is not None or cl.id in has_children or cl.prevails_over:
        return None
    g = cl.guards
    if g.while_cond is not None or g.until_events:
        return None
    if len(cl.consequences) != 1:
        return None
    q = cl.consequences[0]
    t = q.trigger
    if q.effect != "terminates" or t.event is None or t.cond is not None or t.violation_of is not None:
        return None
    if any(n.modality != "power" or n.event != t.event or n.cond is not None for n in cl.norms):
        return None
    ev = c.events[t.event]
    shape = (
        tuple(sorted(n.actor for n in cl.norms)),
        t.actor,
        tuple((p, ty.name, ty.kind, ty.currency) for p, ty in ev.params),
        ev.actors,
        cl.survives,
        (g.from_day, g.until_day),  # the same dates offer the same days
    )
    return t.event, shape


def events_of(exprs: list[m.Expr]) -> set[str]:
    """The acts a check's expressions mention."""
    out: set[str] = set()

    def walk(e: Any) -> None:
        if isinstance(e, (m.Happens, m.AfterEvent)):
            out.add(e.event)
        if isinstance(e, m.AfterEvent):
            walk(e.body)
        elif isinstance(e, m.During):
            walk(e.body)
        elif isinstance(e, m.Precedes):
            walk(e.first)
            walk(e.second)
        elif isinstance(e, m.Op):
            for a in e.args:
                walk(a)

    for e in exprs:
        walk(e)
    return out
