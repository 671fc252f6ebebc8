"""The command line: ``verify FILE...`` and ``whereas check|fmt|simulate|verify|diff``.

Each command takes its streams and returns an exit code; only the console
entry points exit. z3 is imported only by commands that solve.

Exit codes: 0 all good (every check holds / no errors / no breach); 1 a check
fails / someone is in breach / a file would be reformatted; 2 bad input or
usage; 3 some result unknown and none fails.

Start-up: importing this module imports nothing heavy. The click commands
(``whereas``, ``check_cmd``, ...) are built on first use, and ``verify FILE...``
with nothing but file names, the common case, runs without click at all (with
exactly what click would have passed; anything else goes through click).
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing before _import_frozen
if TYPE_CHECKING:
    from typing import IO, Any

    import click

    from dsl.diagnostics import Diagnostic, Sources

EXIT_OK, EXIT_FAIL, EXIT_INPUT, EXIT_UNKNOWN = 0, 1, 2, 3


class Streams:
    def __init__(self, out: IO[str], err: IO[str]) -> None:
        self.out = out
        self.err = err


def print_diagnostics(diags: list[Diagnostic], sources: Sources, err: IO[str], show_summary: bool = True) -> None:
    from dsl.diagnostics import render, sort_key, summary

    for d in sorted(diags, key=sort_key):
        err.write(render(d, sources) + "\n\n")
    if diags and show_summary:
        err.write(summary(diags) + "\n")


def diagnostics_json(diags: list[Diagnostic]) -> dict[str, Any]:
    from dsl.diagnostics import sort_key

    ds = sorted(diags, key=sort_key)
    return {
        "schema": "whereas.check/1",
        "diagnostics": [d.to_json() for d in ds],
        "summary": {"errors": sum(d.is_error for d in ds), "warnings": sum(not d.is_error for d in ds)},
    }


# ----------------------------------------------------------------- check


def run_check(files: list[str], fmt: str, streams: Streams) -> int:
    from dsl.diagnostics import Sources, summary
    from dsl.load import load_contract, parse_file

    sources = Sources()
    all_diags: list[Diagnostic] = []
    for f in files:
        node, diags = parse_file(f, sources)
        if node is not None:
            from dsl import syntax as s

            if isinstance(node, s.ScenarioFile):
                from dsl.load import load_scenario

                _, _, diags = load_scenario(f, sources)
            else:
                diags = load_contract(f, sources).diagnostics
        all_diags.extend(diags)
    errors = any(d.is_error for d in all_diags)
    if fmt == "json":
        import json

        streams.out.write(json.dumps(diagnostics_json(all_diags), indent=2, ensure_ascii=False) + "\n")
    else:
        print_diagnostics(all_diags, sources, streams.err)
        if not errors:
            streams.out.write(f"ok: {len(files)} file{'s' if len(files) != 1 else ''} checked" + (
                f" ({summary(all_diags)})" if all_diags else "") + "\n")
    return EXIT_INPUT if errors else EXIT_OK


# ----------------------------------------------------------------- fmt


def run_fmt(files: list[str], write: bool, check: bool, streams: Streams) -> int:
    from dsl.diagnostics import Sources
    from dsl.format import format_source, write_atomically
    from dsl.load import read_source

    sources = Sources()
    status = EXIT_OK
    for f in files:
        text, diags = read_source(f, sources)
        if text is None:
            print_diagnostics(diags, sources, streams.err)
            return EXIT_INPUT
        out, diags = format_source(text, f)
        if out is None:
            print_diagnostics(diags, sources, streams.err)
            return EXIT_INPUT
        if check:
            if out != text:
                streams.err.write(f"would reformat {f}\n")
                status = EXIT_FAIL
        elif write:
            if out != text:
                write_atomically(f, out)
                streams.err.write(f"reformatted {f}\n")
        else:
            streams.out.write(out)
    return status


# ----------------------------------------------------------------- click wiring

HELP_EXIT = """\b
Exit codes:
  0  every check holds (check: no errors; simulate: no breach)
  1  a check fails (simulate: someone is in breach; fmt --check: would reformat)
  2  bad input or usage: syntax, name or type errors, missing files
  3  some result is unknown (resource limit, unsupported construct) and none fails
"""

_COMMANDS = ("whereas", "check_cmd", "fmt_cmd", "simulate_cmd")


def _streams() -> Streams:
    return Streams(sys.stdout, sys.stderr)


def _build_commands() -> None:
    """Define the click group ``whereas`` and its commands (once), with ``verify`` and ``diff``."""
    import click

    @click.group("whereas", help="Whereas: write contracts, check them, simulate them, verify them.\n\n" + HELP_EXIT)
    @click.version_option(package_name="whereas")
    def whereas() -> None:
        pass

    @whereas.command("check", help="Parse, resolve and type-check contract, scenario and amendment files.\n\n" + HELP_EXIT)
    @click.argument("files", nargs=-1, required=True)
    @click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
    def check_cmd(files: tuple[str, ...], fmt: str) -> None:
        raise SystemExit(run_check(list(files), fmt, _streams()))

    @whereas.command("fmt", help="Print the canonical form of a file; --write rewrites it in place.\n\n" + HELP_EXIT)
    @click.argument("files", nargs=-1, required=True)
    @click.option("--write", is_flag=True, help="rewrite the files in place (atomically)")
    @click.option("--check", is_flag=True, help="exit 1 if a file would change")
    def fmt_cmd(files: tuple[str, ...], write: bool, check: bool) -> None:
        raise SystemExit(run_fmt(list(files), write, check, _streams()))

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
        from verifier.cli.simulate import run_simulate

        if scenario is None:
            raise SystemExit(run_simulate(None, first, fmt, _streams()))
        raise SystemExit(run_simulate(first, scenario, fmt, _streams()))

    globals().update(whereas=whereas, check_cmd=check_cmd, fmt_cmd=fmt_cmd, simulate_cmd=simulate_cmd)
    from verifier.cli.verify import diff_command, verify_command

    whereas.add_command(verify_command)
    whereas.add_command(diff_command)


def __getattr__(name: str) -> Any:
    """``whereas``, ``check_cmd``, ``fmt_cmd`` and ``simulate_cmd``: the click objects, built on first use."""
    if name in _COMMANDS:
        if name not in globals():
            _build_commands()
        return globals()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _main(group: click.Command, argv: list[str] | None) -> int:
    import click

    try:
        group.main(args=argv, standalone_mode=False)
    except SystemExit as e:
        return int(e.code or 0)
    except click.exceptions.NoArgsIsHelpError as e:
        click.echo(e.ctx.get_help() if e.ctx else str(e), err=True)
        return EXIT_INPUT
    except click.UsageError as e:
        e.show()
        return EXIT_INPUT
    except click.exceptions.Abort:
        return EXIT_INPUT
    except click.ClickException as e:
        e.show()
        return EXIT_INPUT
    return EXIT_OK


def whereas_main(argv: list[str] | None = None) -> None:
    sys.exit(_main(__getattr__("whereas"), argv))


def verify_main(argv: list[str] | None = None) -> None:
    files = _only_files(sys.argv[1:] if argv is None else list(argv))
    if files is not None:
        sys.exit(_verify_files(files))
    from verifier.cli.verify import verify_command

    sys.exit(_main(verify_command, argv))


def _only_files(args: list[str]) -> list[str] | None:
    """``args`` if click would read all of them as FILES and nothing else: at least one, none
    that looks like an option (``-x``, ``--x``, ``--``, ``-``), no shell completion asked for
    (``_..._COMPLETE``) and no Windows wildcard expansion to do. Otherwise None."""
    if not args or os.name == "nt" or any(a.startswith("-") for a in args):
        return None
    if any(k.startswith("_") and k.endswith("_COMPLETE") for k in os.environ):
        return None
    return args


def _import_frozen(*modules: str) -> None:
    """Import ``modules`` with the cyclic garbage collector off, then freeze everything
    imported so far. Start-up allocates some 100,000 objects that live to the end: the
    collector would only scan them again and again (10-30 ms of a run)."""
    import gc

    enabled = gc.isenabled()
    gc.disable()
    try:
        for name in modules:
            __import__(name)  # not importlib.import_module, which -X importtime does not see
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def _verify_files(files: list[str]) -> int:
    """``verify FILE...`` with every option at its default, as ``verify_command`` and ``_main``
    run it through click: the same call, exit code, and handling of ^C and of a closed pipe."""
    import errno

    try:
        _import_frozen("dsl.load", "verifier.verify.run", "verifier.cli.verify")  # what run_verify imports first
        from verifier.cli.verify import run_verify

        # z3 only once the input has been found good, as run_verify does
        return run_verify(files, [], "text", None, 2, False, _streams(),
                          before_solving=lambda: _import_frozen("verifier.smt.prove"))
    except SystemExit as e:
        return int(e.code or 0)
    except (EOFError, KeyboardInterrupt):
        sys.stderr.write("\n")  # as click: a blank line closes the terminal's ^C echo, then abort
        sys.stderr.flush()
        return EXIT_INPUT
    except OSError as e:
        if e.errno != errno.EPIPE:
            raise
        from typing import TextIO, cast

        from click.utils import _PacifyFlushWrapper

        sys.stdout = cast(TextIO, _PacifyFlushWrapper(sys.stdout))
        sys.stderr = cast(TextIO, _PacifyFlushWrapper(sys.stderr))
        return EXIT_FAIL
