"""Disk cache of model replies, keyed by everything that determines the answer.

Values are stored as JSON text, never pickled: a cache directory can be shared, restored from
a CI cache or planted, and unpickling runs code. An entry in any other form (an older
version's pickled reply, or a planted one) is a miss. A directory that someone else owns,
or that holds something someone else owns, is not used at all.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import stat
import threading
from collections.abc import Mapping, Sequence
from functools import cache
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
                problem = unsafe_directory(self.directory)
                if problem is not None:
                    raise UnsafeDirectory(problem)
                self._cache = diskcache.Cache(
                    str(self.directory),
                    size_limit=self.size_limit_bytes,
                    eviction_policy="least-recently-used",
                    disk=json_disk(),
                )
                _restrict_permissions(self.directory)
            except Exception as exc:  # unwritable, full, corrupted, not ours: no cache
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


class UnsafeDirectory(OSError):
    """The cache directory, or something in it, is not the user's own."""


_checked: dict[Path, str | None] = {}  # directories already checked by this process


def unsafe_directory(directory: Path) -> str | None:
    """Why ``directory`` (which exists) may not hold the cache and usage log, or None.

    Someone else's directory, or one holding an entry someone else owns, could be changed by
    them (a planted entry, a symlink, faked usage totals). The user's own directory and
    entries are made private first (0700, 0600), so a failed ``chmod`` is a reason too.
    Checked once per directory and process.
    """
    if os.name != "posix":
        return None
    if directory not in _checked:
        _checked[directory] = _ownership_problem(directory)
    return _checked[directory]


def _ownership_problem(directory: Path) -> str | None:
    problem = foreign_owner(directory)
    if problem is not None:
        return problem
    try:  # the user's own: made private
        if stat.S_IMODE(directory.stat().st_mode) & 0o077:
            directory.chmod(0o700)
        for entry, found in _entries(directory):
            if not stat.S_ISLNK(found.st_mode) and stat.S_IMODE(found.st_mode) & 0o077:
                with contextlib.suppress(FileNotFoundError):
                    entry.chmod(0o700 if stat.S_ISDIR(found.st_mode) else 0o600)
    except OSError as exc:
        return f"its permissions cannot be made private ({exc}): {_ADVICE}"
    return None


_ADVICE = "others could change what it holds; use a directory of your own (setting cacheDir)"


def foreign_owner(directory: Path) -> str | None:
    """Whether ``directory`` or an entry in it belongs to someone else (nothing is changed)."""
    if os.name != "posix":
        return None
    uid = os.geteuid()
    try:
        owner = directory.stat().st_uid
        if owner != uid:
            return f"it is owned by uid {owner}, not by you (uid {uid}): {_ADVICE}"
        for entry, found in _entries(directory):
            if found.st_uid != uid:
                return (
                    f"{entry.name} in it is owned by uid {found.st_uid}, not by you "
                    f"(uid {uid}): {_ADVICE}"
                )
    except OSError as exc:
        return f"its owner cannot be checked ({exc}): {_ADVICE}"
    return None


def _entries(directory: Path) -> list[tuple[Path, os.stat_result]]:
    """The entries of ``directory`` with their own (not followed) status; an entry another
    process removed meanwhile (SQLite's journal files come and go) is left out."""
    found = []
    for entry in directory.iterdir():
        with contextlib.suppress(FileNotFoundError):
            found.append((entry, entry.lstat()))
    return found


@cache
def json_disk() -> type[Any]:
    """A diskcache ``Disk`` storing values as JSON text: it never pickles or unpickles, and
    never reads or removes a file outside the cache directory (built on first use, so that
    diskcache is imported only then)."""
    import diskcache
    from diskcache.core import MODE_RAW, MODE_TEXT

    class JSONTextDisk(diskcache.Disk):  # type: ignore[misc]
        def __init__(self, directory: str, **_stored_settings: Any) -> None:
            # The database's stored disk settings are not used: the file may be planted.
            super().__init__(directory)
            self._root = os.path.realpath(directory)

        def put(self, key: Any) -> tuple[Any, bool]:
            if not isinstance(key, str):
                raise TypeError("reply cache keys are strings")
            return key, True

        def get(self, key: Any, raw: bool) -> Any:
            if not raw:
                raise NotJSON("a key in another format")
            return key

        def store(self, value: Any, read: bool, key: Any = diskcache.core.UNKNOWN) -> Any:
            text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
            return super().store(text, False, key=key)

        def fetch(self, mode: int, filename: str | None, value: Any, read: bool) -> Any:
            if mode == MODE_RAW and isinstance(value, str):
                text = value
            elif mode == MODE_TEXT and filename and self._inside(filename):
                text = super().fetch(mode, filename, value, False)
            else:  # pickled (an older version's entry, or a planted one), or elsewhere
                raise NotJSON("an entry in another format")
            try:
                return json.loads(text)
            except ValueError:
                raise NotJSON("an entry that is not JSON") from None

        def remove(self, file_path: str) -> None:
            if self._inside(file_path):
                super().remove(file_path)

        def _inside(self, filename: str) -> bool:
            path = os.path.realpath(os.path.join(self._root, filename))
            return os.path.commonpath([path, self._root]) == self._root and path != self._root

    return JSONTextDisk


class NotJSON(OSError):
    """A stored entry that is not JSON text in the cache directory: read as a miss (diskcache
    returns the default for an ``OSError`` while fetching)."""
