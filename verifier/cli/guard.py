"""From anything a command raises to a message and an exit code: no traceback, ever.

- Ctrl-C (``KeyboardInterrupt``): ``interrupted`` on stderr, exit 130. Outputs
  are written whole or not at all (``verifier.files.write_text``, and stdout
  only once the text is built), so nothing is left half-way.
- The reader of stdout went away (``verify ... | head -1``, ``EPIPE``): nothing
  more is printed, and stdout is pointed at /dev/null so the interpreter's last
  flush cannot complain; exit 141, as a program killed by SIGPIPE (a shell with
  ``pipefail`` sees the output was cut short).
- A ``SOURCE_DATE_EPOCH`` that is not a time (``verifier.clock``): said
  as bad usage, exit 2.
- Any other exception is our bug: ``internal error: <type>: <message>``, where
  (the innermost frame in our own code), the version and a request to report
  it; exit 4. ``WHEREAS_DEBUG=1`` (or ``-vv``) prints the traceback as well.
"""

from __future__ import annotations

import errno
import os
import signal
import sys
from collections.abc import Callable
from typing import IO

from verifier.cli.common import EXIT_INPUT, EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_PIPE
from verifier.clock import ClockError

REPORT_TO = "the Whereas maintainers"
_PACKAGES = ("dsl", "verifier")
_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def guarded(run: Callable[[], int], err: IO[str], debug: bool = False) -> int:
    """``run()``'s exit code, or the code of what it raised (``SystemExit`` passes through)."""
    try:
        return run()
    except KeyboardInterrupt:
        return interrupted(err)
    except OSError as e:
        if e.errno == errno.EPIPE:
            return closed_pipe()
        return internal_error(e, err, debug)
    except (SystemExit, GeneratorExit):
        raise
    except ClockError as e:
        err.write(f"error: {e}\n")
        return EXIT_INPUT
    except Exception as e:  # noqa: BLE001 - the one place every unexpected exception ends
        return internal_error(e, err, debug)


def interrupted(err: IO[str]) -> int:
    try:
        err.write("\ninterrupted\n")
        err.flush()
    except (OSError, ValueError):
        pass
    return EXIT_INTERRUPTED


def closed_pipe() -> int:
    """Point stdout at /dev/null so that the interpreter's last flush on exit has
    nowhere to fail (Python's own advice for SIGPIPE)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass
    return EXIT_PIPE


def where(e: BaseException) -> str:
    """The innermost frame of the traceback in our own packages: ``file:line, in function``."""
    import traceback

    frames = traceback.extract_tb(e.__traceback__)
    ours = [f for f in frames if _is_ours(f.filename)]
    if not (ours or frames):
        return "unknown location"
    f = (ours or frames)[-1]
    name = os.path.relpath(f.filename, _ROOT) if _is_ours(f.filename) else f.filename
    return f"{name}:{f.lineno}, in {f.name}"


def _is_ours(filename: str) -> bool:
    path = os.path.abspath(filename)
    return any(path.startswith(os.path.join(_ROOT, p) + os.sep) for p in _PACKAGES)


def internal_error(e: BaseException, err: IO[str], debug: bool = False) -> int:
    from verifier import __version__

    debug = debug or os.environ.get("WHEREAS_DEBUG", "") not in ("", "0")
    try:
        message = str(e)
    except Exception:  # noqa: BLE001 - an exception whose message cannot be made
        message = "(no message)"
    if len(message) > 2000:
        message = message[:2000] + " ..."
    lines = [
        f"internal error: {type(e).__name__}: {message}",
        f"  at {where(e)}",
        f"  whereas {__version__}, Python {sys.version.split()[0]}",
        f"  This is a bug in Whereas: please report it to {REPORT_TO}, with the input and the command line.",
    ]
    if debug:
        import traceback

        try:
            lines.append("".join(traceback.format_exception(e, limit=200)).rstrip("\n"))
        except RecursionError:
            lines.append("(the traceback is too deep to print)")
    else:
        lines.append("  (WHEREAS_DEBUG=1 prints the traceback)")
    try:
        err.write("\n".join(lines) + "\n")
        err.flush()
    except (OSError, ValueError):
        pass
    return EXIT_INTERNAL


def install_signal_handlers() -> None:
    """In a process the command owns: Ctrl-C is a ``KeyboardInterrupt`` in this process;
    a worker it forked (``verifier.verify.parallel``) inherits the handler and ends
    at once, quietly, instead of printing its own traceback."""
    main = os.getpid()

    def on_sigint(signum: int, frame: object) -> None:
        if os.getpid() != main:  # a forked worker: die of the signal, as if never handled
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            os.kill(os.getpid(), signal.SIGINT)
        raise KeyboardInterrupt

    try:
        signal.signal(signal.SIGINT, on_sigint)
    except ValueError:  # not the main thread
        pass
