"""From a checked contract to verdicts: each check proved, refuted or unknown,
with the deciding clauses and a replayed scenario; then the built-in analyses.

This module reads no z3: it asks ``verifier.smt.prove`` (imported when a
contract is verified) and replays every scenario the solver returns through
``verifier.semantics.interpret`` before it is shown. A scenario that does not replay
is an internal error, reported as such, never a verdict.

It has over 500 lines because the run of one check (bounds, the re-check, the
replay, the lean witness) and the run of a whole contract (slices, workers,
budgets) share their small helpers and read best side by side.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import attrs

from dsl import model as m
from dsl.scenario import Scenario
from verifier.budget import Budget, Exhausted, Stop
from verifier.reduce.symmetry import events_of
from verifier.semantics.interpret import Timeline, check_holds_on, replay
from verifier.smt.outcome import Outcome, SolveStatus, combined
from verifier.smt.second import Opinion, asking
from verifier.verify import lean as lean_slices
from verifier.verify.analyses import analysis_provers, run_analyses_within
from verifier.verify.explain import explain, timeline_clauses
from verifier.verify.lean import LEAN_ROUNDS, Lean, lean_exprs, lean_parties, violation_of
from verifier.verify.limits import Limits
from verifier.verify.parallel import (
    PARALLEL_MIN_CLAUSES,
    PARALLEL_MIN_SLICES,
    before_fork,
    in_processes,
    jobs_for,
)
from verifier.verify.plausible import WitnessStyle, style, styled
from verifier.verify.results import (
    DEFAULT_BOUND,
    CheckResult,
    Coverage,
    Reach,
    Unfinished,
    Verdict,
    Verification,
)
from verifier.verify.views import View, Views

if TYPE_CHECKING:
    from verifier.smt.prove import Prover


def verify_contract(
    c: m.Contract,
    sha256: str = "",
    bound: int | None = None,
    only: list[str] | None = None,
    analyses: bool = True,
    rlimit: int | None = None,
    jobs: int | None = 1,
    lean: bool = True,
    timelines: bool = True,
    limits: Limits | None = None,
    budget: Budget | None = None,
    relax: bool = True,
    opinion: Opinion | None = None,
    witness: WitnessStyle | None = None,
) -> Verification:
    """Every (selected) check answered, then the analyses. Checks are solved on
    the slice of the contract they depend on; checks with the same slice share
    one solver (and one for the re-check at k+1). ``jobs``: the slices of a big
    contract (see ``PARALLEL_MIN_SLICES``) are solved in that many forked processes
    (None: one per core; the default, 1, never forks); the verdicts are the same
    for any ``jobs``. Nothing global is changed (the collector, Z3's parameters):
    tuning the process is for whoever owns it, as the command line does.
    ``only``: the checks to answer (ids or titles), and the analyses then only
    of the clauses they depend on (their slices).
    ``lean``: a check with "not breach by P" is first tried on a slice without
    P's other duties (``lean_exprs``; contracts of ``LEAN_MIN_CLAUSES`` or more).
    ``relax``: a check is first solved with the conditions of the termination
    rights left open (``verifier.reduce.relax``), its scenarios confirmed on the
    whole contract.
    ``timelines=False``: results of a big contract may come without the
    interpreter's timeline (only the reports draw it; the text and JSON do not
    need it), which spares replaying every scenario once more.
    ``limits``: the run's time, solver work and memory (``verifier.verify.limits``;
    None: no deadline, the default work limit, half the machine's memory); a
    check or analysis a limit stops is ``unknown`` with the limit as its reason,
    and once the deadline has passed the rest are not started. ``rlimit`` is
    the older spelling of ``limits.rlimit`` (``limits`` wins). ``budget``: a
    clock already started (``Limits.budget()``), for a run of several parts
    (what-if) that shares one deadline; it wins over ``limits``.
    ``opinion``: the checks' questions written as SMT-LIB files and confirmed by
    cvc5, as it asks (``verifier.smt.second``); a result cvc5 contradicts is an
    internal error. ``witness``: how a scenario's dates and amounts are chosen
    (``verifier.verify.plausible``; None: as the caller's ``styled`` block
    says, plausible by default)."""
    with asking(opinion), styled(witness if witness is not None else style()):
        return _verify(c, sha256, bound, only, analyses, rlimit, jobs, lean, timelines, limits, budget, relax)


def _verify(
    c: m.Contract,
    sha256: str,
    bound: int | None,
    only: list[str] | None,
    analyses: bool,
    rlimit: int | None,
    jobs: int | None,
    lean: bool,
    timelines: bool,
    limits: Limits | None,
    budget: Budget | None,
    relax: bool,
) -> Verification:
    from verifier.reduce.relax import Opened
    from verifier.reduce.slicing import cone

    start = time.perf_counter()
    lim = limits if limits is not None else Limits()
    if lim.rlimit is None and rlimit:
        lim = attrs.evolve(lim, rlimit=rlimit)
    limit = budget if budget is not None else lim.budget()
    views = Views(c, Opened.of(c) if relax else None)
    index = views.exact.index
    groups: dict[Any, tuple[Any, list[int], bool]] = {}
    leans: dict[int, Lean] = {}
    about: set[str] = set()  # with ``only``: the clauses the selected checks depend on
    for i, check in enumerate(c.checks):
        if only and check.id not in only and check.title not in only:
            continue
        exprs = [check.body, *check.givens]
        if only:
            about |= cone(index, exprs).clauses
        mentioned = events_of(exprs)
        view = views.first(mentioned)
        lean_by = lean_exprs(check) if lean and len(c.clauses) >= lean_slices.LEAN_MIN_CLAUSES else None
        if lean_by is not None:  # its whole slice is made only if the lean one does not do
            sl = view.slice(lean_by, mentioned)
            leans[i] = Lean(exprs, lean_by, mentioned, lean_parties(check))
        else:
            sl = view.slice(exprs, mentioned)
        wide = view is not views.exact
        groups.setdefault((wide, sl.key), (sl, [], wide))[1].append(i)
    work = [(sl, idx, {i: leans[i] for i in idx if i in leans}, w) for sl, idx, w in groups.values()]
    big = len(work) >= PARALLEL_MIN_SLICES and sum(len(w[0].clauses) for w in work) >= PARALLEL_MIN_CLAUSES
    n = jobs_for(jobs, len(work)) if big else 1
    if n > 1:
        solved = _in_workers(c, bound, limit, work, n, views)
    else:
        solved = [r for sl, idx, ln, w in work for r in _solve_slice(c, bound, limit, sl, idx, ln, views, w)]
    by_index = dict(solved)
    results = [by_index[i] for i in sorted(by_index)]
    if n > 1 and timelines:  # the interpreter's timelines stay in the workers: replay here, for the reports
        results = [
            attrs.evolve(r, timeline=replay(c, r.scenario)[0]) if r.replayed and r.scenario else r
            for r in results
        ]
    findings: list[Any] = []
    unfinished: tuple[Unfinished, ...] = ()
    t_analyses = time.perf_counter()
    if analyses:
        findings, unfinished = run_analyses_within(
            c,
            analysis_provers(c, index, bound, limit),
            limit,
            jobs,
            about if only else None,
            views.narrow(bound, limit),
        )
    now = time.perf_counter()
    return Verification(
        c,
        sha256,
        bound,
        tuple(results),
        tuple(findings),
        now - start,
        unfinished,
        (now - t_analyses) * analyses,
    )


def _in_workers(
    c: m.Contract,
    bound: int | None,
    budget: Budget,
    work: list[tuple[Any, list[int], dict[int, Lean], bool]],
    n: int,
    views: Views,
) -> list[tuple[int, CheckResult]]:
    """The slices of ``work`` solved in ``n`` forked workers, each with the
    run's deadline and a share of its memory. What every worker needs is made
    here first, once, and inherited: the solver's modules and the whole
    contract's interpreter index. The checks of a worker that ends without
    answering (killed, out of memory, past the deadline) are ``unknown``."""
    before_fork(c)
    share = budget.share(n)

    def lost(j: int, stop: Stop, detail: str) -> list[tuple[int, CheckResult]]:
        return [(i, _undecided(c, c.checks[i], budget, stop, detail)) for i in work[j][1]]

    return in_processes(
        [len(w[0].clauses) for w in work],
        n,
        lambda j: _solve_slice(c, bound, share, *work[j][:3], views, work[j][3]),
        lost,
        budget.remaining,
        lambda r: attrs.evolve(r, timeline=None),
    )


def _solve_slice(
    c: m.Contract,
    bound: int | None,
    budget: Budget,
    sl: Any,
    indices: list[int],
    leans: dict[int, Lean],
    views: Views,
    wide: bool = False,
) -> list[tuple[int, CheckResult]]:
    """The checks ``indices`` of ``c``, which share slice ``sl`` and its provers
    (``Provers``: at the occurrences the checks need, or at a fixed ``bound``).
    ``sl`` is cut from ``views[1]`` (the open rights, see ``verifier.reduce.relax``)
    if ``wide``, else from ``views[0]`` (the contract itself).
    A check in ``leans`` has a lean ``sl`` (see ``lean_exprs``): a scenario found
    there must also answer it on the whole contract; if it does not (``Spoiled``),
    the slice grows by the clause of the earliest violation that spoiled it (up to
    ``LEAN_ROUNDS`` times), and then the check goes to its whole slice. A scenario
    found with open rights must answer the check on the whole contract too; if it
    does not, the check is asked without the open rights (a scenario there is kept
    if it answers), and then on the contract itself."""
    from verifier.reduce.slicing import restrict

    exact = views.exact
    first = views.wide if wide and views.wide is not None else exact

    def provers(view: View, s: Any, checks: list[m.Check] | None = None) -> Provers:
        return Provers(restrict(view.contract, s), bound, budget, checks or [])

    t0 = time.perf_counter()  # the first check's time includes building the prover
    out = []
    made: list[Provers] = []
    for i in indices:
        check = c.checks[i]
        try:
            if not made:
                made.append(provers(first, sl, [c.checks[j] for j in indices]))
            ln = leans.get(i)
            got = _answer(c, check, first, sl, made[0], ln, provers)
            if isinstance(got, Spoiled) and first is not exact:
                got = _without_open(c, check, views.closed, ln, provers) or _answer(
                    c, check, exact, *_slice_of(check, exact, ln, provers), ln, provers
                )
            assert isinstance(got, CheckResult), "only a scenario of a lean or open slice can be spoiled"
            res = got
        except Exhausted as e:
            res = _undecided(c, check, budget, e.stop, e.detail)
        except MemoryError:
            res = _undecided(c, check, budget, Stop.MEMORY, "MemoryError")
        out.append((i, attrs.evolve(res, seconds=time.perf_counter() - t0)))
        t0 = time.perf_counter()
    return out


def _answer(
    c: m.Contract,
    check: m.Check,
    view: View,
    sl: Any,
    shared: Provers,
    ln: Lean | None,
    provers: Callable[..., Provers],
    confirm: bool = False,
) -> CheckResult | Spoiled:
    """One check of ``_solve_slice``, on its (lean) slice ``sl`` of ``view``.
    ``Spoiled`` only on an open view (or with ``confirm``), when even the whole
    slice's scenario does not answer the check on the whole contract."""
    confirm = confirm or bool(view.opened)  # then every scenario is confirmed on the whole contract
    res: CheckResult | Spoiled
    if ln is None:
        return run_check(c, check, shared, lean=confirm)
    grown, pair = sl, shared
    for _ in range(LEAN_ROUNDS + 1):
        res = run_check(c, check, pair, lean=True)
        if not isinstance(res, Spoiled):
            return res
        if view.opened and any(o.event in view.opened.values() for o in res.scenario.events):
            return res  # an open right spoiled it: not the lean slice (see _solve_slice)
        extra = _spoilers(c, res, grown, ln.parties)
        if not extra:
            break
        ln = attrs.evolve(ln, exprs=[*ln.exprs, *(violation_of(cid) for cid in sorted(extra))])
        grown = view.slice(ln.exprs, ln.events)
        pair = provers(view, grown)
    return run_check(c, check, provers(view, view.slice(ln.whole_exprs, ln.events)), lean=confirm)


def _slice_of(
    check: m.Check, view: View, ln: Lean | None, provers: Callable[..., Provers]
) -> tuple[Any, Provers]:
    """The check's (lean) slice of ``view``, and its provers."""
    exprs = ln.exprs if ln is not None else [check.body, *check.givens]
    own = view.slice(exprs, ln.events if ln is not None else events_of(exprs))
    return own, provers(view, own)


def _without_open(
    c: m.Contract, check: m.Check, closed: View, ln: Lean | None, provers: Callable[..., Provers]
) -> CheckResult | None:
    """A scenario with open rights did not answer ``check`` on the whole contract:
    the answer without them (``closed``), if that is a scenario that answers it
    there (no proof: without the rights there are fewer scenarios), else None."""
    sl, pair = _slice_of(check, closed, ln, provers)
    res = _answer(c, check, closed, sl, pair, ln, provers, confirm=True)
    if isinstance(res, CheckResult) and res.scenario is not None and res.replayed:
        return res
    return None


def _undecided(c: m.Contract, check: m.Check, budget: Budget, stop: Stop, detail: str = "") -> CheckResult:
    """A check a limit stopped (or never let start): ``unknown``, the limit its reason."""
    return CheckResult(
        check.id,
        check.title,
        check.mode,
        Verdict.UNKNOWN,
        explain(c, check, Verdict.UNKNOWN, (), None, None, None),
        (),
        None,
        False,
        budget.reason(stop, "check", detail),
        check.span.line,
        stop=stop,
    )


@attrs.frozen
class Spoiled:
    """Not an answer: a scenario found on a lean slice (see ``lean_exprs``) that
    does not answer the check on the whole contract, and its timeline there if it
    replays (``_spoilers`` finds in it the clause that spoiled it). The check is
    asked again on a bigger slice."""

    scenario: Scenario
    timeline: Timeline | None = None


def _spoilers(c: m.Contract, spoiled: Spoiled, sl: Any, parties: set[str | None]) -> set[str]:
    """The clause of the earliest violation outside the lean slice ``sl``, by a
    party whose breach it left out, in a scenario that answered the check on
    ``sl`` but not on the whole contract."""
    tl = spoiled.timeline
    if tl is None:
        tl, _ = replay(c, spoiled.scenario)
    if tl is None:
        return set()
    outside = sorted(
        (v.day, v.clause)
        for v in tl.violations
        if v.clause not in sl.clauses and (None in parties or v.party in parties)
    )
    return {outside[0][1]} if outside else set()


class Provers:
    """The provers of one slice (``part``), made when first asked for: one at
    each bound its checks are solved at, and one a proof of a fixed bound is
    re-checked with. By default a check is solved at the occurrences its own
    question can need (``verifier.reduce.bounds``): the checks of a slice share
    the largest of those (more occurrences only add scenarios), and a proof
    there holds for every course of events. A check for which no number
    follows, or every check when ``fixed`` is given, is solved at a fixed bound
    and re-checked at one more."""

    def __init__(self, part: m.Contract, fixed: int | None, budget: Budget, checks: list[m.Check]) -> None:
        from verifier.reduce.bounds import Needs

        self.c, self.fixed, self.budget = part, fixed, budget
        self.needs = Needs(part)
        self.need = {check.id: self.needs.of_check(check) for check in checks}
        most: dict[str, int] = {}
        for nd in self.need.values():
            for e, n in nd.per_event or ():
                most[e] = max(most.get(e, 0), n)
        self.shared = tuple(sorted(most.items()))
        self.made: dict[Any, Prover] = {}

    def prover(self, k: Any) -> Prover:
        from verifier.smt.prove import Prover

        if k not in self.made:
            self.made[k] = Prover(self.c, k if isinstance(k, int) else dict(k), budget=self.budget)
        return self.made[k]

    def reach(self, check: m.Check) -> tuple[Any, Reach]:
        """The bound ``check`` is solved at (a number, or occurrences per event)
        and what a proof there covers."""
        nd = self.need.get(check.id)
        own = nd is None  # a check of a slice grown for it alone
        if nd is None:
            nd = self.need[check.id] = self.needs.of_check(check)
        if nd.per_event is None:
            k = self.fixed if self.fixed is not None else DEFAULT_BOUND
            return k, Reach(Coverage.BOUNDED, every_event=k, why=nd.why_not or "")
        if self.fixed is not None:
            if all(n <= self.fixed for _, n in nd.per_event):
                return self.fixed, Reach(
                    Coverage.UNBOUNDED, every_event=self.fixed, why=_enough(nd.per_event)
                )
            worst = max(nd.per_event, key=lambda x: x[1])
            return self.fixed, Reach(
                Coverage.BOUNDED,
                every_event=self.fixed,
                why=f"--bound {self.fixed} was asked for; a scenario could need {worst[1]} occurrences of {worst[0]}",
            )
        per_event = nd.per_event if own else self.shared
        return per_event, Reach(Coverage.UNBOUNDED, per_event=per_event, why=_enough(nd.per_event))


def _enough(per_event: tuple[tuple[str, int], ...]) -> str:
    """Why a proof at ``per_event`` covers every course of events, in words."""
    from verifier.reduce.bounds import cut_down

    return cut_down(per_event, "a course of events that decides it otherwise")


def run_check(c: m.Contract, check: m.Check, provers: Provers, lean: bool = False) -> CheckResult | Spoiled:
    """The check answered on ``provers``' slice; a proof at a fixed bound is
    re-checked at one more. ``lean``: the prover's slice is lean, and a scenario
    must also answer the check on the whole contract ``c``; if it does not, the
    answer is ``Spoiled``. Without ``lean`` it is always a ``CheckResult``."""
    whole = c if lean else None
    k, reach = provers.reach(check)
    prover = provers.prover(k)
    ans = _ask(check, prover, whole=whole, told=c)
    if isinstance(ans, Spoiled):
        return ans
    out, replayed = _worded(ans, prover.budget)
    asked = [out]
    note = None
    if out.status == SolveStatus.UNSAT and reach.coverage == Coverage.BOUNDED:
        # a bounded proof: look one occurrence further
        k2 = k + 1
        try:
            ans2 = _ask(check, provers.prover(k2), want_core=False, whole=whole, told=c)
        except Exhausted as e:
            ans2 = Outcome(SolveStatus.UNKNOWN, reason=e.detail, stop=e.stop), None
        if isinstance(ans2, Spoiled):
            return ans2
        out2, replayed2 = _worded(ans2, prover.budget)
        if out2.status == SolveStatus.SAT:
            out, replayed = out2, replayed2
            asked = [out2]
            note = f"found only with {k2} occurrences of an event; the answer at {k} was different"
        elif out2.status == SolveStatus.UNKNOWN:
            # a bounded proof whose re-check is inconclusive is no proof
            return _result(
                c,
                check,
                attrs.evolve(
                    out2, reason=f"the re-check at {k2} occurrences was inconclusive: {out2.reason}"
                ),
                reach,
                None,
            )
        else:
            asked.append(out2)
    return _confirmed(c, check, _result(c, check, out, reach, note, replayed), asked)


def _worded(ans: tuple[Outcome, Timeline | None], budget: Budget) -> tuple[Outcome, Timeline | None]:
    """An ``unknown`` outcome's reason in words (``Budget.reason``)."""
    out, tl = ans
    if out.status != SolveStatus.UNKNOWN:
        return ans
    stop = out.stop or Stop.SOLVER
    return attrs.evolve(out, stop=stop, reason=budget.reason(stop, "check", out.reason or "")), tl


def _ask(
    check: m.Check,
    prover: Prover,
    want_core: bool = True,
    whole: m.Contract | None = None,
    told: m.Contract | None = None,
) -> tuple[Outcome, Timeline | None] | Spoiled:
    """The solver's answer; a scenario has the fewest events (by the solver),
    then dates and amounts lowered by replaying it on the prover's slice
    (``verifier.verify.witness``: no proofs over the slice, which at scale cost more
    than the question). With ``whole`` (the prover's slice is lean), a
    scenario that does not answer the check on ``whole`` comes back
    ``Spoiled``; one that does comes with its timeline there. ``told``: the
    contract whose story of the scenario the plausible values must not change
    (the whole one, where the answer is shown; the prover's slice if None)."""
    from verifier.verify.plausible import SMALLEST_HOW, plausible, signature
    from verifier.verify.witness import simplify

    out = prover.ask(
        prover.check_query(check), want_core=want_core, events_only=True, label=_label(check, prover)
    )
    if out.status != SolveStatus.SAT or out.scenario is None:
        return out, None
    sl = prover.c
    expected = check.mode != "always"

    def accept(sc: Scenario) -> bool:
        tl, _ = replay(sl, sc)
        return tl is not None and check_holds_on(tl, check) == (True, expected)

    if not accept(out.scenario):  # not a witness on the slice: leave it to _result to report
        return (out, None) if whole is None else Spoiled(out.scenario)
    found = simplify(sl, out.scenario, accept)
    how = SMALLEST_HOW if found.events else ""
    if style() is WitnessStyle.PLAUSIBLE:
        story_of = told if told is not None else sl

        def judge(sc: Scenario) -> object:
            if not accept(sc):
                return None
            tl, _ = replay(story_of, sc)
            return None if tl is None else signature(tl)

        chosen = plausible(sl, found, judge, check)
        found, how = chosen.scenario, chosen.how
    if whole is None:
        return attrs.evolve(out, scenario=found, how=how), None
    first: Timeline | None = None
    for sc in (found, out.scenario) if found != out.scenario else (found,):
        tl, _ = replay(whole, sc)
        if tl is not None and check_holds_on(tl, check) == (True, expected):
            return attrs.evolve(out, scenario=sc, how=how if sc is found else ""), tl
        first = first or tl
    return Spoiled(found, first)  # and what spoiled it


def _label(check: m.Check, prover: Prover) -> list[str]:
    """What a check's question is, for its SMT-LIB file (``verifier.smt.second``)."""
    k = prover.k
    per = (
        f"at most {k} occurrences of each event"
        if isinstance(k, int)
        else "at most "
        + ", ".join(f"{n} {'occurrence' if n == 1 else 'occurrences'} of {e}" for e, n in sorted(k.items()))
    )
    wanted = {
        "always": "a course of events on which it fails",
        "never": "a course of events on which what it rules out happens",
    }.get(check.mode, "a course of events on which it happens")
    return [
        f"check-{check.id}",
        f"check {check.id}: {check.title}",
        f"asked: {wanted} ({per}), on {len(prover.c.clauses)} clauses of the contract",
    ]


def _confirmed(c: m.Contract, check: m.Check, res: CheckResult, parts: list[Outcome]) -> CheckResult:
    """``res`` with the second opinion on the questions that decided it; one
    that disagrees with Z3 (or could not read the question) makes it an internal error."""
    conf = combined([o.confirmation for o in parts])
    if conf is None:
        return res
    if not conf.wrong:
        return attrs.evolve(res, confirmation=conf)
    said = conf.answer or "nothing"
    why = f"Z3 answers {conf.expected}, {conf.solver} answers {said}" + (
        f" ({conf.reason})" if conf.reason else ""
    )
    where = f"; the question is in {', '.join(conf.files)}" if conf.files else ""
    return attrs.evolve(
        _internal(
            c,
            check,
            res.scenario,
            why + where,
            check.span.line,
            "two solvers disagree on this check's question",
        ),
        confirmation=conf,
    )


def _result(
    c: m.Contract,
    check: m.Check,
    out: Outcome,
    reach: Reach,
    note: str | None,
    replayed: Timeline | None = None,
) -> CheckResult:
    """The result; ``replayed``: the scenario's timeline on ``c``, if at hand."""
    line = check.span.line
    if out.status == SolveStatus.UNKNOWN:
        return CheckResult(
            check.id,
            check.title,
            check.mode,
            Verdict.UNKNOWN,
            explain(c, check, Verdict.UNKNOWN, (), None, None, None),
            (),
            None,
            False,
            out.reason or "the solver gave up",
            line,
            stop=out.stop,
        )
    if out.status == SolveStatus.UNSAT:
        verdict = Verdict.FAILS if check.mode == "possible" else Verdict.HOLDS
        return CheckResult(
            check.id,
            check.title,
            check.mode,
            verdict,
            explain(c, check, verdict, out.core, None, None, reach),
            out.core,
            None,
            False,
            note,
            line,
            reach=reach,
        )
    sc = out.scenario
    assert sc is not None
    tl, err = (replayed, None) if replayed is not None else replay(c, sc)
    if tl is None:
        return _internal(c, check, sc, f"replay failed: {err}", line)
    givens_ok, body = check_holds_on(tl, check)
    expected_body = check.mode != "always"
    if not givens_ok or body != expected_body:
        return _internal(
            c,
            check,
            sc,
            f"the solver's scenario gives givens={givens_ok}, property={body} in the interpreter; "
            f"expected givens=True, property={expected_body}",
            line,
        )
    verdict = Verdict.HOLDS if check.mode == "possible" else Verdict.FAILS
    clauses = timeline_clauses(tl)
    return CheckResult(
        check.id,
        check.title,
        check.mode,
        verdict,
        explain(c, check, verdict, clauses, sc, tl, None, out.how),
        clauses,
        sc,
        True,
        note,
        line,
        timeline=tl,
        reach=Reach(
            Coverage.SCENARIO, why="a scenario answers it: it is exact whatever the number of events"
        ),
    )


def _internal(
    c: m.Contract,
    check: m.Check,
    sc: Scenario | None,
    why: str,
    line: int,
    who: str = "the solver and the interpreter disagree on this scenario",
) -> CheckResult:
    """No verdict: a bug of ours (``who`` disagree), ``why`` in the reason."""
    return CheckResult(
        check.id,
        check.title,
        check.mode,
        Verdict.UNKNOWN,
        f"INTERNAL ERROR: {who}; no verdict is given. Please report it with the contract.",
        (),
        sc,
        False,
        f"internal error: {why}",
        line,
        internal_error=True,
    )
