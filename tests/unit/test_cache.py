"""Cache keys and the disk store."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from blitzls.model.cache import ReplyCache, cache_key

MESSAGES = [{"role": "system", "content": "rules"}, {"role": "user", "content": "task"}]


def key(**changes: object) -> str:
    args: dict[str, object] = {
        "base_url": "https://api.x.ai/v1",
        "model": "grok-code-fast-1",
        "messages": MESSAGES,
        "params": {"max_tokens": 100},
    }
    args.update(changes)
    return cache_key(**args)  # type: ignore[arg-type]


def test_key_changes_with_everything_that_determines_the_answer() -> None:
    base = key()
    assert key() == base
    assert key(base_url="https://api.x.ai/v1/") == base  # same endpoint
    assert key(base_url="https://openrouter.ai/api/v1") != base
    assert key(model="grok-4") != base
    assert key(messages=[*MESSAGES[:1], {"role": "user", "content": "task!"}]) != base
    assert key(params={"max_tokens": 101}) != base


def test_store_round_trip_and_private_files(tmp_path: Path) -> None:
    cache = ReplyCache(tmp_path / "c", 10 * 1024 * 1024)
    assert cache.get("k") is None
    cache.set("k", {"text": "x = 1", "usage": {"completion_tokens": 3}})
    cache.close()
    reopened = ReplyCache(tmp_path / "c", 10 * 1024 * 1024)
    assert reopened.get("k") == {"text": "x = 1", "usage": {"completion_tokens": 3}}
    if os.name == "posix":
        assert stat.S_IMODE((tmp_path / "c").stat().st_mode) == 0o700


def test_a_file_where_the_directory_should_be_degrades_to_no_cache(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    cache = ReplyCache(blocker, 1024 * 1024)
    cache.set("k", {"text": "x"})
    assert cache.get("k") is None
    assert cache.warning is not None
