"""Every output repeats byte for byte: the run's time from ``SOURCE_DATE_EPOCH``
(``verifier.report.clock``), and the same bytes across hash seeds."""

from __future__ import annotations

import datetime as dt

import pytest

from verifier.report.clock import ClockError, run_started


def test_source_date_epoch_is_the_reports_time() -> None:
    assert run_started({"SOURCE_DATE_EPOCH": "1700000000"}) == dt.datetime(
        2023, 11, 14, 22, 13, 20, tzinfo=dt.UTC
    )
    assert run_started({"SOURCE_DATE_EPOCH": "0"}) == dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def test_without_source_date_epoch_the_clock_in_whole_seconds() -> None:
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    t = run_started({})
    assert before <= t <= dt.datetime.now(dt.UTC) and t.microsecond == 0
    assert run_started({"SOURCE_DATE_EPOCH": ""}).microsecond == 0


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("yesterday", "is not a whole number of seconds since 1970-01-01"),
        ("-5", "is not a whole number of seconds since 1970-01-01"),
        ("1.5", "is not a whole number of seconds since 1970-01-01"),
        ("999999999999", "is past the year 9999"),
        ("9" * 40, "is not a whole number of seconds since 1970-01-01"),
    ],
)
def test_a_bad_source_date_epoch_is_refused_with_its_reason(value: str, says: str) -> None:
    with pytest.raises(ClockError) as e:
        run_started({"SOURCE_DATE_EPOCH": value})
    assert str(e.value) == f"SOURCE_DATE_EPOCH={value!r} {says}" + (
        " (for example SOURCE_DATE_EPOCH=1700000000)" if "whole number" in says else ""
    )
