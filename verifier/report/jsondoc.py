"""From a verification to its JSON document (``whereas.verify/2``, see
``schemas/verify.schema.json``).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from dsl import model as m
from dsl.literals import Money, format_date, format_money, format_value
from dsl.scenario import Scenario
from verifier.verify.results import Verification
from verifier.verify.whatif import Comparison


def scenario_json(c: m.Contract, sc: Scenario | None) -> dict[str, Any] | None:
    if sc is None:
        return None
    return {
        "events": [
            {
                "date": format_date(o.day),
                "event": o.event,
                "by": o.actor,
                "args": {n: value_json(v, c.events[o.event].param_type(n)) for n, v in o.args},
            }
            for o in sc.events
        ],
        "facts": {k: value_json(v, c.facts[k].type) for k, v in sorted(sc.facts.items())},
    }


def value_json(v: m.ConstValue, t: m.Type | None) -> Any:
    """A value in ``verify``'s and ``simulate``'s JSON: money an object with its
    cents, currency and text, a date its ISO string, a percentage its text;
    booleans, whole numbers, durations (in days) and names as they are. Every
    text is the value's canonical form (``dsl.literals``)."""
    if isinstance(v, Money):
        return {"cents": v.cents, "currency": v.currency, "text": format_money(v)}
    if isinstance(v, (bool, str)):
        return v
    if isinstance(v, Fraction) or (t is not None and t.name in ("date", "percent")):
        return format_value(v, t)
    return v


def clause_json(c: m.Contract, cid: str) -> dict[str, Any]:
    cl = c.clauses[cid]
    return {"id": cid, "title": cl.title, "line": cl.head_span.line, "file": cl.head_span.file}


def to_json(v: Verification, timings: bool = False) -> dict[str, Any]:
    c = v.contract
    doc: dict[str, Any] = {
        "schema": "whereas.verify/2",
        "contract": {"title": c.title, "file": c.file, "sha256": v.sha256},
        "bounds": {
            "occurrences": v.bound,  # null: each check its own (see each result's "reach")
            "rechecked_at": None if v.bound is None else v.bound + 1,
            "horizon": format_date(c.horizon),
            "effective": format_date(c.effective),
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
                "reach": None if r.reach is None else r.reach.to_json(),
                "line": r.line,
                **({"confirmation": r.confirmation.to_json()} if r.confirmation is not None else {}),
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
    if v.unfinished:  # what a limit stopped: the run is exit 3 and says why
        doc["unfinished"] = [
            {"what": u.what, "limit": u.stop.name.lower(), "reason": u.reason, "clauses": list(u.clauses)}
            for u in v.unfinished
        ]
    if timings:
        doc["seconds"] = round(v.seconds, 4)
        doc["analyses_seconds"] = round(v.analyses_seconds, 4)
    return doc


def comparison_json(cmp: Comparison) -> dict[str, Any]:
    doc = to_json(cmp.amended)
    d = cmp.difference
    doc["comparison"] = {
        "base": cmp.base_file,
        "amendment": cmp.amendment_file,
        "checks": [{"id": i, "before": b, "after": a, "changed": ch} for i, b, a, ch in cmp.rows],
        "difference": None
        if d is None
        else {
            "scenario": scenario_json(cmp.amended.contract, d.scenario)
            if all(o.event in cmp.amended.contract.events for o in d.scenario.events)
            else scenario_json(cmp.base.contract, d.scenario),
            "differs_in": list(d.what),
            "how_chosen": d.how,
            "before": d.before.to_json(),
            "after": d.after.to_json(),
        },
        "status": cmp.diff_status,
        "note": cmp.diff_note or None,
    }
    return doc
