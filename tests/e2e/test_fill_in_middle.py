"""Pseudocode filled in the middle, through ``blitzls run --write`` and the scripted endpoint.

With ``fillInMiddle`` on ('auto', the default), a small code model (by its name) is sent the
function split around the pseudocode in its own fill-in-the-middle tokens on
``/v1/completions`` and writes only the new code; what it writes past the gap is not used,
the stream is closed there, and a middle that does not fit — or an endpoint without text
completions — is asked again the usual way, on the chat route.
"""

from __future__ import annotations

import json
import socket
import subprocess
from pathlib import Path

import pytest

from tests.e2e.test_lsp_pseudocode import actions_at, open_document
from tests.support.cli import run_blitzls
from tests.support.lsp import apply_text_edits, capabilities, edits_of, lsp_session
from tests.support.scripted_model import Reply, ScriptedModelServer

QWEN = "qwen2.5-coder-1.5b-instruct"
SOURCE = (
    "import re\n"
    "\n"
    "\n"
    "def slugify(title: str) -> str:\n"
    '    """Turn a title into a URL slug: "Hello, World!" -> "hello-world"."""\n'
    "    # lower-case the title and join its words with hyphens\n"
    "    return slug\n"
    "\n"
    "\n"
    "def other() -> None:\n"
    "    pass\n"
)
MIDDLE = "    slug = re.sub(r'[^a-z0-9]+', '-', title.lower()).strip('-')\n"
EXPECTED = SOURCE.replace("    # lower-case the title and join its words with hyphens\n", MIDDLE)
WHOLE = (
    "```python\n"
    "def slugify(title: str) -> str:\n"
    '    """Turn a title into a URL slug: "Hello, World!" -> "hello-world"."""\n'
    f"{MIDDLE}"
    "    return slug\n"
    "```\n"
)


TINY_QWEN = "qwen2.5-coder-0.5b-instruct"


@pytest.fixture(autouse=True)
def serves_qwen(model_server: ScriptedModelServer) -> None:
    if model_server.known_models is not None:
        model_server.known_models.extend([QWEN, TINY_QWEN, "qwen2.5-coder:1.5b"])


def last_action(env: dict[str, str]) -> dict[str, object]:
    """The usage log's record of the last action: how it was answered."""
    log = Path(env["BLITZLS_CACHE_DIR"]) / "usage.jsonl"
    entries = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    record: dict[str, object] = [e for e in entries if e.get("kind") == "action"][-1]
    return record


def pseudocode(
    env: dict[str, str], path: Path, *flags: str, model: str = QWEN
) -> subprocess.CompletedProcess[str]:
    env = {"BLITZLS_FILL_IN_MIDDLE": "auto", **env, "BLITZLS_MODEL": model}
    return run_blitzls(
        env,
        "run",
        "pseudocode",
        str(path),
        "--lines",
        "6",
        "--write",
        "--json",
        *flags,
        timeout=120,
    )


def on_blog(
    env: dict[str, str], server: ScriptedModelServer, folder: Path, *replies: Reply
) -> tuple[subprocess.CompletedProcess[str], Path]:
    """``pseudocode`` on a fresh blog.py answered with ``replies``; what ran, and the file."""
    path = folder / "blog.py"
    path.write_text(SOURCE, encoding="utf-8")
    server.enqueue(*replies)
    return pseudocode(env, path), path


def test_the_model_writes_only_the_middle_and_the_stream_ends_past_the_gap(
    server_env: dict[str, str], model_server: ScriptedModelServer, tmp_path: Path
) -> None:
    # the model goes on past the gap: the suffix again, then a function of its own
    rambling = MIDDLE + "    return slug\n\n\ndef more():\n" + "    pass\n" * 200
    done, path = on_blog(
        server_env,
        model_server,
        tmp_path,
        Reply(content=rambling, chunk_chars=10, chunk_delay=0.01),
    )
    assert done.returncode == 0, done.stderr
    assert path.read_text(encoding="utf-8") == EXPECTED
    (request,) = model_server.completion_requests
    assert not model_server.chat_requests
    body = request.body
    assert body["model"] == QWEN and body["stream"] is True and body["temperature"] == 0
    # the file around the gap, as code models are trained to fill it
    before, after = SOURCE.split("    return slug\n")
    assert body["prompt"] == (
        f"<|fim_prefix|>{before}<|fim_suffix|>    return slug\n{after.rstrip()}<|fim_middle|>"
    )
    assert "<|endoftext|>" in body["stop"]
    assert model_server.wait_closed_early(1, 5.0), "the stream was not closed past the gap"
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["changed"] is True
    assert (last_action(server_env)["format"], last_action(server_env)["repaired"]) == (
        "fill",
        False,
    )


def test_with_the_context_setting_scope_only_the_function_is_sent(
    server_env: dict[str, str], model_server: ScriptedModelServer, tmp_path: Path
) -> None:
    done, path = on_blog(
        {**server_env, "BLITZLS_CONTEXT": "scope"}, model_server, tmp_path, Reply(content=MIDDLE)
    )
    assert done.returncode == 0, done.stderr
    assert path.read_text(encoding="utf-8") == EXPECTED
    (request,) = model_server.completion_requests
    assert request.body["prompt"] == (
        "<|fim_prefix|>def slugify(title: str) -> str:\n"
        '    """Turn a title into a URL slug: "Hello, World!" -> "hello-world"."""\n'
        "    # lower-case the title and join its words with hyphens\n"
        "<|fim_suffix|>    return slug<|fim_middle|>"
    )


def test_a_middle_that_does_not_fit_is_asked_again_the_usual_way(
    server_env: dict[str, str], model_server: ScriptedModelServer, tmp_path: Path
) -> None:
    done, path = on_blog(
        server_env,
        model_server,
        tmp_path,
        Reply(content="    slug = re.sub(\n"),
        Reply(content=WHOLE),
    )
    assert done.returncode == 0, done.stderr
    assert path.read_text(encoding="utf-8") == EXPECTED
    assert [r.path for r in model_server.requests if r.method == "POST"] == [
        "/v1/completions",
        "/v1/chat/completions",
    ]
    # the chat answer is the first answer, not a repair round's
    assert (last_action(server_env)["format"], last_action(server_env)["repaired"]) == (
        "rewrite",
        False,
    )


def test_an_endpoint_without_text_completions_is_asked_the_usual_way(
    server_env: dict[str, str], model_server: ScriptedModelServer, tmp_path: Path
) -> None:
    done, path = on_blog(
        server_env, model_server, tmp_path, Reply(status=404), Reply(content=WHOLE)
    )
    assert done.returncode == 0, done.stderr
    assert path.read_text(encoding="utf-8") == EXPECTED
    assert len(model_server.chat_requests) == 1


def test_a_refused_key_gets_its_message_and_no_second_request(
    server_env: dict[str, str], model_server: ScriptedModelServer, tmp_path: Path
) -> None:
    done, path = on_blog(server_env, model_server, tmp_path, Reply(status=401))
    assert done.returncode != 0
    assert path.read_text(encoding="utf-8") == SOURCE
    assert "401" in done.stderr + done.stdout or "key" in (done.stderr + done.stdout).lower()
    assert not model_server.chat_requests


def test_an_endpoint_that_is_down_gets_its_message_and_the_file_is_untouched(
    server_env: dict[str, str], model_server: ScriptedModelServer, tmp_path: Path
) -> None:
    with socket.socket() as unused:  # a port nothing listens on
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    env = {**server_env, "BLITZLS_BASE_URL": f"http://127.0.0.1:{port}/v1"}
    done, path = on_blog(env, model_server, tmp_path)
    assert done.returncode != 0
    assert path.read_text(encoding="utf-8") == SOURCE
    assert "cannot reach" in done.stderr + done.stdout


def test_models_below_a_billion_others_and_the_setting_off_are_asked_the_usual_way(
    server_env: dict[str, str], model_server: ScriptedModelServer, tmp_path: Path
) -> None:
    path = tmp_path / "blog.py"
    cases: list[tuple[str, dict[str, str]]] = [
        (TINY_QWEN, {}),  # the default 'auto': below a billion parameters
        ("qwen2.5-coder:1.5b", {}),  # Ollama's name: its /completions wraps the prompt
        ("grok-code-fast-1", {"BLITZLS_FILL_IN_MIDDLE": "auto"}),  # no family in the name
        (QWEN, {"BLITZLS_FILL_IN_MIDDLE": "off"}),
        (QWEN, {"BLITZLS_FILL_IN_MIDDLE": "auto", "BLITZLS_MODEL_CLASS": "capable"}),
    ]
    for model, extra in cases:
        path.write_text(SOURCE, encoding="utf-8")
        model_server.reset()
        model_server.enqueue(Reply(content=WHOLE))
        env = {**server_env, **extra, "BLITZLS_MODEL": model}
        done = run_blitzls(
            env, "run", "pseudocode", str(path), "--lines", "6", "--write", "--no-cache"
        )
        assert done.returncode == 0, done.stderr
        assert path.read_text(encoding="utf-8") == EXPECTED
        assert not model_server.completion_requests, (model, extra)


def test_a_repeat_is_answered_from_the_cache(
    server_env: dict[str, str], model_server: ScriptedModelServer, tmp_path: Path
) -> None:
    first, path = on_blog(server_env, model_server, tmp_path, Reply(content=MIDDLE))
    assert first.returncode == 0, first.stderr
    path.write_text(SOURCE, encoding="utf-8")
    done = pseudocode(server_env, path)
    assert done.returncode == 0, done.stderr
    assert path.read_text(encoding="utf-8") == EXPECTED
    assert len(model_server.completion_requests) == 1
    assert json.loads(done.stdout.strip().splitlines()[-1])["cache_hit"] is True


def test_crlf_and_non_ascii_survive_a_filled_middle(
    server_env: dict[str, str], model_server: ScriptedModelServer, tmp_path: Path
) -> None:
    source = (
        "def greet(name: str) -> str:\r\n"
        "    # say hello to the name with a wave 👋 and an é\r\n"
        "    return text\r\n"
    )
    path = tmp_path / "hello.py"
    path.write_bytes(source.encode("utf-8"))
    model_server.enqueue(Reply(content='    text = f"héllo {name} 👋"\n    return text\n'))
    env = {**server_env, "BLITZLS_MODEL": QWEN, "BLITZLS_FILL_IN_MIDDLE": "qwen"}
    done = run_blitzls(env, "run", "pseudocode", str(path), "--lines", "2", "--write")
    assert done.returncode == 0, done.stderr
    assert path.read_bytes().decode("utf-8") == (
        'def greet(name: str) -> str:\r\n    text = f"héllo {name} 👋"\r\n    return text\r\n'
    )


@pytest.mark.parametrize("preset", ["vscode", "neovim"])
async def test_the_language_server_lands_a_filled_middle_on_the_pseudocode(
    preset: str, server_env: dict[str, str], model_server: ScriptedModelServer, tmp_path: Path
) -> None:
    source = SOURCE.replace("join its words", "join its words 👋 (é)")
    uri = (tmp_path / "blog.py").as_uri()
    env = {**server_env, "BLITZLS_MODEL": QWEN, "BLITZLS_FILL_IN_MIDDLE": "auto"}
    async with lsp_session(env, capabilities(preset)) as client:
        encoding = str(client.init_result.capabilities.position_encoding or "utf-16")  # type: ignore[attr-defined]
        open_document(client, uri, source)
        (action,) = await actions_at(client, uri, (5, 8))
        model_server.enqueue(Reply(content=MIDDLE + "    return slug\n", chunk_chars=7))
        resolved = await client.code_action_resolve_async(action)
        assert resolved.edit is not None, client.messages
        edits, _ = edits_of(resolved.edit, uri)
        assert apply_text_edits(source, edits, encoding) == EXPECTED
        assert all(e.range.start.line >= 5 for e in edits)  # only the pseudocode's lines
    assert len(model_server.completion_requests) == 1 and not model_server.chat_requests
