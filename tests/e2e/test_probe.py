"""``blitzls probe`` shows what an editor would see."""

from __future__ import annotations

import json
from pathlib import Path

from tests.e2e.samples import INVENTORY, PSEUDOCODE_LINES, REPLY_SHAPES, expected_inventory
from tests.e2e.test_cli_run import blitzls
from tests.support.scripted_model import Reply, ScriptedModelServer


def test_probe_lists_and_resolves_like_an_editor(
    tmp_path: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    path = tmp_path / "inventory.py"
    path.write_text(INVENTORY, encoding="utf-8")
    model_server.enqueue(Reply(content=REPLY_SHAPES["fenced"]))
    line = str(PSEUDOCODE_LINES[0] + 1)
    done = blitzls(
        server_env,
        "probe",
        str(path),
        "--lines",
        line,
        "--action",
        "pseudocode",
        "--client",
        "neovim",
        "--json",
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["encoding"] == "utf-8"
    assert {
        "title": "Convert pseudocode to code",
        "kind": "refactor.rewrite.blitzls.pseudocode",
    } in report["actions"]
    assert '+        total += item["price"] * item["qty"]' in report["diff"]
    assert any("progress begin: blitzls: Convert pseudocode to code" in e for e in report["events"])
    assert path.read_text(encoding="utf-8") == INVENTORY  # the probe never writes
    assert expected_inventory() != INVENTORY


def test_probe_explains_an_unreachable_endpoint(tmp_path: Path, server_env: dict[str, str]) -> None:
    path = tmp_path / "inventory.py"
    path.write_text(INVENTORY, encoding="utf-8")
    env = {**server_env, "BLITZLS_BASE_URL": "http://127.0.0.1:9/v1"}
    line = str(PSEUDOCODE_LINES[0] + 1)
    done = blitzls(env, "probe", str(path), "--lines", line, "--action", "pseudocode")
    assert done.returncode == 1
    assert "offered     4 action(s)" in done.stdout
    assert "came back without an edit" in done.stdout
    assert "cannot reach http://127.0.0.1:9/v1" in done.stdout
    assert "progress end: failed" in done.stdout


def test_probe_on_code_line_says_why_nothing_is_offered(
    tmp_path: Path, server_env: dict[str, str]
) -> None:
    path = tmp_path / "top.py"
    path.write_text("x = 1\ny = 2\n", encoding="utf-8")
    done = blitzls(server_env, "probe", str(path), "--lines", "1")
    assert done.returncode == 0, done.stderr
    assert "offered     0 action(s)" in done.stdout
    assert "nothing offered here" in done.stdout
