"""Dates typed into a hotel booking form, and the checks run on them."""

from __future__ import annotations

from datetime import date, datetime, timedelta

MAX_AHEAD = timedelta(days=365)
MAX_NIGHTS = 28


def parse_date(text: str) -> date:
    """Parse a date typed by a guest, such as "2024-03-09"."""
    text = text.strip()
    try:
        return datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        raise ValueError(f"not a date: {text!r}") from None


def nights(check_in: date, check_out: date) -> int:
    return (check_out - check_in).days


def booking_problems(check_in: date, check_out: date, today: date) -> list[str]:
    """What is wrong with a requested stay; an empty list when it can be booked."""
    problems = []
    if check_in < today:
        problems.append("check-in is in the past")
    if check_in - today > MAX_AHEAD:
        problems.append("bookings open one year ahead")
    stay = nights(check_in, check_out)
    if stay < 1:
        problems.append("check-out must be after check-in")
    elif stay > MAX_NIGHTS:
        problems.append(f"stays are limited to {MAX_NIGHTS} nights")
    return problems


def format_stay(check_in: date, check_out: date) -> str:
    count = nights(check_in, check_out)
    label = "night" if count == 1 else "nights"
    return f"{check_in:%d %b} – {check_out:%d %b %Y} ({count} {label})"
