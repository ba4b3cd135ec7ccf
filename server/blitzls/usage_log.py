"""A local record of every model call and action: tokens, cost, latency; budgets and stats.

One JSON line per paid model call (``"kind": "call"``, also for calls whose answer was refused
or cancelled) and per action (``"kind": "action"``) in ``usage.jsonl`` beside the reply cache;
the log is rotated at ``ROTATE_BYTES``. Today's running totals live in ``usage-today.json``,
so a budget check reads a few bytes, not the whole log. Numbers only — no code, no prompts,
no keys.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from blitzls.model.cache import reported_unusable, unsafe_directory
from blitzls.pricing import Price, cost, price_for

log = logging.getLogger(__name__)

FILE_NAME = "usage.jsonl"
TODAY_FILE = "usage-today.json"
ROTATE_BYTES = 8 * 1024 * 1024  # usage.jsonl is renamed to usage.jsonl.1 beyond this

_warned: set[Path] = set()  # directories whose usage log already failed (this process)


def record(directory: Path, entry: Mapping[str, Any]) -> None:
    """Append one entry; failures are logged, never raised.

    One warning per directory and process, and none when the reply cache in the same
    directory already warned that it is unusable (a full disk is one fault, not two).
    """
    try:
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        problem = unsafe_directory(directory)
        if problem is not None:  # someone else's: nothing is written there
            _warn(directory, f"cannot record usage in {directory}: {problem}")
            return
        path = directory / FILE_NAME
        line = json.dumps({"time": round(time.time(), 3), **entry}, separators=(",", ":"))
        with contextlib.suppress(OSError):
            if path.stat().st_size > ROTATE_BYTES:
                os.replace(path, path.with_name(FILE_NAME + ".1"))
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as handle:
            handle.write(line + "\n")
    except OSError as exc:
        _warn(directory, f"cannot record usage in {directory}: {exc}")


def record_call(directory: Path, entry: Mapping[str, Any], *, tokens: int, cost: float) -> None:
    """Record one paid model call and add it to today's running totals."""
    record(directory, {"kind": "call", **entry})
    if unsafe_directory(directory) is not None:
        return
    try:
        fd = os.open(directory / TODAY_FILE, os.O_RDWR | os.O_CREAT, 0o600)
        with os.fdopen(fd, "r+", encoding="utf-8") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)  # the server and CLI runs may write at once
            day, spent_tokens, spent_cost = _read_today(handle.read())
            if day != _today():
                day, spent_tokens, spent_cost = _today(), 0, 0.0
            handle.seek(0)
            handle.truncate()
            json.dump(
                {"day": day, "tokens": spent_tokens + tokens, "cost": spent_cost + cost}, handle
            )
    except OSError as exc:
        _warn(directory, f"cannot record usage in {directory}: {exc}")


def today_totals(directory: Path) -> tuple[int, float]:
    """Tokens and dollars spent today (local time), from the running totals."""
    try:
        text = (directory / TODAY_FILE).read_text(encoding="utf-8")
    except OSError:
        return 0, 0.0
    day, tokens, spent = _read_today(text)
    return (tokens, spent) if day == _today() else (0, 0.0)


def _read_today(text: str) -> tuple[str, int, float]:
    try:
        data = json.loads(text)
        return str(data["day"]), int(data["tokens"]), float(data["cost"])
    except (ValueError, KeyError, TypeError):
        return "", 0, 0.0


def _today() -> str:
    return time.strftime("%Y-%m-%d")


def _warn(directory: Path, message: str) -> None:
    quiet = directory in _warned or reported_unusable(directory)
    _warned.add(directory)
    log.log(logging.DEBUG if quiet else logging.WARNING, "%s", message)


def entries(directory: Path) -> Iterable[dict[str, Any]]:
    """Every recorded action, oldest first; unreadable lines are skipped."""
    path = directory / FILE_NAME
    try:
        handle = path.open(encoding="utf-8")
    except OSError:
        return
    with handle:
        for line in handle:
            try:
                item = json.loads(line)
            except ValueError:
                continue
            if isinstance(item, dict):
                yield item


@dataclass
class Totals:
    """Sums over recorded actions."""

    actions: int = 0
    cache_hits: int = 0
    prompt_tokens: int = 0
    cached_tokens: int = 0
    completion_tokens: int = 0
    reasoning_tokens: int = 0
    cost: float = 0.0
    saved_by_disk_cache: float = 0.0
    saved_by_provider_cache: float = 0.0
    seconds: float = 0.0
    by_action: dict[str, int] = field(default_factory=dict)

    @property
    def hit_rate(self) -> float:
        return self.cache_hits / self.actions if self.actions else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "actions": self.actions,
            "cache_hits": self.cache_hits,
            "cache_hit_rate": round(self.hit_rate, 4),
            "prompt_tokens": self.prompt_tokens,
            "cached_tokens": self.cached_tokens,
            "completion_tokens": self.completion_tokens,
            "reasoning_tokens": self.reasoning_tokens,
            "cost_usd": round(self.cost, 6),
            "saved_by_disk_cache_usd": round(self.saved_by_disk_cache, 6),
            "saved_by_provider_cache_usd": round(self.saved_by_provider_cache, 6),
            "model_seconds": round(self.seconds, 3),
            "by_action": dict(sorted(self.by_action.items())),
        }


def totals(
    items: Iterable[Mapping[str, Any]],
    *,
    since: float = 0.0,
    prices: Mapping[str, Price] | None = None,
) -> Totals:
    """Add up actions recorded at or after ``since`` (a UNIX time)."""
    result = Totals()
    for item in items:
        if float(item.get("time", 0)) < since:
            continue
        usage = {k: int(v) for k, v in dict(item.get("usage") or {}).items()}
        price = price_for(str(item.get("model", "")), prices)
        kind = item.get("kind")  # entries without one are actions that carried their calls
        if kind != "call":
            result.actions += 1
            result.by_action[str(item.get("action"))] = (
                result.by_action.get(str(item.get("action")), 0) + 1
            )
            if item.get("cache_hit"):
                result.cache_hits += 1
                result.saved_by_disk_cache += cost(usage, price)
            if kind == "action" or item.get("cache_hit"):
                continue
        result.prompt_tokens += usage.get("prompt_tokens", 0)
        result.cached_tokens += usage.get("cached_tokens", 0)
        result.completion_tokens += usage.get("completion_tokens", 0)
        result.reasoning_tokens += usage.get("reasoning_tokens", 0)
        result.cost += cost(usage, price)
        result.saved_by_provider_cache += _provider_saving(usage, price)
        result.seconds += float(item.get("model_seconds", 0))
    return result


def _provider_saving(usage: Mapping[str, int], price: Price | None) -> float:
    if price is None:
        return 0.0
    return usage.get("cached_tokens", 0) * (price.input - price.cached_input) / 1e6


def start_of_today() -> float:
    """Local midnight as a UNIX time (budgets are daily)."""
    now = time.localtime()
    return time.mktime((now.tm_year, now.tm_mon, now.tm_mday, 0, 0, 0, 0, 0, -1))
