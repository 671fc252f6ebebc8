"""From a simulated timeline (``whereas simulate``) to SARIF 2.1.0 and JUnit XML.

SARIF: a result per violation (level ``error``, rule ``whereas/clause/<id>``),
at the head of the clause that is broken, its message the dated violation and
the scenario file; the timeline's events as a code flow. JUnit: one suite for
the scenario, a test case per party ("no breach by P"), failing with that
party's violations. Both carry the run's time (``verifier.clock``).
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import Any

from dsl.literals import format_date
from verifier.clock import run_started
from verifier.report.junit import clean
from verifier.report.sarif_log import envelope, uri
from verifier.semantics.interpret import Timeline, Violation
from verifier.verify.explain import describe_event


def _text(v: Violation) -> str:
    return f"{format_date(v.day)}: {v.message or f'{v.party} breaks {v.clause}'}"


def sarif_log(tl: Timeline, scenario_file: str) -> dict[str, Any]:
    from verifier import __version__

    c = tl.contract
    files = list(dict.fromkeys([scenario_file, c.file]))
    ids = list(dict.fromkeys(v.clause for v in tl.violations))
    rules = [
        {
            "id": f"whereas/clause/{cid}",
            "name": cid,
            "shortDescription": {"text": f"{cid} {c.clauses[cid].title}" if cid in c.clauses else cid},
        }
        for cid in ids
    ]
    results = []
    for v in tl.violations:
        cl = c.clauses.get(v.clause)
        file, line = (cl.head_span.file, cl.head_span.line) if cl is not None else (c.file, 1)
        if file not in files:
            files.append(file)
        res: dict[str, Any] = {
            "ruleId": f"whereas/clause/{v.clause}",
            "ruleIndex": ids.index(v.clause),
            "level": "error",
            "message": {"text": f"{_text(v)} (scenario {scenario_file})"},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": uri(file), "index": files.index(file)},
                        "region": {"startLine": max(1, line)},
                    }
                }
            ],
            "properties": {"party": v.party, "kind": v.kind, "date": format_date(v.day)},
        }
        results.append(res)
    return envelope(
        version=__version__,
        rules=rules,
        results=results,
        artifacts=[{"location": {"uri": uri(f)}} for f in files],
        started=run_started().strftime("%Y-%m-%dT%H:%M:%SZ"),
        properties={
            "whereas/scenario": {"title": tl.scenario.title, "file": scenario_file},
            "whereas/events": [describe_event(c, r.occ) for r in tl.events],
        },
    )


def junit_xml(tl: Timeline, scenario_file: str) -> ET.Element:
    c = tl.contract
    suite = ET.Element(
        "testsuite",
        {"name": clean(scenario_file), "timestamp": run_started().strftime("%Y-%m-%dT%H:%M:%S")},
    )
    failures = 0
    for party in c.parties:
        case = ET.SubElement(
            suite, "testcase", {"classname": clean(scenario_file), "name": clean(f"no breach by {party}")}
        )
        mine = [v for v in tl.violations if v.party == party]
        if mine:
            failures += 1
            el = ET.SubElement(case, "failure", {"message": clean(_text(mine[0])), "type": "breach"})
            el.text = clean("\n".join(_text(v) for v in mine))
    for key, value in (("tests", len(c.parties)), ("failures", failures), ("errors", 0), ("skipped", 0)):
        suite.set(key, str(value))
    root = ET.Element("testsuites", {"name": "whereas"})
    for key in ("tests", "failures", "errors", "skipped"):
        root.set(key, suite.get(key, "0"))
    root.append(suite)
    return root


def document(fmt: str, tl: Timeline, scenario_file: str) -> str:
    """The ``sarif`` or ``junit`` document of a simulation."""
    if fmt == "sarif":
        return json.dumps(sarif_log(tl, scenario_file), indent=2, ensure_ascii=False) + "\n"
    root = junit_xml(tl, scenario_file)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
