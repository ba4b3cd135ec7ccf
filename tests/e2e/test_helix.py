"""A real Helix, driven through tmux, with client-config/helix/languages.toml as written.

Helix comes from ``$BLITZLS_HX``, ``hx`` on PATH, or ``.ci/install-helix DIR`` (Debian 13's
hx 25.01, which CI installs). The test types what a user types: go to the pseudocode,
``space a`` for code actions, Enter on "Convert pseudocode to code", ``:w``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.e2e.samples import INVENTORY, PSEUDOCODE_LINES, REPLY_SHAPES, expected_inventory
from tests.support.scripted_model import Reply, ScriptedModelServer

HX = os.environ.get("BLITZLS_HX") or shutil.which("hx")
TMUX = shutil.which("tmux")
pytestmark = [
    pytest.mark.needs("helix"),
    pytest.mark.skipif(
        HX is None or TMUX is None,
        reason="needs Helix (BLITZLS_HX, or hx on PATH: .ci/install-helix DIR) and tmux",
    ),
]


class Pane:
    """A tmux session running one program; keys in, screen text out."""

    def __init__(self, command: list[str], cwd: Path, env: dict[str, str]) -> None:
        assert TMUX is not None
        self.name = f"blitzls-{uuid.uuid4().hex[:8]}"
        subprocess.run(
            [
                TMUX,
                "new-session",
                "-d",
                "-s",
                self.name,
                "-x",
                "110",
                "-y",
                "30",
                "-c",
                str(cwd),
                "env",
                *(f"{k}={v}" for k, v in env.items()),
                *command,
            ],
            check=True,
            env={**os.environ, "TMUX": ""},
        )

    def keys(self, *keys: str) -> None:
        assert TMUX is not None
        subprocess.run([TMUX, "send-keys", "-t", self.name, *keys], check=True)

    def screen(self) -> str:
        assert TMUX is not None
        done = subprocess.run(
            [TMUX, "capture-pane", "-p", "-t", self.name], capture_output=True, text=True
        )
        return done.stdout

    def wait_for(self, what: Callable[[str], bool], label: str, timeout: float = 20) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if what(screen):
                return screen
            time.sleep(0.05)
        raise AssertionError(f"Helix never showed {label}; the screen:\n{self.screen()}")

    def close(self) -> None:
        assert TMUX is not None
        subprocess.run([TMUX, "kill-session", "-t", self.name], capture_output=True)


@pytest.fixture
def helix_env(tmp_path: Path, server_env: dict[str, str]) -> dict[str, str]:
    """Helix's config dir holds our languages.toml; ``blitzls`` on PATH runs this checkout."""
    config = tmp_path / "config" / "helix"
    config.mkdir(parents=True)
    shutil.copy(ROOT / "client-config" / "helix" / "languages.toml", config / "languages.toml")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "blitzls"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m blitzls "$@"\n', "utf-8")
    shim.chmod(0o755)
    env = {key: value for key, value in server_env.items() if key.startswith("BLITZLS_")}
    env.update(
        PYTHONPATH=server_env["PYTHONPATH"],
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_CACHE_HOME=str(tmp_path / "hx-cache"),
        PATH=os.pathsep.join([str(bin_dir), os.environ.get("PATH", "")]),
        HOME=str(tmp_path),
        TERM="xterm-256color",
    )
    return env


@pytest.fixture
def pane_factory() -> Iterator[Callable[[list[str], Path, dict[str, str]], Pane]]:
    panes: list[Pane] = []

    def make(command: list[str], cwd: Path, env: dict[str, str]) -> Pane:
        panes.append(Pane(command, cwd, env))
        return panes[-1]

    yield make
    for pane in panes:
        pane.close()


def test_helix_health_finds_blitzls_from_our_languages_toml(
    helix_env: dict[str, str], tmp_path: Path
) -> None:
    assert HX is not None
    done = subprocess.run(
        [HX, "--health", "python"], env=helix_env, capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 0, done.stderr
    line = next(li for li in done.stdout.splitlines() if "blitzls" in li)
    assert "✓" in line and str(tmp_path / "bin" / "blitzls") in line, done.stdout


def test_helix_converts_pseudocode_through_the_code_action_menu(
    helix_env: dict[str, str],
    model_server: ScriptedModelServer,
    tmp_path: Path,
    pane_factory: Callable[[list[str], Path, dict[str, str]], Pane],
) -> None:
    assert HX is not None
    source = tmp_path / "inventory.py"
    source.write_text(INVENTORY, "utf-8")
    model_server.enqueue(Reply(content=REPLY_SHAPES["fenced"]))
    pane = pane_factory([HX, str(source)], tmp_path, helix_env)
    pane.wait_for(lambda s: "def total_price" in s, "the file")
    row = PSEUDOCODE_LINES[0] + 1
    pane.keys(f"{row}G")
    pane.wait_for(lambda s: f" {row}:1" in s, f"the cursor on line {row}")
    menu = ""
    for _ in range(40):  # the first listing may come before the server has the document
        pane.keys("Space", "a")
        try:
            menu = pane.wait_for(lambda s: "Convert pseudocode to code" in s, "the menu", 1)
            break
        except AssertionError:
            pane.keys("Escape")
    assert "Convert pseudocode to code" in menu, pane.screen()
    menu_lines = [line for line in menu.splitlines() if "pseudocode" in line]
    assert menu_lines and "Convert pseudocode to code" in menu_lines[0]
    pane.keys("Enter")  # the first entry: resolved by the server, then applied by Helix
    pane.wait_for(lambda s: "for item in items" in s, "the converted code")
    pane.keys(":w", "Enter")
    deadline = time.monotonic() + 10
    while source.read_text("utf-8") != expected_inventory() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert source.read_text("utf-8") == expected_inventory()
    (request,) = model_server.chat_requests
    assert request.body["model"] == "grok-code-fast-1"
