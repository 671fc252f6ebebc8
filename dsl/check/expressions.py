"""From the surface model to a checked contract: names, types, structure.

``check_contract(file_node)`` resolves every name (with "did you mean"),
type-checks every expression, desugars event patterns into conditions over
the occurrence's arguments, validates exceptions and priorities, and returns
a ``dsl.model.Contract`` together with all diagnostics found (not only the
first). A contract with errors yields ``None``.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import gc
from collections.abc import Iterable, Iterator
from fractions import Fraction
from typing import Any

import attrs

from dsl import model as m
from dsl import syntax as s
from dsl.diagnostics import Diagnostic, Label

BUILTIN_TYPES = {"bool": m.BOOL, "int": m.INT, "date": m.DATE, "duration": m.DURATION, "percent": m.PERCENT, "party": m.PARTY}
DEFAULT_HORIZON_YEARS = 10
ORDERED = {"int", "money", "date", "duration", "percent"}


def did_you_mean(name: str, candidates: Iterable[str]) -> str | None:
    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    return f"did you mean `{close[0]}`?" if close else None


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


class Checker:
    def __init__(self, node: s.ContractFile, file: str) -> None:
        self.node = node
        self.file = file
        self.diags: list[Diagnostic] = []
        self.parties: dict[str, s.PartyDecl] = {}
        self.kinds: dict[str, s.KindDecl] = {}
        self.facts_syn: dict[str, s.FactDecl] = {}
        self.events_syn: dict[str, s.EventDecl] = {}
        self.states_syn: dict[str, s.StateDecl] = {}
        self.clauses_syn: dict[str, s.Clause] = {}
        self.checks_syn: dict[str, s.Check] = {}
        self.used: set[str] = set()
        self.currency = node.header.currency
        self.effective = m.day(node.header.effective)
        hz = node.header.horizon
        if hz is None:
            self.horizon = m.day(_add_years(node.header.effective, DEFAULT_HORIZON_YEARS))
        else:
            self.horizon = m.day(hz)
        self.events: dict[str, m.Event] = {}
        self.facts: dict[str, m.Fact] = {}
        self._names: dict[str, str] | None = None
        self._members: set[str] | None = None

    # ------------------------------------------------------------ helpers
    def error(self, code: str, msg: str, span: s.Span, **kw: object) -> None:
        self.diags.append(Diagnostic(code, msg, span, **kw))  # type: ignore[arg-type]

    def all_names(self) -> dict[str, str]:
        """Every declared name and its kind (cached once the declarations are collected)."""
        if self._names is not None:
            return self._names
        out: dict[str, str] = {}
        for table, kind in (
            (self.parties, "party"),
            (self.kinds, "kind"),
            (self.facts_syn, "fact"),
            (self.events_syn, "event"),
            (self.states_syn, "state"),
        ):
            for n in table:
                out[n] = kind
        return out

    def members(self) -> set[str]:
        if self._members is None:
            self._members = {x for k in self.kinds.values() for x in k.members}
        return self._members

    def undefined(self, name: str, what: str, span: s.Span, candidates: Iterable[str]) -> None:
        self.error(
            "undefined-name",
            f"{what} `{name}` is not declared",
            span,
            hint=did_you_mean(name, candidates) or f"declare it, e.g. `{_example_decl(what, name)}`",
        )

    # ------------------------------------------------------------ pass 1: declarations
    def collect(self) -> None:
        hdr = self.node.header
        if hdr.horizon is not None and hdr.horizon < hdr.effective:
            self.error(
                "bad-horizon",
                f"the horizon {hdr.horizon} is before the effective date {hdr.effective}",
                hdr.span,
                hint="the horizon is the last date scenarios are explored; it must follow the effective date",
            )
        if hdr.horizon is None:
            self.error(
                "no-horizon",
                f"no horizon given: scenarios are explored for {DEFAULT_HORIZON_YEARS} years, until "
                f"{m.date_of(self.horizon)}",
                hdr.span,
                hint="add `horizon YYYY-MM-DD` under the effective date",
            )
        seen: dict[str, s.Span] = {}
        for item in self.node.items:
            if isinstance(item, (s.Clause, s.Check)):
                table: dict[str, Any] = self.clauses_syn if isinstance(item, s.Clause) else self.checks_syn
                where = item.head_span if isinstance(item, s.Clause) else item.span
                prev = table.get(item.id)
                if prev is not None:
                    prev_where = prev.head_span if isinstance(prev, s.Clause) else prev.span
                    self._dup(item.id, s.decl_kind(item), where, prev_where)
                else:
                    table[item.id] = item
                continue
            name = s.decl_name(item)
            if name in seen:
                self._dup(name, s.decl_kind(item), item.span, seen[name])
                continue
            if name in BUILTIN_TYPES or name == "money":
                self.error("duplicate-name", f"`{name}` is a built-in type and cannot be redeclared", item.span)
                continue
            seen[name] = item.span
            if isinstance(item, s.PartyDecl):
                self.parties[name] = item
                bodies: set[str] = set()
                for b in item.bodies:
                    if b in bodies:
                        self.error("duplicate-name", f"body `{b}` of {name} is declared twice", item.span)
                    bodies.add(b)
            elif isinstance(item, s.KindDecl):
                self.kinds[name] = item
                if len(set(item.members)) != len(item.members):
                    dup = next(x for x in item.members if item.members.count(x) > 1)
                    self.error("duplicate-name", f"`{dup}` is listed twice in kind {name}", item.span)
            elif isinstance(item, s.FactDecl):
                self.facts_syn[name] = item
            elif isinstance(item, s.EventDecl):
                self.events_syn[name] = item
            elif isinstance(item, s.StateDecl):
                self.states_syn[name] = item

    def _dup(self, name: str, kind: str, span: s.Span, first: s.Span) -> None:
        self.error(
            "duplicate-name",
            f"{kind} `{name}` is declared twice",
            span,
            labels=(Label(first, "first declared here"),),
            hint="rename one of them, or remove the duplicate",
        )

    # ------------------------------------------------------------ types
    def resolve_type(self, t: s.TypeRef) -> m.Type | None:
        if t.name == "money":
            return m.Type("money", currency=self.currency)
        if t.name in BUILTIN_TYPES:
            return BUILTIN_TYPES[t.name]
        if t.name in self.kinds:
            self.used.add(t.name)
            return m.Type("kind", kind=t.name)
        names = list(BUILTIN_TYPES) + ["money"] + list(self.kinds)
        self.error(
            "undefined-name",
            f"type `{t.name}` is not declared",
            t.span,
            expected="bool, int, money, date, duration, percent, party or a declared kind",
            found=t.name,
            hint=did_you_mean(t.name, names) or f"declare it: `kind {t.name} = A | B`",
        )
        return None

    def resolve_actor(self, a: s.Actor) -> str | None:
        if a.party not in self.parties:
            self.not_a(a.party, "party", a.span, self.parties)
            return None
        self.used.add(a.party)
        if a.body is not None:
            bodies = self.parties[a.party].bodies
            if a.body not in bodies:
                self.error(
                    "undefined-name",
                    f"{a.party} has no body `{a.body}`",
                    a.span,
                    hint=did_you_mean(a.body, bodies)
                    or f"declare it: `party {a.party} with body {a.body}`",
                )
                return None
        return str(a)

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
                        self.error("unsupported", f"the value of fact {name} must be a constant", f.value.span)
                    elif self.compatible(t, folded.type, f.value.span, f"fact {name}"):
                        value = m.Const(folded.value, t, span=folded.span)
            self.facts[name] = m.Fact(name, t, value, f.description, span=f.span)

    def compatible(self, want: m.Type, got: m.Type, span: s.Span, what: str) -> bool:
        if unify(want, got) is not None:
            return True
        if want.name == "kind" and got.name == "symbol":
            self.error(
                "not-a-member",
                f"{what} expects a {want.kind}, and this name is not one",
                span,
                expected=f"one of {', '.join(self.kinds[want.kind].members) if want.kind in self.kinds else want.kind}",
                found=str(got),
            )
            return False
        self.error("type-mismatch", f"{what} expects {want}, but this is {got}", span, expected=str(want), found=str(got))
        return False

    # ------------------------------------------------------------ expressions
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
                    self.error("type-mismatch", "`not` needs a condition", e.operand.span, expected="bool", found=str(type_of(a)))
                    return None
                return m.Op("not", (a,), m.BOOL, span=e.span)
            if type_of(a).name not in ("int", "money", "duration", "percent"):
                self.error("type-mismatch", "only numbers and amounts can be negated", e.span, found=str(type_of(a)))
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
            self.error("type-mismatch", "a condition is expected here", span, expected="bool", found=str(type_of(x)))
            return False
        return True

    def literal(self, e: s.Literal) -> m.Const | None:
        v = e.value
        if isinstance(v, bool):
            return m.Const(v, m.BOOL, span=e.span)
        if isinstance(v, int):
            return m.Const(v, m.INT, span=e.span)
        if isinstance(v, s.Money):
            return m.Const(v, m.Type("money", currency=v.currency), span=e.span)
        if isinstance(v, Fraction):
            return m.Const(v, m.PERCENT, span=e.span)
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
            self.error("wrong-kind", f"`{n}` is {_a(kind)}; it cannot be used as a value", e.span)
            return None
        cands_all = list(self.facts_syn) + list(self.states_syn) + list(scope.vars) + list(self.parties) + [
            x for d in self.kinds.values() for x in d.members
        ]
        self.error(
            "undefined-name",
            f"`{n}` is not declared",
            e.span,
            hint=did_you_mean(n, cands_all) or "declare it as a fact, a state or a kind member, or bind it in the event's pattern",
        )
        return None

    def name_as_event(self, n: str, span: s.Span) -> None:
        self.not_a(n, "event", span, self.events_syn)

    def not_a(self, n: str, want: str, span: s.Span, candidates: Iterable[str]) -> None:
        """``n`` was used as ``want`` but is not one: another kind of name, or undeclared."""
        kind = self.all_names().get(n)
        if kind is not None:
            self.error("wrong-kind", f"`{n}` is {_a(kind)}, not {_a(want)}", span, expected=_a(want))
        else:
            self.undefined(n, want, span, candidates)

    def binary(self, e: s.Binary, scope: Scope, ctx: TimeCtx | None, allow_state: bool) -> m.Expr | None:
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
                self.error("type-mismatch", f"{t} values cannot be ordered with `{op}`", e.span, hint="use == or !=")
                return None
            if isinstance(a, m.Const) and ta.name == "symbol" or isinstance(b, m.Const) and tb.name == "symbol":
                pass
            return m.Op(op, (a, b), m.BOOL, span=e.span)
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
            expected=f"{ta} on both sides" if e.op in ("==", "!=", "<", "<=", ">", ">=") else None,
            found=f"{ta} {e.op} {tb}",
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
            self.error("wrong-kind", f"fact `{d.name}` is not a date with a fixed value", d.span, expected="a date")
        elif d.name in self.all_names():
            kind = self.all_names()[d.name]
            self.error("wrong-kind", f"`{d.name}` is {_a(kind)}, not a date", d.span, expected="a date")
        else:
            self.undefined(d.name, "date", d.span, [n for n, f in self.facts.items() if f.type.name == "date"])
        return None

    def pattern(self, p: s.Pattern, ev: m.Event, occ: str, scope: Scope, s_bind: bool = True) -> m.Expr | None:
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
            if arg.name in seen:
                self.error("duplicate-name", f"argument `{arg.name}` is given twice", arg.span)
                continue
            seen.add(arg.name)
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
                        f"`{v.name}` is not {_a(t.kind)}",
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

    def event_atom(self, e: s.EventAtom, ctx: TimeCtx) -> m.Expr | None:
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
        cond = self.pattern(e.pattern, ev, "self", Scope(), s_bind=False)
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

    def out_of_period(self, d: int, span: s.Span) -> None:
        self.error(
            "out-of-period",
            f"{m.date_of(d)} is outside the contract's period "
            f"({m.date_of(self.effective)} to {m.date_of(self.horizon)})",
            span,
            hint="dates in checks and scenarios lie between the effective date and the horizon",
        )

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
            out[name] = m.State(name, st.description, initial, tuple(sd), tuple(ed), tuple(se), tuple(ee), span=st.span)
        return out

    # ------------------------------------------------------------ clauses
    def trigger(self, t: s.Trigger, scope: Scope) -> m.Trigger | None:
        if t.violation_of is not None:
            if t.violation_of not in self.clauses_syn:
                self.error("undefined-clause", f"there is no clause {t.violation_of}", t.span, hint=did_you_mean(t.violation_of, self.clauses_syn))
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

    def can_perform(self, ev: m.Event, actor: str, span: s.Span) -> bool:
        """Whether ``actor`` (or one of its bodies) is among those the event is declared for."""
        if not ev.actors or any(m.acts_for(a, actor) or m.acts_for(actor, a) for a in ev.actors):
            return True
        self.error(
            "wrong-actor",
            f"{actor} cannot perform {ev.name}: the event is declared `by {' or '.join(ev.actors)}`",
            span,
            hint=f"change the event's declaration to `by {' or '.join(ev.actors + (actor,))}` or `by anyone`",
        )
        return False

    def clause(self, c: s.Clause) -> m.Clause | None:
        guards = m.Guards()
        for g in c.guards:
            if g.kind == "while":
                assert g.cond is not None
                w = self.expr(g.cond, Scope(), None)
                if w is not None and self.want_bool(w, g.cond.span):
                    prev = guards.while_cond
                    guards = attrs.evolve(guards, while_cond=w if prev is None else m.Op("and", (prev, w), m.BOOL))
            elif g.kind == "from":
                assert g.date is not None
                d = self.date_ref(g.date)
                if d is not None:  # several guards all hold: the latest start
                    guards = attrs.evolve(guards, from_day=d if guards.from_day is None else max(d, guards.from_day))
            elif g.kind == "until_date":
                assert g.date is not None
                d = self.date_ref(g.date)
                if d is not None:  # several guards all hold: the earliest end
                    guards = attrs.evolve(guards, until_day=d if guards.until_day is None else min(d, guards.until_day))
            elif g.pattern is not None and not g.pattern.args and g.pattern.event in self.facts_syn:
                d = self.date_ref(s.DateRef(name=g.pattern.event, span=g.pattern.span))
                if d is not None:
                    guards = attrs.evolve(guards, until_day=d if guards.until_day is None else min(d, guards.until_day))
            else:
                assert g.pattern is not None
                t = self.trigger(s.Trigger(pattern=g.pattern, span=g.span), Scope())
                if t is not None:
                    guards = attrs.evolve(guards, until_events=guards.until_events + (t,))
        if guards.from_day is not None and guards.until_day is not None and guards.until_day < guards.from_day:
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
            c.id, c.title, c.facts, c.text, c.exception_to, c.prevails_over, guards, c.survives,
            tuple(norms), tuple(conseqs), span=c.span, head_span=c.head_span,
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
            if n.within is not None:
                if n.trigger is None:
                    self.error(
                        "missing-window",
                        "`within` counts from a trigger, and this obligation has none",
                        n.span,
                        hint="write `when Event(...): Party must ... within N days`, or give a date: `before 2025-01-01`",
                    )
                    return None
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
                f"a `when` trigger on {_a(_MODALITY_WORD[n.modality])} is not supported",
                n.span,
                hint="guard the clause with a state instead: `while S`, where the trigger starts S",
            )
            return None
        return m.Norm(cid, n.modality, actor, ev.name, cond, trig, within, before, span=n.span)

    def structure(self, clauses: dict[str, m.Clause]) -> None:
        """Exceptions point at existing clauses, about the same acts; no cycles."""
        for c in clauses.values():
            if c.exception_to is None:
                continue
            syn = self.clauses_syn[c.id]
            parent = clauses.get(c.exception_to)
            if c.exception_to not in self.clauses_syn:
                self.error(
                    "undefined-clause",
                    f"{c.id} is an exception to {c.exception_to}, which does not exist",
                    syn.head_span,
                    hint=did_you_mean(c.exception_to, self.clauses_syn),
                )
                continue
            if parent is None:
                continue
            mine = {(n.event) for n in c.norms if n.modality in ("must_not", "may")}
            theirs = {(n.event) for n in parent.norms if n.modality in ("must_not", "may")}
            bad = [n for n in c.norms if n.modality not in ("must_not", "may")]
            if bad:
                self.error(
                    "unsupported",
                    f"exception {c.id} holds {_a(_MODALITY_WORD[bad[0].modality])}; exceptions may only permit or forbid",
                    bad[0].span,
                    hint="put obligations and powers in clauses of their own",
                )
            if not mine or not mine & theirs:
                self.error(
                    "exception-mismatch",
                    f"{c.id} is an exception to {c.exception_to}, but they are not about the same act",
                    syn.head_span,
                    expected=f"a `may` or `must not` about {', '.join(sorted(theirs)) or 'an act of ' + c.exception_to}",
                    found=", ".join(sorted(mine)) or "no permission or prohibition",
                    labels=(Label(self.clauses_syn[c.exception_to].head_span, f"{c.exception_to} is here"),),
                )
        # cycles in exception_to: each cycle once, at its least clause
        for cycle in _exception_cycles(clauses):
            first = min(cycle)
            at = cycle.index(first)
            rest = cycle[at + 1 :] + cycle[:at]
            self.error(
                "exception-cycle",
                f"{first} is, through {' -> '.join(rest) or 'itself'}, an exception to itself",
                self.clauses_syn[first].head_span,
            )
        # priorities: siblings, acyclic
        edges: dict[str, set[str]] = {}
        for c in clauses.values():
            for other in c.prevails_over:
                syn = self.clauses_syn[c.id]
                if other not in self.clauses_syn:
                    self.error("undefined-clause", f"{c.id} prevails over {other}, which does not exist", syn.head_span)
                    continue
                o = clauses.get(other)
                if o is None:
                    continue
                if other == c.id:
                    self.error("bad-priority", f"{c.id} cannot prevail over itself", syn.head_span,
                               hint="priority decides between two different exceptions to the same clause")
                    continue
                if o.exception_to != c.exception_to:
                    self.error(
                        "bad-priority",
                        f"{c.id} can only prevail over another exception to {c.exception_to}; {other} is not one",
                        syn.head_span,
                        hint="priority decides between two exceptions to the same clause",
                    )
                    continue
                edges.setdefault(c.id, set()).add(other)
        components = _components(edges)
        for start in sorted(edges):
            path = _find_cycle(start, edges, components)
            if path is not None and path[0] == min(path):
                self.error(
                    "exception-cycle",
                    "these priorities form a cycle: " + " prevails over ".join(path + [path[0]]),
                    self.clauses_syn[start].head_span,
                    hint="remove one `prevailing over`",
                )
        # violation triggers must not loop back
        vedges: dict[str, set[str]] = {}
        for c in clauses.values():
            for n in c.norms:
                if n.trigger is not None and n.trigger.violation_of is not None:
                    vedges.setdefault(n.trigger.violation_of, set()).add(c.id)
        components = _components(vedges)
        for start in sorted(vedges):
            path = _find_cycle(start, vedges, components)
            if path is not None and path[0] == min(path):
                self.error(
                    "exception-cycle",
                    "violations trigger each other in a cycle: " + " -> ".join(path + [path[0]]),
                    self.clauses_syn[start].head_span,
                )

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

    def unused(self) -> None:
        for table, kind in (
            (self.parties, "party"),
            (self.kinds, "kind"),
            (self.facts_syn, "fact"),
            (self.events_syn, "event"),
            (self.states_syn, "state"),
        ):
            for name, d in table.items():
                if name not in self.used:
                    self.error(
                        "unused-declaration",
                        f"{kind} `{name}` is declared but never used",
                        d.span,
                        hint="use it in a clause or a check, or remove it",
                    )

    # ------------------------------------------------------------ run
    def run(self) -> m.Contract | None:
        # Like parsing, checking allocates the model and frees little until the
        # end. With the cyclic collector on, its collections re-scan the whole
        # syntax tree (and whatever else the caller holds) again and again:
        # at 10,000 clauses they were three quarters of the time, which made
        # checking look superlinear (0.03 s at 1,243 clauses, 0.9 s at 10,000;
        # 0.2 s without them). Some of that work is only put off: the collector
        # catches up after the check, in fewer passes (about 0.3 s at 10,000).
        enabled = gc.isenabled()
        gc.disable()
        try:
            return self._run()
        finally:
            if enabled:
                gc.enable()

    def _run(self) -> m.Contract | None:
        self.collect()
        self._names = self.all_names()
        self.collect_types()
        states = self.states()
        clauses: dict[str, m.Clause] = {}
        for cid, c in self.clauses_syn.items():
            mc = self.clause(c)
            if mc is not None:
                clauses[cid] = mc
        self.structure(clauses)
        checks = []
        for chk in self.checks_syn.values():
            ch = self.check(chk)
            if ch is not None:
                checks.append(ch)
        for f in self.facts.values():
            if f.description and f.description.startswith("[F"):
                self.used.add(f.name)  # a fact recorded for the record is not "unused"
        self.unused()
        if any(d.is_error for d in self.diags):
            return None
        return m.Contract(
            title=self.node.header.title,
            file=self.file,
            effective=self.effective,
            horizon=self.horizon,
            currency=self.currency,
            parties={n: p.bodies for n, p in self.parties.items()},
            kinds={n: k.members for n, k in self.kinds.items()},
            facts=self.facts,
            events=self.events,
            states=states,
            clauses=clauses,
            checks=tuple(checks),
            horizon_given=self.node.header.horizon is not None,
        )


def _a(word: str) -> str:
    """``word`` with its indefinite article: "an event", "a state"."""
    return ("an " if word[:1] in "aeiou" else "a ") + word


_MODALITY_WORD = {"must_not": "prohibition", "may": "permission", "must": "obligation", "power": "power"}


def _find_cycle(start: str, edges: dict[str, set[str]], components: dict[str, int]) -> list[str] | None:
    """A path from ``start`` back to it, found depth-first in sorted order.

    The search stays within ``start``'s strongly connected component: a node
    outside it never leads back to ``start``, nor to a node inside it, so
    leaving such nodes out changes neither the path found nor whether one is;
    and a node on no cycle costs one look at its edges instead of a search of
    everything reachable from it."""
    home = components[start]
    stack: list[tuple[str, list[str]]] = [(start, [start])]
    seen: set[str] = set()
    while stack:
        node, path = stack.pop()
        for nxt in sorted(edges.get(node, ())):
            if nxt == start:
                return path
            if nxt not in seen and components[nxt] == home:
                seen.add(nxt)
                stack.append((nxt, path + [nxt]))
    return None


def _components(edges: dict[str, set[str]]) -> dict[str, int]:
    """The strongly connected components of a graph (Tarjan's algorithm, without
    recursion): each node, a source or a target of an edge, -> its component."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    component: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    for root in edges:
        if root in index:
            continue
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        work: list[tuple[str, Iterator[str]]] = [(root, iter(edges.get(root, ())))]
        while work:
            node, successors = work[-1]
            for nxt in successors:
                if nxt not in index:
                    index[nxt] = low[nxt] = len(index)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(edges.get(nxt, ()))))
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component[member] = index[node]
                        if member == node:
                            break
    return component


def _exception_cycles(clauses: dict[str, m.Clause]) -> list[list[str]]:
    """The cycles of ``exception_to`` (a clause is an exception to one clause at
    most), each in the order the clauses point, the cycles in the order their
    least clause comes in ``clauses``. Each clause is walked over once."""
    walking, done = 1, 2
    state: dict[str, int] = {}
    cycles: dict[str, list[str]] = {}
    for cid in clauses:
        walk: list[str] = []
        cur: str | None = cid
        while cur is not None and cur in clauses and cur not in state:
            state[cur] = walking
            walk.append(cur)
            cur = clauses[cur].exception_to
        if cur is not None and state.get(cur) == walking:  # back onto this walk
            cycle = walk[walk.index(cur) :]
            cycles[min(cycle)] = cycle
        for w in walk:
            state[w] = done
    return [cycles[cid] for cid in clauses if cid in cycles]


def _example_decl(what: str, name: str) -> str:
    return {
        "party": f"party {name}",
        "event": f"event {name} by SomeParty",
        "state": f"state {name} holds from effective",
        "date": f"fact {name}: date = 2025-01-01",
    }.get(what, f"fact {name}: bool")


def _add_years(d: _dt.date, years: int) -> _dt.date:
    if d.year + years > _dt.MAXYEAR:
        return _dt.date.max
    try:
        return d.replace(year=d.year + years)
    except ValueError:
        return d.replace(year=d.year + years, day=28)


# ----------------------------------------------------------------- typing helpers


def type_of(e: m.Expr) -> m.Type:
    if isinstance(e, (m.Const, m.ArgRef, m.FactRef, m.Op)):
        return e.type
    return m.BOOL


def unify(a: m.Type, b: m.Type) -> m.Type | None:
    """The common type of two values that are compared, or None."""
    if a.name == "error":
        return b
    if b.name == "error":
        return a
    if a.name == "symbol" and b.name == "symbol":
        common = a.candidates & b.candidates
        return m.Type("symbol", candidates=common) if common else None
    if a.name == "symbol":
        a, b = b, a
    if b.name == "symbol":
        if a.name == "kind" and a.kind in b.candidates:
            return a
        if a.name == "party" and "party" in b.candidates:
            return a
        return None
    if a.name != b.name:
        return None
    if a.name == "kind" and a.kind != b.kind:
        return None
    if a.name == "money" and a.currency != b.currency:
        return None
    return a


def arith_type(op: str, a: m.Type, b: m.Type) -> m.Type | None:
    if a.name == "date" and b.name == "duration":
        return m.DATE
    if op == "+" and a.name == "duration" and b.name == "date":
        return m.DATE
    if op == "-" and a.name == "date" and b.name == "date":
        return m.DURATION
    t = unify(a, b)
    if t is not None and t.name in ("int", "money", "duration", "percent"):
        return t
    return None


def mul_type(a: m.Type, b: m.Type) -> m.Type | None:
    names = {a.name, b.name}
    if names == {"int"}:
        return m.INT
    if "percent" in names:
        other = b if a.name == "percent" else a
        if other.name in ("money", "int", "percent"):
            return other
    if "int" in names:
        other = b if a.name == "int" else a
        if other.name in ("money", "duration"):
            return other
    return None


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
            return m.Const(f.value.value, f.type, span=e.span)
        return e
    if not isinstance(e, m.Op) or e.op in ("and", "or", "not", "implies"):
        return e
    args = tuple(fold(a, facts) for a in e.args)
    if not all(isinstance(a, m.Const) for a in args):
        return m.Op(e.op, args, e.type, span=e.span)
    vals = [a.value for a in args if isinstance(a, m.Const)]
    from dsl.values import apply_op  # local: values imports model only

    return m.Const(apply_op(e.op, vals, e.type), e.type, span=e.span)


def check_contract(node: s.ContractFile, file: str) -> tuple[m.Contract | None, list[Diagnostic]]:
    ch = Checker(node, file)
    contract = ch.run()
    return contract, ch.diags
