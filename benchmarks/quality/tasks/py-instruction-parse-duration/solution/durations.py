"""Human-friendly durations for a command-line tool: "1h30m" in, "1h 30m" out."""

from __future__ import annotations

import re
from datetime import timedelta

PART_RE = re.compile(r"(\d+)([a-z]+)")
MAX_SECONDS = 7 * 24 * 3600


def parse_duration(text: str) -> int:
    """The number of seconds in a duration such as "2h", "45m" or "1h30m"."""
    units = {"d": 86400, "h": 3600, "m": 60, "s": 1}
    text = text.strip().lower()
    parts = PART_RE.findall(text)
    if not parts or "".join(number + unit for number, unit in parts) != text:
        raise ValueError(f"not a duration: {text!r}")
    total = 0
    for number, unit in parts:
        if unit not in units:
            raise ValueError(f"unknown unit {unit!r} in {text!r}")
        total += int(number) * units[unit]
    return total


def format_duration(seconds: int) -> str:
    """The inverse of parse_duration, for display: 5400 -> "1h 30m"."""
    if seconds < 60:
        return f"{seconds}s"
    hours, rest = divmod(seconds, 3600)
    minutes = rest // 60
    parts = []
    if hours:
        parts.append(f"{hours}h")
    if minutes:
        parts.append(f"{minutes}m")
    return " ".join(parts)


def as_timedelta(text: str) -> timedelta:
    seconds = parse_duration(text)
    if seconds > MAX_SECONDS:
        raise ValueError("durations are limited to one week")
    return timedelta(seconds=seconds)
