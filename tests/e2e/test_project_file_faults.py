"""A project file that cannot be read fails closed, and a project file's actions cannot take
the place of a built-in one, multiply what it sends, or run on save.

Through the real CLI and a real ``blitzls serve``, against the scripted endpoint that records
every request.
"""

from __future__ import annotations

import json
from pathlib import Path

from lsprotocol import types

from tests.e2e.samples import INVENTORY, PSEUDOCODE_LINES, REPLY_SHAPES, expected_inventory
from tests.e2e.test_cli_run import LINES, blitzls
from tests.e2e.test_doctor import doctor
from tests.e2e.test_lsp_pseudocode import actions_at, open_document
from tests.support.lsp import capabilities, lsp_session
from tests.support.scripted_model import Reply, ScriptedModelServer

BROKEN = 'exclude = ["inv.py"]\nmax_tokens = = 300\n'  # line 2 does not parse
FIXED = 'exclude = ["inv.py"]\nmax_tokens = 300\n'


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# --- a project file with a TOML error ---------------------------------------------------------


def test_a_project_file_that_does_not_parse_stops_every_action_until_it_does(
    tmp_path: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    project = write(tmp_path / ".blitzls.toml", BROKEN)
    excluded = write(tmp_path / "inv.py", INVENTORY)
    other = write(tmp_path / "other.py", INVENTORY)
    model_server.responder = lambda body: Reply(content=REPLY_SHAPES["fenced"])
    for path in (excluded, other):
        done = blitzls(server_env, "run", "pseudocode", str(path), "--lines", LINES, "--json")
        assert done.returncode == 3, done.stderr
        (error,) = [line for line in done.stderr.splitlines() if str(project) in line]
        assert "line 2" in error and "nothing" in error, error
        assert json.loads(done.stdout)["exit_code"] == 3
    assert model_server.requests == []  # the exclusion it could not read was not lost
    assert excluded.read_text(encoding="utf-8") == INVENTORY

    write(project, FIXED)
    done = blitzls(server_env, "run", "pseudocode", str(excluded), "--lines", LINES)
    assert done.returncode == 3 and "'inv.py'" in done.stderr, done.stderr
    done = blitzls(server_env, "run", "pseudocode", str(other), "--lines", LINES, "--write")
    assert done.returncode == 0, done.stderr
    assert other.read_text(encoding="utf-8") == expected_inventory()
    (request,) = model_server.requests
    assert request.body["max_tokens"] == 300


def test_an_unreadable_pyproject_section_fails_closed_too(
    tmp_path: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    write(tmp_path / "pyproject.toml", '[tool.blitzls]\nexclude = ["inv.py"]\nmodel = = "x"\n')
    path = write(tmp_path / "inv.py", INVENTORY)
    done = blitzls(server_env, "run", "pseudocode", str(path), "--lines", LINES)
    assert done.returncode == 3, done.stderr
    assert f"{tmp_path / 'pyproject.toml'}: line 3, column " in done.stderr
    assert model_server.requests == []


def test_doctor_fails_on_a_project_file_that_does_not_parse(
    tmp_path: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    project = write(tmp_path / ".blitzls.toml", BROKEN)
    done = doctor(server_env, "--json", "--offline", "--project", str(tmp_path))
    assert done.returncode == 1, done.stdout
    report = json.loads(done.stdout)
    failed = [c for c in report["checks"] if c["status"] == "fail"]
    assert [c["name"] for c in failed] == ["project file"], failed
    assert str(project) in failed[0]["detail"] and "line 2" in failed[0]["detail"]


async def test_the_server_sends_nothing_until_the_project_file_parses_and_is_saved(
    tmp_path: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    project = write(tmp_path / ".blitzls.toml", BROKEN)
    model_server.responder = lambda body: Reply(content=REPLY_SHAPES["fenced"])
    excluded, other = (tmp_path / "inv.py").as_uri(), (tmp_path / "other.py").as_uri()
    env = {**server_env, "BLITZLS_CACHE": "0"}
    async with lsp_session(env, capabilities("vscode"), root_uri=tmp_path.as_uri()) as client:
        for uri in (excluded, other):
            open_document(client, uri, INVENTORY)
            (action,) = await actions_at(client, uri, (PSEUDOCODE_LINES[0], 0))
            assert (await client.code_action_resolve_async(action)).edit is None
        assert model_server.requests == []
        messages = [m.message for m in client.messages]
        assert any(str(project) in m and "line 2" in m for m in messages), messages

        write(project, FIXED)
        client.text_document_did_save(
            types.DidSaveTextDocumentParams(
                text_document=types.TextDocumentIdentifier(uri=project.as_uri())
            )
        )
        (action,) = await actions_at(client, excluded, (PSEUDOCODE_LINES[0], 0))
        assert (await client.code_action_resolve_async(action)).edit is None  # now excluded
        (action,) = await actions_at(client, other, (PSEUDOCODE_LINES[0], 0))
        assert (await client.code_action_resolve_async(action)).edit is not None
        messages = [m.message for m in client.messages]
    assert any("'inv.py'" in m for m in messages), messages
    (request,) = model_server.requests
    assert request.body["max_tokens"] == 300


# --- a project file's actions -----------------------------------------------------------------

AMPLIFIED = "{selection} " * 3000
VERBOSE = "Explain this code in detail. " * 60
HOSTILE_ACTIONS = f"""\
[[actions]]
id = "pseudocode"
title = "Convert pseudocode to code"
prompt = "{AMPLIFIED}"
trigger = "comment_block"
output = "range"

[[actions]]
id = "pseudo2"
title = "Convert pseudocode to code"
prompt = "Complete the code."
trigger = "comment_block"

[[actions]]
id = "explain"
title = "Explain"
prompt = "{AMPLIFIED}"

[[actions]]
id = "verbose"
title = "Verbose"
prompt = "{VERBOSE}"

[[actions]]
id = "fixall"
title = "Fix everything"
kind = "source.fixAll"
prompt = "Fix every problem in this {{language}} {{unit}}."

[[actions]]
id = "loud"
title = "Shout the comments"
prompt = "Rewrite the comments in lines {{first_line}}-{{last_line}} in capitals: {{selection}}"
trigger = "comment_block"
"""
REFUSED = {
    "pseudocode": "may not replace the built-in action 'pseudocode'",
    "pseudo2": "may not use the title of the built-in action 'pseudocode'",
    "explain": "uses {selection} 3000 times",
    "verbose": "its prompt has 1,740 characters; a project file's action may have at most 1,190",
    "fixall": "source.fixAll",
}


def refusals(text: str, project: Path) -> dict[str, list[str]]:
    return {
        name: [
            line
            for line in text.splitlines()
            if f"action '{name}' in {project} is ignored" in line and why in line
        ]
        for name, why in REFUSED.items()
    }


def test_project_actions_cannot_replace_a_built_in_multiply_the_prompt_or_run_on_save(
    tmp_path: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    project = write(tmp_path / ".blitzls.toml", HOSTILE_ACTIONS)
    path = write(tmp_path / "inventory.py", INVENTORY)
    model_server.responder = lambda body: Reply(content=REPLY_SHAPES["fenced"])
    done = blitzls(server_env, "run", "pseudocode", str(path), "--lines", LINES, "--write")
    assert done.returncode == 0, done.stderr
    assert all(len(found) == 1 for found in refusals(done.stderr, project).values()), done.stderr
    assert path.read_text(encoding="utf-8") == expected_inventory()
    (request,) = model_server.requests
    sent = sum(len(m["content"]) for m in request.body["messages"])
    assert sent < 3000, sent  # the built-in prompt, not 3000 copies of the selection
    assert "Complete this Python function from inventory.py" in json.dumps(request.body)

    done = blitzls(server_env, "run", "explain", str(path), "--lines", LINES)
    assert done.returncode == 2 and "unknown action 'explain'" in done.stderr, done.stderr
    done = blitzls(server_env, "run", "loud", str(path), "--lines", LINES)  # within the rules
    assert "action 'loud'" not in done.stderr, done.stderr
    assert "Rewrite the comments in lines" in json.dumps(model_server.requests[1].body)


def test_doctor_names_each_refused_project_action(
    tmp_path: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    project = write(tmp_path / ".blitzls.toml", HOSTILE_ACTIONS)
    done = doctor(server_env, "--json", "--offline", "--project", str(tmp_path))
    details = "\n".join(c["detail"] for c in json.loads(done.stdout)["checks"])
    assert all(len(found) == 1 for found in refusals(details, project).values()), details


async def test_the_server_offers_no_project_action_for_source_kinds_or_built_in_names(
    tmp_path: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    project = write(tmp_path / ".blitzls.toml", HOSTILE_ACTIONS)
    uri = (tmp_path / "inventory.py").as_uri()
    async with lsp_session(
        server_env, capabilities("vscode"), root_uri=tmp_path.as_uri()
    ) as client:
        open_document(client, uri, INVENTORY)
        on_save = await client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                range=types.Range(
                    start=types.Position(line=PSEUDOCODE_LINES[0] + 1, character=4),
                    end=types.Position(line=PSEUDOCODE_LINES[0] + 1, character=4),
                ),
                context=types.CodeActionContext(
                    diagnostics=[], only=[types.CodeActionKind.SourceFixAll]
                ),
            )
        )
        assert not on_save  # an editor applying source.* actions on save gets nothing
        offered = await actions_at(client, uri, (PSEUDOCODE_LINES[0], 0), kind=None)
        titles = [a.title for a in offered]
        assert titles.count("Convert pseudocode to code") == 1, titles
        messages = "\n".join(m.message for m in client.messages)
    assert all(len(found) == 1 for found in refusals(messages, project).values()), messages
