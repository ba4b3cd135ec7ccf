"""Broken user-defined actions: each is reported once by name and skipped; the rest work.

Through the real CLI and a real ``blitzls serve``: ``initialize`` succeeds, code actions
still list the built-in ones and the good custom ones.
"""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types

from tests.e2e.samples import INVENTORY, PSEUDOCODE_LINES, REPLY_SHAPES
from tests.e2e.test_cli_run import LINES, blitzls
from tests.e2e.test_lsp_pseudocode import actions_at, open_document
from tests.support.lsp import capabilities, lsp_session
from tests.support.scripted_model import Reply, ScriptedModelServer

# One good action and one broken action per way a template can break.
ACTIONS = """\
[[actions]]
id = "unclosed"
title = "Unclosed"
prompt = "Fix {selection"

[[actions]]
id = "unknown-title"
title = "{foo}"
prompt = "Fix {selection}"

[[actions]]
id = "positional"
title = "Positional"
prompt = "Do {} now"

[[actions]]
id = "huge-width"
title = "{instruction:>2000000000}"
prompt = "Fix {selection}"

[[actions]]
id = "attribute"
title = "Attribute"
prompt = "Fix {file.__class__}"

[[actions]]
id = "wrong-spec"
title = "Wrong spec"
prompt = "Fix lines {first_line:s}"

[[actions]]
id = "loud"
title = "Shout the comments: {instruction}"
prompt = "Rewrite the comments in lines {first_line}-{last_line} of {file} in capitals."
trigger = "comment_block"
"""
BROKEN = ["unclosed", "unknown-title", "positional", "huge-width", "attribute", "wrong-spec"]


def write_project(directory: Path) -> Path:
    path = directory / ".blitzls.toml"
    path.write_text(ACTIONS, encoding="utf-8")
    return path


def test_the_cli_skips_broken_actions_and_runs_the_others(
    tmp_path: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    write_project(tmp_path)
    path = tmp_path / "inventory.py"
    path.write_text(INVENTORY, encoding="utf-8")
    model_server.enqueue(
        Reply(content=REPLY_SHAPES["fenced"]), Reply(content=REPLY_SHAPES["fenced"])
    )
    for action in ("loud", "pseudocode"):
        done = blitzls(server_env, "run", action, str(path), "--lines", LINES)
        assert done.returncode == 0, done.stderr
        assert "Traceback" not in done.stderr
        for name in BROKEN:
            lines = [line for line in done.stderr.splitlines() if f"action '{name}'" in line]
            assert len(lines) == 1, (name, done.stderr)
            assert lines[0].startswith("blitzls: warning: ")
    loud, pseudocode = model_server.requests
    assert "in capitals" in loud.body["messages"][-1]["content"]
    assert "replace the pseudocode comments" in pseudocode.body["messages"][-1]["content"]
    for name in BROKEN:
        done = blitzls(server_env, "run", name, str(path), "--lines", LINES)
        assert done.returncode == 2, done.stderr
        assert f"unknown action '{name}'" in done.stderr and "loud" in done.stderr
    assert model_server.request_count == 2
    assert path.read_text(encoding="utf-8") == INVENTORY


async def test_the_server_starts_lists_built_ins_and_names_each_broken_action_once(
    tmp_path: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    write_project(tmp_path)
    model_server.enqueue(Reply(content=REPLY_SHAPES["fenced"]))
    uri = (tmp_path / "inventory.py").as_uri()
    async with lsp_session(
        server_env, capabilities("vscode"), root_uri=tmp_path.as_uri()
    ) as client:
        assert client.init_result.capabilities.code_action_provider is not None  # type: ignore[attr-defined]
        open_document(client, uri, INVENTORY)
        offered = await actions_at(client, uri, (PSEUDOCODE_LINES[0], 0), kind=None)
        titles = sorted(a.title for a in offered)
        assert "Convert pseudocode to code" in titles, titles
        assert "Shout the comments: " in titles, titles
        (loud,) = [a for a in offered if a.title.startswith("Shout")]
        resolved = await client.code_action_resolve_async(loud)
        assert resolved.edit is not None, client.messages
        # a second listing (and a settings pull) reports nothing new
        await actions_at(client, uri, (PSEUDOCODE_LINES[0] + 1, 0), kind=None)
        warnings = [m.message for m in client.messages if m.type == types.MessageType.Warning]
    for name in BROKEN:
        assert sum(f"action '{name}'" in m for m in warnings) == 1, (name, warnings)
    (request,) = model_server.requests
    assert "in capitals" in request.body["messages"][-1]["content"]
