"""From two versions of a contract to a scenario on which they differ.

The miter: both versions are encoded over one shared scenario (slots and
facts share their names; each version's derived terms are prefixed), and the
solver is asked for a scenario in which they read differently: a clause's
violation by some party on some day (so also when, and how often on different
days), a conflict of rulings on some act, a state on some day, whether an act is
effective, or whether the contract is in force on some day. No difference within the bounds
is a proof that the amendment changes nothing a scenario can show (up to those
bounds).

Only what the amendment can reach is encoded (``sliced``, the default): the
nodes whose definitions differ (``slicing.amended``), everything that reads
them, directly or not (``slicing.forward_cone``: the observations that may
differ; every other one reads the same in both versions on every scenario),
and, in each version, the backward cone of those observations
(``slicing.observation_cone``: all they are computed from, so on the slice
they read as on the whole contract). Two drafts of 1,000 clauses that differ in
one waiver are then two encodings of a few dozen clauses each, and a question
about four clauses.
"""

from __future__ import annotations

from typing import Any

import attrs
import z3

from dsl import model as m
from dsl.scenario import Scenario
from verifier.budget import Budget, Exhausted, Stop
from verifier.reduce.slicing import Index, Reach, amended, forward_cone, observation_cone, restrict
from verifier.smt import solver as solvers
from verifier.smt.encode import Encoding, Slot, Universe
from verifier.smt.outcome import SolveStatus
from verifier.smt.prove import scenario_of
from verifier.smt.solver import DEFAULT_RLIMIT, make_solver


@attrs.frozen
class DiffOutcome:
    status: SolveStatus  # SAT: a difference; UNSAT: none within the bounds; UNKNOWN
    scenario: Scenario | None = None
    reason: str | None = None
    stop: Stop | None = None  # with UNKNOWN: the limit that stopped it
    # the occurrences of each event asked with: a number for every event, or, when
    # derived (``k=None``), per event (``derived``: a difference needs no more)
    k: int | tuple[tuple[str, int], ...] = 0
    derived: bool = False
    why: str = ""  # with ``derived``, why that suffices; else why no number followed


def _violations(enc: Encoding, days: dict[tuple[str, int], Any]) -> dict[tuple[str, int], list[Any]]:
    """(deciding clause, party index) -> the terms that say it is violated by that
    party on the day ``days[(clause, party)]`` (one free day a pair, shared by both
    versions: so a violation moved to another day, or one more of them, differs)."""
    out: dict[tuple[str, int], list[Any]] = {}
    for v in enc.violations:
        fixed = v.party if z3.is_int_value(v.party) else None
        for i in range(len(enc.parties)):
            if fixed is not None and fixed.as_long() != i:
                continue
            key = (v.clause, i)
            t = days.setdefault(key, z3.Int(f"diff.violated.{v.clause}.{i}"))
            on = z3.And(v.active, v.day == t)
            out.setdefault(key, []).append(on if fixed is not None else z3.And(on, v.party == i))
    return out


def _conflicts(enc: Encoding) -> dict[tuple[str, str, int], Any]:
    """(exception tree's root, event, slot) -> the term that says the tree's rulings on
    that occurrence conflict."""
    return {(root, s.event, s.index): term for root, s, term in enc.conflicts}


def _differences(ea: Encoding, eb: Encoding, reach: Reach, lo: int, hi: int) -> list[Any]:
    """Every way the two encodings can read a scenario differently, within ``reach``:
    a clause's violation by a party on a day, a conflict between a tree's rulings on
    an act, a state on a day, an act's effectiveness, the contract's being in force.

    Breach is not asked about separately: a party is in breach when it violates
    some clause, so if its breach differs, its violation of some clause differs,
    and that clause is in ``reach`` (outside it every clause's violations read the
    same in both versions). The same holds for "some violation of a clause or of
    its tree", the union of the per-clause, per-party questions below."""
    diffs: list[Any] = []
    days: dict[tuple[str, int], Any] = {}
    va, vb = _violations(ea, days), _violations(eb, days)
    for cid in sorted(reach.clauses):
        for i in range(len(ea.parties)):
            ta, tb = va.get((cid, i), []), vb.get((cid, i), [])
            if ta or tb:
                t = days[(cid, i)]
                diffs.append(z3.And(t >= lo, t <= hi, z3.Xor(z3.Or(ta or [False]), z3.Or(tb or [False]))))
    ca, cb = _conflicts(ea), _conflicts(eb)
    for key in sorted(set(ca) | set(cb)):
        if key[0] in reach.clauses:
            diffs.append(z3.Xor(ca.get(key, z3.BoolVal(False)), cb.get(key, z3.BoolVal(False))))
    for st in sorted(reach.states):
        if st in ea.c.states and st in eb.c.states:
            t = z3.Int(f"diff.day.{st}")
            diffs.append(z3.And(t >= lo, t <= hi, z3.Xor(ea.holds(st, t), eb.holds(st, t))))
    for ev in sorted(reach.effective):
        if ev in ea.slots and ev in eb.slots:
            for sa, sb in zip(ea.slots[ev], eb.slots[ev], strict=True):
                diffs.append(z3.And(sa.occ, z3.Xor(ea.eff[(ev, sa.index)], eb.eff[(ev, sb.index)])))
    if reach.in_force:
        t = z3.Int("diff.day.in-force")
        diffs.append(z3.And(t >= lo, t <= hi, z3.Xor(ea.in_force(t), eb.in_force(t))))
    return diffs


def _lemmas(ea: Encoding, eb: Encoding, ia: Index, ib: Index, reach: Reach) -> list[Any]:
    """Equalities between the two encodings that every scenario satisfies, as
    hints: they add no constraint on the scenario, but spare the solver proving
    that two copies of the same definitions agree (without them, the 1,000-clause
    bench's proof of no difference takes 1.2 s instead of 0.02 s).

    What reads the same in both versions (outside ``reach``) reads the same in
    both encodings when each slice holds the whole definition of it (the slice
    is then faithful to the full version): the contract's being in force when the
    slice holds every termination clause, an act's effectiveness when it holds
    every power over the act."""
    out: list[Any] = []
    ca, cb = ea.c, eb.c
    if not reach.in_force and all(set(ix.terminators) <= set(e.c.clauses) for ix, e in ((ia, ea), (ib, eb))):
        days = {s.day.get_id(): s.day for s in ea.all_slots() + eb.all_slots()}
        out += [ea.in_force(d) == eb.in_force(d) for d in days.values()]
    for ev in ca.events:
        if ev in reach.effective or ev not in cb.events:
            continue
        if all(set(ix.powers.get(ev, ())) <= set(c.clauses) for ix, c in ((ia, ca), (ib, cb))):
            out += [ea.eff[(ev, s.index)] == eb.eff[(ev, s.index)] for s in ea.slots[ev]]
    return out


def everything(a: m.Contract, b: m.Contract) -> Reach:
    """The whole of both versions: the unsliced miter."""
    return Reach(
        frozenset(a.clauses) | frozenset(b.clauses),
        frozenset(a.states) | frozenset(b.states),
        frozenset(a.events) | frozenset(b.events),
        a.terminable or b.terminable,
    )


def find_difference(
    a: m.Contract,
    b: m.Contract,
    k: int | None,
    rlimit: int = DEFAULT_RLIMIT,
    sliced: bool = True,
    budget: Budget | None = None,
    fallback: int = 2,
) -> DiffOutcome:
    """A scenario on which ``a`` and ``b`` read differently within bound ``k``; ``k``
    None: at the occurrences such a scenario can need (``bounds.of_difference``), or
    at ``fallback`` where no number follows. ``budget``: the run's limits (default:
    ``rlimit`` per query); a limit that stops the question makes it ``unknown``
    with its ``Stop``."""
    budget = budget if budget is not None else Budget(rlimit=rlimit)
    try:
        return _find_difference(a, b, k, budget, sliced, fallback)
    except Exhausted as e:
        return DiffOutcome(SolveStatus.UNKNOWN, reason=e.detail, stop=e.stop)
    except MemoryError:
        return DiffOutcome(SolveStatus.UNKNOWN, reason="MemoryError", stop=Stop.MEMORY)


def _find_difference(
    a: m.Contract, b: m.Contract, k: int | None, budget: Budget, sliced: bool, fallback: int
) -> DiffOutcome:
    budget.check()
    u = Universe.of(a, b)
    seeds = amended(a, b) if sliced else None
    ia: Index | None = None
    ib: Index | None = None
    if seeds is None:
        reach, ca, cb = everything(a, b), a, b
    else:
        ia, ib = Index(a), Index(b)
        reach = forward_cone(ia, ib, seeds)
        if reach.empty:  # nothing can read differently: no question to ask
            return DiffOutcome(SolveStatus.UNSAT, derived=True, why="nothing the amendment changes is read")
        ca, cb = restrict(a, observation_cone(ia, reach)), restrict(b, observation_cone(ib, reach))
    at: int | dict[str, int]
    derived, why = False, ""
    if k is not None:
        at = k
    else:
        from verifier.reduce.bounds import cut_down, of_difference

        need = of_difference(ca, cb, reach.clauses, reach.states, reach.effective, reach.in_force)
        if need.per_event is None:
            at, why = fallback, need.why_not or ""
        else:
            at, derived = dict(need.per_event), True
            why = cut_down(need.per_event, "a scenario that tells them apart")
    used = at if isinstance(at, int) else tuple(sorted(at.items()))
    ea = Encoding(ca, at, "base:", u)
    eb = Encoding(cb, at, "amended:", u)
    lo, hi = max(a.effective, b.effective), min(a.horizon, b.horizon)
    # the question and the hints first: asking about the contract's end may add
    # its definition to ``base``
    query = z3.Or(_differences(ea, eb, reach, lo, hi) or [False])
    hints = _lemmas(ea, eb, ia, ib, reach) if ia is not None and ib is not None else []
    solver = make_solver(budget=budget)
    for enc in (ea, eb):
        solver.add(*enc.lits.values())  # every clause of both versions is in force
        solver.add(*enc.base)
        for _, v, definition in enc.guarded:
            solver.add(v == definition)
    solver.add(*hints)
    q = z3.Bool("diff.question")
    solver.add(z3.Implies(q, query))
    res = solvers.check(solver, budget, q)
    if res == z3.unsat:
        return DiffOutcome(SolveStatus.UNSAT, k=used, derived=derived, why=why)
    if res != z3.sat:
        stop, reason = solvers.stop_of(solver, budget)
        return DiffOutcome(SolveStatus.UNKNOWN, reason=reason, stop=stop, k=used, derived=derived, why=why)
    slots = ea.all_slots() + [s for s in eb.all_slots() if s.event not in ea.slots]
    events = {**cb.events, **ca.events}
    model = _minimise(solver, q, slots, events, lo, budget)
    return DiffOutcome(SolveStatus.SAT, scenario_of(model, [ea, eb]), k=used, derived=derived, why=why)


def _minimise(
    solver: Any, q: Any, slots: list[Slot], events: dict[str, m.Event], lo: int, budget: Budget
) -> Any:
    """Fewest events, then earliest dates (bisected), then smallest amounts and
    false flags (tried at their floor only), then names first in their lists
    (bisected: a handful of values), each bound behind a fresh literal
    on the one incremental solver, as ``Prover._minimise``. The two versions
    share their slots, so one set of measures serves both."""
    best = solver.model()
    if not slots:
        return best
    measures: list[tuple[Any, bool]] = [
        (z3.Sum([z3.If(s.occ, 1, 0) for s in slots]), True),
        (z3.Sum([z3.If(s.occ, s.day - lo, 0) for s in slots]), True),
    ]
    amounts = [
        z3.If(s.occ, s.args[p], 0)
        for s in slots
        for p, t in events[s.event].params
        if t.name in ("money", "duration")
    ]
    if amounts:
        measures.append((z3.Sum(amounts), False))
    flags = [
        z3.If(z3.And(s.occ, s.args[p]), 1, 0)
        for s in slots
        for p, t in events[s.event].params
        if t.name == "bool"
    ]
    if flags:
        measures.append((z3.Sum(flags), False))
    # and names (kind members, parties) early in their lists where either way
    # works: arguments the difference does not depend on then read the same from
    # one run to the next, as they did with the former optimiser
    names = [
        z3.If(s.occ, s.args[p], 0)
        for s in slots
        for p, t in events[s.event].params
        if t.name in ("kind", "party")
    ]
    if names:
        measures.append((z3.Sum(names), True))
    kept: list[Any] = []
    n = 0
    for measure, bisect in measures:
        low, high = 0, best.eval(measure, model_completion=True).as_long()
        steps = 0
        while low < high and steps < (24 if bisect else 1):
            mid = low if steps == 0 else (low + high) // 2  # the floor first: often reachable
            steps += 1
            n += 1
            lit = z3.Bool(f"diff.at-most#{n}")
            solver.add(z3.Implies(lit, measure <= mid))
            try:
                res = solvers.check(solver, budget, q, *kept, lit)
            except Exhausted:
                return best  # out of time or memory: the best found so far
            if res == z3.sat:
                best = solver.model()
                high = best.eval(measure, model_completion=True).as_long()
            elif res == z3.unsat:
                low = mid + 1
            else:
                return best  # out of resources: the best found so far
        n += 1
        lit = z3.Bool(f"diff.at-most#{n}")
        solver.add(z3.Implies(lit, measure <= high))
        kept.append(lit)
        if not kept[1:]:
            # with the fewest events found, keep to the slots the best scenario
            # uses: the later measures then search that scenario's dates and
            # amounts, not every slot's (a choice among witnesses, so still one)
            n += 1
            lit = z3.Bool(f"diff.slots#{n}")
            solver.add(
                z3.Implies(lit, z3.And([s.occ == best.eval(s.occ, model_completion=True) for s in slots]))
            )
            kept.append(lit)
    return best
