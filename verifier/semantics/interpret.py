"""The reference semantics: a checked contract run on one concrete scenario.

From ``dsl.model.Contract`` + ``dsl.scenario.Scenario`` to a ``Timeline``. This
module is the executable form of docs/semantics.md and is written to be read
against it; the Z3 encoding (``verifier.smt``) must agree with it, and every
scenario the solver returns is replayed here before it is shown.

The rules in one place (docs/semantics.md has the long form):
- an event's effect on states counts from the next day; on one day, an end
  beats a start;
- an act subject to a power is effective only when its actor holds an
  applicable power; an ineffective act changes nothing, but a prohibition
  still applies to the attempt;
- a prohibition or permission is decided per occurrence by its exception
  tree: the most specific applicable clause decides; disagreeing applicable
  exceptions of equal priority are a conflict, reported, never resolved;
- an obligation is violated on the last day of its window if no effective
  occurrence fulfilled it; a violation is an event others can react to.

It is over 500 lines because it is one definition, read against one document:
splitting the run of a day across files would hide the order of its rules. The
words that say why a rule did not apply (``why_not_applies`` and the rest) stay
beside the rules, built from the same tests (``_off``), so the two cannot drift;
what is independent of the run (a false condition in words) is in ``reasons``.
"""

from __future__ import annotations

import datetime as _dt
import heapq
from collections.abc import Iterable

import attrs

from dsl import model as m
from dsl.literals import format_date
from dsl.scenario import Occurrence, Scenario
from dsl.values import Val, apply_op
from verifier.budget import Budget
from verifier.semantics.reasons import requirement, why_false


class MissingFact(Exception):
    """A fact the contract leaves open and the scenario does not give."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


@attrs.frozen
class Violation:
    clause: str  # the clause that decided (the prohibition, or the obligation)
    root: str  # the top of its exception tree (== clause for obligations)
    party: str
    day: int
    kind: str  # "prohibition" | "obligation"
    occurrence: int | None = None  # index into Timeline.events: the forbidden act, or the trigger
    trigger_violation: int | None = None  # for an obligation set off by a violation: its index
    message: str = ""
    # what the message adds to "P violates §N on D", or "": the exceptions that did
    # not cover the act and why; what was due and what was done instead
    why: str = ""


@attrs.frozen
class Conflict:
    day: int
    occurrence: int
    clauses: tuple[str, ...]


@attrs.frozen
class EventResult:
    occ: Occurrence
    effective: bool
    power: str | None  # the clause whose power made it effective
    decisions: tuple[tuple[str, str, str], ...]  # (root, deciding clause, "permitted"|"forbidden")
    why: str = ""  # for an ineffective act: why no power covers it, in words


@attrs.frozen
class Effect:
    day: int  # first day the effect counts
    state: str | None  # None: the contract itself (termination)
    start: bool
    cause: str  # human-readable: "DeclareAGI (§7)"
    clause: str | None = None  # the clause whose consequence it is (None: a state's own declaration)


@attrs.define
class Timeline:
    contract: m.Contract
    scenario: Scenario
    events: list[EventResult] = attrs.field(factory=list)
    violations: list[Violation] = attrs.field(factory=list)
    conflicts: list[Conflict] = attrs.field(factory=list)
    effects: list[Effect] = attrs.field(factory=list)
    fulfilled: list[tuple[str, int, int]] = attrs.field(factory=list)  # (clause, trigger idx, fulfilling idx)
    runner: _Run | None = attrs.field(
        default=None, repr=False, eq=False
    )  # evaluates conditions on this timeline
    # obligations set off whose window closes after the horizon: (clause, start day, last day)
    open_at_horizon: list[tuple[str, int, int]] = attrs.field(factory=list)

    def changes(self) -> list[Effect]:
        """The effects that change something: a state that starts when it did not
        hold the day before, or ends when it did; the contract ending. One per
        state and day."""
        out: list[Effect] = []
        seen: set[tuple[str | None, int]] = set()
        for e in sorted(self.effects, key=lambda e: (e.day, e.state or "")):
            if (e.state, e.day) in seen:
                continue
            if e.state is None:
                if self.in_force(e.day - 1) and not self.in_force(e.day):
                    out.append(e)
                    seen.add((None, e.day))
                continue
            before, after = self.holds(e.state, e.day - 1), self.holds(e.state, e.day)
            if before != after and after == e.start:
                out.append(e)
                seen.add((e.state, e.day))
        return out

    def breach(self, party: str) -> list[Violation]:
        return [v for v in self.violations if v.party == party]

    def holds(self, state: str, day: int) -> bool:
        return holds(self.contract, self.effects, state, day)

    def in_force(self, day: int) -> bool:
        return in_force(self.contract, self.effects, day)


def holds(c: m.Contract, effects: Iterable[Effect], state: str, day: int) -> bool:
    """A state holds on ``day`` when some start counts by then and no end
    counts between that start and ``day`` (an end on the start's day wins)."""
    st = c.states[state]
    starts = [c.effective] if st.initial else []
    starts += list(st.start_days)
    ends = [d + 1 for d in st.end_days]
    for e in effects:
        if e.state == state:
            (starts if e.start else ends).append(e.day)
    return any(a <= day and not any(a <= b <= day for b in ends) for a in starts)


def in_force(c: m.Contract, effects: Iterable[Effect], day: int) -> bool:
    if day < c.effective:
        return False
    return not any(e.state is None and e.day <= day for e in effects)


@attrs.frozen
class _Index:
    """Which clauses can react to what, computed once per contract, so a run
    looks only at the clauses an event, a day or a violation concerns rather
    than at every clause (10,000-clause contracts: bench/README.md)."""

    powered: frozenset[str]
    powers: dict[str, list[tuple[m.Clause, m.Norm]]]  # event -> its powers
    owed_on: dict[str, list[tuple[m.Clause, m.Norm]]]  # event -> obligations it sets off
    dated: list[tuple[m.Clause, m.Norm]]  # obligations with a fixed deadline
    effects_of: dict[str, list[tuple[m.Clause, m.Consequence]]]  # event -> consequences it triggers
    on_violation: dict[str, list[m.Clause]]  # clause -> clauses reacting to its violation
    order: dict[str, int]  # each clause's place in the contract
    roots_on: dict[str, list[m.Clause]]  # event -> tree roots whose own norms forbid or permit it
    children: dict[str, tuple[str, ...]]  # clause -> its exceptions, in the contract's order
    due_on: dict[int, list[tuple[m.Clause, m.Norm]]]  # day -> obligations with a fixed deadline that day

    @staticmethod
    def of(c: m.Contract) -> _Index:
        hit = _INDEXES.pop(id(c), None)
        if hit is not None and hit[0] is c:
            _INDEXES[id(c)] = hit  # now the most recent
            return hit[1]
        powers: dict[str, list[tuple[m.Clause, m.Norm]]] = {}
        owed_on: dict[str, list[tuple[m.Clause, m.Norm]]] = {}
        dated: list[tuple[m.Clause, m.Norm]] = []
        effects_of: dict[str, list[tuple[m.Clause, m.Consequence]]] = {}
        on_violation: dict[str, list[m.Clause]] = {}
        for cl in c.clauses.values():
            reacts: set[str] = set()
            for n in cl.norms:
                if n.modality == "power":
                    powers.setdefault(n.event, []).append((cl, n))
                if n.modality == "must" and n.trigger is not None and n.trigger.event is not None:
                    owed_on.setdefault(n.trigger.event, []).append((cl, n))
                if n.modality == "must" and n.trigger is None and n.before is not None:
                    dated.append((cl, n))
                if n.trigger is not None and n.trigger.violation_of is not None:
                    reacts.add(n.trigger.violation_of)
            for q in cl.consequences:
                if q.trigger.event is not None:
                    effects_of.setdefault(q.trigger.event, []).append((cl, q))
                if q.trigger.violation_of is not None:
                    reacts.add(q.trigger.violation_of)
            for target in sorted(reacts):
                on_violation.setdefault(target, []).append(cl)
        roots_on: dict[str, list[m.Clause]] = {}
        kids: dict[str, list[str]] = {}
        due_on: dict[int, list[tuple[m.Clause, m.Norm]]] = {}
        for cl, n in dated:
            if n.before is not None:
                due_on.setdefault(n.before - 1, []).append((cl, n))
        for cl in c.clauses.values():
            if cl.exception_to is not None:
                kids.setdefault(cl.exception_to, []).append(cl.id)
            elif any(n.modality in ("must_not", "may") for n in cl.norms):
                for ev in dict.fromkeys(n.event for n in cl.norms if n.modality in ("must_not", "may")):
                    roots_on.setdefault(ev, []).append(cl)
        ix = _Index(
            frozenset(powers),
            powers,
            owed_on,
            dated,
            effects_of,
            on_violation,
            {cid: i for i, cid in enumerate(c.clauses)},
            roots_on,
            {k: tuple(v) for k, v in kids.items()},
            due_on,
        )
        if (
            len(_INDEXES) > 256
        ):  # the oldest goes (the whole contract's is used again and again: keep it fresh)
            _INDEXES.pop(next(iter(_INDEXES)))
        _INDEXES[id(c)] = (c, ix)
        return ix


_INDEXES: dict[int, tuple[m.Contract, _Index]] = {}

# the last day of the calendar (9999-12-31): an effect that would count from
# after it never counts, and a deadline after it is never reached
CALENDAR_END = _dt.date.max.toordinal()


class _Run:
    def __init__(self, c: m.Contract, sc: Scenario, budget: Budget | None = None) -> None:
        self.budget = budget
        self.c = c
        self.ix = _Index.of(c)
        self.sc = sc
        self.tl = Timeline(c, sc)
        self.effects: list[Effect] = self.tl.effects
        self.results: dict[int, EventResult] = {}
        self.pending: dict[int, list[_Pending]] = {}  # by deadline, in the order they were set off

    # ------------------------------------------------------------ evaluation
    def fact(self, name: str) -> Val:
        f = self.c.facts[name]
        if f.value is not None:
            return f.value.value
        if name in self.sc.facts:
            return self.sc.facts[name]
        raise MissingFact(name)

    def ev(self, e: m.Expr, day: int, me: Occurrence | None, trig: Occurrence | None) -> Val:
        if isinstance(e, m.Const):
            return e.value
        if isinstance(e, m.ArgRef):
            occ = me if e.occ == "self" else trig
            assert occ is not None, f"unbound {e.occ}.{e.name}"
            return occ.arg(e.name)
        if isinstance(e, m.FactRef):
            return self.fact(e.name)
        if isinstance(e, m.StateAt):
            return holds(self.c, self.effects, e.state, day if e.day is None else e.day)
        if isinstance(e, m.Op):
            if e.op == "and":
                return bool(self.ev(e.args[0], day, me, trig)) and bool(self.ev(e.args[1], day, me, trig))
            if e.op == "or":
                return bool(self.ev(e.args[0], day, me, trig)) or bool(self.ev(e.args[1], day, me, trig))
            if e.op == "implies":
                return (not self.ev(e.args[0], day, me, trig)) or bool(self.ev(e.args[1], day, me, trig))
            return apply_op(e.op, [self.ev(a, day, me, trig) for a in e.args], e.type)
        raise AssertionError(f"not a condition: {type(e).__name__}")

    def cond(self, e: m.Expr | None, day: int, me: Occurrence | None, trig: Occurrence | None = None) -> bool:
        return True if e is None else bool(self.ev(e, day, me, trig))

    def applies(self, cl: m.Clause, day: int) -> bool:
        """Whether a clause applies on ``day``: in force (or surviving), within
        its dates, its `while` condition true, no `until` event before."""
        return self._off(cl, day) is None

    def _off(self, cl: m.Clause, day: int) -> tuple[str, object] | None:
        """The first test of ``applies`` that ``cl`` fails on ``day`` and what
        failed it (None: it applies); ``why_not_applies`` words it."""
        if day < self.c.effective or day > self.c.horizon:
            return ("outside", None)
        if not cl.survives and not in_force(self.c, self.effects, day):
            return ("ended", None)
        g = cl.guards
        if g.from_day is not None and day < g.from_day:
            return ("from", g.from_day)
        if g.until_day is not None and day > g.until_day:
            return ("until", g.until_day)
        if g.while_cond is not None and not self.cond(g.while_cond, day, None):
            return ("while", None)
        for t in g.until_events:
            for r in self.results.values():
                if r.occ.day < day and r.effective and self.trigger_matches(t, r.occ):
                    return ("until-event", r.occ)
        return None

    def trigger_matches(self, t: m.Trigger, o: Occurrence) -> bool:
        if t.event != o.event:
            return False
        if t.actor is not None and not m.acts_for(o.actor, t.actor):
            return False
        return self.cond(t.cond, o.day, None, o)

    # ------------------------------------------------------------ per occurrence
    def is_effective(self, o: Occurrence) -> tuple[bool, str | None]:
        if o.event not in self.ix.powered:
            return True, None
        for cl, n in self.ix.powers[o.event]:  # in the contract's order
            if m.acts_for(o.actor, n.actor):
                if self.applies(cl, o.day) and self.cond(n.cond, o.day, o):
                    return True, cl.id
        return False, None

    def node_value(self, cl: m.Clause, o: Occurrence) -> tuple[str, m.Norm] | None:
        if not self.applies(cl, o.day):
            return None
        for n in cl.norms:
            if n.modality in ("must_not", "may") and n.event == o.event and m.acts_for(o.actor, n.actor):
                if self.cond(n.cond, o.day, o):
                    return ("forbidden" if n.modality == "must_not" else "permitted", n)
        return None

    def decide(self, cl: m.Clause, o: Occurrence) -> tuple[str, str, m.Norm | None, tuple[str, ...]] | None:
        """(value, deciding clause, its norm, conflicting clauses) or None if
        the clause does not apply to this occurrence. A walk down the exception
        tree with a stack of its own (chains are as deep as the contract makes
        them), each clause decided once its exceptions are."""
        Decision = tuple[str, str, m.Norm | None, tuple[str, ...]]
        done: dict[str, Decision | None] = {}
        own: dict[str, tuple[str, m.Norm]] = {}
        stack: list[tuple[str, int]] = [(cl.id, 0)]
        while stack:
            cid, i = stack.pop()
            if i == 0:
                value = self.node_value(self.c.clauses[cid], o)
                if value is None:
                    done[cid] = None
                    continue
                own[cid] = value
            kids = self.ix.children.get(cid, ())
            if i < len(kids):
                stack.append((cid, i + 1))
                stack.append((kids[i], 0))
                continue
            below = [(k, r) for k in kids if (r := done.pop(k)) is not None]
            done[cid] = self._decided(cid, own.pop(cid), below)
        return done[cl.id]

    def _decided(
        self,
        cid: str,
        own: tuple[str, m.Norm],
        below: list[tuple[str, tuple[str, str, m.Norm | None, tuple[str, ...]]]],
    ) -> tuple[str, str, m.Norm | None, tuple[str, ...]]:
        """A clause that applies, decided from its own value and its exceptions' decisions."""
        if not below:
            return (own[0], cid, own[1], ())
        ids = {k for k, _ in below}
        beaten = {x for k, _ in below for x in self.c.clauses[k].prevails_over if x in ids}
        live = [(k, r) for k, r in below if k not in beaten]
        conflicts = tuple(sorted({x for _, r in live for x in r[3]}))
        if conflicts:
            return ("conflict", cid, None, conflicts)
        values = {r[0] for _, r in live}
        if len(values) > 1:
            return ("conflict", cid, None, tuple(sorted(k for k, _ in live)))
        return live[0][1]

    # ------------------------------------------------------------ the run
    def run(self) -> Timeline:
        c = self.c
        events = list(self.sc.events)
        by_day: dict[int, list[int]] = {}
        for i, o in enumerate(events):
            by_day.setdefault(o.day, []).append(i)
        # The agenda: the days on which something can happen, in order. Each
        # day sees the states left by the days before it.
        agenda: list[int] = sorted(set(by_day))
        agenda += [n.before - 1 for _, n in self.ix.dated if n.before is not None]
        heapq.heapify(agenda)
        done: set[int] = set()
        while agenda:
            day = heapq.heappop(agenda)
            if day in done or day > c.horizon or day < c.effective:
                continue
            done.add(day)
            todays = by_day.get(day, [])
            if self.budget is not None and (len(done) % 16 == 0 or len(todays) > 64):
                self.budget.check()  # every 16 days, and before a crowded one (Exhausted)
            first_new = len(self.tl.violations)
            # 1. effectiveness and deontic decisions, all against today's states
            for i in todays:
                self.results[i] = self._decide_event(i, events[i])
            # 2. obligations set off today by effective acts
            for i in todays:
                if self.results[i].effective:
                    self._obligations_from_event(i, events[i], agenda)
            # 3. obligations with a fixed deadline: owed if the clause applies on its last day
            for cl, n in self.ix.due_on.get(day, ()):
                if self.applies(cl, day):
                    self.pending.setdefault(day, []).append(
                        _Pending(day, cl, n, c.effective, None, None, None)
                    )
            # 4. windows closing today; violations and what they set off (repeat:
            #    a violation can set off an obligation due the same day)
            reacted = first_new
            while True:
                for p in self.pending.pop(day, []):
                    self._close(p, events)
                if reacted == len(self.tl.violations):
                    break
                while reacted < len(self.tl.violations):
                    self._reactions_to_violation(reacted, agenda)
                    reacted += 1
            # 5. consequences of today's effective acts count from tomorrow
            for i in todays:
                if self.results[i].effective:
                    self._consequences_of_event(events[i], day)
        self.tl.events = [self.results[k] for k in sorted(self.results)]
        # violations are recorded day by day, so they are in date order already;
        # their indices are referred to (Violation.trigger_violation): no re-sorting
        self.tl.runner = self
        return self.tl

    def _decide_event(self, i: int, o: Occurrence) -> EventResult:
        eff, power = self.is_effective(o)
        why = "" if eff else self.why_ineffective(o)
        decisions = []
        for root in self.ix.roots_on.get(o.event, ()):  # a root that does not rule on the act decides nothing
            r = self.decide(root, o)
            if r is None:
                continue
            value, decider, norm, conflicting = r
            if value == "conflict":
                self.tl.conflicts.append(Conflict(o.day, i, conflicting))
                decisions.append((root.id, ",".join(conflicting), "conflict"))
                continue
            decisions.append((root.id, decider, value))
            if value == "forbidden":
                assert norm is not None
                self.tl.violations.append(
                    Violation(
                        decider,
                        root.id,
                        m.party_of(norm.actor),
                        o.day,
                        "prohibition",
                        i,
                        message=self._why_forbidden(root, decider, o),
                        why="; ".join(self._not_covered(decider, o)),
                    )
                )
        return EventResult(o, eff, power, tuple(decisions), why)

    def _why_forbidden(self, root: m.Clause, decider: str, o: Occurrence) -> str:
        """The prohibition that decided, and why each exception under it did not
        cover the act (the deciding clause's exceptions all failed to apply)."""
        head = (
            f"{o.event} is forbidden by {root.id}"
            if decider == root.id
            else f"{o.event} is forbidden by {decider}, an exception within {root.id}"
        )
        return "; ".join([head, *self._not_covered(decider, o)])

    def _not_covered(self, decider: str, o: Occurrence) -> list[str]:
        """Why each exception of the deciding clause does not decide ``o``."""
        return [self.why_not_ruling(self.c.clauses[k], o) for k in self.ix.children.get(decider, ())]

    # ------------------------------------------------------------ reasons, in words
    def why_not_applies(self, cl: m.Clause, day: int) -> str | None:
        """Why ``cl`` does not apply on ``day``, in words (None: it applies)."""
        off = self._off(cl, day)
        if off is None:
            return None
        kind, what = off
        if isinstance(what, int) and kind in ("from", "until"):
            return f"{cl.id} applies only {kind} {format_date(what)}"
        if kind == "while":
            cond = cl.guards.while_cond
            return f"{cl.id} applies only while its condition holds, and {self._why(cond, day, None, None)}"
        if isinstance(what, Occurrence):
            return f"{cl.id} ended with the {what.event} of {format_date(what.day)}"
        if kind == "ended":
            return f"{cl.id} no longer applies: the contract has ended"
        return f"{format_date(day)} is outside the contract's dates"

    def why_not_ruling(self, cl: m.Clause, o: Occurrence) -> str:
        """Why the exception ``cl`` does not decide the act ``o``, in words."""
        off = self.why_not_applies(cl, o.day)
        if off is not None:
            return off
        about = [n for n in cl.norms if n.modality in ("must_not", "may") and n.event == o.event]
        if not about:
            return f"{cl.id} does not rule on {o.event}"
        mine = [n for n in about if m.acts_for(o.actor, n.actor)]
        if not mine:
            return f"{cl.id} is about {o.event} by {about[0].actor}, not by {o.actor}"
        n = mine[0]
        return f"{cl.id} does not cover it: {self._why(n.cond, o.day, o, None)}"

    def why_ineffective(self, o: Occurrence) -> str:
        """Why no power makes the act ``o`` effective, in words."""
        powers = self.ix.powers.get(o.event, ())
        mine = [(cl, n) for cl, n in powers if m.acts_for(o.actor, n.actor)]
        if not mine:
            holders = ", ".join(dict.fromkeys(f"{n.actor} ({cl.id})" for cl, n in powers))
            return f"{o.actor} holds no power to {o.event}; only {holders} does"
        bits = []
        for cl, n in mine:
            off = self.why_not_applies(cl, o.day)
            bits.append(
                off if off is not None else f"{cl.id} does not cover it: {self._why(n.cond, o.day, o, None)}"
            )
        return f"the power to {o.event} does not cover it: " + "; ".join(bits)

    def _why(self, e: m.Expr | None, day: int, me: Occurrence | None, trig: Occurrence | None) -> str:
        if e is None:
            return "its condition is false"
        return why_false(e, lambda x: self.ev(x, day, me, trig), None if trig is None else trig.event)

    def _obligations_from_event(self, i: int, o: Occurrence, agenda: list[int]) -> None:
        for cl, n in self.ix.owed_on.get(o.event, ()):
            t = n.trigger
            assert t is not None
            if self.trigger_matches(t, o) and self.applies(cl, o.day):
                self._instance(cl, n, o.day, o, i, None, agenda)

    def _instance(
        self,
        cl: m.Clause,
        n: m.Norm,
        start: int,
        trig: Occurrence | None,
        ti: int | None,
        tv: int | None,
        agenda: list[int],
    ) -> None:
        if n.within is not None:
            deadline = start + n.within
        else:
            assert n.before is not None
            deadline = n.before - 1
            if deadline < start:
                return  # set off after its deadline: nothing can be owed
        if deadline > self.c.horizon:
            # the window closes after the horizon: no violation within the bounds
            # (a deadline past the calendar's end is recorded as its last day:
            # it is never reached, see docs/semantics.md)
            self.tl.open_at_horizon.append((cl.id, start, min(deadline, CALENDAR_END)))
            return
        self.pending.setdefault(deadline, []).append(_Pending(deadline, cl, n, start, trig, ti, tv))
        heapq.heappush(agenda, deadline)

    def _close(self, p: _Pending, events: list[Occurrence]) -> None:
        """The last day of a window: every act in it has been decided."""
        n = p.norm
        for j, o2 in enumerate(events):
            if o2.event == n.event and p.start <= o2.day <= p.deadline and m.acts_for(o2.actor, n.actor):
                if self.results[j].effective and self.cond(n.cond, o2.day, o2, p.trig):
                    self.tl.fulfilled.append((p.clause.id, -1 if p.ti is None else p.ti, j))
                    return
        what = f"{n.event} by {n.actor}"
        asked = requirement(n.cond, lambda x: self.ev(x, p.deadline, None, p.trig))
        if asked:
            what += f", {asked},"
        tried = []
        # in date order, then by arguments: the written order of same-day acts does not matter
        for j, o2 in sorted(enumerate(events), key=lambda x: (x[1].day, repr(x[1].args))):
            if o2.event == n.event and p.start <= o2.day <= p.deadline and m.acts_for(o2.actor, n.actor):
                if not self.results[j].effective:
                    tried.append(f"the {o2.event} of {format_date(o2.day)} is ineffective")
                else:
                    tried.append(
                        f"the {o2.event} of {format_date(o2.day)} does not meet it: {self._why(n.cond, o2.day, o2, p.trig)}"
                    )
        done = "; ".join(tried) if tried else "did not happen"
        self.tl.violations.append(
            Violation(
                p.clause.id,
                p.clause.id,
                m.party_of(n.actor),
                p.deadline,
                "obligation",
                p.ti,
                p.tv,
                message=f"{what} was due by {format_date(p.deadline)}"
                + (f"; {done}" if tried else f" and {done}"),
                why=(f"{what} was due" + (f"; {done}" if tried else f" and {done}"))
                if asked or tried
                else "",
            )
        )

    def _reactions_to_violation(self, idx: int, agenda: list[int]) -> None:
        v = self.tl.violations[idx]
        reacting = {cl.id: cl for t in (v.clause, v.root) for cl in self.ix.on_violation.get(t, ())}
        for cl in sorted(reacting.values(), key=lambda cl: self.ix.order[cl.id]):  # in the contract's order
            if not self.applies(cl, v.day):
                continue
            for q in cl.consequences:
                if q.trigger.violation_of in (v.clause, v.root):
                    self._effect(q, v.day + 1, f"violation of {v.clause} ({cl.id})", cl.id)
            for n in cl.norms:
                if (
                    n.modality == "must"
                    and n.trigger is not None
                    and n.trigger.violation_of in (v.clause, v.root)
                ):
                    self._instance(cl, n, v.day, None, None, idx, agenda)

    def _consequences_of_event(self, o: Occurrence, day: int) -> None:
        if day >= CALENDAR_END:
            return  # it would count from after the calendar's last day: never (docs/semantics.md)
        for st in self.c.states.values():
            if o.event in st.start_events:
                self.effects.append(Effect(day + 1, st.name, True, f"{o.event} (state {st.name})"))
            if o.event in st.end_events:
                self.effects.append(Effect(day + 1, st.name, False, f"{o.event} (state {st.name})"))
        for cl, q in self.ix.effects_of.get(o.event, ()):
            if self.trigger_matches(q.trigger, o) and self.applies(cl, day):
                self._effect(q, day + 1, f"{o.event} ({cl.id})", cl.id)

    def _effect(self, q: m.Consequence, day: int, cause: str, clause: str) -> None:
        if day > CALENDAR_END:
            return  # counts from after the calendar's last day: never (docs/semantics.md)
        if q.effect == "terminates":
            self.effects.append(Effect(day, None, False, cause, clause))
        else:
            self.effects.append(Effect(day, q.state, q.effect == "starts", cause, clause))


@attrs.define
class _Pending:
    """An obligation owed: fulfilled by an effective act in [start, deadline]."""

    deadline: int
    clause: m.Clause
    norm: m.Norm
    start: int
    trig: Occurrence | None
    ti: int | None
    tv: int | None


def simulate(c: m.Contract, sc: Scenario, budget: Budget | None = None) -> Timeline:
    """Run the contract on the scenario. Raises ``MissingFact`` when a fact the
    contract leaves open is needed and the scenario does not give it, and
    ``verifier.budget.Exhausted`` when ``budget`` runs out (its time, or its
    memory ceiling: looked at every 16 days of the run)."""
    return _Run(c, sc, budget).run()


# ----------------------------------------------------------------- check formulas


def evaluate(tl: Timeline, e: m.Expr, day: int | None = None) -> bool:
    """The truth of a check formula on this timeline (``day``: the enclosing scope's day)."""
    c = tl.contract
    if isinstance(e, m.Op) and e.op in ("and", "or", "not", "implies"):
        if e.op == "not":
            return not evaluate(tl, e.args[0], day)
        a = evaluate(tl, e.args[0], day)
        if e.op == "and":
            return a and evaluate(tl, e.args[1], day)
        if e.op == "or":
            return a or evaluate(tl, e.args[1], day)
        return (not a) or evaluate(tl, e.args[1], day)
    if isinstance(e, m.Happens):
        return any(_happens(tl, e.event, e.cond, e.actor, e.effective, e.lo, e.hi, r) for r in tl.events)
    if isinstance(e, m.Precedes):  # the earliest match of the first, then a match of the second
        p, q = e.first, e.second
        firsts = [
            r.occ.day for r in tl.events if _happens(tl, p.event, p.cond, p.actor, p.effective, None, None, r)
        ]
        return bool(firsts) and any(
            r.occ.day > min(firsts) and _happens(tl, q.event, q.cond, q.actor, q.effective, None, None, r)
            for r in tl.events
        )
    if isinstance(e, m.BreachAtom):
        hi = e.hi if day is None else day
        return any(
            (e.party is None or v.party == e.party)
            and (e.clause is None or e.clause in (v.clause, v.root))
            and (e.lo is None or v.day >= e.lo)
            and (hi is None or v.day <= hi)
            for v in tl.violations
        )
    if isinstance(e, m.StateAt):
        d = e.day if e.day is not None else day
        assert d is not None
        return tl.holds(e.state, d)
    if isinstance(e, m.AfterEvent):
        for r in tl.events:
            if _happens(tl, e.event, e.cond, e.actor, True, None, None, r):
                for t in range(r.occ.day + 1, c.horizon + 1):
                    if not evaluate(tl, e.body, t):
                        return False
        return True
    if isinstance(e, m.During):
        return all(evaluate(tl, e.body, t) for t in range(e.lo, e.hi + 1))
    # a comparison (over facts and states), in a given or a check
    assert tl.runner is not None
    return bool(tl.runner.ev(e, day if day is not None else c.effective, None, None))


def _happens(
    tl: Timeline,
    event: str,
    cond: m.Expr | None,
    actor: str | None,
    effective: bool,
    lo: int | None,
    hi: int | None,
    r: EventResult,
) -> bool:
    o = r.occ
    if o.event != event or (effective and not r.effective):
        return False
    if actor is not None and not m.acts_for(o.actor, actor):
        return False
    if (lo is not None and o.day < lo) or (hi is not None and o.day > hi):
        return False
    assert tl.runner is not None
    return tl.runner.cond(cond, o.day, o)


def check_holds_on(tl: Timeline, check: m.Check) -> tuple[bool, bool]:
    """(givens hold, body holds) on this timeline."""
    g = all(evaluate(tl, x) for x in check.givens)
    return g, evaluate(tl, check.body)


def replay(c: m.Contract, sc: Scenario) -> tuple[Timeline | None, str | None]:
    """``simulate``, or None and why not (a fact the scenario lacks)."""
    try:
        return simulate(c, sc), None
    except MissingFact as e:
        return None, f"the scenario lacks fact {e.name}"


def index_of(c: m.Contract) -> None:
    """Build (and keep) the interpreter's index of ``c`` now: forked workers inherit it."""
    _Index.of(c)
