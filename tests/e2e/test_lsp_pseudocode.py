"""The real server over stdio, a VS Code or Neovim client, and the scripted model endpoint."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.e2e.samples import (
    EXPECTED_TOTAL,
    INVENTORY,
    PSEUDOCODE_LINES,
    REPLY_SHAPES,
    expected_inventory,
    run_total_price,
)
from tests.support.lsp import apply_text_edits, capabilities, change, edits_of, lsp_session
from tests.support.scripted_model import Reply, ScriptedModelServer

PSEUDOCODE_KIND = "refactor.rewrite.blitzls.pseudocode"
LAST_LINE = "def show(y):\n    # print it"  # the scope ends on the last line, no final newline
CHANGED_SINCE_OFFERED = "blitzls: the document changed since the action was offered; try again"
CHANGED_MEANWHILE = (
    "blitzls: the document changed while the model was answering; the edit was not applied"
)


def open_document(client: LanguageClient, uri: str, text: str, version: int = 1) -> None:
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri, language_id="python", version=version, text=text
            )
        )
    )


async def actions_at(
    client: LanguageClient,
    uri: str,
    start: tuple[int, int],
    end: tuple[int, int] | None = None,
    *,
    kind: str | None = PSEUDOCODE_KIND,
) -> list[types.CodeAction]:
    """The code actions offered at a range (only those of ``kind``, unless it is None)."""
    end = end or start
    result = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(
                start=types.Position(line=start[0], character=start[1]),
                end=types.Position(line=end[0], character=end[1]),
            ),
            context=types.CodeActionContext(diagnostics=[]),
        )
    )
    return [
        a
        for a in result or []
        if isinstance(a, types.CodeAction) and (kind is None or a.kind == kind)
    ]


def encoding_of(client: LanguageClient) -> str:
    return str(client.init_result.capabilities.position_encoding or "utf-16")  # type: ignore[attr-defined]


@pytest.mark.parametrize("preset", ["vscode", "neovim"])
async def test_every_reply_shape_lands_exactly_on_the_pseudocode(
    preset: str, server_env: dict[str, str], model_server: ScriptedModelServer, tmp_path: Path
) -> None:
    async with lsp_session(server_env, capabilities(preset)) as client:
        encoding = encoding_of(client)
        assert encoding == ("utf-8" if preset == "neovim" else "utf-16")
        for shape, reply in REPLY_SHAPES.items():
            uri = (tmp_path / f"inventory_{shape}.py").as_uri()
            open_document(client, uri, INVENTORY)
            # The cursor sits after the emoji of the first comment line (a point range).
            line = INVENTORY.splitlines()[PSEUDOCODE_LINES[0]]
            cursor = (
                len(line.encode("utf-8"))
                if encoding == "utf-8"
                else len(line.encode("utf-16-le")) // 2
            )
            requests_before = model_server.request_count
            actions = await actions_at(client, uri, (PSEUDOCODE_LINES[0], cursor))
            assert model_server.request_count == requests_before, "listing called the model"
            assert [a.kind for a in actions] == [PSEUDOCODE_KIND], shape
            action = actions[0]
            assert action.title == "Convert pseudocode to code"
            assert action.edit is None, "listing must not call the model"
            assert types.CodeActionTag.LlmGenerated in (action.tags or [])

            model_server.enqueue(Reply(content=reply, chunk_chars=5))
            resolved = await client.code_action_resolve_async(action)
            assert resolved.edit is not None, f"{shape}: {client.messages}"
            edits, version = edits_of(resolved.edit, uri)
            if preset == "vscode":
                assert version == 1  # versioned TextDocumentEdit
            new_text = apply_text_edits(INVENTORY, edits, encoding)
            assert new_text == expected_inventory(), shape
            assert run_total_price(new_text) == EXPECTED_TOTAL
            # minimal: no edit touches the lines before the pseudocode
            assert all(e.range.start.line >= PSEUDOCODE_LINES[0] for e in edits)
        assert model_server.request_count == len(REPLY_SHAPES)


async def test_second_request_is_served_from_disk_cache_without_network(
    server_env: dict[str, str], model_server: ScriptedModelServer, tmp_path: Path
) -> None:
    uri = (tmp_path / "inventory.py").as_uri()
    model_server.enqueue(Reply(content=REPLY_SHAPES["fenced"]))
    async with lsp_session(server_env, capabilities("vscode")) as client:
        open_document(client, uri, INVENTORY)
        (action,) = await actions_at(client, uri, (PSEUDOCODE_LINES[0], 4))
        first = await client.code_action_resolve_async(action)
        assert first.edit is not None
        assert model_server.request_count == 1
    # A new server process: the answer must come from the disk cache.
    async with lsp_session(server_env, capabilities("vscode")) as client:
        open_document(client, uri, INVENTORY)
        (action,) = await actions_at(client, uri, (PSEUDOCODE_LINES[0], 4))
        second = await client.code_action_resolve_async(action)
        assert second.edit == first.edit
    assert model_server.request_count == 1


async def test_request_carries_prompt_and_key_but_cache_never_stores_key(
    server_env: dict[str, str], model_server: ScriptedModelServer, tmp_path: Path
) -> None:
    uri = (tmp_path / "inventory.py").as_uri()
    model_server.enqueue(Reply(content=REPLY_SHAPES["fenced"]))
    async with lsp_session(server_env, capabilities("neovim")) as client:
        open_document(client, uri, INVENTORY)
        (action,) = await actions_at(client, uri, (PSEUDOCODE_LINES[0], 0))
        assert (await client.code_action_resolve_async(action)).edit is not None
    (request,) = model_server.requests
    assert request.body["model"] == "grok-code-fast-1"
    assert request.body["stream"] is True
    assert request.headers["authorization"] == f"Bearer {server_env['BLITZLS_API_KEY']}"
    prompt = "\n".join(m["content"] for m in request.body["messages"])
    assert "# add up price times qty for every item in items" in prompt
    assert [m["role"] for m in request.body["messages"]] == ["user"]  # one plain message
    key = server_env["BLITZLS_API_KEY"].encode()
    cache_dir = Path(server_env["BLITZLS_CACHE_DIR"])
    stored = [p for p in cache_dir.rglob("*") if p.is_file()]
    assert stored, "the reply was cached"
    assert not any(key in p.read_bytes() for p in stored)


async def test_selection_and_other_lines(
    server_env: dict[str, str], model_server: ScriptedModelServer, tmp_path: Path
) -> None:
    uri = (tmp_path / "inventory.py").as_uri()
    async with lsp_session(server_env, capabilities("vscode")) as client:
        open_document(client, uri, INVENTORY)
        # cursor on code, not a comment: nothing offered
        assert await actions_at(client, uri, (9, 6)) == []
        # a blank line: nothing offered
        assert await actions_at(client, uri, (4, 0)) == []
        # a real selection over prose offers the action for exactly the selected lines
        selection = await actions_at(client, uri, (7, 4), (9, 0))
        assert [a.kind for a in selection] == [PSEUDOCODE_KIND]
        assert selection[0].data["start"] == 7 and selection[0].data["end"] == 9
        # `only` filtering: quickfix requests get nothing from us
        only = await client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                range=types.Range(
                    start=types.Position(line=7, character=0),
                    end=types.Position(line=7, character=0),
                ),
                context=types.CodeActionContext(diagnostics=[], only=["quickfix"]),
            )
        )
        assert not only
    assert model_server.request_count == 0


async def test_incremental_changes_with_emoji_move_the_target(
    server_env: dict[str, str], model_server: ScriptedModelServer, tmp_path: Path
) -> None:
    uri = (tmp_path / "inventory.py").as_uri()
    model_server.enqueue(Reply(content=REPLY_SHAPES["dedented"]))
    async with lsp_session(server_env, capabilities("neovim")) as client:
        open_document(client, uri, INVENTORY)
        text = INVENTORY
        # Insert a line after the emoji on line 2 (utf-8 columns: the emoji is 4 bytes).
        line2 = text.splitlines()[2]
        column = len(line2.encode("utf-8"))
        change(client, uri, 2, (2, column), (2, column), "\nFAREWELL = 'adiós 👋'")
        lines = text.splitlines(keepends=True)
        lines[2] = lines[2].rstrip("\n") + "\nFAREWELL = 'adiós 👋'\n"
        text = "".join(lines)
        actions = await actions_at(client, uri, (PSEUDOCODE_LINES[0] + 1, 2))
        assert len(actions) == 1
        assert actions[0].data["start"] == PSEUDOCODE_LINES[0] + 1
        resolved = await client.code_action_resolve_async(actions[0])
        assert resolved.edit is not None
        edits, _ = edits_of(resolved.edit, uri)
        new_text = apply_text_edits(text, edits, "utf-8")
        assert "FAREWELL = 'adiós 👋'" in new_text
        assert run_total_price(new_text) == EXPECTED_TOTAL


async def test_edit_computed_for_an_old_version_is_not_applied(
    server_env: dict[str, str], model_server: ScriptedModelServer, tmp_path: Path
) -> None:
    uri = (tmp_path / "inventory.py").as_uri()
    model_server.enqueue(Reply(content=REPLY_SHAPES["fenced"], chunk_chars=4, chunk_delay=0.05))
    async with lsp_session(server_env, capabilities("vscode")) as client:
        open_document(client, uri, INVENTORY)
        (action,) = await actions_at(client, uri, (PSEUDOCODE_LINES[0], 0))
        pending = asyncio.ensure_future(client.code_action_resolve_async(action))
        await asyncio.to_thread(model_server.wait_for_requests, 1, 5.0)
        # The user rewrites the pseudocode while the model is still answering.
        change(client, uri, 2, (PSEUDOCODE_LINES[0], 6), (PSEUDOCODE_LINES[0], 9), "sum")
        resolved = await pending
        assert resolved.edit is None
        await wait_for_message(client)
        # the guard after the model call fired (not the one before it)
        assert [m.message for m in client.messages] == [CHANGED_MEANWHILE]
    assert model_server.request_count == 1


async def test_action_on_lines_changed_since_it_was_offered_is_refused_before_the_model(
    server_env: dict[str, str], model_server: ScriptedModelServer, tmp_path: Path
) -> None:
    uri = (tmp_path / "inventory.py").as_uri()
    async with lsp_session(server_env, capabilities("vscode")) as client:
        open_document(client, uri, INVENTORY)
        (action,) = await actions_at(client, uri, (PSEUDOCODE_LINES[0], 0))
        change(client, uri, 2, (PSEUDOCODE_LINES[0], 6), (PSEUDOCODE_LINES[0], 9), "sum")
        resolved = await client.code_action_resolve_async(action)
        assert resolved.edit is None
        await wait_for_message(client)
        assert [m.message for m in client.messages] == [CHANGED_SINCE_OFFERED]
    assert model_server.request_count == 0


async def test_change_elsewhere_reanchors_onto_the_new_version(
    server_env: dict[str, str], model_server: ScriptedModelServer, tmp_path: Path
) -> None:
    uri = (tmp_path / "inventory.py").as_uri()
    model_server.enqueue(Reply(content=REPLY_SHAPES["fenced"], chunk_chars=4, chunk_delay=0.05))
    async with lsp_session(server_env, capabilities("vscode")) as client:
        open_document(client, uri, INVENTORY)
        (action,) = await actions_at(client, uri, (PSEUDOCODE_LINES[0], 0))
        pending = asyncio.ensure_future(client.code_action_resolve_async(action))
        await asyncio.sleep(0.3)
        change(client, uri, 2, (0, 0), (0, 0), "import math\n")
        resolved = await pending
        assert resolved.edit is not None
        edits, version = edits_of(resolved.edit, uri)
        assert version == 2
        new_text = apply_text_edits("import math\n" + INVENTORY, edits, "utf-16")
        assert new_text == "import math\n" + expected_inventory()


IMPORTS = "import math\nimport os\nimport sys\n"


def reopen(client: LanguageClient, uri: str, text: str, version: int) -> None:
    """Close the document and open it again with ``text`` at ``version``."""
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    open_document(client, uri, text, version)


@pytest.mark.parametrize("preset", ["vscode", "neovim"])
async def test_a_reopened_document_with_the_same_version_gets_a_reanchored_edit(
    preset: str, server_env: dict[str, str], model_server: ScriptedModelServer, tmp_path: Path
) -> None:
    """The editor reopens the file at version 1 with three imports on top while the model
    answers: the edit lands on the pseudocode where it is now, not at its old lines."""
    uri = (tmp_path / "inventory.py").as_uri()
    model_server.enqueue(Reply(content=REPLY_SHAPES["fenced"], chunk_chars=4, chunk_delay=0.05))
    async with lsp_session(server_env, capabilities(preset)) as client:
        open_document(client, uri, INVENTORY)
        (action,) = await actions_at(client, uri, (PSEUDOCODE_LINES[0], 0))
        pending = asyncio.ensure_future(client.code_action_resolve_async(action))
        await asyncio.to_thread(model_server.wait_for_requests, 1, 5.0)
        reopen(client, uri, IMPORTS + INVENTORY, 1)
        resolved = await pending
        assert resolved.edit is not None, client.messages
        edits, version = edits_of(resolved.edit, uri)
        assert version == (1 if preset == "vscode" else None)  # Neovim's: plain ``changes``
        new_text = apply_text_edits(IMPORTS + INVENTORY, edits, encoding_of(client))
        assert new_text == IMPORTS + expected_inventory()


@pytest.mark.parametrize(
    ("where", "start", "end", "text"),
    [
        pytest.param("above", (0, 0), (0, 0), IMPORTS, id="above"),
        pytest.param(
            "inside", (PSEUDOCODE_LINES[0], 6), (PSEUDOCODE_LINES[0], 9), "sum", id="inside"
        ),
    ],
)
async def test_a_change_that_keeps_the_version_number_is_not_edited_at_stale_offsets(
    where: str,
    start: tuple[int, int],
    end: tuple[int, int],
    text: str,
    server_env: dict[str, str],
    model_server: ScriptedModelServer,
    tmp_path: Path,
) -> None:
    """A ``didChange`` that does not raise the version: re-anchored, or refused when the
    lines the model saw changed."""
    uri = (tmp_path / "inventory.py").as_uri()
    model_server.enqueue(Reply(content=REPLY_SHAPES["fenced"], chunk_chars=4, chunk_delay=0.05))
    async with lsp_session(server_env, capabilities("vscode")) as client:
        open_document(client, uri, INVENTORY)
        (action,) = await actions_at(client, uri, (PSEUDOCODE_LINES[0], 0))
        pending = asyncio.ensure_future(client.code_action_resolve_async(action))
        await asyncio.to_thread(model_server.wait_for_requests, 1, 5.0)
        change(client, uri, 1, start, end, text)
        resolved = await pending
        if where == "above":
            assert resolved.edit is not None, client.messages
            edits, version = edits_of(resolved.edit, uri)
            assert version == 1
            new_text = apply_text_edits(IMPORTS + INVENTORY, edits, "utf-16")
            assert new_text == IMPORTS + expected_inventory()
        else:
            assert resolved.edit is None
            await wait_for_message(client)
            assert [m.message for m in client.messages] == [CHANGED_MEANWHILE]


async def test_an_action_offered_before_a_reopen_at_the_same_version_is_refused(
    server_env: dict[str, str], model_server: ScriptedModelServer, tmp_path: Path
) -> None:
    """Offered on version 1, chosen after the file was reopened at version 1 with other
    text: its lines now hold other code, so it is refused before any model call."""
    uri = (tmp_path / "inventory.py").as_uri()
    async with lsp_session(server_env, capabilities("vscode")) as client:
        open_document(client, uri, INVENTORY)
        (action,) = await actions_at(client, uri, (PSEUDOCODE_LINES[0], 0))
        reopen(client, uri, IMPORTS + INVENTORY, 1)
        resolved = await client.code_action_resolve_async(action)
        assert resolved.edit is None
        await wait_for_message(client)
        assert [m.message for m in client.messages] == [CHANGED_SINCE_OFFERED]
    assert model_server.request_count == 0


async def test_client_without_resolve_support_gets_a_command_that_applies_the_edit(
    server_env: dict[str, str], model_server: ScriptedModelServer, tmp_path: Path
) -> None:
    caps = capabilities("vscode")
    assert caps.text_document is not None and caps.text_document.code_action is not None
    caps.text_document.code_action.resolve_support = None
    uri = (tmp_path / "inventory.py").as_uri()
    model_server.enqueue(Reply(content=REPLY_SHAPES["chatter"]))
    async with lsp_session(server_env, caps) as client:
        open_document(client, uri, INVENTORY)
        (action,) = await actions_at(client, uri, (PSEUDOCODE_LINES[0], 0))
        assert action.command is not None and action.edit is None
        assert model_server.request_count == 0
        applied = await client.workspace_execute_command_async(
            types.ExecuteCommandParams(
                command=action.command.command, arguments=action.command.arguments
            )
        )
        assert applied is True
        (edit,) = client.applied_edits  # type: ignore[attr-defined]
        edits, version = edits_of(edit, uri)
        assert version == 1
        assert apply_text_edits(INVENTORY, edits, "utf-16") == expected_inventory()


async def test_missing_key_gives_a_clear_message_and_no_edit(
    server_env: dict[str, str], model_server: ScriptedModelServer, tmp_path: Path
) -> None:
    env = dict(server_env)
    del env["BLITZLS_API_KEY"]
    env["BLITZLS_BASE_URL"] = "https://api.x.ai/v1"
    uri = (tmp_path / "inventory.py").as_uri()
    async with lsp_session(env, capabilities("vscode")) as client:
        open_document(client, uri, INVENTORY)
        (action,) = await actions_at(client, uri, (PSEUDOCODE_LINES[0], 0))
        resolved = await client.code_action_resolve_async(action)
        assert resolved.edit is None
        await asyncio.sleep(0.1)
        (message,) = client.messages
        assert message.type == types.MessageType.Error
        assert "XAI_API_KEY" in message.message and "BLITZLS_API_KEY" in message.message
        assert "Traceback" not in message.message
        # the server keeps serving
        assert await actions_at(client, uri, (PSEUDOCODE_LINES[0], 0))
    assert model_server.request_count == 0


async def test_crlf_document_keeps_its_line_endings(
    server_env: dict[str, str], model_server: ScriptedModelServer, tmp_path: Path
) -> None:
    uri = (tmp_path / "inventory.py").as_uri()
    crlf = INVENTORY.replace("\n", "\r\n")
    model_server.enqueue(Reply(content=REPLY_SHAPES["whole_function"]))
    async with lsp_session(server_env, capabilities("neovim")) as client:
        open_document(client, uri, crlf)
        (action,) = await actions_at(client, uri, (PSEUDOCODE_LINES[0], 0))
        resolved = await client.code_action_resolve_async(action)
        assert resolved.edit is not None
        edits, _ = edits_of(resolved.edit, uri)
        new_text = apply_text_edits(crlf, edits, "utf-8")
        assert new_text == expected_inventory().replace("\n", "\r\n")


async def test_typing_on_the_last_line_meanwhile_refuses_the_edit(
    server_env: dict[str, str], model_server: ScriptedModelServer, tmp_path: Path
) -> None:
    uri = (tmp_path / "show.py").as_uri()
    model_server.enqueue(Reply(content="```python\nprint(y)\n```", chunk_chars=2, chunk_delay=0.05))
    async with lsp_session(server_env, capabilities("vscode")) as client:
        open_document(client, uri, LAST_LINE)
        (action,) = await actions_at(client, uri, (1, 6))
        pending = asyncio.ensure_future(client.code_action_resolve_async(action))
        await asyncio.to_thread(model_server.wait_for_requests, 1, 5.0)
        change(client, uri, 2, (1, 14), (1, 14), " twice")  # "    # print it twice"
        resolved = await pending
        assert resolved.edit is None
        await wait_for_message(client)
        assert [m.message for m in client.messages] == [CHANGED_MEANWHILE]


async def test_a_new_line_after_the_last_line_meanwhile_reanchors(
    server_env: dict[str, str], model_server: ScriptedModelServer, tmp_path: Path
) -> None:
    uri = (tmp_path / "show.py").as_uri()
    model_server.enqueue(Reply(content="```python\nprint(y)\n```", chunk_chars=2, chunk_delay=0.05))
    async with lsp_session(server_env, capabilities("vscode")) as client:
        open_document(client, uri, LAST_LINE)
        (action,) = await actions_at(client, uri, (1, 6))
        pending = asyncio.ensure_future(client.code_action_resolve_async(action))
        await asyncio.to_thread(model_server.wait_for_requests, 1, 5.0)
        change(client, uri, 2, (1, 14), (1, 14), "\n    return y")
        resolved = await pending
        assert resolved.edit is not None, client.messages
        edits, version = edits_of(resolved.edit, uri)
        assert version == 2
        text = LAST_LINE + "\n    return y"
        assert apply_text_edits(text, edits, "utf-16") == "def show(y):\n    print(y)\n    return y"


async def wait_for_message(client: LanguageClient, count: int = 1, timeout: float = 5.0) -> None:
    """Wait until the server has shown ``count`` messages (they follow the answer)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while len(client.messages) < count:
        assert asyncio.get_running_loop().time() < deadline, "no message from the server"
        await asyncio.sleep(0.01)
