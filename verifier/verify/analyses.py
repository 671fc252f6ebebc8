"""From a contract to the built-in analyses' findings: conflicts between exceptions, dead
clauses, powers that can never be exercised and obligations that can never be met.

Each question is about one clause (or one exception tree) and is answered as
that clause's slice (its cone) answers it. The cones are put together in
batches of about ``BATCH_CLAUSES`` clauses on one prover, each question asked
with only its own cone in force, and a batch's per-clause questions first all
together (most have scenarios: one solve answers them); each batch's prover is
dropped once its questions are answered, so memory stays that of the biggest
batch (the bench's 10,000-clause contract, with a prover kept per cone,
passed 8 GB and was killed; now ~230 MB, bench/README.md). A big contract's batches
are answered in forked workers, as the checks' slices are. Every question is
asked under the run's budget; those a limit stops or never lets start are
``Unfinished``, which makes the run's exit code 3. Where the contract has open
termination rights (``verifier.reduce.relax``), each question is asked first with
them left open or without them, whose slices stay small, and on the contract
itself only when those two disagree (``_narrowed``). An exception is asked about
under the clauses above it (it rules only where they do); a dead clause's finding
says why where the contract's structure says it without solving (``dead_because``).

It has over 500 lines because the questions, their batches and the order in
which the three versions of a contract are asked share one answer type and read
best side by side."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import attrs

from dsl import model as m
from dsl.scenario import Scenario
from verifier.budget import UNLIMITED, Budget, Exhausted, Stop
from verifier.semantics.interpret import Timeline, replay
from verifier.smt.outcome import Outcome, SolveStatus
from verifier.verify.explain import clause_label, clause_order, join_and
from verifier.verify.parallel import (
    PARALLEL_MIN_CLAUSES,
    PARALLEL_MIN_SLICES,
    before_fork,
    in_processes,
    jobs_for,
)
from verifier.verify.plausible import WitnessStyle, plausible, signature, style
from verifier.verify.results import DEFAULT_BOUND, Finding, FindingCode, Severity, Unfinished

# the clauses of one batch's prover: the cones of the clauses asked about are
# mostly of 2 to 5 clauses, and a prover costs ~5 ms however small; cones are
# put together up to this many clauses, encoded once, their questions asked
# together first (``_sat_together``) and the rest each with only its own cone
# in force. Measured on the bench's 3,000-clause contract, analyses alone, one
# process: 8 -> 4.9 s, 16 -> 4.0 s, 32 -> 3.6 s, 64 -> 3.8 s, 128 -> 4.2 s
# (one prover per cone, each question alone: 9.1 s; bench/README.md, "2026-12-04")
BATCH_CLAUSES = 32
# ... or this many times the batch's biggest cone: on the interacting bench
# contract of 1,000 clauses (cones of 40 to 135 clauses), analyses alone, one
# process: 32 clauses flat -> 5.1 s, 2x -> 2.3 s, 3x -> 2.9 s (the bench's
# 3,000-clause contract: 3.6 -> 3.3 s with 2x)
BATCH_GROWTH = 2


class SliceProvers:
    """The analyses' provers: ``key_of(clause id)`` names the clause's slice
    (its cone, see ``slicing.clause_cone``), ``make(keys)`` builds one prover for
    the union of those slices, and ``within(key)`` is the clauses a question
    about that slice is asked with (the others struck out). The analyses ask
    about one clause at a time, so like the checks they need not carry the whole
    contract (a 1,000-clause contract: minutes -> seconds)."""

    def __init__(self, c: m.Contract, index: Any, bound: int | None, budget: Budget) -> None:
        self.c, self.index, self.bound, self.budget = c, index, bound, budget
        self.slices: dict[Hashable, Any] = {}
        self.about: dict[Hashable, set[str]] = {}  # slice -> the clauses asked about on it
        self.bounded: set[Hashable] = set()  # slices for which no number of occurrences follows

    def key_of(self, cid: str) -> Hashable:
        from verifier.reduce.slicing import clause_cone

        sl = clause_cone(self.index, cid)
        self.slices.setdefault(sl.key, sl)
        self.about.setdefault(sl.key, set()).add(cid)
        return sl.key

    def size(self, key: Hashable) -> frozenset[str]:
        return frozenset(self.slices[key].clauses)

    def within(self, key: Hashable) -> frozenset[str] | None:
        return self.size(key)

    def make(self, keys: list[Hashable], budget: Budget | None = None, more: int = 0) -> Any:
        """One prover for the union of ``keys``' slices (under ``budget``, else the
        run's), at the occurrences their questions can need, ``more`` added to each."""
        from verifier.reduce.slicing import Slice, restrict
        from verifier.smt.prove import Prover

        parts = [self.slices[k] for k in keys]
        union = Slice(
            frozenset().union(*(p.events for p in parts)),
            frozenset().union(*(p.states for p in parts)),
            frozenset().union(*(p.clauses for p in parts)),
        )
        part = restrict(self.c, union)
        k = self.bound_for(part, keys)
        k = k + more if isinstance(k, int) else {e: n + more for e, n in k.items()}
        return Prover(part, k, budget=budget or self.budget)

    def bound_for(self, part: m.Contract, keys: list[Hashable]) -> int | dict[str, int]:
        """The occurrences of each event the questions about ``keys``' clauses are
        asked with: the ``bound`` asked for, or, by default, the most that one act of
        each event the clause names can need (``Needs.of_acts``), and at least
        ``DEFAULT_BOUND``; a slice for which no number follows is marked bounded."""
        if self.bound is not None:
            return self.bound
        from verifier.reduce.bounds import Needs

        needs = Needs(part)
        # at least DEFAULT_BOUND of each event: a batch's questions are first asked all
        # together (``_sat_together``), and one scenario answering many of them needs
        # several acts of one event; with fewer the conjunction fails and is split
        # (1,000 clauses: 1.0 s -> 3.2 s of solving). More occurrences only add scenarios.
        most: dict[str, int] = dict.fromkeys(part.events, DEFAULT_BOUND)
        for key in keys:
            for cid in sorted(self.about.get(key, ())):
                acts, violations = acts_of(part.clauses[cid])
                need = needs.of_acts(sorted(acts & set(part.events)), sorted(violations & set(part.clauses)))
                if need.per_event is None:
                    self.bounded.add(key)
                got = (
                    need.per_event
                    if need.per_event is not None
                    else ((e, DEFAULT_BOUND) for e in self.slices[key].events)
                )
                for e, n in got:
                    most[e] = max(most.get(e, 0), n)
        return most

    def reach(self, key: Hashable) -> str:
        """How far a finding about ``key``'s slice goes, in words (after ``make``)."""
        if self.bound is None and key not in self.bounded:
            return ", in any course of events"
        k = self.bound if self.bound is not None else DEFAULT_BOUND
        return f" with at most {k} occurrences of each event (nor with {k + 1})"

    def forget(self, key: Hashable) -> None:
        self.slices.pop(key, None)


class _Whole:
    """One prover answering for every clause (a ``Prover`` of the whole contract)."""

    def __init__(self, prover: Any) -> None:
        self.prover = prover
        self.budget = prover.budget

    def key_of(self, cid: str) -> Hashable:
        return None

    def size(self, key: Hashable) -> frozenset[str]:
        return frozenset(self.prover.c.clauses)

    def within(self, key: Hashable) -> frozenset[str] | None:
        return None

    def reach(self, key: Hashable) -> str:
        k = self.prover.k
        return f" with at most {k} occurrences of each event (nor with {k + 1})" if isinstance(k, int) else ""

    def make(self, keys: list[Hashable], budget: Budget | None = None, more: int = 0) -> Any:
        if not more:
            return self.prover
        from verifier.smt.prove import Prover

        k = self.prover.k
        k = k + more if isinstance(k, int) else {e: n + more for e, n in k.items()}
        return Prover(self.prover.c, k, budget=budget or self.budget)

    def forget(self, key: Hashable) -> None:
        pass


def batches(keys: list[Hashable], clauses_of: Any, most: int | None = None) -> list[list[Hashable]]:
    """``keys`` in their order, cut into runs whose clauses (``clauses_of(key)``,
    a set) together number at most ``most``, or ``BATCH_GROWTH`` times the
    biggest slice of the run if that is more (slices of 100 clauses that
    mostly overlap, as an interacting contract's do, share a prover too)."""
    most = BATCH_CLAUSES if most is None else most
    out: list[list[Hashable]] = []
    have: set[str] = set()
    biggest = 0
    for key in keys:
        cl = clauses_of(key)
        if out and len(have | cl) <= max(most, BATCH_GROWTH * max(biggest, len(cl))):
            out[-1].append(key)
            have |= cl
            biggest = max(biggest, len(cl))
        else:
            out.append([key])
            have = set(cl)
            biggest = len(cl)
    return out


def acts_of(cl: m.Clause) -> tuple[set[str], set[str]]:
    """The events a clause rules on, empowers, owes, or reacts to, and the clauses
    whose violations it reacts to: one of each is what its questions ask for."""
    out = {n.event for n in cl.norms}
    out |= {n.trigger.event for n in cl.norms if n.trigger is not None and n.trigger.event is not None}
    out |= {q.trigger.event for q in cl.consequences if q.trigger.event is not None}
    viols = {n.trigger.violation_of for n in cl.norms if n.trigger is not None and n.trigger.violation_of}
    viols |= {q.trigger.violation_of for q in cl.consequences if q.trigger.violation_of}
    return out, viols


def analysis_provers(c: m.Contract, index: Any, bound: int | None, limit: int | Budget) -> SliceProvers:
    """The slice provers of ``c`` (``limit``: the run's budget, or a work limit alone);
    ``bound`` None: each batch at the occurrences its questions can need."""
    budget = limit if isinstance(limit, Budget) else Budget(rlimit=limit)
    return SliceProvers(c, index, bound, budget)


def run_analyses(c: m.Contract, provers: Any) -> list[Finding]:
    """The built-in analyses' findings; ``provers``: ``analysis_provers(...)`` or
    a ``Prover`` of the whole contract."""
    return run_analyses_within(c, provers)[0]


# (code, the message when the question has no answer), in the order of the
# questions about each clause; a dead clause is not also reported for its
# power or its obligation
PER_CLAUSE = (
    (FindingCode.DEAD_CLAUSE, "{} can never apply to anything{}"),
    (FindingCode.POWER_NEVER_EFFECTIVE, "the power in {} can never be exercised effectively{}"),
    (FindingCode.UNFULFILLABLE_OBLIGATION, "the obligation in {} can never be fulfilled once owed{}"),
)

# what each per-clause question asks, for its SMT-LIB file (no scenario: the finding)
_ASKED = {
    FindingCode.DEAD_CLAUSE: "a course of events in which the clause applies to something",
    FindingCode.POWER_NEVER_EFFECTIVE: "a course of events in which its power is exercised effectively",
    FindingCode.UNFULFILLABLE_OBLIGATION: "a course of events in which its obligation is owed and fulfilled",
}


def run_analyses_within(
    c: m.Contract,
    provers: Any,
    budget: Budget | None = None,
    jobs: int | None = 1,
    about: set[str] | frozenset[str] | None = None,
    narrow: tuple[Any, Any] | None = None,
) -> tuple[list[Finding], tuple[Unfinished, ...]]:
    """The findings, and the analyses a limit stopped. The questions are
    grouped by slice and the slices cut into batches (``batches``); the
    findings come in the order of the questions (the conflicts of each
    exception tree, then each clause's questions, in the contract's order)
    whatever the batches. ``jobs``: the batches of a big contract (as for the
    checks, ``PARALLEL_MIN_SLICES``) are answered in that many forked processes
    (None: one per core), with the same findings. ``about``: only the
    questions about these clauses (and the exception trees of those that are
    roots), as ``verify --check`` asks. ``narrow``: the slice provers of the
    contract without its open termination rights and of its open version
    (``verifier.reduce.relax``), asked first (``_narrowed``)."""
    from verifier.smt.prove import Prover

    if isinstance(provers, Prover):
        provers = _Whole(provers)
    budget = budget if budget is not None else getattr(provers, "budget", None) or UNLIMITED
    assert isinstance(budget, Budget)
    roots = [cl.id for cl in c.clauses.values() if cl.exception_to is None and c.children(cl.id)]
    # one task a tree (conflicts) or a clause (its three questions): (position, kind, clause)
    tasks = [(j, "conflict", cid) for j, cid in enumerate(roots)]
    tasks += [(len(roots) + j, "clause", cid) for j, cid in enumerate(c.clauses)]
    if about is not None:
        tasks = [t for t in tasks if t[2] in about]
    if narrow is None:
        answers = _answer_tasks(c, provers, tasks, budget, jobs, exact=True)
    else:
        answers = _narrowed(c, provers, narrow, tasks, budget, jobs)
    found: dict[int, list[Finding]] = {}
    stopped: dict[Stop, tuple[str, list[str]]] = {}  # the limit -> (Z3's words, clauses)
    for pos, got in sorted(answers.items()):
        if isinstance(got, tuple):
            stopped.setdefault(got[0], (got[1], []))[1].append(got[2])
        else:
            assert got is not None, "an open conflict is asked again on the contract itself"
            found[pos] = [_with_timeline(c, f) for f in got]
    findings = [f for pos in sorted(found) for f in found[pos]]
    order = clause_order(c)
    unfinished = tuple(
        Unfinished(
            _what(c, sorted(set(cids), key=order)),
            stop,
            budget.reason(stop, "analysis", detail),
            tuple(sorted(set(cids), key=order)),
        )
        for stop, (detail, cids) in sorted(stopped.items())
    )
    return findings, unfinished


def _narrowed(
    c: m.Contract,
    provers: Any,
    narrow: tuple[Any, Any],
    tasks: list[tuple[int, str, str]],
    budget: Budget,
    jobs: int | None,
) -> dict[int, Answer]:
    """The answers of ``tasks`` with the open termination rights (``narrow[1]``,
    see ``verifier.reduce.relax``) and without them (``narrow[0]``) before the
    contract itself (``provers``). The contract's scenarios include those without
    the rights and are included in those with the rights open. So a scenario
    without the rights is one of the contract (a live clause, a conflict); a
    question with no scenario when they are open has none in the contract (a dead
    clause, no conflict); and a clause with the same findings both ways has those
    findings. Most clauses are live and most exception trees have no conflict:
    the clauses are asked without the rights first, the trees with them open
    first; the contract itself answers what is left."""
    closed, opened = narrow
    done: dict[int, Answer] = {}
    # the trees: no conflict with the rights open is none in the contract
    trees = [t for t in tasks if t[1] == "conflict"]
    got = _answer_tasks(c, opened, trees, budget, jobs, exact=False)
    undecided = []
    for t in trees:
        if got[t[0]] is None:
            undecided.append(t)
        else:
            done[t[0]] = got[t[0]]
    got = _answer_tasks(
        c, closed, [t for t in undecided if t[2] in closed.c.clauses], budget, jobs, exact=True
    )
    done.update((pos, a) for pos, a in got.items() if a)  # a conflict without the rights, or a limit
    # the clauses: with no finding without the rights, none in the contract
    clauses = [t for t in tasks if t[1] == "clause" and t[2] in closed.c.clauses]
    first = _answer_tasks(c, closed, clauses, budget, jobs, exact=True)
    again = []
    for t in clauses:
        a = first[t[0]]
        if isinstance(a, tuple) or not a:
            done[t[0]] = a  # stopped, or no finding
        else:
            again.append(t)
    second = _answer_tasks(c, opened, again, budget, jobs, exact=True)
    for t in again:
        a = second[t[0]]
        if isinstance(a, tuple) or _codes(a) == _codes(first[t[0]]):
            done[t[0]] = a
    rest = [t for t in tasks if t[0] not in done]
    done.update(_answer_tasks(c, provers, rest, budget, jobs, exact=True))
    return done


def _codes(a: Answer) -> list[FindingCode]:
    return [f.code for f in a] if isinstance(a, list) else []


def _answer_tasks(
    c: m.Contract,
    provers: Any,
    tasks: list[tuple[int, str, str]],
    budget: Budget,
    jobs: int | None,
    exact: bool,
) -> dict[int, Answer]:
    """Each task's answer (position -> findings or the limit that stopped it):
    the tasks grouped by slice, the slices cut into batches, the batches of a
    big contract in forked workers. ``exact=False``: ``provers`` cut slices from
    the open contract, where a conflict found is only None."""
    if not tasks:
        return {}
    groups: dict[Hashable, list[tuple[int, str, str]]] = {}
    for t in tasks:
        groups.setdefault(provers.key_of(t[2]), []).append(t)
    cut = batches(list(groups), provers.size)

    def solve(j: int, within_budget: Budget | None = None) -> list[tuple[int, Answer]]:
        return _solve_batch(c, provers, cut[j], groups, within_budget, exact)

    sizes = [len(frozenset().union(*(provers.size(k) for k in b))) for b in cut]
    n = (
        jobs_for(jobs, len(cut))
        if len(cut) >= PARALLEL_MIN_SLICES and sum(sizes) >= PARALLEL_MIN_CLAUSES
        else 1
    )
    if n > 1:
        before_fork(c)
        share = budget.share(n)

        def lost(j: int, why: Stop, detail: str) -> list[tuple[int, Answer]]:
            return [(pos, (why, detail, cid)) for key in cut[j] for pos, _, cid in groups[key]]

        answers = in_processes(sizes, n, lambda j: solve(j, share), lost, budget.remaining, _without_timeline)
    else:
        answers = [a for j in range(len(cut)) for a in solve(j)]
    return dict(answers)


# what a question comes to: its findings, or (the limit, Z3's words, the clause) when a limit stopped it
# or None: a conflict found with the termination rights open, not a finding until the contract itself says so
Answer = list[Finding] | tuple[Stop, str, str] | None


def _solve_batch(
    c: m.Contract,
    provers: Any,
    batch: list[Hashable],
    groups: dict[Hashable, list[tuple[int, str, str]]],
    budget: Budget | None,
    exact: bool = True,
) -> list[tuple[int, Answer]]:
    """The questions of the slices ``batch`` (``groups[key]``: (position, kind,
    clause)) asked on one prover of their union, each with its own slice in
    force; the prover is dropped when the batch is done."""
    out: list[tuple[int, Answer]] = []
    prover: Any = None
    further: Any = None  # the batch's prover with one more occurrence of each event: re-checks
    asked: dict[tuple[str, FindingCode], Any] = {}  # the per-clause questions of the batch
    known: set[tuple[str, FindingCode]] = set()  # those shown to have a scenario
    for key in batch:
        within = provers.within(key)
        for pos, kind, cid in groups[key]:
            try:
                if prover is None:
                    prover = provers.make(batch, budget)
                    asked, known = _sat_together(prover, batch, groups, provers)
                reach = provers.reach(key)
                got = (
                    _conflicts(c, prover, cid, within, exact)
                    if kind == "conflict"
                    else _per_clause(c, prover, cid, within, asked, known, reach)
                )
                if kind == "clause" and isinstance(got, list) and got and not reach.startswith(", in any"):
                    # at a fixed bound, a clause found dead (or a power, an obligation) is
                    # looked at one occurrence further: a finding more events undo is not one
                    if further is None:
                        further = provers.make(batch, budget, more=1)
                    got = _per_clause(c, further, cid, within, reach=reach)
            except Exhausted as e:
                out.append((pos, (e.stop, e.detail, cid)))
                continue
            except MemoryError:
                out.append((pos, (Stop.MEMORY, "MemoryError", cid)))
                continue
            if isinstance(got, Outcome):  # an unknown answer
                out.append((pos, (got.stop or Stop.SOLVER, got.reason or "", cid)))
            else:
                out.append((pos, got))
    del prover, further  # its batch is done: free its solvers before the next
    for key in batch:
        provers.forget(key)
    return out


def _sat_together(
    prover: Any, batch: list[Hashable], groups: dict[Hashable, list[tuple[int, str, str]]], provers: Any
) -> tuple[dict[tuple[str, FindingCode], Any], set[tuple[str, FindingCode]]]:
    """The per-clause questions of a batch, and those answered ``sat`` by
    asking them together (``Prover.sat_together``) with the batch's slices in
    force: closed under dependency, they answer each question as its own slice
    does (``Prover.ask``'s ``within``). A live clause is answered by a share of
    one solve; what is left (a dead clause, an obligation that can never be met)
    is asked alone, for its citations."""
    questions = {
        (cid, code): q
        for key in batch
        for _, kind, cid in groups[key]
        if kind == "clause"
        for (code, _), question in zip(PER_CLAUSE, _questions(prover), strict=True)
        if (q := question(cid)) is not None
    }
    within = frozenset().union(*(w for k in batch if (w := provers.within(k)) is not None))
    keys = list(questions)
    got = prover.sat_together(
        [questions[k] for k in keys], within or None, [f"{code.value}-{cid}" for cid, code in keys]
    )
    return questions, {keys[i] for i in got}


def _questions(prover: Any) -> tuple[Any, Any, Any]:
    """The prover's questions about a clause, in the order of ``PER_CLAUSE``."""
    return (prover.applicability_query, prover.power_query, prover.fulfilment_query)


def _without_timeline(a: Answer) -> Answer:
    """What crosses a worker's pipe: findings without their timelines (the parent replays them)."""
    return a if a is None or isinstance(a, tuple) else [attrs.evolve(f, timeline=None) for f in a]


def _with_timeline(c: m.Contract, f: Finding) -> Finding:
    if f.scenario is None or f.timeline is not None:
        return f
    return attrs.evolve(f, timeline=replay(c, f.scenario)[0])


def _what(c: m.Contract, cids: list[str]) -> str:
    shown = [clause_label(c, x) for x in cids[:3]]
    more = len(cids) - len(shown)
    if not more:
        return f"the analyses of {join_and(shown)}"
    return f"the analyses of {', '.join(shown)} and {more:,} more clause{'s' if more != 1 else ''}"


def _conflicts(
    c: m.Contract, prover: Any, root: str, within: frozenset[str] | None, exact: bool = True
) -> list[Finding] | Outcome | None:
    """The conflict in ``root``'s tree, if any; not ``exact``: ``prover``'s slice is
    of the open contract, and a conflict there is only None."""
    res: Outcome = prover.ask(
        prover.conflict_query(root),
        want_core=False,
        within=within,
        want_scenario=exact,
        label=[f"conflict-{root}", f"analysis: exceptions within {root} that disagree on one act"],
    )
    if res.status == SolveStatus.UNKNOWN:
        return res
    if disputed := _disputed(res, f"whether the exceptions within {root} conflict", root):
        return [disputed]
    if res.status == SolveStatus.SAT and not exact:
        return None
    if res.status != SolveStatus.SAT or res.scenario is None:
        return []
    sc = res.scenario
    tl, _ = replay(c, sc)
    if tl is not None and tl.conflicts and style() is WitnessStyle.PLAUSIBLE:
        sc, tl = _plausible_conflict(c, sc)
    if tl is None or not tl.conflicts:
        return [
            Finding(
                FindingCode.INTERNAL_ERROR,
                Severity.ERROR,
                f"a conflict in the tree of {root} found by the solver does not replay in the interpreter",
                (root,),
                res.scenario,
            )
        ]
    x = tl.conflicts[0]
    return [
        Finding(
            FindingCode.CONFLICT,
            Severity.ERROR,
            f"{join_and([clause_label(c, k) for k in x.clauses])} are exceptions within {clause_label(c, root)} "
            f"that disagree on one act ({tl.events[x.occurrence].occ.event} on {m.date_of(x.day)}), and neither "
            "prevails over the other",
            tuple(x.clauses),
            sc,
            tl,
        )
    ]


def _plausible_conflict(c: m.Contract, sc: Scenario) -> tuple[Scenario, Timeline | None]:
    """The conflict's scenario with the contract's figures and round values
    (``verifier.verify.plausible``), where the same clauses still conflict and
    the story stays the same."""

    def judge(x: Scenario) -> object:
        tl, _ = replay(c, x)
        return None if tl is None or not tl.conflicts else signature(tl)

    chosen = plausible(c, sc, judge).scenario
    return chosen, replay(c, chosen)[0]


def _per_clause(
    c: m.Contract,
    prover: Any,
    cid: str,
    within: frozenset[str] | None,
    asked: dict[tuple[str, FindingCode], Any] | None = None,
    known: set[tuple[str, FindingCode]] | None = None,
    reach: str = "",
) -> list[Finding] | Outcome:
    """The per-clause findings of ``cid``; ``asked``: its questions already
    made, ``known``: those already answered ``sat`` (``_sat_together``);
    ``reach``: how far a finding goes, in words, appended to its message."""
    out: list[Finding] = []
    for (code, message), question in zip(PER_CLAUSE, _questions(prover), strict=True):
        if known and (cid, code) in known:
            continue
        q = asked[(cid, code)] if asked and (cid, code) in asked else question(cid)
        if q is None:
            continue
        res: Outcome = prover.ask(
            q,
            minimise=False,
            within=within,
            want_scenario=False,
            label=[
                f"{code.value}-{cid}",
                f"analysis {code.value} of {cid}: asked: {_ASKED[code]}",
            ],
        )
        if res.status == SolveStatus.UNKNOWN:
            return res
        if disputed := _disputed(res, f"the {code.value} analysis of {cid}", cid):
            out.append(disputed)
            continue
        if res.status == SolveStatus.UNSAT:
            cited = set(res.core) | {cid}
            why = dead_because(c, cid) if code == FindingCode.DEAD_CLAUSE else None
            # a reason read off the contract holds at any bound: it replaces the reach
            tail = f": {why}" if why else reach
            if code == FindingCode.DEAD_CLAUSE and c.clauses[cid].exception_to is not None:
                # dead under the clauses above it, or on its own? (a struck-out parent
                # rules on nothing either, so the core cannot say: ask the exception alone)
                own = prover.own_applicability_query(cid)
                alone: Outcome = prover.ask(
                    own, minimise=False, want_core=False, within=within, want_scenario=False
                )
                if alone.status == SolveStatus.UNKNOWN:
                    return alone
                if alone.status == SolveStatus.SAT:
                    above = ancestors(c, cid)
                    cited |= set(above)
                    if not why:
                        tail = f"{reach}: its parent {above[0]} rules on none of the acts it covers"
            text = message.format(clause_label(c, cid), tail)
            out.append(Finding(code, Severity.WARNING, text, tuple(sorted(cited, key=clause_order(c)))))
            if code == FindingCode.DEAD_CLAUSE:
                break
    return out


def _disputed(res: Outcome, what: str, cid: str) -> Finding | None:
    """An internal error if the second solver disputes Z3's answer ``res`` to
    the question of ``what`` (``verify --confirm``), else None."""
    conf = res.confirmation
    if conf is None or not conf.wrong:
        return None
    where = f"; the question is in {', '.join(conf.files)}" if conf.files else ""
    return Finding(
        FindingCode.INTERNAL_ERROR,
        Severity.ERROR,
        f"two solvers disagree on {what}: {conf.words()}{where}",
        (cid,),
    )


def ancestors(c: m.Contract, cid: str) -> list[str]:
    """The clauses above ``cid`` in its exception tree, its parent first."""
    out: list[str] = []
    at = c.clauses[cid].exception_to
    while at is not None and at in c.clauses and at != cid and at not in out:
        out.append(at)
        at = c.clauses[at].exception_to
    return out


def dead_because(c: m.Contract, cid: str) -> str | None:
    """Why clause ``cid``, found dead, can never apply, where the contract's
    structure says it without solving: its dates and the period, the dates of
    the clauses above it in its exception tree, or the acts they rule on
    (``m.ruled_holders``); None where it takes the solver (conditions, states,
    termination). Each reason given is enough on its own for the clause to be
    dead."""
    cl = c.clauses[cid]
    g = cl.guards
    if g.from_day is not None and g.from_day > c.horizon:
        return f"it starts on {m.date_of(g.from_day)}, after the horizon {m.date_of(c.horizon)}"
    if g.until_day is not None and g.until_day < c.effective:
        return f"it ends on {m.date_of(g.until_day)}, before the contract takes effect on {m.date_of(c.effective)}"
    if cl.exception_to is None or cl.consequences or any(n.modality not in m.RULINGS for n in cl.norms):
        return None  # what is left is about rulings, which an exception has only under its parent
    chain = [cid, *ancestors(c, cid)]
    parent = chain[1] if len(chain) > 1 else None
    if parent is None:
        return None

    def name(x: str) -> str:
        return "it" if x == cid else f"its parent {x}" if x == parent else f"{x} above it"

    # the days on which the clause and every clause above it apply
    lo, lo_by, hi, hi_by = c.effective, "", c.horizon, ""
    for x in chain:
        gx = c.clauses[x].guards
        if gx.from_day is not None and gx.from_day > lo:
            lo, lo_by = gx.from_day, x
        if gx.until_day is not None and gx.until_day < hi:
            hi, hi_by = gx.until_day, x
    if lo > hi:
        if not hi_by:
            return f"{name(lo_by)} starts on {m.date_of(lo)}, after the horizon {m.date_of(c.horizon)}"
        if not lo_by:
            return f"{name(hi_by)} ends on {m.date_of(hi)}, before the contract takes effect on {m.date_of(c.effective)}"
        return f"{name(lo_by)} starts on {m.date_of(lo)}, after {name(hi_by)} ends on {m.date_of(hi)}"
    # the acts: none of its norms is about an act its parent rules on
    mine = [n for n in cl.norms if n.modality in m.RULINGS]
    memo: dict[tuple[str, str], tuple[str, ...]] = {}
    above = [m.ruled_holders(c.clauses, parent, n.event, memo) for n in mine]
    if not mine or any(
        hs is None or any(m.common_holder(n.actor, h) is not None for h in hs)
        for n, hs in zip(mine, above, strict=True)
    ):
        return None
    n = mine[0]
    theirs = {x.modality for x in c.clauses[parent].norms if x.modality in m.RULINGS and x.event == n.event}
    verb = "forbids" if theirs == {"must_not"} else "permits" if theirs == {"may"} else "forbids or permits"
    return f"its parent {parent} never {verb} {n.event}" + (f" by {n.actor}" if theirs else "")
