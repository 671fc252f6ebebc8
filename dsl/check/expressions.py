"""From surface expressions to typed model expressions.

``ExpressionsMixin.expr`` resolves and types one expression: literals, names (a
pattern variable, a fact, a state, an event, a kind member or a party), ``not``,
negation, the binary operators and ``min``/``max``; and, in a check formula only, event
atoms, breaches, dated conditions (``on``/``before``/``after`` a date) and the ``after
Event:`` and ``from ... until ...:`` time scopes. ``pattern``
desugars an event pattern into a condition over the occurrence's arguments,
binding new variables in a ``Scope``; ``TimeCtx`` says on which day or in
which window a check formula is read. ``fold`` folds constant arithmetic,
``conj`` joins conditions with ``and``.

It is over 500 lines because every surface form of an expression is typed here, one
method each, and they call one another (an event atom's pattern, a scope's body).
"""

from __future__ import annotations

import datetime as _dt
from fractions import Fraction

import attrs

from dsl import model as m
from dsl import syntax as s
from dsl.check.names import NamesMixin, did_you_mean, with_article
from dsl.check.types import ORDERED, TypesMixin, arith_type, mul_type, type_of, unify


@attrs.define
class Scope:
    """Pattern variables visible in an expression: name -> the argument bound."""

    vars: dict[str, m.ArgRef] = attrs.field(factory=dict)
    used: set[str] = attrs.field(factory=set)
    spans: dict[str, s.Span] = attrs.field(factory=dict)


@attrs.define
class TimeCtx:
    """Where a check formula is evaluated: a fixed day, the day of an
    enclosing scope ("scope"), or no day; and a window restricting events."""

    day: int | str | None = None
    lo: int | None = None
    hi: int | None = None


class ExpressionsMixin(NamesMixin, TypesMixin):
    def expr(
        self,
        e: s.Expr,
        scope: Scope,
        ctx: TimeCtx | None,
        allow_state: bool = True,
    ) -> m.Expr | None:
        """Resolve and type one expression. ``ctx`` None: a condition (where/while);
        otherwise a check formula."""
        if isinstance(e, s.Literal):
            return self.literal(e)
        if isinstance(e, s.NameRef):
            return self.name(e, scope, ctx, allow_state)
        if isinstance(e, s.Unary):
            a = self.expr(e.operand, scope, ctx, allow_state)
            if a is None:
                return None
            if e.op == "not":
                if type_of(a).name != "bool":
                    self.error(
                        "type-mismatch",
                        "`not` needs a condition",
                        e.operand.span,
                        expected="bool",
                        found=str(type_of(a)),
                    )
                    return None
                return m.Op("not", (a,), m.BOOL, span=e.span)
            if type_of(a).name not in ("int", "money", "duration", "percent"):
                self.error(
                    "type-mismatch", "only numbers and amounts can be negated", e.span, found=str(type_of(a))
                )
                return None
            return m.Op("neg", (a,), type_of(a), span=e.span)
        if isinstance(e, s.Binary):
            return self.binary(e, scope, ctx, allow_state)
        if ctx is None:
            what = {
                s.EventAtom: "an event",
                s.Breach: "a breach",
                s.Timed: "a dated condition",
                s.AfterScope: "an `after` scope",
                s.DuringScope: "a `from ... until` scope",
            }.get(type(e), "this")
            self.error(
                "unsupported",
                f"{what} cannot be used in a `where` or `while` condition",
                e.span,
                hint="conditions speak of the event's arguments, facts and states; use a state, or a guard like `until Event`",
            )
            return None
        if isinstance(e, s.EventAtom):
            return self.event_atom(e, ctx)
        if isinstance(e, s.Breach):
            return self.breach(e, ctx)
        if isinstance(e, s.Timed):
            return self.timed(e, scope, ctx)
        if isinstance(e, s.AfterScope):
            if ctx.day is not None:
                self.error("unsupported", "time scopes cannot be nested", e.span)
                return None
            ev = self.events.get(e.pattern.event)
            if ev is None:
                self.name_as_event(e.pattern.event, e.pattern.span)
                return None
            self.used.add(ev.name)
            cond = self.pattern(e.pattern, ev, "self", Scope(), s_bind=False)
            actor = self.resolve_actor(e.actor) if e.actor is not None else None
            body = self.expr(e.body, scope, TimeCtx(day="scope"))
            if body is None or not self.want_bool(body, e.body.span):
                return None
            return m.AfterEvent(ev.name, cond, actor, body, span=e.span)
        if isinstance(e, s.DuringScope):
            if ctx.day is not None:
                self.error("unsupported", "time scopes cannot be nested", e.span)
                return None
            lo = self.date_ref(e.start)
            hi = self.date_ref(e.end)
            if lo is None or hi is None:
                return None
            if hi < lo:
                self.error("out-of-period", "this period ends before it starts", e.span)
                return None
            body = self.expr(e.body, scope, TimeCtx(day="scope"))
            if body is None or not self.want_bool(body, e.body.span):
                return None
            return m.During(lo, hi, body, span=e.span)
        raise AssertionError(f"unreachable: {type(e).__name__}")

    def want_bool(self, x: m.Expr, span: s.Span) -> bool:
        if type_of(x).name != "bool":
            self.error(
                "type-mismatch", "a condition is expected here", span, expected="bool", found=str(type_of(x))
            )
            return False
        return True

    def literal(self, e: s.Literal) -> m.Const | None:
        v = e.value
        if isinstance(v, bool):
            return m.Const(v, m.BOOL, span=e.span)
        if isinstance(v, int):
            return m.Const(v, m.INT, span=e.span)
        if isinstance(v, s.Money):
            return m.Const(v, m.Type("money", currency=v.currency), span=e.span, text=e.text)
        if isinstance(v, Fraction):
            return m.Const(v, m.PERCENT, span=e.span, text=e.text)
        if isinstance(v, _dt.date):
            return m.Const(m.day(v), m.DATE, span=e.span)
        if isinstance(v, s.Duration):
            d = v.days
            if d is None:
                self.error(
                    "unsupported",
                    f"`{v}` is a calendar duration; only days and weeks can be counted exactly here",
                    e.span,
                    hint=f"write it in days, e.g. `{v.amount * (30 if v.unit == 'month' else 365)} days`, "
                    "or use a date",
                )
                return None
            return m.Const(d, m.DURATION, span=e.span)
        raise AssertionError(f"unreachable literal {v!r}")

    def name(self, e: s.NameRef, scope: Scope, ctx: TimeCtx | None, allow_state: bool) -> m.Expr | None:
        n = e.name
        if n in scope.vars:
            scope.used.add(n)
            ref = scope.vars[n]
            return m.ArgRef(ref.occ, ref.name, ref.type, span=e.span)
        if n in self.facts_syn:
            self.used.add(n)
            f = self.facts.get(n)
            if f is None:
                return None
            return m.FactRef(n, f.type, span=e.span)
        if n in self.states_syn:
            self.used.add(n)
            if not allow_state:
                self.error("wrong-kind", f"`{n}` is a state; a constant is expected here", e.span)
                return None
            if ctx is None:
                return m.StateAt(n, None, span=e.span)
            if ctx.day is None:
                self.error(
                    "missing-window",
                    f"state `{n}` needs a date here",
                    e.span,
                    hint=f"write `{n} on 2027-01-01`, `after Event: {n}` or `from effective until horizon: {n}`; "
                    "a scope covers only the next condition, so write `after E: (A or B)` for more",
                )
                return None
            return m.StateAt(n, ctx.day if isinstance(ctx.day, int) else None, span=e.span)
        if n in self.events_syn:
            if ctx is None:
                self.error("wrong-kind", f"`{n}` is an event; a value or a state is expected here", e.span)
                return None
            return self.event_atom(s.EventAtom(s.Pattern(n, (), span=e.span), span=e.span), ctx)
        cands = frozenset(k for k, d in self.kinds.items() if n in d.members) | (
            frozenset({"party"}) if n in self.parties else frozenset()
        )
        if cands:
            for k in cands:
                self.used.add(k)
            if n in self.parties:
                self.used.add(n)
            if len(cands) == 1:
                (only,) = cands
                t = m.PARTY if only == "party" else m.Type("kind", kind=only)
                return m.Const(n, t, span=e.span)
            return m.Const(n, m.Type("symbol", candidates=cands), span=e.span)
        kind = self.all_names().get(n)
        if kind is not None:
            self.error("wrong-kind", f"`{n}` is {with_article(kind)}; it cannot be used as a value", e.span)
            return None
        cands_all = (
            list(self.facts_syn)
            + list(self.states_syn)
            + list(scope.vars)
            + list(self.parties)
            + [x for d in self.kinds.values() for x in d.members]
        )
        self.error(
            "undefined-name",
            f"`{n}` is not declared",
            e.span,
            hint=did_you_mean(n, cands_all)
            or "declare it as a fact, a state or a kind member, or bind it in the event's pattern",
        )
        return None

    def binary(self, e: s.Binary, scope: Scope, ctx: TimeCtx | None, allow_state: bool) -> m.Expr | None:
        if e.op == "and" and ctx is not None and ctx.day is None:
            return self.conjunction(e, scope, ctx, allow_state)
        a = self.expr(e.left, scope, ctx, allow_state)
        b = self.expr(e.right, scope, ctx, allow_state)
        if a is None or b is None:
            return None
        ta, tb = type_of(a), type_of(b)
        op = e.op
        if op in ("and", "or", "implies"):
            ok = self.want_bool(a, e.left.span) & self.want_bool(b, e.right.span)
            return m.Op(op, (a, b), m.BOOL, span=e.span) if ok else None
        if op in ("==", "!=", "<", "<=", ">", ">="):
            t = unify(ta, tb)
            if t is None:
                self.mismatch(e, ta, tb)
                return None
            if op not in ("==", "!=") and t.name not in ORDERED:
                self.error(
                    "type-mismatch", f"{t} values cannot be ordered with `{op}`", e.span, hint="use == or !="
                )
                return None
            if (
                isinstance(a, m.Const)
                and ta.name == "symbol"
                or isinstance(b, m.Const)
                and tb.name == "symbol"
            ):
                pass
            return m.Op(op, (a, b), m.BOOL, span=e.span)
        if op in ("floor", "ceil"):  # an amount, a number or a duration by a positive whole number
            k = fold(b, self.facts)
            if not (isinstance(k, m.Const) and type(k.value) is int and k.value > 0):
                self.error("unsupported", f"`{op}(A / B)` divides by a positive whole number", e.right.span)
                return None
            if ta.name not in ("int", "money", "duration"):
                self.mismatch(e, ta, tb)
                return None
            return m.Op(op, (a, k), ta, span=e.span)
        if op in ("min", "max"):  # two values of one ordered type
            if (t := unify(ta, tb)) is None or t.name not in ORDERED:
                self.mismatch(e, ta, tb)
                return None
            return m.Op(op, (a, b), t, span=e.span)
        if op in ("+", "-"):
            t = arith_type(op, ta, tb)
            if t is None:
                self.mismatch(e, ta, tb)
                return None
            return m.Op(op, (a, b), t, span=e.span)
        if op == "*":
            if not (isinstance(fold(a, self.facts), m.Const) or isinstance(fold(b, self.facts), m.Const)):
                self.error(
                    "unsupported",
                    "a product of two values that both vary is not linear",
                    e.span,
                    hint="multiply by a constant (a number, a percentage or a fact with a value)",
                )
                return None
            t = mul_type(ta, tb)
            if t is None:
                self.mismatch(e, ta, tb)
                return None
            return m.Op("*", (a, b), t, span=e.span)
        raise AssertionError(op)

    def mismatch(self, e: s.Binary, ta: m.Type, tb: m.Type) -> None:
        self.error(
            "type-mismatch",
            f"`{e.op}` cannot combine {ta} with {tb}",
            e.span,
            expected=f"{ta} on both sides" if e.op not in ("+", "-", "*") else None,
            found=f"{e.op}({ta}, {tb})" if e.op in ("min", "max") else f"{ta} {e.op} {tb}",
            hint="money is compared with money of the same currency, dates with dates, durations with durations",
        )

    def date_ref(self, d: s.DateRef) -> int | None:
        if d.date is not None:
            return m.day(d.date)
        if d.name == "horizon":
            return self.horizon
        if d.name == "effective":
            return self.effective
        assert d.name is not None
        f = self.facts.get(d.name)
        if f is not None and f.type.name == "date" and f.value is not None:
            self.used.add(d.name)
            v = f.value.value
            assert isinstance(v, int)
            return v
        if d.name in self.facts_syn:
            self.error(
                "wrong-kind", f"fact `{d.name}` is not a date with a fixed value", d.span, expected="a date"
            )
        elif d.name in self.all_names():
            kind = self.all_names()[d.name]
            self.error(
                "wrong-kind", f"`{d.name}` is {with_article(kind)}, not a date", d.span, expected="a date"
            )
        else:
            self.undefined(
                d.name, "date", d.span, [n for n, f in self.facts.items() if f.type.name == "date"]
            )
        return None

    def pattern(
        self, p: s.Pattern, ev: m.Event, occ: str, scope: Scope, s_bind: bool = True
    ) -> m.Expr | None:
        """The condition a pattern puts on an occurrence; binds new variables in ``scope``."""
        conds: list[m.Expr] = []
        seen: set[str] = set()
        for arg in p.args:
            t = ev.param_type(arg.name)
            if t is None:
                names = [n for n, _ in ev.params]
                self.error(
                    "undefined-argument",
                    f"event {ev.name} has no argument `{arg.name}`",
                    arg.span,
                    expected=", ".join(names) if names else "no arguments",
                    found=arg.name,
                    hint=did_you_mean(arg.name, names),
                )
                continue
            # an argument may take several comparisons (`amount >= $1, amount <= $10`), one `:`
            if arg.op == ":" and arg.name in seen:
                self.error("duplicate-name", f"argument `{arg.name}` is given twice", arg.span)
                continue
            seen.update([arg.name] if arg.op == ":" else [])
            ref = m.ArgRef(occ, arg.name, t, span=arg.span)
            v = arg.value
            fresh = (
                arg.op == ":"
                and isinstance(v, s.NameRef)
                and v.name not in scope.vars
                and v.name not in self.all_names()
                and v.name not in self.members()
            )
            if fresh and isinstance(v, s.NameRef) and not (v.name[:1].islower() or v.name[:1] == "_"):
                # a new variable is a lowercase name; a capitalised one is a misspelt constant
                if t.name == "kind" and t.kind in self.kinds:
                    members = self.kinds[t.kind].members
                    self.error(
                        "not-a-member",
                        f"`{v.name}` is not {with_article(t.kind)}",
                        v.span,
                        expected=f"one of {', '.join(members)}, or a lowercase variable name",
                        found=v.name,
                        hint=did_you_mean(v.name, members),
                    )
                else:
                    self.error(
                        "undefined-name",
                        f"`{v.name}` is not declared",
                        v.span,
                        hint=did_you_mean(v.name, list(self.all_names()) + list(self.members()))
                        or "to bind the argument to a new variable, use a lowercase name",
                    )
                continue
            if fresh and s_bind and isinstance(v, s.NameRef):
                scope.vars[v.name] = ref
                scope.spans[v.name] = v.span
                continue
            if fresh:
                continue  # a binding nobody can use (in a check): matches any value
            val = self.expr(v, scope, None, allow_state=False)
            if val is None:
                continue
            op = "==" if arg.op == ":" else arg.op
            if unify(t, type_of(val)) is None:
                self.compatible(t, type_of(val), v.span, f"argument `{arg.name}` of {ev.name}")
                continue
            if op not in ("==", "!=") and t.name not in ORDERED:
                self.error("type-mismatch", f"{t} values cannot be ordered with `{op}`", arg.span)
                continue
            conds.append(m.Op(op, (ref, val), m.BOOL, span=arg.span))
        return conj(conds)

    def conjunction(self, e: s.Binary, scope: Scope, ctx: TimeCtx, allow_state: bool) -> m.Expr | None:
        """A check's ``A and B and ...``: a variable an event's pattern binds
        (``Buy(amount: a)``) may be used in the other parts, which are then conditions
        on that same act (``and a > $5``); a part that uses the variables of two acts,
        or asks about another event with them, is not supported."""
        parts: list[s.Expr] = []
        stack: list[s.Expr] = [e]
        while stack:
            x = stack.pop()
            if isinstance(x, s.Binary) and x.op == "and":
                stack += [x.right, x.left]
            else:
                parts.append(x)
        out: list[m.Expr | None] = [None] * len(parts)
        binders: list[tuple[int, Scope]] = []
        for i, x in enumerate(parts):
            if isinstance(x, s.EventAtom):
                binds = Scope()
                out[i] = self.event_atom(x, ctx, binds)
                binders.append((i, binds))
        ok = all(out[i] is not None for i, _ in binders)
        keep = [True] * len(parts)
        for i, x in enumerate(parts):
            if isinstance(x, s.EventAtom):
                continue
            names, events = _words(x)
            owners = [(j, b) for j, b in binders if names & set(b.vars)]
            if not owners:
                out[i] = self.expr(x, scope, ctx, allow_state)
                ok = ok and out[i] is not None and self.want_bool(out[i], x.span)  # type: ignore[arg-type]
                continue
            if len(owners) > 1 or events:
                self.error(
                    "unsupported",
                    "this compares the arguments of two acts"
                    if len(owners) > 1
                    else "a variable of one act cannot be used in the pattern of another event",
                    x.span,
                    hint="a variable bound in a pattern can be used in conditions on that act: "
                    "`Buy(amount: a) and a > $5`",
                )
                ok = False
                continue
            j, binds = owners[0]
            cond = self.expr(x, binds, None, allow_state=False)
            act = out[j]
            if cond is None or not self.want_bool(cond, x.span) or not isinstance(act, m.Happens):
                ok = False
                continue
            out[j] = attrs.evolve(act, cond=conj([y for y in (act.cond, cond) if y is not None]))
            keep[i] = False
        if not ok:
            return None
        return conj([y for y, k in zip(out, keep, strict=True) if k and y is not None])

    def event_atom(self, e: s.EventAtom, ctx: TimeCtx, binds: Scope | None = None) -> m.Expr | None:
        ev = self.events.get(e.pattern.event)
        if ev is None:
            if e.pattern.event not in self.events_syn:
                self.name_as_event(e.pattern.event, e.pattern.span)
            return None
        if ctx.day == "scope":
            self.error(
                "unsupported",
                "an event inside a time scope is not supported",
                e.span,
                hint="put the event outside the scope, e.g. `given E on 2026-03-01` or `E before 2027-01-01`",
            )
            return None
        self.used.add(ev.name)
        cond = self.pattern(e.pattern, ev, "self", binds or Scope(), s_bind=binds is not None)
        actor = None
        if e.actor is not None:
            actor = self.resolve_actor(e.actor)
            if actor is None or not self.can_perform(ev, actor, e.actor.span):
                return None
        return m.Happens(ev.name, cond, actor, e.effective, ctx.lo, ctx.hi, span=e.span)

    def breach(self, e: s.Breach, ctx: TimeCtx) -> m.Expr | None:
        if e.party is not None and e.party not in self.parties:
            self.resolve_actor(s.Actor(e.party, span=e.span))
            return None
        if e.party is not None:
            self.used.add(e.party)
        if e.clause is not None and e.clause not in self.clauses_syn:
            self.error(
                "undefined-clause",
                f"there is no clause {e.clause}",
                e.span,
                hint=did_you_mean(e.clause, self.clauses_syn),
            )
            return None
        lo, hi = ctx.lo, ctx.hi
        if ctx.day == "scope":
            return m.BreachAtom(e.party, e.clause, None, None, span=e.span)  # hi: the scope's day
        if isinstance(ctx.day, int):
            lo, hi = None, ctx.day  # in breach on a day: a violation on or before it
        return m.BreachAtom(e.party, e.clause, lo, hi, span=e.span)

    def timed(self, e: s.Timed, scope: Scope, ctx: TimeCtx) -> m.Expr | None:
        if ctx.day is not None or ctx.lo is not None or ctx.hi is not None:
            self.error("unsupported", "dates cannot be nested", e.span)
            return None
        if e.op != "on" and (e.date.pattern is not None or e.date.name in self.events):
            return self.precedes(e, scope, ctx)
        d = self.date_ref(e.date)
        if d is None:
            return None
        if not self.effective <= d <= self.horizon:
            self.out_of_period(d, e.date.span)
        if e.op == "on":
            inner = TimeCtx(day=d, lo=d, hi=d)
        elif e.op == "before":
            inner = TimeCtx(lo=None, hi=d - 1)
        else:
            inner = TimeCtx(lo=d + 1, hi=None)
        return self.expr(e.body, scope, inner)

    def precedes(self, e: s.Timed, scope: Scope, ctx: TimeCtx) -> m.Expr | None:
        """``A before B`` / ``B after A``: an occurrence of A on a day before one of B."""
        assert e.date.name is not None
        other = s.EventAtom(e.date.pattern or s.Pattern(e.date.name, (), span=e.date.span), span=e.date.span)
        a, b = self.expr(e.body, scope, ctx), self.expr(other, Scope(), ctx)
        if a is None or b is None:
            return None
        if not isinstance(a, m.Happens) or a.lo is not None or a.hi is not None:
            self.error(
                "unsupported",
                f"`{e.op} {e.date.name}` orders two events: write an event on its left",
                e.body.span,
                hint=f"for example `Deliver {e.op} {e.date.name}`",
            )
            return None
        assert isinstance(b, m.Happens)
        first, second = (a, b) if e.op == "before" else (b, a)
        return m.Precedes(first, second, span=e.span)

    def out_of_period(self, d: int, span: s.Span) -> None:
        self.error(
            "out-of-period",
            f"{m.date_of(d)} is outside the contract's period "
            f"({m.date_of(self.effective)} to {m.date_of(self.horizon)})",
            span,
            hint="dates in checks and scenarios lie between the effective date and the horizon",
        )


def _words(e: s.Expr) -> tuple[set[str], bool]:
    """The names ``e`` uses, and whether it mentions an event's pattern."""
    names: set[str] = set()
    events = False
    stack: list[object] = [e]
    while stack:
        x = stack.pop()
        if isinstance(x, s.NameRef):
            names.add(x.name)
        elif isinstance(x, (s.EventAtom, s.AfterScope)):
            events = True
        if attrs.has(type(x)):
            stack += [getattr(x, f.name) for f in attrs.fields(type(x))]  # type: ignore[arg-type]
        elif isinstance(x, tuple):
            stack += list(x)
    return names, events


def conj(xs: list[m.Expr]) -> m.Expr | None:
    xs = [x for x in xs if x is not None]
    if not xs:
        return None
    out = xs[0]
    for x in xs[1:]:
        out = m.Op("and", (out, x), m.BOOL, span=getattr(x, "span", s.NOWHERE))
    return out


def fold(e: m.Expr, facts: dict[str, m.Fact] | None = None) -> m.Expr:
    """Fold constant arithmetic (so a fact's value may be written `$10B * 50%`);
    facts with a value count as constants."""
    if isinstance(e, m.FactRef) and facts is not None:
        f = facts.get(e.name)
        if f is not None and f.value is not None:
            return m.Const(f.value.value, f.type, span=e.span, text=f.value.text)
        return e
    if not isinstance(e, m.Op) or e.op in ("and", "or", "not", "implies"):
        return e
    args = tuple(fold(a, facts) for a in e.args)
    if not all(isinstance(a, m.Const) for a in args):
        return m.Op(e.op, args, e.type, span=e.span)
    vals = [a.value for a in args if isinstance(a, m.Const)]
    from dsl.values import apply_op  # local: values imports model only

    return m.Const(apply_op(e.op, vals, e.type), e.type, span=e.span)
