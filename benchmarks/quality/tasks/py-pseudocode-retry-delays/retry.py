"""Retrying flaky network calls: a backoff policy and a runner that follows it."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")

RETRYABLE: tuple[type[Exception], ...] = (ConnectionError, TimeoutError)
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetryPolicy:
    """How often to try a call and how long to wait between tries."""

    attempts: int = 4
    base: float = 0.5
    factor: float = 2.0
    max_delay: float = 10.0

    def delays(self) -> list[float]:
        """The pause before each retry, in seconds."""
        # there is one delay per retry, so attempts - 1 delays (none when attempts <= 1)
        # delay number i, counting from 0, is base * factor ** i
        # but no delay may be larger than max_delay

    def total_wait(self) -> float:
        return sum(self.delays())


def call_with_retries(
    fn: Callable[[], T],
    policy: RetryPolicy | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Call `fn`, retrying on RETRYABLE errors with the policy's delays in between."""
    policy = policy or RetryPolicy()
    for number, delay in enumerate(policy.delays(), start=1):
        try:
            return fn()
        except RETRYABLE as error:
            log.warning("attempt %d failed (%s), retrying in %.1f s", number, error, delay)
            sleep(delay)
    return fn()
