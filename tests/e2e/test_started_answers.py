"""Instructed answers started where the change is, through ``blitzls run`` and the scripted
endpoint.

For a small Qwen model (by its name, on this machine) a fix, an ``ai!`` instruction or an
edit at a cursor is sent as a text completion (``/v1/completions``): the chat request in
ChatML with the answer begun — the function down to the statement before the action's
line — and the model goes on from there. Once its answer, past the change, repeats two of
the file's rows, the stream is closed and the rest is the file's. An endpoint without text
completions is asked the usual way; an answer that does not fit gets the usual repair round.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from lsprotocol import types

from tests.e2e.test_fill_in_middle import QWEN, last_action
from tests.e2e.test_lsp_pseudocode import open_document
from tests.support.cli import run_blitzls
from tests.support.lsp import apply_text_edits, capabilities, edits_of, lsp_session
from tests.support.scripted_model import Reply, ScriptedModelServer

SOURCE = (
    "def summary(orders):\n"  # 0
    '    """Count the orders and sum what they cost."""\n'  # 1
    "    count = 0\n"  # 2
    "    total = 0\n"  # 3
    "    for order in orders:\n"  # 4
    "        count += 1\n"  # 5
    "        total += order.price\n"  # 6
    "    average = total / count\n"  # 7
    "    report = f'{count} orders'\n"  # 8
    "    report += f', {total} in all'\n"  # 9
    "    return report, average\n"  # 10
)
FIXED = SOURCE.replace(
    "    average = total / count\n", "    average = total / count if count else 0\n"
)
# the start blitzls writes: the fix is on row 7, so the loop (the statement before) may change
START = "```python\ndef summary(orders):\n    count = 0\n    total = 0\n"
# the model's own answer from there: the loop again, the fix, then the file's rows
GOES_ON = (
    "    for order in orders:\n"
    "        count += 1\n"
    "        total += order.price\n"
    "    average = total / count if count else 0\n"
    "    report = f'{count} orders'\n"
    "    report += f', {total} in all'\n"
) + "    report += '!'\n" * 200  # what it would write after that is never read


OLLAMA_QWEN = "qwen2.5-coder:1.5b"  # Ollama wraps text completions in the chat template


@pytest.fixture(autouse=True)
def serves_qwen(model_server: ScriptedModelServer) -> None:
    if model_server.known_models is not None:
        model_server.known_models.extend([QWEN, OLLAMA_QWEN])


def fix(
    env: dict[str, str], path: Path, *flags: str, model: str = QWEN
) -> subprocess.CompletedProcess[str]:
    return run_blitzls(
        {**env, "BLITZLS_MODEL": model},
        "run",
        "fix",
        str(path),
        "--lines",
        "8",
        "--message",
        "ZeroDivisionError: division by zero",
        "--write",
        "--json",
        *flags,
        timeout=120,
    )


def on_orders(
    env: dict[str, str], server: ScriptedModelServer, folder: Path, *replies: Reply
) -> tuple[subprocess.CompletedProcess[str], Path]:
    path = folder / "orders.py"
    path.write_text(SOURCE, encoding="utf-8")
    server.enqueue(*replies)
    return fix(env, path), path


def test_the_model_goes_on_from_the_start_and_the_stream_ends_back_in_the_file(
    server_env: dict[str, str], model_server: ScriptedModelServer, tmp_path: Path
) -> None:
    done, path = on_orders(
        server_env,
        model_server,
        tmp_path,
        Reply(content=GOES_ON, chunk_chars=12, chunk_delay=0.01),
    )
    assert done.returncode == 0, done.stderr
    assert path.read_text(encoding="utf-8") == FIXED
    (request,) = model_server.completion_requests
    assert not model_server.chat_requests
    prompt = request.body["prompt"]
    assert prompt.startswith("<|im_start|>system\n") and "<|im_start|>user\nFix this" in prompt
    assert "ZeroDivisionError: division by zero" in prompt
    # the docstring is given in words: the start is the code the prompt shows, down to the
    # statement before the one with the fix
    assert prompt.endswith(f"<|im_end|>\n<|im_start|>assistant\n{START}")
    assert "<|im_end|>" in request.body["stop"]
    assert model_server.wait_closed_early(1, 5.0), "the stream was not closed"
    assert last_action(server_env)["started"] is True
    assert json.loads(done.stdout.strip().splitlines()[-1])["changed"] is True


def test_an_endpoint_without_text_completions_is_asked_the_usual_way(
    server_env: dict[str, str], model_server: ScriptedModelServer, tmp_path: Path
) -> None:
    whole = "```python\n" + FIXED + "```\n"
    done, path = on_orders(
        server_env, model_server, tmp_path, Reply(status=404), Reply(content=whole)
    )
    assert done.returncode == 0, done.stderr
    assert path.read_text(encoding="utf-8") == FIXED
    assert [r.path for r in model_server.requests if r.method == "POST"] == [
        "/v1/completions",
        "/v1/chat/completions",
    ]
    assert last_action(server_env)["started"] is False


def test_an_answer_that_does_not_fit_gets_the_repair_round_with_what_was_said(
    server_env: dict[str, str], model_server: ScriptedModelServer, tmp_path: Path
) -> None:
    broken = "    for order in orders:\n        count += (\n```\n"
    whole = "```python\n" + FIXED + "```\n"
    done, path = on_orders(
        server_env, model_server, tmp_path, Reply(content=broken), Reply(content=whole)
    )
    assert done.returncode == 0, done.stderr
    assert path.read_text(encoding="utf-8") == FIXED
    (repair,) = model_server.chat_requests
    said = repair.body["messages"][-2]
    assert said["role"] == "assistant" and said["content"] == START + broken
    assert last_action(server_env)["repaired"] is True


def test_other_models_and_the_setting_off_get_the_chat_request(
    server_env: dict[str, str], model_server: ScriptedModelServer, tmp_path: Path
) -> None:
    path = tmp_path / "orders.py"
    whole = "```python\n" + FIXED + "```\n"
    cases: list[tuple[str, dict[str, str]]] = [
        ("grok-code-fast-1", {}),  # no chat format blitzls knows in the name
        (QWEN, {"BLITZLS_PREFILL_ANSWER": "off"}),
        (QWEN, {"BLITZLS_MODEL_CLASS": "capable"}),
        (OLLAMA_QWEN, {}),
    ]
    for model, extra in cases:
        path.write_text(SOURCE, encoding="utf-8")
        model_server.reset()
        model_server.enqueue(Reply(content=whole))
        done = fix({**server_env, **extra}, path, "--no-cache", model=model)
        assert done.returncode == 0, done.stderr
        assert path.read_text(encoding="utf-8") == FIXED
        assert not model_server.completion_requests, (model, extra)


def test_a_chat_answer_also_ends_once_it_is_back_in_the_file(
    server_env: dict[str, str], model_server: ScriptedModelServer, tmp_path: Path
) -> None:
    whole = "```python\n" + FIXED.replace("    return report, average\n", "") + GOES_ON[-40:]
    done, path = on_orders(
        {**server_env, "BLITZLS_PREFILL_ANSWER": "off"},
        model_server,
        tmp_path,
        Reply(content=whole + "    return 1\n" * 300, chunk_chars=12, chunk_delay=0.01),
    )
    assert done.returncode == 0, done.stderr
    assert path.read_text(encoding="utf-8") == FIXED
    assert model_server.wait_closed_early(1, 5.0), "the stream was not closed"


def test_a_repeat_is_answered_from_the_cache(
    server_env: dict[str, str], model_server: ScriptedModelServer, tmp_path: Path
) -> None:
    first, path = on_orders(server_env, model_server, tmp_path, Reply(content=GOES_ON))
    assert first.returncode == 0, first.stderr
    path.write_text(SOURCE, encoding="utf-8")
    done = fix(server_env, path)
    assert done.returncode == 0, done.stderr
    assert path.read_text(encoding="utf-8") == FIXED
    assert len(model_server.completion_requests) == 1
    assert json.loads(done.stdout.strip().splitlines()[-1])["cache_hit"] is True


def test_an_instruction_comment_in_a_crlf_file_with_emoji(
    server_env: dict[str, str], model_server: ScriptedModelServer, tmp_path: Path
) -> None:
    source = (
        "def greet(names):\r\n"
        "    prefix = 'héllo'\r\n"
        "    lines = []\r\n"
        "    for name in names:\r\n"
        "        # ai! wave at each name 👋\r\n"
        "        lines.append(f'{prefix} {name}')\r\n"
        "    return lines\r\n"
    )
    path = tmp_path / "greet.py"
    path.write_bytes(source.encode("utf-8"))
    model_server.enqueue(
        Reply(
            content="    lines = []\n"
            "    for name in names:\n"
            "        lines.append(f'{prefix} {name} 👋')\n"
            "    return lines\n```\n"
        )
    )
    env = {**server_env, "BLITZLS_MODEL": QWEN}
    done = run_blitzls(env, "run", "instruction", str(path), "--lines", "5", "--write")
    assert done.returncode == 0, done.stderr
    assert path.read_bytes().decode("utf-8") == (
        "def greet(names):\r\n"
        "    prefix = 'héllo'\r\n"
        "    lines = []\r\n"
        "    for name in names:\r\n"
        "        lines.append(f'{prefix} {name} 👋')\r\n"
        "    return lines\r\n"
    )
    (request,) = model_server.completion_requests
    assert request.body["prompt"].endswith(
        "<|im_start|>assistant\n```python\ndef greet(names):\n    prefix = 'héllo'\n"
    )


@pytest.mark.parametrize("preset", ["vscode", "neovim"])
async def test_the_language_server_lands_a_started_answer(
    preset: str, server_env: dict[str, str], model_server: ScriptedModelServer, tmp_path: Path
) -> None:
    source = SOURCE.replace("in all", "in all 👋 é")
    expected = FIXED.replace("in all", "in all 👋 é")
    uri = (tmp_path / "orders.py").as_uri()
    env = {**server_env, "BLITZLS_MODEL": QWEN}
    async with lsp_session(env, capabilities(preset)) as client:
        encoding = str(client.init_result.capabilities.position_encoding or "utf-16")  # type: ignore[attr-defined]
        open_document(client, uri, source)
        diagnostic = types.Diagnostic(
            range=types.Range(
                start=types.Position(line=7, character=14),
                end=types.Position(line=7, character=27),
            ),
            message="ZeroDivisionError: division by zero",
            severity=types.DiagnosticSeverity.Error,
        )
        result = await client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                range=diagnostic.range,
                context=types.CodeActionContext(diagnostics=[diagnostic], only=["quickfix"]),
            )
        )
        (action,) = [a for a in result or [] if isinstance(a, types.CodeAction)]
        model_server.enqueue(Reply(content=GOES_ON.replace("in all", "in all 👋 é")))
        resolved = await client.code_action_resolve_async(action)
        assert resolved.edit is not None, client.messages
        edits, _ = edits_of(resolved.edit, uri)
        assert apply_text_edits(source, edits, encoding) == expected
        assert all(e.range.start.line >= 2 for e in edits)  # nothing above the start moved
    assert len(model_server.completion_requests) == 1 and not model_server.chat_requests
