"""From a contract, scenario or amendment's text to Pygments tokens: highlighting for
documentation, reports and any tool that uses Pygments.

Registered through the ``pygments.lexers`` entry point (``pyproject.toml``), so
``pygmentize -l whereas FILE`` and ``get_lexer_by_name("whereas")`` find it once the
package is installed. The words are the language's (``verifier.lsp.scan.KEYWORDS``);
the literals follow ``dsl/grammar.lark``'s tokens. A character the language has no use
for (``@``, ``;``, a stray backtick) is an ``Error`` token, so highlighting shows where
a file will not parse; a half-written file still lexes to the end.
"""

from __future__ import annotations

from typing import ClassVar

from pygments.lexer import RegexLexer, bygroups, words
from pygments.token import (
    Comment,
    Error,
    Generic,
    Keyword,
    Name,
    Number,
    Operator,
    Punctuation,
    String,
    Whitespace,
)

from verifier.lsp.scan import KEYWORDS

_TYPES = ("money", "date", "int", "percent", "duration", "bool")
_CONSTANTS = ("true", "false")
_CLAUSE = r"§[ \t]*[0-9]+(?:\.[0-9]+)*[a-z]?"


class WhereasLexer(RegexLexer):  # type: ignore[misc]  # (pygments has no type information)
    """The Whereas contract language: ``.contract``, ``.scenario`` and ``.amendment`` files."""

    name = "Whereas"
    aliases: ClassVar[list[str]] = ["whereas"]
    filenames: ClassVar[list[str]] = ["*.contract", "*.scenario", "*.amendment"]
    mimetypes: ClassVar[list[str]] = ["text/x-whereas"]
    url = "https://github.com/whereas/whereas"

    tokens: ClassVar[dict[str, list[object]]] = {
        "root": [
            (r"[ \t\r\n\f]+", Whitespace),
            (r"#[^\n]*", Comment.Single),
            # a clause heading: its id, then its title (and fact citations) to the end of the line
            (rf"^({_CLAUSE})([^\n]*)", bygroups(Name.Label, Generic.Heading)),
            # an amendment's `add §2.2 Title` and `replace §7.1 Title` are headings too
            (
                rf"^(add|replace)([ \t]+)({_CLAUSE})([^\n]*)",
                bygroups(Keyword, Whitespace, Name.Label, Generic.Heading),
            ),
            (_CLAUSE, Name.Label),
            (r'"(?:[^"\\]|\\.)*"', String.Double),
            (r"“[^”]*”", String.Double),
            (r"[0-9]{4}-[0-9]{2}-[0-9]{2}", Number.Other),  # a date
            (
                r"(?:US\$|\$|€|£|(?:USD|EUR|GBP|CHF) ?)[0-9]+(?:,[0-9]+)*(?:\.[0-9]+)?(?:K|M|B|T|bn|k)?",
                Number,
            ),
            (r"[0-9]+(?:\.[0-9]+)?%", Number),
            (r"[0-9]+(?:,[0-9]+)*", Number.Integer),
            # an argument's name (`BuyCompute(from: p)`) is a name, even when it is a keyword
            (r"(?<=[(,])([ \t]*)([A-Za-z_][A-Za-z0-9_]*)(?=[ \t]*:)", bygroups(Whitespace, Name)),
            (words(_TYPES, suffix=r"\b"), Keyword.Type),
            (words(_CONSTANTS, suffix=r"\b"), Keyword.Constant),
            (words(tuple(k for k in KEYWORDS if k not in _TYPES + _CONSTANTS), suffix=r"\b"), Keyword),
            (r"(?:USD|EUR|GBP|CHF)\b", Keyword.Type),  # a currency code after `currency`
            (r"[A-Za-z_][A-Za-z0-9_]*", Name),
            (r"==|!=|<=|>=|[<>+\-*|]", Operator),
            (r"[()\[\]:,.=]", Punctuation),
            (r".", Error),
        ]
    }
