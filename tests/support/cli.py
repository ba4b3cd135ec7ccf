"""Running blitzls (or an editor driving it) as a subprocess in end-to-end tests."""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from pathlib import Path

import pytest

from tests.conftest import CLI_COMMAND


def run_command(
    command: Sequence[str], env: dict[str, str], *, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """Run ``command`` without stdin, capturing its UTF-8 output."""
    return subprocess.run(
        list(command),
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


def run_blitzls(
    env: dict[str, str], *args: str, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """``blitzls ARGS…`` from this checkout."""
    return run_command([*CLI_COMMAND, *args], env, timeout=timeout)


def run_editor(
    name: str, argv: Sequence[str], *, cwd: Path, env: dict[str, str], timeout: float
) -> subprocess.CompletedProcess[str]:
    """Run a headless editor session; a hang fails the test with the editor's stderr."""
    try:
        return subprocess.run(
            list(argv),
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"{name} did not finish in {timeout}s; stderr: {exc.stderr!r}")
