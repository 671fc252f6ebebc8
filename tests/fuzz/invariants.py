"""From one input (bytes, with the file name it pretends to have) to the
broken invariants it shows, if any: what the fuzz harness checks.

1. No exception escapes the loader (``dsl.load``: read, parse, check, amend,
   scenario loading; the public functions, given the content).
2. Every diagnostic about the input lies inside it: line and column (start
   and end) within the file as an editor counts lines, whatever the line
   endings (LF, CRLF, lone CR) and a leading BOM (not a column).
3. When the input parses cleanly, ``dsl.format.format_source``'s output
   parses, formats to itself, keeps every comment (the same texts, each with
   the same top-level item: a declaration, clause, check, scenario line or
   amendment change, or the file's header or end), and loads to the same
   checked model (or scenario) with the same diagnostics (codes and
   messages).

A ``Finding`` names its *site*: for an exception, its type and the innermost
frame of the project's code; for a broken invariant, the invariant.
"""

from __future__ import annotations

import re
import traceback
from collections import Counter
from pathlib import Path

import attrs

from dsl import syntax as s
from dsl.build import HEAD_RE
from dsl.diagnostics import Diagnostic, Sources
from dsl.format import format_source
from dsl.load import load_contract, load_scenario, read_source
from dsl.parse import parse_text, tokens
from tests import ROOT

# the names inputs pretend to have: the folders their paths are relative to
NAMES = {
    "contract": str(ROOT / "contracts" / "fuzz.contract"),
    "scenario": str(ROOT / "examples" / "scenarios" / "fuzz.scenario"),
    "amendment": str(ROOT / "examples" / "amendments" / "fuzz.amendment"),
}


@attrs.frozen
class Finding:
    site: str  # e.g. "ValueError at dsl/literals.py:120" or "fmt-comments"
    detail: str


def site_of(e: BaseException) -> str:
    frames = traceback.extract_tb(e.__traceback__)
    own = [f for f in frames if "/dsl/" in f.filename or "/verifier/" in f.filename]
    where = own[-1] if own else (frames[-1] if frames else None)
    if where is None:
        return type(e).__name__
    rel = where.filename.split(str(ROOT) + "/")[-1]
    return f"{type(e).__name__} at {rel}:{where.lineno}"


def kind_of(text: str) -> str:
    """Which file kind ``text`` reads as (by its first word), to pick its name."""
    m = re.search(r"\b(contract|scenario|amendment)\b", text[:2000])
    return m.group(1) if m else "contract"


# ----------------------------------------------------------------- positions


def editor_lines(text: str) -> list[str]:
    """The lines of ``text`` as an editor shows them: LF, CRLF and lone CR each end one."""
    if text.startswith("\ufeff"):
        text = text[1:]
    return re.split(r"\r\n|\r|\n", text)


def _inside(span: s.Span, lines: list[str]) -> bool:
    def ok(line: int, col: int) -> bool:
        return 1 <= line <= len(lines) and 1 <= col <= len(lines[line - 1]) + 1

    if not ok(span.line, span.col) or not ok(span.end_line, span.end_col):
        return False
    return (span.line, span.col) <= (span.end_line, span.end_col)


def position_findings(diags: list[Diagnostic], path: str, text: str) -> list[Finding]:
    lines = editor_lines(text)
    out = []
    for d in diags:
        for span in [d.span] + [lb.span for lb in d.labels]:
            if span.file == path and not _inside(span, lines):
                out.append(
                    Finding(
                        "position-outside-file",
                        f"{d.code} at {span.line}:{span.col}-{span.end_line}:{span.end_col}",
                    )
                )
    return out


# ----------------------------------------------------------------- loading


def load(path: str, text: str) -> tuple[str, list[Diagnostic]]:
    """The loader on ``text``: a dump of what it built (the checked model, or
    the scenario and its contract) and its diagnostics."""
    sources = Sources()
    if kind_of(text) == "scenario":
        sc, contract, diags = load_scenario(path, sources, text=text)
        return repr((sc, contract)), diags
    loaded = load_contract(path, sources, text=text)
    return repr(loaded.contract), loaded.diagnostics


def _diag_key(d: Diagnostic) -> tuple[str, str]:
    return (d.code, d.message)


# ----------------------------------------------------------------- comments


def comments(text: str) -> list[tuple[tuple[int, int], str, bool]]:
    """Every comment of a text that parses: (position, text, code before it on its line)."""
    lines = text.split("\n")
    starts = [0]
    for m in re.finditer("\n", text):
        starts.append(m.end())
    out = []

    def add(offset: int, raw: str) -> None:
        line = len([x for x in starts if x <= offset]) if len(starts) < 64 else _line_of(starts, offset)
        col = offset - starts[line - 1] + 1
        out.append(((line, col), raw.rstrip(), lines[line - 1][: col - 1].strip() != ""))

    done = 0
    for t in tokens(text):
        gap = text[done : t.start_pos or 0]
        for m in re.finditer(r"#[^\n]*", gap):
            add(done + m.start(), m.group())
        if t.type == "CLAUSE_HEAD":
            h = HEAD_RE.match(str(t))
            if h is not None and h.group("rest").startswith("#"):
                add((t.start_pos or 0) + h.start("rest"), h.group("rest"))
        done = t.end_pos or done
    for m in re.finditer(r"#[^\n]*", text[done:]):
        add(done + m.start(), m.group())
    return out


def _line_of(starts: list[int], offset: int) -> int:
    from bisect import bisect_right

    return bisect_right(starts, offset)


def _items(node: s.SourceFile, header_end: tuple[int, int]) -> list[tuple[object, s.Span]]:
    """The file's top-level items, each with a key that survives formatting
    (``header_end``: where a scenario's or amendment's header ends)."""
    seen: Counter[object] = Counter()
    out: list[tuple[object, s.Span]] = []

    def put(key: object, span: s.Span) -> None:
        seen[key] += 1
        out.append(((key, seen[key]), span))

    if isinstance(node, s.ContractFile):
        put("header", node.header.span)
        for it in node.items:
            put((s.decl_kind(it), s.decl_name(it)), it.span)
    elif isinstance(node, s.ScenarioFile):
        put("header", node.span)  # replaced below by the header's extent
        for f in node.facts:
            put(("fact", f.name), f.span)
        for e in node.events:
            put(("event", e.date, e.event), e.span)
        out.sort(key=lambda kv: (kv[1].line, kv[1].col) if kv[0] != "header" else (0, 0))
    else:
        put("header", node.span)
        for a in node.changes:
            target = (
                (s.decl_kind(a.item), s.decl_name(a.item))
                if a.item is not None
                else (a.target_kind, a.target)
            )
            put((a.action, target), a.span)
    if not isinstance(node, s.ContractFile):  # the node spans the file: its header is its first four tokens
        sp = node.span
        out[0] = (out[0][0], s.Span(sp.file, sp.line, sp.col, *header_end))
    return out


def _header_end(text: str) -> tuple[int, int]:
    """Where a scenario's or amendment's header (``scenario TITLE for PATH``,
    ``amendment TITLE to PATH``) ends: after its fourth token."""
    toks = tokens(text)
    last = toks[min(3, len(toks) - 1)]
    return (last.end_line or 1, last.end_column or 1)


def comment_map(text: str, node: s.SourceFile) -> dict[object, list[str]]:
    """Each comment's text under the item it belongs to: the item it is written
    in, else (a comment after code on its line) the item before it, else the
    item after it, else the end of the file."""
    items = _items(node, _header_end(text) if not isinstance(node, s.ContractFile) else (0, 0))
    body = items[1:]
    out: dict[object, list[str]] = {}
    for pos, raw, trailing in comments(text):
        key: object = "end"
        inside = [k for k, sp in items if (sp.line, sp.col) <= pos < (sp.end_line, sp.end_col)]
        if inside:
            key = inside[-1]  # the innermost: a scenario's or amendment's "header" spans the file
        elif trailing:
            before = [k for k, sp in items if (sp.line, sp.col) <= pos]
            key = before[-1] if before else items[0][0]
        else:
            after = [k for k, sp in items if pos < (sp.line, sp.col)]
            key = after[0] if after else ("end" if body else items[0][0])
        out.setdefault(key, []).append(raw)
    return {k: sorted(v) for k, v in out.items()}


# ----------------------------------------------------------------- all of it


def check_text(text: str, path: str | None = None) -> list[Finding]:
    """Every broken invariant of one input (see the module docstring)."""
    path = path or NAMES[kind_of(text)]
    try:
        dump, diags = load(path, text)
    except RecursionError as e:
        return [Finding(site_of(e), "RecursionError")]
    except Exception as e:  # noqa: BLE001 - any exception is a finding
        return [Finding(site_of(e), f"{type(e).__name__}: {str(e)[:200]}")]
    found = position_findings(diags, path, text)
    try:
        found += _format_findings(text, path, dump, diags)
    except RecursionError as e:
        found.append(Finding(site_of(e), "RecursionError in fmt"))
    except Exception as e:  # noqa: BLE001
        found.append(Finding(site_of(e), f"fmt: {type(e).__name__}: {str(e)[:200]}"))
    return found


def _format_findings(text: str, path: str, dump: str, diags: list[Diagnostic]) -> list[Finding]:
    clean, _ = read_source(path, Sources(), text)
    if clean is None:
        return []
    node, pdiags = parse_text(clean, path)
    if node is None or any(d.is_error for d in pdiags):
        return []
    out, _ = format_source(clean, path)
    if out is None:
        return [Finding("fmt-refuses", "the input parses but format_source gives None")]
    node2, pdiags2 = parse_text(out, path)
    if node2 is None or any(d.is_error for d in pdiags2):
        first = pdiags2[0] if pdiags2 else None
        return [Finding("fmt-output-does-not-parse", f"{first.code}: {first.message}" if first else "")]
    found: list[Finding] = []
    again, _ = format_source(out, path)
    if again != out:
        found.append(Finding("fmt-not-idempotent", ""))
    if node2 != node:
        found.append(Finding("fmt-changes-syntax", ""))
    if isinstance(node, s.ScenarioFile):
        # the layout moves a scenario's facts before its events; which line a
        # comment between them belongs to is not decided yet: same texts only
        if sorted(c[1] for c in comments(clean)) != sorted(c[1] for c in comments(out)):
            found.append(Finding("fmt-comments", "a scenario's comments changed"))
    elif comment_map(clean, node) != comment_map(out, node2):
        found.append(
            Finding("fmt-comments", f"{comment_map(clean, node)} != {comment_map(out, node2)}"[:400])
        )
    dump2, diags2 = load(path, out)
    if dump2 != dump:
        found.append(Finding("fmt-changes-meaning", "the formatted file checks to another model"))
    if sorted(map(_diag_key, diags)) != sorted(map(_diag_key, diags2)):
        a, b = Counter(map(_diag_key, diags)), Counter(map(_diag_key, diags2))
        found.append(
            Finding(
                "fmt-changes-diagnostics", f"{list((a - b).elements())[:2]} vs {list((b - a).elements())[:2]}"
            )
        )
    return found


def check_bytes(data: bytes, path: str | None = None) -> list[Finding]:
    """``check_text`` on raw bytes, as the loader would read them from a file
    (a file that is not UTF-8 is the loader's diagnostic, not a finding)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return []
    return check_text(text, path)


def corpus_dir() -> Path:
    return Path(__file__).with_name("corpus")
