"""From a scenario file's surface model and a checked contract to a concrete scenario.

A ``Scenario`` is what the interpreter runs and what the solver's witnesses
are: dated ``Occurrence``s of the contract's events, and values for the facts
the contract leaves open. ``check_scenario`` resolves names, actors and
argument types against the contract; ``scenario_source`` writes one back as the
text of a scenario file (a witness the editor opens, or saves to run again).
"""

from __future__ import annotations

import attrs

from dsl import model as m
from dsl import syntax as s
from dsl.check import Checker, Scope, did_you_mean, fold, type_of, unify
from dsl.diagnostics import Diagnostic
from dsl.literals import format_date, format_text, format_value


@attrs.frozen
class Occurrence:
    """One event in a concrete scenario. ``seq`` keeps the written order of same-day events."""

    day: int
    event: str
    actor: str
    args: tuple[tuple[str, m.ConstValue], ...]
    seq: int = 0
    span: s.Span = attrs.field(default=s.NOWHERE, eq=False, repr=False)

    def arg(self, name: str) -> m.ConstValue:
        return dict(self.args)[name]


@attrs.frozen
class Scenario:
    title: str
    facts: dict[str, m.ConstValue]
    events: tuple[Occurrence, ...]


def check_scenario(
    node: s.ScenarioFile, c: m.Contract, path: str
) -> tuple[Scenario | None, list[Diagnostic]]:
    ch = Checker.for_scenario(c, path)  # the contract's tables, for name and type resolution
    facts: dict[str, m.ConstValue] = {}
    for f in node.facts:
        decl = c.facts.get(f.name)
        if decl is None:
            ch.undefined(f.name, "fact", f.span, c.facts)
            continue
        v = _const(ch, f.value, decl.type, f"fact {f.name}")
        if v is not None:
            if decl.value is not None and decl.value.value != v:
                ch.error(
                    "type-mismatch",
                    f"the contract fixes fact {f.name}; a scenario cannot give it another value",
                    f.span,
                    hint="remove the line, or make the fact open in the contract (no `= value`)",
                )
                continue
            facts[f.name] = v
    occs: list[Occurrence] = []
    for i, e in enumerate(node.events):
        ev = c.events.get(e.event)
        if ev is None:
            ch.name_as_event(e.event, e.span)
            continue
        d = m.day(e.date)
        if not c.effective <= d <= c.horizon:
            ch.out_of_period(d, e.span)
            continue
        actor: str | None
        if e.actor is not None:
            actor = ch.resolve_actor(e.actor)
            if actor is None:
                continue
        elif len(ev.actors) == 1:
            actor = ev.actors[0]
        else:
            ch.error(
                "wrong-actor",
                f"say who performs {ev.name}: it can be done by "
                + (" or ".join(ev.actors) if ev.actors else "anyone"),
                e.span,
                hint=f"end the line with `by {ev.actors[0] if ev.actors else 'SomeParty'}`",
            )
            continue
        if ev.actors and actor not in ev.actors:
            ch.error(
                "wrong-actor",
                f"{actor} cannot perform {ev.name}: the contract declares it `by {' or '.join(ev.actors)}`",
                e.actor.span if e.actor is not None else e.span,
                hint="declare the event `by anyone` if others can attempt it (a power decides whether it counts)",
            )
            continue
        args: list[tuple[str, m.ConstValue]] = []
        given = {n for n, _ in e.args}
        bad = False
        seen: set[str] = set()
        for n, val in e.args:
            if n in seen:
                ch.error(
                    "duplicate-name",
                    f"argument `{n}` of {ev.name} is given twice",
                    val.span,
                    hint="give each argument once",
                )
                bad = True
                continue
            seen.add(n)
            t = ev.param_type(n)
            if t is None:
                names = [p for p, _ in ev.params]
                ch.error(
                    "undefined-argument",
                    f"event {ev.name} has no argument `{n}`",
                    val.span,
                    expected=", ".join(names) or "no arguments",
                    hint=did_you_mean(n, names),
                )
                bad = True
                continue
            v = _const(ch, val, t, f"argument `{n}` of {ev.name}")
            if v is None:
                bad = True
                continue
            args.append((n, v))
        missing = [p for p, _ in ev.params if p not in given]
        if missing:
            ch.error(
                "missing-argument",
                f"{ev.name} needs a value for {', '.join(missing)}",
                e.span,
                expected=", ".join(f"{p}: ..." for p, _ in ev.params),
            )
            bad = True
        if bad:
            continue
        order = {p: k for k, (p, _) in enumerate(ev.params)}
        args.sort(key=lambda a: order[a[0]])
        occs.append(Occurrence(d, ev.name, actor, tuple(args), i, span=e.span))
    occs.sort(key=lambda o: (o.day, o.seq))
    if any(d.is_error for d in ch.diags):
        return None, ch.diags
    return Scenario(node.title, facts, tuple(occs)), ch.diags


def _const(ch: Checker, e: s.Expr, t: m.Type, what: str) -> m.ConstValue | None:
    x = ch.expr(e, Scope(), None, allow_state=False)
    if x is None:
        return None
    x = fold(x)
    if not isinstance(x, m.Const):
        ch.error("unsupported", f"{what} must be a constant", e.span)
        return None
    if unify(t, type_of(x)) is None:
        ch.compatible(t, type_of(x), e.span, what)
        return None
    return x.value


def header_span(node: s.ScenarioFile, line: str | None) -> s.Span:
    """The scenario's first line (`scenario "..." for "..."`, whose text is ``line``),
    for diagnostics about the whole file."""
    sp = node.span
    return s.Span(sp.file, sp.line, sp.col, sp.line, max(len((line or "").rstrip()) + 1, sp.col + 1))


def missing_fact(c: m.Contract, name: str, header: s.Span) -> Diagnostic:
    """Fact ``name``, which ``c`` leaves open, is not given by the scenario (at ``header``)."""
    f = c.facts[name]
    return Diagnostic(
        "missing-argument",
        f"the contract leaves fact {name} open and this scenario does not give it",
        header,
        expected=f"a value for {name} ({f.type})",
        hint=f"add a line `fact {name} = ...` to the scenario",
    )


def scenario_source(sc: Scenario, c: m.Contract, contract_path: str, title: str | None = None) -> str:
    """``sc`` as the text of a scenario file for ``c`` (named ``contract_path`` after
    ``for``, as written there: relative to the scenario file, or absolute), in
    ``whereas fmt``'s layout: the facts it gives, then its events in date order (same-day
    events in their order). Read back with ``c`` it gives ``sc`` again."""
    lines = [f"scenario {format_text(title if title is not None else sc.title)}"]
    lines.append(f"  for {format_text(contract_path)}")
    body = [f"fact {name} = {format_value(v, c.facts[name].type)}" for name, v in sorted(sc.facts.items())]
    if body:
        lines += ["", *body]
    events = []
    for o in sorted(sc.events, key=lambda o: (o.day, o.seq)):
        ev = c.events[o.event]
        args = ", ".join(f"{n}: {format_value(v, ev.param_type(n))}" for n, v in o.args)
        events.append(f"{format_date(o.day)} {o.event}{f'({args})' if o.args else ''} by {o.actor}")
    if events:
        lines += ["", *events]
    return "\n".join(lines) + "\n"
