"""A room thermostat with temporary holds and a weekly schedule."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

MIN_CELSIUS = 5.0
MAX_CELSIUS = 30.0
DEFAULT_TARGET = 20.0


@dataclass(frozen=True)
class ScheduleEntry:
    weekday: int  # Monday is 0
    start: time
    celsius: float


class Thermostat:
    def __init__(self, room: str, target: float = DEFAULT_TARGET) -> None:
        self.room = room
        self.target = target
        self.hold_until: datetime | None = None
        self.schedule: list[ScheduleEntry] = []

    def set_target(
        self, celsius: float, *, hold: bool = False, until: datetime | None = None
    ) -> float:
        """Set the target temperature, clamped to the allowed range; return the value used."""
        self.target = min(max(float(celsius), MIN_CELSIUS), MAX_CELSIUS)
        self.hold_until = until if hold else None
        return self.target

    def scheduled_target(self, now: datetime) -> float:
        """The target the schedule asks for at `now` (the default before any entry)."""
        today = [e for e in self.schedule if e.weekday == now.weekday() and e.start <= now.time()]
        return max(today, key=lambda e: e.start).celsius if today else DEFAULT_TARGET

    def tick(self, now: datetime) -> float:
        """Follow the schedule unless a hold is active; return the current target."""
        if self.hold_until is not None and now < self.hold_until:
            return self.target
        self.hold_until = None
        self.target = self.scheduled_target(now)
        return self.target
