"""From the solver's answers to results: the verdict of each check, the analyses' findings,
and a contract's verification as a whole (its summary and exit code).
"""

from __future__ import annotations

import enum

import attrs

from dsl import model as m
from dsl.scenario import Scenario
from verifier.budget import Stop
from verifier.semantics.interpret import Timeline
from verifier.smt.outcome import Confirmation

DEFAULT_BOUND = 2


class Verdict(enum.StrEnum):
    """A check's answer. The members are the strings the reports print (``str``,
    ``format`` and ``json`` give the value), so ``r.verdict == "holds"`` still works."""

    HOLDS = "holds"
    FAILS = "fails"
    UNKNOWN = "unknown"  # the solver gave up, or an internal error (see the result's reason)


class Coverage(enum.StrEnum):
    """How far a verdict reaches (docs/semantics.md §14)."""

    UNBOUNDED = "unbounded"  # proved for every course of events: the bound solved at suffices
    BOUNDED = "bounded"  # only courses of events with at most so many occurrences of each event
    SCENARIO = "scenario"  # answered by a concrete scenario, exact whatever the bound


@attrs.frozen
class Reach:
    """A verdict's coverage: how far it reaches, the occurrences of each event the
    solver was given (``per_event``, or one number for every event), and why
    that is enough, or what was not covered, in words."""

    coverage: Coverage
    per_event: tuple[tuple[str, int], ...] = ()
    every_event: int | None = None  # the same number for every event (a fixed bound)
    why: str = ""

    def to_json(self) -> dict[str, object]:
        """As ``verify --format json`` and SARIF give it: ``coverage``, the
        ``occurrences`` solved at (event -> number, or one number for all), ``why``."""
        occ: object = self.every_event if self.every_event is not None else dict(self.per_event)
        return {"coverage": self.coverage.value, "occurrences": occ, "why": self.why}

    def occurrences(self) -> str:
        """``at most 1 BuyCompute and 2 DeclareAGI``, or ``at most 2 occurrences of each event``."""
        if self.every_event is not None:
            return (
                f"at most {self.every_event} occurrence{'s' if self.every_event != 1 else ''} of each event"
            )
        from verifier.reduce.bounds import counted

        return f"at most {counted(self.per_event)}" if self.per_event else "no event at all"


class Severity(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"


class FindingCode(enum.StrEnum):
    """What a built-in analysis found (``FINDING_CODES`` says each one's severity and meaning)."""

    CONFLICT = "conflict"
    DEAD_CLAUSE = "dead-clause"
    POWER_NEVER_EFFECTIVE = "power-never-effective"
    UNFULFILLABLE_OBLIGATION = "unfulfillable-obligation"
    INTERNAL_ERROR = "internal-error"


@attrs.frozen
class CheckResult:
    id: str
    title: str
    kind: m.Modality  # the check's: possible | always | never
    verdict: Verdict
    explanation: str
    clauses: tuple[str, ...]
    scenario: Scenario | None
    replayed: bool
    reason: str | None
    line: int
    timeline: Timeline | None = None
    seconds: float = 0.0
    stop: Stop | None = None  # unknown because a limit stopped it: which (the reason says it in words)
    internal_error: bool = False  # unknown because of a bug of ours (the solver and the interpreter disagree)
    reach: Reach | None = None  # how far the verdict reaches (None: unknown)
    confirmation: Confirmation | None = None  # cvc5's second opinion, with ``--confirm``


@attrs.frozen
class Finding:
    code: FindingCode
    severity: Severity
    message: str
    clauses: tuple[str, ...]
    scenario: Scenario | None = None
    timeline: Timeline | None = None


@attrs.frozen
class Unfinished:
    """Analyses a limit stopped: ``what`` (e.g. "the analyses of §3 and 12 more
    clauses"), the limit, and the reason in words. A run with any is exit 3."""

    what: str
    stop: Stop
    reason: str
    clauses: tuple[str, ...] = ()


@attrs.frozen
class Verification:
    contract: m.Contract
    sha256: str
    bound: int | None  # the fixed bound asked for, or None: each check's own (docs/semantics.md §14)
    results: tuple[CheckResult, ...]
    findings: tuple[Finding, ...]
    seconds: float = 0.0
    unfinished: tuple[Unfinished, ...] = ()  # analyses a limit stopped (see ``Unfinished``)
    analyses_seconds: float = 0.0  # of ``seconds``, the built-in analyses' part

    def summary(self) -> dict[Verdict, int]:
        """How many checks have each verdict, every verdict a key (in the order holds, fails, unknown)."""
        out = dict.fromkeys(Verdict, 0)
        for r in self.results:
            out[r.verdict] += 1
        return out


FINDING_CODES: dict[FindingCode, tuple[Severity, str]] = {
    FindingCode.CONFLICT: (Severity.ERROR, "two exceptions of equal priority disagree on one act"),
    FindingCode.DEAD_CLAUSE: (Severity.WARNING, "a clause that can never apply to anything"),
    FindingCode.POWER_NEVER_EFFECTIVE: (Severity.WARNING, "a power that can never be exercised effectively"),
    FindingCode.UNFULFILLABLE_OBLIGATION: (Severity.WARNING, "an obligation that can never be fulfilled"),
    FindingCode.INTERNAL_ERROR: (Severity.ERROR, "the solver and the interpreter disagree"),
}


def exit_code(v: Verification, strict: bool = False) -> int:
    """The command's exit code for one run: 4 an internal error (first: the
    other verdicts may be wrong too), 1 a check fails or a finding of severity
    error (a conflict) was made, or with ``strict`` any finding, 3 something
    unknown."""
    s = v.summary()
    if any(r.internal_error for r in v.results) or any(
        f.code == FindingCode.INTERNAL_ERROR for f in v.findings
    ):
        return 4
    if s[Verdict.FAILS] or any(f.severity == Severity.ERROR or strict for f in v.findings):
        return 1
    if s[Verdict.UNKNOWN] or v.unfinished:
        return 3
    return 0
