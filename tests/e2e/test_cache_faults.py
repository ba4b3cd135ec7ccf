"""A broken cache degrades to no cache with one warning; processes share the cache safely."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CLI_COMMAND
from tests.e2e.samples import INVENTORY, REPLY_SHAPES, expected_inventory
from tests.e2e.test_cli_run import LINES, blitzls
from tests.support.scripted_model import Reply, ScriptedModelServer


def test_corrupted_cache_degrades_to_no_cache_with_one_warning(
    tmp_path: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    cache = Path(server_env["BLITZLS_CACHE_DIR"])
    cache.mkdir(parents=True)
    (cache / "cache.db").write_bytes(b"this is not a sqlite database" * 100)
    path = tmp_path / "inventory.py"
    path.write_text(INVENTORY, encoding="utf-8")
    model_server.responder = lambda body: Reply(content=REPLY_SHAPES["fenced"])
    done = blitzls(server_env, "run", "pseudocode", str(path), "--lines", LINES, "--write")
    assert done.returncode == 0, done.stderr
    warnings = [line for line in done.stderr.splitlines() if "cache disabled" in line]
    assert len(warnings) == 1, done.stderr
    assert path.read_text(encoding="utf-8") == expected_inventory()


def test_cache_directory_that_is_a_file_degrades_too(
    tmp_path: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("")
    env = {**server_env, "BLITZLS_CACHE_DIR": str(blocker / "cache")}
    path = tmp_path / "inventory.py"
    path.write_text(INVENTORY, encoding="utf-8")
    model_server.responder = lambda body: Reply(content=REPLY_SHAPES["fenced"])
    done = blitzls(env, "run", "pseudocode", str(path), "--lines", LINES)
    assert done.returncode == 0, done.stderr
    assert sum("cache disabled" in line for line in done.stderr.splitlines()) == 1


def test_concurrent_processes_share_one_cache(
    tmp_path: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    model_server.responder = lambda body: Reply(content=REPLY_SHAPES["fenced"], chunk_delay=0.01)
    paths = []
    for i in range(4):
        path = tmp_path / f"inventory{i}.py"
        path.write_text(INVENTORY, encoding="utf-8")
        paths.append(path)

    def start() -> list[subprocess.Popen[bytes]]:
        return [
            subprocess.Popen(
                [*CLI_COMMAND, "run", "pseudocode", str(p), "--lines", LINES, "--json"],
                env=server_env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                stdin=subprocess.DEVNULL,
            )
            for p in paths
        ]

    first = [json.loads(p.communicate(timeout=60)[0]) for p in start()]
    assert all(r["ok"] and not r["cache_hit"] for r in first)
    second = [json.loads(p.communicate(timeout=60)[0]) for p in start()]
    assert all(r["ok"] and r["cache_hit"] for r in second)
    assert model_server.request_count == 4


async def test_editor_is_told_once_that_the_cache_is_off(
    tmp_path: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    import asyncio

    from lsprotocol import types

    from tests.e2e.samples import PSEUDOCODE_LINES
    from tests.e2e.test_lsp_pseudocode import actions_at, open_document
    from tests.support.lsp import capabilities, lsp_session

    cache = Path(server_env["BLITZLS_CACHE_DIR"])
    cache.mkdir(parents=True)
    (cache / "cache.db").write_bytes(b"not sqlite" * 100)
    model_server.responder = lambda body: Reply(content=REPLY_SHAPES["fenced"])
    async with lsp_session(server_env, capabilities("vscode")) as client:
        for name in ("a.py", "b.py"):
            uri = (tmp_path / name).as_uri()
            open_document(client, uri, INVENTORY)
            (action,) = await actions_at(client, uri, (PSEUDOCODE_LINES[0], 0))
            assert (await client.code_action_resolve_async(action)).edit is not None
        await asyncio.sleep(0.1)
    warnings = [m for m in client.messages if m.type == types.MessageType.Warning]
    assert len(warnings) == 1 and "cache disabled" in warnings[0].message


class RunsACommand:
    """Unpickling this runs ``touch MARKER``: what a planted cache entry could do."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        return os.system, (f"touch {self.marker}",)


def test_a_cached_value_is_never_unpickled_an_old_or_planted_entry_is_a_miss(
    tmp_path: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    import diskcache

    path = tmp_path / "inventory.py"
    path.write_text(INVENTORY, encoding="utf-8")
    model_server.responder = lambda body: Reply(content=REPLY_SHAPES["fenced"])
    command = ["run", "pseudocode", str(path), "--lines", LINES, "--json"]
    first = blitzls(server_env, *command)
    assert first.returncode == 0 and not json.loads(first.stdout)["cache_hit"], first.stderr
    marker = tmp_path / "ran"
    with diskcache.Cache(server_env["BLITZLS_CACHE_DIR"]) as cache:  # pickles, as diskcache does
        keys = list(cache.iterkeys())
        assert keys
        for key in keys:
            cache.set(key, RunsACommand(marker))
    second = blitzls(server_env, *command)
    assert not marker.exists(), "a cached value was unpickled"
    assert second.returncode == 0, second.stderr
    assert not json.loads(second.stdout)["cache_hit"] and "cache" not in second.stderr
    third = blitzls(server_env, *command)  # the miss stored a reply the new way
    assert json.loads(third.stdout)["cache_hit"], third.stderr
    assert model_server.request_count == 2


def test_a_cached_entry_without_replies_is_a_miss(
    tmp_path: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    from blitzls.model.cache import ReplyCache

    path = tmp_path / "inventory.py"
    path.write_text(INVENTORY, encoding="utf-8")
    model_server.responder = lambda body: Reply(content=REPLY_SHAPES["fenced"])
    command = ["run", "pseudocode", str(path), "--lines", LINES, "--json"]
    assert blitzls(server_env, *command).returncode == 0
    cache = ReplyCache(Path(server_env["BLITZLS_CACHE_DIR"]), 10 * 1024 * 1024)
    assert cache.open()
    for key in list(cache._cache.iterkeys()):
        cache.set(key, {"replies": [], "usage": {}})
    cache.close()
    again = blitzls(server_env, *command)
    assert again.returncode == 0, again.stderr
    assert not json.loads(again.stdout)["cache_hit"]
    assert model_server.request_count == 2


def test_a_cache_directory_another_user_owns_is_refused(
    server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    """A directory someone else created in /tmp (mode 0777): chmod fails, so it stays theirs."""
    from tests.e2e.test_cli_files import IS_ROOT, as_nobody

    if not IS_ROOT:
        pytest.skip("switching to another user needs root (CI runs as root)")
    shared = Path(tempfile.mkdtemp(prefix="blitzls-shared-"))
    try:
        shared.chmod(0o777)
        theirs = shared / "cache"
        theirs.mkdir()
        theirs.chmod(0o777)  # root's, writable by all
        path = shared / "inventory.py"
        path.write_text(INVENTORY, encoding="utf-8")
        path.chmod(0o666)
        env = {**server_env, "BLITZLS_CACHE_DIR": str(theirs), "HOME": str(shared)}
        model_server.responder = lambda body: Reply(content=REPLY_SHAPES["fenced"])
        runs = [
            as_nobody(env, "run", "pseudocode", str(path), "--lines", LINES, "--json")
            for _ in range(2)
        ]
        for done in runs:
            assert done.returncode == 0, done.stderr
            assert not json.loads(done.stdout)["cache_hit"]
            (warning,) = [line for line in done.stderr.splitlines() if "cache disabled" in line]
            assert str(theirs) in warning and "owned by uid 0" in warning, warning
        assert model_server.request_count == 2
        assert list(theirs.iterdir()) == []  # nothing of the user's code was stored there
        budget = {**env, "BLITZLS_DAILY_TOKEN_BUDGET": "100000"}  # totals they could rewrite
        done = as_nobody(budget, "run", "pseudocode", str(path), "--lines", LINES)
        assert done.returncode == 13, done.stderr
        assert f"today's spending cannot be counted in {theirs}" in done.stderr
        assert model_server.request_count == 2
        done = as_nobody(env, "doctor", "--json", "--offline")
        (check,) = [c for c in json.loads(done.stdout)["checks"] if c["name"] == "cache"]
        assert check["status"] == "fail" and "owned by uid 0" in check["detail"], check
    finally:
        shutil.rmtree(shared, ignore_errors=True)
