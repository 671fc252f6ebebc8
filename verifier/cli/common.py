"""What every command shares: from a command's results to its streams: the exit
codes, printing diagnostics (in colour where asked), and delivering an output
to stdout or to a file.

Exit codes: one table (``EXIT_TABLE``) for every command; ``whereas --help``,
the README and ``docs/cli.md`` print the same rows (a test compares them), and
each command's own ``--help`` lists only the rows that apply to it
(``exit_help``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import IO

from dsl.diagnostics import Diagnostic, Sources, render, sort_key, summary
from verifier.files import OutputError, write_text

EXIT_OK, EXIT_FAIL, EXIT_INPUT, EXIT_UNKNOWN = 0, 1, 2, 3
EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_PIPE = 4, 130, 141

# code -> what it means, for every command
EXIT_TABLE: tuple[tuple[int, str], ...] = (
    (0, "success: every check holds, no error in the input, nobody in breach, the versions agree"),
    (
        1,
        "a check fails, or verify's analyses found a conflict (with --strict, any finding); "
        "simulate: a party is in breach; diff and verify --what-if: the versions "
        "differ; fmt --check: a file would be reformatted",
    ),
    (2, "bad input or usage: syntax, name or type errors, missing files, a bad option or configuration"),
    (3, "some result is unknown (a limit reached, an unsupported construct) and none fails"),
    (
        4,
        "internal error: a bug in Whereas (or, with --confirm, cvc5 disagrees with Z3), to report with the input",
    ),
    (130, "interrupted (Ctrl-C); nothing was written half-way"),
    (141, "the reader of the output went away (`verify ... | head -1`); nothing more is printed"),
)


def exit_table_help() -> str:
    """The table as ``--help`` prints it (click keeps a ``\\b`` paragraph as written)."""
    rows = "\n".join(f"  {code:<4} {what}" for code, what in EXIT_TABLE)
    return "\b\nExit codes:\n" + rows + "\n"


def exit_table_markdown() -> str:
    """The table as the README and ``docs/cli.md`` show it."""
    rows = "\n".join(f"| {code} | {what} |" for code, what in EXIT_TABLE)
    return "| exit | meaning |\n|---|---|\n" + rows + "\n"


def exit_help(*rows: tuple[int, str]) -> str:
    """A command's own exit codes for its ``--help``: ``rows`` (what each code
    means for it), then 2, 4, 130 and 141, which mean the same for every command."""
    common = {
        EXIT_INPUT: "bad input or usage",
        EXIT_INTERNAL: "internal error (a bug: please report it)",
        EXIT_INTERRUPTED: "interrupted",
    }
    lines = dict(rows)
    for code, what in common.items():
        lines.setdefault(code, what)
    body = "\n".join(f"  {code:<4} {what}" for code, what in sorted(lines.items()))
    return "\b\nExit codes:\n" + body + "\n"


class Streams:
    """Where a command writes: its results to ``out``, diagnostics and notes to ``err``.

    ``owns_process``: the command is the whole process (a console script, ``python
    -m verifier``), so it may tune what belongs to the process, the garbage
    collector (``freeze_heap``); called from Python (``verifier.cli.main`` and
    ``verify``) it leaves the process as it found it.
    ``color``, ``err_color``: colour what goes to ``out`` (verdicts), to ``err``
    (diagnostics) (``verifier.cli.style``).
    ``verbosity``: -1 with ``-q`` (only verdicts and errors), 0, 1 or more with ``-v``.
    ``progress``: say on ``err`` what a run longer than a second is doing
    (``verifier.cli.progress``)."""

    def __init__(
        self,
        out: IO[str],
        err: IO[str],
        owns_process: bool = False,
        color: bool = False,
        verbosity: int = 0,
        progress: bool = False,
        err_color: bool = False,
    ) -> None:
        self.out = out
        self.err = err
        self.owns_process = owns_process
        self.color = color
        self.err_color = err_color
        self.verbosity = verbosity
        self.progress = progress

    @property
    def quiet(self) -> bool:
        return self.verbosity < 0


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
    diags: list[Diagnostic],
    sources: Sources,
    err: IO[str],
    show_summary: bool = True,
    streams: Streams | None = None,
) -> None:
    """Each diagnostic as ``dsl.diagnostics.render`` prints it, then the summary line.
    With ``streams``: coloured if it asks for colour; with ``-q``, errors only."""
    if streams is not None and streams.quiet:
        diags = [d for d in diags if d.is_error]
    color = streams is not None and streams.err_color
    if color:
        from verifier.cli.style import paint_diagnostic
    for d in sorted(diags, key=sort_key):
        text = render(d, sources)
        err.write((paint_diagnostic(text) if color else text) + "\n\n")
    if diags and show_summary:
        err.write(summary(diags) + "\n")


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


def diagnostics_document(fmt: str, diags: list[Diagnostic], sources: Sources, files: list[str]) -> str:
    """The machine document (``json``, ``sarif``, ``junit``, ``github``) of ``diags``."""
    if fmt == "github":
        from verifier.report.github import diagnostics

        return diagnostics(diags)
    from verifier.report.diagnostics import document

    return document(fmt, diags, sources, files)


def report_bad_input(
    diags: list[Diagnostic],
    sources: Sources,
    fmt: str,
    streams: Streams,
    output: str | None = None,
    files: list[str] | None = None,
) -> int:
    """Bad input, said in the format asked: the diagnostics on stderr (text), or one
    valid document carrying them on stdout or ``output`` (every machine format); exit 2.
    ``output`` is never written over one of ``files`` (the inputs named)."""
    if fmt == "text":
        print_diagnostics(diags, sources, streams.err, streams=streams)
        return EXIT_INPUT
    named = list(dict.fromkeys([*(files or []), *(d.span.file for d in diags)]))
    text = diagnostics_document(fmt, diags, sources, named)
    if output is not None:
        from verifier.files import InputsRead, guard_outputs

        read = sources if isinstance(sources, InputsRead) else None
        problem = guard_outputs([("the output", output)], read, [f for f in named if f != "<stdin>"])
        if problem:
            streams.err.write(problem + "\n")
            output = None
    deliver(text, output, streams)
    return EXIT_INPUT
