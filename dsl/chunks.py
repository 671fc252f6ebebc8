"""From a big contract's text to its surface model, parsed a run of items at a time,
each run kept for the next parse: after an edit, only the runs it touched are parsed
again (what an editor needs, a keystroke at a time, on a contract of 1,000 clauses).

How
    The text is cut before lines that start an item at their first column (``party``,
    ``kind``, ``fact``, ``event``, ``state``, ``check``, a clause heading ``§``), into
    the header and runs of at least ``RUN_LINES`` lines. The header is parsed as a file
    (start symbol ``start``), each run with the grammar's second start symbol,
    ``item_chunk``, its spans moved down by the lines before it (the builder's
    ``line_offset``), so that every span is where the whole parse puts it. A run is kept by its text and first line
    (``Kept``); a keystroke inside a line changes one run, a line added or removed
    moves the runs after it (they are parsed again).

Why it gives the whole parse
    The words that start an item are reserved everywhere (``dsl.parse.RESERVED``) and
    a clause heading starts a line, so where the whole parse starts an item at a cut,
    each run is a sequence of whole items and parses to those items. Where a cut falls
    inside an item (a clause reference at the start of a line, a line of a quotation
    that starts with ``check``), the run before it ends in the middle of that item and
    does not parse; then, as for any syntax error or a run that nests near the limit,
    ``parse`` answers None and the caller parses the whole text, which also finds the
    diagnostics. tests/dsl/test_chunks.py compares both on the shipped, generated and
    random contracts.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from typing import Any

import attrs
from lark.exceptions import UnexpectedInput

from dsl import syntax as s
from dsl.diagnostics import Diagnostic
from dsl.limits import MAX_NESTING

RUN_LINES = 40  # a run is at least this many lines (fewer, larger parses)
BIG = 64 * 1024  # characters: a smaller text is parsed whole (``dsl.parse`` keeps the last few)
MAX_KEPT = 2048  # runs kept, over every file: two 10,000-clause contracts (a run is ~10 clauses)
NEAR_LIMIT = 4  # a run this close to the nesting limit is left to the whole parse

ITEM_LINE = re.compile(r"(?:party|kind|fact|event|state|check)\b|§")
FIRST_WORD = re.compile(r"(?:\s|#[^\n]*)*contract\b")

Built = tuple[Any, int, list[Diagnostic], int, "s.Span | None"]
Build = Callable[[str, str, str, int], Built]


class Kept:
    """The runs parsed lately, by (text, first line, file); the oldest go first."""

    def __init__(self) -> None:
        self._runs: dict[tuple[str, int, str], Built] = {}
        self._lock = threading.Lock()  # an editor's server parses on more than one thread

    def get(self, key: tuple[str, int, str]) -> Built | None:
        with self._lock:
            return self._runs.get(key)

    def put(self, key: tuple[str, int, str], value: Built) -> None:
        with self._lock:
            self._runs[key] = value
            while len(self._runs) > MAX_KEPT:
                del self._runs[next(iter(self._runs))]

    def clear(self) -> None:
        with self._lock:
            self._runs.clear()


KEPT = Kept()


def cuts(lines: list[str]) -> list[int]:
    """Where the runs start: the indexes of item lines, one every ``RUN_LINES`` lines or more."""
    out: list[int] = []
    for i, line in enumerate(lines):
        if line[:1] in "pkfesc§" and line and ITEM_LINE.match(line):
            if not out or i - out[-1] >= RUN_LINES:
                out.append(i)
    return out


def parse(text: str, file: str, build: Build, kept: Kept = KEPT) -> Built | None:
    """``text`` (a contract, LF line ends) parsed a run at a time with ``build`` (``dsl.parse``'s
    parse of a text from a start symbol, after so many lines), as the whole parse would give it: the file's
    node, its depth, its literal diagnostics, how deep its parentheses nest, where it
    nests too deeply. None where that cannot be had this way: not a contract, a syntax
    error, a nesting near the limit (the caller then parses the whole text)."""
    if FIRST_WORD.match(text) is None:
        return None
    lines = text.split("\n")
    starts = cuts(lines)
    if not starts:
        return None
    bounds = list(zip(starts, starts[1:] + [len(lines)], strict=True))
    try:
        head = _run(kept, "\n".join(lines[: starts[0]]), 0, file, build, "start")
        runs = [_run(kept, "\n".join(lines[a:b]), a, file, build, "item_chunk") for a, b in bounds]
    except UnexpectedInput:
        return None
    node, head_depth, diags, parens, deep_at = head
    if not isinstance(node, s.ContractFile) or deep_at is not None:
        return None
    items = list(node.items)
    depth = head_depth
    all_diags = list(diags)
    for value, d, more, p, deep in runs:
        if deep is not None:
            return None
        items.extend(value)
        depth = max(depth, d + 1)  # a run's items are one level under the file, as in the whole parse
        all_diags.extend(more)
        parens = max(parens, p)
    if max(depth, parens) > MAX_NESTING - NEAR_LIMIT:
        return None
    h = node.header.span
    last = items[-1].span if items else h
    whole = s.Span(file, h.line, h.col, last.end_line, last.end_col)
    return attrs.evolve(node, items=tuple(items), span=whole), depth, all_diags, parens, None


def _run(kept: Kept, body: str, first: int, file: str, build: Build, start: str) -> Built:
    key = (body, first, file)
    got = kept.get(key)
    if got is None:
        node, depth, diags, parens, deep_at = build(body, file, start, first)
        got = (node, depth, list(diags), parens, deep_at)
        kept.put(key, got)
    return got
