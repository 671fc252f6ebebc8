"""From verdicts (``Verification``, ``Comparison``) to what a human report shows.

Everything the Markdown and HTML templates print is computed here, as plain
text and numbers: the header, each check with its deciding clauses (quoted
text, formal reading, source lines), dated timelines and their drawing, the
what-if tables and the contract's text with anchors. The templates only lay
it out and escape it.

It is over 500 lines because it is the templates' whole vocabulary: one small
class per thing a report shows, and the functions that fill them, kept in one
place so that the two templates can never show different things.
"""

from __future__ import annotations

import datetime as _dt
import platform
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

import attrs

from dsl import model as m
from dsl.literals import format_date, format_value
from dsl.scenario import Scenario
from verifier.report import svg
from verifier.report.formal import clause_reading
from verifier.report.highlight import lines_html
from verifier.semantics.interpret import MissingFact, Timeline, simulate
from verifier.verify.explain import bounds_words, coverage_words
from verifier.verify.results import (
    FINDING_CODES,
    CheckResult,
    Finding,
    FindingCode,
    Severity,
    Verdict,
    Verification,
)
from verifier.verify.whatif import Comparison, DiffStatus, RowVerdict, restrict

CLAUSE_ID = re.compile(r"§[0-9]+(?:\.[0-9]+)*[a-z]?")


@attrs.frozen
class RunInfo:
    """When and with what a report was made: the only parts of a report
    that change between two runs on the same input."""

    started: _dt.datetime
    tool: str
    python: str
    z3: str

    @classmethod
    def now(cls) -> RunInfo:
        """This run: its time is ``SOURCE_DATE_EPOCH`` if set (``verifier.clock``)."""
        from verifier import __version__
        from verifier.clock import run_started
        from verifier.smt.solver import z3_version

        return cls(run_started(), __version__, platform.python_version(), z3_version())

    @property
    def when(self) -> str:
        return self.started.strftime("%Y-%m-%d %H:%M:%S UTC")

    @property
    def iso(self) -> str:
        return self.started.strftime("%Y-%m-%dT%H:%M:%SZ")


# ----------------------------------------------------------------- pieces


@attrs.frozen
class Piece:
    """Text, linked to a clause's anchor when it names one."""

    text: str
    href: str | None = None


Line = tuple[Piece, ...]


@attrs.frozen
class SourceLine:
    number: int
    text: str
    anchor: str | None = None
    html: str = ""  # the line coloured (``verifier.report.highlight``), escaped; "" without Pygments


@attrs.frozen
class ClauseView:
    id: str
    title: str
    href: str
    quoted: tuple[str, ...]
    reading: tuple[str, ...]
    file: str
    lines: tuple[SourceLine, ...]

    @property
    def label(self) -> str:
        return f"{self.id} {self.title}".strip()

    @property
    def where(self) -> str:
        if not self.lines:
            return self.file
        a, b = self.lines[0].number, self.lines[-1].number
        return f"{self.file}, line {a}" if a == b else f"{self.file}, lines {a}–{b}"


@attrs.frozen
class Row:
    """One dated row of a scenario's timeline."""

    day: int
    date: str
    kind: str  # event | ineffective | forbidden | violation | open | state-start | state-end | end
    event: str
    by: str
    args: str
    outcome: tuple[Line, ...]

    @property
    def outcome_text(self) -> tuple[str, ...]:
        return tuple("".join(p.text for p in line) for line in self.outcome)


@attrs.frozen
class ScenarioView:
    label: str  # Witness | Counterexample | Scenario
    note: str
    rows: tuple[Row, ...]
    facts: tuple[tuple[str, str], ...]
    drawing: svg.Drawing | None


@attrs.frozen
class CheckView:
    id: str
    anchor: str
    title: str
    kind: m.Modality
    verdict: Verdict
    explanation: Line
    reason: str | None
    coverage: str | None  # how far the verdict reaches, in words (None: unknown)
    second: str | None  # cvc5's second opinion, in words (None: not asked)
    file: str
    line: int
    line_href: str | None  # the check's first line in the appendix
    written: tuple[SourceLine, ...]
    clauses: tuple[ClauseView, ...]
    scenario: ScenarioView | None


@attrs.frozen
class FindingView:
    code: FindingCode
    severity: Severity
    what: str  # the finding code's description
    message: Line
    clauses: tuple[ClauseView, ...]
    scenario: ScenarioView | None


@attrs.frozen
class Chunk:
    """A run of source lines: one clause (with its anchor), or the text between clauses."""

    anchor: str | None
    lines: tuple[SourceLine, ...]


@attrs.frozen
class SourceFile:
    path: str
    id: str  # prefix of its line anchors: "<id>-L<n>"
    chunks: tuple[Chunk, ...]
    error: str | None = None

    @property
    def lines(self) -> tuple[SourceLine, ...]:
        """All lines, each clause's anchor on its first line."""
        out: list[SourceLine] = []
        for ch in self.chunks:
            for k, ln in enumerate(ch.lines):
                out.append(attrs.evolve(ln, anchor=ch.anchor) if k == 0 and ch.anchor else ln)
        return tuple(out)


@attrs.frozen
class ContractView:
    title: str
    file: str
    sha256: str
    effective: str
    horizon: str
    bounds: str  # the run's bound in words
    summary: dict[Verdict, int]
    checks: tuple[CheckView, ...]
    findings: tuple[FindingView, ...]
    files: tuple[SourceFile, ...]


@attrs.frozen
class VerdictRow:
    id: str
    title: str
    href: str | None
    before: RowVerdict
    after: RowVerdict
    changed: bool


@attrs.frozen
class ReadingRow:
    label: str
    before: tuple[str, ...]
    after: tuple[str, ...]
    differs: bool


@attrs.frozen
class Side:
    """One version's reading of the difference scenario."""

    title: str
    rows: tuple[Row, ...]
    drawing: svg.Drawing | None


@attrs.frozen
class ComparisonView:
    base_file: str
    base_sha: str
    amendment_file: str
    amendment_sha: str
    rows: tuple[VerdictRow, ...]
    changed: int
    status: DiffStatus
    status_label: str
    note: str
    differs_in: tuple[str, ...]
    readings: tuple[ReadingRow, ...]
    sides: tuple[Side, ...]
    facts: tuple[tuple[str, str], ...]
    how: str = ""  # how the scenario's dates and amounts were chosen


@attrs.frozen
class Report:
    title: str
    run: RunInfo
    contracts: tuple[ContractView, ...]
    comparison: ComparisonView | None = None

    @property
    def summary(self) -> dict[Verdict, int]:
        out = dict.fromkeys(Verdict, 0)
        for cv in self.contracts:
            for k, n in cv.summary.items():
                out[k] += n
        return out

    @property
    def findings(self) -> int:
        return sum(len(cv.findings) for cv in self.contracts)


# ----------------------------------------------------------------- anchors and sources


def slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]+", "-", text).strip("-") or "x"


class Anchors:
    """Anchor ids for one contract's clauses and checks, unique in the report."""

    def __init__(self, c: m.Contract, prefix: str) -> None:
        self.clauses: dict[str, str] = {}
        self.checks: dict[str, str] = {}
        used: set[str] = set()

        def unique(base: str) -> str:
            name, n = base, 2
            while name in used:
                name, n = f"{base}-{n}", n + 1
            used.add(name)
            return name

        for cid in c.clauses:
            self.clauses[cid] = unique(f"{prefix}clause-{slug(cid)}")
        for ch in c.checks:
            self.checks[ch.id] = unique(f"{prefix}check-{slug(ch.id)}")
        self.files = {path: unique(f"{prefix}src{k + 1}") for k, path in enumerate(source_files(c))}
        self._unique = unique
        self._prefix = prefix

    def file_id(self, path: str) -> str:
        if path not in self.files:
            self.files[path] = self._unique(f"{self._prefix}src{len(self.files) + 1}")
        return self.files[path]

    def link(self, text: str) -> Line:
        """Split generated text so that each clause id it names links to the clause."""
        out: list[Piece] = []
        pos = 0
        for mt in CLAUSE_ID.finditer(text):
            anchor = self.clauses.get(mt.group())
            if anchor is None:
                continue
            if mt.start() > pos:
                out.append(Piece(text[pos : mt.start()]))
            out.append(Piece(mt.group(), "#" + anchor))
            pos = mt.end()
        if pos < len(text) or not out:
            out.append(Piece(text[pos:]))
        return tuple(out)


class SourceTexts:
    """The files a contract was read from, read once more for quoting."""

    def __init__(self) -> None:
        self._files: dict[str, list[str] | str] = {}
        self._html: dict[str, list[str] | None] = {}

    def lines(self, path: str) -> list[str] | str:
        """The file's lines, or why they cannot be shown."""
        if path not in self._files:
            try:
                self._files[path] = Path(path).read_text(encoding="utf-8", errors="replace").splitlines()
            except OSError as e:
                self._files[path] = f"cannot read {path}: {e.strerror}"
        return self._files[path]

    def html(self, path: str) -> list[str] | None:
        """The file's lines coloured, as HTML (None without Pygments or the file)."""
        if path not in self._html:
            got = self.lines(path)
            self._html[path] = None if isinstance(got, str) else lines_html(got)
        return self._html[path]

    def line(self, path: str, n: int) -> SourceLine:
        """Line ``n`` of a file that could be read."""
        got, coloured = self.lines(path), self.html(path)
        assert not isinstance(got, str)
        return SourceLine(n, got[n - 1], html=coloured[n - 1] if coloured is not None else "")

    def span(self, path: str, first: int, last: int) -> tuple[SourceLine, ...]:
        got = self.lines(path)
        if isinstance(got, str) or first < 1:
            return ()
        return tuple(self.line(path, n) for n in range(first, min(last, len(got)) + 1))


def source_files(c: m.Contract) -> list[str]:
    """The files a contract's text comes from: for an amended contract, the
    base contract and the amendment."""
    out: list[str] = []
    for f in [cl.span.file for cl in c.clauses.values()] + [ch.span.file for ch in c.checks] + [c.file]:
        if f and f != "<none>" and f not in out:
            out.append(f)
    return out


# ----------------------------------------------------------------- building


def clause_view(c: m.Contract, cid: str, anchors: Anchors, sources: SourceTexts) -> ClauseView:
    cl = c.clauses[cid]
    return ClauseView(
        cid,
        cl.title,
        "#" + anchors.clauses[cid],
        cl.text,
        tuple(clause_reading(cl)),
        cl.span.file,
        sources.span(cl.span.file, cl.span.line, cl.span.end_line),
    )


def _args(c: m.Contract, event: str, args: Iterable[tuple[str, m.ConstValue]]) -> str:
    ev = c.events.get(event)
    return ", ".join(f"{n}: {format_value(v, ev.param_type(n) if ev else None)}" for n, v in args)


def timeline_rows(tl: Timeline, anchors: Anchors) -> list[Row]:
    """Events with what the contract makes of them, obligation breaches on
    their last day, obligations still open at the horizon on the day they were
    set off, and state changes on the first day they count."""
    c = tl.contract
    keyed: list[tuple[tuple[int, int, int], Row]] = []
    told: set[int] = set()  # obligations open at the horizon, told on the event that set them off
    for i, r in enumerate(tl.events):
        o = r.occ
        out: list[str] = []
        kind = "event"
        if o.event in c.powered_events:
            if r.effective:
                out.append(f"effective: a power under {r.power}")
            else:
                out.append(f"ineffective: {o.actor} holds no applicable power to {o.event}")
                kind = "ineffective"
        for root, decider, value in r.decisions:
            if value == "conflict":
                out.append(f"conflict: {', '.join(decider.split(','))} disagree within {root}")
                kind = "forbidden"
            elif value == "permitted":
                out.append(
                    f"permitted by {decider}" + (f", an exception within {root}" if decider != root else "")
                )
            else:
                v = next(
                    (
                        v
                        for v in tl.violations
                        if v.occurrence == i and v.kind == "prohibition" and v.root == root
                    ),
                    None,
                )
                out.append(f"{v.message}: {v.party} violates {v.clause}" if v else f"forbidden by {decider}")
                kind = "forbidden"
        for clause, ti, j in tl.fulfilled:
            if j == i:
                out.append(f"fulfils the obligation under {clause}")
            if ti == i:
                out.append(f"sets off {clause}; fulfilled on {format_date(tl.events[j].occ.day)}")
        for v in tl.violations:
            if v.kind == "obligation" and v.occurrence == i:
                out.append(f"sets off {v.clause}; not met by {format_date(v.day)}")
        for k, (cid, start, last) in enumerate(tl.open_at_horizon):
            if start == o.day and k not in told and _sets_off(c, cid, o.event):
                out.append(f"sets off {cid}; still open at the horizon (due by {format_date(last)})")
                told.add(k)
        row = Row(
            o.day,
            format_date(o.day),
            kind,
            o.event,
            o.actor,
            _args(c, o.event, o.args),
            tuple(anchors.link(x) for x in out),
        )
        keyed.append(((o.day, 0, i), row))
    for k, v in enumerate(tl.violations):
        if v.kind != "obligation":
            continue
        why = v.message
        if v.trigger_violation is not None:
            tv = tl.violations[v.trigger_violation]
            why += f" (owed because of the violation of {tv.clause} on {format_date(tv.day)})"
        row = Row(
            v.day,
            format_date(v.day),
            "violation",
            "breach",
            v.party,
            "",
            (anchors.link(why), anchors.link(f"{v.party} violates {v.clause}")),
        )
        keyed.append(((v.day, 1, k), row))
    for k, (cid, start, last) in enumerate(tl.open_at_horizon):
        if k in told:
            continue
        owed = (
            next((n for n in c.clauses[cid].norms if n.modality == "must"), None)
            if cid in c.clauses
            else None
        )
        what = f"{owed.event} by {owed.actor}" if owed is not None else "an obligation"
        row = Row(
            start,
            format_date(start),
            "open",
            "obligation open",
            owed.actor if owed is not None else "",
            "",
            (
                anchors.link(
                    f"{what} is owed under {cid} until {format_date(last)}, after the horizon: "
                    "no breach within the bounds"
                ),
            ),
        )
        keyed.append(((start, 1, len(tl.violations)), row))
    for k, e in enumerate(tl.changes()):
        if e.state is None:
            what, kind = "the contract ends", "end"
        else:
            what, kind = (
                f"{e.state} {'starts' if e.start else 'ends'}",
                "state-start" if e.start else "state-end",
            )
        keyed.append(
            (
                (e.day, 2, k),
                Row(
                    e.day,
                    format_date(e.day),
                    kind,
                    what,
                    "",
                    "",
                    (anchors.link(f"from this day, because of {e.cause}"),),
                ),
            )
        )
    return [row for _, row in sorted(keyed, key=lambda x: x[0])]


def _sets_off(c: m.Contract, cid: str, event: str) -> bool:
    cl = c.clauses.get(cid)
    return cl is not None and any(n.trigger is not None and n.trigger.event == event for n in cl.norms)


def scenario_rows(c: m.Contract, sc: Scenario) -> list[Row]:
    """A scenario that was not replayed: its events, and nothing made of them."""
    return [
        Row(o.day, format_date(o.day), "event", o.event, o.actor, _args(c, o.event, o.args), ())
        for o in sorted(sc.events, key=lambda o: (o.day, o.seq))
    ]


def drawing(rows: Sequence[Row], tl: Timeline | None, width: int = 920) -> svg.Drawing | None:
    lanes: list[str] = []
    if tl is not None:
        for e in tl.changes():
            name = e.state if e.state is not None else "in force"
            if name not in lanes:
                lanes.append(name)

    def holds(name: str, day: int) -> bool:
        assert tl is not None
        return tl.in_force(day) if name == "in force" else tl.holds(name, day)

    entries = [
        svg.Entry(
            r.day,
            r.date,
            r.kind,
            " ".join(
                x for x in (r.event, f"by {r.by}" if r.by else "", f"({r.args})" if r.args else "") if x
            ),
            r.outcome_text,
        )
        for r in rows
    ]
    return svg.layout(entries, lanes, holds, width)


def scenario_view(
    c: m.Contract, sc: Scenario | None, tl: Timeline | None, label: str, replayed: bool, anchors: Anchors
) -> ScenarioView | None:
    if sc is None:
        return None
    rows = timeline_rows(tl, anchors) if tl is not None else scenario_rows(c, sc)
    facts = tuple(
        (k, format_value(v, c.facts[k].type if k in c.facts else None)) for k, v in sorted(sc.facts.items())
    )
    note = (
        "replayed in the reference interpreter"
        if replayed and tl is not None
        else "not replayed: shown as the solver gave it"
    )
    return ScenarioView(label, note, tuple(rows), facts, drawing(rows, tl))


def _label(r: CheckResult) -> str:
    if r.verdict == Verdict.HOLDS and r.kind == "possible":
        return "Witness"
    if r.verdict == Verdict.FAILS and r.kind in ("always", "never"):
        return "Counterexample"
    return "Scenario"


def check_view(c: m.Contract, r: CheckResult, anchors: Anchors, sources: SourceTexts) -> CheckView:
    check = next((ch for ch in c.checks if ch.id == r.id), None)
    file = check.span.file if check is not None else c.file
    written = sources.span(file, check.span.line, check.span.end_line) if check is not None else ()
    file_id = anchors.files.get(file)
    return CheckView(
        r.id,
        anchors.checks.get(r.id, f"check-{slug(r.id)}"),
        r.title,
        r.kind,
        r.verdict,
        anchors.link(r.explanation),
        r.reason,
        coverage_words(r.reach) if r.reach is not None else None,
        r.confirmation.words() if r.confirmation is not None else None,
        file,
        r.line,
        f"#{file_id}-L{r.line}" if file_id else None,
        written,
        tuple(clause_view(c, x, anchors, sources) for x in r.clauses if x in c.clauses),
        scenario_view(c, r.scenario, r.timeline, _label(r), r.replayed, anchors),
    )


def finding_view(c: m.Contract, f: Finding, anchors: Anchors, sources: SourceTexts) -> FindingView:
    return FindingView(
        f.code,
        f.severity,
        FINDING_CODES[f.code][1],
        anchors.link(f.message),
        tuple(clause_view(c, x, anchors, sources) for x in f.clauses if x in c.clauses),
        scenario_view(c, f.scenario, f.timeline, "Scenario", f.timeline is not None, anchors),
    )


def appendix(
    c: m.Contract, anchors: Anchors, sources: SourceTexts, more: Sequence[tuple[m.Clause, str]] = ()
) -> tuple[SourceFile, ...]:
    """Every file of the contract's text, cut into clauses that verdicts link
    to; ``more``: other clauses in those files (a base version an amendment
    replaced) and their anchors."""
    out = []
    paths = source_files(c)
    paths += [cl.span.file for cl, _ in more if cl.span.file not in paths]
    for path in dict.fromkeys(paths):
        got = sources.lines(path)
        if isinstance(got, str):
            out.append(SourceFile(path, anchors.file_id(path), (), got))
            continue
        clauses = [(cl, anchors.clauses[cid]) for cid, cl in c.clauses.items()] + list(more)
        starts = {cl.span.line: (cl.span.end_line, anchor) for cl, anchor in clauses if cl.span.file == path}
        chunks: list[Chunk] = []
        n = 1
        while n <= len(got):
            if n in starts:
                end, anchor = starts[n]
                end = max(n, min(end, len(got)))
            else:
                # up to the next clause's first line
                end = min([s - 1 for s in starts if s > n] + [len(got)])
                anchor = None
            chunks.append(Chunk(anchor, tuple(sources.line(path, k) for k in range(n, end + 1))))
            n = end + 1
        out.append(SourceFile(path, anchors.file_id(path), tuple(chunks)))
    return tuple(out)


def contract_view(
    v: Verification,
    prefix: str = "",
    sources: SourceTexts | None = None,
    more: Sequence[tuple[m.Clause, str]] = (),
) -> ContractView:
    c = v.contract
    sources = sources or SourceTexts()
    anchors = Anchors(c, prefix)
    return ContractView(
        c.title,
        c.file,
        v.sha256,
        format_date(c.effective),
        format_date(c.horizon),
        bounds_words(v.bound),
        v.summary(),
        tuple(check_view(c, r, anchors, sources) for r in v.results),
        tuple(finding_view(c, f, anchors, sources) for f in v.findings),
        appendix(c, anchors, sources, more),
    )


def report_view(verifications: Sequence[Verification], run: RunInfo) -> Report:
    many = len(verifications) > 1
    sources = SourceTexts()
    views = tuple(
        contract_view(v, f"c{i + 1}-" if many else "", sources) for i, v in enumerate(verifications)
    )
    title = views[0].title if len(views) == 1 else f"{len(views)} contracts"
    return Report(title, run, views)


# ----------------------------------------------------------------- what-if


def _tidy(items: Sequence[str]) -> tuple[str, ...]:
    return tuple(" ".join(x.split()) for x in items)


_STATUS = {
    DiffStatus.DIFFERENCE: "The versions differ",
    DiffStatus.NONE: "No difference",
    DiffStatus.UNKNOWN: "Unknown",
    DiffStatus.INTERNAL_ERROR: "INTERNAL ERROR",
}


def comparison_report(cmp: Comparison, run: RunInfo) -> Report:
    """A what-if: the amended contract's report with the comparison on top."""
    sources = SourceTexts()
    amended, base = cmp.amended.contract, cmp.base.contract
    anchors = Anchors(amended, "")
    # the base's clauses link to the amended text where the amendment kept them,
    # else to the base version, anchored "base-clause-..." in the appendix
    base_anchors = Anchors(base, "base-")
    replaced = []
    for cid, cl in base.clauses.items():
        now = amended.clauses.get(cid)
        if now is not None and (now.span.file, now.span.line) == (cl.span.file, cl.span.line):
            base_anchors.clauses[cid] = anchors.clauses[cid]
        else:
            replaced.append((cl, base_anchors.clauses[cid]))
    cv = contract_view(cmp.amended, "", sources, replaced)
    titles = {r.id: r.title for r in cmp.base.results}
    titles.update({r.id: r.title for r in cmp.amended.results})
    rows = tuple(
        VerdictRow(i, titles.get(i, ""), ("#" + anchors.checks[i]) if i in anchors.checks else None, b, a, ch)
        for i, b, a, ch in cmp.rows
    )
    d = cmp.difference
    readings: tuple[ReadingRow, ...] = ()
    sides: tuple[Side, ...] = ()
    facts: tuple[tuple[str, str], ...] = ()
    if d is not None:
        readings = tuple(
            ReadingRow(
                label,
                _tidy(getattr(d.before, name)),
                _tidy(getattr(d.after, name)),
                getattr(d.before, name) != getattr(d.after, name),
            )
            for label, name in (
                ("Breach by", "breach"),
                ("Violations", "violations"),
                ("Ineffective acts", "ineffective"),
                ("State changes", "changes"),
            )
        )
        if "when states hold" in d.what:  # the versions differ only in when a state holds
            readings += (ReadingRow("States holding", _tidy(d.before.held), _tidy(d.after.held), True),)
        built = []
        for title, c, a in (("Before (base)", base, base_anchors), ("After (amended)", amended, anchors)):
            try:
                tl: Timeline | None = simulate(c, restrict(d.scenario, c))
            except MissingFact:
                tl = None
            rs = timeline_rows(tl, a) if tl is not None else scenario_rows(c, restrict(d.scenario, c))
            built.append(Side(title, tuple(rs), drawing(rs, tl, width=600)))
        sides = tuple(built)
        known = {**cmp.base.contract.facts, **amended.facts}
        facts = tuple(
            (k, format_value(v, known[k].type if k in known else None))
            for k, v in sorted(d.scenario.facts.items())
        )
    view = ComparisonView(
        cmp.base_file,
        cmp.base.sha256,
        cmp.amendment_file,
        cmp.amended.sha256,
        rows,
        sum(1 for r in rows if r.changed),
        cmp.diff_status,
        _STATUS[cmp.diff_status],
        cmp.diff_note,
        d.what if d is not None else (),
        readings,
        sides,
        facts,
        d.how if d is not None else "",
    )
    return Report(cv.title, run, (cv,), view)
