"""From file paths to checked contracts, scenarios and amended contracts.

The one place that reads files: ``load_contract`` (a ``.contract`` file, or an
amendment applied to the contract it names), ``apply_amendment`` (the what-if:
a new contract, the base file untouched) and ``load_scenario``.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import attrs

from dsl import model as m
from dsl import syntax as s
from dsl.checker import Checker, Scope, did_you_mean, fold, type_of, unify
from dsl.diagnostics import Diagnostic, Label, Sources
from dsl.parser import parse_file


@attrs.frozen
class Loaded:
    contract: m.Contract | None
    diagnostics: list[Diagnostic]
    syntax: s.ContractFile | None = None
    sha256: str = ""

    @property
    def ok(self) -> bool:
        return self.contract is not None and not any(d.is_error for d in self.diagnostics)


def file_sha256(path: str) -> str:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return ""


def load_contract(path: str, sources: Sources) -> Loaded:
    """A contract file, checked. An amendment file is applied to its base."""
    node, diags = parse_file(path, sources)
    if node is None:
        return Loaded(None, diags)
    if isinstance(node, s.AmendmentFile):
        base_path = resolve_relative(path, node.contract)
        base = load_syntax(base_path, sources, node.span)
        if isinstance(base, list):
            return Loaded(None, diags + base)
        amended, adiags = apply_amendment(base, node)
        diags = diags + adiags
        if any(d.is_error for d in diags) or amended is None:
            return Loaded(None, diags)
        contract, cdiags = check_node(amended, path)
        return Loaded(contract, diags + cdiags, amended, file_sha256(path))
    if isinstance(node, s.ScenarioFile):
        return Loaded(
            None,
            diags
            + [
                Diagnostic(
                    "wrong-file-kind",
                    f"{path} is a scenario, not a contract",
                    node.span,
                    hint=f"run it with `whereas simulate {node.contract} {path}`",
                )
            ],
        )
    contract, cdiags = check_node(node, path)
    return Loaded(contract, diags + cdiags, node, file_sha256(path))


def check_node(node: s.ContractFile, path: str) -> tuple[m.Contract | None, list[Diagnostic]]:
    ch = Checker(node, path)
    return ch.run(), ch.diags


def load_syntax(path: str, sources: Sources, where: s.Span) -> s.ContractFile | list[Diagnostic]:
    """The surface model of a base contract named by an amendment or scenario."""
    node, diags = parse_file(path, sources)
    if node is None:
        if diags and diags[0].code == "file-not-found":
            return [
                Diagnostic(
                    "file-not-found",
                    f"the contract this file names does not exist: {path}",
                    where,
                    hint="the path is relative to the file that names it",
                )
            ]
        return diags
    if not isinstance(node, s.ContractFile):
        return [Diagnostic("wrong-file-kind", f"{path} is not a contract file", where)]
    return node


def resolve_relative(from_file: str, target: str) -> str:
    return os.path.normpath(os.path.join(os.path.dirname(from_file), target))


def same_file(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.abspath(a) == os.path.abspath(b)


# ----------------------------------------------------------------- amendments

_KIND_OF_TARGET = {"clause": s.Clause, "check": s.Check}


def _matches(item: s.Decl, kind: str, name: str) -> bool:
    if kind == "check":
        return isinstance(item, s.Check) and (item.id == name or item.title == name)
    return s.decl_kind(item) == kind and s.decl_name(item) == name


def apply_amendment(base: s.ContractFile, amendment: s.AmendmentFile) -> tuple[s.ContractFile | None, list[Diagnostic]]:
    """The amended contract: each change applied in order. The base is not modified."""
    items = list(base.items)
    diags: list[Diagnostic] = []
    for ch in amendment.changes:
        if ch.action == "remove":
            assert ch.target_kind is not None and ch.target is not None
            idx = next((i for i, it in enumerate(items) if _matches(it, ch.target_kind, ch.target)), None)
            if idx is None:
                diags.append(_missing(ch, ch.target_kind, ch.target, items))
                continue
            del items[idx]
            continue
        assert ch.item is not None
        kind, name = s.decl_kind(ch.item), s.decl_name(ch.item)
        idx = next((i for i, it in enumerate(items) if _matches(it, kind, name)), None)
        if ch.action == "replace":
            if idx is None:
                diags.append(_missing(ch, kind, name, items))
                continue
            items[idx] = ch.item
        else:
            if idx is not None:
                diags.append(
                    Diagnostic(
                        "amend-exists",
                        f"{kind} {name} is already in the contract; `add` cannot add it again",
                        ch.span,
                        labels=(Label(items[idx].span, "it is here"),),
                        hint=f"write `replace` to change it, or give the new {kind} another name",
                    )
                )
                continue
            items.append(ch.item)
    if any(d.is_error for d in diags):
        return None, diags
    return attrs.evolve(base, items=tuple(items)), diags


def _missing(ch: s.Amend, kind: str, name: str, items: list[s.Decl]) -> Diagnostic:
    names = [s.decl_name(i) for i in items if s.decl_kind(i) == kind]
    if kind == "check":
        names += [i.title for i in items if isinstance(i, s.Check)]
    return Diagnostic(
        "amend-missing-target",
        f"the contract has no {kind} {name} to {ch.action}",
        ch.span,
        hint=did_you_mean(name, names) or f"`add` it instead, or check the {kind}'s name",
    )


def load_amended(base_path: str, amendment_path: str, sources: Sources) -> Loaded:
    """``verify BASE --what-if AMENDMENT``: the amendment must name BASE."""
    node, diags = parse_file(amendment_path, sources)
    if node is None:
        return Loaded(None, diags)
    if not isinstance(node, s.AmendmentFile):
        return Loaded(
            None,
            diags
            + [
                Diagnostic(
                    "wrong-file-kind",
                    f"{amendment_path} is not an amendment",
                    node.span,
                    hint='an amendment starts with `amendment "Title" to "base.contract"`',
                )
            ],
        )
    named = resolve_relative(amendment_path, node.contract)
    if not same_file(named, base_path):
        return Loaded(
            None,
            diags
            + [
                Diagnostic(
                    "wrong-contract",
                    f"this amendment is written for {named}, not for {base_path}",
                    node.span,
                    hint="give the contract the amendment names, or change its `to \"...\"`",
                )
            ],
        )
    return load_contract(amendment_path, sources)


# ----------------------------------------------------------------- scenarios


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


def load_scenario(path: str, sources: Sources, contract_path: str | None = None) -> tuple[Scenario | None, m.Contract | None, list[Diagnostic]]:
    """A scenario file and the contract it is for (or ``contract_path`` if given)."""
    node, diags = parse_file(path, sources)
    if node is None:
        return None, None, diags
    if not isinstance(node, s.ScenarioFile):
        return None, None, diags + [
            Diagnostic(
                "wrong-file-kind",
                f"{path} is not a scenario",
                node.span,
                hint='a scenario starts with `scenario "Title" for "contract.contract"`',
            )
        ]
    named = resolve_relative(path, node.contract)
    target = contract_path or named
    if contract_path is None:
        base = load_syntax(named, sources, node.span)
        if isinstance(base, list):  # missing, or not a contract: say so at the scenario's header
            if base and base[0].span.file != path:
                base = [Diagnostic("wrong-file-kind", f"{named} is not a contract file", node.span,
                                   hint="a scenario names the contract it is for after `for`")]
            return None, None, diags + base
    loaded = load_contract(target, sources)
    diags = diags + loaded.diagnostics
    if loaded.contract is None:
        return None, None, diags
    sc, sdiags = check_scenario(node, loaded.contract, path)
    return sc, loaded.contract, diags + sdiags


def check_scenario(node: s.ScenarioFile, c: m.Contract, path: str) -> tuple[Scenario | None, list[Diagnostic]]:
    ch = Checker(s.ContractFile(s.Header("", m.date_of(c.effective)), ()), path)
    # reuse the contract's tables for name and type resolution
    ch.facts = dict(c.facts)
    ch.events = dict(c.events)
    ch.kinds = {k: s.KindDecl(k, v) for k, v in c.kinds.items()}
    ch.parties = {p: s.PartyDecl(p, None, b) for p, b in c.parties.items()}
    ch.facts_syn = {n: s.FactDecl(n, s.TypeRef(f.type.name)) for n, f in c.facts.items()}
    ch.events_syn = {n: s.EventDecl(n, (), ()) for n in c.events}
    ch.states_syn = {n: s.StateDecl(n) for n in c.states}
    ch.effective, ch.horizon = c.effective, c.horizon
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
                ch.error("duplicate-name", f"argument `{n}` of {ev.name} is given twice", val.span,
                         hint="give each argument once")
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
