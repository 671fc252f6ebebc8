"""From verdicts to SARIF 2.1.0, for code scanning.

One run for all contracts of a command (code scanning merges runs of one tool
poorly). Rules have stable ids: ``whereas/check/<check id>`` for each check and
``whereas/finding/<code>`` for every analysis code, listed whether or not it
fired. Results:
- a failing check: level ``error``; an unknown one: level ``warning``;
- a check that holds gives no result: code scanning turns every result into
  an alert and documents no ``kind: pass``, so proofs are listed in the run's
  properties (``whereas/proved``) instead;
- each analysis finding, at its severity.
A result points at the check's first line (or the finding's first clause),
names the deciding clauses as related locations, and carries its scenario as
a code flow: one thread-flow location per event, at the clause that rules on it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from dsl import model as m
from dsl.load import file_sha256
from dsl.scenario import Scenario
from verifier.report.sarif_log import envelope, uri
from verifier.report.view import RunInfo, source_files
from verifier.semantics.interpret import Timeline
from verifier.verify.explain import clause_label, describe_event
from verifier.verify.results import (
    FINDING_CODES,
    CheckResult,
    Finding,
    FindingCode,
    Severity,
    Verdict,
    Verification,
)
from verifier.verify.whatif import Comparison


class _Artifacts:
    def __init__(self) -> None:
        self.files: list[str] = []
        self.hashes: dict[str, str] = {}

    def index(self, path: str) -> int:
        if path not in self.files:
            self.files.append(path)
        return self.files.index(path)

    def location(
        self, path: str, line: int, message: str | None = None, ident: int | None = None
    ) -> dict[str, Any]:
        loc: dict[str, Any] = {}
        if ident is not None:
            loc["id"] = ident
        loc["physicalLocation"] = {
            "artifactLocation": {"uri": uri(path), "index": self.index(path)},
            "region": {"startLine": max(1, line)},
        }
        if message:
            loc["message"] = {"text": message}
        return loc

    def json(self) -> list[dict[str, Any]]:
        out = []
        for f in self.files:
            a: dict[str, Any] = {"location": {"uri": uri(f)}}
            digest = self.hashes.get(f) or file_sha256(f)
            if digest:
                a["hashes"] = {"sha-256": digest}
            out.append(a)
        return out


def _event_text(c: m.Contract, o: Any) -> str:
    return describe_event(c, o).replace("  ", " ", 1)


def relevant_clause(c: m.Contract, tl: Timeline | None, i: int, event: str) -> str | None:
    """The clause that says most about an event occurrence: the one it
    violates, the one that ruled on it, the power that made it count, the
    obligation or consequence it sets off; else any clause about the event."""
    if tl is not None and i < len(tl.events):
        r = tl.events[i]
        for v in tl.violations:
            if v.occurrence == i and v.kind == "prohibition":
                return v.clause
        if r.decisions:
            return r.decisions[0][1].split(",")[0]  # a conflict names its clauses, comma-separated
        if r.power:
            return r.power
        if not r.effective:
            # an act without an applicable power: the power that did not apply
            for cl in c.clauses.values():
                if any(n.modality == "power" and n.event == event for n in cl.norms):
                    return cl.id
    for cl in c.clauses.values():
        for q in cl.consequences:
            if q.trigger.event == event:
                return cl.id
        for n in cl.norms:
            if n.trigger is not None and n.trigger.event == event:
                return cl.id
    for cl in c.clauses.values():
        if any(n.event == event for n in cl.norms):
            return cl.id
    return None


def code_flow(
    c: m.Contract, sc: Scenario, tl: Timeline | None, story: str, fallback: tuple[str, int], arts: _Artifacts
) -> dict[str, Any]:
    locations = []
    events = list(tl.scenario.events) if tl is not None else list(sc.events)
    # the timeline keeps the scenario's order; list its events by date, as they happen
    order = sorted(range(len(events)), key=lambda k: (events[k].day, events[k].seq))
    for k in order:
        o = events[k]
        cid = relevant_clause(c, tl, k, o.event)
        if cid is not None and cid in c.clauses:
            span = c.clauses[cid].head_span
            where = (span.file, span.line)
        else:
            where = fallback
        locations.append({"location": arts.location(where[0], where[1], _event_text(c, o))})
    if not locations:
        locations.append({"location": arts.location(fallback[0], fallback[1], "no event at all")})
    return {"message": {"text": story}, "threadFlows": [{"locations": locations}]}


def _clause_locations(
    c: m.Contract, clauses: Sequence[str], arts: _Artifacts, start: int = 1
) -> list[dict[str, Any]]:
    out = []
    for k, cid in enumerate(x for x in clauses if x in c.clauses):
        span = c.clauses[cid].head_span
        out.append(arts.location(span.file, span.line, clause_label(c, cid), ident=start + k))
    return out


def _check_file(c: m.Contract, check_id: str) -> str:
    return next((ch.span.file for ch in c.checks if ch.id == check_id), c.file)


def _check_result(v: Verification, r: CheckResult, rule: int, arts: _Artifacts) -> dict[str, Any]:
    c = v.contract
    file = _check_file(c, r.id)
    if r.verdict == Verdict.FAILS:
        text = f"{r.title}: fails. {r.explanation}"
    else:
        text = f"{r.title}: unknown. {r.reason or r.explanation}"
    res: dict[str, Any] = {
        "ruleId": f"whereas/check/{r.id}",
        "ruleIndex": rule,
        "level": "error" if r.verdict == Verdict.FAILS else "warning",
        "message": {"text": text},
        "locations": [arts.location(file, r.line)],
    }
    related = _clause_locations(c, r.clauses, arts)
    if related:
        res["relatedLocations"] = related
    if r.scenario is not None:
        label = "counterexample" if r.verdict == Verdict.FAILS else "scenario"
        res["codeFlows"] = [code_flow(c, r.scenario, r.timeline, f"the {label}", (file, r.line), arts)]
    res["properties"] = {"verdict": r.verdict, "kind": r.kind, "replayed": r.replayed}
    if r.reach is not None:
        res["properties"]["reach"] = r.reach.to_json()
    return res


def _finding_result(v: Verification, f: Finding, rule: int, arts: _Artifacts) -> dict[str, Any]:
    c = v.contract
    clauses = [x for x in f.clauses if x in c.clauses]
    if clauses:
        span = c.clauses[clauses[0]].head_span
        where = (span.file, span.line)
    else:
        where = (c.file, 1)
    primary = arts.location(*where)
    res: dict[str, Any] = {
        "ruleId": f"whereas/finding/{f.code}",
        "ruleIndex": rule,
        "level": "error" if f.severity == Severity.ERROR else "warning",
        "message": {"text": f.message},
        "locations": [primary],
    }
    related = _clause_locations(c, clauses, arts)
    if related:
        res["relatedLocations"] = related
    if f.scenario is not None:
        res["codeFlows"] = [code_flow(c, f.scenario, f.timeline, "the scenario", where, arts)]
    return res


def sarif_log(
    verifications: Sequence[Verification], run: RunInfo, comparison: Comparison | None = None
) -> dict[str, Any]:
    arts = _Artifacts()
    rules: list[dict[str, Any]] = []
    index: dict[str, int] = {}
    for v in verifications:
        arts.index(v.contract.file)
        arts.hashes[v.contract.file] = v.sha256
        for path in source_files(v.contract):
            arts.index(path)
        for ch in v.contract.checks:
            rid = f"whereas/check/{ch.id}"
            if rid in index:
                continue
            index[rid] = len(rules)
            rules.append(
                {
                    "id": rid,
                    "name": ch.id,
                    "shortDescription": {"text": ch.title},
                    "fullDescription": {"text": f"{ch.title} (a `{ch.mode}` check, {ch.id})"},
                    "defaultConfiguration": {"level": "error"},
                    "properties": {"tags": ["whereas-check", ch.mode]},
                }
            )
    for code, (severity, what) in FINDING_CODES.items():
        rid = f"whereas/finding/{code}"
        index[rid] = len(rules)
        rules.append(
            {
                "id": rid,
                "name": code,
                "shortDescription": {"text": what[:1].upper() + what[1:]},
                "defaultConfiguration": {"level": severity},
                "properties": {"tags": ["whereas-analysis"]},
            }
        )
    results: list[dict[str, Any]] = []
    contracts: list[dict[str, Any]] = []
    for v in verifications:
        c = v.contract
        for r in v.results:
            if r.verdict in (Verdict.FAILS, Verdict.UNKNOWN):
                results.append(_check_result(v, r, index[f"whereas/check/{r.id}"], arts))
        for f in v.findings:
            results.append(_finding_result(v, f, index[f"whereas/finding/{f.code}"], arts))
        contracts.append(
            {
                "file": c.file,
                "title": c.title,
                "effective": m.date_of(c.effective).isoformat(),
                "horizon": m.date_of(c.horizon).isoformat(),
                "bounds": {"occurrences": v.bound, "rechecked_at": None if v.bound is None else v.bound + 1},
                "summary": v.summary(),
            }
        )
    proved = [
        {"file": v.contract.file, "check": r.id, **({"reach": r.reach.to_json()} if r.reach else {})}
        for v in verifications
        for r in v.results
        if r.verdict == Verdict.HOLDS
    ]
    props: dict[str, Any] = {"whereas/contracts": contracts, "whereas/proved": proved, "python": run.python}
    if comparison is not None:
        props["whereas/what-if"] = {
            "base": comparison.base_file,
            "amendment": comparison.amendment_file,
            "checks": [{"id": i, "before": b, "after": a, "changed": ch} for i, b, a, ch in comparison.rows],
            "difference": comparison.diff_status,
        }
    internal = any(f.code == FindingCode.INTERNAL_ERROR for v in verifications for f in v.findings) or any(
        r.internal_error for v in verifications for r in v.results
    )
    return envelope(
        version=run.tool,
        rules=rules,
        results=results,
        artifacts=arts.json(),
        started=run.iso,
        successful=not internal,
        extensions=[{"name": "z3", "version": run.z3}],
        properties=props,
    )


def sarif_text(
    verifications: Sequence[Verification], run: RunInfo, comparison: Comparison | None = None
) -> str:
    return json.dumps(sarif_log(verifications, run, comparison), indent=2, ensure_ascii=False) + "\n"
