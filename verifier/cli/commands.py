"""From command-line arguments to a command's call: the click commands ``verify`` and
``whereas check|fmt|simulate|verify|diff``.

Imported only when arguments need parsing (``verify FILE...`` alone does not:
``verifier.cli`` runs it without click). Each command calls its ``run_*``
function with the streams and raises ``SystemExit`` with its exit code.
"""

from __future__ import annotations

import sys

import click

from verifier.cli.check import run_check
from verifier.cli.common import HELP_EXIT, Streams
from verifier.cli.fmt import run_fmt
from verifier.cli.simulate import run_simulate
from verifier.cli.verify import run_verify, run_what_if


def _streams() -> Streams:
    """The streams ``verifier.cli.main`` passed (click's context object), else the process's."""
    ctx = click.get_current_context(silent=True)
    found = ctx.find_object(Streams) if ctx is not None else None
    return found if found is not None else Streams(sys.stdout, sys.stderr)


@click.command(
    "verify",
    help="Prove or refute the checks of contract files with the Z3 solver.\n\n"
    "Each check gets a verdict (holds / fails / unknown), the clauses that decide it and, "
    "where one exists, a dated scenario replayed in the reference interpreter.\n\n" + HELP_EXIT,
)
@click.argument("files", nargs=-1, required=True)
@click.option(
    "--check",
    "checks",
    multiple=True,
    metavar="NAME",
    help="verify only this check (id or title); repeatable",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "sarif", "junit"]),
    default="text",
    show_default=True,
    help="text or json; sarif (SARIF 2.1.0, code scanning) or junit (JUnit XML, CI)",
)
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
@click.option(
    "--bound",
    type=click.IntRange(1, 8),
    default=2,
    show_default=True,
    help="occurrences of each event the solver considers (proofs are re-checked at bound+1)",
)
@click.option(
    "--jobs",
    type=click.IntRange(1, 64),
    default=None,
    metavar="N",
    help="processes for a big contract's slices (default: one per core; small contracts use one)",
)
@click.option("--timings", is_flag=True, help="include solver times (makes output non-deterministic)")
@click.option("--no-analyses", is_flag=True, help="skip the built-in analyses (conflicts, dead clauses, ...)")
@click.option(
    "--what-if",
    "what_if",
    type=str,
    default=None,
    metavar="AMENDMENT",
    help="compare with the contract as AMENDMENT changes it: verdicts before and after, and a "
    "scenario on which the two versions differ",
)
def verify_command(
    files: tuple[str, ...],
    checks: tuple[str, ...],
    fmt: str,
    output: str | None,
    bound: int,
    timings: bool,
    no_analyses: bool,
    what_if: str | None,
    report: str | None = None,
    report_format: str | None = None,
    jobs: int | None = None,
) -> None:
    streams = _streams()
    if what_if is not None:
        if len(files) != 1:
            raise click.UsageError("--what-if compares one contract with one amendment")
        raise SystemExit(
            run_what_if(
                files[0],
                what_if,
                fmt,
                output,
                bound,
                streams,
                report=report,
                report_format=report_format,
                jobs=jobs,
            )
        )
    raise SystemExit(
        run_verify(
            list(files),
            list(checks),
            fmt,
            output,
            bound,
            timings,
            streams,
            not no_analyses,
            report,
            report_format,
            jobs=jobs,
        )
    )


@click.command(
    "diff",
    help="Compare two versions of a contract: BASE and OTHER, an amendment of it or a whole contract. "
    "Prints each check's verdict before and after, and a scenario on which the versions differ, "
    "or the proof that none exists within the bounds.\n\n" + HELP_EXIT,
)
@click.argument("base")
@click.argument("other")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option(
    "-o", "--output", type=str, default=None, help="write the result to this file instead of stdout"
)
@click.option("--bound", type=click.IntRange(1, 8), default=2, show_default=True)
def diff_command(base: str, other: str, fmt: str, output: str | None, bound: int) -> None:
    raise SystemExit(run_what_if(base, other, fmt, output, bound, _streams(), direct=True))


@click.group(
    "whereas", help="Whereas: write contracts, check them, simulate them, verify them.\n\n" + HELP_EXIT
)
@click.version_option(package_name="whereas")
def whereas() -> None:
    pass


@whereas.command(
    "check", help="Parse, resolve and type-check contract, scenario and amendment files.\n\n" + HELP_EXIT
)
@click.argument("files", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def check_cmd(files: tuple[str, ...], fmt: str) -> None:
    raise SystemExit(run_check(list(files), fmt, _streams()))


@whereas.command(
    "fmt", help="Print the canonical form of a file; --write rewrites it in place.\n\n" + HELP_EXIT
)
@click.argument("files", nargs=-1, required=True)
@click.option("--write", is_flag=True, help="rewrite the files in place (atomically)")
@click.option("--check", is_flag=True, help="exit 1 if a file would change")
@click.option("--force", is_flag=True, help="with --write: rewrite read-only files too, keeping their mode")
def fmt_cmd(files: tuple[str, ...], write: bool, check: bool, force: bool) -> None:
    raise SystemExit(run_fmt(list(files), write, check, _streams(), force=force))


@whereas.command(
    "simulate",
    help="Run a scenario on a contract and print its dated timeline: events, whether each was "
    "effective, what ruled on it, state changes, violations, and who is in breach. "
    "`simulate SCENARIO` uses the contract the scenario names; `simulate CONTRACT SCENARIO` "
    "uses CONTRACT (a contract or an amendment).\n\n" + HELP_EXIT,
)
@click.argument("first", metavar="[CONTRACT]")
@click.argument("scenario", required=False, metavar="SCENARIO")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def simulate_cmd(first: str, scenario: str | None, fmt: str) -> None:

    if scenario is None:
        raise SystemExit(run_simulate(None, first, fmt, _streams()))
    raise SystemExit(run_simulate(first, scenario, fmt, _streams()))


whereas.add_command(verify_command)
whereas.add_command(diff_command)
