"""Client-side rate limiting for an API with a token bucket."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class RateLimited(Exception):
    pass


class TokenBucket:
    """Allows bursts of up to `capacity` calls, refilled at `rate` tokens per second."""

    def __init__(
        self, capacity: int, rate: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.capacity = capacity
        self.rate = rate
        self._clock = clock
        self.tokens = float(capacity)
        self._last = clock()

    def _refill(self) -> None:
        now = self._clock()
        self.tokens = min(self.capacity, self.tokens + (now - self._last) * self.rate)
        self._last = now

    def allow(self) -> bool:
        """Take a token if there is one."""
        self._refill()
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False

    def wait_time(self) -> float:
        """Seconds until the next token is available (0 when one is)."""
        self._refill()
        return max(0.0, (1 - self.tokens) / self.rate)


def limited(bucket: TokenBucket, fn: Callable[[], T]) -> T:
    if not bucket.allow():
        raise RateLimited(f"retry in {bucket.wait_time():.2f} s")
    return fn()
