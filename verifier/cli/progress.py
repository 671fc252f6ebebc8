"""From a long run to a line on stderr that says what it is doing: "verifying
FILE ... 4s", rewritten in place, and erased when the run ends.

Only for a terminal, never with ``-q``, and only once the run has taken more
than ``DELAY`` seconds: a quick run prints nothing, and nothing is left on the
terminal afterwards. A background thread redraws the line; the run tells it
what it is doing with ``Progress.update``.
"""

from __future__ import annotations

import threading
import time
from types import TracebackType
from typing import IO

DELAY = 1.0  # seconds before the first line
TICK = 0.5  # seconds between redraws
CLEAR = "\r\x1b[K"  # back to the start of the line, erase it


class Progress:
    """A context manager; ``enabled`` False makes it do nothing at all."""

    def __init__(self, err: IO[str], enabled: bool, delay: float = DELAY, tick: float = TICK) -> None:
        self.err = err
        self.enabled = enabled
        self.delay = delay
        self.tick = tick
        self.label = ""
        self.shown = False
        self._start = 0.0
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def update(self, label: str) -> None:
        self.label = label

    def __enter__(self) -> Progress:
        if self.enabled:
            self._start = time.monotonic()
            self._thread = threading.Thread(target=self._run, name="whereas-progress", daemon=True)
            self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._thread is None:
            return
        self._stop.set()
        self._thread.join()
        with self._lock:
            if self.shown:
                self._write(CLEAR)
                self.shown = False

    def _run(self) -> None:
        if self._stop.wait(self.delay):
            return
        while True:
            elapsed = time.monotonic() - self._start
            with self._lock:
                if self._stop.is_set():
                    return
                self._write(f"{CLEAR}{self.label} ... {elapsed:.0f}s")
                self.shown = True
            if self._stop.wait(self.tick):
                return

    def _write(self, text: str) -> None:
        try:
            self.err.write(text)
            self.err.flush()
        except (OSError, ValueError):  # the terminal went away: nothing to show progress on
            self._stop.set()


def wanted(err: IO[str], quiet: bool) -> bool:
    """Progress on ``err``: a terminal, and not ``-q``."""
    if quiet:
        return False
    isatty = getattr(err, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:
        return False
