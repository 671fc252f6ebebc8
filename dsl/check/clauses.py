"""From declarations, clauses and checks as written to their checked model.

``ClausesMixin`` types the events' arguments and the facts' values
(``collect_types``), then builds each state (what starts and ends it), each
clause (its guards, its norms with their triggers and windows, its
consequences), and each check (its formula and givens). The relations
between clauses, exceptions and priorities, are checked in ``structure``.
"""

from __future__ import annotations

import attrs

from dsl import model as m
from dsl import syntax as s
from dsl.check.expressions import ExpressionsMixin, Scope, TimeCtx, conj, fold
from dsl.check.names import MODALITY_WORD, did_you_mean, with_article


class ClausesMixin(ExpressionsMixin):
    # ------------------------------------------------------------ declarations
    def collect_types(self) -> None:
        for name, e in self.events_syn.items():
            params: list[tuple[str, m.Type]] = []
            seen: set[str] = set()
            for p in e.params:
                if p.name in seen:
                    self.error("duplicate-name", f"argument `{p.name}` of {name} is declared twice", p.span)
                    continue
                seen.add(p.name)
                t = self.resolve_type(p.type)
                params.append((p.name, t if t is not None else m.ERROR))
            actors = tuple(a for a in (self.resolve_actor(x) for x in e.actors) if a is not None)
            self.events[name] = m.Event(name, tuple(params), actors, e.description, span=e.span)
        for name, f in self.facts_syn.items():
            t = self.resolve_type(f.type)
            if t is None:
                continue
            value: m.Const | None = None
            if f.value is not None:
                v = self.expr(f.value, Scope(), None, allow_state=False)
                if v is not None:
                    folded = fold(v, self.facts)
                    if not isinstance(folded, m.Const):
                        self.error(
                            "unsupported", f"the value of fact {name} must be a constant", f.value.span
                        )
                    elif self.compatible(t, folded.type, f.value.span, f"fact {name}"):
                        value = m.Const(folded.value, t, span=folded.span, text=folded.text)
            self.facts[name] = m.Fact(name, t, value, f.description, span=f.span)

    # ------------------------------------------------------------ states
    def states(self) -> dict[str, m.State]:
        out: dict[str, m.State] = {}
        for name, st in self.states_syn.items():
            initial = False
            sd: list[int] = []
            ed: list[int] = []
            se: list[str] = []
            ee: list[str] = []
            for tp, days, evs in ((st.starts, sd, se), (st.ends, ed, ee)):
                for p in tp:
                    if p.kind == "effective":
                        if tp is st.starts:
                            initial = True
                        else:
                            self.error("unsupported", "a state cannot end on the effective date", p.span)
                    elif p.kind == "date":
                        assert p.date is not None
                        days.append(m.day(p.date))
                    else:
                        assert p.event is not None
                        if p.event not in self.events_syn:
                            self.name_as_event(p.event, p.span)
                        else:
                            self.used.add(p.event)
                            evs.append(p.event)
            out[name] = m.State(
                name, st.description, initial, tuple(sd), tuple(ed), tuple(se), tuple(ee), span=st.span
            )
        return out

    # ------------------------------------------------------------ clauses
    def trigger(self, t: s.Trigger, scope: Scope) -> m.Trigger | None:
        if t.violation_of is not None:
            if t.violation_of not in self.clauses_syn:
                self.error(
                    "undefined-clause",
                    f"there is no clause {t.violation_of}",
                    t.span,
                    hint=did_you_mean(t.violation_of, self.clauses_syn),
                )
                return None
            return m.Trigger(violation_of=t.violation_of, span=t.span)
        assert t.pattern is not None
        ev = self.events.get(t.pattern.event)
        if ev is None:
            if t.pattern.event not in self.events_syn:
                self.name_as_event(t.pattern.event, t.pattern.span)
            return None
        self.used.add(ev.name)
        cond = self.pattern(t.pattern, ev, "trigger", scope)
        if t.where is not None:
            w = self.expr(t.where, scope, None)
            if w is not None and self.want_bool(w, t.where.span):
                cond = conj([c for c in (cond, w) if c is not None])
        actor = self.resolve_actor(t.actor) if t.actor is not None else None
        if actor is not None and t.actor is not None:
            self.can_perform(ev, actor, t.actor.span)
        return m.Trigger(ev.name, actor, cond, span=t.span)

    def clause(self, c: s.Clause) -> m.Clause | None:
        guards = m.Guards()
        for g in c.guards:
            if g.kind == "while":
                assert g.cond is not None
                w = self.expr(g.cond, Scope(), None)
                if w is not None and self.want_bool(w, g.cond.span):
                    prev = guards.while_cond
                    guards = attrs.evolve(
                        guards, while_cond=w if prev is None else m.Op("and", (prev, w), m.BOOL)
                    )
            elif g.kind == "from":
                assert g.date is not None
                d = self.date_ref(g.date)
                if d is not None:  # several guards all hold: the latest start
                    guards = attrs.evolve(
                        guards, from_day=d if guards.from_day is None else max(d, guards.from_day)
                    )
            elif g.kind == "until_date":
                assert g.date is not None
                d = self.date_ref(g.date)
                if d is not None:  # several guards all hold: the earliest end
                    guards = attrs.evolve(
                        guards, until_day=d if guards.until_day is None else min(d, guards.until_day)
                    )
            elif g.pattern is not None and not g.pattern.args and g.pattern.event in self.facts_syn:
                d = self.date_ref(s.DateRef(name=g.pattern.event, span=g.pattern.span))
                if d is not None:
                    guards = attrs.evolve(
                        guards, until_day=d if guards.until_day is None else min(d, guards.until_day)
                    )
            else:
                assert g.pattern is not None
                t = self.trigger(s.Trigger(pattern=g.pattern, span=g.span), Scope())
                if t is not None:
                    guards = attrs.evolve(guards, until_events=guards.until_events + (t,))
        if (
            guards.from_day is not None
            and guards.until_day is not None
            and guards.until_day < guards.from_day
        ):
            self.error("out-of-period", f"clause {c.id} ends before it starts", c.span)
        norms: list[m.Norm] = []
        conseqs: list[m.Consequence] = []
        if not c.statements:
            self.error(
                "empty-clause",
                f"clause {c.id} says nothing a solver can use",
                c.head_span,
                hint="add a statement such as `Party must not Event(...)`, or make it an exception with one",
            )
        for st in c.statements:
            if isinstance(st, s.Consequence):
                q = self.consequence(c.id, st)
                if q is not None:
                    conseqs.append(q)
            else:
                n = self.norm(c.id, st)
                if n is not None:
                    norms.append(n)
        return m.Clause(
            c.id,
            c.title,
            c.facts,
            c.text,
            c.exception_to,
            c.prevails_over,
            guards,
            c.survives,
            tuple(norms),
            tuple(conseqs),
            span=c.span,
            head_span=c.head_span,
        )

    def consequence(self, cid: str, st: s.Consequence) -> m.Consequence | None:
        t = self.trigger(st.trigger, Scope())
        if st.effect != "terminates":
            assert st.state is not None
            if st.state not in self.states_syn:
                self.not_a(st.state, "state", st.span, self.states_syn)
                return None
            self.used.add(st.state)
        if t is None:
            return None
        return m.Consequence(cid, t, st.effect, st.state, span=st.span)

    def norm(self, cid: str, n: s.Norm) -> m.Norm | None:
        actor = self.resolve_actor(n.actor)
        ev = self.events.get(n.pattern.event)
        if ev is None and n.pattern.event not in self.events_syn:
            self.name_as_event(n.pattern.event, n.pattern.span)
        scope = Scope()
        trig = None
        if n.trigger is not None:
            trig = self.trigger(n.trigger, scope)
            if n.trigger.violation_of is None and trig is None:
                return None
        if ev is None or actor is None:
            return None
        self.used.add(ev.name)
        self.can_perform(ev, actor, n.actor.span)
        cond = self.pattern(n.pattern, ev, "self", scope)
        if n.where is not None:
            w = self.expr(n.where, scope, None)
            if w is not None and self.want_bool(w, n.where.span):
                cond = conj([x for x in (cond, w) if x is not None])
        for v, sp in scope.spans.items():
            if v not in scope.used:
                self.error(
                    "unused-binding",
                    f"`{v}` is bound to an argument but never used",
                    sp,
                    hint=f"use it in a `where` condition, or write the argument as `{scope.vars[v].name}: <value>`",
                )
        within = None
        before = None
        if n.modality == "must":
            if n.within_fact is not None and n.trigger is not None:
                within = self.period(n.within_fact, n.span)
                if within is None:
                    return None
            elif n.within is not None or n.within_fact is not None:
                if n.trigger is None:
                    self.error(
                        "missing-window",
                        "`within` counts from a trigger, and this obligation has none",
                        n.span,
                        hint="write `when Event(...): Party must ... within N days`, or give a date: `before 2025-01-01`",
                    )
                    return None
                assert n.within is not None
                within = n.within.days
                if within is None:
                    self.error(
                        "unsupported",
                        f"`within {n.within}` counts calendar units from a varying date",
                        n.span,
                        hint="write the window in days or weeks",
                    )
                    return None
            elif n.before is not None:
                before = self.date_ref(n.before)
                if before is None:
                    return None
        elif n.trigger is not None and n.modality in ("must_not", "may", "power"):
            self.error(
                "unsupported",
                f"a `when` trigger on {with_article(MODALITY_WORD[n.modality])} is not supported",
                n.span,
                hint="guard the clause with a state instead: `while S`, where the trigger starts S",
            )
            return None
        return m.Norm(cid, n.modality, actor, ev.name, cond, trig, within, before, span=n.span)

    def period(self, name: str, span: s.Span) -> int | None:
        """The days of ``within NAME``: a duration fact the contract gives a value."""
        f = self.facts.get(name)
        if f is None:
            self.undefined(
                name, "fact", span, [k for k, x in self.facts.items() if x.type.name == "duration"]
            )
            return None
        self.used.add(name)
        if f.type.name != "duration":
            self.error(
                "type-mismatch",
                f"`within {name}` needs a duration, and fact {name} is {f.type}",
                span,
                hint="declare the fact `: duration = 30 days`, or write the window: `within 30 days`",
            )
            return None
        if f.value is None:
            self.error(
                "unsupported",
                f"`within {name}` needs fact {name} to have a value: a window left open is not supported",
                span,
                hint=f"give it one (`fact {name}: duration = 30 days`), or write the window: `within 30 days`",
            )
            return None
        return int(f.value.value)  # type: ignore[arg-type]  # a duration is its number of days

    # ------------------------------------------------------------ checks
    def check(self, c: s.Check) -> m.Check | None:
        givens: list[m.Expr] = []
        ok = True
        for g in c.givens:
            x = self.expr(g, Scope(), TimeCtx())
            if x is None or not self.want_bool(x, g.span):
                ok = False
                continue
            givens.append(x)
        body = self.expr(c.body, Scope(), TimeCtx())
        if body is None or not self.want_bool(body, c.body.span) or not ok:
            return None
        return m.Check(c.id, c.title, c.mode, body, tuple(givens), span=c.span)
