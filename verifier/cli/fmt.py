"""``whereas fmt FILE...``: from files to their canonical form, printed, checked
(``--check``) or written back in place (``--write``, through ``verifier.files``).
Folders recurse and ``-`` is stdin (printed, never written back).

``--write`` changes a file's layout, nothing else about it:

- its encoding marks: a file that starts with a UTF-8 byte order mark keeps it;
- its line endings: the formatter works on ``\\n``, and the text written back ends
  its lines as the file did: CRLF stays CRLF, CR stays CR; a file that mixes them
  gets the one most of its lines end with (LF on a tie);
- its links, mode, owner and group (``verifier.files.write_text``: a file with
  several hard links is rewritten in place, once the new text is safe beside it);
- a read-only file is refused (exit 2) unless ``--force`` is given, which rewrites
  it keeping its mode. Read-only is decided by the mode bits, not by whether this
  process could write it (``os.access``): root can write any file, and a file its
  owner marked read-only stays so for root too. The write bit that counts is the
  one of the class the process falls in (owner, group, others; root as the owner);
- a formatted text that does not parse is never written: the file is kept and
  the run reports an internal error (exit 4).

``--check`` and printing to stdout (``\\n`` line endings, no byte order mark) are
unchanged by this.
"""

from __future__ import annotations

import os
import stat

from dsl.diagnostics import Sources
from dsl.format import format_source
from dsl.load import BOM, read_source
from dsl.parse import parse_text
from verifier.cli.common import (
    EXIT_FAIL,
    EXIT_INPUT,
    EXIT_OK,
    Streams,
    collector_paused,
    report_bad_input,
)
from verifier.cli.inputs import expand
from verifier.files import OutputError, write_text

EXIT_INTERNAL = 4  # a bug of whereas, not of the input


def run_fmt(
    files: list[str],
    write: bool,
    check: bool,
    streams: Streams,
    fmt: str = "text",
    stdin_filename: str | None = None,
    force: bool = False,
) -> int:
    """``fmt``: the report of ``--check`` (text, json or github); bad input is
    reported in it too. ``force``: ``--write`` rewrites read-only files too."""
    inputs, bad = expand(files, stdin_filename)
    sources = Sources()
    if bad:
        return report_bad_input(bad, sources, fmt, streams)
    status = EXIT_OK
    unformatted: list[str] = []
    for f in inputs:
        text, diags = read_source(f.name, sources, f.text)
        if text is None:
            return report_bad_input(diags, sources, fmt, streams)
        with collector_paused(streams):
            out, diags = format_source(text, f.name)
        if out is None:
            return report_bad_input(diags, sources, fmt, streams)
        if check:
            if out != text:
                unformatted.append(f.name)
                if fmt == "text":
                    streams.err.write(f"would reformat {f.name}\n")
                status = EXIT_FAIL
        elif write and f.text is None:
            if out != text:
                code = _write_back(f.name, out, force, streams)
                if code != EXIT_OK:
                    status = max(status, code)
        else:
            streams.out.write(out)
    if check and fmt != "text":
        streams.out.write(_check_document(fmt, [f.name for f in inputs], unformatted))
    return status


def _check_document(fmt: str, files: list[str], unformatted: list[str]) -> str:
    if fmt == "github":
        from verifier.report.github import unformatted as annotations

        return annotations(unformatted)
    import json

    doc = {
        "schema": "whereas.fmt/1",
        "files": [{"file": f, "formatted": f not in unformatted} for f in files],
        "summary": {"files": len(files), "would_reformat": len(unformatted)},
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def _write_back(path: str, out: str, force: bool, streams: Streams) -> int:
    """Write the formatted ``out`` over ``path`` with the file's BOM and line
    endings, and say so; the exit code (0: written, or nothing to change)."""
    with collector_paused(streams):
        _, reparsed = parse_text(out, path)
    if any(d.is_error for d in reparsed):
        first = next(d for d in reparsed if d.is_error)
        streams.err.write(
            f"internal error: the formatted text of {path} does not parse ({first.span}: {first.message}); "
            "the file was left as it was. This is a bug in whereas: please report it, with the file\n"
        )
        return EXIT_INTERNAL
    try:
        st = os.stat(path)
        with open(path, "rb") as fh:
            raw = fh.read()
    except OSError as e:
        streams.err.write(f"error: cannot write {path}: {e.strerror}\n")
        return EXIT_INPUT
    newline = line_ending(raw)
    text = out.replace("\n", newline) if newline != "\n" else out
    if raw.startswith(BOM.encode("utf-8")):
        text = BOM + text
    if text.encode("utf-8") == raw:
        return EXIT_OK  # only the line endings differed from the formatter's
    if read_only(st) and not force:
        streams.err.write(
            f"error: {path} is read-only (mode {stat.filemode(st.st_mode)}); not rewritten. "
            "Make it writable, or give --force to rewrite it keeping its mode\n"
        )
        return EXIT_INPUT
    try:
        write_text(path, text)
    except OutputError as e:
        hint = ""
        if "Operation not permitted" in str(e):
            hint = " (is it immutable, chattr +i, or on a read-only mount?)"
        kept = "" if "half written" in str(e) else f"; {path} was left as it was"
        streams.err.write(f"error: {e}{hint}{kept}\n")
        return EXIT_INPUT
    if not streams.quiet:
        streams.err.write(f"reformatted {path}\n")
    return EXIT_OK


def read_only(st: os.stat_result) -> bool:
    """No write bit for the class this process falls in (root counts as the owner)."""
    uid = os.geteuid()
    if uid == 0 or uid == st.st_uid:
        return not st.st_mode & stat.S_IWUSR
    if st.st_gid == os.getegid() or st.st_gid in os.getgroups():
        return not st.st_mode & stat.S_IWGRP
    return not st.st_mode & stat.S_IWOTH


def line_ending(raw: bytes) -> str:
    """The line ending most lines of ``raw`` end with: ``\\r\\n``, ``\\r`` or ``\\n``
    (``\\n`` on a tie, or with no line break at all)."""
    crlf = raw.count(b"\r\n")
    cr = raw.count(b"\r") - crlf
    lf = raw.count(b"\n") - crlf
    if crlf > max(cr, lf):
        return "\r\n"
    if cr > max(crlf, lf):
        return "\r"
    return "\n"
