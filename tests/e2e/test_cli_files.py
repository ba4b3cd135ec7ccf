"""``blitzls run`` and the files it touches: symlinks, owners, modes, odd files, bad ranges.

Cases about who may write a file run the CLI as the unprivileged user ``nobody`` (through
``setpriv``) when the tests run as root, as CI does; the files live in a world-writable
directory outside pytest's private temporary tree so that user can reach them.
"""

from __future__ import annotations

import os
import resource
import shutil
import stat
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from blitzls.files import EXIT_NOT_WRITABLE, MAX_FILE_BYTES
from tests.conftest import CLI_COMMAND
from tests.e2e.samples import INVENTORY, REPLY_SHAPES, expected_inventory
from tests.e2e.test_cli_run import LINES, blitzls
from tests.support.cli import run_command
from tests.support.isolation import TinyDisk, skip_without_namespaces
from tests.support.scripted_model import Reply, ScriptedModelServer

NOBODY = 65534
IS_ROOT = os.geteuid() == 0


def as_nobody(
    env: dict[str, str], *args: str, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """``blitzls ARGS…`` run as uid/gid 65534 without supplementary groups."""
    command = [
        shutil.which("setpriv") or "setpriv",
        f"--reuid={NOBODY}",
        f"--regid={NOBODY}",
        "--clear-groups",
        *CLI_COMMAND,
        *args,
    ]
    return subprocess.run(
        command,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
        stdin=subprocess.DEVNULL,
        cwd="/",
    )


@pytest.fixture
def shared(server_env: dict[str, str]) -> Iterator[tuple[Path, dict[str, str]]]:
    """A world-writable directory (sticky off) and an environment whose cache lives in it."""
    if not IS_ROOT:
        pytest.skip("switching to another user needs root (CI runs as root)")
    if shutil.which("setpriv") is None:
        pytest.fail("setpriv (util-linux) is needed to run the CLI as an unprivileged user")
    directory = Path(tempfile.mkdtemp(prefix="blitzls-shared-"))
    try:
        directory.chmod(0o777)
        cache = directory / "cache"
        cache.mkdir()
        os.chown(cache, NOBODY, NOBODY)
        env = {**server_env, "BLITZLS_CACHE_DIR": str(cache), "HOME": str(directory)}
        probe = as_nobody(env, "--version")
        assert probe.returncode == 0, f"the unprivileged user cannot run blitzls: {probe.stderr}"
        yield directory, env
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def owner_and_mode(path: Path) -> tuple[int, int, int]:
    info = path.stat()
    return info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)


# --- symlinks, modes and owners -------------------------------------------------------


def test_write_goes_through_a_symlink_to_its_target(
    tmp_path: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    real = tmp_path / "src" / "inventory.py"
    real.parent.mkdir()
    real.write_text(INVENTORY, encoding="utf-8")
    link = tmp_path / "link.py"
    link.symlink_to(Path("src") / "inventory.py")
    model_server.enqueue(Reply(content=REPLY_SHAPES["fenced"]))
    done = blitzls(server_env, "run", "pseudocode", str(link), "--lines", LINES, "--write")
    assert done.returncode == 0, done.stderr
    assert link.is_symlink() and os.readlink(link) == str(Path("src") / "inventory.py")
    assert real.read_text(encoding="utf-8") == expected_inventory()
    assert not list(tmp_path.glob(".link.py.*")) and not list(real.parent.glob(".inventory*"))


def test_a_read_only_file_is_refused_before_any_request_even_for_root(
    tmp_path: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    path = tmp_path / "inventory.py"
    path.write_text(INVENTORY, encoding="utf-8")
    path.chmod(0o444)
    model_server.enqueue(Reply(content=REPLY_SHAPES["fenced"]))
    done = blitzls(server_env, "run", "pseudocode", str(path), "--lines", LINES, "--write")
    assert done.returncode == EXIT_NOT_WRITABLE, done.stderr
    assert "is read-only (mode 0444)" in done.stderr and "nothing was sent" in done.stderr
    assert path.read_text(encoding="utf-8") == INVENTORY
    assert stat.S_IMODE(path.stat().st_mode) == 0o444
    assert model_server.request_count == 0
    # without --write the diff is still printed
    done = blitzls(server_env, "run", "pseudocode", str(path), "--lines", LINES)
    assert done.returncode == 0, done.stderr
    assert "+        total += " in done.stdout


@pytest.mark.needs("namespaces")
def test_a_file_on_a_read_only_file_system_is_refused_as_such(
    tmp_path: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    """A writable file (0644, root's own) on a file system mounted read-only: refused before
    any request, naming the file system rather than the user's rights."""
    skip_without_namespaces()
    with TinyDisk(tmp_path / "disk", size_kib=256) as disk:
        disk.inside("inventory.py").write_text(INVENTORY, encoding="utf-8")
        disk.inside("inventory.py").chmod(0o644)
        disk.remount_read_only()
        path = disk.mountpoint / "inventory.py"
        command = [*CLI_COMMAND, "run", "pseudocode", str(path), "--lines", LINES, "--write"]
        done = run_command(disk.command(command), server_env)
        assert done.returncode == EXIT_NOT_WRITABLE, done.stderr
        assert done.stderr.strip() == (
            f"blitzls: {path} is on a read-only file system; nothing was sent or written"
        )
        assert disk.inside("inventory.py").read_text(encoding="utf-8") == INVENTORY
    assert model_server.request_count == 0


@pytest.mark.needs("root")
def test_root_keeps_another_users_owner_group_and_mode(
    tmp_path: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    if not IS_ROOT:
        pytest.skip("only root can give a file to another user")
    path = tmp_path / "inventory.py"
    path.write_text(INVENTORY, encoding="utf-8")
    os.chown(path, NOBODY, NOBODY)
    path.chmod(0o640)
    model_server.enqueue(Reply(content=REPLY_SHAPES["fenced"]))
    done = blitzls(server_env, "run", "pseudocode", str(path), "--lines", LINES, "--write")
    assert done.returncode == 0, done.stderr
    assert path.read_text(encoding="utf-8") == expected_inventory()
    assert owner_and_mode(path) == (NOBODY, NOBODY, 0o640)


@pytest.mark.needs("root")
def test_a_file_the_user_may_not_write_is_refused(
    shared: tuple[Path, dict[str, str]], model_server: ScriptedModelServer
) -> None:
    directory, env = shared
    path = directory / "inventory.py"  # root's, 0644, in a directory anyone may write
    path.write_text(INVENTORY, encoding="utf-8")
    path.chmod(0o644)
    model_server.enqueue(Reply(content=REPLY_SHAPES["fenced"]))
    done = as_nobody(env, "run", "pseudocode", str(path), "--lines", LINES, "--write")
    assert done.returncode == EXIT_NOT_WRITABLE, done.stderr
    assert f"you may not write {path}" in done.stderr and "nothing was sent" in done.stderr
    assert path.read_text(encoding="utf-8") == INVENTORY
    assert owner_and_mode(path) == (0, 0, 0o644)
    assert model_server.request_count == 0
    assert not list(directory.glob(".inventory.py.*"))


@pytest.mark.needs("root")
def test_the_users_own_read_only_file_is_refused(
    shared: tuple[Path, dict[str, str]], model_server: ScriptedModelServer
) -> None:
    directory, env = shared
    path = directory / "inventory.py"
    path.write_text(INVENTORY, encoding="utf-8")
    os.chown(path, NOBODY, NOBODY)
    path.chmod(0o444)
    done = as_nobody(env, "run", "pseudocode", str(path), "--lines", LINES, "--write")
    assert done.returncode == EXIT_NOT_WRITABLE, done.stderr
    assert "read-only (mode 0444)" in done.stderr
    assert path.read_text(encoding="utf-8") == INVENTORY
    assert owner_and_mode(path) == (NOBODY, NOBODY, 0o444)
    assert model_server.request_count == 0


@pytest.mark.needs("root")
def test_a_shared_writable_file_is_written_in_place_keeping_its_owner(
    shared: tuple[Path, dict[str, str]], model_server: ScriptedModelServer
) -> None:
    directory, env = shared
    path = directory / "inventory.py"  # root's, but anyone may write it
    path.write_text(INVENTORY, encoding="utf-8")
    path.chmod(0o666)
    inode = path.stat().st_ino
    model_server.enqueue(Reply(content=REPLY_SHAPES["fenced"]))
    done = as_nobody(env, "run", "pseudocode", str(path), "--lines", LINES, "--write")
    assert done.returncode == 0, done.stderr
    assert path.read_text(encoding="utf-8") == expected_inventory()
    assert owner_and_mode(path) == (0, 0, 0o666)
    assert path.stat().st_ino == inode


def test_a_hard_linked_file_stays_one_file(
    tmp_path: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    path = tmp_path / "inventory.py"
    path.write_text(INVENTORY, encoding="utf-8")
    other = tmp_path / "same.py"
    os.link(path, other)
    model_server.enqueue(Reply(content=REPLY_SHAPES["fenced"]))
    done = blitzls(server_env, "run", "pseudocode", str(path), "--lines", LINES, "--write")
    assert done.returncode == 0, done.stderr
    assert other.read_text(encoding="utf-8") == expected_inventory()
    assert path.stat().st_ino == other.stat().st_ino


# --- ranges -----------------------------------------------------------------------------


@pytest.mark.parametrize("spec", ["5-0", "9-3", "0-2", "-3", "3-"])
def test_a_range_that_ends_before_it_starts_is_refused(
    spec: str, tmp_path: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    path = tmp_path / "inventory.py"
    path.write_text(INVENTORY, encoding="utf-8")
    model_server.enqueue(Reply(content=REPLY_SHAPES["fenced"]))
    done = blitzls(server_env, "run", "docstring", str(path), f"--lines={spec}", "--write")
    assert done.returncode == 2, done.stderr
    assert "--lines" in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert model_server.request_count == 0
    assert path.read_text(encoding="utf-8") == INVENTORY


# --- odd files ----------------------------------------------------------------------------


def _bounded(limit: int) -> Callable[[], None]:
    def apply() -> None:  # so that a regression fails fast instead of eating the machine
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    return apply


def run_bounded(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI_COMMAND, *args],
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=30,
        stdin=subprocess.DEVNULL,
        preexec_fn=_bounded(2 * 1024**3),
    )


def test_a_fifo_is_refused_without_waiting_for_a_writer(
    tmp_path: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    fifo = tmp_path / "pipe.py"
    os.mkfifo(fifo)
    done = run_bounded(server_env, "run", "pseudocode", str(fifo), "--lines", "1")
    assert done.returncode == 2, done.stderr
    assert f"{fifo} is not a regular file (a FIFO)" in done.stderr
    assert model_server.request_count == 0


def test_a_device_is_refused_without_reading_it(
    server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    done = run_bounded(server_env, "run", "pseudocode", "/dev/zero", "--lines", "1")
    assert done.returncode == 2, done.stderr
    assert "/dev/zero is not a regular file (a character device)" in done.stderr
    assert "Traceback" not in done.stderr and "MemoryError" not in done.stderr
    assert model_server.request_count == 0


def test_a_file_over_the_size_limit_is_refused(
    tmp_path: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    path = tmp_path / "huge.py"
    line = "# write a function that adds two numbers\n"
    with path.open("w", encoding="utf-8") as handle:
        handle.write(line * (MAX_FILE_BYTES // len(line) + 2))
    size = path.stat().st_size
    done = run_bounded(server_env, "run", "pseudocode", str(path), "--lines", "1", "--write")
    assert done.returncode == 2, done.stderr
    assert f"is {size:,} bytes, over the limit of {MAX_FILE_BYTES:,}" in done.stderr
    assert model_server.request_count == 0
    assert path.stat().st_size == size


def test_refusals_are_reported_in_json_too(
    tmp_path: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    import json

    fifo = tmp_path / "pipe.py"
    os.mkfifo(fifo)
    done = run_bounded(server_env, "run", "pseudocode", str(fifo), "--lines", "1", "--json")
    result = json.loads(done.stdout)
    assert result == {"ok": False, "error": result["error"], "exit_code": 2}
    assert "not a regular file" in result["error"]
