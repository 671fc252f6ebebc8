"""From command-line arguments to a command's call: the click commands ``verify`` and
``whereas check|fmt|simulate|verify|diff|lsp``.

Imported only when arguments need parsing (``verify FILE...`` alone does not:
``verifier.cli`` runs it without click). Every command takes ``-h``/``--help``,
``--version``, ``--color``, ``-q`` and ``-v``; its ``run_*`` function is imported
when it runs, and is called through ``verifier.cli.guard`` (no traceback, ever),
whose exit code becomes ``SystemExit``. Defaults come from ``[tool.whereas]``
(``verifier.cli.config``, set as click's ``default_map`` by ``verifier.cli``).

It has over 500 lines because every command's options are declared here, side by
side, as ``--help`` shows them, so that one option reads alike in every command.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any, NoReturn, TypeVar

import click

from verifier import __version__
from verifier.cli.common import (
    EXIT_FAIL,
    EXIT_OK,
    EXIT_UNKNOWN,
    Streams,
    exit_help,
    exit_table_help,
)
from verifier.cli.config import COLORS, FORMATS, ConfigError, parse_size

CONTEXT: dict[str, Any] = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
F = TypeVar("F", bound=Callable[..., Any])


def _streams() -> Streams:
    """The streams ``verifier.cli.main`` passed (click's context object), else the process's."""
    ctx = click.get_current_context(silent=True)
    found = ctx.find_object(Streams) if ctx is not None else None
    return found if found is not None else Streams(sys.stdout, sys.stderr)


class Size(click.ParamType):  # type: ignore[type-arg]
    """``--max-memory``: bytes, or 512M, 2G, ... (powers of 1024)."""

    name = "size"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, int):
            return value
        try:
            return parse_size(str(value))
        except ConfigError as e:
            self.fail(str(e), param, ctx)


def _conventions(f: F) -> F:
    """The options every command has."""
    f = click.option(
        "-v",
        "--verbose",
        count=True,
        help="say more (-v: each check's time; -vv: also the traceback of an internal error)",
    )(f)
    f = click.option("-q", "--quiet", is_flag=True, help="print only the verdicts and the errors")(f)
    f = click.option(
        "--color",
        type=click.Choice(COLORS),
        default="auto",
        show_default=True,
        help="colour the verdicts and diagnostics (auto: on a terminal, unless NO_COLOR is set "
        "or TERM=dumb; FORCE_COLOR forces it)",
    )(f)
    f = click.version_option(__version__, "--version", prog_name="whereas", message="%(prog)s %(version)s")(f)
    return f


def _stdin_option(f: F) -> F:
    return click.option(
        "--stdin-filename",
        type=str,
        default=None,
        metavar="NAME",
        help="the name of the file read from `-` (stdin), for diagnostics and for the paths it names",
    )(f)


def _format_option(choices: tuple[str, ...] = FORMATS, param: str = "fmt") -> Callable[[F], F]:
    return click.option(
        "--format",
        param,
        type=click.Choice(choices),
        default="text",
        show_default=True,
        help="text; json; sarif (SARIF 2.1.0, code scanning); junit (JUnit XML, CI); github "
        "(GitHub Actions annotations). On bad input every format but text prints one document "
        "carrying the diagnostics"
        if choices == FORMATS
        else f"{', '.join(choices)}",
    )


def _bound_option(what: str) -> Callable[[F], F]:
    """``--bound K`` of ``verify`` and ``diff``: ``what`` is what it bounds, in the help."""
    return click.option(
        "--bound",
        type=click.IntRange(1, 8),
        default=None,
        metavar="K",
        help=f"solve {what} with at most K occurrences of each event (a quick bounded look; re-checked "
        f"at K+1); default: {what} at the occurrences its question can need, so that a proof covers every "
        "course of events where that number follows (docs/semantics.md §14)",
    )


def _limit_options(memory: bool = True) -> Callable[[F], F]:
    def add(f: F) -> F:
        if memory:
            f = click.option(
                "--max-memory",
                "max_memory",
                type=Size(),
                default=None,
                metavar="SIZE",
                help="memory the run may use, e.g. 512M, 2G (default: a share of the machine); "
                "a check or analysis that needs more is unknown",
            )(f)
            f = click.option(
                "--rlimit",
                type=click.IntRange(1),
                default=None,
                metavar="N",
                help="Z3 resource units for one solver query; a query that needs more is unknown",
            )(f)
        f = click.option(
            "--timeout",
            type=click.FloatRange(0, min_open=True),
            default=None,
            metavar="SECONDS",
            help="seconds for the whole run; what is not done by then is unknown (exit 3)",
        )(f)
        return f

    return add


def _setup(color: str, quiet: bool, verbose: int) -> Streams:
    from verifier.cli.progress import wanted
    from verifier.cli.style import want_color

    streams = _streams()
    streams.verbosity = -1 if quiet else verbose
    streams.color = want_color(color, streams.out, os.environ)
    streams.err_color = want_color(color, streams.err, os.environ)
    streams.progress = wanted(streams.err, quiet)
    return streams


def _finish(streams: Streams, run: Callable[[], int]) -> NoReturn:
    from verifier.cli.guard import guarded

    raise SystemExit(guarded(run, streams.err, debug=streams.verbosity >= 2))


_witness_option = click.option(
    "--witness",
    type=click.Choice(["plausible", "smallest"]),
    default="plausible",
    show_default=True,
    help="how a scenario's dates and amounts are chosen: the contract's own figures and round "
    "values (plausible), or the earliest dates and smallest amounts that work (smallest)",
)


def _limits(timeout: float | None, rlimit: int | None = None, max_memory: int | None = None) -> Any:
    from verifier.verify.limits import Limits

    if timeout is None and rlimit is None and max_memory is None:
        return None
    return Limits(timeout=timeout, rlimit=rlimit, max_memory=max_memory)


VERIFY_EXIT = exit_help(
    (EXIT_OK, "every check holds (--what-if: the versions agree)"),
    (
        EXIT_FAIL,
        "a check fails, or an analysis found an error (a conflict; with --strict, any finding) "
        "(--what-if: a scenario tells the versions apart)",
    ),
    (EXIT_UNKNOWN, "some result is unknown (a limit reached, an unsupported construct) and none fails"),
)


@click.command(
    "verify",
    context_settings=CONTEXT,
    help="Prove or refute the checks of contract files with the Z3 solver.\n\n"
    "Each check gets a verdict (holds / fails / unknown), the clauses that decide it and, "
    "where one exists, a dated scenario replayed in the reference interpreter. "
    "FILES may be folders (their .contract, .scenario and .amendment files, recursively) "
    "or - (stdin).\n\n" + VERIFY_EXIT,
)
@click.argument("files", nargs=-1, required=True)
@click.option(
    "--check",
    "checks",
    multiple=True,
    metavar="NAME",
    help="verify only this check (id or title), and run the analyses only of the clauses it depends on; repeatable",
)
@_format_option()
@click.option(
    "-o", "--output", type=str, default=None, help="write the result to this file instead of stdout"
)
@click.option(
    "--report",
    "report",
    type=str,
    default=None,
    metavar="PATH",
    help="also write a human report to PATH: one self-contained HTML file (.html) or Markdown (.md)",
)
@click.option(
    "--report-format",
    "report_format",
    type=click.Choice(["html", "md"]),
    default=None,
    help="the report's format, if its file name does not end in .html or .md",
)
@_bound_option("each check")
@click.option(
    "--jobs",
    type=click.IntRange(1, 64),
    default=None,
    metavar="N",
    help="processes for a big contract's slices (default: one per core; small contracts use one)",
)
@_limit_options()
@click.option("--timings", is_flag=True, help="include solver times (makes output non-deterministic)")
@click.option(
    "--analyses/--no-analyses",
    default=True,
    help="run the built-in analyses (conflicts, dead clauses, ...); on by default",
)
@click.option(
    "--strict",
    is_flag=True,
    help="exit 1 on any finding of the analyses (dead clauses, ...), not only on errors (conflicts)",
)
@click.option(
    "--emit-smt2",
    "emit_smt2",
    type=click.Path(file_okay=False),
    default=None,
    metavar="DIR",
    help="write every check's questions to the solver as SMT-LIB 2 files in DIR "
    "(one folder per contract; any SMT-LIB solver re-checks them)",
)
@click.option(
    "--confirm",
    is_flag=True,
    help="re-solve every check's questions with cvc5 (pip install 'whereas[confirm]') and report "
    "whether it agrees; a disagreement is an internal error (exit 4)",
)
@_witness_option
@click.option(
    "--what-if",
    "what_if",
    type=str,
    default=None,
    metavar="AMENDMENT",
    help="compare with the contract as AMENDMENT changes it: verdicts before and after, and a "
    "scenario on which the two versions differ",
)
@_stdin_option
@_conventions
def verify_command(
    files: tuple[str, ...],
    checks: tuple[str, ...],
    fmt: str,
    output: str | None,
    bound: int | None,
    timings: bool,
    analyses: bool,
    what_if: str | None,
    color: str,
    quiet: bool,
    verbose: int,
    report: str | None = None,
    report_format: str | None = None,
    jobs: int | None = None,
    timeout: float | None = None,
    rlimit: int | None = None,
    max_memory: int | None = None,
    stdin_filename: str | None = None,
    strict: bool = False,
    emit_smt2: str | None = None,
    confirm: bool = False,
    witness: str = "plausible",
) -> None:
    streams = _setup(color, quiet, verbose)
    limits = _limits(timeout, rlimit, max_memory)
    if what_if is not None:
        if len(files) != 1:
            raise click.UsageError("--what-if compares one contract with one amendment")
        if emit_smt2 is not None or confirm:
            raise click.UsageError(
                "--emit-smt2 and --confirm are for the checks of `verify FILE`; with --what-if, "
                "verify the amendment itself (`verify AMENDMENT --confirm`)"
            )
        from verifier.cli.verify import run_what_if

        _finish(
            streams,
            _styled(
                witness,
                lambda: run_what_if(
                    files[0],
                    what_if,
                    fmt,
                    output,
                    bound,
                    streams,
                    report=report,
                    report_format=report_format,
                    jobs=jobs,
                    limits=limits,
                ),
            ),
        )
    from verifier.cli.verify import run_verify

    _finish(
        streams,
        _styled(
            witness,
            lambda: run_verify(
                list(files),
                list(checks),
                fmt,
                output,
                bound,
                timings or verbose >= 1,
                streams,
                analyses,
                report,
                report_format,
                jobs=jobs,
                limits=limits,
                stdin_filename=stdin_filename,
                strict=strict,
                emit_smt2=emit_smt2,
                confirm=confirm,
            ),
        ),
    )


def _styled(witness: str, run: Callable[[], int]) -> Callable[[], int]:
    """``run`` with the witnesses chosen as ``--witness`` says (``verifier.verify.plausible``)."""

    def styled_run() -> int:
        from verifier.verify.plausible import WitnessStyle, styled

        with styled(WitnessStyle(witness)):
            return run()

    return styled_run


@click.command(
    "diff",
    context_settings=CONTEXT,
    help="Compare two versions of a contract: BASE and OTHER, an amendment of it or a whole contract. "
    "Prints each check's verdict before and after, and a scenario on which the versions differ, "
    "or the proof that none exists within the bounds.\n\n"
    + exit_help(
        (EXIT_OK, "the versions agree within the bounds"),
        (EXIT_FAIL, "a scenario tells the versions apart"),
        (EXIT_UNKNOWN, "whether they differ could not be decided (a limit reached)"),
    ),
)
@click.argument("base")
@click.argument("other")
@_format_option()
@click.option(
    "-o", "--output", type=str, default=None, help="write the result to this file instead of stdout"
)
@_bound_option("the comparison")
@click.option("--jobs", type=click.IntRange(1, 64), default=None, metavar="N", help="as for verify")
@_limit_options()
@_witness_option
@_conventions
def diff_command(
    base: str,
    other: str,
    fmt: str,
    output: str | None,
    bound: int | None,
    color: str,
    quiet: bool,
    verbose: int,
    jobs: int | None = None,
    timeout: float | None = None,
    rlimit: int | None = None,
    max_memory: int | None = None,
    witness: str = "plausible",
) -> None:
    from verifier.cli.verify import run_what_if

    streams = _setup(color, quiet, verbose)
    limits = _limits(timeout, rlimit, max_memory)
    _finish(
        streams,
        _styled(
            witness,
            lambda: run_what_if(
                base, other, fmt, output, bound, streams, direct=True, jobs=jobs, limits=limits
            ),
        ),
    )


@click.group(
    "whereas",
    context_settings=CONTEXT,
    help="Whereas: write contracts, check them, simulate them, verify them.\n\n"
    "Options can also be set in [tool.whereas] of the nearest pyproject.toml (docs/cli.md); "
    "the command line wins.\n\n" + exit_table_help(),
)
@click.version_option(__version__, "--version", prog_name="whereas", message="%(prog)s %(version)s")
def whereas() -> None:
    pass


@whereas.command(
    "check",
    context_settings=CONTEXT,
    help="Parse, resolve and type-check contract, scenario and amendment files. FILES may be "
    "folders (their .contract, .scenario and .amendment files, recursively) or - (stdin).\n\n"
    + exit_help((EXIT_OK, "no errors (warnings may be printed)"), (2, "an error in some file")),
)
@click.argument("files", nargs=-1, required=True)
@_format_option()
@_stdin_option
@_conventions
def check_cmd(
    files: tuple[str, ...], fmt: str, color: str, quiet: bool, verbose: int, stdin_filename: str | None
) -> None:
    from verifier.cli.check import run_check

    streams = _setup(color, quiet, verbose)
    _finish(streams, lambda: run_check(list(files), fmt, streams, stdin_filename=stdin_filename))


@whereas.command(
    "fmt",
    context_settings=CONTEXT,
    help="Print the canonical form of files (folders recurse, - is stdin); --write rewrites them "
    "in place.\n\n"
    + exit_help(
        (EXIT_OK, "done (--check: every file is formatted)"),
        (EXIT_FAIL, "--check: a file would be reformatted"),
    ),
)
@click.argument("files", nargs=-1, required=True)
@click.option("--write", is_flag=True, help="rewrite the files in place (atomically)")
@click.option("--check", is_flag=True, help="exit 1 if a file would change")
@click.option("--force", is_flag=True, help="with --write: rewrite read-only files too, keeping their mode")
@_format_option(("text", "json", "github"), param="check_format")
@_stdin_option
@_conventions
def fmt_cmd(
    files: tuple[str, ...],
    write: bool,
    check: bool,
    force: bool,
    check_format: str,
    color: str,
    quiet: bool,
    verbose: int,
    stdin_filename: str | None,
) -> None:
    from verifier.cli.fmt import run_fmt

    if write and "-" in files:
        raise click.UsageError("--write rewrites files in place; stdin (-) has no file to rewrite")
    streams = _setup(color, quiet, verbose)
    _finish(
        streams,
        lambda: run_fmt(
            list(files), write, check, streams, fmt=check_format, stdin_filename=stdin_filename, force=force
        ),
    )


@whereas.command(
    "simulate",
    context_settings=CONTEXT,
    help="Run a scenario on a contract and print its dated timeline: events, whether each was "
    "effective, what ruled on it, state changes, violations, and who is in breach. "
    "`simulate SCENARIO` uses the contract the scenario names; `simulate CONTRACT SCENARIO` "
    "uses CONTRACT (a contract or an amendment). SCENARIO may be - (stdin).\n\n"
    + exit_help(
        (EXIT_OK, "nobody is in breach"),
        (EXIT_FAIL, "some party is in breach"),
        (EXIT_UNKNOWN, "the run did not finish within --timeout"),
    ),
)
@click.argument("first", metavar="[CONTRACT]")
@click.argument("scenario", required=False, metavar="SCENARIO")
@_format_option()
@_limit_options(memory=False)
@_stdin_option
@_conventions
def simulate_cmd(
    first: str,
    scenario: str | None,
    fmt: str,
    color: str,
    quiet: bool,
    verbose: int,
    timeout: float | None,
    stdin_filename: str | None,
) -> None:
    from verifier.cli.simulate import run_simulate

    streams = _setup(color, quiet, verbose)
    contract, scen = (None, first) if scenario is None else (first, scenario)
    if contract == "-":
        raise click.UsageError("only the scenario can come from stdin (-); name the contract's file")
    _finish(
        streams,
        lambda: run_simulate(contract, scen, fmt, streams, stdin_filename=stdin_filename, timeout=timeout),
    )


@whereas.command(
    "lsp",
    context_settings=CONTEXT,
    help="Run the language server on stdin and stdout, for an editor to start (docs/editor.md): "
    "diagnostics as you type, outline, hover, definitions, references, rename, quick fixes, completion, "
    "formatting and a "
    '"verify" lens on each check, for .contract, .scenario and .amendment files. Needs the extra: '
    "pip install 'whereas[lsp]'.\n\n"
    + exit_help((EXIT_OK, "the client asked the server to exit"), (2, "pygls is not installed")),
)
@click.option("--stdio", is_flag=True, help="talk over stdin and stdout (the default and only transport)")
@click.version_option(__version__, "--version", prog_name="whereas", message="%(prog)s %(version)s")
def lsp_cmd(stdio: bool) -> None:
    try:
        import pygls  # noqa: F401
    except ImportError:
        click.echo(
            "whereas lsp: the language server needs pygls, which is not installed\n"
            "  hint: pip install 'whereas[lsp]'  (or: pip install 'pygls>=2,<3')",
            err=True,
        )
        raise SystemExit(2) from None
    from verifier.lsp.server import main

    raise SystemExit(main())


whereas.add_command(verify_command)
whereas.add_command(diff_command)


def default_map(command: click.Command, values: dict[str, Any]) -> dict[str, Any]:
    """``[tool.whereas]`` values (by parameter name) as click's ``default_map`` for
    ``command``: each value for the commands that have that option."""

    def own(cmd: click.Command) -> dict[str, Any]:
        names = {p.name for p in cmd.params}
        return {k: v for k, v in values.items() if k in names}

    if isinstance(command, click.Group):
        return {name: own(cmd) for name, cmd in command.commands.items()}
    return own(command)
