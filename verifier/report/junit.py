"""From verdicts to JUnit XML, for CI.

One ``testsuite`` per contract (named by its file), one ``testcase`` per
check (``classname`` the contract file, ``name`` the check id):
- holds: a passing test case;
- fails: ``<failure>``, its message the explanation, its text the explanation,
  the deciding clauses and the dated scenario;
- unknown: ``<skipped>`` with the reason; except an internal error (the
  solver and the interpreter disagree), which is the tool's fault: ``<error>``.
Analysis findings are not test cases; each suite lists them in ``<system-out>``.
No ``time`` attributes: the output stays the same from run to run, but for
the run's timestamp.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from dsl.literals import format_value
from verifier.report.view import RunInfo
from verifier.verify.explain import clause_label, describe_event
from verifier.verify.results import CheckResult, Verdict, Verification
from verifier.verify.whatif import Comparison

# characters XML 1.0 cannot carry at all, even escaped
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean(text: str) -> str:
    """``text`` with the characters XML cannot carry replaced by U+FFFD."""
    return _NOT_XML.sub("\ufffd", text)


_x = clean


def _details(v: Verification, r: CheckResult) -> str:
    c = v.contract
    lines = [r.explanation]
    if r.clauses:
        lines.append("")
        lines.append("Deciding clauses:")
        lines += [f"  {clause_label(c, x)}" for x in r.clauses]
    if r.scenario is not None:
        lines.append("")
        lines.append("Scenario" + (" (replayed in the interpreter):" if r.replayed else ":"))
        lines += [f"  {describe_event(c, o)}" for o in r.scenario.events] or ["  (no events)"]
        lines += [
            f"  fact {k} = {format_value(val, c.facts[k].type if k in c.facts else None)}"
            for k, val in sorted(r.scenario.facts.items())
        ]
    if r.reason:
        lines += ["", f"Note: {r.reason}"]
    return _x("\n".join(lines))


def _is_internal(r: CheckResult) -> bool:
    return (r.reason or "").startswith("internal error")


def testsuite(v: Verification, run: RunInfo, comparison: Comparison | None = None) -> ET.Element:
    c = v.contract
    fails = sum(r.verdict == Verdict.FAILS for r in v.results)
    errors = sum(r.verdict == Verdict.UNKNOWN and _is_internal(r) for r in v.results)
    skipped = sum(r.verdict == Verdict.UNKNOWN and not _is_internal(r) for r in v.results)
    suite = ET.Element(
        "testsuite",
        {
            "name": _x(c.file),
            "tests": str(len(v.results)),
            "failures": str(fails),
            "errors": str(errors),
            "skipped": str(skipped),
            "timestamp": run.started.strftime("%Y-%m-%dT%H:%M:%S"),
        },
    )
    props = ET.SubElement(suite, "properties")
    values = [
        ("title", c.title),
        ("sha256", v.sha256),
        ("bounds.occurrences", "each check's own" if v.bound is None else str(v.bound)),
        ("bounds.rechecked_at", "-" if v.bound is None else str(v.bound + 1)),
        ("whereas", run.tool),
        ("python", run.python),
        ("z3", run.z3),
    ]
    if comparison is not None:
        values.append(("what-if.base", comparison.base_file))
        values += [(f"what-if.{i}", f"{b} -> {a}") for i, b, a, ch in comparison.rows if ch]
    for name, value in values:
        ET.SubElement(props, "property", {"name": _x(name), "value": _x(value)})
    for r in v.results:
        case = ET.SubElement(suite, "testcase", {"classname": _x(c.file), "name": r.id})
        if r.verdict == Verdict.FAILS:
            el = ET.SubElement(
                case, "failure", {"message": _x(r.explanation), "type": f"{r.kind} check fails"}
            )
            el.text = _details(v, r)
        elif r.verdict == Verdict.UNKNOWN and _is_internal(r):
            el = ET.SubElement(
                case, "error", {"message": _x(r.reason or r.explanation), "type": "internal-error"}
            )
            el.text = _details(v, r)
        elif r.verdict == Verdict.UNKNOWN:
            ET.SubElement(case, "skipped", {"message": _x(r.reason or r.explanation)})
    if v.findings:
        out = ET.SubElement(suite, "system-out")
        out.text = _x("\n".join(f"{f.severity}[{f.code}]: {f.message}" for f in v.findings))
    return suite


def junit_xml(
    verifications: Sequence[Verification], run: RunInfo, comparison: Comparison | None = None
) -> ET.Element:
    root = ET.Element("testsuites", {"name": "whereas"})
    suites = [testsuite(v, run, comparison) for v in verifications]
    for key in ("tests", "failures", "errors", "skipped"):
        root.set(key, str(sum(int(s.get(key, "0")) for s in suites)))
    root.extend(suites)
    return root


def junit_text(
    verifications: Sequence[Verification], run: RunInfo, comparison: Comparison | None = None
) -> str:
    root = junit_xml(verifications, run, comparison)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
