"""A real VS Code runs the freshly built extension against a real ``blitzls serve``.

code-server 4.100.3 (VS Code 1.100.3 in a browser) runs on 127.0.0.1 with the ``.vsix``
installed by ``--install-extension``; headless Chromium, driven by playwright-core through
``client-config/vscode/test/e2e/drive-vscode.mjs``, types what a person types: Ctrl+., the
command palette and its input box, Ctrl+Z, the Cancel button of a progress notification, the
answer to the workspace-trust question. The model is the scripted endpoint on 127.0.0.1. The
session runs once for this module; each test checks one promise against the driver's report,
the files on disk and the requests the endpoint received.

Tools: ``BLITZLS_VSCODE_TOOLS=$(.ci/install-vscode)`` (see tests/support/code_server.py). The
extension is ``$BLITZLS_VSIX``, else packaged from client-config/vscode. Screenshots, the
driver's report and every log (code-server, blitzls, the blitzls Output channel) go to
``build/vscode-e2e`` (or ``$BLITZLS_VSCODE_ARTIFACTS``) and are kept.
``BLITZLS_UPDATE_DOCS_IMAGES=1`` copies the screenshots docs/editors.md shows into docs/images
after a session in which every step passed.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, clean_environment
from tests.e2e.vscode_samples import (
    CALC,
    CONVERT,
    EDIT,
    FIX,
    INSTRUCTION,
    INVENTORY,
    NOTES,
    NOTES_CHANGE,
    ORDERS,
    PSEUDOCODE,
    SLOW,
    TRUSTED_FILES,
    TYPE_ERROR,
    UNTRUSTED_FILES,
    file_of,
    prompt_of,
    respond,
)
from tests.support.code_server import (
    CHROMIUM,
    TOOLS,
    CodeServer,
    build_vsix,
    missing_tools,
    refresh_images,
    run_driver,
    user_settings,
)
from tests.support.scripted_model import RecordedRequest, ScriptedModelServer

pytestmark = pytest.mark.skipif(bool(missing_tools()), reason=f"needs {missing_tools()}")

ARTIFACTS = Path(os.environ.get("BLITZLS_VSCODE_ARTIFACTS") or ROOT / "build" / "vscode-e2e")
DOC_IMAGES = ["vscode-1-menu", "vscode-2-progress", "vscode-3-result", "vscode-4-edit-prompt"]
DOC_IMAGES += ["vscode-5-edit-result", "vscode-6-cancel"]
SESSION_TIMEOUT_S = 420
NEW_MODEL = "test-model"  # the scripted endpoint knows it; unknown models get a 404
INVALID_KEY = "maxTokens"
TRUSTED_STEPS = ["pseudocode", "output", "undo", "edit", "fix", "cancel", "settings", "final"]


@dataclass
class Session:
    """One run of the driver: its report, the endpoints and what code-server listed."""

    report: dict[str, Any]
    model: ScriptedModelServer  # the endpoint in the user's settings
    workspace_model: ScriptedModelServer  # the one the untrusted workspace names
    extensions: str

    def step(self, name: str) -> dict[str, Any]:
        """The report of step NAME; fails with the driver's error if it did not finish."""
        if name not in self.report["done"]:
            failed = self.report.get("failed") or {}
            pytest.fail(
                f"the VS Code session did not finish step {name!r}; it stopped in "
                f"{failed.get('step')!r}:\n{failed.get('error')}\n"
                f"notifications: {failed.get('toasts')}\n"
                f"screenshots and logs: {ARTIFACTS}",
                pytrace=False,
            )
        found: dict[str, Any] = self.report["steps"].get(name, {})
        return found

    def requests_for(self, name: str) -> list[RecordedRequest]:
        return [r for r in self.model.chat_requests if file_of(r.body) == name]


def signal_when_closed(model: ScriptedModelServer, flag: Path, done: threading.Event) -> None:
    """Tell the driver (by creating FLAG) when the endpoint saw a stream closed early."""
    while not done.is_set():
        if model.wait_closed_early(1, timeout=0.5):
            flag.write_text("closed", "utf-8")
            return


def write_files(folder: Path, files: dict[str, str]) -> None:
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text, "utf-8")


def driver_config(url: str, trusted: Path, untrusted: Path, signals: Path) -> dict[str, Any]:
    """What the driver does, where: see drive-vscode.mjs."""

    def action(folder: Path, name: str, position: str, title: str) -> dict[str, str]:
        return {"name": name, "file": str(folder / name), "position": position, "title": title}

    return {
        "tools": str(TOOLS),
        "chromium": CHROMIUM,
        "url": url,
        "shots": str(ARTIFACTS),
        "report": str(ARTIFACTS / "report.json"),
        "signals": str(signals),
        "phases": [
            {"folder": str(trusted), "trust": True, "steps": TRUSTED_STEPS},
            {"folder": str(untrusted), "trust": False, "steps": ["untrusted"]},
        ],
        "pseudocode": action(trusted, "inventory.py", "7:9", CONVERT),
        "output": {"pattern": r"pseudocode on inventory\.py lines 6-8: "},
        "edit": {
            "name": "orders.py",
            "file": str(trusted / "orders.py"),
            "from": "6:1",  # then Shift+Down twice and Shift+End: lines 6-8
            "down": 2,
            "instruction": INSTRUCTION,
        },
        "fix": action(trusted, "calc.ts", "2:9", f"Fix with blitzls: {TYPE_ERROR}"),
        "settings": {
            "file": str(trusted / ".vscode" / "settings.json"),
            "first": {"blitzls.model": NEW_MODEL},
            "appliedPattern": r"workspace configuration applied \(.*\bmodel\b",
            "invalid": {"blitzls.model": NEW_MODEL, f"blitzls.{INVALID_KEY}": "lots"},
            "invalidKey": INVALID_KEY,
        },
        "cancel": action(trusted, "slow.py", "2:9", CONVERT),
        "untrusted": action(untrusted, "notes.py", "2:9", CONVERT),
    }


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Session]:
    tmp = tmp_path_factory.mktemp("vscode")
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True)
    vsix = build_vsix(tmp)
    trusted, untrusted, signals = tmp / "trusted", tmp / "untrusted", tmp / "signals"
    write_files(trusted, TRUSTED_FILES)
    write_files(untrusted, UNTRUSTED_FILES)
    signals.mkdir()
    env = clean_environment()
    env.update(BLITZLS_CACHE_DIR=str(tmp / "cache"), BLITZLS_MAX_RETRIES="0")
    done = threading.Event()
    with (
        ScriptedModelServer(responder=respond) as model,
        ScriptedModelServer() as workspace_model,
        CodeServer(tmp, env, ARTIFACTS / "code-server.log") as code_server,
    ):
        # A workspace that is not trusted names another endpoint: it must not be used.
        (untrusted / ".vscode").mkdir()
        (untrusted / ".vscode" / "settings.json").write_text(
            json.dumps({"blitzls.baseUrl": workspace_model.url}), "utf-8"
        )
        code_server.write_settings(user_settings(model.url, ARTIFACTS / "blitzls.log"))
        code_server.cli("--install-extension", str(vsix), "--force")
        extensions = code_server.cli("--list-extensions", "--show-versions")
        url = code_server.start()
        watcher = threading.Thread(
            target=signal_when_closed, args=(model, signals / "stream-closed", done), daemon=True
        )
        watcher.start()
        config = driver_config(url, trusted, untrusted, signals)
        config["logs"] = str(code_server.data / "logs")
        try:
            report = run_driver(config, ARTIFACTS, code_server.env, SESSION_TIMEOUT_S)
        finally:
            done.set()
            for index, output in enumerate(code_server.output_channels("blitzls"), 1):
                shutil.copyfile(output, ARTIFACTS / f"blitzls-output-{index}.log")
        yield Session(report, model, workspace_model, extensions)
    if os.environ.get("BLITZLS_UPDATE_DOCS_IMAGES") and "failed" not in report:
        refresh_images(ARTIFACTS, DOC_IMAGES, ROOT / "docs" / "images")


def action_done(lines: list[str]) -> dict[str, Any]:
    """The last ``blitzls/actionDone`` notification the extension logged to its output."""
    prefix = "blitzls/actionDone: "
    logged = [line.removeprefix(prefix) for line in lines if line.startswith(prefix)]
    assert logged, lines
    done: dict[str, Any] = json.loads(logged[-1])
    return done


# --- the eight promises ---------------------------------------------------------------------


def test_1_the_built_vsix_is_installed_and_starts_blitzls(session: Session) -> None:
    assert "blitzls.blitzls@0.1.0" in session.extensions.split()
    step = session.step("pseudocode")
    assert step["restricted"] is False  # the folder was trusted
    assert step["statusAtStart"] == "blitzls"  # the extension's status-bar item
    assert (ARTIFACTS / "blitzls.log").exists()  # the server it started


def test_2_pseudocode_from_the_quick_fix_menu(session: Session) -> None:
    step = session.step("pseudocode")
    assert CONVERT in step["menu"]
    assert step["progress"].startswith(f"blitzls: {CONVERT}")
    assert step["text"] == PSEUDOCODE.applied_to(INVENTORY)
    first = session.requests_for("inventory.py")[0]
    assert first.body["model"] == "grok-code-fast-1"
    # The status bar shows the tokens and cost the server's blitzls/actionDone carried ...
    assert re.fullmatch(r"blitzls: [\d,]+ tok · \$0\.\d{4}", step["status"]), step["status"]
    output = session.step("output")
    done = action_done(output["lines"])
    assert done["action"] == "pseudocode" and done["model"] == "grok-code-fast-1", done
    assert done["cacheHit"] is False and done["tokens"] > 0 and done["cost"] > 0, done
    assert step["status"] == f"blitzls: {done['tokens']:,} tok · ${done['cost']:.4f}"
    # ... and the Output channel the action's one-line summary, also on screen.
    summary = (
        r"pseudocode on inventory\.py lines 6-8: \d+ output tokens, \$0\.\d{4}, [\d.]+ s, "
        r"1 edit\(s\)$"
    )
    assert any(re.search(summary, line) for line in output["lines"]), output["lines"]
    assert output["shown"] is True


def test_3_edit_selection_changes_only_the_selection(session: Session) -> None:
    step = session.step("edit")
    assert "Instruction for lines 6-8" in step["prompt"], step["prompt"]
    assert step["text"] == EDIT.applied_to(ORDERS)
    (request,) = session.requests_for("orders.py")
    assert INSTRUCTION in prompt_of(request.body)


def test_4_fix_with_blitzls_on_a_typescript_error(session: Session) -> None:
    step = session.step("fix")
    assert step["problemsBefore"] == "Errors: 1", step["problemsBefore"]
    assert f"Fix with blitzls: {TYPE_ERROR}" in step["menu"]
    assert step["text"] == FIX.applied_to(CALC)
    assert step["problemsAfter"] == "No Problems"
    (request,) = session.requests_for("calc.ts")
    assert f"ts 2322 reports: {TYPE_ERROR}" in prompt_of(request.body)


def test_5_settings_reach_the_server_and_bad_values_are_named(session: Session) -> None:
    step = session.step("settings")
    converted = PSEUDOCODE.applied_to(INVENTORY)
    assert step["first"] == converted
    assert step["afterInvalid"] == converted  # actions keep working
    requests = session.requests_for("inventory.py")
    assert [r.body["model"] for r in requests] == ["grok-code-fast-1", NEW_MODEL, NEW_MODEL]
    # the default cap, not the bad value: sized from the task as for the first request
    assert requests[-1].body.get("max_tokens") == requests[0].body.get("max_tokens")
    notification = step["notification"]
    assert (
        f"setting '{INVALID_KEY}' (editor settings) must be a whole number" in notification["text"]
    )
    assert notification["severity"] == "warning", notification  # blitzls carries on


def test_6_an_untrusted_workspace_cannot_redirect_the_endpoint(session: Session) -> None:
    step = session.step("untrusted")
    assert step["restricted"] is True  # VS Code's Restricted Mode
    assert step["text"] == NOTES_CHANGE.applied_to(NOTES)
    assert len(session.requests_for("notes.py")) == 1  # the endpoint in the user's settings
    assert session.workspace_model.request_count == 0


def test_7_cancel_from_the_progress_notification(session: Session) -> None:
    step = session.step("cancel")
    assert step["progress"].startswith(f"blitzls: {CONVERT}")
    assert "Cancel" in step["notification"], step["notification"]
    (request,) = session.requests_for("slow.py")
    assert request.closed_early and not request.completed  # the stream was closed
    assert step["text"] == SLOW and step["dirty"] is False
    final = session.step("final")  # after the settings step: still unchanged
    assert final["cancelled"] == SLOW and final["dirtyTabs"] == 0
    assert not [t for t in step["toasts"] if t["severity"] == "error"], step["toasts"]


def test_8_one_undo_restores_the_text_before_the_action(session: Session) -> None:
    assert session.step("undo")["text"] == INVENTORY  # a code action's edit
    assert session.step("edit")["undone"] == ORDERS  # Edit Selection's workspace/applyEdit
    settings = session.step("settings")
    assert settings["firstUndone"] == settings["afterInvalidUndone"] == INVENTORY
