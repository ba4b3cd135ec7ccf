"""Network faults on the way to the endpoint, with no traffic beyond loopback.

- DNS failure: the CLI and the server run in a fresh network namespace (only ``lo``) whose
  resolv.conf names 127.0.0.1, where either nothing listens or an NXDOMAIN responder answers.
  The machine's own resolver is never asked: no packet can leave the namespace.
- Connect timeout: a loopback listener with a full accept queue drops SYNs, so ``connect()``
  hangs until ``connect_timeout``.

Each fault must give one specific message, its exit code (CLI) or a window/showMessage error
and no edit (server), leave the file untouched, and not stop the server.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import ipaddress
import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.conftest import CLI_COMMAND, SERVER_COMMAND, TEST_KEY, clean_environment
from tests.e2e.samples import INVENTORY, PSEUDOCODE_LINES, REPLY_SHAPES, expected_inventory
from tests.e2e.test_cli_run import LINES
from tests.e2e.test_lsp_pseudocode import actions_at, open_document
from tests.support.cli import run_command
from tests.support.isolation import (
    isolated_command,
    port_that_never_connects,
    skip_without_namespaces,
    write_resolv_conf,
)
from tests.support.lsp import apply_text_edits, capabilities, edits_of, lsp_session
from tests.support.scripted_model import Reply, ScriptedModelServer

pytestmark = pytest.mark.needs("namespaces")  # the tests that use them skip without

BOGUS_HOST = "model-endpoint.blitzls-test.invalid"
BOGUS_URL = f"http://{BOGUS_HOST}:8080/v1"
DNS_FAULTS = {
    # name: (NXDOMAIN responder in the namespace?, what the user must read)
    "nxdomain": (True, "host name not found; check the host in BLITZLS_BASE_URL"),
    "no_name_server": (False, "name lookup failed; check the network and DNS settings"),
}
CONNECT_TIMEOUT = 0.5


@pytest.fixture
def resolv_conf(tmp_path: Path) -> Path:
    skip_without_namespaces()
    return write_resolv_conf(tmp_path)


@pytest.fixture
def never_connects() -> Iterator[str]:
    with port_that_never_connects() as port:
        yield f"http://127.0.0.1:{port}/v1"


def _run(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return run_command(command, env, timeout=30)


def _cli(path: Path) -> list[str]:
    return [*CLI_COMMAND, "run", "pseudocode", str(path), "--lines", LINES, "--write", "--json"]


def _assert_cli_failure(done: subprocess.CompletedProcess[str], code: int, fragment: str) -> None:
    """One ``blitzls:`` line on stderr with ``fragment``, the exit code, and matching JSON."""
    assert done.returncode == code, done.stderr
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("blitzls: ") and fragment in line, line
    assert "Traceback" not in done.stderr and TEST_KEY not in done.stderr + done.stdout
    message = line.removeprefix("blitzls: ")
    assert json.loads(done.stdout) == {"ok": False, "error": message, "exit_code": code}


def _host_name_servers() -> list[str]:
    """The machine's own name servers beyond loopback (unreachable inside the namespace)."""
    try:
        lines = Path("/etc/resolv.conf").read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    servers = [line.split()[1] for line in lines if line.startswith("nameserver ")]
    return [s for s in servers if not ipaddress.ip_address(s.partition("%")[0]).is_loopback]


_PROBE = """
import json, socket, sys
unreachable = []
for address in sys.argv[1:]:
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    try:
        with socket.socket(family, socket.SOCK_DGRAM) as sock:
            sock.connect((address, 53))  # a route lookup only: UDP connect sends nothing
    except OSError as exc:
        unreachable.append(exc.errno)
    else:
        unreachable.append(0)
print(json.dumps({
    "interfaces": [name for _, name in socket.if_nameindex()],
    "unreachable": unreachable,
    "resolv_conf": open("/etc/resolv.conf").read(),
}))
"""


def test_isolated_commands_have_only_loopback_and_our_resolver(resolv_conf: Path) -> None:
    before = Path("/etc/resolv.conf").read_bytes()
    targets = [*_host_name_servers(), "192.0.2.1", "2001:db8::1"]  # + TEST-NET addresses
    probe = isolated_command([sys.executable, "-c", _PROBE, *targets], resolv_conf=resolv_conf)
    done = _run(probe, clean_environment())
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert seen["interfaces"] == ["lo"]
    no_ipv6 = errno.EAFNOSUPPORT  # a kernel without IPv6 cannot send there either
    assert all(e in (errno.ENETUNREACH, no_ipv6) for e in seen["unreachable"]), seen
    assert seen["unreachable"][0] == errno.ENETUNREACH  # the machine's resolver or TEST-NET
    assert seen["resolv_conf"] == resolv_conf.read_text(encoding="utf-8")
    assert Path("/etc/resolv.conf").read_bytes() == before  # the bind mount stayed private


@pytest.mark.parametrize("name", sorted(DNS_FAULTS))
def test_cli_host_that_cannot_be_resolved(
    name: str, resolv_conf: Path, tmp_path: Path, server_env: dict[str, str]
) -> None:
    responder, fragment = DNS_FAULTS[name]
    queries = tmp_path / "queries.log"
    path = tmp_path / "inventory.py"
    path.write_text(INVENTORY, encoding="utf-8")
    env = {**server_env, "BLITZLS_BASE_URL": BOGUS_URL}
    command = isolated_command(
        _cli(path), resolv_conf=resolv_conf, nxdomain_log=queries if responder else None
    )
    done = _run(command, env)
    _assert_cli_failure(done, 8, f"cannot reach {BOGUS_URL} — {fragment}")
    assert path.read_text(encoding="utf-8") == INVENTORY
    if responder:  # the lookup reached our loopback responder, and asked only for that name
        asked = queries.read_text(encoding="utf-8").split()
        assert BOGUS_HOST in asked and all(q.startswith(BOGUS_HOST) for q in asked), asked


async def _fails_with_one_error(
    client: LanguageClient, uri: str, fragment: str
) -> types.ShowMessageParams:
    """Resolve the pseudocode action at ``uri``: no edit, exactly one error message."""
    (action,) = await actions_at(client, uri, (PSEUDOCODE_LINES[0], 0))
    seen = len(client.messages)
    resolved = await client.code_action_resolve_async(action)
    assert resolved.edit is None
    await asyncio.sleep(0.05)
    (message,) = client.messages[seen:]
    assert message.type == types.MessageType.Error and fragment in message.message, message
    assert TEST_KEY not in message.message
    return message


async def test_server_host_that_cannot_be_resolved(
    resolv_conf: Path,
    tmp_path: Path,
    server_env: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    queries = tmp_path / "queries.log"
    command = isolated_command(SERVER_COMMAND, resolv_conf=resolv_conf, nxdomain_log=queries)
    monkeypatch.setattr("tests.support.lsp.SERVER_COMMAND", command)
    env = {**server_env, "BLITZLS_BASE_URL": BOGUS_URL}
    async with lsp_session(env, capabilities("vscode")) as client:
        for name in ("first.py", "second.py"):  # still serving after the fault: same answer
            uri = (tmp_path / name).as_uri()
            open_document(client, uri, INVENTORY)
            await _fails_with_one_error(client, uri, f"cannot reach {BOGUS_URL} — host name")
        assert client.applied_edits == []  # type: ignore[attr-defined]
    assert BOGUS_HOST in queries.read_text(encoding="utf-8").split()


def test_cli_connect_timeout(
    never_connects: str, tmp_path: Path, server_env: dict[str, str]
) -> None:
    path = tmp_path / "inventory.py"
    path.write_text(INVENTORY, encoding="utf-8")
    env = {
        **server_env,
        "BLITZLS_BASE_URL": never_connects,
        "BLITZLS_CONNECT_TIMEOUT": str(CONNECT_TIMEOUT),
        "BLITZLS_MAX_RETRIES": "0",
    }
    started = time.monotonic()
    done = _run(_cli(path), env)
    elapsed = time.monotonic() - started
    host = never_connects.removeprefix("http://").removesuffix("/v1")
    _assert_cli_failure(
        done, 7, f"cannot connect to {host} within 0.5 s — check the network or "
        "BLITZLS_CONNECT_TIMEOUT",
    )  # fmt: skip
    assert elapsed < 5.0, f"took {elapsed:.1f} s; the default connect timeout is 10 s"
    assert path.read_text(encoding="utf-8") == INVENTORY


async def test_server_connect_timeout_with_one_retry_then_the_endpoint_comes_back(
    tmp_path: Path, server_env: dict[str, str]
) -> None:
    with contextlib.ExitStack() as jammed:
        port = jammed.enter_context(port_that_never_connects())
        env = {
            **server_env,
            "BLITZLS_BASE_URL": f"http://127.0.0.1:{port}/v1",
            "BLITZLS_CONNECT_TIMEOUT": str(CONNECT_TIMEOUT),
            "BLITZLS_MAX_RETRIES": "1",
        }
        async with lsp_session(env, capabilities("vscode")) as client:
            uri = (tmp_path / "inventory.py").as_uri()
            open_document(client, uri, INVENTORY)
            started = time.monotonic()
            await _fails_with_one_error(client, uri, f"127.0.0.1:{port} within 0.5 s — check")
            elapsed = time.monotonic() - started
            # Two connect attempts (one retry), each waiting out the connect timeout; far
            # from the 10 s default.
            assert 2 * CONNECT_TIMEOUT <= elapsed < 5.0, elapsed
            # The endpoint comes back on the same port: the same server process carries on.
            jammed.close()
            revived = ScriptedModelServer(port=port).start()
            try:
                revived.enqueue(Reply(content=REPLY_SHAPES["fenced"]))
                (action,) = await actions_at(client, uri, (PSEUDOCODE_LINES[0], 0))
                resolved = await client.code_action_resolve_async(action)
                assert resolved.edit is not None, client.messages
                edits, _ = edits_of(resolved.edit, uri)
                assert apply_text_edits(INVENTORY, edits, "utf-16") == expected_inventory()
                assert revived.request_count == 1
            finally:
                revived.stop()
