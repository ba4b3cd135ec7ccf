"""ChatModel against the scripted server over loopback: the real openai client, no mocks."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from blitzls.model.client import OpenAIChatModel as ChatModel
from blitzls.model.errors import EXIT_CODES, ModelError, status_error
from blitzls.model.protocol import Completion, Usage
from tests.support.scripted_model import Reply, ScriptedModelServer, estimate_usage

KEY = "xai-TEST-secret-key-0123456789abcdef"
MESSAGES = [
    {"role": "system", "content": "You write code."},
    {"role": "user", "content": "Convert: print a smiley 😀 and «ünïcödé»"},
]
ROOT = Path(__file__).resolve().parents[2]

MakeModel = Callable[..., ChatModel]


@pytest.fixture
def server() -> Iterator[ScriptedModelServer]:
    with ScriptedModelServer() as running:
        yield running


@pytest.fixture
async def make_model(server: ScriptedModelServer) -> AsyncIterator[MakeModel]:
    made: list[ChatModel] = []

    def make(**overrides: Any) -> ChatModel:
        kwargs: dict[str, Any] = {
            "base_url": server.url,
            "model": "test-model",
            "api_key": KEY,
            "timeout": 5.0,
            "connect_timeout": 2.0,
            "max_retries": 0,
        }
        kwargs.update(overrides)
        model = ChatModel(**kwargs)
        made.append(model)
        return model

    yield make
    for model in made:
        await model.aclose()


def free_port() -> int:
    """A port with nothing listening on it."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# -- successful answers ---------------------------------------------------------------------------


async def test_streams_answer_usage_and_sends_the_request(
    server: ScriptedModelServer, make_model: MakeModel
) -> None:
    content = "def smile() -> str:\n    return '😀'\n"
    server.enqueue(
        Reply(
            content=content,
            reasoning="The user wants a smiley.",
            chunk_chars=5,
            usage={
                "prompt_tokens": 120,
                "completion_tokens": 14,
                "total_tokens": 180,
                "prompt_tokens_details": {"cached_tokens": 96},
                "completion_tokens_details": {"reasoning_tokens": 46},
            },
        )
    )
    model = make_model(headers={"x-grok-conv-id": "conv-42"})
    deltas: list[str] = []

    completion = await model.complete(
        MESSAGES, max_tokens=64, temperature=0.2, on_text=deltas.append
    )

    assert completion.text == content
    assert completion.reasoning == "The user wants a smiley."
    assert "".join(deltas) == content
    assert len(deltas) == -(-len(content) // 5)  # one call per 5-character chunk
    assert completion.usage == Usage(
        prompt_tokens=120, cached_tokens=96, completion_tokens=14, reasoning_tokens=46
    )
    assert completion.model == "test-model"
    assert completion.finish_reason == "stop"
    assert completion.stopped_early is False
    assert completion.first_token_seconds is not None
    assert 0 <= completion.first_token_seconds <= completion.seconds

    (request,) = server.requests
    assert (request.method, request.path) == ("POST", "/v1/chat/completions")
    assert request.body["model"] == "test-model"
    assert request.body["messages"] == MESSAGES
    assert request.body["stream"] is True
    assert request.body["stream_options"] == {"include_usage": True}
    assert request.body["max_tokens"] == 64
    assert request.body["temperature"] == 0.2
    assert request.headers["authorization"] == f"Bearer {KEY}"
    assert request.headers["x-grok-conv-id"] == "conv-42"
    assert request.completed and not request.closed_early


async def test_optional_parameters_are_left_out(
    server: ScriptedModelServer, make_model: MakeModel
) -> None:
    server.enqueue(Reply(content="ok"))
    await make_model().complete(MESSAGES)
    body = server.requests[0].body
    assert "max_tokens" not in body and "temperature" not in body


async def test_estimated_usage_reaches_the_client(
    server: ScriptedModelServer, make_model: MakeModel
) -> None:
    reply = Reply(content="x = 1\n" * 10, reasoning="r" * 41)
    server.enqueue(reply)
    completion = await make_model().complete(MESSAGES)
    expected = estimate_usage({"messages": MESSAGES}, reply)
    assert completion.usage.prompt_tokens == expected["prompt_tokens"] > 0
    assert completion.usage.completion_tokens == len(reply.content) // 4
    assert completion.usage.reasoning_tokens == 10
    assert completion.usage.cached_tokens == 0


@pytest.mark.parametrize("field", ["reasoning_content", "reasoning"])
async def test_reasoning_in_either_field(
    server: ScriptedModelServer, make_model: MakeModel, field: str
) -> None:
    server.enqueue(Reply(content="answer", reasoning="step one; step two", reasoning_field=field))
    seen: list[str] = []
    completion = await make_model().complete(MESSAGES, on_text=seen.append)
    assert completion.reasoning == "step one; step two"
    assert completion.text == "answer"
    assert "".join(seen) == "answer"  # reasoning is not passed to on_text


async def test_reasoning_only_answer_is_returned(
    server: ScriptedModelServer, make_model: MakeModel
) -> None:
    server.enqueue(Reply(content="", reasoning="thought it over"))
    completion = await make_model().complete(MESSAGES)
    assert (completion.text, completion.reasoning) == ("", "thought it over")
    assert completion.finish_reason == "stop"


async def test_an_answer_cut_at_the_output_limit_is_an_error(
    server: ScriptedModelServer, make_model: MakeModel
) -> None:
    server.enqueue(Reply(content="```python\ndef f():\n    ret", finish_reason="length"))
    with pytest.raises(ModelError) as caught:
        await make_model().complete(MESSAGES)
    assert caught.value.kind == "cut_off" and caught.value.exit_code == 15
    assert "output limit" in str(caught.value) and "maxTokens" in str(caught.value)


async def test_time_to_first_token_and_pacing(
    server: ScriptedModelServer, make_model: MakeModel
) -> None:
    # 80 characters = 20 tokens at 100 tokens/s, in 10 chunks: ~0.18 s after the first token.
    server.enqueue(Reply(content="a" * 80, first_token_delay=0.2, tokens_per_second=100))
    completion = await make_model().complete(MESSAGES)
    assert completion.first_token_seconds is not None
    assert completion.first_token_seconds >= 0.2
    assert completion.seconds - completion.first_token_seconds >= 0.15


async def test_sdk_retries_follow_max_retries(
    server: ScriptedModelServer, make_model: MakeModel
) -> None:
    server.enqueue(Reply(status=503, headers={"retry-after-ms": "10"}), Reply(content="second"))
    completion = await make_model(max_retries=1).complete(MESSAGES)
    assert completion.text == "second"
    assert server.request_count == 2


async def test_auth_errors_are_not_retried(
    server: ScriptedModelServer, make_model: MakeModel
) -> None:
    server.enqueue(Reply(status=401), Reply(content="never sent"))
    with pytest.raises(ModelError) as caught:
        await make_model(max_retries=2).complete(MESSAGES)
    assert caught.value.kind == "auth"
    assert server.request_count == 1


# -- stopping early and cancelling ----------------------------------------------------------------


async def test_on_text_true_closes_the_stream(
    server: ScriptedModelServer, make_model: MakeModel
) -> None:
    server.enqueue(Reply(content="x" * 400, chunk_delay=0.02))  # ~1 s if read to the end
    seen: list[str] = []

    def on_text(delta: str) -> bool:
        seen.append(delta)
        return len(seen) == 2

    completion = await make_model().complete(MESSAGES, on_text=on_text)

    assert completion.stopped_early is True
    assert completion.text == "x" * 16
    assert completion.finish_reason is None
    assert completion.seconds < 0.5
    assert server.wait_closed_early(1, timeout=1.0)
    assert server.requests[0].closed_early and not server.requests[0].completed


async def test_on_text_exception_propagates_and_closes_the_stream(
    server: ScriptedModelServer, make_model: MakeModel
) -> None:
    server.enqueue(Reply(content="z" * 400, chunk_delay=0.02))

    def on_text(delta: str) -> None:
        raise LookupError("caller bug")

    with pytest.raises(LookupError, match="caller bug"):
        await make_model().complete(MESSAGES, on_text=on_text)
    assert server.wait_closed_early(1, timeout=1.0)


async def test_cancel_mid_stream_closes_the_connection(
    server: ScriptedModelServer, make_model: MakeModel
) -> None:
    server.enqueue(Reply(content="y" * 400, chunk_delay=0.05))
    first = asyncio.Event()
    task = asyncio.create_task(make_model().complete(MESSAGES, on_text=lambda d: first.set()))
    await asyncio.wait_for(first.wait(), 5)

    cancelled_at = time.monotonic()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task

    assert server.wait_closed_early(1, timeout=0.5)
    closed_at = server.requests[0].closed_at
    assert closed_at is not None and closed_at - cancelled_at < 0.5


async def test_cancel_while_waiting_for_the_reply(
    server: ScriptedModelServer, make_model: MakeModel
) -> None:
    server.enqueue(Reply(hang=True))
    task = asyncio.create_task(make_model().complete(MESSAGES))
    assert await asyncio.to_thread(server.wait_for_requests, 1, 5.0)
    await asyncio.sleep(0.05)
    cancelled_at = time.monotonic()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert server.wait_closed_early(1, timeout=0.5)
    closed_at = server.requests[0].closed_at
    assert closed_at is not None and closed_at - cancelled_at < 0.5


# -- failures -------------------------------------------------------------------------------------

XAI_AUTH_BODY = json.dumps(
    {"code": "Client specified an invalid argument", "error": f"Incorrect API key: {KEY}"}
)


@pytest.mark.parametrize(
    ("reply", "kind", "needle"),
    [
        pytest.param(
            Reply(status=401, error_body=XAI_AUTH_BODY),
            "auth",
            "rejected the API key (401)",
            id="401",
        ),
        pytest.param(Reply(status=403), "auth", "(403)", id="403"),
        pytest.param(
            Reply(status=429, headers={"Retry-After": "7"}), "rate_limit", "retry in 7 s", id="429"
        ),
        pytest.param(Reply(status=500, error_body="boom"), "server", "(500): boom", id="500"),
        pytest.param(
            Reply(status=502, error_body="<html><body>Bad gateway</body></html>"),
            "server",
            "server error (502)",
            id="502-html",
        ),
        pytest.param(
            Reply(status=400, error_body='{"error": {"message": "max_tokens is too large"}}'),
            "server",
            "rejected the request (400): max_tokens is too large",
            id="400",
        ),
        pytest.param(
            Reply(content="partial answer " * 4, stream_error={"message": f"upstream {KEY} died"}),
            "server",
            "error mid-answer: upstream *** died",
            id="error-event",
        ),
        pytest.param(
            Reply(content="partial answer " * 4, cut_after_chunks=2),
            "connection",
            "broke mid-answer",
            id="cut",
        ),
        pytest.param(Reply(content=""), "empty", "empty answer", id="empty"),
        pytest.param(
            Reply(error_body="<html>Welcome to nginx!</html>"),
            "bad_response",
            "did not answer with an event stream",
            id="html-200",
        ),
        pytest.param(
            Reply(raw_events=["this is not json"]), "bad_response", "not valid JSON", id="sse-text"
        ),
        pytest.param(
            Reply(raw_events=['{"unexpected": true}']),
            "bad_response",
            "not a completion chunk",
            id="sse-shape",
        ),
    ],
)
async def test_errors_map_to_model_error_kinds(
    server: ScriptedModelServer, make_model: MakeModel, reply: Reply, kind: str, needle: str
) -> None:
    server.enqueue(reply)
    with pytest.raises(ModelError) as caught:
        await make_model().complete(MESSAGES)
    error = caught.value
    assert error.kind == kind
    assert needle in str(error)
    assert str(error) == error.message and "\n" not in error.message
    assert error.exit_code == EXIT_CODES[kind]
    assert server.url.split("//")[1].split("/")[0] in error.message  # names the endpoint
    assert KEY not in error.message and KEY not in repr(error)


async def test_rate_limit_carries_retry_after(
    server: ScriptedModelServer, make_model: MakeModel
) -> None:
    server.enqueue(Reply(status=429, headers={"Retry-After": "12"}))
    with pytest.raises(ModelError) as caught:
        await make_model().complete(MESSAGES)
    assert (caught.value.status, caught.value.retry_after) == (429, 12.0)


async def test_unknown_model_is_not_found(make_model: MakeModel) -> None:
    with pytest.raises(ModelError) as caught:
        await make_model(model="grok-9-imaginary").complete(MESSAGES)
    assert caught.value.kind == "not_found"
    assert "model 'grok-9-imaginary' not found" in str(caught.value)
    assert "BLITZLS_MODEL" in str(caught.value)


async def test_wrong_path_is_not_found(server: ScriptedModelServer, make_model: MakeModel) -> None:
    with pytest.raises(ModelError) as caught:
        await make_model(base_url=server.url.removesuffix("/v1")).complete(MESSAGES)
    assert caught.value.kind == "not_found"
    assert "BLITZLS_BASE_URL" in str(caught.value)


async def test_connection_refused(make_model: MakeModel) -> None:
    url = f"http://127.0.0.1:{free_port()}/v1"
    with pytest.raises(ModelError) as caught:
        await make_model(base_url=url).complete(MESSAGES)
    assert caught.value.kind == "connection"
    assert str(caught.value) == f"cannot reach {url} — is the server running? (connection refused)"


async def test_no_reply_within_timeout(server: ScriptedModelServer, make_model: MakeModel) -> None:
    server.enqueue(Reply(hang=True))
    started = time.monotonic()
    with pytest.raises(ModelError) as caught:
        await make_model(timeout=0.3).complete(MESSAGES)
    assert caught.value.kind == "timeout"
    assert "within 0.3 s" in str(caught.value)
    assert time.monotonic() - started < 2.0
    assert server.wait_closed_early(1, timeout=1.0)  # the client hung up


async def test_stalled_stream_times_out_between_chunks(
    server: ScriptedModelServer, make_model: MakeModel
) -> None:
    server.enqueue(Reply(content="a" * 40, chunk_delay=1.0))
    received: list[str] = []
    with pytest.raises(ModelError) as caught:
        await make_model(timeout=0.3).complete(MESSAGES, on_text=received.append)
    assert caught.value.kind == "timeout"
    assert received == ["a" * 8]  # the first chunk came, the second was too slow


async def test_missing_key_is_a_config_error_without_a_request(
    server: ScriptedModelServer, make_model: MakeModel
) -> None:
    with pytest.raises(ModelError) as caught:
        await make_model(api_key="").complete(MESSAGES)
    assert caught.value.kind == "config"
    assert caught.value.exit_code == 3
    assert server.request_count == 0


def test_xai_auth_message_names_the_key_variables() -> None:
    error = status_error(401, base_url="https://api.x.ai/v1", model="m", api_key=KEY)
    assert str(error) == ("xAI rejected the API key (401) — check BLITZLS_API_KEY / XAI_API_KEY")


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/v1", "127.0.0.1:8000/v1", ""])
async def test_bad_base_url_is_a_config_error(make_model: MakeModel, url: str) -> None:
    with pytest.raises(ModelError) as caught:
        await make_model(base_url=url).complete(MESSAGES)
    assert caught.value.kind == "config"
    assert "BLITZLS_BASE_URL" in str(caught.value)


# -- environment and lifecycle --------------------------------------------------------------------


async def test_openai_environment_variables_are_ignored(
    server: ScriptedModelServer, make_model: MakeModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", f"http://127.0.0.1:{free_port()}/v1")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-openai-env")
    monkeypatch.setenv("OPENAI_ORG_ID", "org-env")
    monkeypatch.setenv("OPENAI_PROJECT_ID", "proj-env")
    monkeypatch.setenv("OPENAI_CUSTOM_HEADERS", "Authorization: Bearer sk-env\nX-From-Env: 1")
    server.enqueue(Reply(content="ok"))

    assert (await make_model().complete(MESSAGES)).text == "ok"

    headers = server.requests[0].headers
    assert headers["authorization"] == f"Bearer {KEY}"
    for name in ("openai-organization", "openai-project", "x-from-env"):
        assert name not in headers


async def test_warm_up_in_a_thread_then_reuse(
    server: ScriptedModelServer, make_model: MakeModel
) -> None:
    model = make_model()
    threads = [threading.Thread(target=model.warm_up) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    server.enqueue(Reply(content="one"), Reply(content="two"))
    assert (await model.complete(MESSAGES)).text == "one"
    await model.aclose()
    assert (await model.complete(MESSAGES)).text == "two"  # usable again after aclose


def test_constructing_does_not_import_openai() -> None:
    code = (
        "import sys\n"
        "from blitzls.model.client import OpenAIChatModel\n"
        "m = OpenAIChatModel(base_url='http://127.0.0.1:9/v1', model='m', api_key='k')\n"
        "assert repr(m) == \"OpenAIChatModel(base_url='http://127.0.0.1:9/v1', model='m')\"\n"
        "assert 'openai' not in sys.modules, 'openai imported'\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT / "server")}
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr


# -- value types ----------------------------------------------------------------------------------


def test_usage_as_a_dict() -> None:
    usage = Usage(prompt_tokens=10, cached_tokens=4, completion_tokens=3, reasoning_tokens=7)
    assert usage.to_dict() == {
        "prompt_tokens": 10,
        "cached_tokens": 4,
        "completion_tokens": 3,
        "reasoning_tokens": 7,
    }


def test_model_error_kinds_and_exit_codes() -> None:
    error = ModelError("rate_limit", "slow down", status=429, retry_after=3.0)
    assert str(error) == "slow down" and error.exit_code == 6
    assert [EXIT_CODES[k] for k in ("config", "empty", "cancelled")] == [3, 11, 130]
    with pytest.raises(ValueError):
        ModelError("nonsense", "x")


def test_completion_is_a_plain_record() -> None:
    completion = Completion("t", "r", Usage(), "m", "stop", 1.0, 0.5, False)
    assert completion.text == "t" and completion.usage == Usage()


# -- the scripted server itself -------------------------------------------------------------------


def _post(url: str, body: dict[str, Any]) -> tuple[int, str, bytes]:
    request = urllib.request.Request(
        url + "/chat/completions",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        return response.status, response.headers["Content-Type"], response.read()


def test_server_streams_openai_chunks(server: ScriptedModelServer) -> None:
    server.enqueue(Reply(content="hello world", reasoning="hm", chunk_chars=6))
    status, content_type, raw = _post(
        server.url,
        {
            "model": "grok-code-fast-1",
            "messages": MESSAGES,
            "stream": True,
            "stream_options": {"include_usage": True},
        },
    )
    assert status == 200 and content_type.startswith("text/event-stream")
    events = [e.removeprefix("data: ") for e in raw.decode().split("\n\n") if e]
    assert events[-1] == "[DONE]"
    chunks = [json.loads(e) for e in events[:-1]]
    assert all(c["object"] == "chat.completion.chunk" for c in chunks)
    assert all(c["model"] == "grok-code-fast-1" and c["id"] == chunks[0]["id"] for c in chunks)
    deltas = [c["choices"][0]["delta"] for c in chunks if c["choices"]]
    assert deltas[0] == {"role": "assistant", "content": ""}
    assert {} in deltas  # xAI-style empty deltas
    assert "".join(d.get("reasoning_content", "") for d in deltas) == "hm"
    assert [d["content"] for d in deltas if d.get("content")] == ["hello ", "world"]
    finishes = [c["choices"][0]["finish_reason"] for c in chunks if c["choices"]]
    assert finishes[-1] == "stop" and set(finishes[:-1]) == {None}
    assert chunks[-1]["choices"] == [] and chunks[-1]["usage"]["completion_tokens"] == 2


def test_server_answers_without_streaming_and_lists_models(server: ScriptedModelServer) -> None:
    server.responder = lambda body: Reply(content=f"{len(body['messages'])} messages")
    status, _, raw = _post(server.url, {"model": "test-model", "messages": MESSAGES})
    answer = json.loads(raw)
    assert status == 200 and answer["object"] == "chat.completion"
    assert answer["choices"][0]["message"] == {"role": "assistant", "content": "2 messages"}
    assert (
        answer["usage"]["prompt_tokens"]
        == estimate_usage({"messages": MESSAGES}, Reply())["prompt_tokens"]
    )
    with urllib.request.urlopen(server.url + "/models", timeout=5) as response:
        names = [m["id"] for m in json.loads(response.read())["data"]]
    assert names == ["grok-code-fast-1", "test-model"]
    assert [r.method for r in server.requests] == ["POST", "GET"]
    server.reset()
    assert server.request_count == 0


def test_server_cli_prints_its_url_and_serves() -> None:
    command = [sys.executable, "-m", "tests.support.scripted_model", "--port", "0", "--tps", "1000"]
    with subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True) as process:
        try:
            assert process.stdout is not None
            url = process.stdout.readline().strip()
            assert url.startswith("http://127.0.0.1:") and url.endswith("/v1")
            _, _, raw = _post(url, {"model": "anything", "messages": MESSAGES})
            assert "```python" in json.loads(raw)["choices"][0]["message"]["content"]
        finally:
            process.terminate()
            assert process.wait(timeout=10) == 0
