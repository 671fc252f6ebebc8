"""From the command line's input arguments to the files a command reads: a
directory becomes the contract, scenario and amendment files under it, ``-``
the text of stdin.

A directory is walked recursively, in sorted order, skipping hidden folders
(``.git``, ``.venv``, ...); it contributes every file ending in one of
``EXTENSIONS``. A directory with no such file stays as it is, so the loader
says what it is (``not-a-file``). ``-`` is read once, as UTF-8 (a leading BOM
is dropped by the loader); its name in diagnostics, and the folder the paths
written in it are relative to, is ``--stdin-filename`` (default ``<stdin>``:
the current directory). The text itself says what the file is (a contract, a
scenario or an amendment), as for any file.
"""

from __future__ import annotations

import os
import sys
from typing import IO

import attrs

from dsl import syntax as s
from dsl.diagnostics import Diagnostic

EXTENSIONS = (".contract", ".scenario", ".amendment")
STDIN = "-"
STDIN_NAME = "<stdin>"


@attrs.frozen
class Input:
    """One file to read: ``name`` is its path (or the name stdin goes by);
    ``text`` its content if already read (stdin), else None (the loader reads it)."""

    name: str
    text: str | None = None


def expand(
    args: list[str], stdin_filename: str | None = None, stdin: IO[bytes] | IO[str] | None = None
) -> tuple[list[Input], list[Diagnostic]]:
    """The inputs ``args`` name, and diagnostics for stdin that cannot be read."""
    out: list[Input] = []
    diags: list[Diagnostic] = []
    stdin_text: str | None = None
    name = stdin_filename or STDIN_NAME
    for a in args:
        if a == STDIN:
            if stdin_text is None:
                stdin_text, problem = read_stdin(name, stdin)
                if problem is not None:
                    diags.append(problem)
                    continue
            out.append(Input(name, stdin_text))
        elif os.path.isdir(a):
            found = list(walk(a))
            out += [Input(f) for f in found] if found else [Input(a)]
        else:
            out.append(Input(a))
    return out, diags


def walk(folder: str) -> list[str]:
    """The files under ``folder`` with a known extension, sorted, hidden folders skipped."""
    found: list[str] = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found += [os.path.join(root, f) for f in sorted(files) if f.endswith(EXTENSIONS)]
    return found


def read_stdin(name: str, stdin: IO[bytes] | IO[str] | None = None) -> tuple[str, Diagnostic | None]:
    """All of stdin as text; a diagnostic (and "") if it is not UTF-8."""
    stream = stdin if stdin is not None else sys.stdin
    raw = getattr(stream, "buffer", stream)
    data = raw.read()
    if isinstance(data, str):
        return data, None
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        col = e.start - (data.rfind(b"\n", 0, e.start) + 1) + 1
        return "", Diagnostic(
            "bad-encoding",
            f"{name} is not valid UTF-8 (byte 0x{data[e.start]:02x})",
            s.Span(name, line, col, line, col + 1),
            hint="give UTF-8 text on stdin",
        )
