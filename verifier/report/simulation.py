"""From a timeline (one scenario run by the interpreter) to what ``whereas simulate``
prints: text, one block per date on which something happens, or the JSON document
``whereas.simulate/1`` (``schemas/simulate.schema.json``).
"""

from __future__ import annotations

import re
from typing import Any

from dsl import model as m
from dsl.literals import format_date, format_value
from dsl.scenario import Occurrence
from verifier.report.jsondoc import value_json
from verifier.semantics.interpret import EventResult, Timeline

SCHEMA = "whereas.simulate/1"


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
    blocks = day_blocks(tl)
    if not tl.scenario.events:
        lines.append("No events in this scenario.")
        lines.append("")
    for day in sorted(blocks):
        lines.append(format_date(day))
        lines.extend(blocks[day])
    if blocks:
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


def day_blocks(tl: Timeline) -> dict[int, list[str]]:
    """The report's lines for each date on which something happens."""
    c = tl.contract
    # Per date: the state changes that count from it, then the acts (each with what
    # ruled on it and its violations), then the obligations whose window closed.
    changes: dict[int, list[str]] = {}
    acts: dict[int, list[str]] = {}
    closed: dict[int, list[str]] = {}
    for e in sorted(tl.effects, key=lambda e: e.day):
        cause = cause_text(c, e.cause)
        if e.state is None:
            changes.setdefault(e.day, []).append(f"  the contract is no longer in force (because of {cause})")
        else:
            changes.setdefault(e.day, []).append(
                f"  {e.state} {'starts' if e.start else 'ends'} (because of {cause})"
            )
    under: dict[int, list[str]] = {}
    for v in tl.violations:
        line = f"  VIOLATION of {_clause(c, v.clause)} by {v.party}: {v.message}"
        if v.kind == "prohibition" and v.occurrence is not None:
            under.setdefault(v.occurrence, []).append(line)
            continue
        if v.occurrence is not None and 0 <= v.occurrence < len(tl.events):
            t = tl.events[v.occurrence].occ
            line += f" (owed since {t.event} on {format_date(t.day)})"
        closed.setdefault(v.day, []).append(line)
    for i, r in enumerate(tl.events):
        out = acts.setdefault(r.occ.day, [])
        out.append(f"  {occurrence_text(c, r.occ)}: {effectiveness_text(c, r)}")
        out.extend(f"    {decision_text(c, root, decider, value)}" for root, decider, value in r.decisions)
        for cid, ti, j in tl.fulfilled:
            if j == i:
                since = ""
                if 0 <= ti < len(tl.events):
                    t = tl.events[ti].occ
                    since = f" (owed since {t.event} on {format_date(t.day)})"
                out.append(f"    fulfils {_clause(c, cid)}{since}")
        out.extend(under.get(i, []))
    return {
        day: changes.get(day, []) + acts.get(day, []) + closed.get(day, [])
        for day in sorted(set(changes) | set(acts) | set(closed))
    }


def states_summary(tl: Timeline) -> str:
    c = tl.contract
    parts = [f"{st} {'holds' if tl.holds(st, c.horizon) else 'does not hold'}" for st in c.states]
    out = ", ".join(parts) if parts else "no states declared"
    if not tl.in_force(c.horizon):
        first = min(e.day for e in tl.effects if e.state is None)
        out += f"; the contract is not in force from {format_date(first)}"
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
            }
            for e in sorted(tl.effects, key=lambda e: e.day)
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
        "breach": breach_by_party(tl),
    }
