"""The scripted server answers legacy text completions (``POST /v1/completions``) too, in the
shape the real ``openai`` client reads: ``prompt`` in, ``choices[].text`` out."""

from __future__ import annotations

import time
from collections.abc import Iterator

import openai
import pytest

from tests.support.scripted_model import Reply, ScriptedModelServer, estimate_usage

PROMPT = "def add(a, b):\n    "
CONTENT = "return a + b\n"


@pytest.fixture
def server() -> Iterator[ScriptedModelServer]:
    with ScriptedModelServer() as running:
        yield running


def client(server: ScriptedModelServer) -> openai.OpenAI:
    return openai.OpenAI(base_url=server.url, api_key="x", max_retries=0, timeout=5.0)


def test_a_streamed_text_completion_sends_the_scripted_text_then_usage(
    server: ScriptedModelServer,
) -> None:
    # reasoning has no field in a text completion: it is not sent, and only content is counted
    server.enqueue(Reply(content=CONTENT, reasoning="thinking", chunk_chars=3))
    stream = client(server).completions.create(
        model="test-model",
        prompt=PROMPT,
        suffix="\n",
        max_tokens=16,
        stream=True,
        stream_options={"include_usage": True},
    )
    chunks = list(stream)
    pieces = [c.choices[0].text for c in chunks if c.choices]
    finishes = [c.choices[0].finish_reason for c in chunks if c.choices]
    assert "".join(pieces) == CONTENT
    assert len(pieces) == len(range(0, len(CONTENT), 3)) + 1  # then an empty, finishing one
    assert finishes[-1] == "stop" and not any(finishes[:-1])
    assert {c.object for c in chunks} == {"text_completion"}
    assert all(c.id.startswith("cmpl-scripted-") for c in chunks)
    usage = chunks[-1].usage
    assert not chunks[-1].choices and usage is not None
    assert usage.prompt_tokens == len(PROMPT) // 4
    assert usage.completion_tokens == len(CONTENT) // 4
    assert usage.total_tokens == usage.prompt_tokens + usage.completion_tokens

    (request,) = server.requests
    assert request.method == "POST" and request.path == "/v1/completions"
    assert request.body["prompt"] == PROMPT and request.body["suffix"] == "\n"
    # the server marks the response complete after its last byte, which the client may
    # already have read
    deadline = time.monotonic() + 5.0
    while not request.completed and time.monotonic() < deadline:
        time.sleep(0.01)
    assert request.completed
    assert server.completion_requests == [request] and server.chat_requests == []


def test_a_whole_text_completion_has_the_text_in_its_choice(
    server: ScriptedModelServer,
) -> None:
    server.enqueue(Reply(content=CONTENT, finish_reason="length"))
    completion = client(server).completions.create(model="test-model", prompt=PROMPT)
    assert completion.object == "text_completion"
    (choice,) = completion.choices
    assert (choice.index, choice.text, choice.finish_reason) == (0, CONTENT, "length")
    assert completion.usage is not None
    assert completion.usage.prompt_tokens == len(PROMPT) // 4
    assert server.completion_requests[0].body["prompt"] == PROMPT


def test_text_completions_echo_the_prompt_and_check_the_model(
    server: ScriptedModelServer,
) -> None:
    completion = client(server).completions.create(model="test-model", prompt="x = ")
    assert completion.choices[0].text == "echo: x = "
    with pytest.raises(openai.NotFoundError):
        client(server).completions.create(model="no-such-model", prompt="x = ")
    server.enqueue(Reply(status=429))
    with pytest.raises(openai.RateLimitError):
        client(server).completions.create(model="test-model", prompt="x = ", stream=True)
    assert [r.path for r in server.requests] == ["/v1/completions"] * 3


def test_usage_counts_a_prompt_when_there_are_no_messages() -> None:
    reply = Reply(content="abcd" * 3)
    assert estimate_usage({"prompt": "p" * 40}, reply)["prompt_tokens"] == 10
    assert estimate_usage({"messages": [{"content": "m" * 8}]}, reply)["prompt_tokens"] == 2
