"""The surface model: what a contract file says, node for node.

From text (via ``dsl.parser``) to these frozen nodes. Every node carries a
``Span``; spans are excluded from equality so that two parses of the same
contract laid out differently compare equal (the formatter's round-trip test
relies on it).
"""

from __future__ import annotations

import datetime as _dt
from fractions import Fraction
from typing import Union

import attrs


@attrs.frozen(order=True)
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


# ----------------------------------------------------------------- values


@attrs.frozen
class Money:
    """An exact amount: integer cents in one currency."""

    cents: int
    currency: str = "USD"

    def __str__(self) -> str:
        return format_money(self)


def format_money(m: Money) -> str:
    sign = "-" if m.cents < 0 else ""
    c = abs(m.cents)
    symbol = {"USD": "$", "EUR": "EUR ", "GBP": "£", "CHF": "CHF "}.get(m.currency, m.currency + " ")
    for suffix, scale in (("T", 10**14), ("B", 10**11), ("M", 10**8), ("K", 10**5)):
        if c >= scale and c % (scale // 10) == 0 and not (suffix == "K" and c % scale):
            whole, frac = divmod(c, scale)
            text = str(whole) if frac == 0 else f"{whole}.{frac // (scale // 10)}"
            return f"{sign}{symbol}{text}{suffix}"
    dollars, cents = divmod(c, 100)
    text = f"{dollars:,}" + (f".{cents:02d}" if cents else "")
    return f"{sign}{symbol}{text}"


@attrs.frozen
class Duration:
    """A span of time. Days and weeks are exact; months and years are calendar units."""

    amount: int
    unit: str  # "day" | "week" | "month" | "year"

    @property
    def days(self) -> int | None:
        if self.unit == "day":
            return self.amount
        if self.unit == "week":
            return self.amount * 7
        return None

    def __str__(self) -> str:
        unit = self.unit if self.amount == 1 else self.unit + "s"
        return f"{self.amount} {unit}"


Value = Union[bool, int, Money, Duration, Fraction, _dt.date, str]


# ----------------------------------------------------------------- expressions


@attrs.frozen
class Literal:
    value: Value
    span: Span = _span()


@attrs.frozen
class NameRef:
    """A bare name; what it denotes (state, fact, variable, enum member, event)
    is decided by the checker."""

    name: str
    span: Span = _span()


@attrs.frozen
class Unary:
    op: str  # "not" | "-"
    operand: Expr
    span: Span = _span()


@attrs.frozen
class Binary:
    op: str  # and or implies == != < <= > >= + - *
    left: Expr
    right: Expr
    span: Span = _span()


@attrs.frozen
class Actor:
    """A party, or a body of a party (``OpenAI.Board``)."""

    party: str
    body: str | None = None
    span: Span = _span()

    def __str__(self) -> str:
        return self.party if self.body is None else f"{self.party}.{self.body}"


@attrs.frozen
class PatternArg:
    """``amount: a`` (binds ``a`` or compares with a constant) or ``amount <= $10B``."""

    name: str
    op: str  # ":" or a comparison operator
    value: Expr
    span: Span = _span()


@attrs.frozen
class Pattern:
    event: str
    args: tuple[PatternArg, ...] = ()
    span: Span = _span()


@attrs.frozen
class EventAtom:
    """In a check: some occurrence of an event matching the pattern."""

    pattern: Pattern
    actor: Actor | None = None
    effective: bool = False
    span: Span = _span()


@attrs.frozen
class Breach:
    """``breach by P`` or ``breach of §2 by P``."""

    party: str | None
    clause: str | None = None
    span: Span = _span()


@attrs.frozen
class DateRef:
    """A date in a time qualifier: a literal, ``horizon``/``effective``, or a date fact."""

    date: _dt.date | None = None
    name: str | None = None  # "horizon", or a fact name
    span: Span = _span()


@attrs.frozen
class Timed:
    """``φ on D``, ``φ before D``, ``φ after D``."""

    op: str  # "on" | "before" | "after"
    body: Expr
    date: DateRef
    span: Span = _span()


@attrs.frozen
class AfterScope:
    """``after E: φ``: φ on every day after each effective occurrence of E."""

    pattern: Pattern
    actor: Actor | None
    body: Expr
    span: Span = _span()


@attrs.frozen
class DuringScope:
    """``from D1 until D2: φ`` and ``on D: φ`` (D1 == D2)."""

    start: DateRef
    end: DateRef
    body: Expr
    span: Span = _span()


Expr = Union[Literal, NameRef, Unary, Binary, EventAtom, Breach, Timed, AfterScope, DuringScope]


# ----------------------------------------------------------------- declarations


@attrs.frozen
class Header:
    title: str
    effective: _dt.date
    horizon: _dt.date | None = None
    currency: str = "USD"
    span: Span = _span()


@attrs.frozen
class PartyDecl:
    name: str
    description: str | None = None
    bodies: tuple[str, ...] = ()
    span: Span = _span()


@attrs.frozen
class KindDecl:
    name: str
    members: tuple[str, ...]
    description: str | None = None
    span: Span = _span()


@attrs.frozen
class TypeRef:
    name: str
    span: Span = _span()


@attrs.frozen
class FactDecl:
    name: str
    type: TypeRef
    value: Expr | None = None
    description: str | None = None
    span: Span = _span()


@attrs.frozen
class Param:
    name: str
    type: TypeRef
    span: Span = _span()


@attrs.frozen
class EventDecl:
    name: str
    params: tuple[Param, ...]
    actors: tuple[Actor, ...]  # empty: anyone
    description: str | None = None
    span: Span = _span()


@attrs.frozen
class TimePoint:
    """Where a state starts or ends: the effective date, a date, or an event."""

    kind: str  # "effective" | "date" | "event"
    date: _dt.date | None = None
    event: str | None = None
    span: Span = _span()


@attrs.frozen
class StateDecl:
    name: str
    description: str | None = None
    starts: tuple[TimePoint, ...] = ()
    ends: tuple[TimePoint, ...] = ()
    span: Span = _span()


# ----------------------------------------------------------------- clauses


@attrs.frozen
class Trigger:
    """What sets off an obligation or a consequence: an event, or a violation."""

    pattern: Pattern | None = None
    actor: Actor | None = None
    where: Expr | None = None
    violation_of: str | None = None
    span: Span = _span()


@attrs.frozen
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


@attrs.frozen
class Consequence:
    """``E ends S`` / ``E starts S`` / ``E ends the contract``."""

    trigger: Trigger
    effect: str  # "ends" | "starts" | "terminates"
    state: str | None = None
    span: Span = _span()


Statement = Union[Norm, Consequence]


@attrs.frozen
class Guard:
    """When a clause applies: ``while C``, ``from D``, ``until D``, ``until E``."""

    kind: str  # "while" | "from" | "until_date" | "until_event"
    cond: Expr | None = None
    date: DateRef | None = None
    pattern: Pattern | None = None
    span: Span = _span()


@attrs.frozen
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


@attrs.frozen
class Check:
    id: str
    title: str
    mode: str  # possible | always | never
    body: Expr
    givens: tuple[Expr, ...] = ()
    explicit_id: bool = False
    span: Span = _span()


Decl = Union[PartyDecl, KindDecl, FactDecl, EventDecl, StateDecl, Clause, Check]


@attrs.frozen
class ContractFile:
    header: Header
    items: tuple[Decl, ...]
    span: Span = _span()


# ----------------------------------------------------------------- scenarios


@attrs.frozen
class ScenarioEvent:
    date: _dt.date
    event: str
    args: tuple[tuple[str, Expr], ...] = ()
    actor: Actor | None = None
    span: Span = _span()


@attrs.frozen
class ScenarioFact:
    name: str
    value: Expr
    span: Span = _span()


@attrs.frozen
class ScenarioFile:
    title: str
    contract: str  # path as written, relative to the scenario file
    facts: tuple[ScenarioFact, ...] = ()
    events: tuple[ScenarioEvent, ...] = ()
    span: Span = _span()


# ----------------------------------------------------------------- amendments


@attrs.frozen
class Amend:
    """One change: ``add`` / ``replace`` an item, or ``remove`` one by name."""

    action: str  # "add" | "replace" | "remove"
    item: Decl | None = None
    target_kind: str | None = None  # for remove: "clause" | "party" | ... | "check"
    target: str | None = None
    span: Span = _span()


@attrs.frozen
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
