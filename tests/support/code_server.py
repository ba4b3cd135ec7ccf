"""A real VS Code for end-to-end tests: code-server on 127.0.0.1, driven by playwright-core.

The tools come from ``.ci/install-vscode``: ``$BLITZLS_VSCODE_TOOLS`` names its folder
(code-server and playwright-core from npm); Chromium is ``$BLITZLS_CHROMIUM`` or Debian's
``chromium`` on PATH. The browser side is ``client-config/vscode/test/e2e/drive-vscode.mjs``.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType
from typing import Any

from tests.conftest import ROOT

EXTENSION = ROOT / "client-config" / "vscode"
DRIVER = EXTENSION / "test" / "e2e" / "drive-vscode.mjs"
TOOLS = Path(os.environ.get("BLITZLS_VSCODE_TOOLS") or "/nonexistent")
CODE_SERVER = TOOLS / "node_modules" / ".bin" / "code-server"
CHROMIUM = os.environ.get("BLITZLS_CHROMIUM") or shutil.which("chromium")
NODE = shutil.which("node")


def missing_tools() -> str:
    """What is missing to run VS Code here, or '' when nothing is."""
    if not CODE_SERVER.exists():
        return "code-server: BLITZLS_VSCODE_TOOLS=$(.ci/install-vscode)"
    if not (TOOLS / "node_modules" / "playwright-core").is_dir():
        return f"playwright-core in {TOOLS}: run .ci/install-vscode"
    if CHROMIUM is None:
        return "chromium (apt-get install chromium, or BLITZLS_CHROMIUM)"
    if NODE is None:
        return "node"
    return ""


def build_vsix(out: Path) -> Path:
    """``$BLITZLS_VSIX``, else the extension packaged from client-config/vscode now."""
    given = os.environ.get("BLITZLS_VSIX")
    if given:
        path = Path(given).resolve()
        assert path.is_file(), f"BLITZLS_VSIX={given} does not exist"
        return path
    env = {**os.environ, "npm_config_fund": "false", "npm_config_audit": "false"}
    if not (EXTENSION / "node_modules").is_dir():
        subprocess.run(["npm", "ci", "--no-progress"], cwd=EXTENSION, env=env, check=True)
    vsix = out / "blitzls.vsix"
    subprocess.run(
        ["npx", "--no-install", "vsce", "package", "--allow-missing-repository", "--out", vsix],
        cwd=EXTENSION,
        env=env,
        check=True,
        capture_output=True,
    )
    return vsix


def user_settings(base_url: str, server_log: Path) -> dict[str, Any]:
    """User settings: blitzls from this checkout on BASE_URL; a quiet, offline workbench."""
    command = [sys.executable, "-m", "blitzls", "serve", "--log-file", str(server_log)]
    return {
        "blitzls.serverCommand": [*command, "--log-level", "DEBUG"],
        "blitzls.baseUrl": base_url,
        "blitzls.cache": False,  # every action reaches the endpoint
        "workbench.startupEditor": "none",
        "workbench.colorTheme": "Default Dark Modern",
        "workbench.tips.enabled": False,
        "workbench.enableExperiments": False,
        "workbench.secondarySideBar.defaultVisibility": "hidden",
        "telemetry.telemetryLevel": "off",
        "update.mode": "none",
        "extensions.ignoreRecommendations": True,
        "extensions.autoCheckUpdates": False,
        "extensions.autoUpdate": False,
        "typescript.disableAutomaticTypeAcquisition": True,  # it would run npm install
        "typescript.surveys.enabled": False,
        "git.enabled": False,
        "editor.minimap.enabled": False,
        "window.commandCenter": False,
        "chat.commandCenter.enabled": False,
    }


class CodeServer:
    """code-server with its own user data, extensions and home folder under ROOT."""

    def __init__(self, root: Path, env: dict[str, str], log: Path) -> None:
        home = root / "home"
        self.data = root / "data"
        (self.data / "User").mkdir(parents=True)
        home.mkdir()
        self.env = {
            **env,
            "HOME": str(home),
            "XDG_CONFIG_HOME": str(home / ".config"),
            "XDG_DATA_HOME": str(home / ".local" / "share"),
            "XDG_CACHE_HOME": str(home / ".cache"),
        }
        self.base = [str(CODE_SERVER), "--user-data-dir", str(self.data), "--extensions-dir"]
        self.base.append(str(root / "extensions"))
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None
        self.url = ""

    def write_settings(self, settings: dict[str, Any]) -> None:
        path = self.data / "User" / "settings.json"
        path.write_text(json.dumps(settings, indent=2), "utf-8")

    def cli(self, *args: str) -> str:
        """Run code-server's command line (it exits); its output, or AssertionError."""
        done = subprocess.run(
            [*self.base, *args], env=self.env, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, f"code-server {args}: {done.stdout}{done.stderr}"
        return done.stdout

    def start(self) -> str:
        """Serve on a free port of 127.0.0.1; the URL."""
        flags = ["--auth", "none", "--bind-addr", "127.0.0.1:0", "--disable-telemetry"]
        flags += ["--disable-update-check", "--disable-getting-started-override"]
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                [*self.base, *flags],
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its extension hosts and language servers go with it
            )
        deadline = time.monotonic() + 60
        pattern = re.compile(r"HTTP server listening on (http://127\.0\.0\.1:\d+)")
        while time.monotonic() < deadline and self.process.poll() is None:
            found = pattern.search(self.log.read_text("utf-8", "replace"))
            if found:
                self.url = found.group(1)
                return self.url
            time.sleep(0.1)
        self.stop()
        raise AssertionError(f"code-server did not start:\n{self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)

    def output_channels(self, name: str) -> list[Path]:
        """The files VS Code keeps an extension's output channel NAME in, oldest first."""
        return sorted((self.data / "logs").glob(f"*/exthost*/output_logging_*/*-{name}.log"))

    def __enter__(self) -> CodeServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def run_driver(
    config: dict[str, Any], folder: Path, env: dict[str, str], timeout: float
) -> dict[str, Any]:
    """Run drive-vscode.mjs with CONFIG (saved in FOLDER, with its log); its report."""
    config_file = folder / "driver.json"
    config_file.write_text(json.dumps(config, indent=2), "utf-8")
    log = folder / "driver.log"
    # On a time-out the report (written after each step) says how far it got.
    with log.open("wb") as out, contextlib.suppress(subprocess.TimeoutExpired):
        subprocess.run(
            [NODE or "node", str(DRIVER), str(config_file)],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            timeout=timeout,
            check=False,
        )
    report_file = Path(config["report"])
    report: dict[str, Any] = {}
    if report_file.exists():
        report = json.loads(report_file.read_text("utf-8"))
    if "done" not in report:
        error = log.read_text("utf-8", "replace")[-3000:]
        report = {"done": [], "steps": {}, "failed": {"step": "start", "error": error}}
    return report


def refresh_images(source: Path, names: list[str], target: Path) -> None:
    """Copy screenshots NAMES from SOURCE to TARGET, colour-reduced when pngquant is there."""
    for name in names:
        shot, saved = source / f"{name}.png", target / f"{name}.png"
        if shutil.which("pngquant"):
            quantise = ["pngquant", "--quality", "60-90", "--speed", "1", "--strip", "--force"]
            subprocess.run([*quantise, "--output", str(saved), str(shot)], check=True)
            if shutil.which("optipng"):
                subprocess.run(["optipng", "-quiet", "-o5", str(saved)], check=True)
        else:
            shutil.copyfile(shot, saved)
