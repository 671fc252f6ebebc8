"""From the smallest witness to one a lawyer recognises: the contract's own
figures where they decide the answer, round dates and amounts elsewhere.

``verifier.verify.witness`` leaves a scenario with the fewest events, each on
the earliest day and with the smallest amounts that work: a $0 purchase on the
contract's effective date. Valid, and persuades nobody. ``plausible`` takes
that scenario and, keeping its events, tries values a reader expects, each
kept only if a replay through the interpreter (``judge``) still answers the
question and tells the same story: the same violations, state changes and
obligations met (``signature``), so a round date never adds a late delivery.
Deterministic: the same scenario and contract give the same result.

Amounts (money arguments), in this order:
- a *boundary figure*: an amount the contract writes (in a clause, a check or
  a fact of the slice) that works while one cent more does not: the largest
  purchase the waiver allows, $10B;
- a figure that is the smallest amount that works (``amount >= $5M``);
- when the smallest that works is one cent above a figure (``amount > $10B``):
  a round amount above it, the figure times 1.2 rounded up to two significant
  digits ($12B);
- otherwise a round one in the contract's scale (a power of ten no greater
  than its smallest figure: $1B beside figures of $5.4B and more), or the
  smallest that works rounded up to two significant digits;
- else the smallest that works, and the explanation says so.

Percentages: a figure that bounds the value (the largest or smallest that
works), else the whole percent on the working side of the figure it must stay
below or above (99% below 99.5%); one nothing bounds, 50% rather than 0%.

Dates: an event the contract pins (the earliest day that works is later than
the event before it, or than the effective date) keeps its day: the waiver's
first day, the day a deadline has passed. An event the contract leaves free
goes to a round date: the first event to the 1st of January nearest the
middle of the time it may take (up to the next event, or the horizon), else
the 1st of the month nearest that middle, else the 1st of the month after the
effective date; a later one to the 1st of the month after the event before it. It moves alone when
that keeps the order of events, else with the events after it (the gaps
between them kept, so a window stays met).

``how`` says in words what was chosen and why; the result carries it to the
explanation (``Witness.how``).
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import enum
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from fractions import Fraction
from typing import Any

import attrs

from dsl import model as m
from dsl.literals import Money, format_date, format_money, format_percent
from dsl.scenario import Occurrence, Scenario
from verifier.semantics.interpret import Timeline
from verifier.verify.witness import ordered

# the story a scenario tells (``signature``), or None when it is no witness
Judge = Callable[[Scenario], object]


class WitnessStyle(enum.Enum):
    """How a witness's dates and amounts are chosen (``verify --witness``)."""

    PLAUSIBLE = "plausible"  # the contract's figures, round values (the default)
    SMALLEST = "smallest"  # the earliest dates and smallest amounts that work


SMALLEST_HOW = "Dates are the earliest and amounts the smallest that work."

_STYLE: ContextVar[WitnessStyle] = ContextVar("witness_style", default=WitnessStyle.PLAUSIBLE)


@contextlib.contextmanager
def styled(style: WitnessStyle) -> Iterator[None]:
    """Witnesses chosen in ``style`` within the block (and in the workers it forks)."""
    token = _STYLE.set(style)
    try:
        yield
    finally:
        _STYLE.reset(token)


def style() -> WitnessStyle:
    return _STYLE.get()


_MAX_FIGURES = 12  # figures tried per amount: the ones nearest the smallest amount that works
_PERCENT_GRAIN = 10**8  # percentages compared in millionths of a percent


@attrs.frozen
class Witness:
    """A scenario and, in words, how its dates and amounts were chosen."""

    scenario: Scenario
    how: str


def figures(objs: Iterable[object]) -> dict[str, tuple[int, ...]]:
    """The money amounts written in ``objs`` (clauses, checks, facts), per
    currency, ascending, in cents; the percentages under ``"%"``, in
    millionths of a percent."""
    found: dict[str, set[int]] = {}
    stack: list[object] = list(objs)
    seen: set[int] = set()
    while stack:
        x = stack.pop()
        if id(x) in seen:
            continue
        seen.add(id(x))
        if isinstance(x, Money):
            found.setdefault(x.currency, set()).add(x.cents)
        elif isinstance(x, Fraction):
            found.setdefault("%", set()).add(int(x * _PERCENT_GRAIN))
        elif isinstance(x, m.Const):
            stack.append(x.value)
        elif isinstance(x, (tuple, list, frozenset, set)):
            stack.extend(x)
        elif isinstance(x, dict):
            stack.extend(x.values())
        elif attrs.has(type(x)) and not isinstance(x, m.Type):
            stack.extend(_fields(x))
    return {cur: tuple(sorted(v)) for cur, v in found.items()}


def _fields(x: Any) -> list[object]:
    """An attrs instance's field values, its span aside."""
    return [getattr(x, a.name) for a in attrs.fields(type(x)) if a.name != "span"]


def contract_dates(c: m.Contract, check: m.Check | None) -> frozenset[int]:
    """The days the contract and the check write: clause windows, deadlines,
    states' dates, the days a check names."""
    days: set[int] = {c.effective, c.horizon}
    for cl in c.clauses.values():
        g = cl.guards
        days.update(d for d in (g.from_day, g.until_day) if d is not None)
        days.update(n.before for n in cl.norms if n.before is not None)
    for st in c.states.values():
        days.update(st.start_days)
        days.update(d + 1 for d in st.end_days)
    stack: list[object] = [] if check is None else [check.body, *check.givens]
    while stack:
        x = stack.pop()
        if isinstance(x, (m.Happens, m.BreachAtom)):
            days.update(d for d in (x.lo, x.hi) if d is not None)
        if isinstance(x, m.StateAt) and x.day is not None:
            days.add(x.day)
        if isinstance(x, m.During):
            days.update((x.lo, x.hi))
        if attrs.has(type(x)) and not isinstance(x, m.Type):
            stack.extend(_fields(x))
        elif isinstance(x, tuple):
            stack.extend(x)
    return frozenset(days)


def _round_up(cents: int) -> int:
    """``cents`` rounded up to two significant digits of its whole units."""
    units = -(-cents // 100)
    step: int = 10 ** max(len(str(units)) - 2, 0)
    return -(-units // step) * step * 100


def _scale(figs: tuple[int, ...]) -> int:
    """A round amount for this contract: the largest power of ten (in whole
    units) no greater than its smallest positive figure; $10K without one."""
    positive = [f for f in figs if f >= 100]
    if not positive:
        return 10_000 * 100
    power: int = 10 ** (len(str(min(positive) // 100)) - 1)
    return power * 100


def signature(tl: Timeline) -> object:
    """What a scenario's story says, dates and amounts aside: who violates
    which clause (how often), which states start and end, conflicts,
    ineffective acts, obligations met and left open. A plausible value is kept
    only if the story stays the same: a round date must not add a late
    delivery the smallest witness did not have."""
    return (
        sorted((v.clause, v.party) for v in tl.violations),
        sorted((e.state or "", e.start) for e in tl.changes()),
        sorted(x.clauses for x in tl.conflicts),
        sorted(r.occ.event for r in tl.events if not r.effective),
        sorted(cid for cid, _, _ in tl.fulfilled),
        sorted(cid for cid, _, _ in tl.open_at_horizon),
    )


class _Chooser:
    def __init__(self, c: m.Contract, sc: Scenario, judge: Judge, figs: dict[str, tuple[int, ...]]) -> None:
        self.memo: dict[object, object] = {}
        self.judge = judge
        self.base = self.judged(sc)
        self.c, self.figs = c, figs
        self.events = list(sc.events)
        self.best = sc
        self.notes: list[tuple[str, str]] = []  # (kind, words); kind "round" ones are grouped

    def judged(self, sc: Scenario) -> object:
        """``judge(sc)``, once per scenario (a trial often repeats one)."""
        key = (sc.events, tuple(sorted(sc.facts.items())))
        if key not in self.memo:
            self.memo[key] = self.judge(sc)
        return self.memo[key]

    def accept(self, sc: Scenario) -> bool:
        """A witness still, telling the same story."""
        return self.base is not None and self.judged(sc) == self.base

    def trial(self, events: list[Occurrence]) -> bool:
        cand = ordered(self.c, self.best, events)
        if self.accept(cand):
            self.events, self.best = events, cand
            return True
        return False

    def with_arg(self, i: int, p: str, v: m.ConstValue) -> list[Occurrence]:
        o = self.events[i]
        args = tuple((n, v if n == p else old) for n, old in o.args)
        return self.events[:i] + [attrs.evolve(o, args=args)] + self.events[i + 1 :]

    def works(self, i: int, p: str, v: m.ConstValue) -> bool:
        return self.accept(ordered(self.c, self.best, self.with_arg(i, p, v)))

    # ---------------------------------------------------------------- amounts
    def amount(self, i: int, p: str) -> None:
        v0 = self.events[i].arg(p)
        if not isinstance(v0, Money):
            return
        cur, low = v0.currency, v0.cents
        figs = self.figs.get(cur, ())
        near = [f for f in figs if f >= low][:_MAX_FIGURES]
        what = p.replace("_", " ")

        def take(cents: int, kind: str, words: str) -> bool:
            if cents == low or self.trial(self.with_arg(i, p, Money(cents, cur))):
                self.notes.append((kind, words))
                return True
            return False

        # the largest amount that works, when the contract writes it
        for f in reversed(near):
            if f > low and self.works(i, p, Money(f, cur)) and not self.works(i, p, Money(f + 1, cur)):
                if take(
                    f,
                    "figure",
                    f"{format_money(Money(f, cur))} is the largest {what} that works and a figure of the contract",
                ):
                    return
        if low > 0 and low in figs:
            take(
                low,
                "figure",
                f"{format_money(v0)} is the smallest {what} that works and a figure of the contract",
            )
            return
        if low > 0 and low - 1 in figs:
            above = _round_up((low - 1) * 12 // 10)
            if above > low - 1 and take(
                above,
                "above",
                f"{format_money(Money(above, cur))} is a round {what} above the contract's "
                f"{format_money(Money(low - 1, cur))}",
            ):
                return
        if low == 0:
            if take(_scale(figs), "round", f"the {what} {format_money(Money(_scale(figs), cur))}"):
                return
        else:
            for up in dict.fromkeys(x for x in (_scale(figs), _round_up(low)) if x >= low):
                if take(up, "round", f"the {what} {format_money(Money(up, cur))}"):
                    return
        if low == 0:
            self.notes.append(("smallest", f"no round {what} works here, so it is {format_money(v0)}"))
        else:
            self.notes.append(("smallest", f"{format_money(v0)} is the smallest {what} that works"))

    def percent(self, i: int, p: str) -> None:
        """A percentage: a figure of the contract that bounds it, else the whole
        percent on the working side of the figure it must stay below or above."""
        v0 = self.events[i].arg(p)
        if not isinstance(v0, Fraction):
            return
        what = p.replace("_", " ")
        tiny = Fraction(1, _PERCENT_GRAIN)
        for f in reversed([Fraction(x, _PERCENT_GRAIN) for x in self.figs.get("%", ())]):
            here, above, below = (self.works(i, p, v) for v in (f, f + tiny, f - tiny))
            if here and not (above and below):
                side = "largest" if not above else "smallest"
                if self.trial(self.with_arg(i, p, f)):
                    self.notes.append(("figure", f"{format_percent(f)} is the {side} {what} that works"))
                    return
            if here == above == below:
                continue
            whole = Fraction(int(f * 100), 100)  # the whole percent at or below f
            rounded = (
                (whole - Fraction(1, 100) if whole == f else whole) if below else whole + Fraction(1, 100)
            )
            if v0 != rounded and Fraction(0) <= rounded and self.trial(self.with_arg(i, p, rounded)):
                way = "below" if below else "above"
                self.notes.append(
                    (
                        "above",
                        f"{format_percent(rounded)} is a round {what} {way} the contract's {format_percent(f)}",
                    )
                )
                return
        if v0 == 0:  # nothing bounds it: a round half rather than none at all
            half = Fraction(1, 2)
            if self.trial(self.with_arg(i, p, half)):
                self.notes.append(("round", f"the {what} {format_percent(half)}"))
            else:
                self.notes.append(("smallest", f"no round {what} works here, so it is {format_percent(v0)}"))

    # ---------------------------------------------------------------- dates
    def date(self, i: int, lower: int, pinned: frozenset[int]) -> None:
        o = self.events[i]
        if o.day > lower:
            if o.day in pinned:
                self.notes.append(
                    (
                        "pinned",
                        f"{format_date(o.day)} is the earliest day that works and a date of the contract",
                    )
                )
            else:
                self.notes.append(("earliest", format_date(o.day)))
            return
        nxt = self.events[i + 1].day if i + 1 < len(self.events) else None
        span = self.events[-1].day - o.day
        tries: list[tuple[int, int]] = []  # (day, tail)
        if nxt is not None:
            tries += [(d, i + 1) for d in _round_days(lower, nxt, first=i == 0)]
        tries += [(d, len(self.events)) for d in _round_days(lower, self.c.horizon - span, first=i == 0)]
        for day, tail in tries:
            shift = day - o.day
            moved = self.events[:i] + [attrs.evolve(x, day=x.day + shift) for x in self.events[i:tail]]
            if self.trial(moved + self.events[tail:]):
                self.notes.append(("round", f"the date {format_date(day)}"))
                return


def _about(c: m.Contract, events: set[str]) -> list[m.Clause]:
    """The clauses that rule on, react to or are bounded by one of ``events``:
    where the figures that can decide those events' amounts are written."""

    def names(cl: m.Clause) -> set[str]:
        got = {n.event for n in cl.norms}
        got |= {n.trigger.event for n in cl.norms if n.trigger is not None and n.trigger.event}
        got |= {q.trigger.event for q in cl.consequences if q.trigger.event}
        got |= {t.event for t in cl.guards.until_events if t.event}
        return got

    return [cl for cl in c.clauses.values() if names(cl) & events]


_LAST_FIRST = _dt.date(_dt.MAXYEAR, 1, 1).toordinal()


def _first_after(d: _dt.date) -> int:
    """The 1st of the month after ``d``'s (past the calendar's end: a day no
    horizon reaches)."""
    if d.year == _dt.MAXYEAR and d.month == 12:
        return _dt.date.max.toordinal() + 1
    return _dt.date(d.year + (d.month == 12), d.month % 12 + 1, 1).toordinal()


def _round_days(lo: int, hi: int, first: bool) -> list[int]:
    """Round days in ``(lo, hi]``: for a scenario's first event, the 1st of
    January nearest the middle, then the 1st of the month nearest it, then
    the 1st of the month after ``lo`` (unless ``lo`` is a 1st already); for
    a later one, that last only."""
    hi = min(hi, _LAST_FIRST)  # the calendar's last 1st of January: nothing rounder after it
    if hi <= lo or lo < 1:
        return []
    start = _dt.date.fromordinal(lo)
    soon = _first_after(start)
    if first and start.day == 1:
        soon = hi + 1  # already the 1st of a month: no nearer round date to move to
    if not first:
        return [soon] if soon <= hi else []
    mid = (lo + hi) // 2
    y = _dt.date.fromordinal(mid).year
    jan = [_dt.date(y, 1, 1).toordinal()] + ([_dt.date(y + 1, 1, 1).toordinal()] if y < _dt.MAXYEAR else [])
    jan = [d for d in jan if lo < d <= hi]
    md = _dt.date.fromordinal(mid)
    months = [_dt.date(md.year, md.month, 1).toordinal(), _first_after(md)]
    firsts = [d for d in months if lo < d <= hi]
    near = sorted(jan, key=lambda d: abs(d - mid))[:1] + sorted(firsts, key=lambda d: abs(d - mid))[:1]
    return list(dict.fromkeys(near + ([soon] if soon <= hi else [])))


def plausible(
    c: m.Contract, sc: Scenario, judge: Judge, check: m.Check | None = None, other: m.Contract | None = None
) -> Witness:
    """``sc`` (already the smallest witness) with the contract's figures and
    round values where they still work: where ``judge`` says the scenario
    still tells the same story (``signature``; None: no witness). ``other``:
    a second version of the contract whose figures and events count too (the
    scenario of a semantic diff). See the module's docstring."""
    if not sc.events:
        return Witness(sc, "")
    if other is not None:
        c = attrs.evolve(
            c,
            events={**other.events, **c.events},
            clauses={**{f"other:{k}": v for k, v in other.clauses.items()}, **c.clauses},
            facts={**{f"other:{k}": v for k, v in other.facts.items()}, **c.facts},
            horizon=min(c.horizon, other.horizon),
            effective=max(c.effective, other.effective),
        )
    valued = {
        o.event for o in sc.events if any(t.name in ("money", "percent") for _, t in c.events[o.event].params)
    }
    figs = figures([_about(c, valued), c.facts, check]) if valued else {}
    ch = _Chooser(c, sc, judge, figs)
    for i, o in enumerate(sc.events):
        for p, t in c.events[o.event].params:
            if t.name == "money":
                ch.amount(i, p)
            elif t.name == "percent":
                ch.percent(i, p)
    pinned = contract_dates(c, check)
    lower = c.effective
    for i in range(len(ch.events)):
        ch.date(i, lower, pinned)
        lower = ch.events[i].day
    return Witness(ch.best, _how(ch.notes))


def _how(notes: list[tuple[str, str]]) -> str:
    """The notes in one or two sentences (a note made for several events once)."""
    notes = list(dict.fromkeys(notes))
    said = [w for k, w in notes if k not in ("round", "earliest")]
    earliest = [w for k, w in notes if k == "earliest"]
    if earliest:
        are = "is the earliest day" if len(earliest) == 1 else "are the earliest days"
        said.append(f"{_join(earliest)} {are} that work{'s' if len(earliest) == 1 else ''}")
    rounds = [w for k, w in notes if k == "round"]
    if rounds:
        are = "is a round value" if len(rounds) == 1 else "are round values"
        said.append(f"{_join(rounds)} {are} the contract leaves open")
    if not said:
        return ""
    text = "; ".join(said)
    return text[0].upper() + text[1:] + "."


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
