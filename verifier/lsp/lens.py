"""From a check in an open document to its verdict beside it, and from an amendment to
what it changes: the code lenses.

Each check of a contract or an amendment gets a "verify" lens. Clicking it runs the
command ``whereas.verify`` with the document and the check's id: that one check is
verified (``verifier.verify.run.verify_contract(only=[id])``, the analyses left out)
within ``LIMITS`` (a deadline and Z3's resource units), and the lens then reads
``HOLDS``, ``FAILS`` or ``UNKNOWN`` with how far the verdict reaches, until the document
changes; a verdict shown by a scenario gets a second lens, "show scenario"
(``whereas.showScenario``), which writes that scenario as a scenario file and opens it.
An amendment gets a "compare with base" lens on its first line (``whereas.compare``):
both versions verified and compared as ``verify BASE --what-if AMENDMENT`` does, within
``COMPARE_LIMITS``; the lens then says how many verdicts change and whether the
versions read differently on some scenario ("show scenario" opens it).

Every run has its own ``Budget``, which the server cancels when the editor cancels
the request (``Run.cancel``). z3 is imported by the first verification, not when the
server starts.
"""

from __future__ import annotations

import os
import tempfile
import threading

import attrs
from lsprotocol import types

from dsl import model as m
from dsl.scenario import Scenario, scenario_source
from verifier.budget import Budget, Stop
from verifier.lsp.features import Document
from verifier.verify.limits import Limits

COMMAND = "whereas.verify"
SHOW = "whereas.showScenario"
COMPARE = "whereas.compare"
CANCEL = "whereas.cancel"
# one check's verification: ten seconds, and the default solver work per query
LIMITS = Limits(timeout=10.0)
# an amendment against its base: both versions and the semantic diff, thirty seconds
COMPARE_LIMITS = Limits(timeout=30.0)
_solving = threading.Lock()  # one verification at a time: the machine's cores and memory are shared

REACH_WORDS = {
    "unbounded": "every course of events",
    "bounded": "bounded",
    "scenario": "shown by a scenario",
}


@attrs.frozen
class Verdict:
    """What the lens shows for one check of one version of a document; ``scenario``:
    its witness or counterexample as the text of a scenario file, if it has one."""

    check: str
    verdict: str  # holds | fails | unknown
    reach: str  # how far it reaches, in words; the reason, for unknown
    explanation: str
    scenario: str | None = None

    @property
    def title(self) -> str:
        return f"{self.verdict.upper()} · {self.reach}" if self.reach else self.verdict.upper()

    def to_json(self) -> dict[str, str | None]:
        return {
            "check": self.check,
            "verdict": self.verdict,
            "reach": self.reach,
            "explanation": self.explanation,
            "title": self.title,
            "scenario": self.scenario,
        }


@attrs.frozen
class Changes:
    """What the "compare with base" lens shows for one version of an amendment."""

    changed: tuple[tuple[str, str, str], ...]  # check id, verdict before, verdict after
    checks: int  # how many checks were compared
    diff: str  # the semantic diff: difference | none | unknown | internal-error
    what: tuple[str, ...]  # how the versions read differently, in words
    note: str  # why the diff is none or unknown
    text: str  # the comparison as ``verify --what-if`` prints it
    scenario: str | None = None  # the scenario on which they differ, as a scenario file

    @property
    def title(self) -> str:
        n = len(self.changed)
        verdicts = "no verdict changes" if n == 0 else f"{n} of {self.checks} verdicts change"
        reading = {
            "difference": "the versions read differently on a scenario",
            "none": "no other difference",
            "unknown": "the other differences are unknown",
            "internal-error": "the comparison found an internal error",
        }.get(self.diff, self.diff)
        return f"{verdicts} · {reading}"

    def to_json(self) -> dict[str, object]:
        return {
            "changed": [{"check": i, "before": b, "after": a} for i, b, a in self.changed],
            "checks": self.checks,
            "diff": self.diff,
            "what": list(self.what),
            "note": self.note,
            "title": self.title,
            "text": self.text,
            "scenario": self.scenario,
        }


def lenses(
    doc: Document,
    verdicts: dict[str, Verdict],
    changes: Changes | None = None,
    running: set[str] | frozenset[str] = frozenset(),
) -> list[types.CodeLens]:
    """A lens on each check: "verify", or the verdict of this version, "verify again"
    and, if the verdict has one, "show scenario"; on an amendment's first line,
    "compare with base" or what the comparison of this version found. A check in
    ``running`` (the comparison: "") reads "verifying… · cancel" instead; in a file
    with errors, a check reads "fix the errors to verify" (its command says which)."""
    if doc.scan.file_kind == "scenario":
        return []
    out = []

    def lens(at: types.Range, title: str, command: str, *args: str) -> None:
        out.append(
            types.CodeLens(
                range=at, command=types.Command(title=title, command=command, arguments=list(args))
            )
        )

    if doc.scan.file_kind == "amendment" and doc.scan.tokens:
        at = doc.range_of(doc.scan.tokens[0])
        if "" in running:
            lens(at, "comparing with base… · cancel", CANCEL, doc.uri, "")
        elif doc.checked and doc.errors:
            lens(at, "fix the errors to compare with base", COMPARE, doc.uri)
        elif changes is None:
            lens(at, "compare with base", COMPARE, doc.uri)
        else:
            lens(at, f"{changes.title} · compare again", COMPARE, doc.uri)
            if changes.scenario is not None:
                lens(at, "show scenario", SHOW, doc.uri, "")
    for d in doc.scan.declarations:
        if d.kind != "check":
            continue
        got = verdicts.get(d.name)
        at = doc.range_of(d.token)
        if d.name in running:
            lens(at, "verifying… · cancel", CANCEL, doc.uri, d.name)
        elif doc.checked and doc.errors:
            lens(at, "fix the errors to verify", COMMAND, doc.uri, d.name)
        elif got is None:
            lens(at, "verify", COMMAND, doc.uri, d.name)
        else:
            lens(at, f"{got.title} · verify again", COMMAND, doc.uri, d.name)
            if got.scenario is not None:
                lens(at, "show scenario", SHOW, doc.uri, d.name)
    return out


class Run:
    """One verification the server runs for a lens: its budget, which ``cancel``
    stops from the server's thread while the solver works in another."""

    def __init__(self, limits: Limits) -> None:
        self.budget: Budget = limits.budget()

    def cancel(self) -> None:
        self.budget.cancel()


def scenario_for(doc: Document, sc: Scenario, c: m.Contract, title: str) -> str | None:
    """A witness as a scenario file for ``doc``'s file (a contract, or an amendment: the
    contract as amended); None for a document not saved in a file."""
    if doc.path is None:
        return None
    return scenario_source(sc, c, os.path.abspath(doc.path), title)


def verify_check(doc: Document, check: str, run: Run | None = None) -> Verdict:
    """One check of a checked document (``doc.contract``), verified within ``run``'s budget."""
    from verifier.verify.run import verify_contract

    c = doc.contract
    assert c is not None
    run = run if run is not None else Run(LIMITS)
    with _solving:
        try:
            v = verify_contract(c, only=[check], analyses=False, budget=run.budget)
        except Exception:
            # canceled while Z3 was doing something else than solving (building a
            # term, reading a model): it says "canceled" by raising; the run is over
            if not run.budget.canceled:
                raise
            return Verdict(check, "unknown", run.budget.reason(Stop.TIME, "check"), "")
    r = v.results[0]
    if r.reach is not None and r.verdict != "unknown":
        reach = REACH_WORDS.get(str(r.reach.coverage), str(r.reach.coverage))
    else:
        reach = r.reason or ""
    scenario = None
    if r.scenario is not None and r.verdict != "unknown":
        scenario = scenario_for(doc, r.scenario, c, f"{r.id}: {str(r.verdict).upper()}: {r.title}")
    return Verdict(r.id, str(r.verdict), reach, r.explanation, scenario)


def compare_with_base(doc: Document, base: m.Contract, run: Run | None = None) -> Changes:
    """An amendment (``doc.contract``, the contract as amended) against ``base``, the
    contract it names, within ``run``'s budget."""
    from verifier.report.text import comparison_text
    from verifier.verify.whatif import compare

    amended = doc.contract
    assert amended is not None
    run = run if run is not None else Run(COMPARE_LIMITS)
    with _solving:
        try:
            cmp = compare(base, amended, amendment_file=doc.name, budget=run.budget)
        except Exception:
            if not run.budget.canceled:  # as in ``verify_check``
                raise
            why = run.budget.reason(Stop.TIME, "comparison")
            return Changes((), 0, "unknown", (), why, why)
    changed = tuple((i, str(b), str(a)) for i, b, a, ch in cmp.rows if ch)
    d = cmp.difference
    scenario = None
    if d is not None:
        on_amended = all(o.event in amended.events for o in d.scenario.events)
        title = f"{doc.name}: the versions read differently ({'; '.join(d.what)})"
        if on_amended:
            scenario = scenario_for(doc, d.scenario, amended, title)
        elif os.path.exists(base.file):
            scenario = scenario_source(d.scenario, base, os.path.abspath(base.file), title)
    return Changes(
        changed,
        len(cmp.rows),
        str(cmp.diff_status),
        d.what if d is not None else (),
        cmp.diff_note,
        comparison_text(cmp, full=False),
        scenario,
    )


class Shown:
    """Where the scenarios the lenses open are written: a folder of this server's own
    under the system's temporary folder, never beside the user's files."""

    def __init__(self) -> None:
        self._dir: str | None = None

    def write(self, name: str, text: str) -> str:
        if self._dir is None:
            self._dir = tempfile.mkdtemp(prefix="whereas-lsp-")
        safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in name) or "scenario"
        path = os.path.join(self._dir, f"{safe}.scenario")
        tmp = path + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
        return path
