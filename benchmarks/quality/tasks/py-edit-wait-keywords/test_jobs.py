import inspect

import pytest
from jobs import Job, JobTimeout, Status, wait_for, wait_for_job


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def test_interval_and_timeout_are_used():
    fake = FakeTime()
    with pytest.raises(JobTimeout):
        wait_for(lambda: False, fake.sleep, fake.clock, interval=2, timeout=5)
    assert fake.sleeps == [2, 2, 2]


def test_keyword_only_with_the_old_defaults():
    parameters = inspect.signature(wait_for).parameters
    assert parameters["interval"].kind is inspect.Parameter.KEYWORD_ONLY
    assert parameters["timeout"].kind is inspect.Parameter.KEYWORD_ONLY
    assert parameters["interval"].default == 0.5
    assert parameters["timeout"].default == 30


def test_waiting_for_a_job():
    fake = FakeTime()
    states = iter([Status.QUEUED, Status.RUNNING, Status.DONE])

    def refresh(job: Job) -> Job:
        return Job(job.id, next(states))

    done = wait_for_job(Job("j1"), refresh, sleep=fake.sleep, clock=fake.clock, interval=1)
    assert done.status is Status.DONE
    assert fake.sleeps == [1, 1]
