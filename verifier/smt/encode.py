"""From a checked contract to Z3 terms over bounded scenarios.

A scenario is a set of *slots*: for each event, ``k`` slots, each with
``occ`` (it happens), ``day``, ``actor`` and typed arguments. Used slots form a
prefix and their days do not decrease. Everything else is defined from the
slots, following verifier/semantics/interpret.py rule for rule:

- auxiliary booleans name each derived fact (a clause applies at a slot's day,
  a node of an exception tree rules on a slot, an effect counts, a violation
  happens); their definitions refer to each other only backwards in time, so
  they have exactly one solution for each choice of slots;
- every definition that comes from a clause is guarded by that clause's
  activation literal, so an unsat core over those literals names the clauses
  a proof rests on;
- "for every day in a period" is expanded over the finitely many days on which
  the formula can change value (an effect starting, a violation, a fixed
  date), so the encoding stays quantifier-free.

It is over 500 lines because it follows the interpreter rule for rule, in the
same order, so that the two can be read side by side.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Mapping
from fractions import Fraction
from typing import Any

import attrs
import z3

from dsl import model as m
from dsl.literals import Money
from verifier.smt.terms import Terms


@attrs.frozen
class Universe:
    """The names a scenario can use, in a fixed order: actors, parties, kind
    members. Two contracts compared on one scenario share one universe."""

    actors: tuple[str, ...]
    parties: tuple[str, ...]
    kinds: dict[str, tuple[str, ...]]

    @staticmethod
    def of(*cs: m.Contract) -> Universe:
        # dicts as ordered sets: a name is looked up in one step (a list's
        # `in` made 8,000 parties quadratic)
        actors: dict[str, None] = {}
        parties: dict[str, None] = {}
        kinds: dict[str, dict[str, None]] = {}
        for c in cs:
            actors.update(dict.fromkeys(c.actors))
            parties.update(dict.fromkeys(c.parties))
            for k, members in c.kinds.items():
                kinds.setdefault(k, {}).update(dict.fromkeys(members))
        return Universe(tuple(actors), tuple(parties), {k: tuple(v) for k, v in kinds.items()})


@attrs.frozen
class Slot:
    event: str
    index: int
    occ: Any
    day: Any
    actor: Any
    args: dict[str, Any]


@attrs.frozen
class EffectPoint:
    """A state change (or the contract's end: ``state`` None) that counts from ``day``."""

    state: str | None
    start: bool
    active: Any
    day: Any


@attrs.frozen
class ViolationInst:
    """A possible violation: of ``clause`` (within tree ``root``), by ``party``
    (a term over party indices), on ``day``, when ``active``."""

    clause: str
    root: str
    party: Any
    day: Any
    active: Any
    kind: str
    slot: Slot | None = None


class Encoding:
    def __init__(
        self,
        c: m.Contract,
        k: int | Mapping[str, int],
        prefix: str = "",
        universe: Universe | None = None,
        ctx: Any = None,
    ) -> None:
        """``k``: the slots of each event, one number for all or a number per event
        (an event not named gets none: see ``verifier.reduce.bounds``). ``prefix`` names this encoding's derived terms apart from another's,
        so two contracts can share one scenario (slots and facts keep their
        names) in one solver: the semantic diff's miter. ``ctx``: the Z3 context
        of every term (default: Z3's main context); a prover with a context of
        its own answers the same whatever was solved before it in the process."""
        self.ctx = ctx if ctx is not None else z3.main_ctx()
        self.t = Terms(self.ctx)
        self.T = self.t.T
        self.F = self.t.F
        self.c = c
        self.k = k
        self.prefix = prefix
        self.base: list[Any] = []  # unguarded: domains and the slot structure
        # (clause id, name, definition): with the clause the name means its
        # definition; without it (its literal false) the name is false, as if
        # the clause were struck out
        self.guarded: list[tuple[str, Any, Any]] = []
        self.lits = {cid: z3.Bool(f"{prefix}use[{cid}]", self.ctx) for cid in c.clauses}
        u = universe or Universe.of(c)
        self.actors = list(u.actors)
        self.parties = list(u.parties)
        self.kinds = {k: list(v) for k, v in u.kinds.items()}
        # each name's number, found in one step (list.index made a contract
        # of 8,000 parties quadratic)
        self.actor_no = {a: i for i, a in enumerate(self.actors)}
        self.party_no = {p: i for i, p in enumerate(self.parties)}
        self.kind_no = {k: {name: i for i, name in enumerate(v)} for k, v in self.kinds.items()}
        self.facts: dict[str, Any] = {}
        self.slots: dict[str, list[Slot]] = {}
        self._applies: dict[tuple[str, str, int], Any] = {}
        self._n = 0
        self._deferred: list[tuple[str | None, Any, Callable[[], Any]]] = []
        self._holds: dict[tuple[str, int], Any] = {}
        self._final = False
        self._end: Any = None
        self._kids: dict[str, tuple[str, ...]] | None = None
        self._make_slots()
        self._make_facts()
        self.eff: dict[tuple[str, int], Any] = {}
        self.power_uses: dict[tuple[str, int], list[tuple[m.Norm, Slot, Any]]] = {}
        self._effectiveness()
        self.effects: list[EffectPoint] = []
        self.violations: list[ViolationInst] = []
        self.conflicts: list[tuple[str, Slot, Any]] = []
        # clause -> for each slot it could rule on, that it does taken alone: it applies
        # and one of its norms matches (an exception rules only where the clause above
        # it rules too: ``ruling``)
        self.node_defs: dict[str, list[Any]] = {}
        # (clause, event, slot index) -> the clause's own definition on that slot, and
        # each clause's slots in the order of ``node_defs``; no term is made for
        # ``ruling`` until it is asked (a term made here would renumber every later one
        # and could change the scenarios the solver finds for the checks)
        self.node_own: dict[tuple[str, str, int], Any] = {}
        self.node_slots: dict[str, list[Slot]] = {}
        self.obligation_insts: list[tuple[m.Norm, Any, Any]] = []  # (norm, instance, fulfilled)
        self.consequence_fires: dict[str, list[Any]] = {}
        self._effects()
        self._prohibitions()
        self._obligations()
        self._final = True
        self.finalize()

    # ------------------------------------------------------------ basics
    def fresh(self, name: str) -> Any:
        self._n += 1
        return self.t.bool(f"{self.prefix}{name}#{self._n}")

    def assertions(self) -> list[Any]:
        """What a solver of this encoding holds: the base, and each clause's
        definitions behind its literal (with the clause the name means its
        definition; struck out, it is false)."""
        t = self.t
        return [*self.base, *(t.eq(v, t.and_(self.lits[cid], d)) for cid, v, d in self.guarded)]

    def all_slots(self) -> list[Slot]:
        return [s for ss in self.slots.values() for s in ss]

    def define(self, cid: str | None, name: str, definition: Callable[[], Any]) -> Any:
        """A named boolean, defined once every effect and violation is known
        (definitions read states, and states read every effect)."""
        v = self.fresh(name)
        self._deferred.append((cid, v, definition))
        return v

    def finalize(self) -> None:
        i = 0
        while i < len(self._deferred):  # a definition may defer more: in order, each once
            cid, v, fn = self._deferred[i]
            i += 1
            if cid is None:
                self.base.append(v == fn())
            else:
                self.guarded.append((cid, v, fn()))
        self._deferred.clear()

    def _sort_domain(self, t: m.Type, v: Any) -> list[Any]:
        c = self.c
        if t.name == "kind":
            assert t.kind is not None
            return [v >= 0, v < len(self.kinds[t.kind])]
        if t.name == "party":
            return [v >= 0, v < len(self.parties)]
        if t.name == "date":
            return [v >= c.effective, v <= c.horizon]
        if t.name in ("money", "duration"):
            return [v >= 0]
        if t.name == "percent":
            return [v >= 0]
        return []

    def _var(self, name: str, t: m.Type) -> Any:
        if t.name == "bool":
            return z3.Bool(name, self.ctx)
        if t.name == "percent":
            return z3.Real(name, self.ctx)
        return z3.Int(name, self.ctx)

    def _make_slots(self) -> None:
        c = self.c
        for e in c.events.values():
            allowed = sorted({self.actor_no[a] for a in (e.actors or c.actors)})
            ss: list[Slot] = []
            for i in range(self.k if isinstance(self.k, int) else self.k.get(e.name, 0)):
                tag = f"{e.name}[{i}]"
                occ = self.t.bool(f"occ.{tag}")
                day = self.t.intvar(f"day.{tag}")
                actor = self.t.intvar(f"actor.{tag}")
                args = {p: self._var(f"{p}.{tag}", t) for p, t in e.params}
                mk = self.t
                self.base += [
                    mk.ge(day, c.effective),
                    mk.le(day, c.horizon),
                    self._one_of(actor, allowed),
                ]
                for p, t in e.params:
                    self.base += self._sort_domain(t, args[p])
                if ss:
                    prev = ss[-1]
                    self.base += [mk.implies(occ, prev.occ), mk.implies(occ, mk.le(prev.day, day))]
                ss.append(Slot(e.name, i, occ, day, actor, args))
            self.slots[e.name] = ss

    def _one_of(self, v: Any, numbers: list[int]) -> Any:
        """``v`` is one of ``numbers`` (sorted, no repeats): a range when they
        run without a gap (an event by anyone: every actor), else each."""
        if not numbers:
            return self.F
        if numbers[-1] - numbers[0] == len(numbers) - 1 and len(numbers) > 2:
            return self.t.and_([self.t.ge(v, numbers[0]), self.t.le(v, numbers[-1])])
        return self.t.or_([self.t.eq(v, n) for n in numbers])

    def _make_facts(self) -> None:
        for f in self.c.facts.values():
            if f.value is not None:
                self.facts[f.name] = self.const(f.value.value, f.type)
            else:
                v = self._var(f"fact.{f.name}", f.type)
                self.base += self._sort_domain(f.type, v)
                self.facts[f.name] = v

    # ------------------------------------------------------------ values
    def const(self, v: m.ConstValue, t: m.Type) -> Any:
        if isinstance(v, bool):
            return z3.BoolVal(v, self.ctx)
        if isinstance(v, Money):
            return z3.IntVal(v.cents, self.ctx)
        if isinstance(v, Fraction):
            return z3.RealVal(v, self.ctx) if t.name == "percent" else z3.IntVal(int(v), self.ctx)
        if isinstance(v, str):
            return z3.IntVal(self.symbol_index(v, t), self.ctx)
        return z3.IntVal(v, self.ctx)

    def symbol_index(self, name: str, t: m.Type) -> int:
        if t.name == "kind":
            assert t.kind is not None
            return self.kind_no[t.kind][name]
        if t.name == "party":
            return self.party_no[name]
        raise AssertionError(f"no index for {name} as {t}")

    def acts_for(self, actor: Any, holder: str) -> Any:
        return self.t.or_(
            [self.t.eq(actor, i) for i, a in enumerate(self.actors) if m.acts_for(a, holder)] or [self.F]
        )

    def party_of_actor(self, actor: Any) -> Any:
        """The number of the party ``actor`` (a number) is or belongs to.
        Actors come as each party followed by its bodies, so that number is
        the actor's less the bodies up to it: a term as large as the number
        of bodies, not of parties (a chain of 8,000 if-then-elses is slow to
        assert). Universes of two contracts can be in another order: then
        one if-then-else per actor."""
        bodies = [i for i, a in enumerate(self.actors) if "." in a]
        if all(
            self.party_no[m.party_of(a)] == i - bisect_right(bodies, i) for i, a in enumerate(self.actors)
        ):
            term: Any = actor
            for b in bodies:
                term = self.t.add(term, self.t.ite(self.t.ge(actor, b), -1, 0))
            return term
        term = z3.IntVal(0, self.ctx)
        for i, a in enumerate(self.actors):
            term = self.t.ite(self.t.eq(actor, i), self.party_no[m.party_of(a)], term)
        return term

    def term(
        self, e: m.Expr, day: Any, me: Slot | None, trig: Slot | None, t_hint: m.Type | None = None
    ) -> Any:
        """A condition or value at ``day``; ``me``/``trig`` give ArgRef's slots."""
        if isinstance(e, m.Const):
            t = e.type
            if t.name == "symbol":
                assert t_hint is not None, f"symbol {e.value} without a type"
                t = t_hint
            return self.const(e.value, t)
        if isinstance(e, m.ArgRef):
            s = me if e.occ == "self" else trig
            assert s is not None
            return s.args[e.name]
        if isinstance(e, m.FactRef):
            return self.facts[e.name]
        if isinstance(e, m.StateAt):
            return self.holds(e.state, day if e.day is None else z3.IntVal(e.day, self.ctx))
        if isinstance(e, m.Op):
            if e.op == "not":
                return self.t.not_(self.term(e.args[0], day, me, trig))
            if e.op == "neg":
                return -self.term(e.args[0], day, me, trig)
            if e.op in ("and", "or", "implies"):
                a = self.term(e.args[0], day, me, trig)
                b = self.term(e.args[1], day, me, trig)
                return {"and": self.t.and_, "or": self.t.or_, "implies": self.t.implies}[e.op](a, b)
            ta, tb = _type(e.args[0]), _type(e.args[1])
            hint_a = tb if ta.name == "symbol" else None
            hint_b = ta if tb.name == "symbol" else None
            a = self.term(e.args[0], day, me, trig, hint_a)
            b = self.term(e.args[1], day, me, trig, hint_b)
            if e.op == "*":
                return self.mul(a, b, ta, tb, e.type)
            if e.op in ("+", "-"):
                return a + b if e.op == "+" else a - b
            if e.op in ("floor", "ceil"):  # b is a positive whole number: Z3's div rounds down
                return a / b if e.op == "floor" else -((-a) / b)
            if e.op in ("min", "max"):  # as dsl.values: the smaller (larger) of the two
                return z3.If(a <= b if e.op == "min" else a >= b, a, b, self.ctx)
            return {
                "==": lambda: a == b,
                "!=": lambda: a != b,
                "<": lambda: a < b,
                "<=": lambda: a <= b,
                ">": lambda: a > b,
                ">=": lambda: a >= b,
            }[e.op]()
        raise AssertionError(f"not a condition: {type(e).__name__}")

    def mul(self, a: Any, b: Any, ta: m.Type, tb: m.Type, t: m.Type) -> Any:
        if "percent" in (ta.name, tb.name) and t.name != "percent":
            # amounts times a percentage round down to the cent (as dsl.values)
            ra = z3.ToReal(a) if ta.name != "percent" else a
            rb = z3.ToReal(b) if tb.name != "percent" else b
            return z3.ToInt(ra * rb)
        return a * b

    # ------------------------------------------------------------ time
    def in_force(self, day: Any) -> Any:
        """In force on ``day``: from the effective date until the first termination
        counts. Once every effect is known that first day is one integer, ``end``
        (the horizon + 1 if nothing terminates), so each use costs one comparison."""
        t = self.t
        if self._end is not None:
            return t.and_(t.ge(day, self.c.effective), t.lt(day, self._end))
        ends = [p for p in self.effects if p.state is None]
        if not ends:
            return t.ge(day, self.c.effective)
        if not self._final:
            return t.and_(
                [t.ge(day, self.c.effective)] + [t.not_(t.and_(p.active, t.le(p.day, day))) for p in ends]
            )
        end = z3.Int(f"{self.prefix}contract.end", self.ctx)
        never = self.c.horizon + 1
        self.base.append(t.and_([t.implies(p.active, t.le(end, p.day)) for p in ends]))
        self.base.append(
            t.or_(
                [t.and_(t.eq(end, never), *[t.not_(p.active) for p in ends])]
                + [t.and_(p.active, t.eq(end, p.day)) for p in ends]
            )
        )
        self._end = end
        return t.and_(t.ge(day, self.c.effective), t.lt(day, self._end))

    def holds(self, state: str, day: Any) -> Any:
        """Some start counts by ``day`` and no end counts from that start to ``day``."""
        key = (state, day.get_id())
        hit = self._holds.get(key)
        if hit is not None:
            return hit
        st = self.c.states[state]
        starts: list[tuple[Any, Any]] = []
        ends: list[tuple[Any, Any]] = []
        t = self.t
        if st.initial:
            starts.append((self.T, t.int(self.c.effective)))
        starts += [(self.T, t.int(d)) for d in st.start_days]
        ends += [(self.T, t.int(d + 1)) for d in st.end_days]
        for p in self.effects:
            if p.state == state:
                (starts if p.start else ends).append((p.active, p.day))
        term = self.t.or_(
            [
                t.and_(a, t.le(d, day), *[t.not_(t.and_(b, t.le(d, e), t.le(e, day))) for b, e in ends])
                for a, d in starts
            ]
            or [self.F]
        )
        if self._final:
            self._holds[key] = term  # only once every effect is known
        return term

    def applies(self, cl: m.Clause, day: Any) -> Any:
        g = cl.guards
        t = self.t
        conds = [t.ge(day, self.c.effective), t.le(day, self.c.horizon)]
        if not cl.survives:
            conds.append(self.in_force(day))
        if g.from_day is not None:
            conds.append(t.ge(day, g.from_day))
        if g.until_day is not None:
            conds.append(t.le(day, g.until_day))
        if g.while_cond is not None:
            conds.append(self.term(g.while_cond, day, None, None))
        t_ = t
        for trig in g.until_events:
            assert trig.event is not None
            for s in self.slots[trig.event]:
                conds.append(
                    t_.not_(
                        t_.and_(
                            s.occ,
                            self.eff[(s.event, s.index)],
                            t_.lt(s.day, day),
                            self.trigger_match(trig, s),
                        )
                    )
                )
        return self.t.and_(conds)

    def applies_at(self, cl: m.Clause, s: Slot) -> Any:
        """Whether ``cl`` applies on slot ``s``'s day, as a named boolean."""
        key = (cl.id, s.event, s.index)
        if key not in self._applies:
            self._applies[key] = self.define(
                cl.id, f"applies[{cl.id}@{s.event}{s.index}]", lambda: self.applies(cl, s.day)
            )
        return self._applies[key]

    def trigger_match(self, t: m.Trigger, s: Slot) -> Any:
        conds = []
        if t.actor is not None:
            conds.append(self.acts_for(s.actor, t.actor))
        if t.cond is not None:
            conds.append(self.term(t.cond, s.day, None, s))
        return self.t.and_(conds) if conds else z3.BoolVal(True, self.ctx)

    # ------------------------------------------------------------ effectiveness
    def _effectiveness(self) -> None:
        powered = self.c.powered_events
        # define the names first: applicability below may refer to any slot's effectiveness
        for e, ss in self.slots.items():
            for s in ss:
                self.eff[(e, s.index)] = (
                    z3.Bool(f"{self.prefix}eff.{e}[{s.index}]", self.ctx)
                    if e in powered
                    else z3.BoolVal(True, self.ctx)
                )
        for e in [e for e in self.slots if e in powered]:  # the slots' order: a set's would vary by hash seed
            for s in self.slots[e]:
                uses = []
                for cl in self.c.clauses.values():
                    for n in cl.norms:
                        if n.modality == "power" and n.event == e:
                            u = self.define(
                                cl.id,
                                f"power[{cl.id}@{e}{s.index}]",
                                lambda cl=cl, n=n, s=s: self.t.and_(
                                    self.acts_for(s.actor, n.actor),
                                    self.applies_at(cl, s),
                                    self.term(n.cond, s.day, s, None) if n.cond is not None else True,
                                ),
                            )
                            uses.append((n, s, u))
                self.power_uses[(e, s.index)] = uses
                # with every power over the act struck out, it is an ordinary act again
                any_power = self.t.or_([self.lits[n.clause] for n, _, _ in uses] or [self.F])
                self.base.append(
                    self.eff[(e, s.index)]
                    == z3.If(any_power, self.t.or_([u for _, _, u in uses] or [self.F]), True)
                )

    # ------------------------------------------------------------ effects
    def _effects(self) -> None:
        c = self.c
        # state declarations: unconditional, from the next day
        for st in c.states.values():
            for evs, start in ((st.start_events, True), (st.end_events, False)):
                for ev in evs:
                    for s in self.slots[ev]:
                        self.effects.append(
                            EffectPoint(
                                st.name, start, self.t.and_(s.occ, self.eff[(ev, s.index)]), s.day + 1
                            )
                        )
        # consequences of events (violation-triggered ones are added with the violations)
        for cl in c.clauses.values():
            for q in cl.consequences:
                if q.trigger.event is None:
                    continue
                for s in self.slots[q.trigger.event]:
                    active = self.define(
                        cl.id,
                        f"effect[{cl.id}@{s.event}{s.index}]",
                        lambda cl=cl, q=q, s=s: self.t.and_(
                            s.occ,
                            self.eff[(s.event, s.index)],
                            self.trigger_match(q.trigger, s),
                            self.applies_at(cl, s),
                        ),
                    )
                    self.consequence_fires.setdefault(cl.id, []).append(active)
                    self.effects.append(EffectPoint(q.state, q.effect == "starts", active, s.day + 1))

    # ------------------------------------------------------------ prohibitions and permissions
    def _prohibitions(self) -> None:
        c = self.c
        roots = [
            cl
            for cl in c.clauses.values()
            if cl.exception_to is None and any(n.modality in ("must_not", "may") for n in cl.norms)
        ]
        for root in roots:
            events = {n.event for n in root.norms if n.modality in ("must_not", "may")}
            for ev in sorted(events):
                for s in self.slots[ev]:
                    d, f, x, decs = self._node(root, s)
                    if not any(
                        n.modality == "must_not" for cl in self._tree(root) for n in cl.norms if n.event == ev
                    ):
                        continue  # a tree of permissions alone forbids nothing
                    party = self.party_of_actor(s.actor)
                    self.conflicts.append((root.id, s, self.t.and_(s.occ, x)))
                    for cid, t in decs:
                        active = self.define(
                            root.id,
                            f"viol[{cid}@{ev}{s.index}]",
                            lambda s=s, x=x, t=t: self.t.and_(s.occ, self.t.not_(x), t),
                        )
                        self.violations.append(
                            ViolationInst(cid, root.id, party, s.day, active, "prohibition", s)
                        )
                    del d, f

    def ruling(self, cid: str) -> list[Any]:
        """For each slot clause ``cid`` could rule on, that it does: it and every
        clause above it in its exception tree apply and have a norm that matches.
        An exception matters only there: ``_combine`` reads it only under its
        parent's own definition, as the interpreter's ``decide`` walks a tree down
        only from a clause that rules. Made when asked (see ``node_own``)."""
        chain = [cid]
        while (up := self.c.clauses[chain[-1]].exception_to) in self.c.clauses and up not in chain:
            chain.append(up)
        return [
            self.t.and_(s.occ, *[self.node_own.get((x, s.event, s.index), self.F) for x in chain])
            for s in self.node_slots.get(cid, [])
        ]

    def exceptions_to(self, cid: str) -> tuple[str, ...]:
        if self._kids is None:
            kids: dict[str, list[str]] = {}
            for cl in self.c.clauses.values():
                if cl.exception_to is not None:
                    kids.setdefault(cl.exception_to, []).append(cl.id)
            self._kids = {k: tuple(v) for k, v in kids.items()}
        return self._kids.get(cid, ())

    def _tree(self, cl: m.Clause) -> list[m.Clause]:
        """The clause and its exceptions, in pre-order (a stack, not recursion:
        exception chains are as deep as the contract makes them)."""
        out: list[m.Clause] = []
        stack = [cl]
        while stack:
            x = stack.pop()
            out.append(x)
            stack.extend(self.c.clauses[cid] for cid in reversed(self.exceptions_to(x.id)))
        return out

    def _node(self, cl: m.Clause, s: Slot) -> tuple[Any, Any, Any, list[tuple[str, Any]]]:
        """(defined, forbidden, conflict, [(clause, it decided 'forbidden')]) for slot ``s``.
        Each clause's own terms are made on the way down and combined with its
        exceptions' on the way up, in the order a recursive walk would make them
        (so the encoding is the same term for term), with a stack of its own."""
        results: dict[str, tuple[Any, Any, Any, list[tuple[str, Any]]]] = {}
        own: dict[str, tuple[Any, Any]] = {}
        kids_of: dict[str, list[m.Clause]] = {}

        def enter(x: m.Clause) -> list[m.Clause]:
            own[x.id] = self._own(x, s)
            kids = [self.c.clauses[cid] for cid in self.exceptions_to(x.id)]
            kids_of[x.id] = [
                k
                for k in kids
                if any(n.event == s.event and n.modality in ("must_not", "may") for n in k.norms)
            ]
            return kids_of[x.id]

        stack: list[tuple[m.Clause, Any]] = [(cl, iter(enter(cl)))]
        ways: dict[str, tuple[Any, Any, Any, list[tuple[m.Clause, Any]]]] = {}
        while stack:
            x, it = stack[-1]
            k = next(it, None)
            if k is not None:
                stack.append((k, iter(enter(k))))
                continue
            stack.pop()
            results[x.id], ways[x.id] = self._combine(x, own.pop(x.id), kids_of.pop(x.id), results)
        d, f, conflict, _ = results[cl.id]
        return d, f, conflict, self._decisions(cl, ways)

    def _decisions(
        self, cl: m.Clause, ways: dict[str, tuple[Any, Any, Any, list[tuple[m.Clause, Any]]]]
    ) -> list[tuple[str, Any]]:
        """[(clause, it decided 'forbidden')] over the tree of ``cl``, in pre-order,
        from the top down: a clause decides when every clause above it applies, each
        step down is to a live exception with no live one before it (when live
        exceptions agree, the first in the contract's order decides, as the
        interpreter), and no exception of its own is live. Each step's term is made
        once (top-down), not again for every clause below it."""
        out: list[tuple[str, Any]] = []
        todo: list[tuple[str, Any]] = [(cl.id, None)]
        while todo:
            cid, above = todo.pop()
            own_def, any_live, own_forb, kids = ways[cid]
            here = own_def if above is None else self.t.and_(above, own_def)
            out.append((cid, self.t.and_(here, self.t.not_(any_live), own_forb)))
            steps = []
            earlier: list[Any] = []
            for k, live in kids:
                steps.append((k.id, self.t.and_(here, live, *[self.t.not_(e) for e in earlier])))
                earlier.append(live)
            todo.extend(reversed(steps))
        return out

    def _own(self, cl: m.Clause, s: Slot) -> tuple[Any, Any]:
        """(defined, forbidden) by clause ``cl``'s own norms, for slot ``s``."""
        norms = [n for n in cl.norms if n.modality in ("must_not", "may") and n.event == s.event]
        matches = [
            self.define(
                cl.id,
                f"matches[{cl.id}.{i}@{s.event}{s.index}]",
                lambda n=n: self.t.and_(
                    self.acts_for(s.actor, n.actor),
                    self.term(n.cond, s.day, s, None) if n.cond is not None else True,
                ),
            )
            for i, n in enumerate(norms)
        ]
        own_def = self.t.and_(self.applies_at(cl, s), self.t.or_(matches or [self.F]))
        self.node_defs.setdefault(cl.id, []).append(self.t.and_(s.occ, own_def))
        self.node_own[(cl.id, s.event, s.index)] = own_def
        self.node_slots.setdefault(cl.id, []).append(s)
        own_forb: Any = z3.BoolVal(False, self.ctx)
        for n, mt in reversed(list(zip(norms, matches, strict=True))):
            own_forb = self.t.ite(mt, n.modality == "must_not", own_forb)
        return own_def, own_forb

    def _combine(
        self,
        cl: m.Clause,
        mine: tuple[Any, Any],
        kids: list[m.Clause],
        results: dict[str, tuple[Any, Any, Any, list[tuple[str, Any]]]],
    ) -> tuple[tuple[Any, Any, Any, list[tuple[str, Any]]], tuple[Any, Any, Any, list[tuple[m.Clause, Any]]]]:
        """A clause's node from its own terms and its exceptions' nodes, and the
        terms ``_decisions`` walks down with (its own, whether an exception is
        live, its own ruling, each exception with whether it is live)."""
        own_def, own_forb = mine
        live = {}
        for k in kids:
            beaten_by = [results[o.id][0] for o in kids if k.id in o.prevails_over]
            live[k.id] = self.t.and_(results[k.id][0], *[self.t.not_(b) for b in beaten_by])
        any_live = self.t.or_([live[k.id] for k in kids] or [self.F])
        some_forb = self.t.or_([self.t.and_(live[k.id], results[k.id][1]) for k in kids] or [self.F])
        some_perm = self.t.or_(
            [self.t.and_(live[k.id], self.t.not_(results[k.id][1])) for k in kids] or [self.F]
        )
        kid_conf = self.t.or_([self.t.and_(live[k.id], results[k.id][2]) for k in kids] or [self.F])
        conflict = self.t.and_(own_def, self.t.or_(kid_conf, self.t.and_(some_forb, some_perm)))
        forbidden = self.t.and_(own_def, z3.If(any_live, some_forb, own_forb))
        for k in kids:
            results.pop(k.id)
        return (own_def, forbidden, conflict, []), (
            own_def,
            any_live,
            own_forb,
            [(k, live[k.id]) for k in kids],
        )

    # ------------------------------------------------------------ obligations
    def _obligations(self) -> None:
        c = self.c
        pending = [(cl, n) for cl in c.clauses.values() for n in cl.norms if n.modality == "must"]
        done_violation_triggered: set[tuple[str, int]] = set()
        # event-triggered and dated obligations first; violation-triggered ones
        # are instantiated per violation, repeatedly, as new violations appear
        # (the checker rejects cycles, so this ends)
        for cl, n in pending:
            if n.trigger is not None and n.trigger.event is not None:
                for s in self.slots[n.trigger.event]:
                    inst = self.define(
                        cl.id,
                        f"owed[{cl.id}@{s.event}{s.index}]",
                        lambda cl=cl, n=n, s=s: self.t.and_(
                            s.occ,
                            self.eff[(s.event, s.index)],
                            self.trigger_match(n.trigger, s),
                            self.applies_at(cl, s),
                        ),
                    )
                    self._owe(cl, n, inst, s.day, s)
            elif n.trigger is None and n.before is not None:
                due = n.before - 1
                inst = self.define(
                    cl.id, f"owed[{cl.id}]", lambda cl=cl, due=due: self.applies(cl, z3.IntVal(due, self.ctx))
                )
                self._owe(cl, n, inst, z3.IntVal(c.effective, self.ctx), None)
        # violation-triggered consequences and obligations: each violation in
        # turn (new ones are appended as obligations are owed, and taken in
        # their turn; the checker rejects cycles, so this ends), each reacting
        # clause found by index rather than by scanning the contract
        order = {cid: i for i, cid in enumerate(c.clauses)}
        reactors: dict[str, list[tuple[int, int, int, m.Clause]]] = {}
        for cl in c.clauses.values():
            for qi, q in enumerate(cl.consequences):
                if q.trigger.violation_of is not None:
                    reactors.setdefault(q.trigger.violation_of, []).append((order[cl.id], 0, qi, cl))
            for ni, n in enumerate(cl.norms):
                if n.modality == "must" and n.trigger is not None and n.trigger.violation_of is not None:
                    reactors.setdefault(n.trigger.violation_of, []).append((order[cl.id], 1, ni, cl))
        vi = 0
        while vi < len(self.violations):
            v = self.violations[vi]
            found = reactors.get(v.clause, []) + (reactors.get(v.root, []) if v.root != v.clause else [])
            for _, kind, i, cl in sorted(found, key=lambda x: x[:3]):
                if kind == 0:
                    q = cl.consequences[i]
                    if (f"{cl.id}/q{i}", vi) in done_violation_triggered:
                        continue
                    done_violation_triggered.add((f"{cl.id}/q{i}", vi))
                    active = self.define(
                        cl.id,
                        f"effect[{cl.id}@viol{vi}]",
                        lambda cl=cl, v=v: self.t.and_(v.active, self.applies(cl, v.day)),
                    )
                    self.consequence_fires.setdefault(cl.id, []).append(active)
                    self.effects.append(EffectPoint(q.state, q.effect == "starts", active, v.day + 1))
                else:
                    n = cl.norms[i]
                    key = (f"{cl.id}/n{i}", vi)
                    if key in done_violation_triggered:
                        continue
                    done_violation_triggered.add(key)
                    inst = self.define(
                        cl.id,
                        f"owed[{cl.id}@viol{vi}]",
                        lambda cl=cl, v=v: self.t.and_(v.active, self.applies(cl, v.day)),
                    )
                    self._owe(cl, n, inst, v.day, None)
            vi += 1

    def _owe(self, cl: m.Clause, n: m.Norm, inst: Any, start: Any, trig: Slot | None) -> None:
        c = self.c
        if n.within is not None:
            deadline = start + n.within
            in_time: Any = z3.BoolVal(True, self.ctx)
        else:
            assert n.before is not None
            deadline = z3.IntVal(n.before - 1, self.ctx)
            in_time = start <= deadline
        fulfil = []
        for s in self.slots[n.event]:
            fulfil.append(
                self.define(
                    cl.id,
                    f"fulfils[{cl.id}@{s.event}{s.index}]",
                    lambda s=s: self.t.and_(
                        s.occ,
                        self.eff[(s.event, s.index)],
                        self.acts_for(s.actor, n.actor),
                        s.day >= start,
                        s.day <= deadline,
                        self.term(n.cond, s.day, s, trig) if n.cond is not None else True,
                    ),
                )
            )
        fulfilled = self.t.or_(fulfil or [self.F])
        self.obligation_insts.append((n, self.t.and_(inst, in_time), fulfilled))
        active = self.define(
            cl.id,
            f"missed[{cl.id}#{len(self.violations)}]",
            lambda: self.t.and_(inst, in_time, self.t.not_(fulfilled), deadline <= c.horizon),
        )
        party = z3.IntVal(self.party_no[m.party_of(n.actor)], self.ctx)
        self.violations.append(ViolationInst(cl.id, cl.id, party, deadline, active, "obligation", trig))

    # ------------------------------------------------------------ check formulas
    def change_days(self, body: m.Expr) -> list[Any]:
        """Every day on which ``body`` (states and breaches on a day) can change value:
        when an effect on one of its states counts, a fixed date of one of them,
        or a violation it asks about."""
        states: set[str] = set()
        breaches: list[m.BreachAtom] = []
        contract_end = False

        def walk(e: m.Expr) -> None:
            nonlocal contract_end
            if isinstance(e, m.StateAt):
                states.add(e.state)
            elif isinstance(e, m.BreachAtom):
                breaches.append(e)
            elif isinstance(e, m.Op):
                for a in e.args:
                    walk(a)

        walk(body)
        out: list[Any] = [p.day for p in self.effects if p.state in states]
        for v in self.violations:
            if any((b.clause is None or b.clause in (v.clause, v.root)) for b in breaches):
                out.append(v.day)
        for name in sorted(states):
            st = self.c.states[name]
            out += [z3.IntVal(d, self.ctx) for d in st.start_days] + [
                z3.IntVal(d + 1, self.ctx) for d in st.end_days
            ]
        seen: set[int] = set()
        unique = []
        for t in out:
            if t.get_id() not in seen:
                seen.add(t.get_id())
                unique.append(t)
        return unique

    def formula(self, e: m.Expr, day: Any = None) -> Any:
        if isinstance(e, m.Op) and e.op in ("and", "or", "not", "implies"):
            args = [self.formula(a, day) for a in e.args]
            return {"and": self.t.and_, "or": self.t.or_, "implies": self.t.implies, "not": self.t.not_}[
                e.op
            ](*args)
        if isinstance(e, m.Happens):
            return self.t.or_(
                [self.happens(s, e.cond, e.actor, e.effective, e.lo, e.hi) for s in self.slots[e.event]]
                or [self.F]
            )
        if isinstance(e, m.Precedes):  # two slots in that order, on different days
            a, b = e.first, e.second
            pairs = [
                self.t.and_(
                    [
                        self.happens(s, a.cond, a.actor, a.effective, None, None),
                        self.happens(u, b.cond, b.actor, b.effective, None, None),
                        s.day < u.day,
                    ]
                )
                for s in self.slots[a.event]
                for u in self.slots[b.event]
                if s is not u
            ]
            return self.t.or_(pairs or [self.F])
        if isinstance(e, m.BreachAtom):
            hi = day if day is not None else (z3.IntVal(e.hi, self.ctx) if e.hi is not None else None)
            terms = []
            for v in self.violations:
                if e.clause is not None and e.clause not in (v.clause, v.root):
                    continue
                conds = [v.active]
                if e.party is not None:
                    conds.append(v.party == self.party_no[e.party])
                if e.lo is not None:
                    conds.append(v.day >= e.lo)
                if hi is not None:
                    conds.append(v.day <= hi)
                terms.append(self.t.and_(conds))
            return self.t.or_(terms or [self.F])
        if isinstance(e, m.StateAt):
            d = z3.IntVal(e.day, self.ctx) if e.day is not None else day
            return self.holds(e.state, d)
        if isinstance(e, m.AfterEvent):
            points = self.change_days(e.body)
            out = []
            for s in self.slots[e.event]:
                trig = self.happens(s, e.cond, e.actor, True, None, None)
                cands = [s.day + 1] + points
                body = self.t.and_(
                    [
                        self.t.implies(self.t.and_(t > s.day, t <= self.c.horizon), self.formula(e.body, t))
                        for t in cands
                    ]
                )
                out.append(self.t.implies(trig, body))
            return self.t.and_(out or [self.T])
        if isinstance(e, m.During):
            cands = [z3.IntVal(e.lo, self.ctx)] + self.change_days(e.body)
            return self.t.and_(
                [self.t.implies(self.t.and_(t >= e.lo, t <= e.hi), self.formula(e.body, t)) for t in cands]
            )
        return self.term(e, day if day is not None else z3.IntVal(self.c.effective, self.ctx), None, None)

    def happens(
        self, s: Slot, cond: m.Expr | None, actor: str | None, effective: bool, lo: int | None, hi: int | None
    ) -> Any:
        conds = [s.occ]
        if effective:
            conds.append(self.eff[(s.event, s.index)])
        if actor is not None:
            conds.append(self.acts_for(s.actor, actor))
        if lo is not None:
            conds.append(s.day >= lo)
        if hi is not None:
            conds.append(s.day <= hi)
        if cond is not None:
            conds.append(self.term(cond, s.day, s, None))
        return self.t.and_(conds)


def _type(e: m.Expr) -> m.Type:
    if isinstance(e, (m.Const, m.ArgRef, m.FactRef, m.Op)):
        return e.type
    return m.BOOL
