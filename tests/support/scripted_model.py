"""A scripted OpenAI-compatible completions server on loopback, for tests and benchmarks.

A real HTTP/1.1 server (stdlib ``ThreadingHTTPServer`` in a daemon thread) that the real
``openai`` client talks to over 127.0.0.1. It answers ``POST /v1/chat/completions`` and the
legacy text completions, ``POST /v1/completions`` (``prompt`` in, ``choices[].text`` out; what
fill-in-the-middle prompts use), alike. Replies are scripted with :class:`Reply` objects
(FIFO queue, then a ``responder`` callback) shared by both routes; every request is recorded.
Streams are chunked SSE in the exact OpenAI chunk shape of the route, paced like a real model
if asked.

Standalone: ``python -m tests.support.scripted_model --port 8765 --tps 92 --ttft 0.25``.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import dataclasses
import itertools
import json
import select
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import FrameType, TracebackType
from typing import Any
from urllib.parse import urlsplit

DEFAULT_MODELS = ("grok-code-fast-1", "test-model")
CHARS_PER_TOKEN = 4
_POLL = 0.05  # seconds between checks for a closed client or a stopping server
_WRITE_ERRORS = (BrokenPipeError, ConnectionResetError, ConnectionAbortedError)


@dataclass
class Reply:
    """One scripted answer. Text is streamed reasoning first, then content.

    A text completion (``/v1/completions``) has no field for reasoning: it gets the content only.
    """

    content: str = ""
    reasoning: str = ""
    reasoning_field: str = "reasoning_content"  # or "reasoning" (OpenRouter, some local servers)
    chunk_chars: int = 8
    first_token_delay: float = 0.0  # before the first text chunk (headers go out at once)
    chunk_delay: float = 0.0  # between text chunks
    tokens_per_second: float | None = None  # overrides chunk_delay; ~4 chars per token
    finish_reason: str = "stop"
    status: int = 200
    error_body: str | None = None  # raw body sent instead of an answer (any status);
    # for status != 200 the default is an OpenAI error object
    raw_events: list[str] | None = None  # stream exactly these ``data:`` payloads, then end
    headers: dict[str, str] = field(default_factory=dict)  # extra response headers
    usage: dict[str, Any] | None = None  # None: estimated from the text lengths
    cut_after_chunks: int | None = None  # drop the connection after this many text chunks
    stream_error: dict[str, Any] | None = None  # sent as {"error": ...} after half the chunks
    hang: bool = False  # read the request, then send nothing until the client goes away
    # after the first text chunk, send ": keepalive" comments this often for keepalive_for s
    keepalive_every: float | None = None
    keepalive_for: float = 0.0


@dataclass
class RecordedRequest:
    """One request as the server saw it. ``closed_at`` is a ``time.monotonic()`` value."""

    method: str
    path: str
    headers: dict[str, str]  # lower-cased names
    body: Any  # parsed JSON; None for a GET or an unparsable body
    raw_body: bytes
    received_at: float
    completed: bool = False  # the whole response was sent
    closed_early: bool = False  # the client went away before the response was complete
    closed_at: float | None = None


Responder = Callable[[dict[str, Any]], Reply]


def _prompt_text(body: dict[str, Any]) -> str | None:
    """A text completion request's ``prompt`` (a string, or a list of strings joined)."""
    prompt = body.get("prompt")
    if isinstance(prompt, str):
        return prompt
    if isinstance(prompt, list) and all(isinstance(p, str) for p in prompt):
        return "".join(prompt)
    return None


def echo_responder(body: dict[str, Any]) -> Reply:
    """The default: echo the last message's text (a text completion's ``prompt``)."""
    if "messages" not in body and "prompt" in body:
        prompt = _prompt_text(body)
        return Reply(content=f"echo: {prompt}" if prompt is not None else "echo")
    messages = body.get("messages") or [{}]
    last = messages[-1] if isinstance(messages, list) and messages else {}
    text = last.get("content", "") if isinstance(last, dict) else ""
    return Reply(content=f"echo: {text}" if isinstance(text, str) else "echo")


def estimate_usage(body: dict[str, Any], reply: Reply) -> dict[str, Any]:
    """Token counts the way the server reports them (~4 characters per token)."""
    prompt_chars = 0
    for message in body.get("messages") or []:
        content = message.get("content") if isinstance(message, dict) else None
        if isinstance(content, str):
            prompt_chars += len(content)
        elif isinstance(content, list):  # content parts
            prompt_chars += sum(len(str(p.get("text", ""))) for p in content if isinstance(p, dict))
    if not body.get("messages"):  # a text completion
        prompt_chars += len(_prompt_text(body) or "")
    prompt = prompt_chars // CHARS_PER_TOKEN
    completion = len(reply.content) // CHARS_PER_TOKEN
    reasoning = len(reply.reasoning) // CHARS_PER_TOKEN
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion + reasoning,
        "prompt_tokens_details": {"cached_tokens": 0},
        "completion_tokens_details": {"reasoning_tokens": reasoning},
    }


def _split(text: str, size: int) -> list[str]:
    size = max(1, size)
    return [text[i : i + size] for i in range(0, len(text), size)]


@dataclass(frozen=True)
class _Shape:
    """How a route words its answers: chat completions, or legacy text completions (a
    ``text`` per choice instead of a ``message`` or ``delta``, no reasoning, no role chunk)."""

    path: str
    id_prefix: str
    object: str
    chunk_object: str
    chat: bool

    def answer(self, reply: Reply) -> dict[str, Any]:
        """The whole answer's part of a non-streamed choice."""
        if not self.chat:
            return {"text": reply.content}
        message: dict[str, Any] = {"role": "assistant", "content": reply.content}
        if reply.reasoning:
            message[reply.reasoning_field] = reply.reasoning
        return {"message": message}

    def piece(self, delta: dict[str, str]) -> dict[str, Any]:
        """A streamed choice's text part; ``delta`` is in the chat shape."""
        return {"delta": delta} if self.chat else {"text": delta.get("content", "")}


_CHAT = _Shape(
    "/v1/chat/completions", "chatcmpl", "chat.completion", "chat.completion.chunk", chat=True
)
_TEXT = _Shape("/v1/completions", "cmpl", "text_completion", "text_completion", chat=False)
_SHAPES = {shape.path: shape for shape in (_CHAT, _TEXT)}


class _Disconnected(Exception):
    """The client closed the connection."""


class _Stopping(Exception):
    """The server is shutting down."""


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # many concurrent clients (soak tests) must not be reset
    allow_reuse_address = True
    owner: ScriptedModelServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Stay quiet about clients that went away; report anything else."""
        if isinstance(sys.exc_info()[1], OSError):
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server: _HTTPServer

    # -- plumbing -----------------------------------------------------------------------------

    def setup(self) -> None:
        super().setup()
        self.server.owner._track(self.connection, add=True)

    def finish(self) -> None:
        with contextlib.suppress(OSError):
            super().finish()
        self.server.owner._track(self.connection, add=False)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep test output clean

    def parse_request(self) -> bool:
        """Also take requests the way a client sends them through an HTTP proxy (``POST
        http://api.example.test/v1/chat/completions``): with ``HTTP_PROXY`` pointing here, a
        test gives blitzls an endpoint that is not on this machine (a hosted model) and still
        answers it on loopback. The ``host`` header keeps the host asked for."""
        if not super().parse_request():
            return False
        if self.path.startswith(("http://", "https://")):
            target = urlsplit(self.path)
            self.path = target.path + (f"?{target.query}" if target.query else "")
        return True

    def _peer_closed(self) -> bool:
        """True if the client closed its side (EOF is readable without blocking)."""
        try:
            readable, _, _ = select.select([self.connection], [], [], 0)
            if not readable:
                return False
            peeked: bytes = self.connection.recv(1, socket.MSG_PEEK)
            return peeked == b""
        except (OSError, ValueError):
            return True

    def _wait_until(self, deadline: float) -> None:
        """Sleep until ``deadline`` (monotonic), noticing a closed client or a stopping server."""
        stop = self.server.owner._stop_event
        while True:
            if stop.is_set():
                raise _Stopping
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                if self._peer_closed():
                    raise _Disconnected
                return
            try:
                readable, _, _ = select.select([self.connection], [], [], min(remaining, _POLL))
            except (OSError, ValueError) as exc:
                raise _Disconnected from exc
            if readable:
                if self._peer_closed():
                    raise _Disconnected
                # Unexpected bytes from the client: do not spin on them.
                time.sleep(max(0.0, min(deadline - time.monotonic(), _POLL / 5)))

    def _send(self, data: bytes) -> None:
        try:
            self.connection.sendall(data)
        except _WRITE_ERRORS as exc:
            raise _Disconnected from exc

    def _send_chunk(self, data: bytes) -> None:
        if self._peer_closed():
            raise _Disconnected
        self._send(b"%x\r\n%s\r\n" % (len(data), data))

    def _start(self, status: int, headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()

    def _send_json(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(payload).encode()
        self._send_body(status, data, "application/json", headers or {})

    def _send_body(
        self, status: int, data: bytes, content_type: str, headers: dict[str, str]
    ) -> None:
        all_headers = {"Content-Type": content_type, "Content-Length": str(len(data)), **headers}
        self._start(status, all_headers)
        self._send(data)

    # -- routes -------------------------------------------------------------------------------

    def do_GET(self) -> None:
        record = self._record(b"")
        if self.path.rstrip("/") == "/v1/models":
            owner = self.server.owner
            names = list(owner.known_models or [])
            payload = {
                "object": "list",
                "data": [
                    {"id": n, "object": "model", "created": 0, "owned_by": "scripted"}
                    for n in names
                ],
            }
            self._try_send_json(record, 200, payload)
        else:
            error = _error_object(f"no route GET {self.path}", "not_found")
            self._try_send_json(record, 404, error)

    def _try_send_json(self, record: RecordedRequest, status: int, payload: Any) -> None:
        try:
            self._send_json(status, payload)
            record.completed = True
        except _Disconnected:
            self.server.owner._mark_closed(record)
            self.close_connection = True

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        record = self._record(raw)
        try:
            self._post(record)
            record.completed = True
        except _Disconnected:
            self.server.owner._mark_closed(record)
            self.close_connection = True
        except _Stopping:
            self.close_connection = True

    def _record(self, raw: bytes) -> RecordedRequest:
        body: Any = None
        if raw:
            try:
                body = json.loads(raw)
            except ValueError:
                body = None
        record = RecordedRequest(
            method=self.command,
            path=self.path,
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
            raw_body=raw,
            received_at=time.monotonic(),
        )
        self.server.owner._add_request(record)
        return record

    def _post(self, record: RecordedRequest) -> None:
        owner = self.server.owner
        shape = _SHAPES.get(self.path.rstrip("/"))
        if shape is None:
            self._send_json(404, _error_object(f"no route POST {self.path}", "not_found"))
            return
        body = record.body
        if not isinstance(body, dict):
            self._send_json(400, _error_object("request body is not a JSON object"))
            return
        model = body.get("model")
        known = owner.known_models
        if known is not None and model not in known:
            message = f"The model `{model}` does not exist or you do not have access to it."
            self._send_json(404, _error_object(message, "model_not_found"))
            return
        try:
            reply = owner._next_reply(body)
        except Exception as exc:  # a broken responder should fail the test visibly
            self._send_json(500, _error_object(f"responder failed: {exc!r}", "server_error"))
            return
        if not shape.chat and reply.reasoning:  # no field to send it in, nor to pace or count it
            reply = dataclasses.replace(reply, reasoning="")
        if reply.hang:
            self.close_connection = True
            self._wait_until(float("inf"))
            return
        if reply.status != 200 or reply.error_body is not None:
            self._wait_until(time.monotonic() + reply.first_token_delay)
            self._send_error_reply(reply)
            return
        if body.get("stream"):
            self._stream(shape, body, reply)
        else:
            self._whole(shape, body, reply)

    def _send_error_reply(self, reply: Reply) -> None:
        if reply.error_body is None:
            data = json.dumps(_error_object(f"scripted error {reply.status}")).encode()
            content_type = "application/json"
        else:
            data = reply.error_body.encode()
            try:
                json.loads(reply.error_body)
                content_type = "application/json"
            except ValueError:
                content_type = "text/plain; charset=utf-8"
        self._send_body(reply.status, data, content_type, reply.headers)

    def _whole(self, shape: _Shape, body: dict[str, Any], reply: Reply) -> None:
        size = reply.chunk_chars
        texts = _split(reply.reasoning, size) + _split(reply.content, size)
        deadline = time.monotonic() + reply.first_token_delay
        deadline += sum(_pace(reply, t) for t in texts[1:])
        self._wait_until(deadline)
        payload = {
            "id": _completion_id(shape),
            "object": shape.object,
            "created": int(time.time()),
            "model": body.get("model"),
            "choices": [
                {
                    "index": 0,
                    **shape.answer(reply),
                    "finish_reason": reply.finish_reason,
                    "logprobs": None,
                }
            ],
            "usage": reply.usage if reply.usage is not None else estimate_usage(body, reply),
        }
        self._send_json(200, payload, reply.headers)

    def _stream(self, shape: _Shape, body: dict[str, Any], reply: Reply) -> None:
        options = body.get("stream_options")
        include_usage = isinstance(options, dict) and bool(options.get("include_usage"))
        self._start(
            200,
            {
                "Content-Type": "text/event-stream; charset=utf-8",
                "Cache-Control": "no-cache",
                "Transfer-Encoding": "chunked",
                **reply.headers,
            },
        )
        if reply.raw_events is not None:
            for payload in reply.raw_events:
                self._send_chunk(b"data: " + payload.encode() + b"\n\n")
            self._send(b"0\r\n\r\n")
            return
        base: dict[str, Any] = {
            "id": _completion_id(shape),
            "object": shape.chunk_object,
            "created": int(time.time()),
            "model": body.get("model"),
        }
        if shape.chat:
            base["system_fingerprint"] = "fp_scripted"

        def event(delta: dict[str, str], finish: str | None = None) -> bytes:
            chunk = dict(base)
            chunk["choices"] = [
                {"index": 0, **shape.piece(delta), "finish_reason": finish, "logprobs": None}
            ]
            if include_usage:
                chunk["usage"] = None
            return b"data: " + json.dumps(chunk).encode() + b"\n\n"

        texts = [(reply.reasoning_field, t) for t in _split(reply.reasoning, reply.chunk_chars)]
        texts += [("content", t) for t in _split(reply.content, reply.chunk_chars)]
        error_at = len(texts) // 2 if reply.stream_error is not None else None

        if shape.chat:
            self._send_chunk(event({"role": "assistant", "content": ""}))
            self._send_chunk(event({}))  # xAI sends plenty of empty deltas
        deadline = time.monotonic() + reply.first_token_delay
        for index, (name, text) in enumerate(texts):
            if index == error_at:
                self._send_stream_error(reply)
                return
            if reply.cut_after_chunks is not None and index >= reply.cut_after_chunks:
                self._cut()
            if index > 0:
                deadline += _pace(reply, text)
                if name == "content" and texts[index - 1][0] != "content":
                    self._send_chunk(event({}))
            self._wait_until(deadline)
            self._send_chunk(event({name: text}))
            if index == 0 and reply.keepalive_every:
                self._keep_alive(reply.keepalive_every, reply.keepalive_for)
                deadline = time.monotonic()
        if error_at is not None:  # no text at all: the error is the whole stream
            self._send_stream_error(reply)
            return
        if reply.cut_after_chunks is not None and reply.cut_after_chunks >= len(texts):
            self._cut()
        self._send_chunk(event({}, reply.finish_reason))
        if include_usage:
            usage = reply.usage if reply.usage is not None else estimate_usage(body, reply)
            chunk: dict[str, Any] = {**base, "choices": [], "usage": usage}
            self._send_chunk(b"data: " + json.dumps(chunk).encode() + b"\n\n")
        self._send_chunk(b"data: [DONE]\n\n")
        self._send(b"0\r\n\r\n")

    def _keep_alive(self, every: float, duration: float) -> None:
        """SSE comments (and empty deltas) that carry no text, as a stalled server sends."""
        end = time.monotonic() + duration
        while time.monotonic() < end:
            self._wait_until(min(end, time.monotonic() + every))
            self._send_chunk(b": keepalive\n\n")

    def _send_stream_error(self, reply: Reply) -> None:
        """An ``{"error": ...}`` event, then a clean end of the body without ``[DONE]``."""
        payload = json.dumps({"error": reply.stream_error}).encode()
        self._send_chunk(b"data: " + payload + b"\n\n")
        self._send(b"0\r\n\r\n")

    def _cut(self) -> None:
        """Drop the connection without finishing the chunked body."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)
        raise _Stopping


def _pace(reply: Reply, text: str) -> float:
    if reply.tokens_per_second:
        return len(text) / CHARS_PER_TOKEN / reply.tokens_per_second
    return reply.chunk_delay


_ids = itertools.count(1)
_ids_lock = threading.Lock()


def _completion_id(shape: _Shape) -> str:
    with _ids_lock:
        return f"{shape.id_prefix}-scripted-{next(_ids)}"


def _error_object(message: str, code: str | None = None) -> dict[str, Any]:
    return {
        "error": {
            "message": message,
            "type": "invalid_request_error",
            "param": None,
            "code": code,
        }
    }


class ScriptedModelServer:
    """An OpenAI-compatible server on 127.0.0.1 that answers with scripted :class:`Reply` s.

    >>> with ScriptedModelServer() as server:
    ...     server.enqueue(Reply(content="hi"))
    ...     # point a client at server.url
    """

    def __init__(
        self,
        *,
        port: int = 0,
        responder: Responder | None = None,
        known_models: Iterable[str] | None = DEFAULT_MODELS,
    ) -> None:
        self.port = port
        self.responder: Responder | None = responder
        # Completion requests (chat or text) for other models get a 404; None accepts every model.
        self.known_models: list[str] | None = (
            list(known_models) if known_models is not None else None
        )
        self._queue: collections.deque[Reply] = collections.deque()
        self._requests: list[RecordedRequest] = []
        self._closed_early = 0
        self._cond = threading.Condition()
        self._stop_event = threading.Event()
        self._connections: set[socket.socket] = set()
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle --------------------------------------------------------------------------------

    def start(self) -> ScriptedModelServer:
        if self._httpd is not None:
            return self
        self._stop_event.clear()
        httpd = _HTTPServer(("127.0.0.1", self.port), _Handler)
        httpd.owner = self
        self._httpd = httpd
        self.port = int(httpd.server_address[1])
        self._thread = threading.Thread(
            target=httpd.serve_forever,
            kwargs={"poll_interval": _POLL},
            name=f"scripted-model-{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        self._stop_event.set()
        httpd.shutdown()
        with self._cond:
            connections = list(self._connections)
        for conn in connections:  # wake handlers blocked on idle keep-alive connections
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> ScriptedModelServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """The base URL to give a client, e.g. ``http://127.0.0.1:PORT/v1``."""
        if self._httpd is None:
            raise RuntimeError("the server is not running")
        return f"http://127.0.0.1:{self.port}/v1"

    # -- scripting --------------------------------------------------------------------------------

    def enqueue(self, *replies: Reply) -> None:
        """Answer the next completion requests (chat or text) with these replies, in order."""
        with self._cond:
            self._queue.extend(replies)

    @property
    def pending(self) -> int:
        """Replies still queued."""
        with self._cond:
            return len(self._queue)

    def reset(self) -> None:
        """Forget queued replies, recorded requests and counters."""
        with self._cond:
            self._queue.clear()
            self._requests.clear()
            self._closed_early = 0

    # -- observations -----------------------------------------------------------------------------

    @property
    def requests(self) -> list[RecordedRequest]:
        """A snapshot of the requests received so far (oldest first)."""
        with self._cond:
            return list(self._requests)

    @property
    def request_count(self) -> int:
        with self._cond:
            return len(self._requests)

    @property
    def chat_requests(self) -> list[RecordedRequest]:
        """Only the POSTs to /v1/chat/completions."""
        return [r for r in self.requests if r.path.rstrip("/").endswith("/chat/completions")]

    @property
    def completion_requests(self) -> list[RecordedRequest]:
        """Only the POSTs to /v1/completions (legacy text completions)."""
        return [r for r in self.requests if r.path.rstrip("/").endswith("/v1/completions")]

    @property
    def closed_early(self) -> int:
        """How many responses the client abandoned before they were complete."""
        with self._cond:
            return self._closed_early

    def wait_for_requests(self, count: int, timeout: float = 5.0) -> bool:
        """Block until at least ``count`` requests arrived; False on timeout."""
        with self._cond:
            return self._cond.wait_for(lambda: len(self._requests) >= count, timeout)

    def wait_closed_early(self, count: int = 1, timeout: float = 5.0) -> bool:
        """Block until the server noticed ``count`` abandoned responses; False on timeout."""
        with self._cond:
            return self._cond.wait_for(lambda: self._closed_early >= count, timeout)

    # -- called from handler threads --------------------------------------------------------------

    def _next_reply(self, body: dict[str, Any]) -> Reply:
        with self._cond:
            if self._queue:
                return self._queue.popleft()
            responder = self.responder
        return (responder or echo_responder)(body)

    def _add_request(self, record: RecordedRequest) -> None:
        with self._cond:
            self._requests.append(record)
            self._cond.notify_all()

    def _mark_closed(self, record: RecordedRequest) -> None:
        with self._cond:
            record.closed_early = True
            record.closed_at = time.monotonic()
            self._closed_early += 1
            self._cond.notify_all()

    def _track(self, conn: socket.socket, *, add: bool) -> None:
        with self._cond:
            if add:
                self._connections.add(conn)
            else:
                self._connections.discard(conn)


# -- command line ---------------------------------------------------------------------------------

PLACEHOLDER_REPLY = "```python\npass  # scripted reply\n```\n"


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m tests.support.scripted_model",
        description="Serve scripted OpenAI-compatible chat and text completions on 127.0.0.1.",
    )
    parser.add_argument("--port", type=int, default=0, help="port (default: any free port)")
    parser.add_argument("--tps", type=float, default=None, help="output tokens per second")
    parser.add_argument("--ttft", type=float, default=0.0, help="seconds to the first token")
    parser.add_argument("--chunk-chars", type=int, default=8, help="characters per SSE chunk")
    parser.add_argument("--reply-file", type=Path, help="answer every request with this text")
    parser.add_argument("--reasoning-file", type=Path, help="stream this text as reasoning first")
    parser.add_argument(
        "--models",
        default="",
        help="comma-separated model names to accept (default: every model)",
    )
    return parser.parse_args(argv)


def _constant_responder(args: argparse.Namespace) -> Responder:
    content = args.reply_file.read_text("utf-8") if args.reply_file else PLACEHOLDER_REPLY
    reasoning = args.reasoning_file.read_text("utf-8") if args.reasoning_file else ""

    def respond(body: dict[str, Any]) -> Reply:
        return Reply(
            content=content,
            reasoning=reasoning,
            chunk_chars=args.chunk_chars,
            first_token_delay=args.ttft,
            tokens_per_second=args.tps,
        )

    return respond


def _models(spec: str) -> list[str] | None:
    names = [n.strip() for n in spec.split(",") if n.strip()]
    return names or None


@contextlib.contextmanager
def _until_signalled() -> Iterator[threading.Event]:
    done = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        done.set()

    previous = signal.signal(signal.SIGTERM, on_signal)
    try:
        yield done
    finally:
        signal.signal(signal.SIGTERM, previous)


def main(argv: list[str] | None = None) -> int:
    args = _parse_args(argv)
    server = ScriptedModelServer(
        port=args.port, responder=_constant_responder(args), known_models=_models(args.models)
    )
    with server, _until_signalled() as done:
        print(server.url, flush=True)
        try:
            while not done.wait(0.5):
                pass
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
