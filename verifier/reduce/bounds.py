"""From a contract and a check to how many occurrences of each event a scenario can need.

The small-model argument of docs/semantics.md §14 ("Why a bound suffices"): take any
scenario that answers a check's question (a counterexample of an `always`/`never`
check, a witness of a `possible` one), of any length. Keep only the occurrences its
answer rests on: one for each atom that must stay true, and, for every kept
occurrence, what decides how it is read on its day (the last change of each state
that is started *and* ended by events, the first change of each state changed in one
direction only, the contract's first termination, the first act that ends each
`until E` guard) and what keeps its obligations as they were (the act that fulfilled
each, the reactions to each violation). What is dropped can only remove events and
violations, and removes no state change that the kept ones read, so the smaller
scenario answers the question too. Counting what is kept, clause by clause, gives at
most ``Need.per_event[E]`` occurrences of each event ``E``: a solver that finds no
answer with that many finds none at all.

Where the counting does not end (a state that is started and ended again and again,
each change depending on the state itself; obligations whose fulfilment sets off
the next; a check that reads such a state on every day of a period), no number
follows, ``Need.why_not`` says why in words, and the question is only answered up to
a fixed bound. The argument reads the contract only: no z3 here.

It has over 500 lines because the counting is one recursion over five kinds of
node (an occurrence, a state's deciding change, a violation, its reactions, an
obligation) that the checks, the analyses and the diff of two versions all share;
split, each part would need the others' tables.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from dsl import model as m

# Above this many occurrences of one event the encoding grows faster than it helps:
# such a question is answered up to a fixed bound instead, and says so.
MOST_DERIVED = 8

Vec = dict[str, int]
Node = tuple[str, str]


@attrs.frozen
class Need:
    """What a scenario answering one question can need: ``per_event`` (event ->
    at most that many occurrences; an event not listed needs none), or, when no
    number follows, None and ``why_not``, in words."""

    per_event: tuple[tuple[str, int], ...] | None
    why_not: str | None = None

    def at_most(self) -> dict[str, int] | None:
        return None if self.per_event is None else dict(self.per_event)


class _Endless(Exception):
    def __init__(self, why: str) -> None:
        super().__init__(why)
        self.why = why


def _add(into: Vec, v: Vec, times: int = 1) -> Vec:
    for e, n in v.items():
        into[e] = into.get(e, 0) + n * times
    return into


def _most(vs: Iterable[Vec]) -> Vec:
    out: Vec = {}
    for v in vs:
        for e, n in v.items():
            out[e] = max(out.get(e, 0), n)
    return out


def _reads(e: m.Expr | None, out: set[tuple[str, int | None]]) -> set[tuple[str, int | None]]:
    """The states an expression reads: (state, fixed day or None for "the day it is read on")."""
    if isinstance(e, m.StateAt):
        out.add((e.state, e.day))
    elif isinstance(e, m.Op):
        for a in e.args:
            _reads(a, out)
    return out


class Needs:
    """The counting of the module docstring for one contract (a check's slice)."""

    def __init__(self, c: m.Contract) -> None:
        self.c = c
        cls = c.clauses
        self.root: dict[str, str] = {}
        for cid in cls:
            r, seen = cid, set()
            while cls[r].exception_to in cls and r not in seen:
                seen.add(r)
                r = cls[r].exception_to  # type: ignore[assignment]
            self.root[cid] = r
        self.tree: dict[str, list[str]] = {}
        for cid, r in self.root.items():
            self.tree.setdefault(r, []).append(cid)
        self.trees_on: dict[str, list[str]] = {}  # event -> roots of the trees that rule on it
        self.powers_on: dict[str, list[tuple[m.Clause, m.Norm]]] = {}
        self.owed_on: dict[str, list[tuple[m.Clause, int]]] = {}  # obligations an act sets off
        self.remedies: dict[str, list[tuple[m.Clause, int]]] = {}  # obligations a violation sets off
        self.reacting: dict[str, list[m.Clause]] = {}  # clause -> clauses reacting to its violation
        self.effects_on: dict[str, list[tuple[m.Clause, m.Consequence]]] = {}
        self.fulfils: dict[str, list[m.Norm]] = {}
        self.until_on: dict[str, list[m.Trigger]] = {}
        self.changers: dict[str, list[Node]] = {}  # state -> ("occ", E) | ("viol", X)
        self.directions: dict[str, set[bool]] = {}  # state -> {True: started, False: ended}
        self.terminators: list[Node] = []
        self.dated: list[tuple[m.Clause, int]] = []
        self.untils: list[m.Trigger] = []
        for st in c.states.values():
            for ev in st.start_events:
                self._changes(st.name, True, ("occ", ev))
            for ev in st.end_events:
                self._changes(st.name, False, ("occ", ev))
        for cl in cls.values():
            for t in cl.guards.until_events:
                self.untils.append(t)
                if t.event is not None:
                    self.until_on.setdefault(t.event, []).append(t)
            for i, n in enumerate(cl.norms):
                if n.modality == "power":
                    self.powers_on.setdefault(n.event, []).append((cl, n))
                if n.modality == "must":
                    self.fulfils.setdefault(n.event, []).append(n)
                    if n.trigger is None:
                        self.dated.append((cl, i))
                    elif n.trigger.event is not None:
                        self.owed_on.setdefault(n.trigger.event, []).append((cl, i))
                    elif n.trigger.violation_of is not None:
                        self.remedies.setdefault(n.trigger.violation_of, []).append((cl, i))
                        self.reacting.setdefault(n.trigger.violation_of, []).append(cl)
                if cl.exception_to is None and n.modality in ("must_not", "may"):
                    if cl.id not in self.trees_on.setdefault(n.event, []):
                        self.trees_on[n.event].append(cl.id)
            for q in cl.consequences:
                cause: Node
                if q.trigger.event is not None:
                    self.effects_on.setdefault(q.trigger.event, []).append((cl, q))
                    cause = ("occ", q.trigger.event)
                else:
                    assert q.trigger.violation_of is not None
                    self.reacting.setdefault(q.trigger.violation_of, []).append(cl)
                    cause = ("viol", q.trigger.violation_of)
                if q.effect == "terminates":
                    self.terminators.append(cause)
                elif q.state is not None:
                    self._changes(q.state, q.effect == "starts", cause)
        self.memo: dict[Node, Vec] = {}
        self.stack: list[Node] = []
        # a pair of versions (``of_difference``): the recursion goes through the first,
        # which adds what the second keeps
        self.via: Needs = self
        self.peer: Needs | None = None
        self.background_kept: Vec | Need | None = None  # ``of_acts``' background, once
        self.check_reads: dict[str, set[tuple[str, int | None]]] = {}

    def _changes(self, state: str, start: bool, cause: Node) -> None:
        self.changers.setdefault(state, []).append(cause)
        self.directions.setdefault(state, set()).add(start)

    def toggles(self, state: str) -> bool:
        """Started and ended by events or violations: its value on a day is decided
        by the last change before it, which a scenario may repeat without limit."""
        return len(self.directions.get(state, ())) == 2

    # ------------------------------------------------------------ one question
    def of_check(self, check: m.Check) -> Need:
        """What a scenario answering ``check``'s question (its counterexample or
        witness) can need."""
        self.check_reads, self.background_kept = {}, None
        exprs = [check.body, *check.givens]
        for e in exprs:
            self._pattern_reads(e)
        self.memo = {}  # the check's patterns read states too: counted anew
        try:
            total = self.background()
            for g in check.givens:
                _add(total, self.formula(g, {True}, scoped=False, every_day=False))
            _add(total, self.formula(check.body, {check.mode != "always"}, scoped=False, every_day=False))
        except _Endless as e:
            return Need(None, e.why)
        return self._need(total)

    def of_acts(self, events: Iterable[str], violations: Iterable[str] = ()) -> Need:
        """What a scenario with one occurrence of each of ``events`` and one violation
        of each of ``violations`` (each read as the contract reads it) can need: the
        analyses' questions (a clause rules on an act, a power is used, an obligation
        is set off and met, a remedy is owed). The counting is kept from one call to
        the next (no check's patterns read states here)."""
        if self.check_reads or self.background_kept is None:
            self.check_reads, self.memo = {}, {}
            try:
                self.background_kept = self.background()
            except _Endless as e:
                self.background_kept = Need(None, e.why)
        if isinstance(self.background_kept, Need):
            return self.background_kept
        total = dict(self.background_kept)
        try:
            for ev in events:
                _add(total, self.via.node(("occ", ev)))
            for x in violations:
                _add(total, self.via.node(("viol", x)))
        except _Endless as e:
            return Need(None, e.why)
        return self._need(total)

    def _need(self, total: Vec) -> Need:
        over = sorted((e, n) for e, n in total.items() if n > MOST_DERIVED)
        if over:
            e, n = over[0]
            return Need(
                None,
                f"a scenario could need up to {n} occurrences of {e}, more than the {MOST_DERIVED} "
                "the solver is given",
            )
        return Need(tuple(sorted((e, n) for e, n in total.items() if n > 0 and e in self.c.events)))

    def _pattern_reads(self, e: m.Expr) -> None:
        if isinstance(e, m.Precedes):
            self._pattern_reads(e.first)
            self._pattern_reads(e.second)
        elif isinstance(e, m.Happens | m.AfterEvent):
            self.check_reads.setdefault(e.event, set()).update(_reads(e.cond, set()))
            if isinstance(e, m.AfterEvent):
                self._pattern_reads(e.body)
        elif isinstance(e, m.Op):
            for a in e.args:
                self._pattern_reads(a)
        elif isinstance(e, m.During):
            self._pattern_reads(e.body)

    # ------------------------------------------------------------ what every scenario keeps
    def background(self, states: Iterable[str] | None = None, ends: bool = True) -> Vec:
        """What is kept once for the whole scenario: the first change of each state
        changed in one direction only (one per stretch between its fixed dates), the
        first termination, the first act ending each `until E` guard, and what decides
        each obligation with a fixed deadline. ``states``: only those states' first
        changes, ``ends``: the first termination too (a pair's second version keeps
        only what may read differently from the first)."""
        out: Vec = {}
        only = None if states is None else set(states)
        for name, st in self.c.states.items():
            if only is not None and name not in only:
                continue
            if name in self.changers and not self.toggles(name):
                # only started: the first start after each fixed end (and before the
                # first); only ended: the first end after each fixed start
                if True in self.directions[name]:
                    stretches = 1 + len(st.end_days)
                else:
                    stretches = int(st.initial) + len(st.start_days)
                _add(out, self.via.node(("det", name)), stretches)
        if self.terminators and ends:
            _add(out, _most(self.via.node(t) for t in self.terminators))
        for t in self.untils:
            if t.event is not None:
                _add(out, self.via.node(("occ", t.event)))
            elif t.violation_of is not None:
                _add(out, self.via.node(("viol", t.violation_of)))
        for cl, i in self.dated:
            _add(out, self.via.node(("obl", f"{cl.id}#{i}")))
            _add(out, self._day(_reads(cl.guards.while_cond, set())))
        return out

    # ------------------------------------------------------------ the check's formula
    def formula(self, e: m.Expr, signs: set[bool], scoped: bool, every_day: bool) -> Vec:
        """What keeps ``e`` true (True in ``signs``) or false (False in ``signs``) on
        the smaller scenario where it was so on the scenario. ``every_day``: read on
        every day of a period (an `after` or `from ... until` scope)."""
        out: Vec = {}
        if isinstance(e, m.Op):
            if e.op in ("and", "or"):
                for a in e.args:
                    _add(out, self.formula(a, signs, scoped, every_day))
            elif e.op == "not":
                _add(out, self.formula(e.args[0], {not s for s in signs}, scoped, every_day))
            elif e.op == "implies":
                _add(out, self.formula(e.args[0], {not s for s in signs}, scoped, every_day))
                _add(out, self.formula(e.args[1], signs, scoped, every_day))
            else:  # a comparison: its atoms either way
                for a in e.args:
                    _add(out, self.formula(a, {True, False}, scoped, every_day))
        elif isinstance(e, m.Happens):
            if True in signs:  # one occurrence that matches; none can be added
                _add(out, self.via.node(("occ", e.event)))
        elif isinstance(e, m.Precedes):
            if True in signs:  # the two occurrences in that order; none can be added
                _add(out, self.via.node(("occ", e.first.event)))
                _add(out, self.via.node(("occ", e.second.event)))
        elif isinstance(e, m.BreachAtom):
            if True in signs:  # one violation (the earliest serves every later day)
                _add(out, self._breach(e.party, e.clause))
        elif isinstance(e, m.StateAt):
            if self.toggles(e.state) and (e.day is not None or scoped):
                if every_day and e.day is None:
                    raise _Endless(
                        f"the check reads {e.state} on every day of a period, and {e.state} can start "
                        "and end again and again"
                    )
                _add(out, self.via.node(("det", e.state)))
        elif isinstance(e, m.AfterEvent):
            if True in signs:  # for every occurrence (fewer is fine), on every later day
                _add(out, self.formula(e.body, {True}, True, True))
            if False in signs:  # one occurrence and one day on which the body fails
                _add(out, self.via.node(("occ", e.event)))
                _add(out, self.formula(e.body, {False}, True, False))
        elif isinstance(e, m.During):
            if True in signs:
                _add(out, self.formula(e.body, {True}, True, e.hi > e.lo))
            if False in signs:
                _add(out, self.formula(e.body, {False}, True, False))
        return out

    def _breach(self, party: str | None, clause: str | None) -> Vec:
        if clause is not None:
            return self.via.node(("viol", clause)) if clause in self.c.clauses else {}
        sources = [
            cl.id
            for cl in self.c.clauses.values()
            if any(
                n.modality in ("must", "must_not") and (party is None or m.party_of(n.actor) == party)
                for n in cl.norms
            )
        ]
        return _most(self.via.node(("viol", cid)) for cid in sources)

    # ------------------------------------------------------------ the counting, node by node
    def node(self, n: Node) -> Vec:
        hit = self.memo.get(n)
        if hit is not None:
            return hit
        if n in self.stack:
            loop = self.stack[self.stack.index(n) :] + [n]
            raise _Endless(
                "no number of occurrences follows: "
                + " → ".join(self._label(x) for x in loop)
                + " can repeat without limit"
            )
        self.stack.append(n)
        try:
            kind, name = n
            got = self.way(kind, name)
            if self.peer is not None:  # the other version keeps its own deciders too
                more = self.peer.way(kind, name)
                if more is not None and got is not None and kind == "occ":
                    more = {**more, name: more[name] - 1}  # the occurrence itself, once
                got = more if got is None else _add(dict(got), more or {})
            out = got or {}
        finally:
            self.stack.pop()
        self.memo[n] = out
        return out

    def way(self, kind: str, name: str) -> Vec | None:
        """What this version keeps for node (``kind``, ``name``); None if it has no such
        event, state or clause (a version of a pair that lacks it)."""
        if kind == "occ":
            known = name in self.c.events
        elif kind == "det":
            known = name in self.c.states
        elif kind == "obl":  # an obligation of a clause: the other version's may have other norms
            cid, i = name.rsplit("#", 1)
            norms = self.c.clauses[cid].norms if cid in self.c.clauses else ()
            known = int(i) < len(norms) and norms[int(i)].modality == "must"
        else:
            known = name in self.c.clauses
        if not known:
            return None
        ways = {
            "occ": self._occ,
            "det": self._det,
            "viol": self._viol,
            "react": self._react,
            "obl": self._obl,
        }
        return ways[kind](name)

    def _label(self, n: Node) -> str:
        kind, name = n
        if kind == "occ":
            return name
        if kind == "det":
            return f"the state {name}"
        if kind == "viol":
            return f"a violation of {name}"
        if kind == "react":
            return f"what reacts to a violation of {name}"
        return f"an obligation of {name.split('#')[0]}"

    def _day(self, reads: set[tuple[str, int | None]]) -> Vec:
        """What decides, on one day, the states in ``reads`` that toggle."""
        out: Vec = {}
        for st, _ in sorted(reads, key=lambda r: (r[0], r[1] or 0)):
            if self.toggles(st):
                _add(out, self.via.node(("det", st)))
        return out

    def _occ(self, ev: str) -> Vec:
        """One kept occurrence of ``ev``: itself, what decides how it is read on
        its day, what keeps its obligations, and what reacts to its violations."""
        cls = self.c.clauses
        reads: set[tuple[str, int | None]] = set(self.check_reads.get(ev, ()))
        breaks: set[str] = set()
        for root in self.trees_on.get(ev, ()):
            for cid in self.tree[root]:
                cl = cls[cid]
                _reads(cl.guards.while_cond, reads)
                for n in cl.norms:
                    if n.event == ev and n.modality in ("must_not", "may"):
                        _reads(n.cond, reads)
                        if n.modality == "must_not":
                            breaks |= {cid, root}
        for cl, n in self.powers_on.get(ev, ()):
            _reads(cl.guards.while_cond, reads)
            _reads(n.cond, reads)
        for cl, i in self.owed_on.get(ev, ()):
            _reads(cl.guards.while_cond, reads)
            t = cl.norms[i].trigger
            _reads(t.cond if t else None, reads)
        for cl, q in self.effects_on.get(ev, ()):
            _reads(cl.guards.while_cond, reads)
            _reads(q.trigger.cond, reads)
        for n in self.fulfils.get(ev, ()):
            _reads(n.cond, reads)
        for t in self.until_on.get(ev, ()):
            _reads(t.cond, reads)
        out = _add({ev: 1}, self._day(reads))
        for cl, i in self.owed_on.get(ev, ()):
            _add(out, self.via.node(("obl", f"{cl.id}#{i}")))
        for x in sorted(breaks):
            _add(out, self.via.node(("react", x)))
        return out

    def _obl(self, key: str) -> Vec:
        """One obligation set off: the act that met it, or what reacts to its violation."""
        cid, i = key.rsplit("#", 1)
        n = self.c.clauses[cid].norms[int(i)]
        return _add(_add({}, self.via.node(("occ", n.event))), self.via.node(("react", cid)))

    def _react(self, x: str) -> Vec:
        """One violation of ``x``: how its reactions read the day, and their obligations."""
        reads: set[tuple[str, int | None]] = set()
        for cl in self.reacting.get(x, ()):
            _reads(cl.guards.while_cond, reads)
            for t in [q.trigger for q in cl.consequences] + [n.trigger for n in cl.norms if n.trigger]:
                if t.violation_of == x:
                    _reads(t.cond, reads)
        out = self._day(reads)
        for cl, i in self.remedies.get(x, ()):
            _add(out, self.via.node(("obl", f"{cl.id}#{i}")))
        return out

    def _viol(self, x: str) -> Vec:
        """One violation of ``x`` (decided by it, or within its tree): the worst of its causes."""
        cls = self.c.clauses
        members = self.tree.get(x, [x]) if self.root.get(x) == x else [x]
        causes: list[Vec] = []
        for cid in members:
            for n in cls[cid].norms:
                if n.modality == "must_not":
                    causes.append(self.via.node(("occ", n.event)))
                elif n.modality == "must" and n.trigger is not None:
                    if n.trigger.event is not None:
                        causes.append(self.via.node(("occ", n.trigger.event)))
                    elif n.trigger.violation_of is not None:
                        causes.append(self.via.node(("viol", n.trigger.violation_of)))
                # an obligation with a fixed deadline is kept with the background
        return _most(causes)

    def _det(self, state: str) -> Vec:
        """The change that decides a state on one day: the worst of its changers."""
        return _most(self.via.node(x) for x in self.changers.get(state, ()))


def counted(per_event: tuple[tuple[str, int], ...]) -> str:
    """``1 BuyCompute and 2 DeclareAGI``: occurrences per event, in words."""
    bits = [f"{n} {e}" for e, n in per_event]
    return ", ".join(bits[:-1]) + " and " + bits[-1] if len(bits) > 1 else "".join(bits)


def cut_down(per_event: tuple[tuple[str, int], ...], what: str) -> str:
    """Why an answer at ``per_event`` occurrences covers every course of events, in
    words: ``what`` is the kind of scenario that would decide it otherwise."""
    cut = f"{what} can be cut down to one with"
    if not per_event:
        return f"{cut} no events, and that one was examined"
    return f"{cut} at most {counted(per_event)}, and all of those were examined"


def need_of_check(c: m.Contract, check: m.Check) -> Need:
    return Needs(c).of_check(check)


def of_difference(
    a: m.Contract,
    b: m.Contract,
    clauses: Iterable[str],
    states: Iterable[str],
    effective: Iterable[str],
    in_force: bool = True,
) -> Need:
    """What a scenario on which versions ``a`` and ``b`` read differently can need:
    one observation differs (a violation of one of ``clauses``, a conflict in one
    of their trees, one of ``states`` on a day, the effectiveness of an act of
    ``effective``, the contract's being in force), and the kept occurrences must
    be read as before in *both* versions, so each keeps what either version's
    rules mark (docs/semantics.md §14.1, applied to the pair). What may read
    differently is ``clauses``, ``states``, ``effective`` and ``in_force`` (the
    forward cone of the amendment, ``slicing.forward_cone``); everything else reads
    the same in both versions on every scenario, so its first changes are the same
    occurrences in both and are counted once, in ``a``."""
    na, nb = Needs(a), Needs(b)
    nb.via, na.peer = na, nb
    clauses, states = sorted(set(clauses)), sorted(set(states))
    obs: list[Node] = [("viol", x) for x in clauses]
    for x in clauses:  # a conflict in x's tree: one act the tree rules on
        obs += [("occ", e) for n in (na, nb) for e, roots in n.trees_on.items() if x in roots]
    obs += [("occ", e) for e in sorted(set(effective))]
    obs += [("det", st) for st in states]
    try:
        total = _add(na.background(), nb.background(states, ends=in_force))
        _add(total, _most(na.node(o) for o in obs))
    except _Endless as e:
        return Need(None, e.why)
    events = set(a.events) | set(b.events)
    over = sorted((e, n) for e, n in total.items() if n > MOST_DERIVED)
    if over:
        return Need(
            None,
            f"a scenario could need up to {over[0][1]} occurrences of {over[0][0]}, more than the "
            f"{MOST_DERIVED} the solver is given",
        )
    return Need(tuple(sorted((e, n) for e, n in total.items() if n > 0 and e in events)))
