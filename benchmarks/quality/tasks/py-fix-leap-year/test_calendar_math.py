from datetime import date

from calendar_math import add_months, days_in_month, is_leap_year


def test_leap_years():
    assert is_leap_year(2000) is True
    assert is_leap_year(2024) is True
    assert is_leap_year(1900) is False
    assert is_leap_year(2023) is False


def test_february_lengths_and_billing():
    assert days_in_month(2000, 2) == 29
    assert days_in_month(2100, 2) == 28
    assert add_months(date(1999, 12, 31), 2) == date(2000, 2, 29)
