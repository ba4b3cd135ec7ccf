"""``blitzls doctor`` as a subprocess: the effective settings, each problem and its fix."""

from __future__ import annotations

import json
import os
import socket
import subprocess
from pathlib import Path

import pytest

from tests.conftest import CLI_COMMAND, TEST_KEY
from tests.support.scripted_model import Reply, ScriptedModelServer


def doctor(
    env: dict[str, str], *args: str, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI_COMMAND, "doctor", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def check(report: str, name: str) -> str:
    """The line of the check ``name`` plus its fix line, if any."""
    lines = report.splitlines()
    for index, line in enumerate(lines):
        if line[8:].startswith(f"{name}:"):
            following = lines[index + 1] if index + 1 < len(lines) else ""
            return line + ("\n" + following if following.strip().startswith("fix:") else "")
    raise AssertionError(f"no check {name!r} in:\n{report}")


def test_a_working_setup_is_ready_and_shows_where_each_value_came_from(
    server_env: dict[str, str], model_server: ScriptedModelServer, tmp_path: Path
) -> None:
    model_server.enqueue(Reply(content="ok"))
    done = doctor(server_env, "--max-tokens", "99", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert "Verdict: ready" in out
    assert TEST_KEY not in out and TEST_KEY not in done.stderr
    assert TEST_KEY[-4:] in check(out, "API key")  # masked: length and last four only
    rows = {line.split()[0]: line for line in out.splitlines() if line.startswith("  ")}
    assert rows["baseUrl"].endswith("environment BLITZLS_BASE_URL")
    assert rows["maxTokens"].split()[1:] == ["99", "command", "line"]
    assert rows["contextLines"].endswith("default")
    assert check(out, "endpoint").startswith("  ok    endpoint: " + model_server.url)
    assert "first token" in check(out, "model")
    (request,) = model_server.chat_requests  # exactly one tiny request
    assert request.body["max_tokens"] == 16


def test_wrong_base_url_is_diagnosed_with_the_fix(
    server_env: dict[str, str], tmp_path: Path
) -> None:
    url = f"http://127.0.0.1:{closed_port()}/v1"
    done = doctor({**server_env, "BLITZLS_BASE_URL": url}, cwd=tmp_path)
    assert done.returncode == 1
    line = check(done.stdout, "endpoint")
    assert line.startswith("  FAIL") and "cannot reach" in line and "connection refused" in line
    assert f"fix: check baseUrl (now {url}, from environment BLITZLS_BASE_URL)" in line
    assert "Verdict: 1 problem(s)" in done.stdout


def test_missing_key_is_diagnosed_without_contacting_anyone(
    server_env: dict[str, str], tmp_path: Path
) -> None:
    env = {k: v for k, v in server_env.items() if k not in ("BLITZLS_BASE_URL", "BLITZLS_API_KEY")}
    env["BLITZLS_PROVIDER"] = "openrouter"
    del env["BLITZLS_MODEL"]
    done = doctor(env, cwd=tmp_path)
    assert done.returncode == 1
    line = check(done.stdout, "API key")
    assert line.startswith("  FAIL") and "$OPENROUTER_API_KEY is not set" in line
    assert "fix: export OPENROUTER_API_KEY=<your key>" in line
    assert "skip  endpoint: not contacted" in done.stdout
    assert "x-ai/grok-code-fast-1 at https://openrouter.ai/api/v1" in done.stdout
    assert "provider openrouter" in done.stdout  # where baseUrl came from


def test_unknown_model_is_diagnosed_and_the_offered_ones_listed(
    server_env: dict[str, str], model_server: ScriptedModelServer, tmp_path: Path
) -> None:
    done = doctor(server_env, "--model", "grok-code-fst-1", cwd=tmp_path)
    assert done.returncode == 1
    line = check(done.stdout, "model")
    assert line.startswith("  FAIL") and "'grok-code-fst-1' is not offered" in line
    assert "fix: set the model to one of: grok-code-fast-1, test-model" in line
    assert model_server.chat_requests == []  # found from GET /models alone


def test_unwritable_cache_directory_is_diagnosed(
    server_env: dict[str, str], model_server: ScriptedModelServer, tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    model_server.enqueue(Reply(content="ok"))
    done = doctor({**server_env, "BLITZLS_CACHE_DIR": str(blocker / "cache")}, cwd=tmp_path)
    assert done.returncode == 1
    line = check(done.stdout, "cache")
    assert line.startswith("  FAIL") and f"cannot write to {blocker / 'cache'}" in line
    assert "fix:" in line and "BLITZLS_CACHE_DIR" in line


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write to a read-only directory")
def test_read_only_cache_directory_is_diagnosed(server_env: dict[str, str], tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir(mode=0o500)
    done = doctor({**server_env, "BLITZLS_CACHE_DIR": str(cache)}, "--offline", cwd=tmp_path)
    assert done.returncode == 1
    assert "Permission denied" in check(done.stdout, "cache")


def test_project_file_problems_are_named_and_json_report(
    server_env: dict[str, str], model_server: ScriptedModelServer, tmp_path: Path
) -> None:
    (tmp_path / ".blitzls.toml").write_text('max_tokens = "lots"\nbase_url = "http://evil"\n')
    done = doctor(server_env, "--json", "--offline", cwd=tmp_path)
    assert done.returncode == 1
    report = json.loads(done.stdout)
    failed = [c["detail"] for c in report["checks"] if c["status"] == "fail"]
    assert any("'max_tokens'" in d and "lots" in d for d in failed), failed
    project = tmp_path / ".blitzls.toml"
    assert any(f"'base_url' in {project} is ignored" in d for d in failed), failed
    values = {row["key"]: row for row in report["configuration"]}
    assert values["baseUrl"]["value"] == server_env["BLITZLS_BASE_URL"]
    assert values["apiKey"]["value"].startswith("set, ") and TEST_KEY not in done.stdout
    assert model_server.requests == []  # --offline contacts nobody
