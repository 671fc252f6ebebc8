"""From diagnostics (what is wrong with the input) to the machine documents every
command prints on bad input, and ``whereas check`` always: the ``whereas.check/1``
JSON document, SARIF 2.1.0 and JUnit XML.

SARIF: one run, a rule per diagnostic code (``whereas/diagnostic/<code>``, each
code of ``dsl.diagnostics.CODES``), a result per diagnostic at its exact region,
its hint and expectation in the message, its labels as related locations.
JUnit: a test case per input file (``check``), failing when the file has
errors, the rendered diagnostics as its text. Both carry the run's time
(``verifier.clock``: ``SOURCE_DATE_EPOCH`` fixes it); nothing here imports z3.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from typing import Any

from dsl.diagnostics import CODES, Diagnostic, Sources, render, sort_key
from verifier.clock import run_started
from verifier.report.sarif_log import envelope, uri

DOCUMENTS = ("json", "sarif", "junit")


def check_json(diags: Sequence[Diagnostic]) -> dict[str, Any]:
    """The ``whereas.check/1`` document (``verifier/report/schemas/check.schema.json``)."""
    ds = sorted(diags, key=sort_key)
    return {
        "schema": "whereas.check/1",
        "diagnostics": [d.to_json() for d in ds],
        "summary": {"errors": sum(d.is_error for d in ds), "warnings": sum(not d.is_error for d in ds)},
    }


def message(d: Diagnostic) -> str:
    """The diagnostic's message with what was expected and the hint, on one line each."""
    parts = [d.message]
    if d.expected is not None:
        parts.append(f"expected: {d.expected}")
    if d.found is not None:
        parts.append(f"found: {d.found}")
    if d.hint is not None:
        parts.append(f"hint: {d.hint}")
    return "\n".join(parts)


def _region(d: Diagnostic) -> dict[str, int]:
    sp = d.span
    region = {"startLine": max(1, sp.line), "startColumn": max(1, sp.col)}
    if (sp.end_line, sp.end_col) > (sp.line, sp.col):
        region["endLine"] = max(1, sp.end_line)
        region["endColumn"] = max(1, sp.end_col)
    return region


def sarif_log(diags: Sequence[Diagnostic], files: Sequence[str] = ()) -> dict[str, Any]:
    from verifier import __version__

    ds = sorted(diags, key=sort_key)
    names = list(dict.fromkeys([*files, *(d.span.file for d in ds)]))
    index = {f: i for i, f in enumerate(names)}
    codes = list(CODES)
    rules = [
        {
            "id": f"whereas/diagnostic/{code}",
            "name": code,
            "shortDescription": {"text": what[:1].upper() + what[1:]},
            "defaultConfiguration": {"level": severity},
        }
        for code, (severity, what) in CODES.items()
    ]
    results = []
    for d in ds:
        res: dict[str, Any] = {
            "ruleId": f"whereas/diagnostic/{d.code}",
            "ruleIndex": codes.index(d.code),
            "level": d.severity,
            "message": {"text": message(d)},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": uri(d.span.file), "index": index[d.span.file]},
                        "region": _region(d),
                    }
                }
            ],
        }
        related = [
            {
                "id": k + 1,
                "physicalLocation": {
                    "artifactLocation": {"uri": uri(lb.span.file)},
                    "region": {"startLine": max(1, lb.span.line), "startColumn": max(1, lb.span.col)},
                },
                "message": {"text": lb.message},
            }
            for k, lb in enumerate(d.labels)
        ]
        if related:
            res["relatedLocations"] = related
        results.append(res)
    return envelope(
        version=__version__,
        rules=rules,
        results=results,
        artifacts=[{"location": {"uri": uri(f)}} for f in names],
        started=run_started().strftime("%Y-%m-%dT%H:%M:%SZ"),
    )


def junit_xml(diags: Sequence[Diagnostic], sources: Sources, files: Sequence[str] = ()) -> ET.Element:
    from verifier.report.junit import clean

    ds = sorted(diags, key=sort_key)
    names = list(dict.fromkeys([*files, *(d.span.file for d in ds)]))
    failures = 0
    suite = ET.Element("testsuite", {"name": "whereas check"})
    for f in names:
        mine = [d for d in ds if d.span.file == f]
        case = ET.SubElement(suite, "testcase", {"classname": clean(f), "name": "check"})
        errors = [d for d in mine if d.is_error]
        if errors:
            failures += 1
            first = errors[0]
            el = ET.SubElement(
                case,
                "failure",
                {"message": clean(f"{first.span}: {first.message}"), "type": first.code},
            )
            el.text = clean("\n\n".join(render(d, sources) for d in mine))
        elif mine:
            out = ET.SubElement(case, "system-out")
            out.text = clean("\n\n".join(render(d, sources) for d in mine))
    suite.set("tests", str(len(names)))
    suite.set("failures", str(failures))
    suite.set("errors", "0")
    suite.set("skipped", "0")
    suite.set("timestamp", run_started().strftime("%Y-%m-%dT%H:%M:%S"))
    root = ET.Element("testsuites", {"name": "whereas"})
    for key in ("tests", "failures", "errors", "skipped"):
        root.set(key, suite.get(key, "0"))
    root.append(suite)
    return root


def document(fmt: str, diags: Sequence[Diagnostic], sources: Sources, files: Sequence[str] = ()) -> str:
    """The ``json``, ``sarif`` or ``junit`` document of ``diags`` (``files``: every input,
    also those without a diagnostic)."""
    if fmt == "json":
        return json.dumps(check_json(diags), indent=2, ensure_ascii=False) + "\n"
    if fmt == "sarif":
        return json.dumps(sarif_log(diags, files), indent=2, ensure_ascii=False) + "\n"
    root = junit_xml(diags, sources, files)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
