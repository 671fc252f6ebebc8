"""From a result to the words a lawyer reads: events, clauses, a scenario's story, and
the explanation of each verdict.
"""

from __future__ import annotations

from typing import Any

from dsl import model as m
from dsl.literals import Money, format_date, format_value
from dsl.scenario import Scenario
from verifier.semantics.interpret import Timeline
from verifier.verify.results import Coverage, Reach, Verdict


def describe_event(c: m.Contract, o: Any) -> str:
    ev = c.events[o.event]
    args = ", ".join(f"{n}: {format_value(v, ev.param_type(n))}" for n, v in o.args)
    call = f"{o.event}({args})" if args else o.event
    return f"{format_date(o.day)}  {call} by {o.actor}"


def clause_label(c: m.Contract, cid: str) -> str:
    cl = c.clauses.get(cid)
    return f"{cid} {cl.title}".strip() if cl else cid


def join_or(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " or " + items[-1]


def join_and(items: list[str]) -> str:
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
            out += [
                cl.id
                for cl in tl.contract.clauses.values()
                if any(n.modality == "power" and n.event == r.occ.event for n in cl.norms)
            ]
        for root, decider, _ in r.decisions:
            out += [root] + decider.split(",")
    out += [v.clause for v in tl.violations]
    out += [e.clause for e in tl.changes() if e.clause is not None]
    out += [cid for cid, _, _ in tl.fulfilled]
    out += [cid for cid, _, _ in tl.open_at_horizon]
    seen = dict.fromkeys(cid for cid in out if cid in tl.contract.clauses)
    return tuple(sorted(seen, key=clause_order(tl.contract)))


def clause_order(c: m.Contract) -> Any:
    """How clause ids are listed: in the order of their numbers (``m.id_order``),
    not of the file, so that moving a clause changes no report. (``c``: the
    contract, for callers that sort its ids.)"""
    return m.id_order


# a story names at most this many violations, then counts the rest (a scenario
# on a big contract can leave hundreds of dated obligations unmet; the
# scenario and the timeline still have every one)
STORY_VIOLATIONS = 12
# with at most this many violations, each says why (the interpreter's message)
STORY_REASONS = 3


def outcome_story(tl: Timeline) -> str:
    """What happened, in date order; on one day: violations, ineffective acts,
    conflicts, obligations met, then the changes they make from that day. A
    story of a few violations says why each is one."""
    c = tl.contract
    bits: list[tuple[int, int, str]] = []
    why = len(tl.violations) <= STORY_REASONS
    for v in tl.violations[:STORY_VIOLATIONS]:
        because = f" ({v.why.replace('; ', ', and ')})" if why and v.why else ""
        bits.append(
            (v.day, 0, f"{v.party} violates {clause_label(c, v.clause)} on {format_date(v.day)}{because}")
        )
    for r in tl.events:
        if not r.effective:
            bits.append(
                (r.occ.day, 1, f"{r.occ.actor}'s {r.occ.event} on {format_date(r.occ.day)} is ineffective")
            )
    for e in tl.changes():
        if e.state is not None:
            bits.append((e.day, 4, f"{e.state} {'starts' if e.start else 'ends'} from {format_date(e.day)}"))
        else:
            bits.append((e.day, 4, f"the contract ends from {format_date(e.day)}"))
    for x in tl.conflicts:
        bits.append((x.day, 2, f"{join_and(list(x.clauses))} conflict on {format_date(x.day)}"))
    for cid, _ti, j in tl.fulfilled:
        o = tl.events[j].occ
        bits.append(
            (
                o.day,
                3,
                f"the obligation under {clause_label(c, cid)} is met by {o.event} on {format_date(o.day)}",
            )
        )
    story = [text for _, _, text in sorted(bits, key=lambda b: (b[0], b[1]))]
    if len(tl.violations) > STORY_VIOLATIONS:
        more = len(tl.violations) - STORY_VIOLATIONS
        story.append(f"{more} more violation{'s' if more != 1 else ''} (see the scenario's timeline)")
    for cid, start, last in tl.open_at_horizon:
        story.append(
            f"an obligation under {clause_label(c, cid)} set off on {format_date(start)} is still open at the horizon "
            f"(due by {format_date(last)})"
        )
    return "; ".join(story) if story else "nobody is in breach and no state changes"


def scenario_story(c: m.Contract, sc: Scenario) -> str:
    if not sc.events:
        what = "no event at all"
    else:
        what = "; ".join(describe_event(c, o).replace("  ", " ") for o in sc.events)
    if sc.facts:
        what += (
            " (with "
            + ", ".join(f"{k} = {format_value(v, c.facts[k].type)}" for k, v in sc.facts.items())
            + ")"
        )
    return what


def explain(
    c: m.Contract,
    check: m.Check,
    verdict: Verdict,
    clauses: tuple[str, ...],
    sc: Scenario | None,
    tl: Timeline | None,
    reach: Reach | None,
    how: str = "",
) -> str:
    """The verdict in words: what the answer is, how far it reaches, and what
    it follows from; ``how``: how the scenario's dates and amounts were chosen."""
    given = " in which the givens hold" if check.givens else ""
    follows = (
        f"This follows from {join_and([clause_label(c, x) for x in clauses])}."
        if clauses
        else _no_clause(c, check)
    )
    if clauses and sc is None:
        follows += "".join(f" {s[0].upper()}{s[1:]}." for s in aside(c, check, clauses))
    if verdict == Verdict.UNKNOWN:
        return "Unknown: the solver could not decide this question; see the reason."
    if sc is not None and tl is not None:
        first = min((o.day for o in sc.events), default=c.effective)
        before = any(v.day < first for v in tl.violations) or any(e.day <= first for e in tl.changes())
        then = "On that course of events," if before else "Then"
        story = f"{scenario_story(c, sc)}. {then} {outcome_story(tl)}."
        if how:
            story += f" ({how})"
        if check.mode == "possible":
            return f"Yes, this is possible. The shortest scenario found{given}: {story}"
        if check.mode == "always":
            return f"No, not always. A counterexample{given}: {story}"
        return f"No, this can happen. A scenario{given}: {story}"
    if reach is not None and reach.coverage == Coverage.UNBOUNDED:
        every = f"every course of events up to {format_date(c.horizon)}{given}"
        if check.mode == "possible":
            return f"No. Proved for {every}: this cannot happen. {follows}"
        return f"Yes. Proved for {every}. {follows}"
    upto = (
        f"in every course of events with {reach.occurrences()} up to {format_date(c.horizon)}"
        if reach is not None
        else "within the bounds"
    )
    if check.mode == "possible":
        return f"No, not {upto}{given}; longer courses of events were not examined. {follows}"
    return f"Yes, {upto}{given}; longer courses of events were not examined. {follows}"


def _no_clause(c: m.Contract, check: m.Check) -> str:
    """What a proof that needs no clause follows from, in words: it holds with
    any of the clauses struck out, so from the check's givens and what the
    contract declares about the states the check names and who may perform
    the acts it names a performer of."""
    states: list[str] = []
    acts: list[str] = []

    def walk(e: object) -> None:
        if isinstance(e, m.StateAt) and e.state not in states:
            states.append(e.state)
        if isinstance(e, (m.Happens, m.AfterEvent)) and e.actor is not None and e.event not in acts:
            acts.append(e.event)
        for part in ("body", "cond"):
            if isinstance(e, (m.AfterEvent, m.During, m.Happens)) and getattr(e, part, None) is not None:
                walk(getattr(e, part))
        if isinstance(e, m.Op):
            for a in e.args:
                walk(a)
        if isinstance(e, m.Precedes):
            walk(e.first)
            walk(e.second)

    for e in [*check.givens, check.body]:
        walk(e)
    said = [_declared(c, c.states[x]) for x in states if x in c.states]
    said += [f"who may perform {x} ({_actors(c, x)})" for x in acts if x in c.events and c.events[x].actors]
    grounds = (["the givens"] if check.givens else []) + said
    why = join_and(grounds) if grounds else "the contract's declarations"
    return f"No clause is needed: it holds whichever clauses are struck out, because of {why}."


def _declared(c: m.Contract, st: m.State) -> str:
    """A state's declaration in words: ``the declaration of MicrosoftIP (from the
    effective date, until 2032-12-31)``, or that nothing declared starts it."""
    parts = []
    if st.initial:
        parts.append("from the effective date")
    parts += [f"from {format_date(d)}" for d in st.start_days]
    parts += [f"from {x}" for x in st.start_events]
    parts += [f"until {format_date(d)}" for d in st.end_days]
    parts += [f"until {x}" for x in st.end_events]
    if not parts:
        return f"the declaration of {st.name} (nothing but a clause starts it)"
    return f"the declaration of {st.name} ({', '.join(parts)})"


def _actors(c: m.Contract, event: str) -> str:
    return "only " + join_or(list(c.events[event].actors))


def coverage_words(reach: Reach) -> str:
    """How far a verdict reaches, as the reports say it."""
    if reach.coverage == Coverage.SCENARIO:
        return "settled by the scenario shown, replayed in the interpreter; no bound applies"
    if reach.coverage == Coverage.UNBOUNDED:
        return f"every course of events ({reach.why})"
    rechecked = f", re-checked at {reach.every_event + 1}" if reach.every_event is not None else ""
    return f"bounded to {reach.occurrences()}{rechecked}; not covered: longer courses of events ({reach.why})"


def bounds_words(bound: int | None) -> str:
    """The run's bound, as the reports' headers say it."""
    if bound is None:
        return "each check solved at the occurrences its question can need (docs/semantics.md §14)"
    return f"at most {bound} occurrences of each event, as asked (proofs that need more are re-checked at {bound + 1})"


def clause_where(c: m.Contract, cid: str) -> str:
    """``line 32``, or ``file:line`` for a clause written in another file (an amendment's base)."""
    sp = c.clauses[cid].head_span
    return f"line {sp.line}" if sp.file == c.file else f"{sp.file}:{sp.line}"


# ----------------------------------------------------------------- exceptions aside
#
# A proof of "a purchase above $10B from Oracle is a breach" cites §2 alone: the
# waiver §2.1 is not needed, because it never covers such a purchase. A reader
# wants that said. ``aside`` finds it where it can be read off the clauses
# themselves: the check asks about an act whose arguments or dates are
# disjoint from what an uncited exception of a cited clause covers. The words
# only explain a verdict the solver reached; where nothing is disjoint on its
# face, nothing is said.

_FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}


def _bounds(e: m.Expr | None) -> dict[str, list[tuple[str, Any]]]:
    """The comparisons of the act's own arguments with constants in ``e``'s
    conjunction: argument -> [(op, value)]."""
    out: dict[str, list[tuple[str, Any]]] = {}
    stack = [] if e is None else [e]
    while stack:
        x = stack.pop()
        if isinstance(x, m.Op) and x.op == "and":
            stack.extend(x.args)
        elif isinstance(x, m.Op) and x.op in _FLIP:
            left, right = x.args
            op = x.op
            if isinstance(right, m.ArgRef) and isinstance(left, m.Const):
                left, right, op = right, left, _FLIP[op]
            if isinstance(left, m.ArgRef) and left.occ == "self" and isinstance(right, m.Const):
                out.setdefault(left.name, []).append((op, right))
    return out


def _key(c: m.Const) -> Any:
    return c.value.cents if isinstance(c.value, Money) else c.value


def _disjoint(a: list[tuple[str, Any]], b: list[tuple[str, Any]]) -> bool:
    """Whether no value meets every comparison of ``a`` and of ``b``."""
    eq = [_key(v) for op, v in a + b if op == "=="]
    ne = [_key(v) for op, v in a + b if op == "!="]
    if len(set(eq)) > 1 or (eq and eq[0] in ne):
        return True
    order = [(op, _key(v)) for op, v in a + b if op not in ("==", "!=")]
    if not order or any(isinstance(v, str) for _, v in order):
        return False
    lo = max([(v, op == ">") for op, v in order if op in (">", ">=")], default=None)
    hi = min([(v, op == "<") for op, v in order if op in ("<", "<=")], default=None)
    if eq:
        x = eq[0]
        if lo is not None and (x < lo[0] or (x == lo[0] and lo[1])):
            return True
        if hi is not None and (x > hi[0] or (x == hi[0] and hi[1])):
            return True
        return False
    if lo is None or hi is None:
        return False
    return bool(lo[0] > hi[0] or (lo[0] == hi[0] and (lo[1] or hi[1])))


_COVERS = {"<=": "at most", "<": "below", ">=": "at least", ">": "above", "==": "", "!=": "other than"}


def _acts(e: object) -> list[m.Happens]:
    """The acts a check's formula asks about (not under a negation)."""
    out: list[m.Happens] = []
    stack: list[tuple[object, bool]] = [(e, True)]
    while stack:
        x, pos = stack.pop()
        if isinstance(x, m.Happens):
            if pos:
                out.append(x)
        elif isinstance(x, m.Op):
            flip = x.op == "not"
            stack.extend((a, pos != flip) for a in x.args)
        elif isinstance(x, (m.AfterEvent, m.During)):
            stack.append((x.body, pos))
        elif isinstance(x, m.Precedes):
            stack.extend(((x.first, pos), (x.second, pos)))
    return out


def aside(c: m.Contract, check: m.Check, cited: tuple[str, ...]) -> list[str]:
    """Why each uncited exception of a cited clause does not cover the acts the
    check asks about, where the clauses say so on their face."""
    said: list[str] = []
    acts = _acts(check.body)
    for cid in cited:
        for k in c.children(cid):
            if k in cited:
                continue
            ex = c.clauses[k]
            for n in ex.norms:
                if n.modality not in ("may", "must_not"):
                    continue
                for h in acts:
                    if h.event != n.event:
                        continue
                    why = _not_covering(ex, n, h)
                    if why:
                        said.append(f"{clause_label(c, k)} does not cover it: {why}")
                        break
                else:
                    continue
                break
    return said


def _not_covering(ex: m.Clause, n: m.Norm, h: m.Happens) -> str:
    g = ex.guards
    if g.from_day is not None and h.hi is not None and h.hi < g.from_day:
        return f"it applies only from {format_date(g.from_day)}"
    if g.until_day is not None and h.lo is not None and h.lo > g.until_day:
        return f"it applies only until {format_date(g.until_day)}"
    mine, asked = _bounds(n.cond), _bounds(h.cond)
    for arg, cmp in mine.items():
        if arg in asked and _disjoint(cmp, asked[arg]):
            words = ", ".join(
                f"{arg}: {v.shown()}" if op == "==" else f"{arg} {_COVERS[op]} {v.shown()}" for op, v in cmp
            )
            return f"it covers only {n.event}({words})"
    return ""
