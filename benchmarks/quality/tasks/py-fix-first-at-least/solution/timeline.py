"""Lookups in a recording's sorted timeline of events (seconds from the start)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Event:
    at: int
    label: str


def first_at_least(times: Sequence[int], target: int) -> int:
    """Index of the first value >= target in the sorted `times`; len(times) when none is."""
    lo, hi = 0, len(times)
    while lo < hi:
        mid = (lo + hi) // 2
        if times[mid] < target:
            lo = mid + 1
        else:
            hi = mid
    return lo


def next_event(events: list[Event], at: int) -> Event | None:
    """The first event at or after `at`, or None when the recording has no more."""
    index = first_at_least([event.at for event in events], at)
    return events[index] if index < len(events) else None


def events_between(events: list[Event], start: int, end: int) -> list[Event]:
    """Events with start <= at < end."""
    times = [event.at for event in events]
    return events[first_at_least(times, start) : first_at_least(times, end)]


def chapter_marks(events: list[Event], every: int) -> list[str]:
    marks = []
    for start in range(0, (events[-1].at if events else 0) + 1, every):
        inside = events_between(events, start, start + every)
        marks.append(f"{start // 60:02d}:{start % 60:02d} {len(inside)} events")
    return marks
