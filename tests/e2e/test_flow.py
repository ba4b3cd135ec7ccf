"""Staying in flow: progress, cancellation, superseding requests, prefetch, CLI progress."""

from __future__ import annotations

import asyncio
import os
import pty
import subprocess
import time
from collections.abc import Awaitable
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pytest_lsp import LanguageClient

from blitzls.lsp.features.prefetch import PREFETCH_IDLE_SECONDS
from tests.conftest import CLI_COMMAND
from tests.e2e.samples import INVENTORY, PSEUDOCODE_LINES, REPLY_SHAPES, expected_inventory
from tests.e2e.test_cli_run import LINES
from tests.e2e.test_lsp_pseudocode import actions_at, open_document
from tests.support.lsp import apply_text_edits, capabilities, edits_of, lsp_session
from tests.support.scripted_model import Reply, ScriptedModelServer

HELD_BACK = "blitzls: prefetch held back: prefetchPerMinute (1) reached"
SLOW = Reply(content=REPLY_SHAPES["fenced"], chunk_chars=2, chunk_delay=0.05)
REQUEST_CANCELLED = -32800  # the answer to a request whose work was cancelled

# An answer still streaming when the test cancels it: a fence that never closes (a complete
# code block would end the stream early by itself), ~10 s at 0.05 s a chunk.
STILL_STREAMING = "```python\n" + "    total = 0\n" * 200


def progress_values(client: LanguageClient) -> list[object]:
    return [value for values in client.progress_reports.values() for value in values]


async def answer_of(request: Awaitable[Any], timeout: float = 5.0) -> Any:
    """The answer to a request: its result, or the JSON-RPC error it was answered with. A
    request left unanswered fails the test (``TimeoutError`` is not caught)."""
    try:
        return await asyncio.wait_for(request, timeout=timeout)
    except JsonRpcException as exc:
        return exc


async def wait_for(predicate: object, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.01)


async def test_progress_reports_tokens_and_ends_with_the_outcome(
    server_env: dict[str, str], model_server: ScriptedModelServer, tmp_path: Path
) -> None:
    uri = (tmp_path / "inventory.py").as_uri()
    model_server.enqueue(SLOW)
    async with lsp_session(server_env, capabilities("vscode")) as client:
        open_document(client, uri, INVENTORY)
        (action,) = await actions_at(client, uri, (PSEUDOCODE_LINES[0], 0))
        assert (await client.code_action_resolve_async(action)).edit is not None
        first = progress_values(client)
        (action,) = await actions_at(client, uri, (PSEUDOCODE_LINES[0], 0))
        assert (await client.code_action_resolve_async(action)).edit is not None
        await asyncio.sleep(0.1)
        second = progress_values(client)[len(first) :]
        logged = [m.message for m in client.log_messages]
    assert any(m.startswith("pseudocode on inventory.py lines 8-9: ") for m in logged), logged
    begin, *reports, end = first
    assert isinstance(begin, types.WorkDoneProgressBegin)
    assert begin.title == "blitzls: Convert pseudocode to code" and begin.cancellable
    assert reports and all("tok/s" in (r.message or "") for r in reports)
    assert isinstance(end, types.WorkDoneProgressEnd)
    assert "output tokens" in (end.message or "") and "$" in (end.message or "")
    assert isinstance(second[-1], types.WorkDoneProgressEnd)
    assert (second[-1].message or "").startswith("from cache")


async def test_a_finished_actions_progress_token_is_forgotten(
    server_env: dict[str, str], model_server: ScriptedModelServer, tmp_path: Path
) -> None:
    """pygls keeps a cancel future per token forever unless the server removes it."""
    uri = (tmp_path / "inventory.py").as_uri()
    log_file = tmp_path / "server.log"
    model_server.enqueue(Reply(content=REPLY_SHAPES["fenced"]))
    async with lsp_session(
        server_env, capabilities("vscode"), server_args=["--log-file", str(log_file)]
    ) as client:
        open_document(client, uri, INVENTORY)
        (action,) = await actions_at(client, uri, (PSEUDOCODE_LINES[0], 0))
        assert (await client.code_action_resolve_async(action)).edit is not None
        await wait_for(lambda: bool(client.progress_reports))
        (token,) = list(client.progress_reports)
        await wait_for(
            lambda: isinstance(client.progress_reports[token][-1], types.WorkDoneProgressEnd)
        )
        # a late Cancel click on the finished action: the server no longer knows the token
        client.window_work_done_progress_cancel(types.WorkDoneProgressCancelParams(token=token))
        await wait_for(lambda: f"unknown token {token}" in log_file.read_text(encoding="utf-8"))


async def test_late_answer_to_a_cancelled_server_request_is_dropped(
    server_env: dict[str, str], model_server: ScriptedModelServer, tmp_path: Path
) -> None:
    """An action that ends before the editor answers its progress ``create`` cancels that
    request; the late answer must be dropped (pygls would raise and show "Error in server")."""
    release = asyncio.Event()

    async def slow_create(ls: LanguageClient, params: types.WorkDoneProgressCreateParams) -> None:
        await release.wait()
        ls.progress_reports.setdefault(params.token, [])

    uri = (tmp_path / "inventory.py").as_uri()
    model_server.enqueue(Reply(content=REPLY_SHAPES["fenced"]))
    features = {types.WINDOW_WORK_DONE_PROGRESS_CREATE: slow_create}
    async with lsp_session(server_env, capabilities("vscode"), client_features=features) as client:
        open_document(client, uri, INVENTORY)
        (action,) = await actions_at(client, uri, (PSEUDOCODE_LINES[0], 0))
        assert (await client.code_action_resolve_async(action)).edit is not None
        release.set()
        await wait_for(lambda: bool(client.progress_reports))  # the late answer is sent
        # requests are handled in order: this answer comes after the late one was read
        assert await actions_at(client, uri, (PSEUDOCODE_LINES[0], 0))
        assert [m.message for m in client.messages] == []


async def test_prefetch_waits_for_the_cursor_to_rest_and_drops_what_it_left(
    server_env: dict[str, str], model_server: ScriptedModelServer, tmp_path: Path
) -> None:
    uri = (tmp_path / "two.py").as_uri()
    source = (
        "def a(x):\n    # double x\n    return y\n\n\ndef b(x):\n    # triple x\n    return y\n"
    )
    model_server.responder = lambda body: Reply(content="```python\ny = x * 3\n```")
    env = {**server_env, "BLITZLS_PREFETCH": "true", "BLITZLS_PREFETCH_PER_MINUTE": "10"}
    async with lsp_session(env, capabilities("vscode")) as client:
        open_document(client, uri, source)
        assert await actions_at(client, uri, (1, 4))  # the cursor passes a's comment...
        (action,) = await actions_at(client, uri, (6, 4))  # ...and rests on b's
        started = "blitzls: prefetching pseudocode on two.py line 7"
        await wait_for(lambda: started in prefetch_logs(client))
        # a's prefetch was due first: had it not been dropped, it would have started first
        assert prefetch_logs(client) == [started]
        await asyncio.to_thread(model_server.wait_for_requests, 1, 5.0)
        assert "# triple x" in str(model_server.requests[0].body["messages"][-1]["content"])
        resolved = await client.code_action_resolve_async(action)
        assert resolved.edit is not None
    assert model_server.request_count == 1, "choosing b was served by its prefetch"


async def test_choosing_before_the_cursor_rested_computes_once_without_waiting(
    server_env: dict[str, str], model_server: ScriptedModelServer, tmp_path: Path
) -> None:
    model_server.responder = lambda body: Reply(
        content=REPLY_SHAPES["fenced"], chunk_chars=2, chunk_delay=0.05
    )
    env = {**server_env, "BLITZLS_PREFETCH": "true", "BLITZLS_PREFETCH_PER_MINUTE": "10"}
    async with lsp_session(env, capabilities("vscode")) as client:
        for name in ("warm.py", "inventory.py"):  # the first one also warms the engine up
            uri = (tmp_path / name).as_uri()
            open_document(client, uri, INVENTORY)
            (action,) = await actions_at(client, uri, (PSEUDOCODE_LINES[0], 0))
            chosen_at = time.monotonic()
            resolved = await client.code_action_resolve_async(action)  # streams > 1 s
            assert resolved.edit is not None
        assert prefetch_logs(client) == [], "the prefetches waiting for the rest were dropped"
    assert model_server.request_count == 2
    assert model_server.requests[1].received_at - chosen_at < PREFETCH_IDLE_SECONDS


def prefetch_logs(client: LanguageClient) -> list[str]:
    return [m.message for m in client.log_messages if m.message.startswith("blitzls: prefetch")]


async def test_cancel_request_closes_the_stream_and_applies_nothing(
    server_env: dict[str, str], model_server: ScriptedModelServer, tmp_path: Path
) -> None:
    uri = (tmp_path / "inventory.py").as_uri()
    model_server.enqueue(Reply(content=STILL_STREAMING, chunk_delay=0.05))
    async with lsp_session(server_env, capabilities("neovim")) as client:
        open_document(client, uri, INVENTORY)
        (action,) = await actions_at(client, uri, (PSEUDOCODE_LINES[0], 0))
        pending = client.protocol.send_request(
            types.CODE_ACTION_RESOLVE, action, msg_id="resolve-1"
        )
        await asyncio.to_thread(model_server.wait_for_requests, 1, 5.0)
        await asyncio.sleep(0.3)
        cancelled_at = time.monotonic()
        client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id="resolve-1"))
        result = await answer_of(asyncio.wrap_future(pending))
        assert isinstance(result, JsonRpcException) and result.code == REQUEST_CANCELLED, result
        await asyncio.to_thread(model_server.wait_closed_early, 1, 2.0)
        (record,) = model_server.requests
        assert record.closed_at is not None
        assert record.closed_at - cancelled_at < 0.5
        # the server is still serving
        assert await actions_at(client, uri, (PSEUDOCODE_LINES[0], 0))


async def test_progress_cancel_button_stops_the_action(
    server_env: dict[str, str], model_server: ScriptedModelServer, tmp_path: Path
) -> None:
    uri = (tmp_path / "inventory.py").as_uri()
    model_server.enqueue(Reply(content=STILL_STREAMING, chunk_delay=0.05))
    async with lsp_session(server_env, capabilities("vscode")) as client:
        open_document(client, uri, INVENTORY)
        (action,) = await actions_at(client, uri, (PSEUDOCODE_LINES[0], 0))
        pending = asyncio.ensure_future(client.code_action_resolve_async(action))
        await wait_for(lambda: bool(client.progress_reports))
        await asyncio.to_thread(model_server.wait_for_requests, 1, 5.0)
        (token,) = list(client.progress_reports)
        cancelled_at = time.monotonic()
        client.window_work_done_progress_cancel(types.WorkDoneProgressCancelParams(token=token))
        result = await answer_of(pending)
        assert isinstance(result, JsonRpcException) and result.code == REQUEST_CANCELLED, result
        await asyncio.to_thread(model_server.wait_closed_early, 1, 2.0)
        (record,) = model_server.requests
        assert record.closed_at is not None and record.closed_at - cancelled_at < 0.5
        await asyncio.sleep(0.05)
        end = client.progress_reports[token][-1]
        assert isinstance(end, types.WorkDoneProgressEnd) and end.message == "cancelled"


async def test_newer_request_for_the_same_range_supersedes_the_running_one(
    server_env: dict[str, str], model_server: ScriptedModelServer, tmp_path: Path
) -> None:
    uri = (tmp_path / "inventory.py").as_uri()
    model_server.enqueue(Reply(content=STILL_STREAMING, chunk_delay=0.05))
    model_server.enqueue(Reply(content=REPLY_SHAPES["fenced"]))
    async with lsp_session(server_env, capabilities("vscode")) as client:
        open_document(client, uri, INVENTORY)
        (action,) = await actions_at(client, uri, (PSEUDOCODE_LINES[0], 0))
        first = asyncio.ensure_future(client.code_action_resolve_async(action))
        await asyncio.to_thread(model_server.wait_for_requests, 1, 5.0)
        second = await client.code_action_resolve_async(action)
        assert second.edit is not None
        earlier = await answer_of(first)
        assert isinstance(earlier, JsonRpcException) and earlier.code == REQUEST_CANCELLED, earlier
        assert model_server.requests[0].closed_at is not None
        edits, _ = edits_of(second.edit, uri)
        assert apply_text_edits(INVENTORY, edits, "utf-16") == expected_inventory()


async def test_prefetch_makes_choosing_the_action_instant(
    server_env: dict[str, str], model_server: ScriptedModelServer, tmp_path: Path
) -> None:
    uri = (tmp_path / "inventory.py").as_uri()
    model_server.responder = lambda body: Reply(content=REPLY_SHAPES["fenced"])
    env = {**server_env, "BLITZLS_PREFETCH": "true", "BLITZLS_PREFETCH_PER_MINUTE": "1"}
    async with lsp_session(env, capabilities("vscode")) as client:
        open_document(client, uri, INVENTORY)
        (action,) = await actions_at(client, uri, (PSEUDOCODE_LINES[0], 0))
        await asyncio.to_thread(model_server.wait_for_requests, 1, 5.0)
        await asyncio.sleep(0.3)
        started = time.perf_counter()
        resolved = await client.code_action_resolve_async(action)
        assert resolved.edit is not None
        assert time.perf_counter() - started < 1.0
        assert model_server.request_count == 1, "the resolve was served by the prefetch"
        # the per-minute budget holds further prefetches back, and says so in the log
        open_document(client, (tmp_path / "other.py").as_uri(), INVENTORY)
        await actions_at(client, (tmp_path / "other.py").as_uri(), (PSEUDOCODE_LINES[0], 0))
        await wait_for(lambda: HELD_BACK in [m.message for m in client.log_messages])
        assert model_server.request_count == 1


async def test_shutdown_stops_a_prefetch_that_is_streaming(
    server_env: dict[str, str], model_server: ScriptedModelServer, tmp_path: Path
) -> None:
    uri = (tmp_path / "inventory.py").as_uri()
    model_server.responder = lambda body: Reply(content=STILL_STREAMING, chunk_delay=0.05)
    env = {**server_env, "BLITZLS_PREFETCH": "true"}
    async with lsp_session(env, capabilities("vscode")) as client:
        open_document(client, uri, INVENTORY)
        assert await actions_at(client, uri, (PSEUDOCODE_LINES[0], 0))
        await asyncio.to_thread(model_server.wait_for_requests, 1, 5.0)
        await client.shutdown_async(None)
        client.shut_down = True  # type: ignore[attr-defined]
        # before exit: shutdown itself stopped the stream
        assert await asyncio.to_thread(model_server.wait_closed_early, 1, 2.0)


async def test_prefetch_is_off_by_default(
    server_env: dict[str, str], model_server: ScriptedModelServer, tmp_path: Path
) -> None:
    uri = (tmp_path / "inventory.py").as_uri()
    model_server.enqueue(Reply(content=REPLY_SHAPES["fenced"]))
    async with lsp_session(server_env, capabilities("vscode")) as client:
        open_document(client, uri, INVENTORY)
        (action,) = await actions_at(client, uri, (PSEUDOCODE_LINES[0], 0))
        await asyncio.sleep(PREFETCH_IDLE_SECONDS + 0.4)  # the cursor rests on the action
        chosen_at = time.monotonic()
        assert (await client.code_action_resolve_async(action)).edit is not None
    # the one model call is the one choosing the action made: nothing was computed before
    (request,) = model_server.requests
    assert request.received_at > chosen_at


def test_cli_shows_progress_on_a_terminal_only(
    tmp_path: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    path = tmp_path / "inventory.py"
    path.write_text(INVENTORY, encoding="utf-8")
    model_server.responder = lambda body: SLOW
    primary, secondary = pty.openpty()
    try:
        done = subprocess.run(
            [*CLI_COMMAND, "run", "pseudocode", str(path), "--lines", LINES, "--no-cache"],
            env=server_env,
            stdout=subprocess.PIPE,
            stderr=secondary,
            stdin=subprocess.DEVNULL,
            timeout=60,
        )
        os.close(secondary)
        shown = b""
        while True:
            try:
                chunk = os.read(primary, 4096)
            except OSError:
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(primary)
    assert done.returncode == 0
    assert b"Convert pseudocode to code" in shown and b"tok/s" in shown
    quiet = subprocess.run(
        [*CLI_COMMAND, "run", "pseudocode", str(path), "--lines", LINES, "--no-cache"],
        env=server_env,
        capture_output=True,
        timeout=60,
    )
    assert quiet.returncode == 0 and b"tok/s" not in quiet.stderr


def test_ctrl_c_in_the_cli_leaves_the_file_untouched(
    tmp_path: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    import signal

    path = tmp_path / "inventory.py"
    path.write_text(INVENTORY, encoding="utf-8")
    model_server.enqueue(Reply(content=STILL_STREAMING, chunk_delay=0.05))
    process = subprocess.Popen(
        [*CLI_COMMAND, "run", "pseudocode", str(path), "--lines", LINES, "--write"],
        env=server_env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        # as from a terminal: a suite started in the background (nohup, `&`) ignores SIGINT,
        # and its children would inherit that
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    assert model_server.wait_for_requests(1, 10.0)
    time.sleep(0.3)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=20)
    assert process.returncode == 130
    assert b"interrupted; the file was not changed" in stderr
    assert path.read_text(encoding="utf-8") == INVENTORY
    assert model_server.wait_closed_early(1, 5.0)
