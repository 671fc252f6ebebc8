"""What-if: a contract and an amended version, compared.

From two checked contracts to a ``Comparison``: each check's verdict before
and after, and the semantic diff — a scenario on which the versions read
differently (found by ``verifier.smt.diff``), replayed through the interpreter
under both versions and shown side by side, or the proof that no scenario
within the bounds tells them apart.
"""

from __future__ import annotations

import enum
from typing import Any, Literal

import attrs

from dsl import model as m
from dsl.scenario import Scenario
from verifier.budget import Budget, Stop
from verifier.semantics.interpret import MissingFact, Timeline, simulate
from verifier.smt.outcome import SolveStatus
from verifier.verify.explain import clause_label, describe_event
from verifier.verify.limits import Limits
from verifier.verify.plausible import SMALLEST_HOW, WitnessStyle, plausible, signature, style
from verifier.verify.results import DEFAULT_BOUND, Verdict, Verification
from verifier.verify.run import verify_contract


class DiffStatus(enum.StrEnum):
    """What the semantic diff found (the strings the reports print)."""

    DIFFERENCE = "difference"  # a scenario on which the versions read differently
    NONE = "none"  # no such scenario within the bounds
    UNKNOWN = "unknown"  # the solver gave up
    INTERNAL_ERROR = "internal-error"  # the solver and the interpreter disagree


# a check's verdict in one version, or "absent": the version has no such check
RowVerdict = Verdict | Literal["absent"]


@attrs.frozen
class Reading:
    """What one version makes of a scenario."""

    violations: tuple[str, ...]
    breach: tuple[str, ...]
    ineffective: tuple[str, ...]
    changes: tuple[str, ...]
    # when each state holds, as the days its holding turns (from the effective
    # date): ``changes`` shows only what effects change, not a state's own dates,
    # which an amendment can move too
    held: tuple[str, ...] = ()
    # the acts on which an exception tree's rulings conflict: "DATE EVENT: §N"
    conflicts: tuple[str, ...] = ()

    def lines(self, held: bool = False) -> list[str]:
        out = [f"breach: {', '.join(self.breach) or 'none'}"]
        out += [f"violation: {v}" for v in self.violations]
        out += [f"ineffective: {x}" for x in self.ineffective]
        out += [f"state: {x}" for x in self.changes]
        out += [f"conflict: {x}" for x in self.conflicts]
        if held:
            out += [f"holding: {x}" for x in self.held]
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "breach": list(self.breach),
            "violations": list(self.violations),
            "ineffective": list(self.ineffective),
            "state_changes": list(self.changes),
            "conflicts": list(self.conflicts),
        }


@attrs.frozen
class Difference:
    scenario: Scenario
    before: Reading
    after: Reading
    what: tuple[str, ...]  # the readings that differ, in words
    how: str = ""  # how the scenario's dates and amounts were chosen, in words


@attrs.frozen
class Comparison:
    base: Verification
    amended: Verification
    base_file: str
    amendment_file: str
    rows: tuple[tuple[str, RowVerdict, RowVerdict, bool], ...]  # check id, before, after, changed
    difference: Difference | None
    diff_status: DiffStatus
    diff_note: str = ""


def restrict(sc: Scenario, c: m.Contract) -> Scenario:
    """The part of a scenario a version can see: an event it does not declare
    does not exist for it. (A scenario from the semantic diff gives every fact
    either version leaves open: the slices it is found on keep all the facts.)"""
    return Scenario(
        sc.title,
        {k: v for k, v in sc.facts.items() if k in c.facts and c.facts[k].value is None},
        tuple(o for o in sc.events if o.event in c.events),
    )


def reading(tl: Timeline) -> Reading:
    c = tl.contract
    viols = tuple(f"{m.date_of(v.day)} {v.party} violates {clause_label(c, v.clause)}" for v in tl.violations)
    breach = tuple(sorted({v.party for v in tl.violations}))
    ineff = tuple(describe_event(c, r.occ) for r in tl.events if not r.effective)
    changes = tuple(
        sorted(
            f"{m.date_of(e.day)} {e.state or 'the contract'} {'starts' if e.start else 'ends'}"
            for e in tl.changes()
        )
    )
    conflicts = tuple(
        f"{describe_event(c, tl.events[x.occurrence].occ)}: rulings of {clause_label(c, _root(c, x.clauses[0]))} conflict"
        for x in tl.conflicts
        if x.clauses
    )
    return Reading(viols, breach, ineff, changes, _held(tl), conflicts)


def _root(c: m.Contract, cid: str) -> str:
    """The top of ``cid``'s exception tree."""
    seen = {cid}
    while (up := c.clauses[cid].exception_to) in c.clauses and up not in seen:
        seen.add(up)
        cid = up
    return cid


def _held(tl: Timeline) -> tuple[str, ...]:
    """Each state's value on the effective date and every day it turns: a state
    changes only on its own dates and on the days effects on it count."""
    c = tl.contract
    out = []
    for name, st in c.states.items():
        days = {c.effective, *st.start_days, *(d + 1 for d in st.end_days)}
        days |= {e.day for e in tl.effects if e.state == name}
        was = None
        for d in sorted(x for x in days if c.effective <= x <= c.horizon):
            now = tl.holds(name, d)
            if now != was:
                out.append(f"{m.date_of(d)} {name} {'holds' if now else 'does not hold'}")
            was = now
    return tuple(out)


def _what_differs(a: Reading, b: Reading) -> tuple[str, ...]:
    out = []
    if a.breach != b.breach:
        out.append(
            f"who is in breach: {', '.join(a.breach) or 'nobody'} before, {', '.join(b.breach) or 'nobody'} after"
        )
    elif a.violations != b.violations:
        which = {v.split(" violates ", 1)[1] for v in a.violations} != {
            v.split(" violates ", 1)[1] for v in b.violations
        }
        out.append("which clauses are violated" if which else "when or how often a clause is violated")
    if a.ineffective != b.ineffective:
        out.append("which acts are effective")
    if a.conflicts != b.conflicts:
        out.append("which acts the clauses rule on in conflict")
    if a.changes != b.changes:
        out.append("when states start or end")
    elif a.held != b.held:
        out.append("when states hold")
    return tuple(out)


def compare(
    base: m.Contract,
    amended: m.Contract,
    base_sha: str = "",
    amended_sha: str = "",
    bound: int | None = None,
    amendment_file: str = "",
    jobs: int | None = 1,
    limits: Limits | None = None,
    budget: Budget | None = None,
) -> Comparison:
    """Both versions verified (the base without the analyses; ``jobs`` as for
    ``verify_contract``), their verdicts side by side, and the semantic diff.
    ``limits``: one deadline for all three, the work and memory limits for
    each query (see ``verify_contract``); what a limit stops is ``unknown``.
    ``budget``: that clock already started (``Limits.budget()``, which a caller
    may ``cancel``); it wins over ``limits``."""
    if budget is None:
        budget = (limits if limits is not None else Limits()).budget()
    vb = verify_contract(base, base_sha, bound=bound, analyses=False, jobs=jobs, budget=budget)
    va = verify_contract(amended, amended_sha, bound=bound, jobs=jobs, budget=budget)
    before = {r.id: r.verdict for r in vb.results}
    after = {r.id: r.verdict for r in va.results}
    ids = list(before) + [i for i in after if i not in before]
    absent: RowVerdict = "absent"
    rows = tuple((i, before.get(i, absent), after.get(i, absent), before.get(i) != after.get(i)) for i in ids)
    diff, status, note = semantic_diff(base, amended, bound, budget=budget)
    return Comparison(vb, va, base.file, amendment_file or amended.file, rows, diff, status, note)


def semantic_diff(
    base: m.Contract,
    amended: m.Contract,
    bound: int | None = None,
    sliced: bool = True,
    limits: Limits | None = None,
    budget: Budget | None = None,
) -> tuple[Difference | None, DiffStatus, str]:
    """``bound`` None (the default): at the occurrences a difference can need
    (docs/semantics.md §14.1), so "no difference" holds for every course of events;
    where no number follows, and with a ``bound``, at that many of each event,
    re-checked at one more, and the note says so.
    ``sliced``: encode only what the amendment can reach (``verifier.smt.diff``);
    False runs the miter over both whole versions (the tests compare the two).
    ``limits`` (or a ``budget`` already started): a limit that stops the
    question makes the status ``unknown``, the limit named in the note."""
    from verifier.smt.diff import find_difference

    if budget is None:
        budget = (limits if limits is not None else Limits()).budget()
    out = find_difference(base, amended, bound, sliced=sliced, budget=budget, fallback=DEFAULT_BOUND)
    dates = f"{m.date_of(max(base.effective, amended.effective))} to {m.date_of(min(base.horizon, amended.horizon))}"
    if out.status == SolveStatus.UNSAT and out.derived:
        return (
            None,
            DiffStatus.NONE,
            f"no course of events from {dates} tells the two versions apart ({out.why})",
        )
    if out.status == SolveStatus.UNSAT:
        assert isinstance(out.k, int), "a difference not derived is asked at one number for every event"
        bound = out.k
        out2 = find_difference(base, amended, bound + 1, sliced=sliced, budget=budget)
        if out2.status == SolveStatus.UNKNOWN:  # an inconclusive re-check is no proof of "no difference"
            why = budget.reason(out2.stop or Stop.SOLVER, "comparison", out2.reason or "")
            return (
                None,
                DiffStatus.UNKNOWN,
                f"no difference with at most {bound} occurrences of each event, but the re-check at {bound + 1} was inconclusive: {why}",
            )
        if out2.status != SolveStatus.SAT:
            rechecked = f"re-checked at {bound + 1}"
            why = f"; longer courses of events were not examined ({out.why})" if out.why else ""
            return (
                None,
                DiffStatus.NONE,
                (
                    f"no scenario with at most {bound} occurrences of each event ({rechecked}), dates "
                    f"{dates}, tells the two versions apart{why}"
                ),
            )
        out = out2
    if out.status == SolveStatus.UNKNOWN:
        return (
            None,
            DiffStatus.UNKNOWN,
            budget.reason(out.stop or Stop.SOLVER, "comparison", out.reason or ""),
        )
    assert out.scenario is not None
    try:
        ta = simulate(base, restrict(out.scenario, base))
        tb = simulate(amended, restrict(out.scenario, amended))
    except MissingFact as e:
        return None, DiffStatus.INTERNAL_ERROR, f"the difference scenario lacks fact {e.name}"
    ra, rb = reading(ta), reading(tb)
    what = _what_differs(ra, rb)
    found, how = out.scenario, SMALLEST_HOW if out.scenario.events else ""
    if what and style() is WitnessStyle.PLAUSIBLE:
        found, how, ta, tb = _plausible(base, amended, out.scenario, what)
        ra, rb = reading(ta), reading(tb)
    if not what:
        return (
            None,
            DiffStatus.INTERNAL_ERROR,
            (
                "INTERNAL ERROR: the solver found a scenario on which the versions differ, but the interpreter reads "
                "it the same under both; please report it"
            ),
        )
    return Difference(found, ra, rb, what, how), DiffStatus.DIFFERENCE, ""


def _plausible(
    base: m.Contract, amended: m.Contract, sc: Scenario, what: tuple[str, ...]
) -> tuple[Scenario, str, Timeline, Timeline]:
    """The difference's scenario with the contracts' own figures and round
    values (``verifier.verify.plausible``), where both versions tell the same
    stories as on the solver's scenario and still differ in the same way."""

    def judge(x: Scenario) -> object:
        try:
            ta = simulate(base, restrict(x, base))
            tb = simulate(amended, restrict(x, amended))
        except MissingFact:
            return None
        if _what_differs(reading(ta), reading(tb)) != what:
            return None
        return signature(ta), signature(tb)

    chosen = plausible(base, sc, judge, None, amended)
    ta = simulate(base, restrict(chosen.scenario, base))
    tb = simulate(amended, restrict(chosen.scenario, amended))
    return chosen.scenario, chosen.how, ta, tb


def comparison_exit(cmp: Comparison) -> int:
    """``whereas diff`` and ``verify --what-if`` alike, as diff(1): 0 when the versions
    agree on everything within the bounds, 1 when a scenario tells them apart, 3 when
    that could not be decided (a limit), 4 on an internal error of the comparison
    (the solver and the interpreter disagree on its scenario)."""
    return {DiffStatus.NONE: 0, DiffStatus.DIFFERENCE: 1, DiffStatus.INTERNAL_ERROR: 4}.get(
        cmp.diff_status, 3
    )
