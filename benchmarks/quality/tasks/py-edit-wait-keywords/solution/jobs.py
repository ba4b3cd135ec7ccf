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
    *,
    interval: float = 0.5,
    timeout: float = 30,
) -> None:
    """Call `check` every `interval` s until it returns True; JobTimeout after `timeout` s."""
    deadline = clock() + timeout
    while not check():
        if clock() >= deadline:
            raise JobTimeout(f"gave up after {timeout} s")
        sleep(interval)


def wait_for_job(job: Job, refresh: Callable[[Job], Job], **options: object) -> Job:
    """Refresh the job until it is finished; options go to wait_for."""
    latest = [job]

    def check() -> bool:
        latest[0] = refresh(latest[0])
        return latest[0].finished

    wait_for(check, **options)
    return latest[0]
