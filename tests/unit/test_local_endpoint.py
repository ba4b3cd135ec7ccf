"""The local endpoint's wire format, waiting, locking and cancellation, with a stand-in model.

The stand-in (``FakeBackend``) replaces llama.cpp only; HTTP, SSE framing, the lock and the
cancellation path are the real ones. The real model is exercised in tests/e2e/test_local_model.py.
"""

from __future__ import annotations

import http.client
import importlib.machinery
import importlib.util
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import blitzls.local as local
from blitzls.local import endpoint as endpoint_module
from blitzls.local.endpoint import LocalEndpoint
from blitzls.local.generation import (
    Generation,
    Prepared,
    StopScanner,
    TextSink,
    answer_budget,
    common_prefix,
    context_problem,
    loop_problem,
    repeating_period,
)
from blitzls.local.protocol import ChatRequest, RequestProblem, Usage, parse_chat_request

PIECES = ["def ", "f(x):\n", "    return ", "x * 2  # é😀", "\n"]
MODEL = "fake-model"


class FakeBackend:
    """Hands out scripted text pieces like a model would, recording what happened."""

    n_ctx = 64

    def __init__(
        self,
        pieces: list[str] | None = None,
        *,
        delay: float = 0.0,
        prompt_tokens: int = 9,
        fail_after: int | None = None,
    ) -> None:
        self.pieces = PIECES if pieces is None else pieces
        self.delay = delay
        self.prompt_tokens = prompt_tokens
        self.fail_after = fail_after
        self.requests: list[ChatRequest] = []
        self.sent = 0  # pieces handed to the sink, over all generations
        self.cancelled = threading.Event()
        self.running = 0
        self.most_running = 0
        self._count = threading.Lock()

    def prepare(self, request: ChatRequest) -> Prepared:
        self.requests.append(request)
        budget = answer_budget(self.prompt_tokens, self.n_ctx, request.max_tokens)
        return Prepared(
            tokens=list(range(self.prompt_tokens)),
            max_tokens=budget,
            stops=request.stop,
            temperature=request.temperature,
            top_p=request.top_p,
            seed=request.seed,
        )

    def generate(self, prepared: Prepared, sink: TextSink) -> Generation:
        with self._count:
            self.running += 1
            self.most_running = max(self.most_running, self.running)
        try:
            return self._generate(prepared, sink)
        finally:
            with self._count:
                self.running -= 1

    def _generate(self, prepared: Prepared, sink: TextSink) -> Generation:
        produced = 0
        for piece in self.pieces[: prepared.max_tokens]:
            if self.fail_after is not None and produced == self.fail_after:
                raise loop_problem(produced, 3)
            time.sleep(self.delay)
            if not sink(piece):
                self.cancelled.set()
                return Generation(None, Usage(self.prompt_tokens, produced))
            produced += 1
            self.sent += 1
        finish = "length" if produced < len(self.pieces) else "stop"
        return Generation(finish, Usage(self.prompt_tokens, produced, cached_tokens=4))


@pytest.fixture
def start() -> Iterator[Callable[..., tuple[LocalEndpoint, str]]]:
    """Start endpoints around given backends; stop them all afterwards."""
    started: list[LocalEndpoint] = []

    def run(factory: Callable[[], Any]) -> tuple[LocalEndpoint, str]:
        endpoint = LocalEndpoint(Path("fake.gguf"), model_name=MODEL, backend_factory=factory)
        url = endpoint.start()
        started.append(endpoint)
        return endpoint, url

    yield run
    for endpoint in started:
        endpoint.stop(timeout=5)


def body(**fields: Any) -> dict[str, Any]:
    return {"model": MODEL, "messages": [{"role": "user", "content": "hi"}], **fields}


def post(url: str, payload: Any, *, raw: bytes | None = None) -> tuple[int, dict[str, str], bytes]:
    host, port = url.split("//")[1].split("/")[0].split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=20)
    data = raw if raw is not None else json.dumps(payload).encode()
    connection.request("POST", "/v1/chat/completions", data, {"Content-Type": "application/json"})
    response = connection.getresponse()
    content = response.read()
    headers = {k.lower(): v for k, v in response.getheaders()}
    connection.close()
    return response.status, headers, content


def get(url: str, path: str) -> tuple[int, Any]:
    host, port = url.split("//")[1].split("/")[0].split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=20)
    connection.request("GET", path)
    response = connection.getresponse()
    payload = json.loads(response.read())
    connection.close()
    return response.status, payload


def events(content: bytes) -> list[Any]:
    """The ``data:`` payloads of an SSE body, JSON-decoded except [DONE]."""
    result: list[Any] = []
    for block in content.decode("utf-8").split("\n\n"):
        for line in block.split("\n"):
            if line.startswith("data: "):
                data = line[len("data: ") :]
                result.append(data if data == "[DONE]" else json.loads(data))
    return result


# -- streaming and whole replies --------------------------------------------------------------


def test_stream_has_openai_chunk_shape_usage_and_done(start: Any) -> None:
    fake = FakeBackend()
    _, url = start(lambda: fake)
    status, headers, content = post(
        url, body(stream=True, stream_options={"include_usage": True}, max_tokens=50)
    )
    assert status == 200
    assert headers["content-type"].startswith("text/event-stream")
    found = events(content)
    assert found[-1] == "[DONE]"
    chunks = found[:-1]
    assert {c["id"] for c in chunks} == {chunks[0]["id"]} and chunks[0]["id"].startswith(
        "chatcmpl-"
    )
    assert all(c["object"] == "chat.completion.chunk" and c["model"] == MODEL for c in chunks)
    assert chunks[0]["choices"][0]["delta"] == {"role": "assistant", "content": ""}
    text = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks if c["choices"])
    assert text == "".join(PIECES)
    final = chunks[-2]["choices"][0]
    assert final["finish_reason"] == "stop" and final["delta"] == {}
    assert all(c["usage"] is None for c in chunks[:-1])
    assert chunks[-1]["choices"] == []
    assert chunks[-1]["usage"] == {
        "prompt_tokens": 9,
        "completion_tokens": len(PIECES),
        "total_tokens": 9 + len(PIECES),
        "prompt_tokens_details": {"cached_tokens": 4},
        "completion_tokens_details": {"reasoning_tokens": 0},
    }


def test_stream_without_include_usage_has_no_usage_fields(start: Any) -> None:
    _, url = start(FakeBackend)
    _, _, content = post(url, body(stream=True))
    chunks = [e for e in events(content) if e != "[DONE]"]
    assert all("usage" not in c for c in chunks)
    assert all(c["choices"] for c in chunks)


def test_whole_reply_is_one_chat_completion(start: Any) -> None:
    fake = FakeBackend()
    _, url = start(lambda: fake)
    status, headers, content = post(url, body(max_tokens=2, stop=["END"]))
    assert status == 200 and headers["content-type"] == "application/json"
    reply = json.loads(content)
    assert reply["object"] == "chat.completion" and reply["model"] == MODEL
    assert reply["choices"][0]["message"] == {
        "role": "assistant",
        "content": "def f(x):\n",
        "refusal": None,
    }
    assert reply["choices"][0]["finish_reason"] == "length"
    assert reply["usage"]["completion_tokens"] == 2
    assert fake.requests[0].stop == ("END",)
    assert fake.requests[0].temperature == 0.0  # deterministic unless asked otherwise


def test_real_openai_client_reads_the_stream(start: Any) -> None:
    import openai

    _, url = start(FakeBackend)
    client = openai.OpenAI(base_url=url, api_key="blitzls-local", max_retries=0)
    stream = client.chat.completions.create(
        model=MODEL,
        messages=[{"role": "user", "content": "hi"}],
        stream=True,
        stream_options={"include_usage": True},
    )
    text, usage, finish = "", None, None
    for chunk in stream:
        for choice in chunk.choices:
            text += choice.delta.content or ""
            finish = choice.finish_reason or finish
        usage = chunk.usage or usage
    assert text == "".join(PIECES)
    assert finish == "stop"
    assert usage is not None and usage.completion_tokens == len(PIECES)
    models = client.models.list()
    assert [m.id for m in models.data] == [MODEL]
    client.close()


def test_models_and_health(start: Any) -> None:
    _, url = start(FakeBackend)
    status, models = get(url, "/v1/models")
    assert status == 200 and models["object"] == "list"
    assert [m["id"] for m in models["data"]] == [MODEL]
    assert get(url, f"/v1/models/{MODEL}")[1]["id"] == MODEL
    missing_status, missing = get(url, "/v1/models/other")
    assert missing_status == 404 and missing["error"]["code"] == "model_not_found"
    # health reports the load; the fake loads at once
    deadline = time.monotonic() + 5
    while get(url, "/health")[0] != 200 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert get(url, "/health") == (200, {"status": "ok", "model": MODEL})


# -- errors -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "param"),
    [
        (b"{not json", None),
        (b"[]", None),
        (json.dumps({"messages": []}).encode(), "messages"),
        (json.dumps(body(n=2)).encode(), "n"),
        (json.dumps(body(temperature=3)).encode(), "temperature"),
        (json.dumps(body(max_tokens=0)).encode(), "max_tokens"),
        (json.dumps(body(stop=["a", "b", "c", "d", "e"])).encode(), "stop"),
        (json.dumps({"messages": [{"role": "tool", "content": "x"}]}).encode(), "messages[0].role"),
    ],
)
def test_bad_requests_get_openai_error_objects(start: Any, raw: bytes, param: str | None) -> None:
    _, url = start(FakeBackend)
    status, headers, content = post(url, None, raw=raw)
    assert status == 400 and headers["content-type"] == "application/json"
    error = json.loads(content)["error"]
    assert error["type"] == "invalid_request_error" and error["param"] == param
    assert error["message"]


def test_unknown_route_and_method(start: Any) -> None:
    _, url = start(FakeBackend)
    status, payload = get(url, "/v1/nothing")
    assert status == 404 and payload["error"]["code"] == "not_found"
    host, port = url.split("//")[1].split("/")[0].split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    connection.request("DELETE", "/v1/models")
    response = connection.getresponse()
    assert response.status == 405 and json.loads(response.read())["error"]["message"]
    connection.close()


def test_missing_content_length_is_refused(start: Any) -> None:
    _, url = start(FakeBackend)
    host, port = url.split("//")[1].split("/")[0].split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n\r\n")
        reply = b""
        while chunk := sock.recv(65536):  # the server closes the connection after answering
            reply += chunk
    assert reply.startswith(b"HTTP/1.1 411")
    assert b'"length_required"' in reply


def test_prompt_too_long_is_a_400_with_the_openai_code(start: Any) -> None:
    _, url = start(lambda: FakeBackend(prompt_tokens=64))
    status, _, content = post(url, body(stream=True))
    assert status == 400
    error = json.loads(content)["error"]
    assert error["code"] == "context_length_exceeded" and "64 tokens" in error["message"]


def test_error_in_the_middle_of_a_stream_is_an_error_event(start: Any) -> None:
    _, url = start(lambda: FakeBackend(fail_after=2))
    status, _, content = post(url, body(stream=True))
    assert status == 200
    found = events(content)
    assert "[DONE]" not in found
    text = "".join(e["choices"][0]["delta"].get("content", "") for e in found if e.get("choices"))
    assert text == "".join(PIECES[:2])
    assert found[-1]["error"]["code"] == "repetition_loop"


def test_openai_client_raises_on_a_stream_error(start: Any) -> None:
    import openai

    _, url = start(lambda: FakeBackend(fail_after=1))
    client = openai.OpenAI(base_url=url, api_key="blitzls-local", max_retries=0)
    with pytest.raises(openai.APIError, match="stuck repeating"):
        for _ in client.chat.completions.create(
            model=MODEL, messages=[{"role": "user", "content": "hi"}], stream=True
        ):
            pass
    client.close()


def test_a_model_that_fails_to_load_gives_503(start: Any) -> None:
    def broken() -> FakeBackend:
        raise RuntimeError("bad magic in model file")

    endpoint, url = start(broken)
    status, _, content = post(url, body())
    assert status == 503
    error = json.loads(content)["error"]
    assert error["code"] == "model_not_loaded" and "bad magic" in error["message"]
    assert get(url, "/health")[0] == 500
    assert endpoint.load_error is not None


# -- waiting, locking, cancelling -------------------------------------------------------------


def test_requests_wait_for_the_model_and_streams_get_keep_alives(
    start: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(endpoint_module, "KEEP_ALIVE_SECONDS", 0.2)
    release = threading.Event()

    def slow_load() -> FakeBackend:
        release.wait(10)
        return FakeBackend()

    endpoint, url = start(slow_load)
    assert not endpoint.loaded.is_set()
    assert get(url, "/health") == (503, {"status": "loading"})
    threading.Timer(1.0, release.set).start()
    started = time.monotonic()
    status, _, content = post(url, body(stream=True))
    assert status == 200 and time.monotonic() - started >= 0.9
    text = content.decode("utf-8")
    assert text.startswith(": waiting\n\n")  # sent before any data, while the model loaded
    assert events(content)[-1] == "[DONE]"


def test_one_generation_at_a_time(start: Any) -> None:
    fake = FakeBackend(delay=0.05)
    _, url = start(lambda: fake)
    results: list[int] = []

    def one() -> None:
        results.append(post(url, body())[0])

    threads = [threading.Thread(target=one) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert results == [200, 200, 200]
    assert fake.most_running == 1
    assert fake.sent == 3 * len(PIECES)


def test_closing_the_connection_stops_the_generation(start: Any) -> None:
    pieces = [f"line {i}\n" for i in range(400)]
    fake = FakeBackend(pieces, delay=0.02)  # 8 s if nobody stops it
    endpoint, url = start(lambda: fake)
    host, port = url.split("//")[1].split("/")[0].split(":")
    payload = json.dumps(body(stream=True)).encode()
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(
            b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json"
            b"\r\nContent-Length: %d\r\n\r\n%s" % (len(payload), payload)
        )
        received = b""
        while b"line 2" not in received:
            received += sock.recv(4096)
    assert fake.cancelled.wait(5)
    assert fake.sent < 100
    # the lock is free again: the next request is answered at once
    fake.pieces = PIECES
    fake.delay = 0.0
    assert post(url, body())[0] == 200
    assert endpoint.generation_lock.acquire(timeout=1)
    endpoint.generation_lock.release()


def test_stop_cancels_a_running_generation(start: Any) -> None:
    fake = FakeBackend([f"{i} " for i in range(1000)], delay=0.01)
    endpoint, url = start(lambda: fake)
    outcome: list[int] = []
    thread = threading.Thread(target=lambda: outcome.append(post(url, body())[0]))
    thread.start()
    deadline = time.monotonic() + 5
    while fake.sent < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    endpoint.stop(timeout=5)
    assert fake.cancelled.is_set()
    thread.join(10)
    assert outcome == [503]  # told why, not just disconnected
    assert fake.sent < 1000


# -- pure parts ---------------------------------------------------------------------------------


def test_request_parsing_defaults_and_fields() -> None:
    request = parse_chat_request(
        json.dumps(
            {
                "model": "m",
                "messages": [
                    {"role": "developer", "content": "rules"},
                    {
                        "role": "user",
                        "content": [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}],
                    },
                    {"role": "assistant", "content": None},
                ],
                "max_completion_tokens": 7,
                "stop": "##",
                "stream": True,
                "stream_options": {"include_usage": True},
            }
        ).encode()
    )
    assert [dict(m) for m in request.messages] == [
        {"role": "system", "content": "rules"},
        {"role": "user", "content": "ab"},
        {"role": "assistant", "content": ""},
    ]
    assert request.max_tokens == 7 and request.stop == ("##",)
    assert request.stream and request.include_usage
    assert request.temperature == 0.0 and request.seed is None
    with pytest.raises(RequestProblem) as problem:
        parse_chat_request(json.dumps(body(messages=[{"role": "user", "content": 3}])).encode())
    assert problem.value.param == "messages[0].content"


@pytest.mark.parametrize(
    ("pieces", "stops", "expected"),
    [
        (["ab", "c<", "|end", "|>tail"], ["<|end|>"], "abc"),
        (["x<", "y"], ["<|end|>"], "x<y"),  # a false start is released
        (["😀é", "STO", "P!"], ["STOP"], "😀é"),
        (["no stops here"], [], "no stops here"),
        (["ab", "cd"], ["zz", "bc"], "a"),  # the earliest stop wins
    ],
)
def test_stop_scanner(pieces: list[str], stops: list[str], expected: str) -> None:
    scanner = StopScanner(stops)
    emitted = "".join(scanner.feed(p) for p in pieces) + scanner.flush()
    assert emitted == expected
    assert scanner.stopped == (expected != "".join(pieces))


def test_stop_scanner_holds_back_only_a_possible_stop() -> None:
    scanner = StopScanner(["```\n"])
    assert scanner.feed("code\n``") == "code\n"
    assert scanner.feed("x") == "``x"


def test_repeating_period_finds_loops_only() -> None:
    cycle = [5, 6, 7, 8, 9, 10, 11]
    looping = list(range(100, 130)) + cycle * 40
    assert repeating_period(looping, window=240, max_period=60) == len(cycle)
    assert repeating_period(list(range(300)), window=240) == 0
    assert repeating_period(cycle * 3, window=240) == 0  # too short to tell
    assert repeating_period([1] * 240) == 1


def test_answer_budget_caps_by_room_left() -> None:
    assert answer_budget(100, 8192, 4096) == 4096
    assert answer_budget(6000, 8192, 4096) == 2192
    assert answer_budget(10, 50, None) == 40
    with pytest.raises(RequestProblem) as problem:
        answer_budget(50, 50, 10)
    assert problem.value.code == "context_length_exceeded"
    assert context_problem(9000, 8192).status == 400
    assert common_prefix([1, 2, 3], [1, 2, 4, 5]) == 2


# -- finding the model ------------------------------------------------------------------------


def fake_specs(monkeypatch: pytest.MonkeyPatch, *, llama: bool, shipped_dir: Path | None) -> None:
    real = importlib.util.find_spec

    def find_spec(name: str, package: str | None = None) -> Any:
        if name == "llama_cpp":
            return importlib.machinery.ModuleSpec(name, None) if llama else None
        if name == local.SHIPPED_PACKAGE:
            if shipped_dir is None:
                return None
            spec = importlib.machinery.ModuleSpec(name, None, is_package=True)
            spec.submodule_search_locations = [str(shipped_dir)]
            return spec
        return real(name, package)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)


def test_find_model_prefers_the_explicit_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / local.SHIPPED_FILE).write_bytes(b"GGUF")
    own = tmp_path / "mine.gguf"
    own.write_bytes(b"GGUF")
    fake_specs(monkeypatch, llama=True, shipped_dir=tmp_path)
    assert local.find_model() == tmp_path / local.SHIPPED_FILE
    assert local.find_model(str(own)) == own
    assert local.find_model(str(tmp_path / "missing.gguf")) is None
    assert local.unavailable_reason() is None
    assert local.unavailable_reason(str(own)) is None
    assert local.model_name_for(tmp_path / local.SHIPPED_FILE) == local.DEFAULT_MODEL_NAME
    assert local.model_name_for(own) == "mine"


def test_unavailable_reasons_say_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_specs(monkeypatch, llama=False, shipped_dir=tmp_path)
    reason = local.unavailable_reason()
    assert reason is not None and local.INSTALL_COMMAND in reason
    assert 'CMAKE_ARGS="-DGGML_NATIVE=OFF"' in reason
    fake_specs(monkeypatch, llama=True, shipped_dir=None)
    reason = local.unavailable_reason()
    assert reason is not None and local.MODEL_ENV in reason and "pip install" in reason
    assert local.find_model() is None
    reason = local.unavailable_reason(str(tmp_path / "nope.gguf"))
    assert reason is not None and "nope.gguf" in reason and "\n" not in reason
