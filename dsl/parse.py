"""From text to the surface model (``dsl.syntax``), or to syntax diagnostics.

Design
    The grammar is LALR(1) (``grammar.lark``). ``get_parser`` builds one Lark
    parser per process, with Lark's contextual lexer, and caches its analysis
    on disk in a per-user folder (``cache=``). Nodes are built while parsing:
    the parser is given ``transformer=dsl.build.Inline(...)``, Lark's inline
    transformer mode for LALR, so each reduction calls the ``dsl.build.Builder``
    method of its rule and no parse tree is made. Only Lark's public API is
    used (``Lark``, ``Transformer``, ``Token``, its exceptions and options).
    About two thirds of a parse is Lark's lexer and LALR loop, the rest the
    builder (bench/parse_throughput.py shows both).

    A syntax error is Lark's ``UnexpectedInput``; ``parse_text`` turns it into
    a diagnostic, blanks the broken item and parses again, so that every
    broken item is reported, not only the first. Bad literals (a date like
    2024-02-30) are diagnostics the builder records; a file that nests too
    deeply for the recursive passes after the parser is one too.

    One ``Builder`` serves every parse (Lark binds the transformer when the
    parser is built), so parses take a lock: the builder holds the file name
    and the diagnostics of the parse under way.

    A big contract is parsed a run of items at a time (``dsl.chunks``, the
    grammar's second start symbol ``item_chunk``), each run kept, so that an
    editor's next keystroke parses one run again; the result is the whole
    parse's, and any run that does not parse sends the text to the whole parse,
    which finds the diagnostics.

    The module is over 500 lines because the syntax errors' words (what was
    expected, the hints) are written beside the parse that raises them: they
    read Lark's exceptions, which no other module sees.
"""

from __future__ import annotations

import os
import re
import sys
import threading
import unicodedata
from pathlib import Path
from types import FrameType
from typing import Any

from lark import Lark, Token
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from dsl import chunks
from dsl import syntax as s
from dsl.build import Builder, Inline, Item, token_span
from dsl.diagnostics import Diagnostic
from dsl.limits import MAX_DECLARATIONS, MAX_FILE_BYTES, MAX_LITERAL_DIGITS, MAX_NESTING, MAX_TEXT_CHARS

GRAMMAR = Path(__file__).with_name("grammar.lark")

# Words that start a top-level item are reserved everywhere: the contextual
# lexer would otherwise read `party` as a name wherever only a name can stand,
# and an unfinished statement would swallow the next item.
RESERVED = {
    "party": "PARTY",
    "kind": "KIND",
    "fact": "FACT",
    "event": "EVENT",
    "state": "STATE",
    "check": "CHECK",
}


def _reserve(tok: Token) -> Token:
    kw = RESERVED.get(str(tok))
    if kw is not None:
        return Token.new_borrow_pos(kw, str(tok), tok)
    return tok


# Literals too large to mean anything: each is reported (``literal-too-large``,
# ``text-too-long``) and replaced, where it was written, by a small one, so that
# no later step converts a number of thousands of digits.
_SMALL = {"INT": "0", "PERCENT": "0%", "STRING": '""'}


def _digits(text: str) -> int:
    return sum(ch.isdigit() for ch in text)


def _limit_number(tok: Token) -> Token:
    digits = _digits(tok)
    if digits <= MAX_LITERAL_DIGITS:
        return tok
    _BUILDER.diags.append(
        Diagnostic(
            "literal-too-large",
            f"this number has {digits} digits; the limit is {MAX_LITERAL_DIGITS}",
            token_span(tok, _BUILDER.file, _BUILDER.line_offset),
            expected=f"a number of at most {MAX_LITERAL_DIGITS} digits",
            hint="write the amount with a scale, like $10B, or check for a pasted run of digits",
        )
    )
    small = re.sub(r"[0-9][0-9,.]*", "0", str(tok), count=1) if tok.type == "MONEY" else _SMALL[tok.type]
    return Token.new_borrow_pos(tok.type, small, tok)


def _limit_text(tok: Token) -> Token:
    if len(tok) - 2 <= MAX_TEXT_CHARS:
        return tok
    _BUILDER.diags.append(
        Diagnostic(
            "text-too-long",
            f"this text has {len(tok) - 2:,} characters; the limit is {MAX_TEXT_CHARS:,}",
            token_span(tok, _BUILDER.file, _BUILDER.line_offset),
            hint="is its closing quote missing? Otherwise keep the full wording in a document of its own",
        )
    )
    return Token.new_borrow_pos(tok.type, _SMALL["STRING"], tok)


def _open(tok: Token) -> Token:
    _BUILDER.open_paren(token_span(tok, _BUILDER.file, _BUILDER.line_offset))
    return tok


def _close(tok: Token) -> Token:
    _BUILDER.close_paren()
    return tok


# The parser's options but its transformer. The builder's methods are written
# for them (see dsl.build): every token kept, ``None`` for each symbol of an
# absent ``[optional]`` part.
OPTIONS: dict[str, Any] = {
    "parser": "lalr",
    "lexer": "contextual",
    "keep_all_tokens": True,
    "maybe_placeholders": True,
    "lexer_callbacks": {
        "NAME": _reserve,
        "INT": _limit_number,
        "MONEY": _limit_number,
        "PERCENT": _limit_number,
        "STRING": _limit_text,
        "LPAR": _open,
        "RPAR": _close,
    },
}

# the grammar's start symbols: a whole file, and a run of a contract's items (dsl.chunks)
STARTS = ("start", "item_chunk")

_BUILDER = Builder()
_BUILDER.nesting_limit = MAX_NESTING
_lock = threading.Lock()
_parser: Lark | None = None


def _cache_path() -> str:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = os.path.join(base, "whereas")
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError:
        return ""
    return os.path.join(folder, "grammar-inline.lark.cache")


def get_parser() -> Lark:
    """The Lark parser ``parse_text`` runs (built once; its ``parse`` returns
    a ``dsl.build.Item``, not a tree)."""
    global _parser
    if _parser is None:
        options: dict[str, Any] = {**OPTIONS, "transformer": Inline(_BUILDER), "start": list(STARTS)}
        cache: str | bool = _cache_path() or False
        try:
            _parser = Lark(GRAMMAR.read_text(encoding="utf-8"), cache=cache, **options)
        except (OSError, EOFError):  # an unreadable or stale cache: build afresh
            _parser = Lark(GRAMMAR.read_text(encoding="utf-8"), **options)
    return _parser


class _Recent:
    """The last few answers of a pure function of a text, kept for a text of
    at most ``MAX_CHARS`` characters: a file is parsed again by each pass that
    needs it (the loader, ``fmt`` and its check of its own output, an editor
    asking again about a text that has not changed), and parsing is most of
    what those passes cost. What is kept is frozen (syntax nodes,
    diagnostics, tokens no one changes), so it can be handed out again."""

    SIZE = 4
    MAX_CHARS = 128 * 1024

    def __init__(self) -> None:
        self._kept: dict[tuple[str, str], Any] = {}

    def get(self, key: tuple[str, str]) -> Any:
        got = self._kept.pop(key, None)
        if got is not None:
            self._kept[key] = got  # the most recent last
        return got

    def put(self, key: tuple[str, str], value: Any) -> None:
        if len(key[0]) > self.MAX_CHARS:
            return
        self._kept[key] = value
        while len(self._kept) > self.SIZE:
            del self._kept[next(iter(self._kept))]


_recent_parses = _Recent()
_recent_tokens = _Recent()


def tokens(text: str) -> list[Token]:
    """The tokens the parser reads in ``text`` (comments and blanks aside), in
    order, as its contextual lexer reads them: a word is a keyword only where
    the grammar takes that keyword. ``text`` is to parse without error."""
    with _lock:
        kept: tuple[Token, ...] | None = _recent_tokens.get((text, ""))
        if kept is None:
            _BUILDER.reset("<tokens>")  # the nodes built meanwhile are dropped
            kept = tuple(get_parser().parse_interactive(text, start="start").iter_parse())
            _recent_tokens.put((text, ""), kept)
        return list(kept)


def _build(
    text: str, file: str, start: str = "start", line_offset: int = 0
) -> tuple[Any, int, list[Diagnostic], int, s.Span | None]:
    """Parse ``text`` into syntax nodes: the start symbol's value, the depth
    of the tree, the literal diagnostics, how deeply parentheses nest, and
    where the file first nests deeper than ``MAX_NESTING`` (either way).
    ``start``: one of ``STARTS``; ``line_offset``: lines before ``text`` in its
    file (a run of items, ``dsl.chunks``). Raises Lark's UnexpectedInput on a
    syntax error (its line is then ``text``'s own)."""
    parser = get_parser()
    with _lock:
        _BUILDER.reset(file, line_offset)
        item: Item = parser.parse(text, start=start)  # type: ignore[assignment]  # Lark types it as a Tree
        value, _, depth = item
        return value, depth, _BUILDER.diags, _BUILDER.max_parens, _BUILDER.deep_at


def _stack_depth() -> int:
    depth = 0
    frame: FrameType | None = sys._getframe(1)
    while frame is not None:
        depth += 1
        frame = frame.f_back
    return depth


# How deep a file may nest. Nodes used to be made from Lark's tree by Lark's
# recursive Transformer, two frames per level of the tree: a tree too deep for
# the recursion limit was reported as nested too deeply, which also keeps the
# recursive passes after the parser (checker, formatter) within the limit.
# Building nodes while parsing needs no recursion; the limit is kept, counted
# the same way (the depth of the tree Lark would build, see dsl.build), at any
# depth of the caller's stack.
_FRAMES_PER_LEVEL = 2
_FRAMES_AROUND = 12


def _too_deep(depth: int) -> bool:
    return _FRAMES_PER_LEVEL * depth + _stack_depth() + _FRAMES_AROUND > sys.getrecursionlimit()


# ----------------------------------------------------------------- syntax errors

_WORDS = {
    "NAME": "a name",
    "DATE": "a date like 2024-06-01",
    "STRING": 'a quoted text like "..."',
    "MONEY": "an amount like $10B",
    "INT": "a number",
    "PERCENT": "a percentage like 50%",
    "DURATION_UNIT": "days, weeks, months or years",
    "CLAUSE_HEAD": "a clause heading like `§2 Exclusivity [F2]`",
    "CLAUSE_REF": "a clause reference like §2.1",
    "COMPARE": "a comparison (==, !=, <, <=, >, >=)",
    "ADDOP": "+ or -",
    "MODE": "possible, always or never",
    "DECL_KIND": "party, kind, fact, event or state",
    "CURRENCY_CODE": "a currency code (USD, EUR, GBP, CHF)",
    "LPAR": "(",
    "RPAR": ")",
    "COLON": ":",
    "COMMA": ",",
    "DOT": ".",
    "EQUAL": "=",
    "VBAR": "|",
    "STAR": "*",
    "MINUS": "-",
    "$END": "the end of the file",
}


def describe_terminal(name: str) -> str:
    if name in _WORDS:
        return _WORDS[name]
    return "`" + name.lower() + "`"


def describe_expected(names: set[str]) -> str:
    words = sorted({describe_terminal(n) for n in names if not n.startswith("__")})
    if len(words) > 8:
        keywords = [w for w in words if w.startswith("`")]
        others = [w for w in words if not w.startswith("`")]
        words = others + keywords[: max(0, 8 - len(others))] + ["..."]
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " or " + words[-1]


_HINTS: dict[str, str] = {
    "STRING": 'texts are written in double quotes: "..."',
    "CLAUSE_REF": "clauses are referred to by their number, like §2.1",
    "DATE": "dates are written YYYY-MM-DD",
}

_ITEM_START = re.compile(
    r"^(party|kind|fact|event|state|check|add|replace|remove|§|[0-9]{4}-[0-9]{2}-[0-9]{2})\b|^§"
)


def _syntax_diag(err: UnexpectedInput, file: str, text: str) -> Diagnostic:
    if isinstance(err, UnexpectedToken) and err.token.type == "$END" or isinstance(err, UnexpectedEOF):
        # lines as an editor counts them: str.splitlines would also break at \f, \x1c, \x85 ...
        lines = re.split(r"\r\n|\r|\n", text.rstrip(" \t\r\n"))
        line = len(lines)
        col = len(lines[-1]) + 1
        expected = describe_expected(set(getattr(err, "expected", set()) or set()))
        return Diagnostic(
            "syntax-unexpected-end",
            "the file ends in the middle of a statement",
            s.Span(file, line, col, line, col),  # just past the last character: still inside the file
            expected=expected or None,
            found="the end of the file",
            hint="finish the statement, or remove the unfinished line",
        )
    if isinstance(err, UnexpectedToken):
        tok = err.token
        expected_names = set(err.accepts or err.expected)
        expected = describe_expected(expected_names)
        found = f"`{tok}`" if tok.type != "$END" else "the end of the file"
        if tok.type in _WORDS and tok.type not in ("LPAR", "RPAR", "COLON", "COMMA"):
            found = f"{_WORDS[tok.type]} `{tok}`"
        hint = next((_HINTS[n] for n in sorted(expected_names) if n in _HINTS), None)
        if hint is None and tok.type == "NAME" and expected_names & {"MUST", "MAY", "HAS"}:
            hint = "a statement reads `Party must|must not|may|has power to Event(...)`"
        if hint is None and "COLON" in expected_names:
            hint = 'a check reads `check "title": [given ...] possible|always|never ...`'
        return Diagnostic(
            "syntax-unexpected-token",
            f"unexpected {found}",
            token_span(tok, file),
            expected=expected or None,
            found=found,
            hint=hint,
        )
    assert isinstance(err, UnexpectedCharacters)
    pos = err.pos_in_stream or 0
    ch = text[pos] if pos < len(text) else ""
    allowed = set(err.allowed or ())
    hint = None
    if ch == '"':
        hint = "is the closing quote of this text missing?"
    elif ch == "'":
        hint = 'texts are written in double quotes: "..."'
    elif ch == "§" or "CLAUSE_REF" in allowed:
        hint = "a clause is written `§2 Title` and referred to as §2"
    shown = repr(ch)
    if not ch.isprintable() or unicodedata.category(ch) in ("Cf", "Zs"):
        # invisible in the quoted line: say which character it is
        name = unicodedata.name(ch, "")
        shown = f"U+{ord(ch):04X}" + (f" ({name.lower()})" if name else "")
        if ch == "\ufeff":
            hint = "a second byte order mark, or one inside the file: delete it (an editor may show nothing there)"
        elif unicodedata.category(ch) == "Zs":
            hint = "a space that is not an ordinary space (pasted from a document?): retype it"
        else:
            hint = "an invisible character: delete it, or retype the line"
    return Diagnostic(
        "syntax-unexpected-char",
        f"unexpected character {shown}",
        s.Span(file, err.line, err.column, err.line, err.column + 1),
        expected=describe_expected(allowed) or None,
        found=shown,
        hint=hint,
    )


def normalize(text: str) -> str:
    """``text`` as the parser reads it: every line ending (CRLF, or a lone CR
    as old Macs wrote) made LF, so that lines count as an editor counts them.
    It can be applied any number of times. A byte order mark is the file's,
    not the text's: ``dsl.load.read_source`` drops it once, where the file's
    content comes in, so a second one is a character like any other."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def too_large(size: int, file: str) -> Diagnostic:
    """The diagnostic of a file of ``size`` bytes, over ``MAX_FILE_BYTES``."""
    return Diagnostic(
        "file-too-large",
        f"{file} is {size:,} bytes; the limit is {MAX_FILE_BYTES:,} bytes ({MAX_FILE_BYTES // 2**20} MiB)",
        s.Span(file, 1, 1, 1, 1),
        hint="split the contract, or check that this is the file you meant",
    )


def _count_items(node: s.SourceFile) -> tuple[int, s.Span]:
    """How many top-level items ``node`` has, and where the first one over the limit is."""
    items: tuple[Any, ...]
    if isinstance(node, s.ContractFile):
        items = node.items
    elif isinstance(node, s.ScenarioFile):
        items = tuple(sorted(node.facts + node.events, key=lambda x: (x.span.line, x.span.col)))  # type: ignore[operator]
    else:
        items = node.changes
    at = items[MAX_DECLARATIONS].span if len(items) > MAX_DECLARATIONS else node.span
    return len(items), at


def parse_text(
    text: str, file: str = "<input>", chunked: bool | None = None
) -> tuple[s.SourceFile | None, list[Diagnostic]]:
    """Parse one file. On syntax errors, blank out the broken item and go on,
    so that every broken item is reported, not only the first. Line endings
    are read as ``normalize`` says; diagnostics place themselves in the lines
    it makes. ``text`` is text, not a file's bytes: a leading U+FEFF is a
    character (``dsl.load.read_source`` drops a file's byte order mark).
    A contract of ``dsl.chunks.BIG`` characters or more is parsed a run of items
    at a time, the runs kept for the next parse (the result is the same);
    ``chunked`` forces that way (True, where it can be had) or the other (False),
    and then nothing kept from an earlier parse of the whole text is used."""
    # Parsing allocates one object per token and node and frees none of them
    # until the end, so the cyclic collector only re-scans them (a third of the
    # time on a 1 MB file). The library leaves the collector alone; the command
    # line, which owns its process, pauses it while it loads
    # (``verifier.cli.common.collector_paused``).
    if len(text) > MAX_FILE_BYTES // 4 and len(text.encode("utf-8", "surrogatepass")) > MAX_FILE_BYTES:
        return None, [too_large(len(text.encode("utf-8", "surrogatepass")), file)]
    text = normalize(text)
    if chunked is not None:
        node, diags = _parse_text(text, file, chunked)
        return node, diags
    with _lock:
        kept: tuple[s.SourceFile | None, tuple[Diagnostic, ...]] | None = _recent_parses.get((text, file))
    if kept is None:
        node, diags = _parse_text(text, file, len(text) >= chunks.BIG)
        kept = (node, tuple(diags))
        with _lock:
            _recent_parses.put((text, file), kept)
    return kept[0], list(kept[1])


def _parse_text(text: str, file: str, chunked: bool = False) -> tuple[s.SourceFile | None, list[Diagnostic]]:
    if chunked:
        got = chunks.parse(text, file, _build)
        if got is not None:
            node, depth, literal_diags, parens, deep_at = got
            return _finish(node, max(depth, parens), deep_at, literal_diags, file)
    diags: list[Diagnostic] = []
    lines = text.split("\n")
    for _ in range(50):
        current = "\n".join(lines)
        try:
            # once a syntax error is found the result is None whatever the
            # rest holds: the later rounds only look for further syntax errors
            node, depth, literal_diags, parens, deep_at = _build(current, file)
            depth = max(depth, parens)
        except UnexpectedInput as err:
            diags.append(_syntax_diag(err, file, current))
            line = getattr(err, "line", None)
            if not isinstance(line, int) or line < 1 or isinstance(err, UnexpectedEOF):
                break
            if isinstance(err, UnexpectedToken) and err.token.type == "$END":
                break
            start = line - 1
            col = getattr(err, "column", 0)
            at_item = _ITEM_START.match(lines[start]) is not None and col == 1
            if at_item:
                # the error is the start of the next item: the item before it is unfinished
                stop = start
                start -= 1
            else:
                stop = line
            while start > 0 and not _ITEM_START.match(lines[start]):
                start -= 1
            if start == 0:
                break  # the header itself is broken: nothing to anchor on
            while not at_item and stop < len(lines) and not _ITEM_START.match(lines[stop]):
                stop += 1
            for i in range(start, stop):
                lines[i] = ""
            continue
        if diags:
            return None, diags
        return _finish(node, depth, deep_at, literal_diags, file)
    return None, diags


def _finish(
    node: Any, depth: int, deep_at: s.Span | None, literal_diags: list[Diagnostic], file: str
) -> tuple[s.SourceFile | None, list[Diagnostic]]:
    """A file parsed without a syntax error: refused if it nests too deeply or has
    too many items, else the file and its literal diagnostics."""
    if depth > MAX_NESTING or _too_deep(depth):
        return None, [
            Diagnostic(
                "nesting-too-deep",
                f"this nests {depth} levels deep; the limit is {MAX_NESTING}",
                deep_at or s.Span(file, 1, 1, 1, 1),
                hint="split long conditions into facts or states, or use fewer parentheses",
            )
        ]
    count, at = _count_items(node)
    if count > MAX_DECLARATIONS:
        return None, [
            Diagnostic(
                "too-many-declarations",
                f"this file has {count:,} items; the limit is {MAX_DECLARATIONS:,}",
                at,
                hint="split the contract into several files",
            )
        ]
    return node, list(literal_diags)
