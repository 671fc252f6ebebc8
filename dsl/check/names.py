"""From a contract's declarations to what each name refers to.

``NamesMixin.collect`` is the first pass: it files every declaration in the
tables of ``CheckState`` by kind and reports duplicates and a missing or bad
horizon. After it, names are resolved against those tables: type names
(``resolve_type``), actors (``resolve_actor``, ``can_perform``), and a name
used as the wrong kind or not declared at all (``not_a``, ``undefined``, with
``did_you_mean``). ``unused`` is the last pass: declarations no one used.
Names inside expressions are resolved in ``expressions``.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any

from dsl import model as m
from dsl import syntax as s
from dsl.check.state import DEFAULT_HORIZON_YEARS, CheckState
from dsl.check.types import BUILTIN_TYPES
from dsl.diagnostics import Label


def did_you_mean(name: str, candidates: Iterable[str]) -> str | None:
    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    return f"did you mean `{close[0]}`?" if close else None


def with_article(word: str) -> str:
    """``word`` with its indefinite article: "an event", "a state"."""
    return ("an " if word[:1] in "aeiou" else "a ") + word


MODALITY_WORD = {"must_not": "prohibition", "may": "permission", "must": "obligation", "power": "power"}


class NamesMixin(CheckState):
    # caches, filled once the declarations are collected
    _names: dict[str, str] | None = None
    _members: set[str] | None = None

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
                self.error(
                    "duplicate-name", f"`{name}` is a built-in type and cannot be redeclared", item.span
                )
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
        self._names = self.all_names()  # every declaration is known now

    def _dup(self, name: str, kind: str, span: s.Span, first: s.Span) -> None:
        self.error(
            "duplicate-name",
            f"{kind} `{name}` is declared twice",
            span,
            labels=(Label(first, "first declared here"),),
            hint="rename one of them, or remove the duplicate",
        )

    # ------------------------------------------------------------ resolving
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
                    hint=did_you_mean(a.body, bodies) or f"declare it: `party {a.party} with body {a.body}`",
                )
                return None
        return str(a)

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

    def name_as_event(self, n: str, span: s.Span) -> None:
        self.not_a(n, "event", span, self.events_syn)

    def not_a(self, n: str, want: str, span: s.Span, candidates: Iterable[str]) -> None:
        """``n`` was used as ``want`` but is not one: another kind of name, or undeclared."""
        kind = self.all_names().get(n)
        if kind is not None:
            self.error(
                "wrong-kind",
                f"`{n}` is {with_article(kind)}, not {with_article(want)}",
                span,
                expected=with_article(want),
            )
        else:
            self.undefined(n, want, span, candidates)

    # ------------------------------------------------------------ last pass
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


def _example_decl(what: str, name: str) -> str:
    return {
        "party": f"party {name}",
        "event": f"event {name} by SomeParty",
        "state": f"state {name} holds from effective",
        "date": f"fact {name}: date = 2025-01-01",
    }.get(what, f"fact {name}: bool")
