"""From a contract file's lines to the same lines as HTML, coloured by the ``whereas``
Pygments lexer: what the HTML report's source listing shows. The lexer
(``verifier.lsp.lexer``) is found the way any tool finds it, by name through its
``pygments.lexers`` entry point, so this package does not import the editor's.

Each line is HTML-escaped and its words wrapped in ``<span class="...">`` with
Pygments' short class names (``k`` a keyword, ``nl`` a clause id, ``gh`` a clause's
heading, ``s2`` a quotation, ``m``/``mo``/``mi`` amounts, dates and numbers, ``c1`` a
comment, ``kt`` a type, ``kc`` true/false, ``err`` a character the language has no use
for); the report's stylesheet colours them. Pygments comes with the ``lsp`` and ``dev``
extras; without it (or the entry point) ``lines_html`` answers None and the report
shows plain text.
"""

from __future__ import annotations

import html

# the classes the report's stylesheet colours; names, punctuation and operators stay plain
COLOURED = frozenset({"k", "kt", "kc", "nl", "gh", "s2", "m", "mi", "mo", "c1", "err"})


def lines_html(lines: list[str]) -> list[str] | None:
    """``lines`` (a file's, without line ends) as HTML, one string per line; None
    without Pygments."""
    try:
        from pygments.lexers import get_lexer_by_name
        from pygments.token import STANDARD_TYPES
        from pygments.util import ClassNotFound
    except ImportError:
        return None
    try:
        lexer = get_lexer_by_name("whereas")
    except ClassNotFound:  # the package's entry points not installed
        return None
    out: list[str] = [""]
    for kind, value in lexer.get_tokens("\n".join(lines) + "\n"):
        css = ""
        while kind is not None and not css:
            css = STANDARD_TYPES.get(kind, "")
            kind = kind.parent
        for k, piece in enumerate(value.split("\n")):
            if k:
                out.append("")
            if piece:
                text = html.escape(piece, quote=False)
                out[-1] += f'<span class="{css}">{text}</span>' if css in COLOURED and piece.strip() else text
    return out[: len(lines)] + [""] * (len(lines) - len(out))
