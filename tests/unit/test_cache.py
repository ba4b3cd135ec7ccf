"""Cache keys and the disk store."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from blitzls.model.cache import ReplyCache, cache_key, unsafe_directory

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


def rows(directory: Path) -> list[tuple[str, int, str | None, object]]:
    with sqlite3.connect(directory / "cache.db") as db:
        return db.execute("SELECT key, mode, filename, value FROM Cache").fetchall()


def test_values_are_stored_as_json_text_never_pickled(tmp_path: Path) -> None:
    from diskcache.core import MODE_RAW, MODE_TEXT

    cache = ReplyCache(tmp_path / "c", 10 * 1024 * 1024)
    cache.set("small", {"replies": ["x = 1"], "usage": {}})
    cache.set("large", {"replies": ["y" * 100_000], "usage": {}})
    cache.close()
    stored = {key: (mode, filename, value) for key, mode, filename, value in rows(tmp_path / "c")}
    assert stored["small"] == (MODE_RAW, None, '{"replies":["x = 1"],"usage":{}}')
    mode, filename, _ = stored["large"]
    assert mode == MODE_TEXT and filename is not None
    assert json.loads((tmp_path / "c" / filename).read_text(encoding="utf-8"))["replies"]
    reopened = ReplyCache(tmp_path / "c", 10 * 1024 * 1024)
    assert reopened.get("large") == {"replies": ["y" * 100_000], "usage": {}}


def test_entries_in_any_other_form_are_misses_and_never_unpickled(tmp_path: Path) -> None:
    import diskcache
    from diskcache.core import MODE_TEXT

    directory = tmp_path / "c"
    marker = tmp_path / "ran"
    outside = tmp_path / "outside.json"
    outside.write_text('{"replies": ["from elsewhere"]}', encoding="utf-8")
    with diskcache.Cache(str(directory)) as old:  # an older version pickled its values
        old.set("old", {"replies": ["x = 1"]})
        old.set("planted", Touch(marker))
    with sqlite3.connect(directory / "cache.db") as db:
        db.execute(
            "INSERT INTO Cache (key, raw, store_time, access_time, mode, filename, value)"
            " VALUES ('outside', 1, 0, 0, ?, ?, NULL)",
            (MODE_TEXT, str(outside)),
        )
    cache = ReplyCache(directory, 10 * 1024 * 1024)
    assert [cache.get(key) for key in ("old", "planted", "outside")] == [None, None, None]
    assert not marker.exists() and cache.warning is None
    cache.set("old", {"replies": ["x = 2"]})
    assert cache.get("old") == {"replies": ["x = 2"]}  # replaced by a JSON entry
    cache._cache._disk.remove(str(outside))  # eviction never deletes a file elsewhere
    assert outside.exists()


class Touch:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return os.system, (f"touch {self.marker}",)


def test_the_users_own_directory_is_made_private(tmp_path: Path) -> None:
    directory = tmp_path / "open"
    directory.mkdir()
    directory.chmod(0o777)
    (directory / "usage.jsonl").write_text("", encoding="utf-8")
    (directory / "usage.jsonl").chmod(0o666)
    assert unsafe_directory(directory) is None
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    assert stat.S_IMODE((directory / "usage.jsonl").stat().st_mode) == 0o600


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a file to another user needs root")
def test_a_directory_or_an_entry_someone_else_owns_is_refused(tmp_path: Path) -> None:
    theirs = tmp_path / "theirs"
    theirs.mkdir()
    os.chown(theirs, 65534, 65534)
    assert "it is owned by uid 65534, not by you (uid 0)" in (unsafe_directory(theirs) or "")
    mine = tmp_path / "mine"
    mine.mkdir(mode=0o700)
    (mine / "cache.db").write_bytes(b"")
    os.chown(mine / "cache.db", 65534, 65534)
    assert "cache.db in it is owned by uid 65534" in (unsafe_directory(mine) or "")
    cache = ReplyCache(mine, 1024 * 1024)
    assert cache.get("k") is None and "owned by uid 65534" in (cache.warning or "")
