"""Disk cache of model replies, keyed by everything that determines the answer."""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

# Bump when prompts or reply handling change so old answers are not reused.
PROMPT_FORMAT_VERSION = 2

_reported: set[Path] = set()  # cache directories this process already warned about


def reported_unusable(directory: Path) -> bool:
    """True once a cache in ``directory`` warned that it is unusable (this process)."""
    return directory in _reported


def cache_key(
    *,
    base_url: str,
    model: str,
    messages: Sequence[Mapping[str, str]],
    params: Mapping[str, Any],
) -> str:
    """A stable hash of the request. The API key is deliberately not part of it."""
    payload = {
        "v": PROMPT_FORMAT_VERSION,
        "base_url": base_url.rstrip("/"),
        "model": model,
        "messages": [dict(m) for m in messages],
        "params": dict(params),
    }
    blob = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


class ReplyCache:
    """A size-bounded diskcache store, opened lazily; on any disk fault it degrades to no cache."""

    def __init__(self, directory: Path, size_limit_bytes: int) -> None:
        self.directory = directory
        self.size_limit_bytes = size_limit_bytes
        self._cache: Any = None
        self._failed = False
        self._lock = threading.Lock()
        self.warning: str | None = None

    def open(self) -> bool:
        """Open the store now (idempotent). Returns False when the cache is unusable."""
        if self._cache is not None:
            return True
        if self._failed:
            return False
        with self._lock:
            if self._cache is not None or self._failed:
                return self._cache is not None
            try:
                import diskcache

                self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
                self._cache = diskcache.Cache(
                    str(self.directory),
                    size_limit=self.size_limit_bytes,
                    eviction_policy="least-recently-used",
                )
                _restrict_permissions(self.directory)
            except Exception as exc:  # unwritable, full, corrupted: run without a cache
                self._failed = True
                self._warn(exc)
                return False
        return True

    def get(self, key: str) -> dict[str, Any] | None:
        """The stored reply for ``key``, or None."""
        if not self.open():
            return None
        try:
            value = self._cache.get(key)
        except Exception as exc:
            self._disable(exc)
            return None
        return value if isinstance(value, dict) else None

    def set(self, key: str, value: Mapping[str, Any]) -> None:
        """Store a reply; failures only disable the cache."""
        if not self.open():
            return
        try:
            self._cache.set(key, dict(value))
        except Exception as exc:
            self._disable(exc)

    def close(self) -> None:
        """Release the underlying database."""
        if self._cache is not None:
            try:
                self._cache.close()
            finally:
                self._cache = None

    def _disable(self, exc: Exception) -> None:
        self._failed = True
        self._warn(exc)
        cache, self._cache = self._cache, None
        if cache is not None:
            with contextlib.suppress(Exception):
                cache.close()

    def _warn(self, exc: Exception) -> None:
        self.warning = f"disk cache disabled ({self.directory}): {_reason(self.directory, exc)}"
        _reported.add(self.directory)
        log.warning("%s", self.warning)


def _reason(directory: Path, exc: Exception) -> str:
    """The error, naming a full disk when SQLite says only "disk I/O error" or similar."""
    text = str(exc)
    if "full" in text or not hasattr(os, "statvfs"):
        return text
    try:
        existing = next((p for p in (directory, *directory.parents) if p.is_dir()), None)
        full = existing is not None and os.statvfs(existing).f_bavail == 0
    except OSError:
        full = False
    return f"the disk is full ({text})" if full else text


def _restrict_permissions(directory: Path) -> None:
    """Make the cache readable by its owner only; it holds the user's code."""
    if os.name != "posix":
        return
    try:
        directory.chmod(0o700)
        for entry in directory.iterdir():
            if entry.is_file():
                entry.chmod(0o600)
    except OSError:
        pass
