"""The checked contract: names resolved, types known, patterns desugared.

From ``dsl.syntax`` (via ``dsl.check``) to this model, which both semantics
read: the interpreter (``verifier.semantics.interpret``) on one scenario and the Z3
encoding (``verifier.smt``) over all of them. Dates are ``date.toordinal()``
day numbers; money is integer cents; durations are days.

Expressions refer to an event occurrence's arguments through ``ArgRef``:
``occ="self"`` is the occurrence a norm is about, ``occ="trigger"`` the
occurrence that triggered an obligation. Pattern variables are gone: the
checker substitutes each by the argument it was bound to.
"""

from __future__ import annotations

import datetime as _dt
import re
from fractions import Fraction
from typing import Literal, Union

import attrs

from dsl.literals import Money, format_value
from dsl.syntax import NOWHERE, Span, share_repr


def _span() -> Span:
    return attrs.field(default=NOWHERE, eq=False, repr=False, order=False)  # type: ignore[no-any-return]


@attrs.frozen(repr=False)
class Type:
    """bool | int | money | date | duration | percent | kind | party | symbol."""

    name: str
    kind: str | None = None  # the kind's name, for "kind"
    currency: str | None = None  # for "money"
    candidates: frozenset[str] = frozenset()  # for "symbol": the kinds (and "party") it may be

    def __str__(self) -> str:
        if self.name == "kind":
            return str(self.kind)
        if self.name == "money" and self.currency:
            return f"money ({self.currency})"
        if self.name == "symbol":
            return "a name of " + " or ".join(sorted(self.candidates))
        return self.name


BOOL = Type("bool")
INT = Type("int")
DATE = Type("date")
DURATION = Type("duration")
PERCENT = Type("percent")
PARTY = Type("party")
ERROR = Type("error")  # a type that failed to resolve: reported once, compatible with anything

ConstValue = Union[bool, int, Money, Fraction, str]

# What a check asks: that some scenario satisfies its body (possible), that every
# one does (always), or that none does (never).
Modality = Literal["possible", "always", "never"]
# What a norm says of its act: an obligation, a prohibition, a permission, a power.
NormModality = Literal["must", "must_not", "may", "power"]

_MODALITIES: dict[str, Modality] = {"possible": "possible", "always": "always", "never": "never"}
_NORM_MODALITIES: dict[str, NormModality] = {
    "must": "must",
    "must_not": "must_not",
    "may": "may",
    "power": "power",
}


def _modality(word: str) -> Modality:
    """The parser's word (a ``str``, as the checker passes it on) as a ``Modality``."""
    try:
        return _MODALITIES[word]
    except KeyError:
        raise ValueError(f"not a check modality: {word!r}") from None


def _norm_modality(word: str) -> NormModality:
    try:
        return _NORM_MODALITIES[word]
    except KeyError:
        raise ValueError(f"not a norm modality: {word!r}") from None


# ----------------------------------------------------------------- expressions


@attrs.frozen(repr=False)
class Const:
    """A constant. Dates and durations are day numbers (``type`` tells which);
    kind members and parties are their names. ``text``: an amount or a
    percentage as the contract writes it (``US$6.6B``, ``12.50%``), which the
    outputs show where the value comes from the contract; None for a value
    computed or built in code. Left out of equality, like spans."""

    value: ConstValue
    type: Type
    span: Span = _span()
    text: str | None = attrs.field(default=None, eq=False, repr=False)

    def shown(self) -> str:
        """The value as the contract writes it, else in the one canonical form."""
        return self.text if self.text is not None else format_value(self.value, self.type)


@attrs.frozen(repr=False)
class ArgRef:
    occ: str  # "self" | "trigger"
    name: str
    type: Type
    span: Span = _span()


@attrs.frozen(repr=False)
class FactRef:
    name: str
    type: Type
    span: Span = _span()


@attrs.frozen(repr=False)
class StateAt:
    """Whether a state holds on a day: ``day`` None means the day of the
    occurrence (in a norm) or of the enclosing scope (in a check)."""

    state: str
    day: int | None = None
    span: Span = _span()


@attrs.frozen(repr=False)
class Op:
    op: str  # and or not implies == != < <= > >= + - * neg min max floor ceil (a divided by b, rounded)
    args: tuple[Expr, ...]
    type: Type
    span: Span = _span()


@attrs.frozen(repr=False)
class Precedes:
    """``A before B`` (``B after A``) in a check: some occurrence matching ``first`` on
    a day before the day of some occurrence matching ``second`` (an earlier day: acts
    of one day are not before one another)."""

    first: Happens
    second: Happens
    span: Span = _span()


@attrs.frozen(repr=False)
class Happens:
    """Some occurrence of ``event`` with day in [lo, hi] satisfying ``cond``
    (over ``ArgRef("self", ...)``), by ``actor`` if given (a party covers its bodies
    only when ``exact`` is false), and effective if asked."""

    event: str
    cond: Expr | None = None
    actor: str | None = None
    effective: bool = False
    lo: int | None = None
    hi: int | None = None
    span: Span = _span()


@attrs.frozen(repr=False)
class BreachAtom:
    """Some violation (of ``clause``, by ``party``) with day in [lo, hi]."""

    party: str | None = None
    clause: str | None = None
    lo: int | None = None
    hi: int | None = None
    span: Span = _span()


@attrs.frozen(repr=False)
class AfterEvent:
    """For each effective occurrence of ``event`` (matching ``cond``/``actor``),
    ``body`` holds on every day after it, through the horizon."""

    event: str
    cond: Expr | None
    actor: str | None
    body: Expr
    span: Span = _span()


@attrs.frozen(repr=False)
class During:
    """``body`` holds on every day from ``lo`` to ``hi`` (inclusive)."""

    lo: int
    hi: int
    body: Expr
    span: Span = _span()


Expr = Union[Const, ArgRef, FactRef, StateAt, Op, Happens, BreachAtom, AfterEvent, During, Precedes]


# ----------------------------------------------------------------- declarations


@attrs.frozen(repr=False)
class Fact:
    name: str
    type: Type
    value: Const | None  # None: not fixed by the contract; a scenario or the solver picks it
    description: str | None = None
    span: Span = _span()


@attrs.frozen(repr=False)
class Event:
    name: str
    params: tuple[tuple[str, Type], ...]
    actors: tuple[str, ...]  # who can perform it; empty: anyone
    description: str | None = None
    span: Span = _span()

    def param_type(self, name: str) -> Type | None:
        return next((t for n, t in self.params if n == name), None)


@attrs.frozen(repr=False)
class Trigger:
    """An effective event occurrence (``event``, ``actor``, ``cond`` over
    ``ArgRef("trigger", ...)``), or a violation of clause ``violation_of``."""

    event: str | None = None
    actor: str | None = None
    cond: Expr | None = None
    violation_of: str | None = None
    span: Span = _span()


@attrs.frozen(repr=False)
class State:
    name: str
    description: str | None
    initial: bool  # holds from the effective date
    start_days: tuple[int, ...]  # first day it holds
    end_days: tuple[int, ...]  # last day it holds
    start_events: tuple[str, ...]  # effective occurrences start it the next day
    end_events: tuple[str, ...]  # ... and end it the next day
    span: Span = _span()


@attrs.frozen(repr=False)
class Norm:
    clause: str
    modality: NormModality = attrs.field(converter=_norm_modality)
    actor: str  # "P" or "P.Body"
    event: str
    cond: Expr | None
    trigger: Trigger | None = None
    within: int | None = None  # days after the trigger
    before: int | None = None  # deadline: the first day too late
    span: Span = _span()


@attrs.frozen(repr=False)
class Consequence:
    clause: str
    trigger: Trigger
    effect: str  # ends | starts | terminates
    state: str | None
    span: Span = _span()


@attrs.frozen(repr=False)
class Guards:
    from_day: int | None = None
    until_day: int | None = None  # last day it applies
    while_cond: Expr | None = None
    until_events: tuple[Trigger, ...] = ()


@attrs.frozen(repr=False)
class Clause:
    id: str
    title: str
    facts: tuple[str, ...]
    text: tuple[str, ...]
    exception_to: str | None
    prevails_over: tuple[str, ...]
    guards: Guards
    survives: bool
    norms: tuple[Norm, ...]
    consequences: tuple[Consequence, ...]
    span: Span = _span()
    head_span: Span = _span()


@attrs.frozen(repr=False)
class Check:
    id: str
    title: str
    mode: Modality = attrs.field(converter=_modality)
    body: Expr
    givens: tuple[Expr, ...]
    span: Span = _span()


@attrs.frozen(repr=False)
class Contract:
    title: str
    file: str
    effective: int
    horizon: int
    currency: str
    parties: dict[str, tuple[str, ...]]  # party -> bodies
    kinds: dict[str, tuple[str, ...]]
    facts: dict[str, Fact]
    events: dict[str, Event]
    states: dict[str, State]
    clauses: dict[str, Clause]
    checks: tuple[Check, ...]
    horizon_given: bool = True

    @property
    def actors(self) -> tuple[str, ...]:
        out: list[str] = []
        for p, bodies in self.parties.items():
            out.append(p)
            out.extend(f"{p}.{b}" for b in bodies)
        return tuple(out)

    def children(self, clause_id: str) -> tuple[str, ...]:
        return tuple(c.id for c in self.clauses.values() if c.exception_to == clause_id)

    @property
    def powered_events(self) -> frozenset[str]:
        return frozenset(n.event for c in self.clauses.values() for n in c.norms if n.modality == "power")

    @property
    def terminable(self) -> bool:
        return any(q.effect == "terminates" for c in self.clauses.values() for q in c.consequences)

    def actor_events(self, event: str) -> tuple[str, ...]:
        """Who can perform ``event``: its declared actors, or every actor."""
        declared = self.events[event].actors
        if not declared:
            return self.actors
        out: list[str] = []
        for a in declared:
            out.append(a)
        return tuple(out)


def id_order(cid: str) -> tuple[tuple[int, int, str], ...]:
    """The order of clause ids as a reader numbers them: ``§2`` < ``§2.1`` <
    ``§2.9`` < ``§2.10`` < ``§10`` (runs of digits compared as numbers), the
    same whatever the order of the file."""
    return tuple(
        (0, int(part), "") if part[0] in "0123456789" else (1, 0, part)
        for part in re.findall(r"[0-9]+|[^0-9]+", cid)
    )


def day(d: _dt.date) -> int:
    return d.toordinal()


def date_of(n: int) -> _dt.date:
    return _dt.date.fromordinal(n)


def party_of(actor: str) -> str:
    return actor.split(".", 1)[0]


def acts_for(actor: str, holder: str) -> bool:
    """A party's norm covers acts by the party and by its bodies; a body's norm
    covers only that body."""
    return actor == holder or ("." not in holder and party_of(actor) == holder)


def common_holder(a: str, b: str) -> str | None:
    """The holder whose acts a norm of ``a`` and a norm of ``b`` both cover
    (``acts_for``): the same holder, or the body where one is a party and the
    other one of its bodies; None where no actor acts for both."""
    if a == b or ("." not in a and party_of(b) == a):
        return b
    if "." not in b and party_of(a) == b:
        return a
    return None


RULINGS = ("must_not", "may")  # the modalities an exception tree decides between


def ruled_holders(
    clauses: dict[str, Clause],
    cid: str,
    event: str,
    memo: dict[tuple[str, str], tuple[str, ...]] | None = None,
) -> tuple[str, ...] | None:
    """The holders whose acts of ``event`` clause ``cid`` can rule on (forbid
    or permit), as far as its norms' actors and those of every clause above it
    in its exception tree say: an exception rules only where the clause it
    excepts does. Holders in the order of the norms; () where there are none;
    None where the chain above ``cid`` names a missing clause or runs in a
    cycle (the checker reports both). ``memo``: answers already known, shared
    between calls on one set of clauses (a chain is walked once)."""
    memo = {} if memo is None else memo
    chain: list[str] = []
    seen: set[str] = set()
    at: str | None = cid
    while at is not None and (at, event) not in memo:
        if at in seen or at not in clauses:
            return None
        seen.add(at)
        chain.append(at)
        at = clauses[at].exception_to
    above: tuple[str, ...] | None = memo[(at, event)] if at is not None else None
    for x in reversed(chain):
        mine = [n.actor for n in clauses[x].norms if n.modality in RULINGS and n.event == event]
        if above is None:
            got = mine
        else:
            got = [h for a in mine for b in above if (h := common_holder(a, b)) is not None]
        above = memo[(x, event)] = tuple(dict.fromkeys(got))
    assert above is not None
    return above


share_repr(globals())
