"""From the environment to the time a report says it was made.

A report carries the time of its run, as reports should. To make one
reproducible (a golden file, a diff between two runs, a reproducible build),
set ``SOURCE_DATE_EPOCH`` (the reproducible-builds.org convention): a whole
number of seconds since 1970-01-01 00:00:00 UTC, which every report then
gives as its time instead of the clock's. Nothing else in a report depends
on when or where it was made but the versions of the tool, Python and Z3.
"""

from __future__ import annotations

import datetime as _dt
import os
from collections.abc import Mapping

ENV = "SOURCE_DATE_EPOCH"


class ClockError(ValueError):
    """``SOURCE_DATE_EPOCH`` is set but is not a time a report can carry; the message says why."""


def run_started(environ: Mapping[str, str] | None = None) -> _dt.datetime:
    """``SOURCE_DATE_EPOCH`` as an aware UTC time if it is set, else now (whole seconds).
    Raises ``ClockError`` for a value that is not a whole number of seconds from
    1970 to 9999 (the convention asks tools to stop rather than guess)."""
    env = os.environ if environ is None else environ
    raw = env.get(ENV)
    if raw is None or raw == "":
        return _dt.datetime.now(_dt.UTC).replace(microsecond=0)
    text = raw.strip()
    if not text.isascii() or not text.isdigit() or len(text) > 12:
        raise ClockError(
            f"{ENV}={raw!r} is not a whole number of seconds since 1970-01-01 (for example {ENV}=1700000000)"
        )
    try:
        return _dt.datetime.fromtimestamp(int(text), _dt.UTC)
    except (OverflowError, OSError, ValueError):
        raise ClockError(f"{ENV}={raw!r} is past the year 9999") from None
