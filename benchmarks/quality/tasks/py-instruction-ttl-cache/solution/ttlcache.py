"""An in-memory cache whose entries expire, for memoising slow lookups."""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

DEFAULT_TTL = 60.0
_MISSING = object()


@dataclass
class Entry:
    value: Any
    stored_at: float


class TTLCache:
    """Entries live for `ttl` seconds after they were stored."""

    def __init__(self, ttl: float = DEFAULT_TTL, clock: Callable[[], float] = time.monotonic):
        self.ttl = ttl
        self._clock = clock
        self._entries: dict[Hashable, Entry] = {}
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._entries)

    def set(self, key: Hashable, value: Any) -> None:
        self._entries[key] = Entry(value, self._clock())

    def get(self, key: Hashable, default: Any = None) -> Any:
        entry = self._entries.get(key)
        if entry is None:
            self.misses += 1
            return default
        if self._clock() - entry.stored_at > self.ttl:
            del self._entries[key]
            self.misses += 1
            return default
        self.hits += 1
        return entry.value

    def get_or_compute(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        value = self.get(key, _MISSING)
        if value is _MISSING:
            value = compute()
            self.set(key, value)
        return value

    def purge(self) -> int:
        """Drop every expired entry; return how many were dropped."""
        now = self._clock()
        stale = [key for key, entry in self._entries.items() if now - entry.stored_at > self.ttl]
        for key in stale:
            del self._entries[key]
        return len(stale)
