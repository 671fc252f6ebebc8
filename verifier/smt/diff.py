"""From two versions of a contract to a scenario on which they differ.

The miter: both versions are encoded over one shared scenario (slots and
facts share their names; each version's derived terms are prefixed), and the
solver is asked for a scenario in which they read differently: some party's
breach, a clause's violation, a state on some day, or whether an act is
effective. No difference within the bounds is a proof that the amendment
changes nothing a scenario can show (up to those bounds).
"""

from __future__ import annotations

from typing import Any

import attrs
import z3

from dsl import model as m
from dsl.load import Scenario
from verifier.smt.encode import Encoding, Universe
from verifier.smt.prove import scenario_of
from verifier.smt.solver import DEFAULT_RLIMIT, make_optimizer, make_solver


@attrs.frozen
class DiffOutcome:
    status: str  # "sat": a difference; "unsat": none within the bounds; "unknown"
    scenario: Scenario | None = None
    reason: str | None = None


def _breach(enc: Encoding, party: str | None = None, clause: str | None = None) -> Any:
    terms = []
    for v in enc.violations:
        if clause is not None and clause not in (v.clause, v.root):
            continue
        t = v.active if party is None else z3.And(v.active, v.party == enc.parties.index(party))
        terms.append(t)
    return z3.Or(terms or [False])


def find_difference(a: m.Contract, b: m.Contract, k: int, rlimit: int = DEFAULT_RLIMIT) -> DiffOutcome:
    u = Universe.of(a, b)
    ea = Encoding(a, k, "base:", u)
    eb = Encoding(b, k, "amended:", u)
    solver = make_solver(rlimit)
    for enc in (ea, eb):
        solver.add(*enc.lits.values())  # every clause of both versions is in force
        solver.add(*enc.base)
        for _, v, definition in enc.guarded:
            solver.add(v == definition)
    diffs: list[Any] = []
    for p in a.parties:
        if p in b.parties:
            diffs.append(z3.Xor(_breach(ea, p), _breach(eb, p)))
    for cid in sorted(set(a.clauses) | set(b.clauses)):
        diffs.append(z3.Xor(_breach(ea, clause=cid) if cid in a.clauses else z3.BoolVal(False),
                            _breach(eb, clause=cid) if cid in b.clauses else z3.BoolVal(False)))
    lo, hi = max(a.effective, b.effective), min(a.horizon, b.horizon)
    for st in a.states:
        if st in b.states:
            t = z3.Int(f"diff.day.{st}")
            diffs.append(z3.And(t >= lo, t <= hi, z3.Xor(ea.holds(st, t), eb.holds(st, t))))
    for ev in a.events:
        if ev in b.events:
            for sa, sb in zip(ea.slots[ev], eb.slots[ev], strict=True):
                diffs.append(z3.And(sa.occ, z3.Xor(ea.eff[(ev, sa.index)], eb.eff[(ev, sb.index)])))
    query = z3.Or(diffs or [False])
    res = solver.check(query)
    if res == z3.unsat:
        return DiffOutcome("unsat")
    if res != z3.sat:
        return DiffOutcome("unknown", reason=str(solver.reason_unknown()))
    model = solver.model()
    opt = make_optimizer(rlimit)
    opt.add(*solver.assertions())
    opt.add(query)
    slots = ea.all_slots() + [s for s in eb.all_slots() if s.event not in a.events]
    opt.minimize(z3.Sum([z3.If(s.occ, 1, 0) for s in slots] or [z3.IntVal(0)]))
    opt.minimize(z3.Sum([z3.If(s.occ, s.day - lo, 0) for s in slots] or [z3.IntVal(0)]))
    events = {**a.events, **b.events}
    amounts = [z3.If(s.occ, s.args[p], 0) for s in slots for p, t in events[s.event].params if t.name in ("money", "duration")]
    if amounts:
        opt.minimize(z3.Sum(amounts))
    if opt.check() == z3.sat:
        model = opt.model()
    return DiffOutcome("sat", scenario_of(model, [ea, eb]))
