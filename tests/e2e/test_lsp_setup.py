"""Server start-up: settings from the editor, bad settings, TCP transport."""

from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types

from tests.e2e.samples import INVENTORY, PSEUDOCODE_LINES, REPLY_SHAPES, pseudocode_budget
from tests.e2e.test_lsp_pseudocode import actions_at, open_document
from tests.support.lsp import capabilities, lsp_session
from tests.support.scripted_model import Reply, ScriptedModelServer

if TYPE_CHECKING:
    from pytest_lsp import LanguageClient


async def test_initialization_options_choose_the_model_and_bad_ones_are_named(
    server_env: dict[str, str], model_server: ScriptedModelServer, tmp_path: Path
) -> None:
    uri = (tmp_path / "inventory.py").as_uri()
    model_server.enqueue(Reply(content=REPLY_SHAPES["fenced"]))
    options = {"blitzls": {"model": "test-model", "maxTokens": "lots"}}
    async with lsp_session(
        server_env, capabilities("vscode"), initialization_options=options
    ) as client:
        open_document(client, uri, INVENTORY)
        (action,) = await actions_at(client, uri, (PSEUDOCODE_LINES[0], 0))
        assert (await client.code_action_resolve_async(action)).edit is not None
        warnings = [m.message for m in client.messages]
    assert any("'maxTokens'" in m and "lots" in m for m in warnings), warnings
    (request,) = model_server.requests
    assert request.body["model"] == "test-model"
    # the bad value fell back to the default cap, which the task-sized budget stays under
    assert request.body["max_tokens"] == pseudocode_budget(INVENTORY, PSEUDOCODE_LINES)


async def _wait_for_log(client: LanguageClient, text: str, count: int = 1) -> None:
    for _ in range(200):
        if sum(text in m.message for m in client.log_messages) >= count:
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"no log message {text!r}: {[m.message for m in client.log_messages]}")


async def test_wrong_type_in_tool_blitzls_is_named_and_the_server_keeps_working(
    server_env: dict[str, str], model_server: ScriptedModelServer, tmp_path: Path
) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "demo"\n\n[tool.blitzls]\nmax_tokens = "lots"\ncontext_lines = 50\n'
    )
    uri = (tmp_path / "inventory.py").as_uri()
    model_server.enqueue(Reply(content=REPLY_SHAPES["fenced"]))
    async with lsp_session(
        server_env, capabilities("vscode"), root_uri=tmp_path.as_uri()
    ) as client:
        open_document(client, uri, INVENTORY)
        (action,) = await actions_at(client, uri, (PSEUDOCODE_LINES[0], 0))
        assert (await client.code_action_resolve_async(action)).edit is not None
        warnings = [m.message for m in client.messages]
    assert any("pyproject.toml" in m and "'max_tokens'" in m and "lots" in m for m in warnings), (
        warnings
    )
    (request,) = model_server.requests
    # the bad value fell back to the default cap, which the task-sized budget stays under
    assert request.body["max_tokens"] == pseudocode_budget(INVENTORY, PSEUDOCODE_LINES)


async def test_workspace_configuration_is_pulled_and_updated_live(
    server_env: dict[str, str], tmp_path: Path
) -> None:
    uri = (tmp_path / "inventory.py").as_uri()
    with ScriptedModelServer(known_models=None) as endpoint:
        env = {**server_env, "BLITZLS_BASE_URL": endpoint.url}
        del env["BLITZLS_MODEL"]  # so the provider preset may choose it
        endpoint.enqueue(*[Reply(content=REPLY_SHAPES["fenced"])] * 2)
        caps = capabilities("vscode")
        assert caps.workspace is not None and caps.workspace.configuration
        pulled = {"blitzls": {"model": "pulled-model", "maxTokens": 77}}
        async with lsp_session(env, caps, configuration=pulled) as client:
            await _wait_for_log(client, "workspace configuration applied")
            open_document(client, uri, INVENTORY)
            (action,) = await actions_at(client, uri, (PSEUDOCODE_LINES[0], 0))
            await client.code_action_resolve_async(action)
            # the editor's settings change: VS Code sends the notification without a payload
            client.set_configuration({"provider": "vllm", "maxTokens": "x"}, section="blitzls")
            client.workspace_did_change_configuration(
                types.DidChangeConfigurationParams(settings=None)
            )
            await _wait_for_log(client, "workspace configuration applied", count=2)
            (action,) = await actions_at(client, uri, (PSEUDOCODE_LINES[0] + 1, 0))
            await client.code_action_resolve_async(action)
            warnings = [m.message for m in client.messages]
        first, second = endpoint.chat_requests
    assert (first.body["model"], first.body["max_tokens"]) == ("pulled-model", 77)
    # the vllm preset names the model; the explicit base URL from the environment still wins
    assert (second.body["model"], second.body["max_tokens"]) == (
        "Qwen/Qwen2.5-Coder-7B-Instruct",
        pseudocode_budget(INVENTORY, PSEUDOCODE_LINES),
    )
    assert any("'maxTokens'" in m and "'x'" in m for m in warnings), warnings


async def test_server_registers_for_configuration_changes(
    server_env: dict[str, str],
) -> None:
    caps = capabilities("vscode")
    assert caps.workspace is not None and caps.workspace.did_change_configuration is not None
    assert caps.workspace.did_change_configuration.dynamic_registration
    registered: list[types.Registration] = []
    async with lsp_session(server_env, caps) as client:
        for _ in range(100):
            registered = [
                r for r in getattr(client, "registrations", []) if isinstance(r, types.Registration)
            ]
            if registered:
                break
            await asyncio.sleep(0.02)
    assert [r.method for r in registered] == [types.WORKSPACE_DID_CHANGE_CONFIGURATION]


async def test_server_capabilities_advertise_lazy_code_actions(
    server_env: dict[str, str],
) -> None:
    async with lsp_session(server_env, capabilities("neovim")) as client:
        caps: types.ServerCapabilities = client.init_result.capabilities  # type: ignore[attr-defined]
    assert caps.position_encoding == types.PositionEncodingKind.Utf8
    provider = caps.code_action_provider
    assert isinstance(provider, types.CodeActionOptions)
    assert provider.resolve_provider is True
    assert "refactor.rewrite.blitzls.pseudocode" in (provider.code_action_kinds or [])
    sync = caps.text_document_sync
    assert isinstance(sync, types.TextDocumentSyncOptions)
    assert sync.change == types.TextDocumentSyncKind.Incremental


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _frame(message: dict[str, object]) -> bytes:
    body = json.dumps(message).encode()
    return f"Content-Length: {len(body)}\r\n\r\n".encode() + body


async def _read_message(reader: asyncio.StreamReader) -> dict[str, object]:
    header = await reader.readuntil(b"\r\n\r\n")
    length = int(header.decode().split("Content-Length:")[1].split("\r\n")[0])
    result: dict[str, object] = json.loads(await reader.readexactly(length))
    return result


async def test_tcp_transport_answers_initialize(server_env: dict[str, str]) -> None:
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "blitzls", "serve", "--tcp", f"127.0.0.1:{port}"],
        env=server_env,
        stdin=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        for _ in range(100):
            try:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                break
            except OSError:
                await asyncio.sleep(0.1)
        else:
            raise AssertionError("the server did not listen")
        writer.write(
            _frame(
                {
                    "jsonrpc": "2.0",
                    "id": 1,
                    "method": "initialize",
                    "params": {"processId": None, "rootUri": None, "capabilities": {}},
                }
            )
        )
        await writer.drain()
        reply = await asyncio.wait_for(_read_message(reader), timeout=20)
        assert reply["id"] == 1
        result = reply["result"]
        assert isinstance(result, dict)
        assert result["serverInfo"]["name"] == "blitzls"
        writer.close()
    finally:
        process.terminate()
        process.wait(timeout=10)


async def test_pushed_settings_apply_for_clients_that_cannot_be_asked(
    server_env: dict[str, str], tmp_path: Path
) -> None:
    uri = (tmp_path / "inventory.py").as_uri()
    caps = capabilities("vscode")
    assert caps.workspace is not None
    caps.workspace.configuration = False  # a push-only client
    with ScriptedModelServer(known_models=None) as endpoint:
        endpoint.enqueue(Reply(content=REPLY_SHAPES["fenced"]))
        env = {**server_env, "BLITZLS_BASE_URL": endpoint.url}
        async with lsp_session(env, caps) as client:
            client.workspace_did_change_configuration(
                types.DidChangeConfigurationParams(settings={"blitzls": {"model": "pushed"}})
            )
            open_document(client, uri, INVENTORY)
            (action,) = await actions_at(client, uri, (PSEUDOCODE_LINES[0], 0))
            await client.code_action_resolve_async(action)
        (request,) = endpoint.chat_requests
    assert request.body["model"] == "pushed"
