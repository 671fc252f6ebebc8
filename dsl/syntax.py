"""The surface model: what a contract file says, node for node.

From text (via ``dsl.parse``) to these frozen nodes. Every node carries a
``Span``; spans are excluded from equality so that two parses of the same
contract laid out differently compare equal (the formatter's round-trip test
relies on it). So is the text a literal was written with (``Literal.text``,
``Norm.within_text``): ``$1,000`` and ``$1K`` are the same value, and the
formatter prints each as written.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any, Union

import attrs

# The values a ``Literal`` holds (``Value``, with ``Money`` and ``Duration``) are defined
# with their parsers and printers; the surface model names them too.
from dsl.literals import Duration as Duration
from dsl.literals import Money as Money
from dsl.literals import Value as Value


@attrs.frozen(order=True, repr=False)
class Span:
    """A 1-based source region: where a node was written."""

    file: str
    line: int
    col: int
    end_line: int
    end_col: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


NOWHERE = Span("<none>", 0, 0, 0, 0)


def _span() -> Span:
    return attrs.field(default=NOWHERE, eq=False, repr=False, order=False)  # type: ignore[no-any-return]


# The classes here and in ``dsl.model`` are declared ``repr=False`` and share this
# ``__repr__``, which writes what attrs' own would (``Binary(op='+', left=..., right=...)``,
# fields with ``repr=False`` left out): attrs compiles a ``__repr__`` for each class,
# a third of the cost of creating it, and these modules create ~60 at every start.
# (No guard against cycles: frozen nodes cannot contain themselves.)


def _attrs_repr(self: Any) -> str:
    cls = type(self)
    fields = ", ".join(f"{a.name}={getattr(self, a.name)!r}" for a in attrs.fields(cls) if a.repr)
    return f"{cls.__qualname__.rsplit('>.', 1)[-1]}({fields})"


def share_repr(namespace: dict[str, object]) -> None:
    """Give every attrs class of a module that has no ``__repr__`` of its own the shared one."""
    for obj in list(namespace.values()):
        if (
            isinstance(obj, type)
            and obj.__module__ == namespace["__name__"]
            and attrs.has(obj)
            and "__repr__" not in vars(obj)
        ):
            setattr(obj, "__repr__", _attrs_repr)  # noqa: B010  (mypy: no assigning to a method)


# ----------------------------------------------------------------- expressions


def _source_text() -> str | None:
    return attrs.field(default=None, eq=False, repr=False, order=False)  # type: ignore[no-any-return]


@attrs.frozen(repr=False)
class Literal:
    """A value as written. ``text``: the literal as the file spells it
    (``EUR 40,000``, ``12.50%``, ``2 weeks``), which ``whereas fmt`` keeps;
    ``None`` for a literal built in code, which prints in canonical form. Like
    spans, it is left out of equality: ``$1K`` and ``$1,000`` are equal nodes.
    A literal of another value is a new node (``text`` always spells ``value``)."""

    value: Value
    span: Span = _span()
    text: str | None = _source_text()


@attrs.frozen(repr=False)
class NameRef:
    """A bare name; what it denotes (state, fact, variable, enum member, event)
    is decided by the checker."""

    name: str
    span: Span = _span()


@attrs.frozen(repr=False)
class Unary:
    op: str  # "not" | "-"
    operand: Expr
    span: Span = _span()


@attrs.frozen(repr=False)
class Binary:
    op: str  # and or implies == != < <= > >= + - * min max floor ceil (``min(a, b)``, ``ceil(a / b)``)
    left: Expr
    right: Expr
    span: Span = _span()


@attrs.frozen(repr=False)
class Actor:
    """A party, or a body of a party (``OpenAI.Board``)."""

    party: str
    body: str | None = None
    span: Span = _span()

    def __str__(self) -> str:
        return self.party if self.body is None else f"{self.party}.{self.body}"


@attrs.frozen(repr=False)
class PatternArg:
    """``amount: a`` (binds ``a`` or compares with a constant) or ``amount <= $10B``."""

    name: str
    op: str  # ":" or a comparison operator
    value: Expr
    span: Span = _span()


@attrs.frozen(repr=False)
class Pattern:
    event: str
    args: tuple[PatternArg, ...] = ()
    span: Span = _span()


@attrs.frozen(repr=False)
class EventAtom:
    """In a check: some occurrence of an event matching the pattern."""

    pattern: Pattern
    actor: Actor | None = None
    effective: bool = False
    span: Span = _span()


@attrs.frozen(repr=False)
class Breach:
    """``breach by P`` or ``breach of §2 by P``."""

    party: str | None
    clause: str | None = None
    span: Span = _span()


@attrs.frozen(repr=False)
class DateRef:
    """A date in a time qualifier: a literal, ``horizon``/``effective``, or a date fact."""

    date: _dt.date | None = None
    name: str | None = None  # "horizon", or a fact name (or, after before/after in a check, an event)
    span: Span = _span()
    pattern: Pattern | None = None  # ``A before B(args)``: an event with arguments


@attrs.frozen(repr=False)
class Timed:
    """``φ on D``, ``φ before D``, ``φ after D``."""

    op: str  # "on" | "before" | "after"
    body: Expr
    date: DateRef
    span: Span = _span()


@attrs.frozen(repr=False)
class AfterScope:
    """``after E: φ``: φ on every day after each effective occurrence of E."""

    pattern: Pattern
    actor: Actor | None
    body: Expr
    span: Span = _span()


@attrs.frozen(repr=False)
class DuringScope:
    """``from D1 until D2: φ`` and ``on D: φ`` (D1 == D2)."""

    start: DateRef
    end: DateRef
    body: Expr
    span: Span = _span()


Expr = Union[Literal, NameRef, Unary, Binary, EventAtom, Breach, Timed, AfterScope, DuringScope]


# ----------------------------------------------------------------- declarations


@attrs.frozen(repr=False)
class Header:
    title: str
    effective: _dt.date
    horizon: _dt.date | None = None
    currency: str = "USD"
    span: Span = _span()


@attrs.frozen(repr=False)
class PartyDecl:
    name: str
    description: str | None = None
    bodies: tuple[str, ...] = ()
    span: Span = _span()


@attrs.frozen(repr=False)
class KindDecl:
    name: str
    members: tuple[str, ...]
    description: str | None = None
    span: Span = _span()


@attrs.frozen(repr=False)
class TypeRef:
    name: str
    span: Span = _span()


@attrs.frozen(repr=False)
class FactDecl:
    name: str
    type: TypeRef
    value: Expr | None = None
    description: str | None = None
    span: Span = _span()


@attrs.frozen(repr=False)
class Param:
    name: str
    type: TypeRef
    span: Span = _span()


@attrs.frozen(repr=False)
class EventDecl:
    name: str
    params: tuple[Param, ...]
    actors: tuple[Actor, ...]  # empty: anyone
    description: str | None = None
    span: Span = _span()


@attrs.frozen(repr=False)
class TimePoint:
    """Where a state starts or ends: the effective date, a date, or an event."""

    kind: str  # "effective" | "date" | "event"
    date: _dt.date | None = None
    event: str | None = None
    span: Span = _span()


@attrs.frozen(repr=False)
class StateDecl:
    name: str
    description: str | None = None
    starts: tuple[TimePoint, ...] = ()
    ends: tuple[TimePoint, ...] = ()
    span: Span = _span()


# ----------------------------------------------------------------- clauses


@attrs.frozen(repr=False)
class Trigger:
    """What sets off an obligation or a consequence: an event, or a violation."""

    pattern: Pattern | None = None
    actor: Actor | None = None
    where: Expr | None = None
    violation_of: str | None = None
    span: Span = _span()


@attrs.frozen(repr=False)
class Norm:
    """One deontic statement. ``modality``: must_not | may | must | power."""

    modality: str
    actor: Actor
    pattern: Pattern
    where: Expr | None = None
    within: Duration | None = None
    before: DateRef | None = None
    trigger: Trigger | None = None
    span: Span = _span()
    within_text: str | None = _source_text()  # ``within`` as written (see ``Literal.text``)
    within_fact: str | None = None  # ``within NoticePeriod``: a duration fact


@attrs.frozen(repr=False)
class Consequence:
    """``E ends S`` / ``E starts S`` / ``E ends the contract``."""

    trigger: Trigger
    effect: str  # "ends" | "starts" | "terminates"
    state: str | None = None
    span: Span = _span()


Statement = Union[Norm, Consequence]


@attrs.frozen(repr=False)
class Guard:
    """When a clause applies: ``while C``, ``from D``, ``until D``, ``until E``."""

    kind: str  # "while" | "from" | "until_date" | "until_event"
    cond: Expr | None = None
    date: DateRef | None = None
    pattern: Pattern | None = None
    span: Span = _span()


@attrs.frozen(repr=False)
class Clause:
    id: str  # "§2.1"
    title: str
    facts: tuple[str, ...] = ()
    text: tuple[str, ...] = ()
    exception_to: str | None = None
    prevails_over: tuple[str, ...] = ()
    guards: tuple[Guard, ...] = ()
    survives: bool = False
    statements: tuple[Statement, ...] = ()
    span: Span = _span()
    head_span: Span = _span()


@attrs.frozen(repr=False)
class Check:
    id: str
    title: str
    mode: str  # possible | always | never
    body: Expr
    givens: tuple[Expr, ...] = ()
    explicit_id: bool = False
    span: Span = _span()


Decl = Union[PartyDecl, KindDecl, FactDecl, EventDecl, StateDecl, Clause, Check]


@attrs.frozen(repr=False)
class ContractFile:
    header: Header
    items: tuple[Decl, ...]
    span: Span = _span()


# ----------------------------------------------------------------- scenarios


@attrs.frozen(repr=False)
class ScenarioEvent:
    date: _dt.date
    event: str
    args: tuple[tuple[str, Expr], ...] = ()
    actor: Actor | None = None
    span: Span = _span()


@attrs.frozen(repr=False)
class ScenarioFact:
    name: str
    value: Expr
    span: Span = _span()


@attrs.frozen(repr=False)
class ScenarioFile:
    title: str
    contract: str  # path as written, relative to the scenario file
    facts: tuple[ScenarioFact, ...] = ()
    events: tuple[ScenarioEvent, ...] = ()
    span: Span = _span()


# ----------------------------------------------------------------- amendments


@attrs.frozen(repr=False)
class Amend:
    """One change: ``add`` / ``replace`` an item, or ``remove`` one by name."""

    action: str  # "add" | "replace" | "remove"
    item: Decl | None = None
    target_kind: str | None = None  # for remove: "clause" | "party" | ... | "check"
    target: str | None = None
    span: Span = _span()


@attrs.frozen(repr=False)
class AmendmentFile:
    title: str
    contract: str
    changes: tuple[Amend, ...] = ()
    span: Span = _span()


SourceFile = Union[ContractFile, ScenarioFile, AmendmentFile]


def decl_name(item: Decl) -> str:
    """The name under which an item is declared (a clause's id, a check's id)."""
    if isinstance(item, (Clause, Check)):
        return item.id
    return item.name


def decl_kind(item: Decl) -> str:
    return {
        PartyDecl: "party",
        KindDecl: "kind",
        FactDecl: "fact",
        EventDecl: "event",
        StateDecl: "state",
        Clause: "clause",
        Check: "check",
    }[type(item)]


share_repr(globals())
