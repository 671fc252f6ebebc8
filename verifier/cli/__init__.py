"""From the command line to a command's exit code: the console scripts ``verify`` and
``whereas``, and ``main``/``verify_cli`` for calling them from Python
(not ``verify``: that name is the submodule ``verifier.cli.verify`` once it is
imported).

One module a verb (``check``, ``fmt``, ``simulate``, ``verify``, which also
holds ``--what-if`` and ``diff``), each a ``run_*`` function that takes its
streams and returns an exit code; ``common`` holds the streams, the exit codes
and diagnostics printing, ``commands`` the click options, ``inputs`` what the
input arguments name (folders, stdin), ``config`` ``[tool.whereas]``, ``style``
colour, ``progress`` the progress line, and ``guard`` what becomes of ^C, a
closed pipe and any exception (never a traceback). Only the console entry points exit.

Start-up: importing this package imports nothing heavy. ``verify FILE...`` with
nothing but file names, the common case, runs without click at all (with
exactly what click would have passed; anything else goes through click), and
z3 is imported only by commands that solve, once the input is found good.

The process: only the console scripts (``verify_main``, ``whereas_main``, and so
``python -m verifier``) own it, and they alone tune its garbage collector (the
imports and the loaded input frozen, see ``common.freeze_heap``); ``main`` and
``verify_cli`` called from Python leave it as they found it, as the library does.
"""

from __future__ import annotations

import os
import sys

from verifier.cli.common import EXIT_INPUT, EXIT_OK, Streams

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing before _import_frozen
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import IO

    import click

__all__ = ["main", "verify_cli", "verify_main", "whereas_main"]


def _main(group: click.Command, argv: list[str] | None, streams: Streams) -> int:
    """Run a click command: its exit code; usage errors exit 2, ^C 130. The defaults of
    ``[tool.whereas]`` (``verifier.cli.config``) are given as click's ``default_map``."""
    import click

    from verifier.cli import config
    from verifier.cli.commands import default_map
    from verifier.cli.guard import interrupted

    conf, problem = config.load()
    if problem is not None:
        streams.err.write(problem.render())
        return EXIT_INPUT
    try:
        group.main(
            args=argv,
            standalone_mode=False,
            obj=streams,
            prog_name=None if streams.owns_process else group.name,  # called from Python: not sys.argv[0]
            default_map=default_map(group, conf.values) if conf.values else None,
        )
    except SystemExit as e:
        return _code(e)
    except click.exceptions.NoArgsIsHelpError as e:
        click.echo(e.ctx.get_help() if e.ctx else str(e), err=True)
        return EXIT_INPUT
    except click.UsageError as e:
        e.show()
        return EXIT_INPUT
    except click.exceptions.Abort:  # click's word for ^C while it parses
        return interrupted(streams.err)
    except click.ClickException as e:
        e.show()
        return EXIT_INPUT
    return EXIT_OK


def _code(e: SystemExit) -> int:
    return e.code if isinstance(e.code, int) else (0 if e.code is None else EXIT_INPUT)


def main(argv: list[str] | None = None, stdout: IO[str] | None = None, stderr: IO[str] | None = None) -> int:
    """``whereas ARGS``: the exit code. ``stdout``/``stderr``: where the command's
    results and diagnostics go (default: the process's; click's own usage
    errors and help always go to the process's)."""
    streams = Streams(stdout or sys.stdout, stderr or sys.stderr)
    return _top(lambda: _whereas(argv, streams), streams)


def verify_cli(
    argv: list[str] | None = None, stdout: IO[str] | None = None, stderr: IO[str] | None = None
) -> int:
    """``verify ARGS``: the exit code (see ``main``)."""
    args = sys.argv[1:] if argv is None else list(argv)
    streams = Streams(stdout or sys.stdout, stderr or sys.stderr)
    return _top(lambda: _verify(args, streams), streams)


def whereas_main() -> None:
    """The ``whereas`` console script: the process is the command's."""
    streams = Streams(sys.stdout, sys.stderr, owns_process=True)
    _own_process()
    sys.exit(_top(lambda: _whereas(None, streams), streams))


def verify_main() -> None:
    """The ``verify`` console script (and ``python -m verifier``): the process is the command's."""
    streams = Streams(sys.stdout, sys.stderr, owns_process=True)
    _own_process()
    sys.exit(_top(lambda: _verify(sys.argv[1:], streams), streams))


def _own_process() -> None:
    from verifier.cli.guard import install_signal_handlers

    install_signal_handlers()


def _top(run: Callable[[], int], streams: Streams) -> int:
    """The top of every command: whatever ``run`` raises becomes a message and an exit
    code (``verifier.cli.guard``), and stdout is flushed here, so that a closed pipe
    is said here too and not by the interpreter on its way out."""
    from verifier.cli.guard import guarded

    def flushed() -> int:
        code = run()
        streams.out.flush()
        return code

    return guarded(flushed, streams.err)


def _whereas(argv: list[str] | None, streams: Streams) -> int:
    from verifier.cli.commands import whereas

    return _main(whereas, argv, streams)


def _verify(args: list[str], streams: Streams) -> int:
    files = _only_files(args)
    if files is not None:
        from verifier.cli import config

        conf, problem = config.load()
        if problem is None and not conf.values:  # else click sets the defaults, or says what is wrong
            return _verify_files(files, streams)
    from verifier.cli.commands import verify_command

    return _main(verify_command, args, streams)


def _only_files(args: list[str]) -> list[str] | None:
    """``args`` if click would read all of them as FILES and nothing else: at least one, none
    that looks like an option (``-x``, ``--x``, ``--``, ``-``), no shell completion asked for
    (``_..._COMPLETE``) and no Windows wildcard expansion to do. Otherwise None."""
    if not args or os.name == "nt" or any(a.startswith("-") for a in args):
        return None
    if any(k.startswith("_") and k.endswith("_COMPLETE") for k in os.environ):
        return None
    return args


def _import_frozen(streams: Streams, *modules: str) -> None:
    """Import ``modules``; in a process the command owns, with the cyclic garbage
    collector off, then freeze everything imported (and loaded) so far. Start-up
    allocates some 100,000 objects that live to the end: the collector would only
    scan them again and again (10-30 ms of a run)."""
    import gc

    if not streams.owns_process:
        for name in modules:
            __import__(name)
        return
    enabled = gc.isenabled()
    gc.disable()
    try:
        for name in modules:
            __import__(name)  # not importlib.import_module, which -X importtime does not see
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def _verify_files(files: list[str], streams: Streams) -> int:
    """``verify FILE...`` with every option at its default, as ``verify_command`` and ``_main``
    run it through click: the same call and exit code (``_top`` handles ^C, a closed pipe
    and any exception, as for click)."""
    from verifier.cli.progress import wanted
    from verifier.cli.style import want_color

    streams.color = want_color("auto", streams.out, os.environ)
    streams.err_color = want_color("auto", streams.err, os.environ)
    streams.progress = wanted(streams.err, False)
    _import_frozen(
        streams, "dsl.load", "verifier.verify.run", "verifier.cli.verify"
    )  # what run_verify imports first
    from verifier.cli.verify import run_verify

    # z3 only once the input has been found good, as run_verify does
    return run_verify(
        files,
        [],
        "text",
        None,
        None,
        False,
        streams,
        before_solving=lambda: _import_frozen(streams, "verifier.smt.prove"),
    )
