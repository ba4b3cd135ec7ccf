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
