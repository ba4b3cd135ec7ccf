"""The embedded offline model, for real: the default registry model assembled from its part
packages, served by llama-cpp-python's server in a child process, through the real CLI and a
real ``blitzls serve``.

Skipped when the ``local`` extra is missing (``pip install 'blitzls[local]'``); .ci/run
installs it and fails if these tests were skipped. All of them share one user cache
directory, so the model is assembled once (by the first test that needs it, or by .ci/run).
"""

from __future__ import annotations

import ast
import asyncio
import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types

from blitzls.local import unavailable_reason
from blitzls.local.assemble import stamp_path
from blitzls.local.registry import EMBEDDED_MODEL, default_spec
from tests.conftest import CLI_COMMAND, ROOT, clean_environment
from tests.e2e.samples import INVENTORY, PSEUDOCODE_LINES
from tests.support.cli import run_blitzls as run_cli
from tests.support.lsp import apply_text_edits, capabilities, edits_of, lsp_session

WHY_NOT = unavailable_reason()
pytestmark = pytest.mark.skipif(WHY_NOT is not None, reason=f"no local model: {WHY_NOT}")

SLOW = 900  # seconds: a busy 2-core machine reads prompts slowly
CHILD_MODULE = "blitzls.local.child"


@pytest.fixture(scope="module")
def user_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One user cache directory (where the model is assembled) for the whole module.

    .ci/run assembles the model once, timed, and passes its cache in BLITZLS_TEST_MODEL_CACHE.
    """
    shared = os.environ.get("BLITZLS_TEST_MODEL_CACHE")
    return Path(shared) if shared else tmp_path_factory.mktemp("user-cache")


@pytest.fixture
def env(user_cache: Path, tmp_path: Path) -> dict[str, str]:
    """No key, no endpoint: blitzls picks the embedded model by itself."""
    values = clean_environment()
    values.update(
        XDG_CACHE_HOME=str(user_cache),
        BLITZLS_CACHE_DIR=str(tmp_path / "replies"),
        BLITZLS_TIMEOUT="300",
    )
    return values


def run_blitzls(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli(env, *args, timeout=SLOW)


def model_children(parent: int) -> list[int]:
    """The embedded model processes started by ``parent``."""
    found = []
    for task in Path(f"/proc/{parent}/task").glob("*"):
        try:
            children = (task / "children").read_text().split()
        except OSError:
            continue
        for pid in children:
            try:
                command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if CHILD_MODULE.encode() in command:
                found.append(int(pid))
    return found


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def wait_for(condition: Any, timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def serving_a_request(pid: int) -> bool:
    """True once the model process holds an established TCP connection (a request)."""
    try:
        inodes = {
            link[len("socket:[") : -1]
            for link in (
                os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")
            )
            if link.startswith("socket:[")
        }
    except OSError:
        return False
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table, encoding="ascii") as rows:
            for row in list(rows)[1:]:
                fields = row.split()
                if fields[3] == "01" and fields[9] in inodes:  # 01: ESTABLISHED
                    return True
    return False


def assert_well_formed_edit(before: str, after: str, first: int, last: int) -> None:
    """Changed only within lines first..last (1-based); the rest byte-identical; parses."""
    assert after != before, "the file was not changed"
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    head, tail = old[: first - 1], old[last:]
    assert new[: len(head)] == head, "lines before the target changed"
    assert new[len(new) - len(tail) :] == tail, "lines after the target changed"
    ast.parse(after)


# -- first use: assembly, doctor --------------------------------------------------------------


def test_doctor_assembles_the_model_once_then_finds_it_verified(
    env: dict[str, str], user_cache: Path
) -> None:
    spec = default_spec()
    model = user_cache / "blitzls" / "models" / spec.file_name
    first = run_blitzls(env, "doctor", "--json")
    report = json.loads(first.stdout)
    checks = {c["name"]: c for c in report["checks"]}
    assert first.returncode == 0, first.stdout + first.stderr
    assert report["target"] == f"the embedded model ({EMBEDDED_MODEL})"
    assert checks["embedded model"]["status"] == "ok"
    assert "verified" in checks["embedded model"]["detail"]
    assert checks["model"]["status"] == "ok", checks["model"]
    assert model.stat().st_size == spec.size and stamp_path(model).is_file()
    assert [p.name for p in model.parent.iterdir() if p.name.endswith(".part")] == []
    again = run_blitzls(env, "doctor", "--json", "--offline")
    checks = {c["name"]: c for c in json.loads(again.stdout)["checks"]}
    assert checks["embedded model"]["detail"] == (
        f"{spec.title}, verified: {model} ({spec.size / 1024**3:.1f} GB)"
    )


# -- the CLI ----------------------------------------------------------------------------------


def test_the_readme_example_runs_offline(env: dict[str, str], tmp_path: Path) -> None:
    """``blitzls run pseudocode examples/inventory.py --lines 6-8`` with no key, no network."""
    source = (ROOT / "examples" / "inventory.py").read_text(encoding="utf-8")
    path = tmp_path / "inventory.py"
    path.write_text(source, encoding="utf-8")
    shown = run_blitzls(env, "run", "pseudocode", str(path), "--lines", "6-8")
    assert shown.returncode == 0, shown.stderr
    assert "\n-    # start a running total at zero\n" in shown.stdout  # a diff
    done = run_blitzls(env, "run", "pseudocode", str(path), "--lines", "6-8", "--write", "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["cache_hit"] is True  # the same request: answered from the reply cache
    assert result["model"] == EMBEDDED_MODEL
    after = path.read_text(encoding="utf-8")
    assert_well_formed_edit(source, after, 6, 8)
    ran = subprocess.run(
        [sys.executable, str(path)], capture_output=True, text=True, timeout=60, check=True
    )
    assert ran.stdout.strip() == "10.0"  # 2.5 x 4, the negative quantity skipped


def test_a_crash_of_the_model_process_is_reported_and_the_file_kept(
    env: dict[str, str], tmp_path: Path
) -> None:
    path = tmp_path / "inventory.py"
    source = (ROOT / "examples" / "inventory.py").read_text(encoding="utf-8")
    path.write_text(source, encoding="utf-8")
    cli = subprocess.Popen(
        [*CLI_COMMAND, "run", "pseudocode", str(path), "--lines", "6-8", "--write"],
        env={**env, "BLITZLS_MAX_RETRIES": "0", "BLITZLS_CACHE": "false"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
    )
    try:
        (child,) = wait_for(lambda: model_children(cli.pid), 120, "the model process")
        wait_for(lambda: serving_a_request(child), SLOW, "the request to reach the model")
        time.sleep(1.0)  # past the response headers: the answer is being computed
        os.kill(child, signal.SIGSEGV)
        out, err = cli.communicate(timeout=120)
    finally:
        if cli.poll() is None:
            cli.kill()
    assert cli.returncode == 8, err  # the connection broke
    assert "killed by SIGSEGV" in err and "the next action starts it again" in err
    assert path.read_text(encoding="utf-8") == source and out == ""
    assert not alive(child)


# -- the language server ----------------------------------------------------------------------


async def resolve_pseudocode(client: Any, uri: str, text: str) -> types.CodeAction:
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri, language_id="python", version=1, text=text
            )
        )
    )
    result = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(
                start=types.Position(line=PSEUDOCODE_LINES[0], character=4),
                end=types.Position(line=PSEUDOCODE_LINES[0], character=4),
            ),
            context=types.CodeActionContext(diagnostics=[]),
        )
    )
    (action,) = [a for a in result if isinstance(a, types.CodeAction) and "pseudocode" in a.kind]
    resolved: types.CodeAction = await client.code_action_resolve_async(action)
    return resolved


async def test_serve_uses_the_model_survives_its_crash_and_stops_it_at_exit(
    env: dict[str, str], tmp_path: Path
) -> None:
    async with lsp_session(env, capabilities("vscode")) as client:
        server = client._server.pid
        first = await resolve_pseudocode(client, (tmp_path / "a.py").as_uri(), INVENTORY)
        assert first.edit is not None, client.messages
        edits, _ = edits_of(first.edit, (tmp_path / "a.py").as_uri())
        edited = apply_text_edits(INVENTORY, edits, "utf-16")
        # The model's code is its own business here (the CLI test checks a behaviour); the
        # edit must land on the pseudocode, past the emoji and CJK text, and parse.
        assert_well_formed_edit(INVENTORY, edited, PSEUDOCODE_LINES[0] + 1, PSEUDOCODE_LINES[1])
        (child,) = model_children(server)

        # A crash mid-action: that action fails with a message, the server lives on.
        other = INVENTORY.replace("total_price", "sum_prices")
        crashed = asyncio.ensure_future(
            resolve_pseudocode(client, (tmp_path / "b.py").as_uri(), other)
        )
        await asyncio.to_thread(wait_for, lambda: serving_a_request(child), SLOW, "a request")
        await asyncio.sleep(1.0)
        os.kill(child, signal.SIGSEGV)
        failed = await asyncio.wait_for(crashed, SLOW)
        assert failed.edit is None
        assert any("broke mid-answer" in m.message for m in client.messages), client.messages

        # The next action starts a new model process.
        again = await resolve_pseudocode(client, (tmp_path / "c.py").as_uri(), other)
        assert again.edit is not None, client.messages
        (restarted,) = model_children(server)
        assert restarted != child and not alive(child)
    # shutdown + exit: the model process goes with the server
    assert wait_for(lambda: not alive(restarted), 10, "the model process to stop")


async def test_killing_the_server_leaves_no_model_process(
    env: dict[str, str], tmp_path: Path
) -> None:
    gone = False
    with contextlib.suppress(RuntimeError):  # closing a client whose server was killed
        async with lsp_session(env, capabilities("neovim")) as client:
            server = client._server.pid
            resolved = await resolve_pseudocode(client, (tmp_path / "a.py").as_uri(), INVENTORY)
            assert resolved.edit is not None, client.messages
            (child,) = model_children(server)
            os.kill(server, signal.SIGKILL)
            gone = await asyncio.to_thread(wait_for, lambda: not alive(child), 10, "no orphan")
    assert gone


# -- blitzls local-server ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def local_url(user_cache: Path) -> Iterator[str]:
    """A ``blitzls local-server --port 0`` subprocess; its base URL."""
    env = {**clean_environment(), "XDG_CACHE_HOME": str(user_cache)}
    process = subprocess.Popen(
        [*CLI_COMMAND, "local-server", "--port", "0"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:") and url.endswith("/v1"), url
        wait_for(lambda: _answers(url), SLOW, "local-server to load the model")
        yield url
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/models", timeout=5) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def chat(url: str, **fields: Any) -> Any:
    payload = {
        "model": EMBEDDED_MODEL,
        "messages": [{"role": "user", "content": "Count from 1 to 50, separated by commas."}],
        **fields,
    }
    request = urllib.request.Request(
        url + "/chat/completions",
        json.dumps(payload).encode(),
        {"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=SLOW) as response:
        return json.loads(response.read())


def test_no_temperature_means_zero_so_answers_repeat(local_url: str) -> None:
    first = chat(local_url, max_tokens=12)
    second = chat(local_url, max_tokens=12)
    assert first["choices"][0]["message"] == second["choices"][0]["message"]
    assert first["usage"]["completion_tokens"] <= 12


def test_max_tokens_and_stop_strings_are_respected(local_url: str) -> None:
    limited = chat(local_url, max_tokens=5)
    choice = limited["choices"][0]
    assert choice["finish_reason"] == "length"
    assert limited["usage"]["completion_tokens"] == 5
    text = choice["message"]["content"]
    stopped = chat(local_url, max_tokens=100, stop=["7"])
    assert stopped["choices"][0]["finish_reason"] == "stop"
    assert "7" not in stopped["choices"][0]["message"]["content"] and text


def test_closing_the_stream_frees_the_model_at_once(local_url: str) -> None:
    import openai

    with openai.OpenAI(base_url=local_url, api_key="blitzls-local", max_retries=0) as client:
        stream = client.chat.completions.create(
            model=EMBEDDED_MODEL,
            messages=[{"role": "user", "content": "Write a very long story about a lighthouse."}],
            max_tokens=3000,
            stream=True,
        )
        pieces = 0
        for chunk in stream:
            if chunk.choices and chunk.choices[0].delta.content:
                pieces += 1
                if pieces == 3:
                    break
        stream.close()
        started = time.monotonic()
        reply = client.chat.completions.create(
            model=EMBEDDED_MODEL,
            messages=[{"role": "user", "content": "Say yes."}],
            max_tokens=2,
        )
    # 3000 tokens take many minutes on a CPU; the next request must not wait for them
    assert time.monotonic() - started < 120
    assert reply.choices[0].message.content


def test_local_server_reports_a_missing_model_file(tmp_path: Path) -> None:
    done = subprocess.run(
        [*CLI_COMMAND, "local-server", "--port", "0", "--model", str(tmp_path / "absent.gguf")],
        env=clean_environment(),
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 2
    assert "absent.gguf" in done.stderr and done.stdout == ""


def test_environment_chooses_the_model_file(tmp_path: Path) -> None:
    env = {**clean_environment(), "BLITZLS_LOCAL_MODEL": str(tmp_path / "other.gguf")}
    done = subprocess.run(
        [*CLI_COMMAND, "local-server", "--port", "0"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 2 and "other.gguf" in done.stderr
