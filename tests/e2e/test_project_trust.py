"""A cloned repository's project file cannot spend the user's money, send their secrets
elsewhere, or weaken a limit: every restricted key, through the real CLI and a real server.

Each case sets the user's value in the environment and a weakening value in the project file;
the warning names the key and the file, and the user's value stays in force.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types

from blitzls.config import schema_fields
from blitzls.secrets import REDACTION
from tests.conftest import TEST_KEY
from tests.e2e.samples import INVENTORY, PSEUDOCODE_LINES, REPLY_SHAPES, expected_inventory
from tests.e2e.test_cli_run import LINES, blitzls
from tests.e2e.test_doctor import doctor
from tests.e2e.test_lsp_pseudocode import actions_at, open_document
from tests.support.lsp import capabilities, lsp_session
from tests.support.scripted_model import Reply, ScriptedModelServer


@dataclass(frozen=True)
class Case:
    """The user's setting (environment; None: the default) and the project file's attempt."""

    env: str | None
    project: str  # a TOML value
    shown: str  # the effective value as `blitzls doctor --json` shows it


# Every key a project file may not set freely, with a value that would weaken it.
CASES: dict[str, Case] = {
    "provider": Case(None, '"openrouter"', "(auto)"),
    "base_url": Case(None, '"http://127.0.0.1:9/v1"', "<scripted>"),
    "api_key": Case(None, '"sk-project-0000000000000000"', "<key>"),
    "api_key_env": Case(None, '"HOME"', "XAI_API_KEY"),
    "model": Case(None, '"grok-4-heavy"', "grok-code-fast-1"),
    "local_model": Case(None, '"/tmp/their.gguf"', '""'),
    "cache": Case(None, "false", "true"),
    "cache_dir": Case(None, '"/tmp/their-cache"', "<cache>"),
    "cache_size_mb": Case(None, "100000", "256"),
    "timeout": Case("10", "3600", "10.0"),
    "connect_timeout": Case("5", "600", "5.0"),
    "max_retries": Case("0", "10", "0"),
    "max_tokens": Case("100", "100000", "100"),
    "context_lines": Case("50", "100000", "50"),
    "daily_token_budget": Case("1", "0", "1"),
    "daily_cost_budget": Case("0.5", "0", "0.5"),
    "prefetch": Case(None, "true", "false"),
    "prefetch_per_minute": Case("2", "600", "2"),
    "prices": Case(None, "{ grok-code-fast-1 = { input = 0, output = 0 } }", "{}"),
    "redact": Case("true", "false", "true"),
    "respect_gitignore": Case("true", "false", "true"),
    "edit_format": Case(None, '"rewrite"', "auto"),
    "model_class": Case(None, '"capable"', "auto"),
    "fill_in_middle": Case(None, '"off"', "auto"),
    "prefill_answer": Case(None, '"off"', "auto"),
    "context": Case(None, '"file"', "auto"),
    "action_timeout": Case("20", "3600", "20.0"),
}
ENV_NAMES = {f.name: f.metadata.get("env") for f in schema_fields()}


def test_the_cases_cover_every_restricted_key() -> None:
    from blitzls.config import PROJECT_RULES, project_rule

    restricted = {f.name for f in schema_fields() if project_rule(f.name) not in ("yes", "add")}
    assert set(CASES) == restricted
    assert {project_rule(name) for name in CASES} == set(PROJECT_RULES) - {"yes", "add"}


def user_env(server_env: dict[str, str], names: list[str]) -> dict[str, str]:
    env = dict(server_env)
    env.pop("BLITZLS_TIMEOUT", None)
    env.pop("BLITZLS_MAX_RETRIES", None)
    for name in names:
        case = CASES[name]
        if case.env is not None:
            variable = ENV_NAMES[name]
            assert variable, name
            env[variable] = case.env
    return env


def write_project(directory: Path, names: list[str], extra: str = "") -> Path:
    path = directory / ".blitzls.toml"
    body = "".join(f"{name} = {CASES[name].project}\n" for name in names)
    path.write_text(body + extra, encoding="utf-8")
    return path


def warned_about(text: str, name: str, project: Path) -> bool:
    return any(
        f"setting '{name}' in {project} is ignored: a project file" in line
        for line in text.splitlines()
    )


@pytest.mark.parametrize("name", sorted(CASES))
def test_doctor_shows_the_users_value_and_names_the_refused_key(
    name: str, tmp_path: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    project = write_project(tmp_path, [name])
    env = user_env(server_env, [name])
    done = doctor(env, "--json", "--offline", "--project", str(tmp_path))
    report = json.loads(done.stdout)
    details = [c["detail"] for c in report["checks"] if c["name"] == "settings"]
    assert [d for d in details if f"'{name}' in {project}" in d], details
    (detail,) = details
    assert "is ignored: a project file may" in detail
    rows = {row["key"]: row for row in report["configuration"]}
    camel = name.split("_")[0] + "".join(p.capitalize() for p in name.split("_")[1:])
    row = rows[camel]
    expected = {
        "<scripted>": env["BLITZLS_BASE_URL"],
        "<cache>": env["BLITZLS_CACHE_DIR"],
    }.get(CASES[name].shown, CASES[name].shown)
    if expected == "<key>":
        assert row["value"].endswith(TEST_KEY[-4:]), row
    else:
        assert row["value"] == expected, row
    assert str(project) not in row["origin"], row


def test_run_warns_once_per_key_and_keeps_the_users_endpoint_model_key_and_limits(
    tmp_path: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    names = sorted(CASES)
    project = write_project(tmp_path, names)
    path = tmp_path / "inventory.py"
    path.write_text(INVENTORY, encoding="utf-8")
    model_server.enqueue(Reply(content=REPLY_SHAPES["fenced"]))
    env = user_env(server_env, names)
    env["BLITZLS_MAX_TOKENS"] = "300"  # room for the reply
    done = blitzls(env, "run", "pseudocode", str(path), "--lines", LINES, "--write")
    assert done.returncode == 0, done.stderr
    for name in names:
        assert warned_about(done.stderr, name, project), (name, done.stderr)
        assert sum(f"'{name}' in" in line for line in done.stderr.splitlines()) == 1, name
    assert path.read_text(encoding="utf-8") == expected_inventory()
    (request,) = model_server.requests  # the user's endpoint, not the project's
    assert request.body["model"] == "grok-code-fast-1"
    assert request.body["max_tokens"] == 300
    assert request.headers["authorization"] == f"Bearer {TEST_KEY}"
    assert Path(env["BLITZLS_CACHE_DIR"]).is_dir()
    assert not Path("/tmp/their-cache").exists()


def test_a_project_file_cannot_lift_the_users_token_budget(
    tmp_path: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    project = write_project(tmp_path, ["daily_token_budget"])
    path = tmp_path / "inventory.py"
    path.write_text(INVENTORY, encoding="utf-8")
    model_server.responder = lambda body: Reply(content=REPLY_SHAPES["fenced"])
    env = user_env(server_env, ["daily_token_budget"])
    first = blitzls(env, "run", "pseudocode", str(path), "--lines", LINES, "--no-cache")
    assert first.returncode == 0, first.stderr
    second = blitzls(env, "run", "pseudocode", str(path), "--lines", LINES, "--no-cache")
    assert second.returncode == 13, second.stderr
    assert "token budget is spent" in second.stderr
    assert warned_about(second.stderr, "daily_token_budget", project)
    assert model_server.request_count == 1


def test_zero_prices_in_a_project_file_do_not_defeat_the_cost_budget(
    tmp_path: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    project = write_project(tmp_path, ["prices", "daily_cost_budget"])
    path = tmp_path / "inventory.py"
    path.write_text(INVENTORY, encoding="utf-8")
    model_server.responder = lambda body: Reply(content=REPLY_SHAPES["fenced"])
    env = {**user_env(server_env, []), "BLITZLS_DAILY_COST_BUDGET": "0.000001"}
    first = blitzls(env, "run", "pseudocode", str(path), "--lines", LINES, "--no-cache")
    assert first.returncode == 0, first.stderr
    assert warned_about(first.stderr, "prices", project)
    assert warned_about(first.stderr, "daily_cost_budget", project)
    second = blitzls(env, "run", "pseudocode", str(path), "--lines", LINES, "--no-cache")
    assert second.returncode == 13, second.stderr
    assert "budget is spent" in second.stderr
    assert model_server.request_count == 1


def test_a_project_file_cannot_raise_retries_or_the_timeout(
    tmp_path: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    write_project(tmp_path, ["max_retries", "timeout"])
    path = tmp_path / "inventory.py"
    path.write_text(INVENTORY, encoding="utf-8")
    env = {**user_env(server_env, ["max_retries"]), "BLITZLS_TIMEOUT": "1"}
    model_server.responder = lambda body: Reply(status=500)
    done = blitzls(env, "run", "pseudocode", str(path), "--lines", LINES)
    assert done.returncode == 9, done.stderr
    assert model_server.request_count == 1  # the user's 0 retries, not the project's 10
    model_server.reset()
    model_server.responder = lambda body: Reply(hang=True)
    started = time.monotonic()
    done = blitzls(env, "run", "pseudocode", str(path), "--lines", LINES, "--no-cache")
    assert done.returncode == 7, done.stderr
    assert "within 1 s" in done.stderr
    assert time.monotonic() - started < 20  # the user's 1 s, not the project's hour
    assert path.read_text(encoding="utf-8") == INVENTORY


def test_a_project_file_cannot_switch_redaction_off(
    tmp_path: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    project = write_project(tmp_path, ["redact"])
    secret = "hunter2" + "hunter2"
    path = tmp_path / "inventory.py"
    path.write_text(f'DB_PASSWORD = "{secret}"\n' + INVENTORY, encoding="utf-8")
    model_server.enqueue(Reply(content=REPLY_SHAPES["fenced"]))
    lines = f"{PSEUDOCODE_LINES[0] + 2}-{PSEUDOCODE_LINES[1] + 1}"
    env = {**server_env, "BLITZLS_CONTEXT": "file"}  # the whole file, secret line too, is sent
    done = blitzls(env, "run", "pseudocode", str(path), "--lines", lines)
    assert done.returncode == 0, done.stderr
    assert warned_about(done.stderr, "redact", project)
    (request,) = model_server.requests
    sent = json.dumps(request.body)
    assert secret not in sent and REDACTION in sent


def test_a_project_file_may_add_exclusions_but_not_remove_the_users(
    tmp_path: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    (tmp_path / ".blitzls.toml").write_text('exclude = ["*.gen.py"]\n', encoding="utf-8")
    private = tmp_path / "private" / "app.py"
    private.parent.mkdir()
    private.write_text("def f(items):\n    # sum the items\n    return 0\n", encoding="utf-8")
    generated = tmp_path / "models.gen.py"
    generated.write_text(private.read_text(encoding="utf-8"), encoding="utf-8")
    env = {**server_env, "BLITZLS_EXCLUDE": "private/**"}
    done = blitzls(env, "run", "pseudocode", str(private), "--lines", "2")
    assert done.returncode == 3, done.stderr
    assert "'private/**'" in done.stderr
    done = blitzls(env, "run", "pseudocode", str(generated), "--lines", "2")
    assert done.returncode == 3, done.stderr
    assert "'*.gen.py'" in done.stderr
    (tmp_path / ".blitzls.toml").write_text("exclude = []\n", encoding="utf-8")
    done = blitzls(env, "run", "pseudocode", str(private), "--lines", "2")
    assert done.returncode == 3, done.stderr
    assert model_server.request_count == 0


def test_a_project_file_cannot_switch_respect_gitignore_off(
    tmp_path: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    if shutil.which("git") is None:
        pytest.fail("git is needed for respectGitignore")
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / ".gitignore").write_text("local_*.py\n", encoding="utf-8")
    project = write_project(tmp_path, ["respect_gitignore"])
    path = tmp_path / "local_settings.py"
    path.write_text("def f(items):\n    # sum the items\n    return 0\n", encoding="utf-8")
    env = user_env(server_env, ["respect_gitignore"])
    done = blitzls(env, "run", "pseudocode", str(path), "--lines", "2")
    assert done.returncode == 3, done.stderr
    assert "ignored by git" in done.stderr
    assert warned_about(done.stderr, "respect_gitignore", project)
    assert model_server.request_count == 0


def test_a_project_file_may_tighten_limits(
    tmp_path: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    (tmp_path / ".blitzls.toml").write_text(
        "max_tokens = 200\ncontext_lines = 20\nprefetch = false\nredact = true\n", encoding="utf-8"
    )
    path = tmp_path / "inventory.py"
    path.write_text(INVENTORY, encoding="utf-8")
    model_server.enqueue(Reply(content=REPLY_SHAPES["fenced"]))
    done = blitzls(server_env, "run", "pseudocode", str(path), "--lines", LINES)
    assert done.returncode == 0, done.stderr
    assert "warning" not in done.stderr
    (request,) = model_server.requests
    assert request.body["max_tokens"] == 200


async def test_the_server_keeps_the_users_values_and_names_each_refused_key_once(
    tmp_path: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    names = sorted(CASES)
    project = write_project(tmp_path, names)
    # no cache, so the second action asks the model (and meets the budget) again
    env = {**user_env(server_env, names), "BLITZLS_MAX_TOKENS": "300", "BLITZLS_CACHE": "0"}
    model_server.responder = lambda body: Reply(content=REPLY_SHAPES["fenced"])
    uri = (tmp_path / "inventory.py").as_uri()
    async with lsp_session(env, capabilities("vscode"), root_uri=tmp_path.as_uri()) as client:
        open_document(client, uri, INVENTORY)
        (action,) = await actions_at(client, uri, (PSEUDOCODE_LINES[0], 0))
        assert (await client.code_action_resolve_async(action)).edit is not None
        # the token budget (1) is spent now: the project's 0 (no limit) did not lift it
        again = await actions_at(client, uri, (PSEUDOCODE_LINES[0] + 1, 0))
        refused = await client.code_action_resolve_async(again[0])
        assert refused.edit is None
        messages = [m.message for m in client.messages]
    assert any("token budget is spent" in m for m in messages), messages
    for name in names:
        found = [m for m in messages if f"setting '{name}' in {project} is ignored" in m]
        assert len(found) == 1, (name, messages)
    (request,) = model_server.requests
    assert request.body["model"] == "grok-code-fast-1"
    assert request.body["max_tokens"] == 300
    assert request.headers["authorization"] == f"Bearer {TEST_KEY}"


def _body(request: Any) -> dict[str, Any]:
    assert isinstance(request.body, dict)
    return request.body


async def test_the_server_refuses_a_project_file_redirecting_the_endpoint_from_pyproject(
    tmp_path: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.blitzls]\nbase_url = "http://127.0.0.1:9/v1"\n'
        'api_key = "sk-theirs-0000000000000000"\nmax_tokens = 64\n',
        encoding="utf-8",
    )
    model_server.enqueue(Reply(content=REPLY_SHAPES["fenced"]))
    uri = (tmp_path / "inventory.py").as_uri()
    async with lsp_session(
        server_env, capabilities("vscode"), root_uri=tmp_path.as_uri()
    ) as client:
        open_document(client, uri, INVENTORY)
        (action,) = await actions_at(client, uri, (PSEUDOCODE_LINES[0], 0))
        assert (await client.code_action_resolve_async(action)).edit is not None
        warnings = [m.message for m in client.messages if m.type == types.MessageType.Warning]
    label = f"{tmp_path / 'pyproject.toml'} [tool.blitzls]"
    assert any(f"'base_url' in {label} is ignored" in m for m in warnings), warnings
    assert any(f"'api_key' in {label} is ignored" in m for m in warnings), warnings
    (request,) = model_server.requests
    assert _body(request)["max_tokens"] == 64  # lowering is allowed
    assert request.headers["authorization"] == f"Bearer {TEST_KEY}"
