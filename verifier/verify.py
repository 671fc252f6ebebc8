"""From a checked contract to verdicts: each check proved, refuted or unknown,
with the deciding clauses and a replayed scenario; then the built-in analyses.

This module reads no z3: it asks ``verifier.smt.prove`` (imported when a
contract is verified) and replays every scenario the solver returns through
``verifier.interpreter`` before it is shown. A scenario that does not replay
is an internal error, reported as such, never a verdict.
"""

from __future__ import annotations

import textwrap
import time
from typing import TYPE_CHECKING, Any

import attrs

from dsl import model as m
from dsl.scenario import Scenario
from dsl.syntax import Money, format_money
from verifier.interpreter import MissingFact, Timeline, check_holds_on, simulate

if TYPE_CHECKING:
    from verifier.smt.prove import Outcome, Prover

DEFAULT_BOUND = 2


@attrs.frozen
class CheckResult:
    id: str
    title: str
    kind: str  # possible | always | never
    verdict: str  # holds | fails | unknown
    explanation: str
    clauses: tuple[str, ...]
    scenario: Scenario | None
    replayed: bool
    reason: str | None
    line: int
    timeline: Timeline | None = None
    seconds: float = 0.0


@attrs.frozen
class Finding:
    code: str
    severity: str
    message: str
    clauses: tuple[str, ...]
    scenario: Scenario | None = None
    timeline: Timeline | None = None


@attrs.frozen
class Verification:
    contract: m.Contract
    sha256: str
    bound: int
    results: tuple[CheckResult, ...]
    findings: tuple[Finding, ...]
    seconds: float = 0.0

    def summary(self) -> dict[str, int]:
        out = {"holds": 0, "fails": 0, "unknown": 0}
        for r in self.results:
            out[r.verdict] += 1
        return out


FINDING_CODES = {
    "conflict": ("error", "two exceptions of equal priority disagree on one act"),
    "dead-clause": ("warning", "a clause that can never apply to anything"),
    "power-never-effective": ("warning", "a power that can never be exercised effectively"),
    "unfulfillable-obligation": ("warning", "an obligation that can never be fulfilled"),
    "internal-error": ("error", "the solver and the interpreter disagree"),
}


# ----------------------------------------------------------------- words


def fmt_value(v: m.ConstValue, t: m.Type | None = None) -> str:
    if isinstance(v, Money):
        return format_money(v)
    if isinstance(v, bool):
        return "true" if v else "false"
    if t is not None and t.name == "date" and isinstance(v, int):
        return m.date_of(v).isoformat()
    if t is not None and t.name == "duration" and isinstance(v, int):
        return f"{v} day" + ("s" if v != 1 else "")
    if hasattr(v, "numerator") and t is not None and t.name == "percent":
        return f"{float(v) * 100:g}%"
    return str(v)


def describe_event(c: m.Contract, o: Any) -> str:
    ev = c.events[o.event]
    args = ", ".join(f"{n}: {fmt_value(v, ev.param_type(n))}" for n, v in o.args)
    call = f"{o.event}({args})" if args else o.event
    return f"{m.date_of(o.day).isoformat()}  {call} by {o.actor}"


def clause_label(c: m.Contract, cid: str) -> str:
    cl = c.clauses.get(cid)
    return f"{cid} {cl.title}".strip() if cl else cid


def _list(items: list[str]) -> str:
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " and " + items[-1]


def timeline_clauses(tl: Timeline) -> tuple[str, ...]:
    """The clauses that acted in a scenario: rulings, powers, violations, effects."""
    out: list[str] = []
    for r in tl.events:
        if r.power:
            out.append(r.power)
        elif not r.effective:  # the powers it lacked decide that it changed nothing
            out += [cl.id for cl in tl.contract.clauses.values()
                    if any(n.modality == "power" and n.event == r.occ.event for n in cl.norms)]
        for root, decider, _ in r.decisions:
            out += [root] + decider.split(",")
    out += [v.clause for v in tl.violations]
    out += [e.clause for e in tl.changes() if e.clause is not None]
    out += [cid for cid, _, _ in tl.fulfilled]
    out += [cid for cid, _, _ in tl.open_at_horizon]
    seen = dict.fromkeys(cid for cid in out if cid in tl.contract.clauses)
    return tuple(sorted(seen, key=_clause_order(tl.contract)))


def _clause_order(c: m.Contract) -> Any:
    hit = _ORDER.get(id(c))
    if hit is None or hit[0] is not c:
        if len(_ORDER) > 64:
            _ORDER.pop(next(iter(_ORDER)))
        hit = _ORDER[id(c)] = (c, {cid: i for i, cid in enumerate(c.clauses)})
    order = hit[1]
    return lambda cid: order.get(cid, 10**6)


_ORDER: dict[int, tuple[m.Contract, dict[str, int]]] = {}


# a story names at most this many violations, then counts the rest (a scenario
# on a big contract can leave hundreds of dated obligations unmet; the
# scenario and the timeline still have every one)
STORY_VIOLATIONS = 12


def outcome_story(tl: Timeline) -> str:
    c = tl.contract
    bits = []
    for v in tl.violations[:STORY_VIOLATIONS]:
        bits.append(f"{v.party} violates {clause_label(c, v.clause)} on {m.date_of(v.day)}")
    if len(tl.violations) > STORY_VIOLATIONS:
        more = len(tl.violations) - STORY_VIOLATIONS
        bits.append(f"{more} more violation{'s' if more != 1 else ''} (see the scenario's timeline)")
    for r in tl.events:
        if not r.effective:
            bits.append(f"{r.occ.actor}'s {r.occ.event} on {m.date_of(r.occ.day)} is ineffective")
    for e in tl.changes():
        if e.state is not None:
            bits.append(f"{e.state} {'starts' if e.start else 'ends'} from {m.date_of(e.day)}")
        else:
            bits.append(f"the contract ends from {m.date_of(e.day)}")
    for x in tl.conflicts:
        bits.append(f"{_list(list(x.clauses))} conflict on {m.date_of(x.day)}")
    for cid, _ti, j in tl.fulfilled:
        o = tl.events[j].occ
        bits.append(f"the obligation under {clause_label(c, cid)} is met by {o.event} on {m.date_of(o.day)}")
    for cid, start, last in tl.open_at_horizon:
        bits.append(
            f"an obligation under {clause_label(c, cid)} set off on {m.date_of(start)} is still open at the horizon "
            f"(due by {m.date_of(last)})"
        )
    return "; ".join(bits) if bits else "nobody is in breach and no state changes"


def scenario_story(c: m.Contract, sc: Scenario) -> str:
    if not sc.events:
        what = "no event at all"
    else:
        what = "; ".join(describe_event(c, o).replace("  ", " ") for o in sc.events)
    if sc.facts:
        what += " (with " + ", ".join(f"{k} = {fmt_value(v, c.facts[k].type)}" for k, v in sc.facts.items()) + ")"
    return what


def explain(c: m.Contract, check: m.Check, verdict: str, clauses: tuple[str, ...], sc: Scenario | None,
            tl: Timeline | None, bound: int) -> str:
    bounds = f"within the bounds (at most {bound} occurrences of each event, dates up to {m.date_of(c.horizon)})"
    given = " in which the givens hold" if check.givens else ""
    cited = _list([clause_label(c, x) for x in clauses]) or "the contract's declarations alone"
    if verdict == "unknown":
        return "Unknown: the solver could not decide this question; see the reason."
    if sc is not None and tl is not None:
        story = f"{scenario_story(c, sc)}. Then {outcome_story(tl)}."
        if sc.events:
            story += " (Dates are the earliest and amounts the smallest that work.)"
        if check.mode == "possible":
            return f"Yes, this is possible. The shortest scenario found{given}: {story}"
        if check.mode == "always":
            return f"No, not always. A counterexample{given}: {story}"
        return f"No, this can happen. A scenario{given}: {story}"
    if check.mode == "possible":
        return f"No, this is not possible: no scenario {bounds}{given} satisfies it. This follows from {cited}."
    if check.mode == "always":
        return f"Yes, always: every scenario {bounds}{given} satisfies it. This follows from {cited}."
    return f"Yes, never: no scenario {bounds}{given} satisfies it. This follows from {cited}."


# ----------------------------------------------------------------- running


def _replay(c: m.Contract, sc: Scenario) -> tuple[Timeline | None, str | None]:
    try:
        return simulate(c, sc), None
    except MissingFact as e:
        return None, f"the scenario lacks fact {e.name}"


def verify_contract(
    c: m.Contract,
    sha256: str = "",
    bound: int = DEFAULT_BOUND,
    only: list[str] | None = None,
    analyses: bool = True,
    rlimit: int | None = None,
    jobs: int | None = None,
    lean: bool = True,
    timelines: bool = True,
) -> Verification:
    """Every (selected) check answered, then the analyses. Checks are solved on
    the slice of the contract they depend on; checks with the same slice share
    one solver (and one for the re-check at k+1). The slices of a big contract
    (see ``PARALLEL_MIN_SLICES``) are solved in ``jobs`` forked processes
    (default: the machine's cores); the verdicts are the same for any ``jobs``.
    ``lean``: a check with "not breach by P" is first tried on a slice without
    P's other duties (``_lean_exprs``; contracts of ``LEAN_MIN_CLAUSES`` or more).
    ``timelines=False``: results of a big contract may come without the
    interpreter's timeline (only the reports draw it; the text and JSON do not
    need it), which spares replaying every scenario once more."""
    from verifier.slicing import Index, cone
    from verifier.smt.solver import DEFAULT_RLIMIT
    from verifier.symmetry import Plain, events_of

    start = time.perf_counter()
    limit = rlimit or DEFAULT_RLIMIT
    index = Index(c)
    plain = Plain.of(c)  # alike termination rights: one of each kind per slice
    index.terminators = plain.representatives(index.terminators)
    groups: dict[Any, tuple[Any, list[int]]] = {}
    leans: dict[int, _Lean] = {}
    for i, check in enumerate(c.checks):
        if only and check.id not in only and check.title not in only:
            continue
        exprs = [check.body, *check.givens]
        lean_exprs = _lean_exprs(check) if lean and len(c.clauses) >= LEAN_MIN_CLAUSES else None
        if lean_exprs is not None:  # its whole slice is made only if the lean one does not do
            sl = plain.reduce(cone(index, lean_exprs), events_of(exprs))
            leans[i] = _Lean(exprs, lean_exprs, events_of(exprs), _lean_parties(check))
        else:
            sl = plain.reduce(cone(index, exprs), events_of(exprs))
        groups.setdefault(sl.key, (sl, []))[1].append(i)
    work = [(sl, idx, {i: leans[i] for i in idx if i in leans}) for sl, idx in groups.values()]
    big = len(work) >= PARALLEL_MIN_SLICES and sum(len(w[0].clauses) for w in work) >= PARALLEL_MIN_CLAUSES
    n = _jobs(jobs, len(work)) if big else 1
    import gc

    if big:
        # The contract and its index live to the end; without this, every full
        # collection scans them again (a replay on the 10,000-clause contract:
        # 27 ms, 8 ms frozen), and forked workers would copy the pages it touches.
        gc.freeze()
    try:
        if n > 1:
            solved = _in_processes(c, bound, limit, work, n, (index, plain))
        else:
            solved = [r for sl, idx, ln in work for r in _solve_slice(c, bound, limit, sl, idx, ln, (index, plain))]
        by_index = dict(solved)
        results = [by_index[i] for i in sorted(by_index)]
        if n > 1 and timelines:  # the interpreter's timelines stay in the workers: replay here, for the reports
            results = [attrs.evolve(r, timeline=_replay(c, r.scenario)[0]) if r.replayed and r.scenario else r
                       for r in results]
    finally:
        if big:
            gc.unfreeze()
    findings = []
    if analyses:
        findings = run_analyses(c, _analysis_provers(c, index, bound, limit))
    return Verification(c, sha256, bound, tuple(results), tuple(findings), time.perf_counter() - start)


# A *big* contract has at least this many distinct slices and this many
# clauses over all of them. Its slices are solved in parallel, each worker
# given a fixed share in a fixed order; a small contract (the seed's five
# slices, ~0.05 s in all) is solved in one process, in the checks' order.
# Verdicts and the clauses they rest on do not depend on the number of
# processes. A witness may: which of several valid scenarios Z3 picks depends a
# little on what the process solved before (even across Z3 contexts: giving
# each slice a context of its own did not make witnesses repeat, and cost
# ~1.4 ms a slice), so witnesses of a big contract can differ between runs
# with different numbers of processes; every one is replayed as always. Each
# slice's provers are dropped once its checks are answered, so memory stays
# that of the biggest slice.
PARALLEL_MIN_SLICES = 8
PARALLEL_MIN_CLAUSES = 300


def _jobs(jobs: int | None, slices: int) -> int:
    import multiprocessing
    import os

    n = jobs if jobs is not None else (os.cpu_count() or 1)
    if n > 1 and "fork" not in multiprocessing.get_all_start_methods():
        return 1  # the workers inherit the contract by forking; elsewhere, one process
    return max(1, min(n, slices))


@attrs.frozen
class _Lean:
    """A check first tried on a lean slice: its whole slice, and what to grow
    the lean one from."""

    whole_exprs: list[m.Expr]  # the check's expressions, to slice it whole by
    exprs: list[m.Expr]  # the lean slice's
    events: set[str]
    parties: set[str | None]  # whose breach the lean slice leaves out (None: anyone's)


# how many times a lean slice grows before the check goes to its whole slice
LEAN_ROUNDS = 4
# lean slices only in contracts this big: in a small one every slice is small,
# and the extra replays cost more than they save (the seed contract: ~20 ms)
LEAN_MIN_CLAUSES = 200


def _solve_slice(c: m.Contract, bound: int, limit: int, sl: Any, indices: list[int],
                 leans: dict[int, _Lean] | None = None,
                 grow: tuple[Any, Any] | None = None) -> list[tuple[int, CheckResult]]:
    """The checks ``indices`` of ``c``, which share slice ``sl``: one prover at
    ``bound``, another at ``bound + 1`` made only if some answer needs a re-check.
    A check in ``leans`` has a lean ``sl`` (see ``_lean_exprs``): a scenario found
    there must also answer it on the whole contract; if it does not, the slice
    grows by the clause of the earliest violation that spoiled it (up to
    ``LEAN_ROUNDS`` times), and then the check goes to its whole slice; ``grow``
    is (the dependency index, the plain termination rights) to grow it with."""
    from verifier.slicing import cone, restrict
    from verifier.smt.prove import Prover

    def provers(s: Any) -> tuple[Prover, Any]:
        part = restrict(c, s)
        prover = Prover(part, bound, limit)
        bigger: list[Prover] = []

        def at_k_plus_1() -> Prover:
            if not bigger:
                bigger.append(Prover(part, bound + 1, limit))
            return bigger[0]

        return prover, at_k_plus_1

    t0 = time.perf_counter()  # the first check's time includes building the prover
    shared = provers(sl)
    out = []
    for i in indices:
        check = c.checks[i]
        ln = (leans or {}).get(i)
        if ln is None:
            res = run_check(c, check, *shared, bound)
        else:
            res, grown, pair = None, sl, shared
            for _ in range(LEAN_ROUNDS + 1):
                res, spoiled = _run_lean(c, check, pair, bound)
                if res is not None:
                    break
                extra = _spoilers(c, spoiled, grown, ln.parties)
                if not extra or grow is None:
                    break
                index, plain = grow
                ln = attrs.evolve(ln, exprs=[*ln.exprs, *(_violation_of(cid) for cid in sorted(extra))])
                grown = plain.reduce(cone(index, ln.exprs), ln.events)
                pair = provers(grown)
            if res is None:
                assert grow is not None
                index, plain = grow
                res = run_check(c, check, *provers(plain.reduce(cone(index, ln.whole_exprs), ln.events)), bound)
        assert res is not None
        out.append((i, attrs.evolve(res, seconds=time.perf_counter() - t0)))
        t0 = time.perf_counter()
    return out


def _violation_of(cid: str) -> m.Expr:
    """``violation of cid``, as an expression to slice by."""
    return m.BreachAtom(None, cid)


def _run_lean(c: m.Contract, check: m.Check, pair: Any,
              bound: int) -> tuple[CheckResult | None, tuple[Scenario, Timeline | None] | None]:
    """``run_check`` on a lean slice: (the result, None), or (None, the scenario
    that did not answer the check on the whole contract, and its timeline there)."""
    spoiled: list[tuple[Scenario, Timeline | None]] = []
    res = run_check(c, check, pair[0], pair[1], bound, spoiled=spoiled)
    return res, (spoiled[0] if spoiled else None)


def _spoilers(c: m.Contract, spoiled: tuple[Scenario, Timeline | None] | None, sl: Any,
              parties: set[str | None]) -> set[str]:
    """The clause of the earliest violation outside the lean slice ``sl``, by a
    party whose breach it left out, in a scenario that answered the check on
    ``sl`` but not on the whole contract."""
    if spoiled is None:
        return set()
    sc, tl = spoiled
    if tl is None:
        tl, _ = _replay(c, sc)
    if tl is None:
        return set()
    outside = sorted((v.day, v.clause) for v in tl.violations
                     if v.clause not in sl.clauses and (None in parties or v.party in parties))
    return {outside[0][1]} if outside else set()


def _lean_parties(check: m.Check) -> set[str | None]:
    """The parties of the "not breach by P" conjuncts ``_lean_exprs`` leaves out."""
    out: set[str | None] = set()

    def walk(e: m.Expr) -> None:
        if isinstance(e, m.Op) and e.op == "and":
            for a in e.args:
                walk(a)
        elif (isinstance(e, m.Op) and e.op == "not" and isinstance(e.args[0], m.BreachAtom)
              and e.args[0].clause is None):
            out.add(e.args[0].party)

    if check.mode in ("possible", "never"):
        walk(check.body)
    for g in check.givens:
        walk(g)
    return out


def _lean_exprs(check: m.Check) -> list[m.Expr] | None:
    """The expressions to slice ``check`` by when it is first tried on a lean
    slice, or None. A conjunct "not breach by P" (no clause named) pulls every
    clause P can violate into the slice: for a big contract, a quarter of it.
    Leave those conjuncts out of the slicing (the solver still asks them, over
    the violations the lean slice has): a scenario there is kept only if it
    answers the check on the whole contract (the interpreter says so), and no
    scenario there means none in the whole slice, whose question only adds
    "no other breach by P" to it. So: the conjuncts of ``possible``/``never``
    bodies and of every ``given``, which the question asserts; never an
    ``always`` body, which it negates."""

    def drop(e: m.Expr) -> bool:
        return (isinstance(e, m.Op) and e.op == "not" and isinstance(e.args[0], m.BreachAtom)
                and e.args[0].clause is None)

    def conjuncts(e: m.Expr) -> list[m.Expr]:
        if isinstance(e, m.Op) and e.op == "and":
            return [x for a in e.args for x in conjuncts(a)]
        return [e]

    parts = [*(conjuncts(check.body) if check.mode in ("possible", "never") else []),
             *(x for g in check.givens for x in conjuncts(g))]
    kept = [x for x in parts if not drop(x)]
    if len(kept) == len(parts):
        return None
    return kept if check.mode in ("possible", "never") else [check.body, *kept]


_FORKED: tuple[m.Contract, int, int, list[tuple[Any, list[int], dict[int, _Lean]]], Any] | None = None


def _forked_share(share: list[int]) -> list[tuple[int, CheckResult]]:
    assert _FORKED is not None
    c, bound, limit, work, grow = _FORKED
    return [(i, attrs.evolve(r, timeline=None)) for j in share for i, r in _solve_slice(c, bound, limit, *work[j], grow)]


def _in_processes(c: m.Contract, bound: int, limit: int, work: list[tuple[Any, list[int], dict[int, _Lean]]],
                  n: int, grow: Any = None) -> list[tuple[int, CheckResult]]:
    """The slices shared among ``n`` forked workers (they inherit the contract,
    so nothing but the answers crosses a pipe): the biggest first, each to the
    worker with the fewest clauses so far, so the shares are balanced and
    fixed."""
    import multiprocessing

    import verifier.smt.prove  # noqa: F401  (imported once here, inherited by every worker)
    import verifier.witness  # noqa: F401
    from verifier.interpreter import _Index

    _Index.of(c)  # the whole contract's interpreter index, built once and inherited

    global _FORKED
    order = sorted(range(len(work)), key=lambda j: (-len(work[j][0].clauses), j))
    shares: list[list[int]] = [[] for _ in range(n)]
    load = [0] * n
    for j in order:
        w = load.index(min(load))
        shares[w].append(j)
        load[w] += len(work[j][0].clauses) + 10  # + a slice's fixed cost
    _FORKED = (c, bound, limit, work, grow)
    try:
        with multiprocessing.get_context("fork").Pool(n) as pool:
            return [x for part in pool.map(_forked_share, shares, chunksize=1) for x in part]
    finally:
        _FORKED = None


def run_check(c: m.Contract, check: m.Check, prover: Prover, bigger: Any, bound: int,
              spoiled: list[tuple[Scenario, Timeline | None]] | None = None) -> CheckResult | None:
    """The check answered by ``prover`` (and ``bigger()`` at k+1 to re-check a
    proof). With ``spoiled`` (the prover's slice is lean), a scenario must also
    answer the check on the whole contract ``c``; if it does not, it is put in
    ``spoiled`` and the answer is None."""
    whole = c if spoiled is not None else None
    out, replayed = _ask(check, prover, whole=whole)
    if out.status == "retry":
        assert spoiled is not None and out.scenario is not None
        spoiled.append((out.scenario, replayed))
        return None
    note = None
    if out.status == "unsat":
        # a proof is a proof up to its bounds: look one occurrence further
        out2, replayed2 = _ask(check, bigger(), want_core=False, whole=whole)
        if out2.status == "retry":
            assert spoiled is not None and out2.scenario is not None
            spoiled.append((out2.scenario, replayed2))
            return None
        if out2.status == "sat":
            out, replayed = out2, replayed2
            note = f"found only with {bound + 1} occurrences of an event; the answer at {bound} was different"
        elif out2.status == "unknown":
            note = f"re-check at {bound + 1} occurrences was inconclusive: {out2.reason}"
    return _result(c, check, out, bound, note, replayed)


def _ask(check: m.Check, prover: Prover, want_core: bool = True,
         whole: m.Contract | None = None) -> tuple[Outcome, Timeline | None]:
    """The solver's answer; a scenario has the fewest events (by the solver),
    then dates and amounts lowered by replaying it on the prover's slice
    (``verifier.witness``: no proofs over the slice, which at scale cost more
    than the question). With ``whole`` (the prover's slice is lean), a
    scenario that does not answer the check on ``whole`` comes back as
    "retry"; one that does comes with its timeline there."""
    from verifier.witness import simplify

    out = prover.ask(prover.check_query(check), want_core=want_core, events_only=True)
    if out.status != "sat" or out.scenario is None:
        return out, None
    sl = prover.c
    expected = check.mode != "always"

    def accept(sc: Scenario) -> bool:
        tl, _ = _replay(sl, sc)
        return tl is not None and check_holds_on(tl, check) == (True, expected)

    if not accept(out.scenario):  # not a witness on the slice: leave it to _result to report
        return (out if whole is None else attrs.evolve(out, status="retry")), None
    found = simplify(sl, out.scenario, accept)
    if whole is None:
        return attrs.evolve(out, scenario=found), None
    first: Timeline | None = None
    for sc in (found, out.scenario) if found != out.scenario else (found,):
        tl, _ = _replay(whole, sc)
        if tl is not None and check_holds_on(tl, check) == (True, expected):
            return attrs.evolve(out, scenario=sc), tl
        first = first or tl
    return attrs.evolve(out, status="retry", scenario=found), first  # and what spoiled it


def _result(c: m.Contract, check: m.Check, out: Outcome, bound: int, note: str | None,
            replayed: Timeline | None = None) -> CheckResult:
    """The result; ``replayed``: the scenario's timeline on ``c``, if at hand."""
    line = check.span.line
    if out.status == "unknown":
        return CheckResult(check.id, check.title, check.mode, "unknown", explain(c, check, "unknown", (), None, None, bound),
                           (), None, False, f"the solver gave up: {out.reason}", line)
    if out.status == "unsat":
        verdict = "fails" if check.mode == "possible" else "holds"
        return CheckResult(check.id, check.title, check.mode, verdict,
                           explain(c, check, verdict, out.core, None, None, bound), out.core, None, False, note, line)
    sc = out.scenario
    assert sc is not None
    tl, err = (replayed, None) if replayed is not None else _replay(c, sc)
    if tl is None:
        return _internal(c, check, sc, f"replay failed: {err}", line)
    givens_ok, body = check_holds_on(tl, check)
    expected_body = check.mode != "always"
    if not givens_ok or body != expected_body:
        return _internal(
            c, check, sc,
            f"the solver's scenario gives givens={givens_ok}, property={body} in the interpreter; "
            f"expected givens=True, property={expected_body}",
            line,
        )
    verdict = "holds" if check.mode == "possible" else "fails"
    clauses = timeline_clauses(tl)
    return CheckResult(check.id, check.title, check.mode, verdict, explain(c, check, verdict, clauses, sc, tl, bound),
                       clauses, sc, True, note, line, timeline=tl)


def _internal(c: m.Contract, check: m.Check, sc: Scenario, why: str, line: int) -> CheckResult:
    return CheckResult(
        check.id, check.title, check.mode, "unknown",
        "INTERNAL ERROR: the solver and the interpreter disagree on this scenario; no verdict is given. "
        "Please report it with the contract.",
        (), sc, False, f"internal error: {why}", line,
    )


def _analysis_provers(c: m.Contract, index: Any, bound: int, limit: int) -> Any:
    """``prover_for(clause id)``: a prover for the clause's slice (its cone, see
    ``slicing.clause_cone``), shared by the clauses with the same slice. The
    analyses ask about one clause at a time, so like the checks they need not
    carry the whole contract (a 1,000-clause contract: minutes -> seconds)."""
    from verifier.slicing import clause_cone, restrict
    from verifier.smt.prove import Prover

    provers: dict[Any, Prover] = {}

    def prover_for(cid: str) -> Prover:
        sl = clause_cone(index, cid)
        if sl.key not in provers:
            provers[sl.key] = Prover(restrict(c, sl), bound, limit)
        return provers[sl.key]

    return prover_for


def run_analyses(c: m.Contract, prover_for: Any) -> list[Finding]:
    """The built-in analyses; ``prover_for(clause id)`` gives the prover to ask
    about that clause (a ``Prover`` of the whole contract answers for any)."""
    from verifier.smt.prove import Prover

    if isinstance(prover_for, Prover):
        whole = prover_for
        prover_for = lambda cid: whole  # noqa: E731
    out: list[Finding] = []
    roots = [cl for cl in c.clauses.values() if cl.exception_to is None and c.children(cl.id)]
    for root in roots:
        prover = prover_for(root.id)
        res = prover.ask(prover.conflict_query(root.id), want_core=False)
        if res.status == "sat" and res.scenario is not None:
            tl, _ = _replay(c, res.scenario)
            if tl is None or not tl.conflicts:
                out.append(Finding("internal-error", "error", f"a conflict in the tree of {root.id} found by the solver "
                                   "does not replay in the interpreter", (root.id,), res.scenario))
                continue
            x = tl.conflicts[0]
            out.append(Finding(
                "conflict", "error",
                f"{_list([clause_label(c, k) for k in x.clauses])} are exceptions within {clause_label(c, root.id)} "
                f"that disagree on one act ({tl.events[x.occurrence].occ.event} on {m.date_of(x.day)}), and neither "
                "prevails over the other",
                tuple(x.clauses), res.scenario, tl,
            ))
    # (code, the message when the question has no answer), in the order of the
    # questions below; a dead clause is not also reported for its power or its
    # obligation
    per_clause = (
        ("dead-clause", "{} can never apply to anything within the bounds"),
        ("power-never-effective", "the power in {} can never be exercised effectively"),
        ("unfulfillable-obligation", "the obligation in {} can never be fulfilled once owed"),
    )
    for cl in c.clauses.values():
        prover = prover_for(cl.id)
        questions = (prover.applicability_query, prover.power_query, prover.fulfilment_query)
        for (code, message), question in zip(per_clause, questions, strict=True):
            q = question(cl.id)
            if q is None:
                continue
            res = prover.ask(q, minimise=False)
            if res.status == "unsat":
                cited = tuple(sorted(set(res.core) | {cl.id}, key=_clause_order(c)))
                out.append(Finding(code, "warning", message.format(clause_label(c, cl.id)), cited))
                if code == "dead-clause":
                    break
    return out


# ----------------------------------------------------------------- data


def scenario_json(c: m.Contract, sc: Scenario | None) -> dict[str, Any] | None:
    if sc is None:
        return None
    return {
        "events": [
            {
                "date": m.date_of(o.day).isoformat(),
                "event": o.event,
                "by": o.actor,
                "args": {n: value_json(v, c.events[o.event].param_type(n)) for n, v in o.args},
            }
            for o in sc.events
        ],
        "facts": {k: value_json(v, c.facts[k].type) for k, v in sorted(sc.facts.items())},
    }


def value_json(v: m.ConstValue, t: m.Type | None) -> Any:
    if isinstance(v, Money):
        return {"cents": v.cents, "currency": v.currency, "text": format_money(v)}
    if t is not None and t.name == "date" and isinstance(v, int):
        return m.date_of(v).isoformat()
    if t is not None and t.name == "percent":
        return fmt_value(v, t)
    if hasattr(v, "numerator") and not isinstance(v, (int, bool)):
        return str(v)
    return v


def clause_json(c: m.Contract, cid: str) -> dict[str, Any]:
    cl = c.clauses[cid]
    return {"id": cid, "title": cl.title, "line": cl.head_span.line, "file": cl.head_span.file}


def clause_where(c: m.Contract, cid: str) -> str:
    """``line 32``, or ``file:line`` for a clause written in another file (an amendment's base)."""
    sp = c.clauses[cid].head_span
    return f"line {sp.line}" if sp.file == c.file else f"{sp.file}:{sp.line}"


def to_json(v: Verification, timings: bool = False) -> dict[str, Any]:
    c = v.contract
    doc: dict[str, Any] = {
        "schema": "whereas.verify/1",
        "contract": {"title": c.title, "file": c.file, "sha256": v.sha256},
        "bounds": {
            "occurrences": v.bound,
            "rechecked_at": v.bound + 1,
            "horizon": m.date_of(c.horizon).isoformat(),
            "effective": m.date_of(c.effective).isoformat(),
        },
        "results": [
            {
                "id": r.id,
                "title": r.title,
                "kind": r.kind,
                "verdict": r.verdict,
                "explanation": r.explanation,
                "clauses": [clause_json(c, x) for x in r.clauses],
                "scenario": scenario_json(c, r.scenario),
                "replayed": r.replayed,
                "reason": r.reason,
                "line": r.line,
                **({"seconds": round(r.seconds, 4)} if timings else {}),
            }
            for r in v.results
        ],
        "findings": [
            {
                "code": f.code,
                "severity": f.severity,
                "message": f.message,
                "clauses": [clause_json(c, x) for x in f.clauses if x in c.clauses],
                "scenario": scenario_json(c, f.scenario),
            }
            for f in v.findings
        ],
        "summary": v.summary(),
    }
    if timings:
        doc["seconds"] = round(v.seconds, 4)
    return doc


# ----------------------------------------------------------------- text


def to_text(v: Verification, timings: bool = False) -> str:
    c = v.contract
    lines = [
        f"{c.title}",
        f"  file: {c.file}",
        f"  bounds: at most {v.bound} occurrences of each event (proofs re-checked at {v.bound + 1}); "
        f"dates {m.date_of(c.effective)} to {m.date_of(c.horizon)}",
        "",
    ]
    mark = {"holds": "HOLDS  ", "fails": "FAILS  ", "unknown": "UNKNOWN"}
    for r in v.results:
        head = f"{mark[r.verdict]} {r.id}: {r.title}"
        if timings:
            head += f"  ({r.seconds:.3f}s)"
        lines.append(head)
        lines += textwrap.wrap(f"{r.kind}: {r.explanation}", width=100, initial_indent="  ", subsequent_indent="    ",
                               break_on_hyphens=False, break_long_words=False)
        if r.clauses:
            lines.append("  clauses:")
            for cid in r.clauses:
                cl = c.clauses[cid]
                lines.append(f"    {cid} {cl.title} ({clause_where(c, cid)})")
        if r.scenario is not None:
            lines.append("  scenario" + (" (replayed in the interpreter):" if r.replayed else ":"))
            for o in r.scenario.events:
                lines.append(f"    {describe_event(c, o)}")
            if not r.scenario.events:
                lines.append("    (no events)")
            for k, val in sorted(r.scenario.facts.items()):
                lines.append(f"    fact {k} = {fmt_value(val, c.facts[k].type)}")
        if r.reason:
            lines.append(f"  note: {r.reason}")
        lines.append("")
    if v.findings:
        lines.append("Findings:")
        for f in v.findings:
            lines.append(f"  {f.severity}[{f.code}]: {f.message}")
            if f.scenario is not None:
                for o in f.scenario.events:
                    lines.append(f"    {describe_event(c, o)}")
        lines.append("")
    s = v.summary()
    lines.append(
        f"{len(v.results)} check{'s' if len(v.results) != 1 else ''}: {s['holds']} hold, {s['fails']} fail, "
        f"{s['unknown']} unknown; {len(v.findings)} finding{'s' if len(v.findings) != 1 else ''}"
        + (f"; {v.seconds:.2f}s" if timings else "")
    )
    return "\n".join(lines) + "\n"


def exit_code(v: Verification) -> int:
    s = v.summary()
    if s["fails"]:
        return 1
    if s["unknown"] or any(f.code == "internal-error" for f in v.findings):
        return 3
    return 0
