"""From diagnostics, verdicts, a timeline or a comparison to GitHub Actions
workflow commands: ``::error file=F,line=L,col=C,title=T::message``, which a
workflow shows as annotations on the lines they name.

Escaping as GitHub's toolkit does (``@actions/core``, ``command.ts``): in the
message ``%``, CR and LF become ``%25``, ``%0D``, ``%0A``; in a property also
``:`` and ``,`` (``%3A``, ``%2C``). A failing check and an error are ``error``;
an unknown check and a warning are ``warning``; a check that holds prints
nothing. The last line is a plain summary, which the log shows as it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from dsl.diagnostics import Diagnostic, sort_key, summary

if TYPE_CHECKING:
    from verifier.semantics.interpret import Timeline
    from verifier.verify.results import Verification
    from verifier.verify.whatif import Comparison


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(
    kind: str,
    text: str,
    file: str | None = None,
    line: int | None = None,
    col: int | None = None,
    end_line: int | None = None,
    end_col: int | None = None,
    title: str | None = None,
) -> str:
    """One workflow command (``kind``: error, warning or notice), with its line end."""
    props = []
    for name, value in (
        ("file", file),
        ("line", line),
        ("col", col),
        ("endLine", end_line),
        ("endColumn", end_col),
        ("title", title),
    ):
        if value is not None:
            props.append(f"{name}={escape_property(str(value))}")
    head = f"::{kind}" + (" " + ",".join(props) if props else "")
    return f"{head}::{escape_data(text)}\n"


def diagnostics(diags: Sequence[Diagnostic]) -> str:
    from verifier.report.diagnostics import message

    out = []
    for d in sorted(diags, key=sort_key):
        sp = d.span
        same_line = sp.end_line == sp.line and sp.end_col > sp.col
        out.append(
            command(
                "error" if d.is_error else "warning",
                message(d),
                file=sp.file,
                line=max(1, sp.line),
                col=max(1, sp.col),
                end_line=sp.line if same_line else None,
                end_col=sp.end_col if same_line else None,
                title=f"{d.severity}[{d.code}]",
            )
        )
    return "".join(out) + ("whereas: " + summary(list(diags)) + "\n" if diags else "whereas: no problems\n")


def unformatted(files: Sequence[str]) -> str:
    """``fmt --check``: a file that would be reformatted."""
    out = [
        command(
            "error",
            f"{f} is not formatted: run `whereas fmt --write {f}`",
            file=f,
            line=1,
            title="whereas fmt",
        )
        for f in files
    ]
    return (
        "".join(out)
        + f"whereas fmt: {len(files)} file{'s' if len(files) != 1 else ''} would be reformatted\n"
    )


def verifications(vs: Sequence[Verification]) -> str:
    """A failing check (error) or an unknown one (warning) at the check's line; each
    finding at its first clause; then each contract's summary line."""
    from verifier.verify.results import Severity, Verdict

    out = []
    for v in vs:
        c = v.contract
        for r in v.results:
            if r.verdict == Verdict.HOLDS:
                continue
            file = next((ch.span.file for ch in c.checks if ch.id == r.id), c.file)
            fails = r.verdict == Verdict.FAILS
            text = f"{r.title}: {r.verdict}. {r.explanation}" + (
                f" ({r.reason})" if r.reason and not fails else ""
            )
            out.append(
                command(
                    "error" if fails else "warning",
                    text,
                    file=file,
                    line=max(1, r.line),
                    title=f"check {r.id} {r.verdict}",
                )
            )
        for f in v.findings:
            clauses = [x for x in f.clauses if x in c.clauses]
            span = c.clauses[clauses[0]].head_span if clauses else None
            out.append(
                command(
                    "error" if f.severity == Severity.ERROR else "warning",
                    f.message,
                    file=span.file if span is not None else c.file,
                    line=span.line if span is not None else 1,
                    title=f"{f.severity}[{f.code}]",
                )
            )
        s = v.summary()
        out.append(
            f"whereas verify {c.file}: {len(v.results)} checks: {s[Verdict.HOLDS]} hold, "
            f"{s[Verdict.FAILS]} fail, {s[Verdict.UNKNOWN]} unknown; {len(v.findings)} findings\n"
        )
    return "".join(out)


def timeline(tl: Timeline, scenario_file: str) -> str:
    """Each violation of a simulated scenario, at the clause it breaks."""
    from dsl.literals import format_date

    c = tl.contract
    out = []
    for v in tl.violations:
        cl = c.clauses.get(v.clause)
        span = cl.head_span if cl is not None else None
        text = v.message or f"{v.party} breaks {v.clause}"
        out.append(
            command(
                "error",
                f"{format_date(v.day)}: {text} (scenario {scenario_file})",
                file=span.file if span is not None else c.file,
                line=span.line if span is not None else 1,
                title=f"breach by {v.party} of {v.clause}",
            )
        )
    breached = sorted({v.party for v in tl.violations})
    out.append(
        f"whereas simulate {scenario_file}: "
        + (f"in breach: {', '.join(breached)}\n" if breached else "nobody in breach\n")
    )
    return "".join(out)


def comparison(cmp: Comparison) -> str:
    """The semantic diff (an error when the versions differ, a warning when undecided),
    then the checks of the new version."""
    from verifier.verify.whatif import DiffStatus

    out = []
    if cmp.difference is not None:
        out.append(
            command(
                "error",
                f"the versions differ in {'; '.join(cmp.difference.what)}",
                file=cmp.amendment_file,
                line=1,
                title="whereas diff: the versions differ",
            )
        )
    elif cmp.diff_status != DiffStatus.NONE:
        out.append(
            command(
                "warning",
                f"{cmp.diff_status}: {cmp.diff_note}",
                file=cmp.amendment_file,
                line=1,
                title="whereas diff: undecided",
            )
        )
    changed = [i for i, _, _, ch in cmp.rows if ch]
    out.append(verifications([cmp.amended]))
    out.append(
        f"whereas diff {cmp.base_file} {cmp.amendment_file}: {cmp.diff_status}; "
        f"{len(changed)} of {len(cmp.rows)} verdicts changed\n"
    )
    return "".join(out)
