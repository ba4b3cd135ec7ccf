"""``blitzls run`` as a subprocess against the scripted model endpoint."""

from __future__ import annotations

import json
import os
import stat
import subprocess
from pathlib import Path

import pytest

from tests.conftest import CLI_COMMAND, TEST_KEY
from tests.e2e.samples import (
    EXPECTED_TOTAL,
    INVENTORY,
    PSEUDOCODE_LINES,
    REPLY_SHAPES,
    expected_inventory,
    run_total_price,
)
from tests.support.cli import run_blitzls
from tests.support.scripted_model import Reply, ScriptedModelServer

LINES = f"{PSEUDOCODE_LINES[0] + 1}-{PSEUDOCODE_LINES[1]}"  # 1-based inclusive


def blitzls(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return run_blitzls(env, *args)


@pytest.fixture
def inventory(tmp_path: Path) -> Path:
    path = tmp_path / "inventory.py"
    path.write_bytes(INVENTORY.encode("utf-8"))
    return path


@pytest.mark.parametrize("shape", sorted(REPLY_SHAPES))
def test_write_replaces_the_lines_for_every_reply_shape(
    shape: str, inventory: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    model_server.enqueue(Reply(content=REPLY_SHAPES[shape]))
    done = blitzls(server_env, "run", "pseudocode", str(inventory), "--lines", LINES, "--write")
    assert done.returncode == 0, done.stderr
    edited = inventory.read_text(encoding="utf-8")
    assert edited == expected_inventory()
    assert run_total_price(edited) == EXPECTED_TOTAL


def test_without_write_prints_a_diff_and_leaves_the_file(
    inventory: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    model_server.enqueue(Reply(content=REPLY_SHAPES["fenced"]))
    done = blitzls(server_env, "run", "pseudocode", str(inventory), "--lines", LINES)
    assert done.returncode == 0, done.stderr
    assert inventory.read_text(encoding="utf-8") == INVENTORY
    assert "-    # keep the result in total" in done.stdout
    assert '+        total += item["price"] * item["qty"]' in done.stdout


def test_second_run_is_a_cache_hit_and_no_cache_asks_again(
    inventory: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    model_server.responder = lambda body: Reply(content=REPLY_SHAPES["fenced"])
    first = blitzls(server_env, "run", "pseudocode", str(inventory), "--lines", LINES, "--json")
    second = blitzls(server_env, "run", "pseudocode", str(inventory), "--lines", LINES, "--json")
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    one, two = json.loads(first.stdout), json.loads(second.stdout)
    assert one["cache_hit"] is False and two["cache_hit"] is True
    assert one["edits"] == two["edits"] and one["diff"] == two["diff"]
    assert model_server.request_count == 1
    assert two["usage"] == one["usage"] and one["usage"]["completion_tokens"] > 0
    third = blitzls(
        server_env, "run", "pseudocode", str(inventory), "--lines", LINES, "--no-cache", "--json"
    )
    assert third.returncode == 0 and json.loads(third.stdout)["cache_hit"] is False
    assert model_server.request_count == 2
    assert TEST_KEY not in first.stdout + second.stdout + third.stdout


def test_json_reports_edits_in_utf16_and_lines(
    inventory: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    model_server.enqueue(Reply(content=REPLY_SHAPES["think"]))
    done = blitzls(server_env, "run", "pseudocode", str(inventory), "--lines", LINES, "--json")
    result = json.loads(done.stdout)
    assert result["ok"] is True and result["changed"] is True and result["written"] is False
    assert result["lines"] == [PSEUDOCODE_LINES[0] + 1, PSEUDOCODE_LINES[1]]
    assert result["edits"][0]["range"]["start"] == {"line": PSEUDOCODE_LINES[0], "character": 0}
    assert result["timings"]["total_ms"] > 0


def test_single_line_selects_the_comment_block(
    inventory: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    model_server.enqueue(Reply(content=REPLY_SHAPES["bare"]))
    line = str(PSEUDOCODE_LINES[0] + 2)  # second comment line, 1-based
    done = blitzls(server_env, "run", "pseudocode", str(inventory), "--lines", line, "--write")
    assert done.returncode == 0, done.stderr
    assert inventory.read_text(encoding="utf-8") == expected_inventory()


def test_crlf_file_and_mode_are_preserved(
    inventory: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    inventory.write_bytes(INVENTORY.replace("\n", "\r\n").encode("utf-8"))
    os.chmod(inventory, 0o640)
    model_server.enqueue(Reply(content=REPLY_SHAPES["whole_function"]))
    done = blitzls(server_env, "run", "pseudocode", str(inventory), "--lines", LINES, "--write")
    assert done.returncode == 0, done.stderr
    assert inventory.read_bytes() == expected_inventory().replace("\n", "\r\n").encode("utf-8")
    assert stat.S_IMODE(inventory.stat().st_mode) == 0o640
    assert not list(inventory.parent.glob(".inventory.py.*")), "temporary file left behind"


def test_pseudocode_at_the_end_of_a_file_without_newline(
    tmp_path: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    path = tmp_path / "tail.py"
    path.write_text("def greet(name):\n    # return 'hi ' + name, with a wave 👋", encoding="utf-8")
    model_server.enqueue(Reply(content="```python\nreturn f'hi {name} 👋'\n```"))
    done = blitzls(server_env, "run", "pseudocode", str(path), "--lines", "2", "--write")
    assert done.returncode == 0, done.stderr
    assert path.read_text(encoding="utf-8") == "def greet(name):\n    return f'hi {name} 👋'"


def test_missing_key_fails_clearly_and_touches_nothing(
    inventory: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    env = dict(server_env)
    del env["BLITZLS_API_KEY"]
    env["BLITZLS_BASE_URL"] = "https://api.x.ai/v1"
    done = blitzls(env, "run", "pseudocode", str(inventory), "--lines", LINES, "--write")
    assert done.returncode == 3
    assert done.stderr.startswith("blitzls: no API key") and "XAI_API_KEY" in done.stderr
    assert "Traceback" not in done.stderr
    assert inventory.read_text(encoding="utf-8") == INVENTORY
    assert model_server.request_count == 0


def test_rejected_key_gives_its_own_exit_code(
    inventory: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    model_server.enqueue(
        Reply(status=401, error_body=json.dumps({"error": {"message": "Incorrect API key"}}))
    )
    done = blitzls(server_env, "run", "pseudocode", str(inventory), "--lines", LINES, "--write")
    assert done.returncode == 4, done.stderr
    assert "401" in done.stderr and TEST_KEY not in done.stderr
    assert inventory.read_text(encoding="utf-8") == INVENTORY


def test_unusable_reply_is_repaired_once_then_fails_and_is_not_cached(
    inventory: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    empty = Reply(content="<think>hmm</think>\n```python\n```")
    model_server.enqueue(empty, empty, Reply(content=REPLY_SHAPES["fenced"]))
    done = blitzls(server_env, "run", "pseudocode", str(inventory), "--lines", LINES, "--write")
    assert done.returncode == 10, done.stderr
    assert "after one repair round" in done.stderr
    assert inventory.read_text(encoding="utf-8") == INVENTORY
    assert model_server.request_count == 2
    again = blitzls(server_env, "run", "pseudocode", str(inventory), "--lines", LINES, "--write")
    assert again.returncode == 0, again.stderr
    assert model_server.request_count == 3
    assert inventory.read_text(encoding="utf-8") == expected_inventory()


def test_unusable_reply_then_good_repair_succeeds(
    inventory: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    model_server.enqueue(
        Reply(content="Sorry, I cannot help."), Reply(content=REPLY_SHAPES["bare"])
    )
    done = blitzls(server_env, "run", "pseudocode", str(inventory), "--lines", LINES, "--write")
    assert done.returncode == 0, done.stderr
    assert inventory.read_text(encoding="utf-8") == expected_inventory()
    repair = model_server.requests[1].body["messages"]
    assert repair[-2] == {"role": "assistant", "content": "Sorry, I cannot help."}
    assert "Reply with the whole function in one ```python block." in repair[-1]["content"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run", "nonsense", "{file}", "--lines", "1-2"], "unknown action"),
        (["run", "pseudocode", "{file}", "--lines", "40-50"], "outside the file"),
        (["run", "pseudocode", "{file}", "--lines", "x"], "--lines must look like"),
        (["run", "pseudocode", "{file}"], "--lines is required"),
        (["run", "pseudocode", "{missing}", "--lines", "1-2"], "no such file"),
    ],
)
def test_usage_errors(
    args: list[str], message: str, inventory: Path, server_env: dict[str, str]
) -> None:
    argv = [a.format(file=inventory, missing=inventory.with_name("nope.py")) for a in args]
    done = blitzls(server_env, *argv)
    assert done.returncode == 2
    assert message in done.stderr
    assert inventory.read_text(encoding="utf-8") == INVENTORY


def test_invalid_utf8_is_refused(tmp_path: Path, server_env: dict[str, str]) -> None:
    path = tmp_path / "latin1.py"
    path.write_bytes(b"# caf\xe9\n")
    done = blitzls(server_env, "run", "pseudocode", str(path), "--lines", "1")
    assert done.returncode == 2 and "not valid UTF-8" in done.stderr
    assert path.read_bytes() == b"# caf\xe9\n"


def test_version_and_module_entry_point(server_env: dict[str, str]) -> None:
    done = blitzls(server_env, "--version")
    assert done.returncode == 0 and done.stdout.startswith("blitzls ")


def test_file_changed_on_disk_meanwhile_is_not_overwritten(
    inventory: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    model_server.enqueue(Reply(content=REPLY_SHAPES["fenced"], chunk_chars=2, chunk_delay=0.03))
    process = subprocess.Popen(
        [*CLI_COMMAND, "run", "pseudocode", str(inventory), "--lines", LINES, "--write"],
        env=server_env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert model_server.wait_for_requests(1, 10.0)
    edited_by_user = INVENTORY.replace("GREETING", "SALUTATION")
    inventory.write_text(edited_by_user, encoding="utf-8")
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 12, stderr
    assert "changed on disk" in stderr
    assert inventory.read_text(encoding="utf-8") == edited_by_user


def test_file_deleted_meanwhile_counts_as_changed_on_disk(
    inventory: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    """The file is deleted while the model answers: exit 12 like any change on disk, and
    the file is not written back."""

    def delete_then_answer(body: dict[str, object]) -> Reply:
        inventory.unlink()
        return Reply(content=REPLY_SHAPES["fenced"])

    model_server.responder = delete_then_answer
    done = blitzls(server_env, "run", "pseudocode", str(inventory), "--lines", LINES, "--write")
    assert done.returncode == 12, done.stderr
    assert done.stderr.strip() == (
        f"blitzls: {inventory} changed on disk while the model was answering (it was "
        "deleted); nothing was written"
    )
    assert not inventory.exists()
