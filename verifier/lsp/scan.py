"""From a file's text, however broken, to its words and declarations: what the editor
navigates by.

The parser stops at the first syntax error, and an editor's file is broken most of the
time it is being written; so names, clause ids and literals are found here by a small
scanner that reads any text (comments and quoted texts skipped, the title of a clause
heading kept apart). Declarations are recognised by their keywords (``party NAME``,
``kind NAME ... = A | B``, ``event NAME``, a ``§N Title`` heading at the start of a line,
``check NAME``), and every other word that spells a declared name is a use of it.
That is by spelling: a pattern variable named like a declaration would count as a use.

Positions are the parser's: 1-based lines and columns in code points, of the text as
``dsl.parse.normalize`` gives it; ``verifier.lsp.positions`` converts them for LSP.
"""

from __future__ import annotations

import re
from bisect import bisect_right

import attrs

from dsl.build import HEAD_RE, slug
from dsl.literals import unquote

_TOKEN = re.compile(
    r"""
    (?P<comment>\#[^\n]*)
  | (?P<string>"(?:[^"\\\n]|\\.|\n)*"|“[^”]*”)
  | (?P<clause>§[ \t]*[0-9]+(?:\.[0-9]+)*[a-z]?)
  | (?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2})
  | (?P<money>(?:US\$|\$|€|£|(?:USD|EUR|GBP|CHF)[ ]?)[0-9]+(?:,[0-9]+)*(?:\.[0-9]+)?(?:K|M|B|T|bn|k)?)
  | (?P<percent>[0-9]+(?:\.[0-9]+)?%)
  | (?P<duration>[0-9]+(?:,[0-9]+)*[ \t]+(?:days?|weeks?|months?|years?)\b)
  | (?P<int>[0-9]+(?:,[0-9]+)*)
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<space>\s+)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)

# the kinds of declaration a keyword introduces
DECL_KEYWORDS = {"party": "party", "kind": "kind", "fact": "fact", "event": "event", "state": "state"}
# the language's words (docs/language.md), for completion and to refuse them as new names
KEYWORDS = tuple(
    (
        "contract effective horizon currency party with body bodies kind fact event by anyone state holds "
        "from until text exception to prevailing over while survives termination must not may has power "
        "within days weeks months years before after on when where ends starts the violation of breach "
        "check given possible always never and or implies true false effective scenario for amendment "
        "add replace remove money date int percent duration bool min max floor ceil"
    ).split()
)
ITEM_STARTS = frozenset({"party", "kind", "fact", "event", "state", "check", "add", "replace", "remove"})


@attrs.frozen
class Token:
    """A word of the text: ``kind`` is name, clause, string, date, money, percent,
    duration, int, title (a clause heading's title and facts) or other (punctuation)."""

    kind: str
    text: str
    line: int
    col: int
    end_line: int
    end_col: int
    offset: int


@attrs.frozen
class Declaration:
    """A declared name: ``kind`` is party, body, kind, member, fact, event, state, clause
    or check; ``token`` is where its name is written, ``end`` the last token of the item
    that declares it; ``detail`` the clause's title, the kind of a member, the party of
    a body, the type of a fact."""

    name: str
    kind: str
    token: Token
    end: Token
    detail: str = ""


def clause_key(text: str) -> str:
    """A clause id as the checker spells it: ``§ 2.1`` is ``§2.1``."""
    return "§" + text[1:].strip()


class Scan:
    """The tokens and declarations of one text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.tokens = self._lex()
        self._offsets = [t.offset for t in self.tokens]
        self.file_kind, self.names_file = self._file_head()
        self.declarations = self._declarations() if self.file_kind != "scenario" else []

    # ------------------------------------------------------------- positions

    def position(self, offset: int) -> tuple[int, int]:
        """1-based line and column (code points) of a character offset."""
        i = bisect_right(self._starts, offset) - 1
        return i + 1, offset - self._starts[i] + 1

    def offset(self, line: int, col: int) -> int:
        """The character offset of a 1-based line and column, clamped to the text."""
        if line < 1:
            return 0
        if line > len(self._starts):
            return len(self.text)
        start = self._starts[line - 1]
        stop = self._starts[line] - 1 if line < len(self._starts) else len(self.text)
        return min(start + max(col - 1, 0), stop)

    def token_at(self, line: int, col: int) -> Token | None:
        """The word under (or just before) a 1-based position, if any."""
        off = self.offset(line, col)
        i = bisect_right(self._offsets, off) - 1
        for t in self.tokens[max(i - 1, 0) : i + 1][::-1]:
            if t.offset <= off <= t.offset + len(t.text) and t.kind not in ("other", "string"):
                return t
        return None

    # ------------------------------------------------------------- lexing

    def _lex(self) -> list[Token]:
        out: list[Token] = []
        text, pos, n = self.text, 0, len(self.text)
        last_line = 0  # the line of the last token that is not blank or a comment
        while pos < n:
            m = _TOKEN.match(text, pos)
            if m is None:  # unreachable: `other` matches any character
                break
            kind = m.lastgroup or "other"
            start, end = m.start(), m.end()
            line, col = self.position(start)
            if kind in ("space", "comment"):
                pos = end
                continue
            previous = out[-1] if out else None
            if (
                kind == "clause"
                and (
                    line != last_line
                    or previous is not None
                    and previous.kind == "name"
                    and previous.text in ("add", "replace")
                )
                and not (previous is not None and previous.text == "remove" and previous.line == line)
            ):
                # a clause heading: the id, then its title and facts to the end of the line
                out.append(self._token("clause", start, end))
                stop = text.find("\n", end)
                stop = n if stop == -1 else stop
                hash_at = text.find("#", end, stop)
                title_end = stop if hash_at == -1 else hash_at
                if text[end:title_end].strip():
                    out.append(self._token("title", end, title_end))
                last_line = line
                pos = title_end
                continue
            out.append(self._token(kind, start, end))
            last_line = self.position(end - 1)[0] if end > start else line
            pos = end
        return out

    def _token(self, kind: str, start: int, end: int) -> Token:
        line, col = self.position(start)
        end_line, end_col = self.position(end)
        return Token(kind, self.text[start:end], line, col, end_line, end_col, start)

    # ------------------------------------------------------------- declarations

    def _file_head(self) -> tuple[str, str | None]:
        """``contract``, ``scenario`` or ``amendment``, and for the last two the file
        they name (``for "..."``, ``to "..."``) as written."""
        toks = [t for t in self.tokens[:6]]
        first = toks[0].text if toks else ""
        if first in ("scenario", "amendment"):
            for i, t in enumerate(toks[:-1]):
                if t.kind == "name" and t.text in ("for", "to") and toks[i + 1].kind == "string":
                    return first, unquote(toks[i + 1].text)
            return first, None
        return "contract", None

    def _declarations(self) -> list[Declaration]:
        toks = self.tokens
        out: list[Declaration] = []
        starts = [i for i, t in enumerate(toks) if self._starts_item(i)]
        ends = {a: toks[b - 1] for a, b in zip(starts, starts[1:] + [len(toks)], strict=False)}
        for first in starts:
            end = ends[first]
            i = first + 1 if toks[first].kind == "name" and toks[first].text in ("add", "replace") else first
            if i >= len(toks):
                break
            t = toks[i]
            nxt = toks[i + 1] if i + 1 < len(toks) else None
            if t.kind == "clause":
                title = toks[i + 1].text if nxt is not None and nxt.kind == "title" else ""
                m = HEAD_RE.match(t.text + title)
                shown = m.group("title").strip() if m is not None else title.strip()
                out.append(Declaration(clause_key(t.text), "clause", t, end, shown))
            elif t.text == "check" and nxt is not None:
                if nxt.kind == "name":
                    out.append(Declaration(nxt.text, "check", nxt, end, self._title_after(i + 2)))
                elif nxt.kind == "string":
                    title = unquote(nxt.text)
                    out.append(Declaration(slug(title), "check", nxt, end, title))
            elif t.text in DECL_KEYWORDS and nxt is not None and nxt.kind == "name":
                kind = DECL_KEYWORDS[t.text]
                typed = i + 3 < len(toks) and toks[i + 2].text == ":" and toks[i + 3].kind == "name"
                detail = toks[i + 3].text if kind == "fact" and typed else ""
                out.append(Declaration(nxt.text, kind, nxt, end, detail))
                if kind == "kind":
                    out += self._members(i + 2, nxt.text, end)
                elif kind == "party":
                    out += self._bodies(i + 2, nxt.text, end)
        return out

    def _starts_item(self, i: int) -> bool:
        t = self.tokens[i]
        before = self.tokens[i - 1] if i else None
        if t.kind == "clause":
            heading = i + 1 < len(self.tokens) and self.tokens[i + 1].kind == "title"
            return heading and (before is None or before.text not in ("add", "replace", "remove"))
        if t.kind != "name" or t.text not in ITEM_STARTS:
            return False
        # `add party X`: the item starts at `add`; `remove party X` declares nothing
        return before is None or before.text not in ("add", "replace", "remove")

    def _title_after(self, i: int) -> str:
        if i < len(self.tokens) and self.tokens[i].kind == "string":
            return unquote(self.tokens[i].text)
        return ""

    def _members(self, i: int, kind: str, end: Token) -> list[Declaration]:
        """``kind K "..." = A | B | C``: the members, declared with K."""
        toks, out = self.tokens, []
        while i < len(toks) and toks[i].offset <= end.offset and toks[i].text != "=":
            i += 1
        i += 1
        while i < len(toks) and toks[i].offset <= end.offset and toks[i].kind == "name":
            out.append(Declaration(toks[i].text, "member", toks[i], end, kind))
            if i + 1 < len(toks) and toks[i + 1].text == "|":
                i += 2
            else:
                break
        return out

    def _bodies(self, i: int, party: str, end: Token) -> list[Declaration]:
        """``party P "..." with body B, C``: the bodies, declared with P."""
        toks, out = self.tokens, []
        while i < len(toks) and toks[i].offset <= end.offset and toks[i].text not in ("body", "bodies"):
            i += 1
        i += 1
        while i < len(toks) and toks[i].offset <= end.offset and toks[i].kind == "name":
            out.append(Declaration(toks[i].text, "body", toks[i], end, party))
            if i + 1 < len(toks) and toks[i + 1].text == ",":
                i += 2
            else:
                break
        return out

    # ------------------------------------------------------------- uses

    def key(self, t: Token) -> str | None:
        """The declared name a word would refer to: its spelling, a clause id in the
        checker's form; None for a literal, a quoted text or punctuation."""
        if t.kind == "name":
            return t.text
        if t.kind == "clause":
            return clause_key(t.text)
        return None

    def uses(self, name: str) -> list[Token]:
        """Every word that spells ``name`` (the declarations' own included)."""
        return [t for t in self.tokens if self.key(t) == name]

    def item_source(self, d: Declaration) -> str:
        """The text of the item that declares ``d``, from its keyword to its last token."""
        start = d.token
        for i in range(bisect_right(self._offsets, d.token.offset) - 1, -1, -1):
            if self._starts_item(i):
                start = self.tokens[i]
                break
        return self.text[self.offset(start.line, 1) : d.end.offset + len(d.end.text)].strip("\n")
