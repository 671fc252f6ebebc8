"""Witnesses made readable without the solver: dates earlier, amounts smaller.

The solver's scenario already has the fewest events (``Prover.ask`` counts
them down on its incremental solver). What remains is cosmetic but matters to
a reader: a date in 2031 where the effective date works as well, an amount of
$3,141,592.65 where $0 does. Asking the solver for the earliest dates means
proofs over the whole slice at every step, which at scale cost more than the
question itself (bench/README.md). Here each change is instead tried on the
scenario and kept only if ``accept`` (a replay through the interpreter) says
the scenario still answers the question. The result is a local minimum:

- events are taken in date order; each is moved, first together with every
  later event (so a window after it stays met), then alone, to the earliest
  day, not before the event preceding it (so the story keeps its order), on
  which the scenario still works: first that lower bound, then a bisection;
- then each amount (money, duration) is tried at zero and, if zero does not
  work, lowered by bisection to the smallest that does; each flag is tried at
  false.

No z3 here: ``accept`` is the only judge, so a change can never produce a
scenario the interpreter does not confirm.
"""

from __future__ import annotations

from collections.abc import Callable

import attrs

from dsl import model as m
from dsl.literals import Money
from dsl.scenario import Occurrence, Scenario

Accept = Callable[[Scenario], bool]

_MAX_STEPS = 16  # bisection steps per date: 2**16 days is more than any horizon
_MAX_AMOUNT_STEPS = 48  # per amount: exact to the cent below $2.8 trillion


def ordered(c: m.Contract, sc: Scenario, events: list[Occurrence]) -> Scenario:
    """The scenario with these events, in the order the solver's scenarios use:
    by day, then by the event's place in the contract (as ``scenario_of``)."""
    order = {name: i for i, name in enumerate(c.events)}
    ordered = sorted(enumerate(events), key=lambda x: (x[1].day, order.get(x[1].event, 0), x[0]))
    return attrs.evolve(sc, events=tuple(attrs.evolve(o, seq=i) for i, (_, o) in enumerate(ordered)))


def _moved(events: list[Occurrence], i: int, tail: int, day: int) -> list[Occurrence]:
    """Events ``i`` to ``tail - 1`` moved by the same number of days, ``i`` to ``day``."""
    shift = events[i].day - day
    return events[:i] + [attrs.evolve(o, day=o.day - shift) for o in events[i:tail]] + events[tail:]


def _earliest(
    c: m.Contract, best: Scenario, events: list[Occurrence], i: int, tail: int, lower: int, accept: Accept
) -> tuple[list[Occurrence], Scenario]:
    """The earliest day from ``lower`` for event ``i`` (with events up to ``tail``)
    that ``accept`` takes: ``lower`` itself, else a bisection below today's day."""
    cand = ordered(c, best, _moved(events, i, tail, lower))
    if accept(cand):
        return _moved(events, i, tail, lower), cand
    lo, hi = lower + 1, events[i].day  # today's day works; look for an earlier one
    steps = 0
    while lo < hi and steps < _MAX_STEPS:
        steps += 1
        mid = (lo + hi) // 2
        cand = ordered(c, best, _moved(events, i, tail, mid))
        if accept(cand):
            hi, best = mid, cand
        else:
            lo = mid + 1
    return _moved(events, i, tail, hi), best


def _with_arg(
    c: m.Contract, best: Scenario, events: list[Occurrence], i: int, p: str, v: m.ConstValue, accept: Accept
) -> tuple[list[Occurrence], Scenario] | None:
    """(the events, the scenario) with event ``i``'s argument ``p`` set to ``v``,
    if ``accept`` takes it."""
    args = tuple((n, v if n == p else old) for n, old in events[i].args)
    trial = events[:i] + [attrs.evolve(events[i], args=args)] + events[i + 1 :]
    cand = ordered(c, best, trial)
    return (trial, cand) if accept(cand) else None


def simplify(c: m.Contract, sc: Scenario, accept: Accept) -> Scenario:
    """``sc`` with dates moved earlier and amounts made smaller while ``accept`` holds."""
    events = list(sc.events)
    if not events:
        return sc
    best = sc
    lower = c.effective
    for i in range(len(events)):
        # first the event with every later one (gaps between them kept: a
        # window after the event stays met), then the event alone
        for tail in (len(events), i + 1):
            if events[i].day > lower:
                events, best = _earliest(c, best, events, i, tail, lower, accept)
        lower = events[i].day
    for i, o in enumerate(events):
        params = c.events[o.event].params
        for p, t in params:
            if t.name not in ("money", "duration", "bool"):
                continue
            value = o.arg(p)
            floor: m.ConstValue
            if isinstance(value, Money):
                if value.cents == 0:
                    continue
                floor = Money(0, value.currency)
            elif isinstance(value, bool):
                if not value:
                    continue
                floor = False
            elif isinstance(value, int) and value > 0:
                floor = 0
            else:
                continue
            got = _with_arg(c, best, events, i, p, floor, accept)
            if got is None and not isinstance(value, bool):
                # the smallest amount that works, by bisection (what a reader wants to
                # see: the threshold, not whatever the solver happened to pick)
                cents = value.cents if isinstance(value, Money) else int(value)
                lo, hi, steps = 1, cents, 0  # ``cents`` works
                while lo < hi and steps < _MAX_AMOUNT_STEPS:
                    steps += 1
                    mid = (lo + hi) // 2
                    trial_got = _with_arg(
                        c,
                        best,
                        events,
                        i,
                        p,
                        Money(mid, value.currency) if isinstance(value, Money) else mid,
                        accept,
                    )
                    if trial_got is not None:
                        hi, got = mid, trial_got
                    else:
                        lo = mid + 1
            if got is not None:
                events, best = got
    return best
