"""A reply cache on a full disk: no cache, one warning, and the action still makes its edit.

The cache directory is on a 1 MiB tmpfs mounted in a private mount namespace; the CLI and the
server are started inside that namespace, and the tmpfs is filled up, so every write there
fails with a real ``ENOSPC``. The usage log (``usage.jsonl`` beside the cache) fails too.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from lsprotocol import types

from tests.conftest import CLI_COMMAND, SERVER_COMMAND
from tests.e2e.samples import INVENTORY, PSEUDOCODE_LINES, REPLY_SHAPES, expected_inventory
from tests.e2e.test_cli_run import LINES
from tests.e2e.test_lsp_pseudocode import actions_at, open_document
from tests.support.cli import run_command
from tests.support.isolation import TinyDisk, skip_without_namespaces
from tests.support.lsp import apply_text_edits, capabilities, edits_of, lsp_session
from tests.support.scripted_model import Reply, ScriptedModelServer

pytestmark = pytest.mark.needs("namespaces")


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[TinyDisk]:
    skip_without_namespaces()
    with TinyDisk(tmp_path / "disk", size_kib=1024) as tiny:
        yield tiny


@pytest.fixture
def env(
    server_env: dict[str, str], disk: TinyDisk, model_server: ScriptedModelServer
) -> dict[str, str]:
    model_server.responder = lambda body: Reply(content=REPLY_SHAPES["fenced"])
    return {**server_env, "BLITZLS_CACHE_DIR": str(disk.mountpoint / "cache")}


def _run(disk: TinyDisk, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return run_command(disk.command([*CLI_COMMAND, *args]), env, timeout=30)


def _inventory(tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    path.write_text(INVENTORY, encoding="utf-8")
    return path


@pytest.mark.parametrize("when", ["before_first_use", "after_first_use"])
def test_cli_on_a_full_disk_still_edits_with_one_warning(
    when: str,
    tmp_path: Path,
    disk: TinyDisk,
    env: dict[str, str],
    model_server: ScriptedModelServer,
) -> None:
    if when == "after_first_use":  # a working cache with one answer in it, then the disk fills
        first = _inventory(tmp_path, "first.py")
        done = _run(disk, env, "run", "pseudocode", str(first), "--lines", LINES, "--write")
        assert done.returncode == 0 and "cache" not in done.stderr, done.stderr
        assert (disk.inside("cache") / "cache.db").stat().st_size > 0
    disk.fill()
    assert disk.free_bytes() == 0
    requests = model_server.request_count
    path = _inventory(tmp_path, "inventory.py")
    done = _run(disk, env, "run", "pseudocode", str(path), "--lines", LINES, "--write")
    assert done.returncode == 0, done.stderr
    (warning,) = done.stderr.splitlines()[:-1]  # the last line reports the write
    prefix = f"blitzls: warning: disk cache disabled ({disk.mountpoint / 'cache'}): "
    assert warning.startswith(prefix), warning
    reason = warning.removeprefix(prefix)  # SQLite's words, naming the full disk either way
    assert reason in ("database or disk is full", "the disk is full (disk I/O error)"), reason
    assert done.stderr.splitlines()[-1].startswith(f"blitzls: wrote {path}")
    assert path.read_text(encoding="utf-8") == expected_inventory()
    assert model_server.request_count == requests + 1


def test_usage_log_on_a_full_disk_does_not_break_the_action(
    tmp_path: Path, disk: TinyDisk, env: dict[str, str]
) -> None:
    """With the cache off, the usage log is the only writer: one warning, the diff as usual."""
    disk.fill()
    path = _inventory(tmp_path, "inventory.py")
    done = _run(disk, env, "run", "pseudocode", str(path), "--lines", LINES, "--no-cache")
    assert done.returncode == 0, done.stderr
    (warning,) = done.stderr.splitlines()
    assert warning.startswith(
        f"blitzls: warning: cannot record usage in {disk.mountpoint / 'cache'}: "
    ), warning
    assert "No space left on device" in warning
    assert '+        total += item["price"] * item["qty"]' in done.stdout
    assert path.read_text(encoding="utf-8") == INVENTORY  # no --write: only the diff
    usage = disk.inside("cache") / "usage.jsonl"
    assert not usage.exists() or usage.stat().st_size == 0


def test_json_output_on_a_full_disk_is_still_valid(
    tmp_path: Path, disk: TinyDisk, env: dict[str, str]
) -> None:
    disk.fill()
    path = _inventory(tmp_path, "inventory.py")
    done = _run(disk, env, "run", "pseudocode", str(path), "--lines", LINES, "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)  # the warning went to stderr, not into the JSON
    assert result["ok"] is True and result["cache_hit"] is False and result["edits"]
    assert sum("disk cache disabled" in line for line in done.stderr.splitlines()) == 1


async def test_server_warns_once_when_the_disk_fills_up_and_keeps_editing(
    tmp_path: Path,
    disk: TinyDisk,
    env: dict[str, str],
    model_server: ScriptedModelServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("tests.support.lsp.SERVER_COMMAND", disk.command(SERVER_COMMAND))
    async with lsp_session(env, capabilities("vscode")) as client:
        for step, name in enumerate(("a.py", "b.py", "c.py")):
            if step == 1:  # the cache is open and holds a.py's answer; now the disk fills
                assert (disk.inside("cache") / "cache.db").exists()
                disk.fill()
            uri = (tmp_path / name).as_uri()
            open_document(client, uri, INVENTORY)
            (action,) = await actions_at(client, uri, (PSEUDOCODE_LINES[0], 0))
            resolved = await client.code_action_resolve_async(action)
            assert resolved.edit is not None, (name, client.messages)
            edits, _ = edits_of(resolved.edit, uri)
            assert apply_text_edits(INVENTORY, edits, "utf-16") == expected_inventory()
            await asyncio.sleep(0.05)
            warnings = [m for m in client.messages if m.type == types.MessageType.Warning]
            assert len(warnings) == (0 if step == 0 else 1), (name, warnings)
        prefix = f"blitzls: disk cache disabled ({disk.mountpoint / 'cache'}): "
        assert warnings[0].message.startswith(prefix), warnings[0].message
        reason = warnings[0].message.removeprefix(prefix)
        assert reason.startswith(("database or disk is full;", "the disk is full")), reason
        assert not [m for m in client.messages if m.type == types.MessageType.Error]
    assert model_server.request_count == 3
