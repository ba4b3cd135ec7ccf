"""A ``blitzls serve`` process spoken to in raw bytes, for faults a real client cannot send.

pytest-lsp's client validates what it sends and frames it correctly; these tests need broken
``Content-Length`` headers and out-of-range positions on the wire, so they write bytes.
"""

from __future__ import annotations

import json
import queue
import re
import subprocess
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

from tests.conftest import SERVER_COMMAND

_HEADER = re.compile(rb"Content-Length: (\d+)\r\n")


def frame(message: dict[str, Any] | bytes, *, length: bytes | None = None) -> bytes:
    """``message`` with its header; ``length`` replaces the correct Content-Length value."""
    body = message if isinstance(message, bytes) else json.dumps(message).encode()
    value = str(len(body)).encode() if length is None else length
    return b"Content-Length: " + value + b"\r\n\r\n" + body


class RawServer:
    """The real server over stdio; a thread parses its output into messages."""

    def __init__(self, env: dict[str, str], args: Sequence[str] = ()) -> None:
        self.process = subprocess.Popen(
            [*SERVER_COMMAND, *args],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self.messages: queue.Queue[dict[str, Any]] = queue.Queue()
        self.received: list[dict[str, Any]] = []
        self._stderr = bytearray()
        threading.Thread(target=self._read_stdout, daemon=True).start()
        threading.Thread(target=self._read_stderr, daemon=True).start()

    def _read_stdout(self) -> None:
        stdout = self.process.stdout
        assert stdout is not None
        while True:
            length = None
            while (line := stdout.readline()) not in (b"\r\n", b""):
                if (match := _HEADER.fullmatch(line)) is not None:
                    length = int(match.group(1))
            if not line:
                return
            assert length is not None, "the server sent a message without Content-Length"
            self.messages.put(json.loads(stdout.read(length)))

    def _read_stderr(self) -> None:
        stderr = self.process.stderr
        assert stderr is not None
        for line in iter(stderr.readline, b""):
            self._stderr += line

    @property
    def stderr(self) -> str:
        return self._stderr.decode("utf-8", "replace")

    def write(self, data: bytes) -> None:
        stdin = self.process.stdin
        assert stdin is not None
        stdin.write(data)
        stdin.flush()

    def send(self, message: dict[str, Any]) -> None:
        self.write(frame(message))

    def request(self, msg_id: int | str, method: str, params: Any) -> bytes:
        """The framed bytes of a request (not sent)."""
        return frame({"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params})

    def wait_for(
        self, predicate: Callable[[dict[str, Any]], bool], timeout: float = 10.0
    ) -> dict[str, Any]:
        """The first message (seen before or arriving within ``timeout``) that matches."""
        for message in self.received:
            if predicate(message):
                return message
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(
                    f"no matching message within {timeout} s; server stderr:\n{self.stderr}"
                )
            try:
                message = self.messages.get(timeout=remaining)
            except queue.Empty:
                continue
            self.received.append(message)
            if predicate(message):
                return message

    def answer_to(self, msg_id: int | str, timeout: float = 10.0) -> dict[str, Any]:
        """The response to request ``msg_id``."""
        return self.wait_for(lambda m: m.get("id") == msg_id and "method" not in m, timeout=timeout)

    def initialize(self) -> dict[str, Any]:
        self.write(self.request(0, "initialize", {"processId": None, "capabilities": {}}))
        answer = self.answer_to(0)
        self.send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
        return answer

    def close(self) -> int:
        """Shut the server down politely if it still runs; its exit code."""
        if self.process.poll() is None:
            try:
                self.write(self.request("bye", "shutdown", None))
                self.answer_to("bye", timeout=5)
                self.send({"jsonrpc": "2.0", "method": "exit", "params": None})
            except (AssertionError, BrokenPipeError, OSError):
                self.process.kill()
        try:
            return self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait(timeout=10)
