"""Waiting for background jobs: status polling with a deadline."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum


class Status(Enum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


@dataclass
class Job:
    id: str
    status: Status = Status.QUEUED
    result: str | None = None

    @property
    def finished(self) -> bool:
        return self.status in (Status.DONE, Status.FAILED)


class JobTimeout(Exception):
    pass


def wait_for(
    check: Callable[[], bool],
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> None:
    """Call `check` every 0.5 s until it returns True; raise JobTimeout after 30 s."""
    deadline = clock() + 30
    while not check():
        if clock() >= deadline:
            raise JobTimeout("gave up after 30 s")
        sleep(0.5)


def wait_for_job(job: Job, refresh: Callable[[Job], Job], **options: object) -> Job:
    """Refresh the job until it is finished; options go to wait_for."""
    latest = [job]

    def check() -> bool:
        latest[0] = refresh(latest[0])
        return latest[0].finished

    wait_for(check, **options)
    return latest[0]
