"""Calendar arithmetic for a billing system: month lengths and adding months."""

from __future__ import annotations

from datetime import date

MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def is_leap_year(year: int) -> bool:
    """Whether `year` has a 29 February in the Gregorian calendar."""
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def days_in_month(year: int, month: int) -> int:
    if not 1 <= month <= 12:
        raise ValueError(f"month must be 1-12, got {month}")
    if month == 2 and is_leap_year(year):
        return 29
    return MONTH_DAYS[month - 1]


def add_months(day: date, months: int) -> date:
    """Same day of the month `months` later, clamped to the month's last day."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, days_in_month(year, month)))


def billing_dates(start: date, count: int) -> list[date]:
    """Monthly billing dates that keep the start's day of the month where they can."""
    return [add_months(start, n) for n in range(count)]
