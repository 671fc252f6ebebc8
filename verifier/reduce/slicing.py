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
        self.terminators = [
            cl.id for cl in c.clauses.values() if any(q.effect == "terminates" for q in cl.consequences)
        ]
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
        elif isinstance(e, m.Precedes):
            self.expr(e.first)
            self.expr(e.second)

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


def clause_cone(ix: Index, cid: str) -> Slice:
    """What clause ``cid``'s rulings, powers, obligations and effects depend on
    (with its whole exception tree): the slice for the analyses' questions
    about the clause."""
    k = _Cone(ix)
    k.need("clause", cid)
    return k.run()


def cone(ix: Index, exprs: list[m.Expr]) -> Slice:
    k = _Cone(ix)
    for e in exprs:
        k.expr(e)
    return k.run()


def restrict(c: m.Contract, sl: Slice) -> m.Contract:
    """The contract with only the slice's events, states and clauses (order
    kept): a walk over the slice, not over the contract."""
    order = _ORDERS.get(id(c))
    if order is None or order[0] is not c:
        if len(_ORDERS) > 64:
            _ORDERS.pop(next(iter(_ORDERS)))
        order = _ORDERS[id(c)] = (
            c,
            {n: i for i, n in enumerate(c.events)},
            {n: i for i, n in enumerate(c.states)},
            {n: i for i, n in enumerate(c.clauses)},
        )
    _, ev, st, cl = order
    return attrs.evolve(
        c,
        events={n: c.events[n] for n in sorted(sl.events & ev.keys(), key=ev.__getitem__)},
        states={n: c.states[n] for n in sorted(sl.states & st.keys(), key=st.__getitem__)},
        clauses={n: c.clauses[n] for n in sorted(sl.clauses & cl.keys(), key=cl.__getitem__)},
        checks=(),
    )


# contract -> its declaration orders (for restrict), by id with the contract kept
_ORDERS: dict[int, tuple[m.Contract, dict[str, int], dict[str, int], dict[str, int]]] = {}


# ----------------------------------------------------------------- the forward cone (what-if)
#
# The semantic diff asks the reverse question: given what an amendment changed,
# what can read differently? A *node* is one thing a scenario is read into:
#
#   ("clause", id)      the clause's behaviour: whether it applies on each day, how it
#                       rules in its exception tree, its violations, the effects and
#                       obligations it sets off, the powers it grants;
#   ("state", name)     whether the state holds on each day;
#   ("effective", name) whether each occurrence of the event is effective;
#   ("in_force", "")    whether the contract is in force on each day;
#   ("event", name), ("fact", name)   declarations, which read nothing.
#
# ``reads`` lists, for one contract, what each node's value is computed from (the
# interpreter's rules; ``_Cone`` above is the same walk, backwards, and coarser).
# A node that is not itself amended and reads only nodes that read the same in both
# versions reads the same in both, on every scenario (by induction over days and,
# within a day, over the order the interpreter decides things in; the checker
# rejects cycles within a day). So everything outside the forward closure of the
# amended nodes, over the union of both versions' "read by" edges, reads the same.

Node = tuple[str, str]
IN_FORCE: Node = ("in_force", "")


@attrs.frozen
class Reach:
    """The forward cone: what may read differently in two versions."""

    clauses: frozenset[str]
    states: frozenset[str]
    effective: frozenset[str]
    in_force: bool

    @property
    def empty(self) -> bool:
        return not (self.clauses or self.states or self.effective or self.in_force)


def _expr_reads(ix: Index, e: m.Expr | None, out: set[Node]) -> None:
    if e is None:
        return
    if isinstance(e, m.StateAt):
        out.add(("state", e.state))
    elif isinstance(e, m.FactRef):
        out.add(("fact", e.name))
    elif isinstance(e, m.Op):
        for a in e.args:
            _expr_reads(ix, a, out)
    elif isinstance(e, m.Happens):
        out.add(("event", e.event))
        if e.effective:
            out.add(("effective", e.event))
        _expr_reads(ix, e.cond, out)
    elif isinstance(e, m.BreachAtom):
        if e.clause is not None:
            _tree_reads(ix, e.clause, out)
        else:
            out.update(("clause", cid) for cid in ix.duties.get(e.party, ()))
    elif isinstance(e, m.AfterEvent):
        out.update((("event", e.event), ("effective", e.event)))
        _expr_reads(ix, e.cond, out)
        _expr_reads(ix, e.body, out)
    elif isinstance(e, m.During):
        _expr_reads(ix, e.body, out)
    elif isinstance(e, m.Precedes):
        _expr_reads(ix, e.first, out)
        _expr_reads(ix, e.second, out)


def _tree_reads(ix: Index, cid: str, out: set[Node]) -> None:
    """A clause's violations (and its rulings) are decided by its whole exception tree."""
    if cid in ix.c.clauses:
        out.update(("clause", x) for x in ix.trees[ix.roots[cid]])


def _trigger_reads(ix: Index, t: m.Trigger, out: set[Node]) -> None:
    if t.event is not None:
        out.update((("event", t.event), ("effective", t.event)))
    if t.violation_of is not None:
        _tree_reads(ix, t.violation_of, out)
    _expr_reads(ix, t.cond, out)


def reads(ix: Index, node: Node) -> set[Node]:
    """The nodes ``node``'s value is computed from, in ``ix``'s contract."""
    c = ix.c
    kind, name = node
    out: set[Node] = set()
    if kind == "clause":
        cl = c.clauses[name]
        _tree_reads(ix, name, out)  # rulings: the whole tree, in the contract's order
        if not cl.survives:
            out.add(IN_FORCE)
        _expr_reads(ix, cl.guards.while_cond, out)
        for t in cl.guards.until_events:
            _trigger_reads(ix, t, out)
        for n in cl.norms:
            out.add(("event", n.event))
            if n.modality == "must":  # fulfilled by an effective act only
                out.add(("effective", n.event))
            _expr_reads(ix, n.cond, out)
            if n.trigger is not None:
                _trigger_reads(ix, n.trigger, out)
        for q in cl.consequences:
            _trigger_reads(ix, q.trigger, out)
    elif kind == "state":
        st = c.states[name]
        for ev in st.start_events + st.end_events:
            out.update((("event", ev), ("effective", ev)))
        out.update(("clause", cid) for cid in ix.changers.get(name, ()))
    elif kind == "effective":
        out.add(("event", name))
        out.update(("clause", cid) for cid in ix.powers.get(name, ()))  # none: always effective
    elif kind == "in_force":
        out.update(("clause", cid) for cid in ix.terminators)
    return out


def readers(ix: Index) -> dict[Node, set[Node]]:
    """The reverse of ``reads`` over every node of the contract."""
    c = ix.c
    nodes: list[Node] = [("clause", cid) for cid in c.clauses]
    nodes += [("state", s) for s in c.states]
    nodes += [("effective", e) for e in c.events]
    nodes.append(IN_FORCE)
    out: dict[Node, set[Node]] = {}
    for n in nodes:
        for r in reads(ix, n):
            out.setdefault(r, set()).add(n)
    return out


def amended(a: m.Contract, b: m.Contract) -> set[Node] | None:
    """The nodes whose own definition differs between two versions (present in one
    only, or different once source spans, titles, prose and descriptions are set
    aside), or None when the versions differ in what every node reads (dates,
    currency): then everything may differ."""
    if (a.effective, a.horizon, a.currency) != (b.effective, b.horizon, b.currency):
        return None
    out: set[Node] = set()

    def differ(kind: str, xs: dict[str, object], ys: dict[str, object]) -> None:
        for name in set(xs) | set(ys):
            if name not in xs or name not in ys or xs[name] != ys[name]:
                out.add((kind, name))

    def clause_key(cl: m.Clause) -> m.Clause:  # title, source tags and prose are read by no rule
        return attrs.evolve(cl, title="", facts=(), text=())

    differ(
        "clause",
        {k: clause_key(v) for k, v in a.clauses.items()},
        {k: clause_key(v) for k, v in b.clauses.items()},
    )
    differ(
        "event",
        {k: attrs.evolve(v, description=None) for k, v in a.events.items()},
        {k: attrs.evolve(v, description=None) for k, v in b.events.items()},
    )
    differ(
        "state",
        {k: attrs.evolve(v, description=None) for k, v in a.states.items()},
        {k: attrs.evolve(v, description=None) for k, v in b.states.items()},
    )
    differ(
        "fact",
        {k: attrs.evolve(v, description=None) for k, v in a.facts.items()},
        {k: attrs.evolve(v, description=None) for k, v in b.facts.items()},
    )
    # an exception tree rules in the contract's order (the first of agreeing
    # exceptions decides): a clause whose exceptions come in another order rules anew
    ka, kb = _children(a), _children(b)
    for cid in set(a.clauses) & set(b.clauses):
        if ka.get(cid, ()) != kb.get(cid, ()):
            out.add(("clause", cid))
    # kinds and parties: a scenario's values range over both versions' names (one
    # universe), but an event by anyone, or with arguments of a changed kind or of
    # type party, may be done by other actors or with other values in each version
    kinds = {k for k in set(a.kinds) | set(b.kinds) if a.kinds.get(k) != b.kinds.get(k)}
    parties_changed = a.parties != b.parties

    def touched(t: m.Type) -> bool:
        return (
            (t.name == "kind" and t.kind in kinds)
            or (parties_changed and t.name == "party")
            or (t.name == "symbol" and (bool(t.candidates & kinds) or parties_changed))
        )

    for c in (a, b):
        for e in c.events.values():
            if (parties_changed and not e.actors) or any(touched(t) for _, t in e.params):
                out.add(("event", e.name))
        for f in c.facts.values():
            if touched(f.type):
                out.add(("fact", f.name))
    return out


def _children(c: m.Contract) -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    for cl in c.clauses.values():
        if cl.exception_to is not None:
            out.setdefault(cl.exception_to, []).append(cl.id)
    return {k: tuple(v) for k, v in out.items()}


def forward_cone(ia: Index, ib: Index, seeds: set[Node]) -> Reach:
    """Every node of either version that reads, directly or not, an amended node."""
    ra, rb = readers(ia), readers(ib)
    seen = set(seeds)
    todo = list(seeds)
    while todo:
        n = todo.pop()
        for r in ra.get(n, set()) | rb.get(n, set()):
            if r not in seen:
                seen.add(r)
                todo.append(r)

    def pick(kind: str) -> frozenset[str]:
        return frozenset(name for k, name in seen if k == kind)

    # an amended state declaration is in ``seen`` itself; an amended event's
    # effectiveness reads its declaration, so it is there too
    return Reach(pick("clause"), pick("state"), pick("effective"), IN_FORCE in seen)


def observation_cone(ix: Index, reach: Reach) -> Slice:
    """The backward cone, in ``ix``'s contract, of everything ``reach`` observes:
    the violations of its clauses, its states on every day, the effectiveness of
    its events, and the contract's being in force."""
    k = _Cone(ix)
    c = ix.c
    for cid in reach.clauses:
        if cid in c.clauses:
            k.need("clause", cid)
    for s in reach.states:
        if s in c.states:
            k.need("state", s)
    for e in reach.effective:
        if e in c.events:
            k.need("effective", e)
    if reach.in_force:
        for t in ix.terminators:
            k.need("clause", t)
    return k.run()
