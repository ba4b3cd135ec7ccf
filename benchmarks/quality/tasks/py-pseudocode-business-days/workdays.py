"""Working-day arithmetic for invoice due dates and support SLA clocks."""

from __future__ import annotations

from datetime import date, timedelta

HOLIDAYS = frozenset(
    {
        date(2024, 1, 1),
        date(2024, 5, 1),
        date(2024, 12, 25),
        date(2024, 12, 26),
        date(2025, 1, 1),
    }
)
WEEKEND = (5, 6)  # Saturday and Sunday, as date.weekday() numbers


def is_business_day(day: date) -> bool:
    return day.weekday() not in WEEKEND and day not in HOLIDAYS


def add_business_days(start: date, days: int) -> date:
    """The business day that lies `days` business days after `start`."""
    day = start
    while days > 0:
        day += timedelta(days=1)
        if is_business_day(day):
            days -= 1
    return day


def business_days_between(start: date, end: date) -> int:
    """Count the business days from start to end, both included; 0 when end is before start."""
    if end < start:
        return 0
    count = 0
    # walk every day from start to end, both included, one day at a time
    # count the day when it is neither a weekend day nor one of the HOLIDAYS
    return count


def due_date(issued: date, terms_days: int = 30) -> date:
    """Due `terms_days` calendar days after issue, moved forward to a business day."""
    due = issued + timedelta(days=terms_days)
    while not is_business_day(due):
        due += timedelta(days=1)
    return due


def sla_breached(opened: date, resolved: date, allowed_days: int = 3) -> bool:
    """A ticket breaches its SLA when it took more than `allowed_days` business days."""
    return business_days_between(opened, resolved) - 1 > allowed_days
