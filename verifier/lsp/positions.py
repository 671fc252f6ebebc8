"""From the parser's positions to LSP's, and back: 1-based lines and columns counted in
code points (``dsl.syntax.Span``) against 0-based lines and characters counted in UTF-16
code units, the encoding LSP positions use unless client and server agree on UTF-8 or
UTF-32 (pygls takes the client's first choice; ``Text`` counts in the one agreed).

``Text`` is a document as the editor holds it: its lines are the parser's (every CRLF
and lone CR ends a line, as ``dsl.parse.normalize`` has it, and as LSP counts lines),
and a leading byte order mark, which the parser never sees, is one UTF-16 unit on the
first line.
"""

from __future__ import annotations

from lsprotocol import types

from dsl.parse import normalize
from dsl.syntax import Span

BOM = "\ufeff"


UTF8, UTF16, UTF32 = "utf-8", "utf-16", "utf-32"


def utf16_len(text: str) -> int:
    """The UTF-16 code units of ``text``: two for a character outside the BMP."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def char_units(ch: str, encoding: str) -> int:
    """The code units of one character in a position encoding."""
    if encoding == UTF32:
        return 1
    if encoding == UTF8:
        return len(ch.encode("utf-8", "surrogatepass"))
    return 2 if ord(ch) > 0xFFFF else 1


def units(text: str, encoding: str = UTF16) -> int:
    """The code units of ``text`` in a position encoding."""
    if encoding == UTF32:
        return len(text)
    if encoding == UTF8:
        return len(text.encode("utf-8", "surrogatepass"))
    return utf16_len(text)


class Text:
    """A document's text: ``raw`` as the editor sent it, ``text`` as the parser reads it."""

    def __init__(self, raw: str, encoding: str = UTF16) -> None:
        self.raw = raw
        self.encoding = encoding
        self.bom = raw.startswith(BOM)
        self.text = normalize(raw.removeprefix(BOM))
        self.lines = self.text.split("\n")

    def _shift(self, line0: int) -> int:
        return units(BOM, self.encoding) if self.bom and line0 == 0 else 0

    def position(self, line: int, col: int) -> types.Position:
        """The LSP position of a 1-based line and column; clamped to the text."""
        line0 = min(max(line - 1, 0), len(self.lines) - 1)
        text = self.lines[line0]
        col0 = min(max(col - 1, 0), len(text))
        return types.Position(line=line0, character=units(text[:col0], self.encoding) + self._shift(line0))

    def range(self, span: Span) -> types.Range:
        """A span's range; an empty span covers the character it points at, if any."""
        start = self.position(span.line, span.col)
        end_line, end_col = span.end_line, span.end_col
        if (end_line, end_col) <= (span.line, span.col):
            end_line, end_col = span.line, span.col + 1
        return types.Range(start=start, end=self.position(end_line, end_col))

    def line_col(self, pos: types.Position) -> tuple[int, int]:
        """The 1-based line and column (code points) of an LSP position, clamped to the
        text: a position past a line's end is its end, one inside a character's code
        units the character it belongs to."""
        line0 = min(max(pos.line, 0), len(self.lines) - 1)
        text = self.lines[line0]
        want = max(pos.character - self._shift(line0), 0)
        counted = 0
        for i, ch in enumerate(text):
            counted += char_units(ch, self.encoding)
            if counted > want:
                return line0 + 1, i + 1
        return line0 + 1, len(text) + 1

    def end(self) -> types.Position:
        """The position just after the last character of ``raw``."""
        raw = self.raw.replace("\r\n", "\n").replace("\r", "\n")
        last = raw.rsplit("\n", 1)[-1]
        return types.Position(line=raw.count("\n"), character=units(last, self.encoding))
