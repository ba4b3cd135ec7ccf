from datetime import timedelta

import pytest
from durations import as_timedelta, parse_duration


def test_days_and_seconds():
    assert parse_duration("90s") == 90
    assert parse_duration("1d2h") == 93600
    assert parse_duration("1h30m15s") == 5415


def test_still_strict():
    assert parse_duration(" 2H ") == 7200
    for bad in ("5x", "1h 30m", "m", "1ms"):
        with pytest.raises(ValueError):
            parse_duration(bad)
    assert as_timedelta("2d") == timedelta(days=2)
    with pytest.raises(ValueError):
        as_timedelta("8d")
