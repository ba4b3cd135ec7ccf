"""A small OpenAI-compatible HTTP endpoint on loopback around one local model.

Routes: ``POST /v1/chat/completions`` (streamed as server-sent events or one JSON object),
``GET /v1/models``, ``GET /health``. Standard library only (``ThreadingHTTPServer``). One
generation runs at a time; others wait their turn. A generation stops as soon as its client
closes the connection. While a streamed request waits (for the model to load, for its turn,
or for a long prompt to be read) the endpoint sends SSE comments so the client's read timeout
does not fire.
"""

from __future__ import annotations

import contextlib
import json
import logging
import select
import socket
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from blitzls.local import model_name_for
from blitzls.local.generation import DEFAULT_N_CTX, Backend, Generation, LlamaBackend
from blitzls.local.protocol import (
    ChatRequest,
    Reply,
    RequestProblem,
    error_body,
    model_body,
    models_body,
    parse_chat_request,
    sse,
)

log = logging.getLogger("blitzls.local")

MAX_BODY_BYTES = 8 * 1024 * 1024
POLL_SECONDS = 0.1  # between checks for a closed client while waiting
KEEP_ALIVE_SECONDS = 2.0  # silence after which a waiting stream gets an SSE comment
SOCKET_TIMEOUT = 120.0  # a client that stops reading does not hold the model forever
_WRITE_ERRORS = (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, TimeoutError)

BackendFactory = Callable[[], Backend]


class _ClientGone(Exception):
    """The client closed the connection."""


class LocalEndpoint:
    """An OpenAI-compatible endpoint serving one GGUF model on loopback."""

    def __init__(
        self,
        model_path: Path,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        n_ctx: int = DEFAULT_N_CTX,
        threads: int | None = None,
        model_name: str | None = None,
        backend_factory: BackendFactory | None = None,
    ) -> None:
        self.model_path = Path(model_path)
        self.host = host
        self.port = port
        self.model_name = model_name or model_name_for(self.model_path)
        self.created = int(time.time())
        self._factory = backend_factory or (
            lambda: LlamaBackend(self.model_path, n_ctx=n_ctx, threads=threads or 0)
        )
        self.backend: Backend | None = None
        self.load_error: str | None = None
        self.loaded = threading.Event()
        self.stopping = threading.Event()
        self.generation_lock = threading.Lock()
        self._server: _Server | None = None

    @property
    def url(self) -> str:
        """The base URL clients use, ending in /v1."""
        if self._server is None:
            raise RuntimeError("the endpoint is not started")
        address = self._server.server_address
        host = address[0].decode() if isinstance(address[0], bytes) else str(address[0])
        port = address[1]
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{port}/v1"

    def start(self) -> str:
        """Listen, load the model in the background, and return the base URL at once."""
        if self._server is not None:
            return self.url
        server = _Server((self.host, self.port), _Handler)
        server.endpoint = self
        self._server = server
        for name, target in (("serve", server.serve_forever), ("load", self._load)):
            threading.Thread(target=target, name=f"blitzls-local-{name}", daemon=True).start()
        return self.url

    def wait_loaded(self, timeout: float | None = None) -> bool:
        """Wait for the model load to finish (or fail); True if it finished in time."""
        return self.loaded.wait(timeout)

    def stop(self, timeout: float = 10.0) -> None:
        """Stop serving; a running generation is cancelled, then the model is freed."""
        self.stopping.set()
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()
        self.loaded.wait(timeout)
        if self.generation_lock.acquire(timeout=timeout):
            try:
                backend, self.backend = self.backend, None
                close = getattr(backend, "close", None)
                if callable(close):
                    close()
            finally:
                self.generation_lock.release()

    def _load(self) -> None:
        started = time.perf_counter()
        try:
            self.backend = self._factory()
            log.info("loaded %s in %.1f s", self.model_path, time.perf_counter() - started)
        except Exception as exc:
            self.load_error = f"{type(exc).__name__}: {exc}"
            log.error("cannot load %s: %s", self.model_path, self.load_error)
        finally:
            self.loaded.set()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    endpoint: LocalEndpoint

    def handle_error(self, request: Any, client_address: Any) -> None:
        import sys

        if isinstance(sys.exc_info()[1], OSError):
            return  # a client that went away
        log.exception("local endpoint: error handling a request from %s", client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    timeout = SOCKET_TIMEOUT
    server: _Server
    server_version = "blitzls-local"

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("local endpoint: " + format, *args)

    # -- routes --------------------------------------------------------------------------------

    def do_GET(self) -> None:
        endpoint = self.server.endpoint
        path = self.path.split("?", 1)[0].rstrip("/")
        if path in ("/v1/models", "/models"):
            self._json(200, models_body(endpoint.model_name, endpoint.created))
        elif path in (f"/v1/models/{endpoint.model_name}", f"/models/{endpoint.model_name}"):
            self._json(200, model_body(endpoint.model_name, endpoint.created))
        elif path == "/health":
            if not endpoint.loaded.is_set():
                self._json(503, {"status": "loading"})
            elif endpoint.load_error:
                self._json(500, {"status": "error", "error": endpoint.load_error})
            else:
                self._json(200, {"status": "ok", "model": endpoint.model_name})
        elif path.startswith(("/v1/models/", "/models/")):
            name = path.rsplit("/", 1)[1]
            self._error(404, f"The model `{name}` does not exist", "model_not_found")
        else:
            self._error(404, f"no route GET {self.path}", "not_found")

    def do_POST(self) -> None:
        path = self.path.split("?", 1)[0].rstrip("/")
        length_header = self.headers.get("Content-Length")
        if length_header is None or not length_header.isdigit():
            self.close_connection = True
            self._error(411, "a Content-Length header is required", "length_required")
            return
        length = int(length_header)
        if length > MAX_BODY_BYTES:
            self.close_connection = True
            self._error(413, f"the request body exceeds {MAX_BODY_BYTES} bytes", "too_large")
            return
        raw = self.rfile.read(length)
        if path not in ("/v1/chat/completions", "/chat/completions"):
            self._error(404, f"no route POST {self.path}", "not_found")
            return
        try:
            request = parse_chat_request(raw)
        except RequestProblem as problem:
            self._json(problem.status, problem.body())
            return
        exchange = _Exchange(self, request)
        try:
            exchange.run()
        except _ClientGone:
            self.close_connection = True

    def do_PUT(self) -> None:
        self._error(405, f"method PUT is not allowed on {self.path}", "method_not_allowed")

    do_DELETE = do_PATCH = do_PUT

    # -- plumbing ------------------------------------------------------------------------------

    def _json(self, status: int, payload: Any) -> None:
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (*_WRITE_ERRORS, OSError):
            self.close_connection = True

    def _error(self, status: int, message: str, code: str, kind: str = "") -> None:
        kind = kind or ("invalid_request_error" if status < 500 else "server_error")
        self._json(status, error_body(message, kind=kind, code=code))

    def peer_closed(self) -> bool:
        """True if the client closed its side (EOF readable without blocking)."""
        try:
            readable, _, _ = select.select([self.connection], [], [], 0)
            if not readable:
                return False
            return bool(self.connection.recv(1, socket.MSG_PEEK) == b"")
        except (OSError, ValueError):
            return True


class _Exchange:
    """One chat-completions request: wait for the model and a turn, generate, reply."""

    def __init__(self, handler: _Handler, request: ChatRequest) -> None:
        self.handler = handler
        self.request = request
        self.endpoint = handler.server.endpoint
        self.reply = Reply(model=self.endpoint.model_name)
        self.streaming = False  # the 200 headers of a stream have been sent
        self.last_write = time.monotonic()
        self.chunks: list[str] = []

    def run(self) -> None:
        endpoint = self.endpoint
        try:
            self._wait(endpoint.loaded.wait)
            if endpoint.load_error:
                raise RequestProblem(
                    f"the local model could not be loaded: {endpoint.load_error}",
                    status=503,
                    kind="server_error",
                    code="model_not_loaded",
                )
            self._wait(lambda timeout: endpoint.generation_lock.acquire(timeout=timeout))
        except RequestProblem as problem:
            self._fail(problem)
            return
        try:
            backend = endpoint.backend  # only stop() clears it, holding the lock
            if backend is None:
                self._check_stopping()
                raise RuntimeError("the model is gone")
            self._generate(backend)
        except RequestProblem as problem:
            log.info("refused: %s", problem.message)
            self._fail(problem)
        except _ClientGone:
            raise
        except Exception as exc:
            log.exception("local endpoint: generation failed")
            self._fail(
                RequestProblem(
                    f"generation failed: {type(exc).__name__}: {exc}",
                    status=500,
                    kind="server_error",
                    code="generation_failed",
                )
            )
        finally:
            endpoint.generation_lock.release()

    def _generate(self, backend: Backend) -> None:
        request = self.request
        prepared = backend.prepare(request)
        if request.stream:
            self._start_stream()
            self._event(
                self.reply.chunk(
                    {"role": "assistant", "content": ""}, usage_field=self.request.include_usage
                )
            )
        started = time.perf_counter()
        generation = backend.generate(prepared, self._sink)
        usage = generation.usage
        log.info(
            "%d prompt tokens (%d cached), %d generated in %.1f s: %s",
            usage.prompt_tokens,
            usage.cached_tokens,
            usage.completion_tokens,
            time.perf_counter() - started,
            generation.finish_reason or "cancelled by the client",
        )
        if generation.finish_reason is None:
            self._check_stopping()
            raise _ClientGone
        self._finish(generation)

    def _sink(self, text: str) -> bool:
        """Take one piece of answer text; False stops the generation."""
        if self.endpoint.stopping.is_set() or self.handler.peer_closed():
            return False
        if text:
            self.chunks.append(text)
        try:
            if text and self.request.stream:
                self._event(
                    self.reply.chunk({"content": text}, usage_field=self.request.include_usage)
                )
            elif self.streaming:
                self._keep_alive()
        except _ClientGone:
            return False
        return True

    def _finish(self, generation: Generation) -> None:
        reason = generation.finish_reason or "stop"
        if not self.request.stream:
            self.handler._json(
                200, self.reply.completion("".join(self.chunks), reason, generation.usage)
            )
            return
        self._event(self.reply.chunk({}, reason, usage_field=self.request.include_usage))
        if self.request.include_usage:
            self._event(self.reply.usage_chunk(generation.usage))
        self._write_chunk(sse("[DONE]"))
        self._send(b"0\r\n\r\n")

    # -- waiting -------------------------------------------------------------------------------

    def _wait(self, attempt: Callable[[float], bool]) -> None:
        """Retry ``attempt(timeout)`` until it succeeds, watching the client meanwhile."""
        started = time.monotonic()
        while not attempt(POLL_SECONDS):
            self._check_stopping()
            if self.handler.peer_closed():
                raise _ClientGone
            if self.request.stream and time.monotonic() - started >= KEEP_ALIVE_SECONDS:
                self._start_stream()
                self._keep_alive()

    def _check_stopping(self) -> None:
        if self.endpoint.stopping.is_set():
            raise RequestProblem(
                "the local endpoint is shutting down",
                status=503,
                kind="server_error",
                code="shutting_down",
            )

    def _keep_alive(self) -> None:
        if time.monotonic() - self.last_write >= KEEP_ALIVE_SECONDS:
            self._write_chunk(b": waiting\n\n")

    # -- writing -------------------------------------------------------------------------------

    def _start_stream(self) -> None:
        if self.streaming:
            return
        handler = self.handler
        try:
            handler.send_response(200)
            handler.send_header("Content-Type", "text/event-stream; charset=utf-8")
            handler.send_header("Cache-Control", "no-cache")
            handler.send_header("Transfer-Encoding", "chunked")
            handler.end_headers()
        except (*_WRITE_ERRORS, OSError) as exc:
            raise _ClientGone from exc
        self.streaming = True
        self.last_write = time.monotonic()

    def _event(self, payload: dict[str, Any]) -> None:
        self._write_chunk(sse(payload))

    def _write_chunk(self, data: bytes) -> None:
        self._send(b"%x\r\n%s\r\n" % (len(data), data))

    def _send(self, data: bytes) -> None:
        try:
            self.handler.connection.sendall(data)
        except (*_WRITE_ERRORS, OSError) as exc:
            raise _ClientGone from exc
        self.last_write = time.monotonic()

    def _fail(self, problem: RequestProblem) -> None:
        """An error: as a status and JSON body, or as an error event once the stream began."""
        if not self.streaming:
            self.handler._json(problem.status, problem.body())
            return
        with contextlib.suppress(_ClientGone):
            self._event(problem.body())
            self._send(b"0\r\n\r\n")


# -- the embedded endpoint ------------------------------------------------------------------

_embedded: LocalEndpoint | None = None
_embedded_lock = threading.Lock()


def embedded_base_url(model_path: Path) -> str:
    """The URL of this process's own endpoint for ``model_path``, started on first use.

    One endpoint per process; asking for another model file replaces it.
    """
    global _embedded
    with _embedded_lock:
        path = Path(model_path)
        if _embedded is not None and _embedded.model_path != path:
            _embedded.stop()
            _embedded = None
        if _embedded is None:
            endpoint = LocalEndpoint(path)
            endpoint.start()
            _embedded = endpoint
        return _embedded.url


def stop_embedded() -> None:
    """Stop this process's embedded endpoint, if one runs."""
    global _embedded
    with _embedded_lock:
        endpoint, _embedded = _embedded, None
    if endpoint is not None:
        endpoint.stop()
