"""Secrets never reach the model: redaction, the marker check and excluded files, end to end."""

from __future__ import annotations

import asyncio
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types

from blitzls.secrets import REDACTION
from tests.e2e.samples import INDENTED_LOOP, ITEMS
from tests.e2e.test_cli_run import blitzls
from tests.e2e.test_lsp_pseudocode import actions_at, encoding_of, open_document
from tests.support.lsp import apply_text_edits, capabilities, edits_of, lsp_session
from tests.support.scripted_model import Reply, ScriptedModelServer

# Fake key material, assembled so this file holds no token-shaped strings itself.
KEY_BODY = [
    "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun",
    "VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK",
    "LxoS2tFczGkPLPgizskuemMghRniWaoLcyehkd3qqGElvW/VDL5AaWTg0nLVkjRo",
]
AWS_ID = "AKIA" + "Z7QW4EXAMPLE2024"
SECRETS = [*KEY_BODY, AWS_ID, "BEGIN RSA PRIVATE KEY"]

DEPLOY = (
    '"""Deploy helpers — Grüße 😀."""\n'
    "\n"
    'SIGNING_KEY = """-----BEGIN RSA PRIVATE KEY-----\n'
    + "\n".join(KEY_BODY)
    + '\n-----END RSA PRIVATE KEY-----\n"""\n'
    f'AWS_ACCESS_KEY_ID = "{AWS_ID}"\n'
    "\n"
    "\n"
    "def total_price(items):\n"
    "    # add up price times qty for every item in items 😀\n"
    "    # keep the result in total\n"
    "    return total\n"
)
PSEUDOCODE = (12, 14)  # 0-based [start, end)
LINES = f"{PSEUDOCODE[0] + 1}-{PSEUDOCODE[1]}"


def expected_deploy() -> str:
    lines = DEPLOY.splitlines(keepends=True)
    return "".join(lines[: PSEUDOCODE[0]]) + INDENTED_LOOP + "\n" + "".join(lines[PSEUDOCODE[1] :])


def run_total(source: str) -> Any:
    namespace: dict[str, Any] = {}
    exec(compile(source, "<edited>", "exec"), namespace)
    return namespace["total_price"](ITEMS)


def contents(body: dict[str, Any]) -> list[str]:
    return [str(message["content"]) for message in body["messages"]]


def assert_nothing_secret(body: dict[str, Any]) -> None:
    for content in contents(body):
        for secret in SECRETS:
            assert secret not in content


def file_context(body: dict[str, Any]) -> list[str]:
    """The file as the prompt shows it (between the first pair of fences of the user message)."""
    user = contents(body)[-1]
    match = re.search(r"```\n(.*?)\n```", user, re.DOTALL)
    assert match is not None
    return match.group(1).split("\n")


@pytest.fixture
def deploy(tmp_path: Path) -> Path:
    path = tmp_path / "deploy.py"
    path.write_bytes(DEPLOY.encode("utf-8"))
    return path


def test_the_model_sees_markers_and_the_file_keeps_its_secrets(
    deploy: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    assert DEPLOY.splitlines()[PSEUDOCODE[0]].strip().startswith("# add up")
    model_server.enqueue(Reply(content=f"```python\n{INDENTED_LOOP}\n```\n"))
    env = {**server_env, "BLITZLS_CONTEXT": "file"}  # the whole file goes with the task
    done = blitzls(env, "run", "pseudocode", str(deploy), "--lines", LINES, "--write")
    assert done.returncode == 0, done.stderr
    (request,) = model_server.requests
    assert_nothing_secret(request.body)
    shown = file_context(request.body)
    real = DEPLOY.rstrip("\n").split("\n")
    assert len(shown) == len(real)  # line numbers in the prompt match the file
    assert shown[2] == f'SIGNING_KEY = """{REDACTION}'
    assert shown[3:7] == [REDACTION] * 4
    assert shown[8] == f'AWS_ACCESS_KEY_ID = "{REDACTION}"'
    assert [a for a, b in zip(shown, real, strict=True) if a != b] == [*shown[2:7], shown[8]]
    assert "replace the pseudocode comments" in contents(request.body)[-1]
    edited = deploy.read_text(encoding="utf-8")
    assert edited == expected_deploy()
    assert "\n".join(KEY_BODY) in edited and AWS_ID in edited
    assert run_total(edited) == 9.0


def test_without_redaction_the_file_is_sent_as_it_is(
    deploy: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    model_server.enqueue(Reply(content=f"```python\n{INDENTED_LOOP}\n```\n"))
    env = {**server_env, "BLITZLS_REDACT": "false", "BLITZLS_CONTEXT": "file"}
    done = blitzls(env, "run", "pseudocode", str(deploy), "--lines", LINES)
    assert done.returncode == 0, done.stderr
    (request,) = model_server.requests
    assert AWS_ID in contents(request.body)[-1] and REDACTION not in contents(request.body)[-1]


def test_a_reply_that_echoes_the_marker_is_refused(
    deploy: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    echo = f'```python\n    key = "{REDACTION}"\n{INDENTED_LOOP}\n```\n'
    model_server.enqueue(Reply(content=echo), Reply(content=echo))
    done = blitzls(server_env, "run", "pseudocode", str(deploy), "--lines", LINES, "--write")
    assert done.returncode == 10, done.stderr
    assert "redaction marker" in done.stderr
    assert deploy.read_bytes() == DEPLOY.encode("utf-8")
    requests = model_server.requests
    assert len(requests) == 1  # no repair round for an unsafe reply
    assert_nothing_secret(requests[0].body)


def test_a_repair_message_does_not_quote_redacted_lines(
    deploy: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    # A SEARCH block that almost matches a key line: neither the first request nor the
    # repair request may carry the key.
    near_miss = "<<<<<<< SEARCH\n" + KEY_BODY[1][:-3] + "zzz\n=======\nx = 1\n>>>>>>> REPLACE\n"
    model_server.enqueue(Reply(content=near_miss), Reply(content=near_miss))
    done = blitzls(
        server_env, "run", "edit", str(deploy), "--lines", "1-15", "--instruction", "tidy up"
    )
    assert done.returncode == 10, done.stderr
    requests = model_server.requests
    assert len(requests) == 2
    repair = contents(requests[1].body)[-1]
    assert "could not use that reply" in repair and "did not apply" in repair
    for request in requests:
        assert_nothing_secret(request.body)
    assert deploy.read_bytes() == DEPLOY.encode("utf-8")


@pytest.mark.parametrize(
    ("name", "pattern"), [(".env", ".env"), ("server.pem", "*.pem"), ("secrets.py", "secrets.*")]
)
def test_excluded_files_are_refused_before_any_request(
    name: str,
    pattern: str,
    tmp_path: Path,
    server_env: dict[str, str],
    model_server: ScriptedModelServer,
) -> None:
    path = tmp_path / name
    text = "# make a setting for the port\nPORT=8080\n"
    path.write_text(text, encoding="utf-8")
    done = blitzls(server_env, "run", "pseudocode", str(path), "--lines", "1")
    assert done.returncode == 3, done.stderr
    assert f"excluded from model requests by the built-in pattern '{pattern}'" in done.stderr
    assert "nothing was sent" in done.stderr
    assert model_server.request_count == 0
    assert path.read_text(encoding="utf-8") == text


def test_user_exclude_patterns_from_the_environment(
    tmp_path: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    private = tmp_path / "private" / "app.py"
    private.parent.mkdir()
    private.write_text("def f(items):\n    # sum the items\n    return 0\n", encoding="utf-8")
    env = {**server_env, "BLITZLS_EXCLUDE": "*.txt, private/**"}
    done = blitzls(env, "run", "pseudocode", str(private), "--lines", "2")
    assert done.returncode == 3, done.stderr
    assert "'private/**'" in done.stderr
    assert model_server.request_count == 0
    # without the pattern the same file is sent
    model_server.enqueue(Reply(content="```python\n    return sum(items)\n```\n"))
    done = blitzls(server_env, "run", "pseudocode", str(private), "--lines", "2")
    assert done.returncode == 0, done.stderr
    assert model_server.request_count == 1


@pytest.mark.needs("git")
def test_respect_gitignore_refuses_ignored_files(
    tmp_path: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / ".gitignore").write_text("local_*.py\n", encoding="utf-8")
    path = tmp_path / "local_settings.py"
    path.write_text("def f(items):\n    # sum the items\n    return 0\n", encoding="utf-8")
    env = {**server_env, "BLITZLS_RESPECT_GITIGNORE": "true"}
    done = blitzls(env, "run", "pseudocode", str(path), "--lines", "2")
    assert done.returncode == 3, done.stderr
    assert "ignored by git" in done.stderr and "nothing was sent" in done.stderr
    assert model_server.request_count == 0
    model_server.enqueue(Reply(content="```python\n    return sum(items)\n```\n"))
    done = blitzls(server_env, "run", "pseudocode", str(path), "--lines", "2", "--write")
    assert done.returncode == 0, done.stderr
    assert model_server.request_count == 1
    assert "return sum(items)" in path.read_text(encoding="utf-8")


async def test_the_language_server_redacts_what_it_sends(
    server_env: dict[str, str], model_server: ScriptedModelServer, tmp_path: Path
) -> None:
    uri = (tmp_path / "deploy.py").as_uri()
    model_server.enqueue(Reply(content=f"```python\n{INDENTED_LOOP}\n```\n", chunk_chars=7))
    env = {**server_env, "BLITZLS_CONTEXT": "file"}
    async with lsp_session(env, capabilities("vscode"), root_uri=tmp_path.as_uri()) as client:
        open_document(client, uri, DEPLOY)
        (action,) = await actions_at(client, uri, (PSEUDOCODE[0], 4))
        resolved = await client.code_action_resolve_async(action)
        assert resolved.edit is not None, client.messages
        edits, _ = edits_of(resolved.edit, uri)
        new_text = apply_text_edits(DEPLOY, edits, encoding_of(client))
        assert new_text == expected_deploy()
        assert all(e.range.start.line >= PSEUDOCODE[0] for e in edits)

        # an excluded document is refused with a message, and nothing is sent
        env_uri = (tmp_path / ".env").as_uri()
        open_document(client, env_uri, "# the port\nPORT=1\n")
        before = len(client.messages)
        offered = await actions_at(client, env_uri, (0, 2), kind=None)
        pseudocode = [a for a in offered if a.kind == action.kind]
        assert pseudocode, offered
        refused = await client.code_action_resolve_async(pseudocode[0])
        assert refused.edit is None
        await asyncio.sleep(0.05)
        errors = [m.message for m in client.messages[before:] if m.type == types.MessageType.Error]
        assert any("'.env'" in m and "nothing was sent" in m for m in errors), errors
    (request,) = model_server.requests
    assert_nothing_secret(request.body)
    shown = file_context(request.body)
    assert len(shown) == len(DEPLOY.rstrip("\n").split("\n"))
    assert shown[3:7] == [REDACTION] * 4
    assert "The file deploy.py:" in contents(request.body)[-1]


def test_huge_lines_are_refused_before_any_request(
    tmp_path: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    path = tmp_path / "bundle.py"
    path.write_text(
        "# turn this into a function\nDATA = '" + "x" * 600_000 + "'\n", encoding="utf-8"
    )
    env = {**server_env, "BLITZLS_CONTEXT": "file"}  # the file goes with the task
    done = blitzls(env, "run", "pseudocode", str(path), "--lines", "1")
    assert done.returncode == 3
    assert "limit 400,000" in done.stderr and "select fewer lines" in done.stderr
    assert model_server.request_count == 0
