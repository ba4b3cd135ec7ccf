"""A recording reverse proxy in front of an OpenAI-compatible endpoint.

Both arms of the benchmark talk to the model through it, so every request and every reply
(streamed or not) is recorded with its timing and token counts, labelled with the task and arm
that sent it: chat completions and the legacy text completions (``/completions``, ``prompt`` in
and ``choices[].text`` out, as fill-in-the-middle prompts are sent). Standard library only; one
request at a time is all the benchmark needs.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
from dataclasses import dataclass, field, fields
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit


@dataclass
class Exchange:
    """One chat or text completion request and the reply the endpoint gave.

    ``request`` is the body as sent: ``messages`` for a chat, ``prompt`` for a text completion.
    """

    label: str
    request: dict[str, Any]
    reply: str = ""
    reasoning: str = ""
    finish_reason: str | None = None
    usage: dict[str, Any] = field(default_factory=dict)
    chunks: int = 0  # content pieces streamed (llama.cpp sends about one per token)
    seconds: float = 0.0
    status: int = 0
    done: threading.Event = field(default_factory=threading.Event, repr=False, compare=False)

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "done"}


class RecordingProxy:
    """Forwards ``/v1/...`` to ``upstream`` and keeps an :class:`Exchange` per completion
    request (chat or text)."""

    def __init__(self, upstream: str) -> None:
        parts = urlsplit(upstream.rstrip("/"))
        self.scheme = parts.scheme
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or (443 if parts.scheme == "https" else 80)
        self.prefix = parts.path  # e.g. "/v1"
        self.label = ""
        self.exchanges: list[Exchange] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}{self.prefix}"

    def start(self) -> RecordingProxy:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def take(self, label: str) -> list[Exchange]:
        """The exchanges sent under ``label``, once each is fully recorded."""
        with self._lock:
            found = [x for x in self.exchanges if x.label == label]
        for exchange in found:
            exchange.done.wait(60)
        return found

    def count_usage(self, exchange: Exchange) -> dict[str, Any]:
        """Token counts from the endpoint's tokenizer (llama_cpp.server streams no usage).

        The prompt is counted as its message texts plus 5 tokens per message for the chat
        template's role markers (a text completion: its ``prompt``, with no template);
        endpoints without ``/extras/tokenize/count`` get chars / 4.
        """
        messages = exchange.request.get("messages") or []
        if messages:
            prompt = "".join(str(m.get("content") or "") for m in messages)
        else:
            prompt = prompt_text(exchange.request)
        prompt_count, reply_count = self._count(prompt), self._count(exchange.reply)
        if prompt_count is None or reply_count is None:
            return {
                "prompt_tokens": len(prompt) // 4,
                "completion_tokens": exchange.chunks,
                "estimated": True,
            }
        return {
            "prompt_tokens": prompt_count + 5 * len(messages),
            "completion_tokens": reply_count,
            "counted": True,
        }

    def _count(self, text: str) -> int | None:
        conn = self._connection()
        try:
            body = json.dumps({"input": text}).encode()
            conn.request(
                "POST",
                "/extras/tokenize/count",
                body=body,
                headers={"Content-Type": "application/json"},
            )
            response = conn.getresponse()
            data = response.read()
            return int(json.loads(data)["count"]) if response.status == 200 else None
        except (OSError, ValueError, KeyError):
            return None
        finally:
            conn.close()

    def _connection(self) -> http.client.HTTPConnection:
        if self.scheme == "https":
            return http.client.HTTPSConnection(self.host, self.port, timeout=900)
        return http.client.HTTPConnection(self.host, self.port, timeout=900)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                self._forward(b"")

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                self._forward(self.rfile.read(length))

            def _forward(self, body: bytes) -> None:
                path = self.path
                upstream_path = proxy.prefix + path[len(proxy.prefix) :]
                exchange = None
                if path.endswith("/completions") and body:  # chat or text completions
                    exchange = Exchange(proxy.label, json.loads(body))
                    with proxy._lock:
                        proxy.exchanges.append(exchange)
                headers = {
                    k: v
                    for k, v in self.headers.items()
                    if k.lower() not in ("host", "content-length", "connection", "accept-encoding")
                }
                started = time.perf_counter()
                conn = proxy._connection()
                conn.request(self.command, upstream_path, body=body or None, headers=headers)
                response = conn.getresponse()
                self.send_response(response.status)
                streamed = "event-stream" in (response.getheader("Content-Type") or "")
                for key, value in response.getheaders():
                    if key.lower() not in ("content-length", "transfer-encoding", "connection"):
                        self.send_header(key, value)
                self.send_header("Transfer-Encoding", "chunked")
                self.send_header("Connection", "close")
                self.end_headers()
                collected: list[bytes] = []
                try:
                    while True:
                        piece = response.read1(65536) if streamed else response.read(65536)
                        if not piece:
                            break
                        collected.append(piece)
                        self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
                        self.wfile.flush()
                    self.wfile.write(b"0\r\n\r\n")
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client closed the stream early (blitzls stops at a closed fence)
                except (http.client.HTTPException, OSError):
                    pass  # the endpoint ended the body abruptly: keep what arrived
                finally:
                    conn.close()
                if exchange is not None:
                    exchange.seconds = time.perf_counter() - started
                    exchange.status = response.status
                    _parse_reply(exchange, b"".join(collected), streamed)
                    if not exchange.usage:
                        exchange.usage = proxy.count_usage(exchange)
                    exchange.done.set()

        return Handler


def prompt_text(request: dict[str, Any]) -> str:
    """A text completion request's ``prompt`` (a list of strings is joined)."""
    prompt = request.get("prompt")
    if isinstance(prompt, list):
        return "".join(p for p in prompt if isinstance(p, str))
    return prompt if isinstance(prompt, str) else ""


def _parse_reply(exchange: Exchange, data: bytes, streamed: bool) -> None:
    text = data.decode("utf-8", "replace")
    if not streamed:
        try:
            body = json.loads(text)
            choice = body["choices"][0]
            if "message" in choice:
                exchange.reply = choice["message"].get("content") or ""
            else:  # a text completion
                exchange.reply = choice["text"] or ""
            exchange.finish_reason = choice.get("finish_reason")
            exchange.usage = body.get("usage") or {}
        except (ValueError, KeyError, IndexError):
            exchange.reply = text
        return
    parts: list[str] = []
    for line in text.splitlines():
        if not line.startswith("data:"):
            continue
        payload = line[5:].strip()
        if payload == "[DONE]":
            continue
        try:
            chunk = json.loads(payload)
        except ValueError:
            continue
        if chunk.get("usage"):
            exchange.usage = chunk["usage"]
        for choice in chunk.get("choices") or []:
            delta = choice.get("delta") or {}
            piece = delta.get("content") or choice.get("text")  # a text completion has no delta
            if piece:
                parts.append(piece)
                exchange.chunks += 1
            if delta.get("reasoning_content"):
                exchange.reasoning += delta["reasoning_content"]
            if choice.get("finish_reason"):
                exchange.finish_reason = choice["finish_reason"]
    exchange.reply = "".join(parts)
