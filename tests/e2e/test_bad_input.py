"""Bad LSP input never crashes the server: odd ranges, unknown documents, garbage data."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException

from tests.e2e.samples import INVENTORY, PSEUDOCODE_LINES, REPLY_SHAPES, expected_inventory
from tests.e2e.test_lsp_pseudocode import actions_at, open_document
from tests.support.lsp import apply_text_edits, capabilities, change, edits_of, lsp_session
from tests.support.scripted_model import Reply, ScriptedModelServer


async def test_odd_requests_get_answers_and_the_server_keeps_serving(
    server_env: dict[str, str], model_server: ScriptedModelServer, tmp_path: Path
) -> None:
    uri = (tmp_path / "inventory.py").as_uri()
    unknown = (tmp_path / "never-opened.py").as_uri()
    async with lsp_session(server_env, capabilities("vscode")) as client:
        open_document(client, uri, INVENTORY)
        # a document that was never opened
        assert await actions_at(client, unknown, (0, 0), kind=None) == []
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=unknown, version=2),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text="x")],
            )
        )
        # ranges far outside the document, and reversed
        assert isinstance(await actions_at(client, uri, (10_000, 5), kind=None), list)
        assert isinstance(await actions_at(client, uri, (9, 0), (2, 0), kind=None), list)
        # a change whose range runs past the end is clamped, not fatal
        change(client, uri, 2, (500, 0), (600, 9), "# tail\n")
        # garbage code-action data comes back unchanged, with a message
        for data in (None, {"action": "nope"}, {"action": "pseudocode", "uri": unknown,
                                                  "start": 0, "end": 1}):  # fmt: skip
            garbage = types.CodeAction(title="x", data=data)
            seen = len(client.messages)
            resolved = await client.code_action_resolve_async(garbage)
            assert resolved.edit is None
            await asyncio.sleep(0.05)
            assert len(client.messages) == seen + 1
        # blitzls.edit with bad arguments answers False with a message
        for arguments in ([{"uri": unknown, "range": {}, "instruction": "x"}], [{"uri": uri}]):
            result = await client.workspace_execute_command_async(
                types.ExecuteCommandParams(command="blitzls.edit", arguments=arguments)
            )
            assert result is False
        # and a real action still works afterwards
        model_server.enqueue(Reply(content=REPLY_SHAPES["fenced"]))
        (action,) = await actions_at(client, uri, (PSEUDOCODE_LINES[0], 0))
        resolved = await client.code_action_resolve_async(action)
        assert resolved.edit is not None
        edits, version = edits_of(resolved.edit, uri)
        assert version == 2
        expected = expected_inventory() + "# tail\n"
        assert apply_text_edits(INVENTORY + "# tail\n", edits, "utf-16") == expected


async def test_concurrent_actions_on_one_document_each_land_in_place(
    server_env: dict[str, str], model_server: ScriptedModelServer, tmp_path: Path
) -> None:
    uri = (tmp_path / "two.py").as_uri()
    source = (
        "def a(x):\n    # double x\n    return y\n\n\ndef b(x):\n    # triple x\n    return y\n"
    )

    def answer(body: dict[str, object]) -> Reply:
        prompt = str(body["messages"][-1]["content"])  # type: ignore[index]
        code = "y = x * 2" if "def a(x):" in prompt else "y = x * 3"
        return Reply(content=f"```python\n{code}\n```", chunk_chars=3, chunk_delay=0.02)

    model_server.responder = answer
    async with lsp_session(server_env, capabilities("neovim")) as client:
        open_document(client, uri, source)
        (first,) = await actions_at(client, uri, (1, 4))
        (second,) = await actions_at(client, uri, (6, 4))
        one, two = await asyncio.gather(
            client.code_action_resolve_async(first), client.code_action_resolve_async(second)
        )
    assert one.edit is not None and two.edit is not None
    edits = edits_of(one.edit, uri)[0] + edits_of(two.edit, uri)[0]
    result = apply_text_edits(source, edits, "utf-8")
    assert result == source.replace("# double x", "y = x * 2").replace("# triple x", "y = x * 3")


async def test_requests_after_shutdown_are_refused_not_ignored(
    server_env: dict[str, str], tmp_path: Path
) -> None:
    async with lsp_session(server_env, capabilities("vscode")) as client:
        uri = (tmp_path / "inventory.py").as_uri()
        open_document(client, uri, INVENTORY)
        await client.shutdown_async(None)
        client.shut_down = True  # type: ignore[attr-defined]
        with pytest.raises(JsonRpcException):
            await asyncio.wait_for(
                client.text_document_code_action_async(
                    types.CodeActionParams(
                        text_document=types.TextDocumentIdentifier(uri=uri),
                        range=types.Range(
                            start=types.Position(line=0, character=0),
                            end=types.Position(line=0, character=0),
                        ),
                        context=types.CodeActionContext(diagnostics=[]),
                    )
                ),
                timeout=5,
            )
