"""Numeric settings out of bounds (nan, inf, negative, huge): named by key (and environment
variable), the value in force said, and the action still runs — CLI and server."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types

from tests.e2e.samples import (
    INVENTORY,
    PSEUDOCODE_LINES,
    REPLY_SHAPES,
    expected_inventory,
    pseudocode_budget,
)
from tests.e2e.test_cli_run import LINES, blitzls
from tests.e2e.test_lsp_pseudocode import actions_at, open_document
from tests.support.lsp import capabilities, lsp_session
from tests.support.scripted_model import Reply, ScriptedModelServer

# environment variable, bad value, the message's tail (the value kept)
ENVIRONMENT = [
    ("BLITZLS_TIMEOUT", "nan", "using the default 30.0"),
    ("BLITZLS_TIMEOUT", "inf", "using the default 30.0"),
    ("BLITZLS_CONNECT_TIMEOUT", "-1", "using the default 10.0"),
    ("BLITZLS_MAX_RETRIES", "-3", "using the default 1"),
    ("BLITZLS_MAX_TOKENS", "-5", "using the default 4096"),
    ("BLITZLS_MAX_TOKENS", "99999999999999999999", "using the default 4096"),
    ("BLITZLS_CACHE_SIZE_MB", "-3", "using the default 256"),
    ("BLITZLS_CONTEXT_LINES", "-1", "using the default 400"),
    ("BLITZLS_PREFETCH_PER_MINUTE", "-1", "using the default 4"),
    ("BLITZLS_DAILY_TOKEN_BUDGET", "-1", "using the default 0"),
    ("BLITZLS_DAILY_COST_BUDGET", "nan", "using the default 0.0"),
    ("BLITZLS_TEMPERATURE", "7", "using the default 0.0"),
]


@pytest.mark.parametrize(("variable", "value", "kept"), ENVIRONMENT)
def test_a_bad_number_in_the_environment_is_named_and_the_action_runs(
    variable: str,
    value: str,
    kept: str,
    tmp_path: Path,
    server_env: dict[str, str],
    model_server: ScriptedModelServer,
) -> None:
    path = tmp_path / "inventory.py"
    path.write_text(INVENTORY, encoding="utf-8")
    model_server.enqueue(Reply(content=REPLY_SHAPES["fenced"]))
    env = {k: v for k, v in server_env.items() if k not in ("BLITZLS_TIMEOUT", variable)}
    env[variable] = value
    done = blitzls(env, "run", "pseudocode", str(path), "--lines", LINES, "--write")
    assert done.returncode == 0, done.stderr
    key = variable.removeprefix("BLITZLS_").lower()
    (warning,) = [line for line in done.stderr.splitlines() if "warning" in line]
    assert warning.startswith(f"blitzls: warning: setting '{key}' (environment {variable}) must")
    assert f"got '{value}'" in warning and warning.endswith(kept)
    assert "not valid JSON" not in done.stderr and "Traceback" not in done.stderr
    assert path.read_text(encoding="utf-8") == expected_inventory()


@pytest.mark.parametrize(
    ("line", "key", "kept"),
    [
        ("max_retries = -3", "max_retries", "using the default 1"),
        ("timeout = nan", "timeout", "using the default 30.0"),
        ("timeout = inf", "timeout", "using the default 30.0"),
        ("max_tokens = -5", "max_tokens", "using the default 4096"),
        ("context_lines = 1e400", "context_lines", "using the default 400"),
        ("temperature = -inf", "temperature", "using the default 0.0"),
    ],
)
def test_a_bad_number_in_a_project_file_is_named_with_the_file(
    line: str,
    key: str,
    kept: str,
    tmp_path: Path,
    server_env: dict[str, str],
    model_server: ScriptedModelServer,
) -> None:
    project = tmp_path / ".blitzls.toml"
    project.write_text(line + "\n", encoding="utf-8")
    path = tmp_path / "inventory.py"
    path.write_text(INVENTORY, encoding="utf-8")
    model_server.enqueue(Reply(content=REPLY_SHAPES["fenced"]))
    env = {
        k: v for k, v in server_env.items() if k not in ("BLITZLS_TIMEOUT", "BLITZLS_MAX_RETRIES")
    }
    done = blitzls(env, "run", "pseudocode", str(path), "--lines", LINES)
    assert done.returncode == 0, done.stderr
    (warning,) = [w for w in done.stderr.splitlines() if "warning" in w]
    assert f"setting '{key}' ({project}) must be" in warning, warning
    assert warning.endswith(kept), warning
    assert "Traceback" not in done.stderr


def test_a_bad_command_line_number_is_named(
    tmp_path: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    path = tmp_path / "inventory.py"
    path.write_text(INVENTORY, encoding="utf-8")
    model_server.enqueue(Reply(content=REPLY_SHAPES["fenced"]))
    done = blitzls(server_env, "run", "pseudocode", str(path), "--lines", LINES, "--timeout", "nan")
    assert done.returncode == 0, done.stderr
    assert (
        "setting 'timeout' (command line) must be a number from 0.1 to 3600, got 'nan'; "
        "keeping 10.0 from environment BLITZLS_TIMEOUT"
    ) in done.stderr


async def test_the_server_names_bad_numbers_from_the_editor_and_keeps_working(
    tmp_path: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    uri = (tmp_path / "inventory.py").as_uri()
    model_server.enqueue(Reply(content=REPLY_SHAPES["fenced"]))
    options = {
        "blitzls": {
            "maxTokens": -5,
            "cacheSizeMb": -3,
            "prefetchPerMinute": -1,
            "maxRetries": 1_000_000,
            "contextLines": 1e300,
        }
    }
    env = {**server_env, "BLITZLS_TIMEOUT": "nan"}
    async with lsp_session(env, capabilities("vscode"), initialization_options=options) as client:
        open_document(client, uri, INVENTORY)
        (action,) = await actions_at(client, uri, (PSEUDOCODE_LINES[0], 0))
        assert (await client.code_action_resolve_async(action)).edit is not None
        warnings = [m.message for m in client.messages if m.type == types.MessageType.Warning]
    for key, kept in [
        ("maxTokens", "using the default 4096"),
        ("cacheSizeMb", "using the default 256"),
        ("prefetchPerMinute", "using the default 4"),
        ("maxRetries", "keeping 0 from environment BLITZLS_MAX_RETRIES"),
        ("contextLines", "using the default 400"),
    ]:
        found = [m for m in warnings if f"setting '{key}' (editor settings) must be" in m]
        assert len(found) == 1 and found[0].endswith(kept), (key, warnings)
    (request,) = model_server.requests
    # the default cap (4096) is in force: the task-sized budget stays under it
    assert request.body["max_tokens"] == pseudocode_budget(INVENTORY, PSEUDOCODE_LINES)
