"""Every model-endpoint fault, through the CLI and the language server.

Each fault must give a short, specific message (stderr / window/showMessage), a distinct
exit code on the CLI, an unchanged document, and a server that keeps serving.
"""

from __future__ import annotations

import asyncio
import json
import socket
from dataclasses import dataclass
from pathlib import Path

import pytest
from lsprotocol import types

from tests.conftest import TEST_KEY
from tests.e2e.samples import INVENTORY, PSEUDOCODE_LINES, REPLY_SHAPES
from tests.e2e.test_cli_run import LINES, blitzls
from tests.e2e.test_lsp_pseudocode import actions_at, open_document
from tests.support.lsp import capabilities, lsp_session
from tests.support.scripted_model import Reply, ScriptedModelServer


@dataclass(frozen=True)
class Fault:
    reply: Reply | None  # None: no reply is scripted (the endpoint itself is the fault)
    exit_code: int
    message: str  # a fragment the user must see
    env: tuple[tuple[str, str], ...] = ()


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


FAULTS: dict[str, Fault] = {
    "connection_refused": Fault(None, 8, "cannot reach http://127.0.0.1:", (("refused", "1"),)),
    "timeout_between_chunks": Fault(
        Reply(content=REPLY_SHAPES["fenced"], hang=True),
        7,
        "no answer from 127.0.0.1",
        (("BLITZLS_TIMEOUT", "1"),),
    ),
    "bad_key_401": Fault(
        Reply(status=401, error_body=json.dumps({"error": {"message": "bad key"}})),
        4,
        "(401)",
    ),
    "forbidden_403": Fault(
        Reply(status=403, error_body=json.dumps({"error": {"message": "no access"}})),
        4,
        "(403)",
    ),
    "unknown_model_404": Fault(None, 5, "not found", (("BLITZLS_MODEL", "no-such-model"),)),
    "rate_limited_429": Fault(
        Reply(
            status=429,
            error_body=json.dumps({"error": {"message": "slow down"}}),
            headers={"Retry-After": "7"},
        ),
        6,
        "retry in 7 s",
    ),
    "server_error_500": Fault(
        Reply(status=500, error_body=json.dumps({"error": {"message": "boom"}})),
        9,
        "server error (500)",
    ),
    "stream_cut": Fault(
        Reply(content=REPLY_SHAPES["fenced"] * 3, chunk_chars=4, cut_after_chunks=5),
        8,
        "broke mid-answer",
    ),
    "not_json": Fault(
        Reply(status=200, error_body="<html>gateway says hello</html>"),
        10,
        "OpenAI-compatible",
    ),
    "error_in_stream": Fault(
        Reply(
            content=REPLY_SHAPES["fenced"],
            stream_error={"message": "overloaded mid-stream", "type": "server_error"},
        ),
        9,
        "overloaded mid-stream",
    ),
    "empty_answer": Fault(Reply(content=""), 11, "empty answer"),
}


def _env_for(fault: Fault, server_env: dict[str, str]) -> dict[str, str]:
    env = dict(server_env)
    for key, value in fault.env:
        if key == "refused":
            env["BLITZLS_BASE_URL"] = f"http://127.0.0.1:{_closed_port()}/v1"
        else:
            env[key] = value
    return env


@pytest.mark.parametrize("name", sorted(FAULTS))
def test_cli_fault_gives_message_exit_code_and_untouched_file(
    name: str, tmp_path: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    fault = FAULTS[name]
    if fault.reply is not None:
        model_server.enqueue(fault.reply)
    path = tmp_path / "inventory.py"
    path.write_text(INVENTORY, encoding="utf-8")
    done = blitzls(
        _env_for(fault, server_env),
        "run", "pseudocode", str(path), "--lines", LINES, "--write", "--json",
    )  # fmt: skip
    assert done.returncode == fault.exit_code, done.stderr
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("blitzls: ") and fault.message in line, line
    assert "Traceback" not in done.stderr and TEST_KEY not in done.stderr + done.stdout
    result = json.loads(done.stdout)
    assert result == {
        "ok": False,
        "error": line.removeprefix("blitzls: "),
        "exit_code": fault.exit_code,
    }
    assert path.read_text(encoding="utf-8") == INVENTORY


def test_every_error_kind_has_its_own_exit_code() -> None:
    from blitzls.model.errors import EXIT_CODES

    assert len(set(EXIT_CODES.values())) == len(EXIT_CODES)
    assert all(code not in (0, 1, 2, 10, 12) or kind == "bad_response"
               for kind, code in EXIT_CODES.items())  # fmt: skip


async def test_server_reports_every_fault_and_keeps_serving(
    server_env: dict[str, str], model_server: ScriptedModelServer, tmp_path: Path
) -> None:
    """One server process lives through every endpoint fault in turn."""
    env = {**server_env, "BLITZLS_TIMEOUT": "1"}
    async with lsp_session(env, capabilities("vscode")) as client:
        for name, fault in FAULTS.items():
            if fault.env:  # faults that need another endpoint or model run in the CLI test
                continue
            uri = (tmp_path / f"{name}.py").as_uri()
            open_document(client, uri, INVENTORY)
            assert fault.reply is not None
            model_server.enqueue(fault.reply)
            (action,) = await actions_at(client, uri, (PSEUDOCODE_LINES[0], 0))
            seen = len(client.messages)
            resolved = await client.code_action_resolve_async(action)
            assert resolved.edit is None, name
            await asyncio.sleep(0.05)
            new = [m for m in client.messages[seen:] if m.type == types.MessageType.Error]
            assert len(new) == 1 and fault.message in new[0].message, (name, new)
            assert TEST_KEY not in new[0].message
        # still serving: a healthy request afterwards works
        uri = (tmp_path / "healthy.py").as_uri()
        open_document(client, uri, INVENTORY)
        model_server.enqueue(Reply(content=REPLY_SHAPES["fenced"]))
        (action,) = await actions_at(client, uri, (PSEUDOCODE_LINES[0], 0))
        assert (await client.code_action_resolve_async(action)).edit is not None


async def test_server_unknown_model_and_refused_endpoint(
    server_env: dict[str, str], tmp_path: Path
) -> None:
    for fault in (FAULTS["unknown_model_404"], FAULTS["connection_refused"]):
        async with lsp_session(_env_for(fault, server_env), capabilities("neovim")) as client:
            uri = (tmp_path / "inventory.py").as_uri()
            open_document(client, uri, INVENTORY)
            (action,) = await actions_at(client, uri, (PSEUDOCODE_LINES[0], 0))
            assert (await client.code_action_resolve_async(action)).edit is None
            await asyncio.sleep(0.05)
            (message,) = client.messages
            assert fault.message in message.message
