"""From ``--timeout SECONDS`` to a run that stops: ``Deadline`` raises ``TimedOut``
in the main thread once the time is up (a real-time interval timer, ``SIGALRM``).

For the one run the solver's own limits do not bound, the interpreter in
``whereas simulate``. Where there is no such timer (not the main thread, or no
``SIGALRM``), the run is not bounded, as without ``--timeout``.
"""

from __future__ import annotations

import signal
import threading
from types import FrameType, TracebackType


class TimedOut(Exception):
    """The deadline passed."""


class Deadline:
    def __init__(self, seconds: float | None) -> None:
        self.seconds = seconds
        self.armed = False
        self.previous: object = None

    def __enter__(self) -> Deadline:
        if (
            self.seconds is None
            or not hasattr(signal, "setitimer")
            or threading.current_thread() is not threading.main_thread()
        ):
            return self

        def on_alarm(signum: int, frame: FrameType | None) -> None:
            raise TimedOut

        self.previous = signal.signal(signal.SIGALRM, on_alarm)
        signal.setitimer(signal.ITIMER_REAL, self.seconds)
        self.armed = True
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self.armed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self.previous)  # type: ignore[arg-type]
            self.armed = False
