"""What every command shares: its streams, the exit codes, printing diagnostics, and
delivering an output to stdout or to a file.

Exit codes (one table for every command; ``--help``, the README and
``docs/cli.md`` say the same):

== =====================================================================
0  every check holds (check: no errors; simulate: no breach; diff: no difference)
1  a check fails (simulate: someone is in breach; diff: the versions differ;
   fmt --check: a file would be reformatted)
2  bad input or usage: syntax, name or type errors, missing files
3  some result is unknown (resource limit, unsupported construct) and none fails
== =====================================================================
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import IO, Any

from dsl.diagnostics import Diagnostic, Sources, render, sort_key, summary
from verifier.files import OutputError, write_text

EXIT_OK, EXIT_FAIL, EXIT_INPUT, EXIT_UNKNOWN = 0, 1, 2, 3

HELP_EXIT = """\b
Exit codes:
  0  every check holds (check: no errors; simulate: no breach)
  1  a check fails (simulate: someone is in breach; fmt --check: would reformat)
  2  bad input or usage: syntax, name or type errors, missing files
  3  some result is unknown (resource limit, unsupported construct) and none fails
"""


class Streams:
    """Where a command writes: its results to ``out``, diagnostics and notes to ``err``.

    ``owns_process``: the command is the whole process (a console script, ``python
    -m verifier``), so it may tune what belongs to the process, the garbage
    collector (``freeze_heap``); called from Python (``verifier.cli.main`` and
    ``verify``) it leaves the process as it found it."""

    def __init__(self, out: IO[str], err: IO[str], owns_process: bool = False) -> None:
        self.out = out
        self.err = err
        self.owns_process = owns_process


@contextlib.contextmanager
def collector_paused(streams: Streams) -> Iterator[None]:
    """In a process the command owns, the cyclic garbage collector off while files are
    parsed and checked: they allocate the syntax tree and the model and free little
    until the end, and the collector would only re-scan them (a third of a parse;
    three quarters of checking a 10,000-clause contract). The library never does this."""
    if not streams.owns_process:
        yield
        return
    import gc

    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def freeze_heap(streams: Streams) -> None:
    """In a process the command owns, ``gc.freeze()`` everything allocated so far: the
    modules and the loaded contracts live to the end, and without this every full
    collection scans them again (the 10,000-clause contract: a replay 27 -> 8 ms) and
    forked workers copy the pages the collector touches. Never undone: the process ends."""
    if streams.owns_process:
        import gc

        gc.freeze()


def print_diagnostics(
    diags: list[Diagnostic], sources: Sources, err: IO[str], show_summary: bool = True
) -> None:
    for d in sorted(diags, key=sort_key):
        err.write(render(d, sources) + "\n\n")
    if diags and show_summary:
        err.write(summary(diags) + "\n")


def diagnostics_json(diags: list[Diagnostic]) -> dict[str, Any]:
    """The ``whereas.check/1`` document (``verifier/report/schemas/check.schema.json``)."""
    ds = sorted(diags, key=sort_key)
    return {
        "schema": "whereas.check/1",
        "diagnostics": [d.to_json() for d in ds],
        "summary": {"errors": sum(d.is_error for d in ds), "warnings": sum(not d.is_error for d in ds)},
    }


def deliver(text: str, path: str | None, streams: Streams) -> bool:
    """Print ``text``, or write it to ``path`` (``verifier.files.write_text``);
    False, having said why, if it cannot be written."""
    if path is None:
        streams.out.write(text)
        return True
    try:
        write_text(path, text)
    except OutputError as e:
        streams.err.write(f"error: {e}\n")
        return False
    return True
