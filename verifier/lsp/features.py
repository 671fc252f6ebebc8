"""From an open document to what the editor shows: diagnostics, the outline, hover texts,
definitions, references and formatting edits, as lsprotocol values.

A ``Document`` is one version of one file: its text (``verifier.lsp.positions``), its
words and declarations (``verifier.lsp.scan``, which reads broken text too) and, once
``check`` has run, what the front end made of it (``dsl.load``: diagnostics and the
checked contract, for the formal reading of a clause). Nothing here calls the solver.
A scenario or an amendment is read with the contract it names (``for "..."``,
``to "..."``): the names it uses are declared there, and definitions and references
reach into that file (as an open document if the editor has it open, else from disk).
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable, Iterable
from fractions import Fraction

from lsprotocol import types
from pygls import uris

from dsl import model as m
from dsl.diagnostics import Diagnostic, Sources
from dsl.format import format_source
from dsl.limits import MAX_FILE_BYTES
from dsl.literals import (
    LiteralError,
    format_money,
    format_percent,
    parse_date,
    parse_duration,
    parse_money,
    parse_percent,
)
from dsl.load import load_contract, load_scenario, read_source, resolve_relative
from dsl.syntax import Span
from verifier.lsp.positions import BOM, UTF16, Text
from verifier.lsp.scan import KEYWORDS, Declaration, Scan, Token
from verifier.report.formal import clause_reading

EXTENSIONS = {".contract": "contract", ".scenario": "scenario", ".amendment": "amendment"}
SOURCE = "whereas"
FIRST_WORD = re.compile(r"(?:\s|#[^\n]*)*([A-Za-z_]+)")

SYMBOL_KINDS = {
    "party": types.SymbolKind.Class,
    "body": types.SymbolKind.Field,
    "kind": types.SymbolKind.Enum,
    "member": types.SymbolKind.EnumMember,
    "fact": types.SymbolKind.Constant,
    "event": types.SymbolKind.Event,
    "state": types.SymbolKind.Boolean,
    "clause": types.SymbolKind.Module,
    "check": types.SymbolKind.Function,
}

# what a hover calls each kind of declaration
KIND_WORDS = {
    "party": "party",
    "body": "body",
    "kind": "kind",
    "member": "member",
    "fact": "fact",
    "event": "event",
    "state": "state",
    "clause": "clause",
    "check": "check",
}


class Document:
    """One version of an open file. ``uri`` names it to the editor; ``path`` is its file
    on disk (None for an unsaved buffer), ``name`` what its diagnostics call it."""

    def __init__(self, uri: str, raw: str, version: int | None = None, encoding: str = UTF16) -> None:
        self.uri = uri
        self.version = version
        self.path = _fs_path(uri)
        ext = os.path.splitext(self.path or uri)[1]
        self.kind = EXTENSIONS.get(ext, "contract")
        self.name = self.path if self.path is not None else f"<{self.kind}>"
        self.source = Text(raw, encoding)
        # a text larger than the front end reads (its diagnostic says so) is not scanned
        # either: navigation in it would cost seconds an edit at a time
        self.too_large = len(self.source.text.encode("utf-8", "surrogatepass")) > MAX_FILE_BYTES
        self.contract: m.Contract | None = None  # the checked contract, once checked
        self.checked = False
        self.errors = False  # whether ``check`` found an error

    @functools.cached_property
    def scan(self) -> Scan:
        """The words and declarations, read when first asked for (diagnostics need
        none of them: a change on a big contract is checked without them)."""
        return Scan("" if self.too_large else self.source.text)

    @property
    def base_path(self) -> str | None:
        """The contract a scenario or an amendment names, as a path."""
        if self.scan.names_file is None:
            return None
        return resolve_relative(self.name, self.scan.names_file)

    # ------------------------------------------------------------- diagnostics

    def check(self) -> list[types.Diagnostic]:
        """The front end's diagnostics of this text (never the solver's), as LSP's."""
        sources = Sources()
        text = self.source.text
        diags: list[Diagnostic]
        if self.kind == "scenario" or _first_word(text) == "scenario":
            _, contract, diags = load_scenario(self.name, sources, text=text)
        else:
            loaded = load_contract(self.name, sources, text=text)
            contract, diags = loaded.contract, loaded.diagnostics
        self.contract, self.checked = contract, True
        self.errors = any(d.is_error for d in diags)
        return [self._diagnostic(d) for d in diags]

    def _diagnostic(self, d: Diagnostic) -> types.Diagnostic:
        message = d.message
        here = d.span.file == self.name
        if not here:  # in the contract a scenario or amendment names: said at its head
            message = f"{d.span}: {message}"
        lines = [message]
        if d.expected is not None:
            lines.append(f"expected: {d.expected}")
        if d.found is not None:
            lines.append(f"found: {d.found}")
        if d.hint is not None:
            lines.append(f"hint: {d.hint}")
        related = [
            types.DiagnosticRelatedInformation(location=self._location(lb.span), message=lb.message)
            for lb in d.labels
        ]
        span = d.span if here else _head(self)
        return types.Diagnostic(
            range=self.source.range(span),
            message="\n".join(lines),
            severity=types.DiagnosticSeverity.Error if d.is_error else types.DiagnosticSeverity.Warning,
            code=d.code,
            source=SOURCE,
            related_information=related or None,
        )

    def _location(self, span: Span) -> types.Location:
        if span.file == self.name:
            return types.Location(uri=self.uri, range=self.source.range(span))
        other = _read_text(span.file, self.source.encoding)
        uri = uris.from_fs_path(os.path.abspath(span.file)) or span.file
        if other is None:
            start = types.Position(line=max(span.line - 1, 0), character=max(span.col - 1, 0))
            return types.Location(uri=uri, range=types.Range(start=start, end=start))
        return types.Location(uri=uri, range=other.range(span))

    # ------------------------------------------------------------- words

    def range_of(self, t: Token) -> types.Range:
        return types.Range(
            start=self.source.position(t.line, t.col), end=self.source.position(t.end_line, t.end_col)
        )

    def location_of(self, t: Token) -> types.Location:
        return types.Location(uri=self.uri, range=self.range_of(t))

    def token_at(self, pos: types.Position) -> Token | None:
        line, col = self.source.line_col(pos)
        return self.scan.token_at(line, col)


def _first_word(text: str) -> str:
    """The first word of a text, past blank lines and comments."""
    found = FIRST_WORD.match(text)
    return found.group(1) if found is not None else ""


def _fs_path(uri: str) -> str | None:
    if not uri.startswith("file:"):
        return None
    return uris.to_fs_path(uri)


def _head(doc: Document) -> Span:
    first = doc.scan.tokens[0] if doc.scan.tokens else None
    if first is None:
        return Span(doc.name, 1, 1, 1, 1)
    return Span(doc.name, first.line, first.col, first.end_line, first.end_col)


def _read_text(path: str, encoding: str) -> Text | None:
    text, _ = read_source(path, Sources())
    return None if text is None else Text(text, encoding)


# ----------------------------------------------------------------- the outline


def symbols(doc: Document) -> list[types.DocumentSymbol]:
    """Parties (with their bodies), kinds (with their members), facts, events, states,
    clauses (``§2.1 Oracle waiver``) and checks, in the order they are written."""
    out: list[types.DocumentSymbol] = []
    children: list[types.DocumentSymbol] = []
    for d in doc.scan.declarations:
        whole = types.Range(
            start=doc.source.position(d.token.line, 1),
            end=doc.source.position(d.end.end_line, d.end.end_col),
        )
        name = f"{d.name} {d.detail}".strip() if d.kind == "clause" else d.name
        detail = d.detail if d.kind == "check" else KIND_WORDS[d.kind]
        sym = types.DocumentSymbol(
            name=name,
            kind=SYMBOL_KINDS[d.kind],
            range=whole,
            selection_range=doc.range_of(d.token),
            detail=detail,
        )
        if d.kind in ("member", "body") and out:
            children.append(sym)
            continue
        _adopt(out, children)
        out.append(sym)
    _adopt(out, children)
    return out


def _adopt(out: list[types.DocumentSymbol], children: list[types.DocumentSymbol]) -> None:
    """Give the last symbol the members or bodies declared with it."""
    if out and children:
        out[-1].children = list(children)
    children.clear()


# ----------------------------------------------------------------- names across files


class Index:
    """The declarations a document's words can name: its own and, for a scenario or an
    amendment, those of the contract it names. ``lookup(path)`` gives an open document
    of that path, if the editor has one."""

    def __init__(self, doc: Document, lookup: Callable[[str], Document | None]) -> None:
        self.doc = doc
        self.docs = [doc]
        base = doc.base_path
        if base is not None:
            other = lookup(base)
            if other is None:
                text, _ = read_source(base, Sources())
                if text is not None:
                    uri = uris.from_fs_path(os.path.abspath(base)) or base
                    other = Document(uri, text, encoding=doc.source.encoding)
            if other is not None:
                self.docs.append(other)

    def declarations(self, name: str) -> list[tuple[Document, Declaration]]:
        return [(d, x) for d in self.docs for x in d.scan.declarations if x.name == name]

    def uses(self, name: str, more: Iterable[Document] = ()) -> list[types.Location]:
        seen: set[str] = set()
        out: list[types.Location] = []
        for d in [*self.docs, *more]:
            if d.uri in seen:
                continue
            seen.add(d.uri)
            out += [d.location_of(t) for t in d.scan.uses(name)]
        return out


def definition(index: Index, pos: types.Position) -> list[types.Location]:
    t = index.doc.token_at(pos)
    key = index.doc.scan.key(t) if t is not None else None
    if key is None:
        return []
    return [d.location_of(x.token) for d, x in index.declarations(key)]


def references(
    index: Index, pos: types.Position, include_declaration: bool, more: Iterable[Document] = ()
) -> list[types.Location]:
    """Every word that names the declaration under the cursor, in this document, the
    contract it names and ``more`` (the open documents that name this one)."""
    t = index.doc.token_at(pos)
    key = index.doc.scan.key(t) if t is not None else None
    if key is None or not index.declarations(key):
        return []
    found = index.uses(key, more)
    if include_declaration:
        return found
    decls = {
        (d.uri, d.range_of(x.token).start.line, d.range_of(x.token).start.character)
        for d, x in index.declarations(key)
    }
    return [loc for loc in found if (loc.uri, loc.range.start.line, loc.range.start.character) not in decls]


# ----------------------------------------------------------------- rename and quick fixes

NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
CLAUSE_RE = re.compile(r"§[0-9]+(?:\.[0-9]+)*[a-z]?")
SUGGESTION = re.compile(r"did you mean `([^`]+)`\?")


def renameable(index: Index, pos: types.Position) -> tuple[Token, str] | None:
    """The word under the cursor and the declared name it spells, if it spells one."""
    t = index.doc.token_at(pos)
    key = index.doc.scan.key(t) if t is not None else None
    if t is None or key is None or not index.declarations(key):
        return None
    return t, key


def rename(
    index: Index, pos: types.Position, new_name: str, more: Iterable[Document] = ()
) -> types.WorkspaceEdit | str:
    """Every word that spells the declared name under the cursor, renamed (in the places
    ``references`` finds); or why not, in words."""
    found = renameable(index, pos)
    if found is None:
        return "there is no declared name or clause id here to rename"
    _, key = found
    pattern = CLAUSE_RE if key.startswith("§") else NAME_RE
    if not pattern.fullmatch(new_name):
        what = "a clause id such as §2.1" if key.startswith("§") else "a name: letters, digits and _"
        return f"`{new_name}` cannot be {what}"
    if new_name in KEYWORDS:
        return f"`{new_name}` is a keyword of the language"
    if new_name != key and index.declarations(new_name):
        return f"`{new_name}` is declared already"
    changes: dict[str, list[types.TextEdit]] = {}
    for loc in index.uses(key, more):
        changes.setdefault(loc.uri, []).append(types.TextEdit(range=loc.range, new_text=new_name))
    return types.WorkspaceEdit(changes=changes)


def quick_fixes(index: Index, diagnostics: Iterable[types.Diagnostic]) -> list[types.CodeAction]:
    """For each of our diagnostics whose hint says "did you mean `X`?": the edit that
    writes X for the undeclared word it is about."""
    doc = index.doc
    out = []
    for d in diagnostics:
        if d.source != SOURCE:
            continue
        m_ = SUGGESTION.search(d.message)
        if m_ is None:
            continue
        start, end = doc.source.line_col(d.range.start), doc.source.line_col(d.range.end)
        for t in doc.scan.tokens:
            key = doc.scan.key(t)
            if key is None or (t.line, t.col) < start or (t.end_line, t.end_col) > end:
                continue
            if index.declarations(key):
                continue
            out.append(
                types.CodeAction(
                    title=f"Change `{t.text}` to `{m_.group(1)}`",
                    kind=types.CodeActionKind.QuickFix,
                    diagnostics=[d],
                    is_preferred=True,
                    edit=types.WorkspaceEdit(
                        changes={doc.uri: [types.TextEdit(range=doc.range_of(t), new_text=m_.group(1))]}
                    ),
                )
            )
            break
    return out


# ----------------------------------------------------------------- hover
# ----------------------------------------------------------------- hover


def hover(index: Index, pos: types.Position) -> types.Hover | None:
    doc = index.doc
    t = doc.token_at(pos)
    if t is None:
        return None
    text: str | None
    if t.kind in ("money", "date", "percent", "duration", "int"):
        text = literal_text(t)
    elif t.kind == "clause":
        text = clause_text(index, doc.scan.key(t) or "")
    elif t.kind == "name":
        text = name_text(index, t.text)
    else:
        text = None
    if text is None:
        return None
    return types.Hover(
        contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text), range=doc.range_of(t)
    )


def literal_text(t: Token) -> str | None:
    """A literal's exact value: an amount in full with its currency, a date with its weekday."""
    try:
        if t.kind == "money":
            v = parse_money(t.text)
            whole, cents = divmod(abs(v.cents), 100)
            sign = "-" if v.cents < 0 else ""
            return f"`{t.text}`: {sign}{whole:,}.{cents:02d} {v.currency} (read as {format_money(v)})"
        if t.kind == "date":
            d = parse_date(t.text)
            return f"`{t.text}`: {d.strftime('%A')} {d.day} {d.strftime('%B')} {d.year}"
        if t.kind == "percent":
            p = parse_percent(t.text)
            return f"`{t.text}`: {_fraction(p)} (read as {format_percent(p)})"
        if t.kind == "duration":
            dur = parse_duration(" ".join(t.text.split()))
            exact = {"day": "days", "week": "weeks"}.get(dur.unit)
            if exact is None:
                return f"`{t.text}`: {dur.amount} calendar {dur.unit}{'s' if dur.amount != 1 else ''}"
            days = dur.amount * (7 if dur.unit == "week" else 1)
            return f"`{t.text}`: {days} day{'s' if days != 1 else ''}"
        return f"`{t.text}`: {int(t.text.replace(',', ''))}"
    except (LiteralError, ValueError, OverflowError) as e:
        return f"`{t.text}` is not a valid literal: {e}"


def _fraction(p: Fraction) -> str:
    return str(p.numerator) if p.denominator == 1 else f"{p.numerator}/{p.denominator}"


def clause_text(index: Index, cid: str) -> str | None:
    """A clause's title and facts, its quoted text and, once the file checks, its formal
    reading (``verifier.report.formal``)."""
    contract = index.doc.contract
    cl = contract.clauses.get(cid) if contract is not None else None
    if cl is not None:
        head = f"**{cl.id} {cl.title}**" + (f" [{', '.join(cl.facts)}]" if cl.facts else "")
        parts = [head]
        parts += ["> " + " ".join(t.split()) for t in cl.text]
        reading = clause_reading(cl)
        if reading:
            parts.append("Formal reading:\n\n```\n" + "\n".join(reading) + "\n```")
        return "\n\n".join(parts)
    found = index.declarations(cid)
    if not found:
        return None
    d, x = found[0]
    return f"**{x.name} {x.detail}**\n\n```whereas\n{d.scan.item_source(x)}\n```"


def name_text(index: Index, name: str) -> str | None:
    """A name's declarations, as written."""
    parts = []
    for d, x in index.declarations(name):
        source = d.scan.item_source(x)
        what = KIND_WORDS[x.kind]
        if x.kind == "member":
            what = f"member of kind `{x.detail}`"
        elif x.kind == "body":
            what = f"body of party `{x.detail}`"
        where = "" if d is index.doc else f" (in {os.path.basename(d.name)})"
        parts.append(f"{what} `{name}`{where}\n\n```whereas\n{source}\n```")
    return "\n\n".join(parts) if parts else None


# ----------------------------------------------------------------- formatting


def formatting(doc: Document) -> list[types.TextEdit] | None:
    """The whole document in ``whereas fmt``'s layout, as one edit, keeping the file's
    line endings and byte order mark; no edit when it is formatted already; None when
    it does not parse cleanly (the diagnostics say why)."""
    if doc.too_large:
        return None
    out, _ = format_source(doc.source.text, doc.name)
    if out is None:
        return None
    if "\r\n" in doc.source.raw:
        out = out.replace("\n", "\r\n")
    if doc.source.bom:
        out = BOM + out
    if out == doc.source.raw:
        return []
    whole = types.Range(start=types.Position(line=0, character=0), end=doc.source.end())
    return [types.TextEdit(range=whole, new_text=out)]


__all__ = [
    "Document",
    "Index",
    "definition",
    "formatting",
    "hover",
    "references",
    "symbols",
]
