"""From a checked contract and its questions to solver outcomes.

One solver per contract and bound: the encoding is asserted once, each clause
behind its activation literal, each question behind its own literal, and
``check(assumptions)`` answers one question at a time while keeping what the
solver learned. Outcomes are plain data (no z3 objects escape this package):
``sat`` with a minimised scenario, ``unsat`` with the clauses the proof rests
on (a shrunk unsat core), or ``unknown`` with Z3's reason.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

import attrs
import z3

from dsl import model as m
from dsl.scenario import Occurrence, Scenario
from dsl.syntax import Money
from verifier.budget import Budget, Exhausted, Stop
from verifier.smt import second, smtlib
from verifier.smt import solver as solvers
from verifier.smt.encode import Encoding
from verifier.smt.outcome import Outcome, SolveStatus
from verifier.smt.solver import DEFAULT_RLIMIT, make_solver, run_context

__all__ = ["Outcome", "Prover", "SolveStatus", "scenario_of"]


class Prover:
    """Questions about one contract at one bound ``k``."""

    def __init__(
        self,
        c: m.Contract,
        k: int | Mapping[str, int],
        rlimit: int = DEFAULT_RLIMIT,
        encoding: type[Encoding] = Encoding,
        ctx: Any = None,
        budget: Budget | None = None,
    ) -> None:
        """``ctx``: the Z3 context of every term (default: the run's, one per
        ``budget``, see ``solver.run_context``; without a budget Z3's main context;
        a context per prover was tried and costs ~1.4 ms each, see bench/README.md).
        ``budget``: the run's limits (default: ``rlimit`` per query, no deadline);
        a question asked once a limit has run out is ``unknown`` with its ``Stop``."""
        self.c = c
        self.k = k
        self.budget = budget if budget is not None else Budget(rlimit=rlimit)
        self.rlimit = self.budget.rlimit
        self.ctx = (
            ctx if ctx is not None else run_context(self.budget) if budget is not None else z3.main_ctx()
        )
        self.budget.check()  # raises Exhausted: not even started
        try:
            self.enc = encoding(c, k, ctx=self.ctx)
            self.solver = make_solver(ctx=self.ctx, budget=self.budget)
            t = self.enc.t
            put = t.asserter(self.solver)
            for x in self.enc.assertions():
                put(x)
        except MemoryError as e:
            raise Exhausted(Stop.MEMORY, "MemoryError") from e
        except z3.Z3Exception as e:
            if "memory" in str(e).lower():
                raise Exhausted(Stop.MEMORY, str(e)) from e
            raise
        self.lits = [self.enc.lits[cid] for cid in c.clauses]
        self._q = 0
        self._kept: list[Any] = []

    # ------------------------------------------------------------ questions
    def check_query(self, check: m.Check) -> Any:
        """The formula whose satisfiability decides the check."""
        e = self.enc
        givens = [e.formula(g) for g in check.givens]
        body = e.formula(check.body)
        if check.mode == "always":
            return z3.And(*givens, z3.Not(body))
        return z3.And(*givens, body)

    def ask(
        self,
        query: Any,
        minimise: bool = True,
        want_core: bool = True,
        events_only: bool = False,
        within: Any = None,
        want_scenario: bool = True,
        label: Sequence[str] | None = None,
    ) -> Outcome:
        """Whether ``query`` has a scenario. ``minimise``: the scenario has the
        fewest events; unless ``events_only``, also the earliest dates and
        smallest amounts by the solver (the caller may instead improve those
        on the scenario itself, see ``verifier.verify.witness``, which costs no proofs).
        ``within``: the clause ids assumed in force for this question (default:
        all of the prover's); the others may be in force or struck out. Closed
        under dependency, as a cone is (``verifier.reduce.slicing``), they answer
        it as the contract restricted to them would, core included: nothing they
        read depends on the others, so any answer extends to them.
        ``want_scenario=False``: a ``sat`` answer without its scenario (no model
        is read). ``label``: what the question is (its first line a short name),
        for the run's SMT-LIB files and second opinion (``verifier.smt.second``),
        if it wants them; unlabelled questions are neither written nor confirmed."""
        out = self._answer(query, minimise, want_core, events_only, within, want_scenario)
        if label is not None and second.wanted():
            held = None if within is None else [cid for cid in self.c.clauses if cid in within]
            text = smtlib.question_text(self, query, held, label, out.status)
            out = second.heard(label, text, out, self.budget.remaining())
        return out

    def _answer(
        self, query: Any, minimise: bool, want_core: bool, events_only: bool, within: Any, want_scenario: bool
    ) -> Outcome:
        self._q += 1
        q = z3.Bool(f"question#{self._q}", self.ctx)
        lits = (
            self.lits if within is None else [self.enc.lits[cid] for cid in self.c.clauses if cid in within]
        )
        try:
            self.solver.add(z3.Implies(q, query))
            res = self._check(q, *lits)
            if res == z3.sat:
                if not want_scenario:
                    return Outcome(SolveStatus.SAT)
                model = self.solver.model()
                if minimise:
                    model = self._minimise(q, events_only, lits) or model
                return Outcome(SolveStatus.SAT, self.scenario_of(model))
            if res == z3.unsat:
                core = self._shrink(q, lits) if want_core else ()
                return Outcome(SolveStatus.UNSAT, core=core)
        except Exhausted as e:
            return Outcome(SolveStatus.UNKNOWN, reason=e.detail or e.stop.value, stop=e.stop)
        stop, reason = solvers.stop_of(self.solver, self.budget)
        return Outcome(SolveStatus.UNKNOWN, reason=reason, stop=stop)

    def sat_together(
        self, queries: list[Any], within: Any = None, labels: Sequence[str] | None = None
    ) -> set[int]:
        """Which of ``queries`` (all read within ``within``, as for ``ask``)
        are shown to have a scenario by asking several at once: all of them
        together, and where they have no common scenario, each half (to pairs).
        A scenario of a conjunction is one of each part, so every index
        returned is a ``sat`` answer; the others are left to be asked alone
        (they may be ``sat`` too, on scenarios of their own). Most of the
        analyses' questions have scenarios: one solve answers a batch.
        ``labels``: each query's name, for the run's SMT-LIB files and second
        opinion (``ask``'s ``label``); a ``sat`` answer the second solver disputes
        counts for none of them (each is then asked alone, where it shows)."""
        known: set[int] = set()

        def test(idx: list[int]) -> None:
            label = None
            if labels is not None:
                names = [labels[i] for i in idx]
                label = [
                    f"together-{names[0]}-{len(idx)}",
                    f"analysis questions asked together: {', '.join(names)}",
                ]
            got = self.ask(
                z3.And([queries[i] for i in idx]),
                minimise=False,
                want_core=False,
                within=within,
                want_scenario=False,
                label=label,
            )
            if got.confirmation is not None and got.confirmation.wrong:
                return
            if got.status == SolveStatus.SAT:
                known.update(idx)
            elif got.status == SolveStatus.UNSAT and len(idx) > 2:
                test(idx[: len(idx) // 2])
                test(idx[len(idx) // 2 :])

        if queries:
            test(list(range(len(queries))))
        return known

    def _check(self, *assumptions: Any) -> Any:
        """The solver's check under the run's budget (``solvers.check``)."""
        return solvers.check(self.solver, self.budget, *assumptions)

    def _check_or_unknown(self, *assumptions: Any) -> Any:
        """As ``_check``, but a limit run out reads as z3's ``unknown``: the
        proof's core and the witness's minimisation keep what they have."""
        try:
            return self._check(*assumptions)
        except Exhausted:
            return z3.unknown

    def _shrink(self, q: Any, lits: list[Any] | None = None) -> tuple[str, ...]:
        """The clauses the answer rests on: a minimal set that still proves it,
        the same whatever the order of the file. Taken in the order of their
        ids (``m.id_order``), the last clause of the shortest prefix that still
        proves the answer is cited; then the same among the clauses before it,
        together with those cited, until the cited ones prove it alone. Each
        cited clause is needed (without it, the others cited and those before
        it have a scenario), and which ones are cited depends only on what each
        question answers: Z3's cores only shorten the search (a core's last
        clause bounds the shortest prefix). A clause left out of the
        assumptions may be in the contract or struck out, so the answer holds
        either way. A question a limit stops keeps its clause cited."""
        by_lit = {str(lit): cid for cid, lit in self.enc.lits.items()}
        order = sorted(self.lits if lits is None else lits, key=lambda lit: m.id_order(by_lit[str(lit)]))
        pos = {str(lit): i for i, lit in enumerate(order)}

        def top(below: int) -> int:  # one past the core's last clause before ``below``
            at = [pos[str(x)] for x in self.solver.unsat_core() if pos.get(str(x), below) < below]
            return max(at) + 1 if at else 0

        cited: list[Any] = []
        hi = top(len(order))  # order[:hi] with the cited proves it
        while hi > 0:
            if self._check_or_unknown(q, *cited, *order[: hi - 1]) == z3.unsat:
                hi = top(hi - 1)
            else:  # order[hi - 1] is needed
                cited.append(order[hi - 1])
                hi -= 1
        return tuple(sorted((by_lit[str(lit)] for lit in cited), key=m.id_order))

    def _minimise(self, q: Any, events_only: bool = False, assume: list[Any] | None = None) -> Any:
        """Fewest events (counted up from none), then, unless ``events_only``,
        earliest dates (bisected), then smallest amounts and false flags (tried
        at their floor), each on the incremental solver, every bound behind a
        fresh literal (kept once it holds), so nothing learned is lost and the
        cost is a few cheap questions rather than one optimisation over the
        whole encoding."""
        slots = self.enc.all_slots()
        if not slots:
            return None
        asked = [q, *(self.lits if assume is None else assume)]
        best = self._fewest_events(asked, slots)
        if events_only or best is None:
            return best
        # (measure, bisect?): dates are bisected; amounts and flags only tried
        # at their floor, which is cheap and usually reachable
        measures: list[tuple[Any, bool]] = [
            (z3.Sum([z3.If(s.occ, s.day - self.c.effective, 0) for s in slots]), True)
        ]
        amounts = [
            z3.If(s.occ, s.args[p], 0)
            for s in slots
            for p, t in self.c.events[s.event].params
            if t.name in ("money", "duration")
        ]
        if amounts:
            measures.append((z3.Sum(amounts), False))
        flags = [
            z3.If(z3.And(s.occ, s.args[p]), 1, 0)
            for s in slots
            for p, t in self.c.events[s.event].params
            if t.name == "bool"
        ]
        if flags:  # and flags false where either way works, so witnesses do not flip between runs
            measures.append((z3.Sum(flags), False))
        return self._descend(asked, best, measures)

    def _fewest_events(self, q: list[Any], slots: list[Any]) -> Any:
        """The model with the fewest events: at most 0, 1, 2, ... events until
        one is possible (a cardinality constraint, kept on the solver). Counting
        up is cheap where bisecting down from the first model's count is not:
        small counts are refuted by propagation, while "at most 40 of 400
        slots" is a hard question either way (bench/README.md)."""
        occs = [s.occ for s in slots]
        have = self.solver.model()
        top = sum(1 for o in occs if z3.is_true(have.eval(o, model_completion=True)))
        for j in range(top):
            self._q += 1
            lit = z3.Bool(f"at-most#{self._q}", self.ctx)
            self.solver.add(z3.Implies(lit, z3.AtMost(*occs, j)))
            res = self._check_or_unknown(*q, lit)
            if res == z3.sat:
                self._kept = [lit]
                return self.solver.model()
            if res != z3.unsat:
                break  # out of resources: keep what we have
        self._q += 1
        lit = z3.Bool(f"at-most#{self._q}", self.ctx)
        self.solver.add(z3.Implies(lit, z3.AtMost(*occs, top)))
        self._kept = [lit]
        return have

    def _descend(self, q: list[Any], best: Any, measures: list[tuple[Any, bool]]) -> Any:
        kept: list[Any] = list(self._kept)
        for measure, bisect in measures:
            lo, hi = 0, best.eval(measure, model_completion=True).as_long()
            steps = 0
            while lo < hi and steps < (24 if bisect else 1):
                # try the floor first (often it is reachable), then bisect
                mid = lo if steps == 0 else (lo + hi) // 2
                steps += 1
                self._q += 1
                lit = z3.Bool(f"at-most#{self._q}", self.ctx)
                self.solver.add(z3.Implies(lit, measure <= mid))
                res = self._check_or_unknown(*q, *kept, lit)
                if res == z3.sat:
                    best = self.solver.model()
                    hi = best.eval(measure, model_completion=True).as_long()
                elif res == z3.unsat:
                    lo = mid + 1
                else:
                    return best  # out of resources: the best found so far
            self._q += 1
            lit = z3.Bool(f"at-most#{self._q}", self.ctx)
            self.solver.add(z3.Implies(lit, measure <= hi))
            kept.append(lit)
        return best

    # ------------------------------------------------------------ models to scenarios
    def scenario_of(self, model: Any) -> Scenario:
        return scenario_of(model, [self.enc])

    # ------------------------------------------------------------ analyses
    def conflict_query(self, root: str) -> Any:
        return z3.Or([x for r, _, x in self.enc.conflicts if r == root] or [self.enc.F])

    def applicability_query(self, cid: str) -> Any | None:
        """Some scenario in which clause ``cid`` rules on something, or None
        if the clause has nothing that can apply. An exception rules on an act
        only where the clause it is an exception to rules on it too (and so on
        up its tree: ``Encoding.ruling``), as the interpreter walks an
        exception tree down only from a clause that rules."""
        return self.applies_somewhere(cid, self.enc.ruling(cid))

    def own_applicability_query(self, cid: str) -> Any | None:
        """As ``applicability_query``, but an exception taken alone: some
        scenario in which its own dates and norms match an act, whether or not
        the clauses above it rule on it (``Encoding.node_defs``). Where this has
        a scenario and ``applicability_query`` has none, the exception is dead
        because of the clauses above it."""
        return self.applies_somewhere(cid, self.enc.node_defs.get(cid, []))

    def applies_somewhere(self, cid: str, rulings: list[Any]) -> Any | None:
        """Some scenario in which clause ``cid`` rules on an act (one of
        ``rulings``), exercises a power effectively, is owed, or has a
        consequence; None if it has none of these."""
        e = self.enc
        terms: list[Any] = list(rulings)
        for uses in e.power_uses.values():
            terms += [z3.And(s.occ, u) for n, s, u in uses if n.clause == cid]
        terms += [inst for n, inst, _ in e.obligation_insts if n.clause == cid]
        terms += e.consequence_fires.get(cid, [])
        return z3.Or(terms) if terms else None

    def power_query(self, cid: str) -> Any | None:
        terms = [
            z3.And(s.occ, u) for uses in self.enc.power_uses.values() for n, s, u in uses if n.clause == cid
        ]
        return z3.Or(terms) if terms else None

    def fulfilment_query(self, cid: str) -> Any | None:
        terms = [z3.And(inst, ful) for n, inst, ful in self.enc.obligation_insts if n.clause == cid]
        return z3.Or(terms) if terms else None


def scenario_of(model: Any, encs: list[Encoding]) -> Scenario:
    """The scenario a model describes, over the slots of one or more encodings
    (the miter's two contracts share their slots by name)."""
    occs: list[tuple[int, int, int, Occurrence]] = []
    seen: set[str] = set()
    facts: dict[str, m.ConstValue] = {}
    for enc in encs:
        c = enc.c
        for ei, (name, slots) in enumerate(enc.slots.items()):
            if name in seen:
                continue
            seen.add(name)
            ev = c.events[name]
            for s in slots:
                if not z3.is_true(model.eval(s.occ, model_completion=True)):
                    continue
                day = model.eval(s.day, model_completion=True).as_long()
                actor = enc.actors[model.eval(s.actor, model_completion=True).as_long()]
                args = tuple(
                    (p, _value(enc, model.eval(s.args[p], model_completion=True), t)) for p, t in ev.params
                )
                occs.append((day, ei, s.index, Occurrence(day, name, actor, args)))
        for f in c.facts.values():
            if f.value is None and f.name not in facts:
                facts[f.name] = _value(enc, model.eval(enc.facts[f.name], model_completion=True), f.type)
    occs.sort(key=lambda x: x[:3])
    events = tuple(attrs.evolve(o, seq=i) for i, (_, _, _, o) in enumerate(occs))
    return Scenario("found by the solver", facts, events)


def _value(enc: Encoding, v: Any, t: m.Type) -> m.ConstValue:
    if t.name == "bool":
        return bool(z3.is_true(v))
    if t.name == "percent":
        frac = v.as_fraction()
        return Fraction(frac.numerator, frac.denominator)
    n = v.as_long()
    if t.name == "money":
        return Money(n, t.currency or enc.c.currency)
    if t.name == "kind":
        assert t.kind is not None
        return str(enc.kinds[t.kind][n])
    if t.name == "party":
        return str(enc.parties[n])
    return int(n)
