"""From the environment to the time a document gives for its run: now, or
``SOURCE_DATE_EPOCH`` when it is set (the reproducible-builds convention: a
whole number of seconds since 1970-01-01 UTC), so that the same input gives the
same bytes from run to run, for a diff or a golden file.
"""

from __future__ import annotations

import datetime as dt
import os


def run_started() -> dt.datetime:
    """The run's time, to the second, in UTC. A ``SOURCE_DATE_EPOCH`` that is not a
    whole number of seconds within the calendar is ignored, as the convention asks."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit() and len(epoch) <= 12:
        try:
            return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
        except (OverflowError, OSError, ValueError):
            pass
    return dt.datetime.now(dt.UTC).replace(microsecond=0)
