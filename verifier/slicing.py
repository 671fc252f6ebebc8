"""From a contract and a question to the part of the contract the question depends on.

A check about Microsoft's access does not need the exclusivity clauses: the
cone of influence of a formula is closed under "what is needed to evaluate
this": the events and states it mentions, the clauses whose violations it
counts, the powers that make its events effective, the clauses whose
consequences change its states, the guards of every clause included, and so
on. Solving on the slice gives the same answers as on the whole contract
(every scenario found is still replayed on the whole contract), at the cost
of the slice only.
"""

from __future__ import annotations

import attrs

from dsl import model as m


@attrs.frozen
class Slice:
    events: frozenset[str]
    states: frozenset[str]
    clauses: frozenset[str]

    @property
    def key(self) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
        return (tuple(sorted(self.events)), tuple(sorted(self.states)), tuple(sorted(self.clauses)))


class Index:
    """What depends on what in one contract, computed once: each cone is then
    as cheap as the slice it finds, not as the whole contract."""

    def __init__(self, c: m.Contract) -> None:
        self.c = c
        self.roots = {cid: self._root(cid) for cid in c.clauses}
        self.trees: dict[str, list[str]] = {}
        for cid, r in self.roots.items():
            self.trees.setdefault(r, []).append(cid)
        self.terminators = [cl.id for cl in c.clauses.values() if any(q.effect == "terminates" for q in cl.consequences)]
        self.powers: dict[str, list[str]] = {}
        self.changers: dict[str, list[str]] = {}
        self.duties: dict[str | None, list[str]] = {}  # party -> clauses that party can violate
        for cl in c.clauses.values():
            for n in cl.norms:
                if n.modality == "power":
                    self.powers.setdefault(n.event, []).append(cl.id)
                if n.modality in ("must_not", "must"):
                    self.duties.setdefault(m.party_of(n.actor), []).append(cl.id)
                    self.duties.setdefault(None, []).append(cl.id)
            for q in cl.consequences:
                if q.state is not None:
                    self.changers.setdefault(q.state, []).append(cl.id)

    def _root(self, cid: str) -> str:
        seen = set()
        while True:
            cl = self.c.clauses[cid]
            if cl.exception_to is None or cl.exception_to not in self.c.clauses or cid in seen:
                return cid
            seen.add(cid)
            cid = cl.exception_to


class _Cone:
    def __init__(self, ix: Index) -> None:
        self.ix = ix
        self.c = ix.c
        self.events: set[str] = set()
        self.states: set[str] = set()
        self.clauses: set[str] = set()
        self.effective: set[str] = set()
        self.todo: list[tuple[str, str]] = []
        self.terminations_added = False

    def need(self, kind: str, name: str) -> None:
        self.todo.append((kind, name))

    def expr(self, e: m.Expr | None) -> None:
        if e is None:
            return
        if isinstance(e, m.StateAt):
            self.need("state", e.state)
        elif isinstance(e, m.Op):
            for a in e.args:
                self.expr(a)
        elif isinstance(e, m.Happens):
            self.need("event", e.event)
            if e.effective:
                self.need("effective", e.event)
            self.expr(e.cond)
        elif isinstance(e, m.BreachAtom):
            self.breach(e.party, e.clause)
        elif isinstance(e, m.AfterEvent):
            self.need("event", e.event)
            self.need("effective", e.event)
            self.expr(e.cond)
            self.expr(e.body)
        elif isinstance(e, m.During):
            self.expr(e.body)

    def breach(self, party: str | None, clause: str | None) -> None:
        if clause is not None:
            # violations of a clause are decided within its tree (or are its own)
            if clause in self.c.clauses:
                for cid in self.ix.trees.get(self.ix.roots[clause], ()):
                    self.need("clause", cid)
            return
        for cid in self.ix.duties.get(party, ()):
            self.need("clause", cid)

    def trigger(self, t: m.Trigger) -> None:
        if t.event is not None:
            self.need("event", t.event)
            self.need("effective", t.event)
        if t.violation_of is not None:
            self.breach(None, t.violation_of)
        self.expr(t.cond)

    def run(self) -> Slice:
        c = self.c
        while self.todo:
            kind, name = self.todo.pop()
            if kind == "event":
                self.events.add(name)
            elif kind == "effective":
                if name in self.effective:
                    continue
                self.effective.add(name)
                self.events.add(name)
                for cid in self.ix.powers.get(name, ()):
                    self.need("clause", cid)
            elif kind == "state":
                if name in self.states:
                    continue
                self.states.add(name)
                st = c.states[name]
                for ev in st.start_events + st.end_events:
                    self.need("effective", ev)
                for cid in self.ix.changers.get(name, ()):
                    self.need("clause", cid)
            elif kind == "clause":
                if name in self.clauses:
                    continue
                self.clauses.add(name)
                cl = c.clauses[name]
                # a whole exception tree decides together
                for cid in self.ix.trees[self.ix.roots[name]]:
                    self.need("clause", cid)
                if not cl.survives and not self.terminations_added:
                    self.terminations_added = True  # once per cone, not once per clause
                    for term in self.ix.terminators:
                        self.need("clause", term)
                self.expr(cl.guards.while_cond)
                for t in cl.guards.until_events:
                    self.trigger(t)
                for n in cl.norms:
                    self.need("event", n.event)
                    if n.modality in ("must", "power"):
                        self.need("effective", n.event)
                    self.expr(n.cond)
                    if n.trigger is not None:
                        self.trigger(n.trigger)
                for q in cl.consequences:
                    self.trigger(q.trigger)
                    if q.state is not None:
                        self.need("state", q.state)
        return Slice(frozenset(self.events), frozenset(self.states), frozenset(self.clauses))


def cone(ix: Index, exprs: list[m.Expr]) -> Slice:
    k = _Cone(ix)
    for e in exprs:
        k.expr(e)
    return k.run()


def restrict(c: m.Contract, sl: Slice) -> m.Contract:
    """The contract with only the slice's events, states and clauses (order kept)."""
    return attrs.evolve(
        c,
        events={n: e for n, e in c.events.items() if n in sl.events},
        states={n: s for n, s in c.states.items() if n in sl.states},
        clauses={n: cl for n, cl in c.clauses.items() if n in sl.clauses},
        checks=(),
    )
