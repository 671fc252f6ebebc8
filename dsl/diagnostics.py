"""Diagnostics as data: what the writer got wrong, where, and how to fix it.

Every problem found in user input becomes a ``Diagnostic`` with a stable code
registered in ``CODES``; rendering to text or JSON happens at the edge. Python
exceptions are reserved for our own bugs.
"""

from __future__ import annotations

from typing import Any

import attrs

from dsl.syntax import Span

# code -> (severity, one-line summary). The summary is what `docs/language.md`
# lists; each diagnostic's message is specific to the occurrence.
CODES: dict[str, tuple[str, str]] = {
    # input
    "file-not-found": ("error", "the file does not exist"),
    "not-a-file": ("error", "the path is a directory or not a regular file"),
    "binary-file": ("error", "the file is not text"),
    "bad-encoding": ("error", "the file is not valid UTF-8"),
    "empty-file": ("error", "the file has no content"),
    # limits (dsl.limits)
    "file-too-large": ("error", "a file larger than the front end reads (4 MiB)"),
    "literal-too-large": ("error", "a number, amount or percentage of more than 100 digits"),
    "text-too-long": ("error", "a quoted text of more than 100,000 characters"),
    "nesting-too-deep": ("error", "constructs nested more than 200 levels deep"),
    "too-many-declarations": ("error", "a file of more than 100,000 items"),
    # syntax
    "syntax-unexpected-token": ("error", "a word or symbol that cannot stand here"),
    "syntax-unexpected-char": ("error", "a character the language does not use"),
    "syntax-unexpected-end": ("error", "the file ends in the middle of a statement"),
    "bad-literal": ("error", "a date, amount or number that is not valid"),
    "bad-clause-head": ("error", "a clause heading that is not `§N Title [F1, ...]`"),
    # names
    "undefined-name": ("error", "a name that is not declared"),
    "duplicate-name": ("error", "a name declared twice"),
    "wrong-kind": ("error", "a name of the wrong kind (an event where a state is expected, ...)"),
    "undefined-clause": ("error", "a reference to a clause that does not exist"),
    "undefined-argument": ("error", "an event argument the event does not have"),
    "missing-argument": ("error", "a scenario event without a value for every argument"),
    # types
    "type-mismatch": ("error", "values of incompatible types combined or compared"),
    "not-a-member": ("error", "a value that is not a member of the expected kind"),
    "unsupported": ("error", "a construct the semantics does not support"),
    # structure
    "exception-cycle": ("error", "exceptions or priorities that form a cycle"),
    "exception-mismatch": ("error", "an exception about another act or party than the clause it excepts"),
    "bad-priority": ("error", "a priority over a clause that is not a sibling exception"),
    "missing-window": ("error", "an obligation without a deadline, or a window without a trigger"),
    "wrong-actor": ("error", "an event performed by someone the declaration does not allow"),
    "out-of-period": ("error", "a date before the effective date or after the horizon"),
    "bad-horizon": ("error", "a horizon before the effective date"),
    "empty-clause": ("error", "a clause with no statement"),
    # amendments and scenarios
    "amend-missing-target": ("error", "an amendment that changes something that is not there"),
    "amend-exists": ("error", "an amendment that adds something already there"),
    "wrong-contract": ("error", "an amendment or scenario written for another contract"),
    "wrong-file-kind": ("error", "a scenario or amendment where a contract is expected, or the reverse"),
    # warnings
    "unused-declaration": ("warning", "a declaration nothing refers to"),
    "unused-binding": ("warning", "a pattern variable that is bound but never used"),
    "no-horizon": ("warning", "no horizon: scenarios are explored for 10 years"),
}


@attrs.frozen
class Label:
    """A secondary location that explains the primary one ("first declared here")."""

    span: Span
    message: str


@attrs.frozen
class Diagnostic:
    code: str
    message: str
    span: Span
    hint: str | None = None
    expected: str | None = None
    found: str | None = None
    labels: tuple[Label, ...] = ()

    @property
    def severity(self) -> str:
        return CODES[self.code][0]

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "file": self.span.file,
            "line": self.span.line,
            "col": self.span.col,
            "end_line": self.span.end_line,
            "end_col": self.span.end_col,
            "expected": self.expected,
            "found": self.found,
            "hint": self.hint,
            "labels": [
                {"file": lb.span.file, "line": lb.span.line, "col": lb.span.col, "message": lb.message}
                for lb in self.labels
            ],
        }


def sort_key(d: Diagnostic) -> tuple[str, int, int, str]:
    return (d.span.file, d.span.line, d.span.col, d.code)


class Sources:
    """The text of every file read, so diagnostics can quote their lines."""

    def __init__(self) -> None:
        self._lines: dict[str, list[str]] = {}

    def add(self, name: str, text: str) -> None:
        # only "\n" ends a line, as for the parser (splitlines would also break
        # at form feeds and U+2028 and shift every line after them)
        # (a lone CR ends a line too, as dsl.parse.normalize has it; the text
        # is as dsl.load.read_source gives it, without the file's BOM)
        self._lines[name] = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")

    def line(self, name: str, lineno: int) -> str | None:
        lines = self._lines.get(name)
        if lines is None or not 1 <= lineno <= len(lines):
            return None
        return lines[lineno - 1]


def render(d: Diagnostic, sources: Sources) -> str:
    """``file:line:col: error[code]: message`` then the line, a caret, and the help."""
    out = [f"{d.span}: {d.severity}[{d.code}]: {d.message}"]
    out.extend(_quote(d.span, sources, ""))
    for lb in d.labels:
        out.append(f"  note: {lb.message} ({lb.span})")
        out.extend(_quote(lb.span, sources, ""))
    if d.expected is not None:
        out.append(f"  expected: {d.expected}")
    if d.found is not None:
        out.append(f"  found:    {d.found}")
    if d.hint is not None:
        out.append(f"  hint: {d.hint}")
    return "\n".join(out)


def _quote(span: Span, sources: Sources, indent: str) -> list[str]:
    text = sources.line(span.file, span.line)
    if text is None:
        return []
    text = text.expandtabs(4) if "\t" not in text[: max(span.col - 1, 0)] else text
    width = 1
    if span.end_line == span.line and span.end_col > span.col:
        width = span.end_col - span.col
    gutter = f"{span.line:>4} | "
    return [
        f"{indent}{gutter}{text}",
        f"{indent}{' ' * (len(gutter) - 2)}| {' ' * (span.col - 1)}{'^' * width}",
    ]


def summary(diags: list[Diagnostic]) -> str:
    errors = sum(1 for d in diags if d.is_error)
    warnings = len(diags) - errors
    return f"{errors} error{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''}"
