"""From a timeline (one scenario run by the interpreter) to what ``whereas simulate``
prints: text, one block per date on which something happens, or the JSON document
``whereas.simulate/2`` (``schemas/simulate.schema.json``).

Both tell one story (``story``): everything that happens, in date order, and on one
day in a fixed order (docs/cli.md, "``whereas simulate``: the story"); then the states
at the horizon.
"""

from __future__ import annotations

import re
from typing import Any

import attrs

from dsl import model as m
from dsl.literals import format_date, format_value
from dsl.scenario import Occurrence
from verifier.report.jsondoc import value_json
from verifier.semantics.interpret import Effect, EventResult, Timeline

SCHEMA = "whereas.simulate/2"


def occurrence_text(c: m.Contract, o: Occurrence) -> str:
    ev = c.events[o.event]
    args = ", ".join(f"{n}: {format_value(v, ev.param_type(n))}" for n, v in o.args)
    return f"{o.event}{'(' + args + ')' if o.args else ''} by {o.actor}"


def _clause(c: m.Contract, cid: str) -> str:
    cl = c.clauses.get(cid)
    return f"{cid} {cl.title}" if cl is not None and cl.title else cid


# ----------------------------------------------------------------- text


def effectiveness_text(c: m.Contract, r: EventResult) -> str:
    o = r.occ
    powers = [
        (n.actor, cl.id)
        for cl in c.clauses.values()
        for n in cl.norms
        if n.modality == "power" and n.event == o.event
    ]
    if r.effective:
        if r.power is None:
            return "effective"
        holder = next((h for h, cid in powers if cid == r.power and m.acts_for(o.actor, h)), o.actor)
        return f"effective, by the power of {holder} ({_clause(c, r.power)})"
    if r.why:  # the interpreter's words: the power it lacks, or the condition that failed
        return f"ineffective: {r.why}"
    mine = [cid for h, cid in powers if m.acts_for(o.actor, h)]
    others = [(h, cid) for h, cid in powers if not m.acts_for(o.actor, h)]
    parts: list[str] = []
    if others:
        holders = sorted({h for h, _ in others})
        verb = "holds" if len(holders) == 1 else "hold"
        parts.append(
            f"{' and '.join(holders)} {verb} the power ({', '.join(_clause(c, cid) for _, cid in others)})"
        )
    if mine:
        parts.append(
            f"the power of {o.actor} ({', '.join(_clause(c, cid) for cid in mine)}) "
            "does not apply on this date or to these arguments"
        )
    return "ineffective: " + "; ".join(parts)


def decision_text(c: m.Contract, root: str, decider: str, value: str) -> str:
    if value == "conflict":
        clauses = [x for x in decider.split(",") if x]
        return (
            f"CONFLICT within {_clause(c, root)}: {' and '.join(_clause(c, x) for x in clauses)} "
            "disagree; no violation is recorded"
        )
    if decider == root:
        out = f"{value} by {_clause(c, root)}"
        kids = c.children(root)
        if value == "forbidden" and kids:
            out += f"; no exception covers it ({', '.join(_clause(c, k) for k in kids)})"
        return out
    parent = c.clauses[decider].exception_to
    out = f"{value} by {_clause(c, decider)} (exception to {_clause(c, parent or root)}"
    if parent is not None and parent != root:
        out += f", within {_clause(c, root)}"
    return out + ")"


_CAUSE = re.compile(r"^(?P<what>.*) \((?P<cid>§[^)\s]*)\)$")


def cause_text(c: m.Contract, cause: str) -> str:
    """``DeclareAGI (§7)`` -> ``DeclareAGI, §7 AGI clause``."""
    mt = _CAUSE.match(cause)
    if mt is None:
        return cause
    return f"{mt['what']}, {_clause(c, mt['cid'])}"


def timeline_text(tl: Timeline, scenario_file: str) -> str:
    c = tl.contract
    lines = [
        f"Scenario: {tl.scenario.title}",
        f"  file:   {scenario_file}",
        f"Contract: {c.title}",
        f"  file:   {c.file}",
        f"  period: {format_date(c.effective)} to {format_date(c.horizon)}",
        "",
    ]
    if not tl.scenario.events:
        lines.append("No events in this scenario.")
        lines.append("")
    told = story_lines(tl)
    lines.extend(told)
    if told:
        lines.append("")
    lines.append(f"States at the end of the horizon ({format_date(c.horizon)}): {states_summary(tl)}")
    if tl.conflicts:
        lines.append(
            f"Conflicts: {len(tl.conflicts)} ("
            + "; ".join(f"{format_date(k.day)}: {', '.join(k.clauses)}" for k in tl.conflicts)
            + ")"
        )
    lines.append(f"Breach: {breach_summary(tl)}")
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------- the story


@attrs.frozen
class Entry:
    """One thing that happens in the story: ``kind`` and ``index`` name it in the list
    of that kind (``state_changes``, ``terminations``, ``events``, ``violations``)."""

    day: int
    kind: str  # "state_change" | "termination" | "event" | "violation"
    index: int


def state_changes(tl: Timeline) -> list[Effect]:
    """Every start and end of a state, by the day from which it counts (in the order
    they were set off, for one day)."""
    return sorted((e for e in tl.effects if e.state is not None), key=lambda e: e.day)


def terminations(tl: Timeline) -> list[Effect]:
    """Every end of the contract itself, by the day from which it counts."""
    return sorted((e for e in tl.effects if e.state is None), key=lambda e: e.day)


def story(tl: Timeline) -> list[Entry]:
    """Everything that happens, in date order; for one day (docs/cli.md, "``whereas
    simulate``: the story"):
    1. the state changes that count from that day, then the contract's end if it ends
       that day (they hold from the start of the day, set off the day before);
    2. the acts, in the scenario's order, each followed by its own violation;
    3. the obligations whose time ran out that day unmet, in the order they were found."""
    days: dict[int, list[Entry]] = {}

    def add(day: int, kind: str, index: int) -> None:
        days.setdefault(day, []).append(Entry(day, kind, index))

    for j, e in enumerate(state_changes(tl)):
        add(e.day, "state_change", j)
    for j, e in enumerate(terminations(tl)):
        add(e.day, "termination", j)
    under: dict[int, list[int]] = {}  # an act -> its violations
    closed: list[int] = []  # the others: obligations not met in time
    for k, v in enumerate(tl.violations):
        if v.kind == "prohibition" and v.occurrence is not None and 0 <= v.occurrence < len(tl.events):
            under.setdefault(v.occurrence, []).append(k)
        else:
            closed.append(k)
    for i, r in enumerate(tl.events):
        add(r.occ.day, "event", i)
        for k in under.get(i, ()):
            add(r.occ.day, "violation", k)
    for k in closed:
        add(tl.violations[k].day, "violation", k)
    return [x for day in sorted(days) for x in days[day]]


def story_lines(tl: Timeline) -> list[str]:
    """The story as text: each date once, then what happens on it."""
    c = tl.contract
    changes, ends = state_changes(tl), terminations(tl)
    out: list[str] = []
    day: int | None = None
    for x in story(tl):
        if x.day != day:
            day = x.day
            out.append(format_date(day))
        if x.kind == "state_change":
            e = changes[x.index]
            out.append(f"  {e.state} {'starts' if e.start else 'ends'} (because of {cause_text(c, e.cause)})")
        elif x.kind == "termination":
            out.append(
                f"  the contract is no longer in force (because of {cause_text(c, ends[x.index].cause)})"
            )
        elif x.kind == "event":
            out.extend(_event_lines(tl, x.index))
        else:
            out.append(_violation_line(tl, x.index))
    return out


def _event_lines(tl: Timeline, i: int) -> list[str]:
    c = tl.contract
    r = tl.events[i]
    out = [f"  {occurrence_text(c, r.occ)}: {effectiveness_text(c, r)}"]
    out.extend(f"    {decision_text(c, root, decider, value)}" for root, decider, value in r.decisions)
    for cid, ti, j in tl.fulfilled:
        if j == i:
            out.append(f"    fulfils {_clause(c, cid)}{_owed_since(tl, ti)}")
    return out


def _violation_line(tl: Timeline, k: int) -> str:
    v = tl.violations[k]
    line = f"  VIOLATION of {_clause(tl.contract, v.clause)} by {v.party}: {v.message}"
    if v.kind == "prohibition" and v.occurrence is not None:
        return line  # printed under the act it forbids
    return line + ("" if v.occurrence is None else _owed_since(tl, v.occurrence))


def _owed_since(tl: Timeline, trigger: int) -> str:
    if not 0 <= trigger < len(tl.events):
        return ""
    t = tl.events[trigger].occ
    return f" (owed since {t.event} on {format_date(t.day)})"


# ----------------------------------------------------------------- at the horizon


def horizon_states(tl: Timeline) -> list[tuple[str, bool]]:
    """Each state, in the contract's order, and whether it holds on the horizon day."""
    c = tl.contract
    return [(st, tl.holds(st, c.horizon)) for st in c.states]


def not_in_force_from(tl: Timeline) -> int | None:
    """The first day the contract is no longer in force, if that is by the horizon."""
    c = tl.contract
    if tl.in_force(c.horizon):
        return None
    return min(e.day for e in tl.effects if e.state is None)


def states_summary(tl: Timeline) -> str:
    parts = [f"{st} {'holds' if holds else 'does not hold'}" for st, holds in horizon_states(tl)]
    out = ", ".join(parts) if parts else "no states declared"
    ended = not_in_force_from(tl)
    if ended is not None:
        out += f"; the contract is not in force from {format_date(ended)}"
    return out


def breach_by_party(tl: Timeline) -> dict[str, list[str]]:
    """Every party, in declaration order, with the clauses it violated (each once, in order)."""
    out: dict[str, list[str]] = {p: [] for p in tl.contract.parties}
    for v in tl.violations:
        got = out.setdefault(v.party, [])
        if v.clause not in got:
            got.append(v.clause)
    return out


def breach_summary(tl: Timeline) -> str:
    parts = []
    for party, clauses in breach_by_party(tl).items():
        if clauses:
            n = len(tl.breach(party))
            parts.append(f"{party} ({n} violation{'s' if n != 1 else ''}: {', '.join(clauses)})")
    return "; ".join(parts) if parts else "none"


# ----------------------------------------------------------------- json


def timeline_json(tl: Timeline, scenario_file: str) -> dict[str, Any]:
    c = tl.contract
    events = []
    for r in tl.events:
        o = r.occ
        ev = c.events[o.event]
        events.append(
            {
                "date": format_date(o.day),
                "event": o.event,
                "by": o.actor,
                "args": {n: value_json(v, ev.param_type(n)) for n, v in o.args},
                "effective": r.effective,
                "power": r.power,
                "decisions": [
                    {"rule": root, "decided_by": None if value == "conflict" else decider, "value": value}
                    for root, decider, value in r.decisions
                ],
            }
        )
    conflicts = []
    for k in tl.conflicts:
        joined = ",".join(k.clauses)
        rule = next(
            (root for root, d, v in tl.events[k.occurrence].decisions if v == "conflict" and d == joined),
            None,
        )
        conflicts.append(
            {"date": format_date(k.day), "event": k.occurrence, "rule": rule, "clauses": list(k.clauses)}
        )
    ended = not_in_force_from(tl)
    return {
        "schema": SCHEMA,
        "contract": {"title": c.title, "file": c.file},
        "scenario": {"title": tl.scenario.title, "file": scenario_file},
        "events": events,
        "state_changes": [
            {
                "date": format_date(e.day),
                "state": e.state,
                "change": "starts" if e.start else "ends",
                "cause": e.cause,
                "clause": e.clause,
            }
            for e in state_changes(tl)
        ],
        "terminations": [
            {"date": format_date(e.day), "clause": e.clause, "cause": e.cause} for e in terminations(tl)
        ],
        "violations": [
            {
                "date": format_date(v.day),
                "clause": v.clause,
                "title": c.clauses[v.clause].title,
                "root": v.root,
                "party": v.party,
                "kind": v.kind,
                "message": v.message,
            }
            for v in tl.violations
        ],
        "conflicts": conflicts,
        "story": [{"date": format_date(x.day), "kind": x.kind, "index": x.index} for x in story(tl)],
        "at_horizon": {
            "date": format_date(c.horizon),
            "in_force": ended is None,
            "not_in_force_from": None if ended is None else format_date(ended),
            "states": [{"state": st, "holds": holds} for st, holds in horizon_states(tl)],
        },
        "breach": breach_by_party(tl),
    }
