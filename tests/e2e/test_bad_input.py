"""Bad LSP input never crashes the server: odd ranges, unknown documents, garbage data."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException

from tests.e2e.samples import INVENTORY, PSEUDOCODE_LINES, REPLY_SHAPES, expected_inventory
from tests.e2e.test_lsp_pseudocode import actions_at, open_document
from tests.support.lsp import (
    EditorBuffer,
    apply_text_edits,
    capabilities,
    change,
    edits_of,
    lsp_session,
)
from tests.support.raw_lsp import RawServer
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
        negative = {"start": {"line": -1, "character": 0}, "end": {"line": 0, "character": 0}}
        for arguments in (
            [{"uri": unknown, "range": {}, "instruction": "x"}],
            [{"uri": uri}],
            [{"uri": uri, "range": negative, "instruction": "x"}],
        ):
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
    """Two actions run at once; the editor applies the first while the second still streams,
    so the second is re-anchored onto the new version and lands there too."""
    uri = (tmp_path / "two.py").as_uri()
    source = (
        "def a(x):\n    # double x\n    return y\n\n\ndef b(x):\n    # triple x\n    return y\n"
    )

    def answer(body: dict[str, object]) -> Reply:
        prompt = str(body["messages"][-1]["content"])  # type: ignore[index]
        if "def a(x):" in prompt:
            return Reply(content="```python\ny = x * 2\n```")
        return Reply(content="```python\ny = x * 3\n```", chunk_chars=1, chunk_delay=0.1)

    model_server.responder = answer
    async with lsp_session(server_env, capabilities("vscode")) as client:
        open_document(client, uri, source)
        buffer = EditorBuffer(client, uri, source, "utf-16")
        (first,) = await actions_at(client, uri, (1, 4))
        (second,) = await actions_at(client, uri, (6, 4))
        slow = asyncio.ensure_future(client.code_action_resolve_async(second))
        one = await client.code_action_resolve_async(first)
        assert one.edit is not None and not slow.done()
        assert buffer.apply(one.edit)  # computed for version 1, applied: now version 2
        two = await slow
        assert two.edit is not None, client.messages
        assert edits_of(two.edit, uri)[1] == 2, "the second edit was re-anchored onto version 2"
        assert buffer.apply(two.edit)
        assert buffer.text == source.replace("# double x", "y = x * 2").replace(
            "# triple x", "y = x * 3"
        )
        # the edit of the first, computed for version 1, would now be rejected by the editor
        assert not buffer.apply(one.edit)


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


def _listing(uri: str, start: int, end: int, diagnostic_line: int | None = None) -> dict[str, Any]:
    diagnostics = []
    if diagnostic_line is not None:
        span = {"line": diagnostic_line, "character": 0}
        diagnostics.append({"range": {"start": span, "end": span}, "message": "boom"})
    return {
        "textDocument": {"uri": uri},
        "range": {"start": {"line": start, "character": 0}, "end": {"line": end, "character": 0}},
        "context": {"diagnostics": diagnostics},
    }


@pytest.mark.parametrize(
    ("start", "end", "diagnostic_line", "named"),
    [
        (-1, 0, None, "but was -1. @ $.params.range.start"),
        (0, 2147483648, None, "but was 2147483648. @ $.params.range.end"),
        (0, 0, -3, "but was -3. @ $.params.context.diagnostics[0].range.start"),
    ],
)
def test_out_of_range_positions_get_an_invalid_params_answer(
    start: int,
    end: int,
    diagnostic_line: int | None,
    named: str,
    server_env: dict[str, str],
    tmp_path: Path,
) -> None:
    uri = (tmp_path / "inventory.py").as_uri()
    server = RawServer(server_env)
    try:
        server.initialize()
        server.send(_did_open(uri, INVENTORY))
        server.write(
            server.request(5, "textDocument/codeAction", _listing(uri, start, end, diagnostic_line))
        )
        error = server.answer_to(5)["error"]
        assert error["code"] == -32602  # InvalidParams
        assert error["message"].startswith("invalid params for textDocument/codeAction: ")
        assert named in error["message"]
        # the same request with valid positions is served
        server.write(server.request(6, "textDocument/codeAction", _listing(uri, 7, 7)))
        assert server.answer_to(6)["result"]
    finally:
        server.close()


def test_unreadable_messages_are_answered_and_an_unreadable_change_closes_the_document(
    server_env: dict[str, str], tmp_path: Path
) -> None:
    uri = (tmp_path / "inventory.py").as_uri()
    server = RawServer(server_env)
    try:
        server.initialize()
        server.send(_did_open(uri, INVENTORY))
        # a request without "jsonrpc": "2.0" is an invalid request, answered as one
        server.send({"id": 11, "method": "textDocument/codeAction", "params": _listing(uri, 7, 7)})
        assert server.answer_to(11)["error"]["code"] == -32600
        server.send({"jsonrpc": "1.0", "id": 12, "method": "shutdown"})
        assert server.answer_to(12)["error"]["code"] == -32600
        # a change the server cannot read: its copy of the document would be wrong from now
        # on, so it stops offering actions on it (and says so) instead of editing stale text
        server.write(server.request(13, "textDocument/codeAction", _listing(uri, 7, 7)))
        assert server.answer_to(13)["result"]
        bad_range = {"start": {"line": -3, "character": 0}, "end": {"line": 0, "character": 0}}
        server.send(
            {
                "jsonrpc": "2.0",
                "method": "textDocument/didChange",
                "params": {
                    "textDocument": {"uri": uri, "version": 2},
                    "contentChanges": [{"range": bad_range, "text": "x"}],
                },
            }
        )
        shown = server.wait_for(lambda m: m.get("method") == "window/showMessage")
        assert "could not read a change to inventory.py" in shown["params"]["message"]
        assert "reopen" in shown["params"]["message"]
        server.write(server.request(14, "textDocument/codeAction", _listing(uri, 7, 7)))
        assert server.answer_to(14)["result"] is None
    finally:
        server.close()


def _did_open(uri: str, text: str) -> dict[str, Any]:
    item = {"uri": uri, "languageId": "python", "version": 1, "text": text}
    return {"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": item}}


def test_an_unreadable_answer_fails_the_waiting_command(
    server_env: dict[str, str], model_server: ScriptedModelServer, tmp_path: Path
) -> None:
    """The editor answers ``workspace/applyEdit`` without ``applied``: the command ends
    with a message instead of waiting for an answer that never comes."""
    uri = (tmp_path / "inventory.py").as_uri()
    model_server.enqueue(Reply(content=REPLY_SHAPES["fenced"]))
    server = RawServer(server_env)
    try:
        server.initialize()  # no resolve support: actions carry the applyAction command
        server.send(_did_open(uri, INVENTORY))
        line = PSEUDOCODE_LINES[0]
        server.write(server.request(1, "textDocument/codeAction", _listing(uri, line, line)))
        offered = server.answer_to(1)["result"]
        (action,) = [a for a in offered if a["kind"] == "refactor.rewrite.blitzls.pseudocode"]
        command = action["command"]
        params = {"command": command["command"], "arguments": command["arguments"]}
        server.write(server.request(2, "workspace/executeCommand", params))
        apply = server.wait_for(lambda m: m.get("method") == "workspace/applyEdit")
        server.send({"jsonrpc": "2.0", "id": apply["id"], "result": {"failureReason": "?"}})
        assert server.answer_to(2)["result"] is False
        shown = server.wait_for(lambda m: m.get("method") == "window/showMessage")
        assert (
            "the editor did not apply the edit (unreadable answer: " in shown["params"]["message"]
        )
    finally:
        server.close()


async def test_a_reversed_edit_range_is_refused_not_shrunk(
    server_env: dict[str, str], model_server: ScriptedModelServer, tmp_path: Path
) -> None:
    """``blitzls.edit`` on lines 9 to 6 (end before start): refused with a message, as the
    CLI refuses ``--lines 9-6``, instead of quietly becoming one line."""
    uri = (tmp_path / "inventory.py").as_uri()
    reversed_range = {"start": {"line": 8, "character": 0}, "end": {"line": 5, "character": 0}}
    async with lsp_session(server_env, capabilities("vscode")) as client:
        open_document(client, uri, INVENTORY)
        result = await client.workspace_execute_command_async(
            types.ExecuteCommandParams(
                command="blitzls.edit",
                arguments=[{"uri": uri, "range": reversed_range, "instruction": "sum it"}],
            )
        )
        assert result is False
        await asyncio.sleep(0.1)
        assert [m.message for m in client.messages] == [
            "blitzls: blitzls.edit: the range ends before it starts (9:1 → 6:1)"
        ]
    assert model_server.request_count == 0


def test_requests_before_initialize_are_refused_as_not_initialized(
    server_env: dict[str, str], tmp_path: Path
) -> None:
    """Until ``initialize``, requests get error -32002 and notifications are dropped (the
    LSP); then the server works as usual."""
    uri = (tmp_path / "inventory.py").as_uri()
    server = RawServer(server_env)
    try:
        server.write(server.request(1, "textDocument/codeAction", _listing(uri, 7, 7)))
        error = server.answer_to(1)["error"]
        assert error["code"] == -32002
        assert error["message"] == "the server is not initialized yet (send initialize first)"
        server.write(server.request(2, "shutdown", None))
        assert server.answer_to(2)["error"]["code"] == -32002
        server.send(_did_open(uri, INVENTORY))  # dropped
        server.initialize()
        server.write(server.request(3, "textDocument/codeAction", _listing(uri, 7, 7)))
        assert server.answer_to(3)["result"] is None  # the document was never opened
        server.send(_did_open(uri, INVENTORY))
        server.write(server.request(4, "textDocument/codeAction", _listing(uri, 7, 7)))
        assert server.answer_to(4)["result"]
        assert "Traceback" not in server.stderr
        assert server.close() == 0
    finally:
        server.close()


@pytest.mark.parametrize("shutdown", [True, False], ids=["after shutdown", "without shutdown"])
def test_exit_code_says_whether_shutdown_came_first(
    shutdown: bool, server_env: dict[str, str]
) -> None:
    """``exit`` ends the server with 0 after ``shutdown`` and with 1 without it (the LSP)."""
    server = RawServer(server_env)
    try:
        server.initialize()
        if shutdown:
            server.write(server.request(1, "shutdown", None))
            assert server.answer_to(1)["result"] is None
        server.send({"jsonrpc": "2.0", "method": "exit"})
        assert server.process.wait(timeout=10) == (0 if shutdown else 1)
    finally:
        server.close()


@pytest.mark.parametrize(
    "msg_id", [{"a": 1}, [1], True, 1.5, None], ids=["object", "array", "bool", "float", "null"]
)
def test_a_request_id_that_is_not_an_integer_or_string_gets_an_invalid_request_answer(
    msg_id: Any, server_env: dict[str, str], tmp_path: Path
) -> None:
    """JSON-RPC: an invalid request is answered with error -32600 and ``"id": null``; the
    server logs one line and keeps serving."""
    uri = (tmp_path / "inventory.py").as_uri()
    server = RawServer(server_env)
    try:
        server.initialize()
        server.send(_did_open(uri, INVENTORY))
        for method, params in (
            ("textDocument/codeAction", _listing(uri, 7, 7)),
            ("shutdown", None),
        ):
            server.send({"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params})
            answer = server.wait_for(lambda m: m.get("id", 0) != 0 and "method" not in m)
            assert answer == {
                "jsonrpc": "2.0",
                "id": None,
                "error": {
                    "code": -32600,
                    "message": "invalid request: its id must be an integer or a string",
                },
            }
            server.received.remove(answer)
        # an answer from the editor with such an id is dropped with a log line
        server.send({"jsonrpc": "2.0", "id": msg_id, "result": None})
        server.write(server.request(5, "textDocument/codeAction", _listing(uri, 7, 7)))
        assert server.answer_to(5)["result"]
        assert not [m for m in server.received if m.get("method") == "window/showMessage"]
        assert "Traceback" not in server.stderr
        assert "ignored a message whose id is not an integer or a string" in server.stderr
    finally:
        server.close()
