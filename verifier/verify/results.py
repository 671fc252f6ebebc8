"""From the solver's answers to results: the verdict of each check, the analyses' findings,
and a contract's verification as a whole (its summary and exit code).
"""

from __future__ import annotations

import attrs

from dsl import model as m
from dsl.scenario import Scenario
from verifier.semantics.interpret import Timeline

DEFAULT_BOUND = 2


@attrs.frozen
class CheckResult:
    id: str
    title: str
    kind: str  # possible | always | never
    verdict: str  # holds | fails | unknown
    explanation: str
    clauses: tuple[str, ...]
    scenario: Scenario | None
    replayed: bool
    reason: str | None
    line: int
    timeline: Timeline | None = None
    seconds: float = 0.0


@attrs.frozen
class Finding:
    code: str
    severity: str
    message: str
    clauses: tuple[str, ...]
    scenario: Scenario | None = None
    timeline: Timeline | None = None


@attrs.frozen
class Verification:
    contract: m.Contract
    sha256: str
    bound: int
    results: tuple[CheckResult, ...]
    findings: tuple[Finding, ...]
    seconds: float = 0.0

    def summary(self) -> dict[str, int]:
        out = {"holds": 0, "fails": 0, "unknown": 0}
        for r in self.results:
            out[r.verdict] += 1
        return out


FINDING_CODES = {
    "conflict": ("error", "two exceptions of equal priority disagree on one act"),
    "dead-clause": ("warning", "a clause that can never apply to anything"),
    "power-never-effective": ("warning", "a power that can never be exercised effectively"),
    "unfulfillable-obligation": ("warning", "an obligation that can never be fulfilled"),
    "internal-error": ("error", "the solver and the interpreter disagree"),
}


def exit_code(v: Verification) -> int:
    s = v.summary()
    if s["fails"]:
        return 1
    if s["unknown"] or any(f.code == "internal-error" for f in v.findings):
        return 3
    return 0
