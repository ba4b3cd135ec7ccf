"""Meeting-room availability: busy intervals in minutes since midnight."""

from __future__ import annotations

from dataclasses import dataclass

DAY_START = 8 * 60
DAY_END = 18 * 60


@dataclass(frozen=True, order=True)
class Booking:
    start: int
    end: int
    who: str = ""

    def overlaps(self, other: Booking) -> bool:
        return self.start < other.end and other.start < self.end


def parse_hhmm(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def format_hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def free_slots(busy: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The free gaps of the working day around the busy intervals."""
    slots = []
    cursor = DAY_START
    for start, end in merge_busy(busy):
        if start > cursor:
            slots.append((cursor, min(start, DAY_END)))
        cursor = max(cursor, end)
        if cursor >= DAY_END:
            break
    if cursor < DAY_END:
        slots.append((cursor, DAY_END))
    return slots


def merge_busy(intervals: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Merge overlapping or touching (start, end) intervals into a list sorted by start."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged
