"""From plain command output to coloured output, and from ``--color`` and the
environment to whether to colour at all.

A few ANSI codes of our own, not a library: the output is line-oriented and
only its verdict words, the diagnostics' severity and their carets get a
colour, so the whole of it is a handful of regular expressions; nothing is
imported at start-up and the text is the same bytes with the codes removed.

``--color auto`` (the default) colours only a terminal; ``NO_COLOR`` (any
non-empty value) turns colour off, ``FORCE_COLOR`` (non-empty, not ``0``) on,
``TERM=dumb`` off; ``--color always|never`` wins over all of them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import IO

RESET = "\x1b[0m"
BOLD_RED, BOLD_GREEN, BOLD_YELLOW, BOLD_CYAN, BOLD = (
    "\x1b[1;31m",
    "\x1b[1;32m",
    "\x1b[1;33m",
    "\x1b[1;36m",
    "\x1b[1m",
)

COLOR_CHOICES = ("auto", "always", "never")

_VERDICT = re.compile(r"^(HOLDS|FAILS|UNKNOWN)\b", re.MULTILINE)
_VERDICT_COLOR = {"HOLDS": BOLD_GREEN, "FAILS": BOLD_RED, "UNKNOWN": BOLD_YELLOW}
_SEVERITY = re.compile(r"^(\S.*?: )(error|warning)(\[[a-z0-9-]+\])", re.MULTILINE)
_CARET = re.compile(r"^(\s*\| *)(\^+)$", re.MULTILINE)
_BREACH = re.compile(r"^(Breach:)(.*)$", re.MULTILINE)


def want_color(choice: str, stream: IO[str], env: Mapping[str, str]) -> bool:
    """Whether to colour what goes to ``stream``."""
    if choice == "always":
        return True
    if choice == "never":
        return False
    if env.get("NO_COLOR"):
        return False
    force = env.get("FORCE_COLOR")
    if force and force != "0":
        return True
    if env.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # a closed stream
        return False


def paint_verdicts(text: str) -> str:
    """``verify``'s text with each verdict word coloured (holds green, fails red, unknown yellow)."""
    return _VERDICT.sub(lambda m: f"{_VERDICT_COLOR[m.group(1)]}{m.group(1)}{RESET}", text)


def paint_diagnostic(text: str) -> str:
    """A rendered diagnostic with its severity and its caret coloured."""

    def severity(m: re.Match[str]) -> str:
        color = BOLD_RED if m.group(2) == "error" else BOLD_YELLOW
        return f"{BOLD}{m.group(1)}{RESET}{color}{m.group(2)}{m.group(3)}{RESET}"

    text = _SEVERITY.sub(severity, text)
    return _CARET.sub(lambda m: f"{m.group(1)}{BOLD_RED}{m.group(2)}{RESET}", text)


def paint_timeline(text: str) -> str:
    """``simulate``'s text with its ``Breach:`` line coloured: red if someone is in breach."""

    def line(m: re.Match[str]) -> str:
        color = BOLD_GREEN if m.group(2).strip().startswith("none") else BOLD_RED
        return f"{color}{m.group(1)}{RESET}{m.group(2)}"

    return _BREACH.sub(line, text)


def paint(text: str, color: str) -> str:
    return f"{color}{text}{RESET}"


def strip(text: str) -> str:
    """``text`` without the codes this module adds."""
    return re.sub(r"\x1b\[[0-9;]*m", "", text)
