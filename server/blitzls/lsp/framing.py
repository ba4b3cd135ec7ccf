"""Message framing on the server's input: only well-formed messages reach pygls.

pygls 2.x reads ``Content-Length: N`` and then ``N`` bytes, with nothing in between checked: a
header it cannot parse makes it skip the message *and* every later one (the body is glued to
the next header line), and a huge ``N`` is allocated before anything arrives. ``FramedReader``
sits between the raw stream and pygls (``LanguageServer.start_io(stdin=…)`` takes any object
with ``readline()`` and ``read(n)``): it parses headers strictly, bounds every read, and after
a bad frame skips input up to the next ``Content-Length`` header, logging one line per problem.
pygls then sees a canonical ``Content-Length`` line, a blank line and the body.
"""

from __future__ import annotations

import logging
import re
from typing import Protocol

log = logging.getLogger(__name__)

MAX_MESSAGE_BYTES = 64 * 1024 * 1024  # a larger Content-Length is refused unread
MAX_HEADER_LINE = 8 * 1024
_HEADER_NAME = re.compile(rb"[A-Za-z0-9-]+")
# A Content-Length header at the end of a line, possibly glued to leftover body bytes.
_EMBEDDED_LENGTH = re.compile(rb"Content-Length:[ \t]*(\S*)[ \t]*\r?\n\Z", re.IGNORECASE)
_SCAN_TAIL = 64  # bytes of a long line kept to find a header that ends it


class RawInput(Protocol):
    """A blocking binary stream: ``sys.stdin.buffer`` or a socket file."""

    def readline(self, size: int = -1, /) -> bytes: ...

    def read(self, size: int = -1, /) -> bytes: ...


class FramedReader:
    """Yields pygls one well-framed message at a time; ``b""`` at the end of input."""

    def __init__(self, raw: RawInput, max_bytes: int = MAX_MESSAGE_BYTES) -> None:
        self._raw = raw
        self._max_bytes = max_bytes
        self._pending: list[bytes] = []  # header lines not yet handed to pygls
        self._body = b""
        self._carry: bytes | None = None  # a header line found while skipping

    # --- what pygls calls ---------------------------------------------------------------

    def readline(self) -> bytes:
        if not self._pending:
            body = self._next_body()
            if body is None:
                return b""
            self._body = body
            self._pending = [b"Content-Length: %d\r\n" % len(body), b"\r\n"]
        return self._pending.pop(0)

    def read(self, size: int = -1) -> bytes:
        body, self._body = self._body, b""
        return body

    # --- parsing ------------------------------------------------------------------------

    def _next_body(self) -> bytes | None:
        """The next message's body; None at the end of input."""
        while True:
            length = self._read_headers()
            if length is None:
                return None
            if length < 0:  # a bad frame, already logged
                if not self._skip_to_header():
                    return None
                continue
            body = self._raw.read(length)
            if len(body) < length:
                log.warning("input ended inside a message (%d of %d bytes)", len(body), length)
                return None
            stripped = body.strip()
            if stripped[:1] not in (b"{", b"[") or stripped[-1:] not in (b"}", b"]"):
                log.warning(
                    "skipped a %d-byte message that is not JSON (its Content-Length is "
                    "probably wrong); reading on from the next header",
                    length,
                )
                continue
            return body

    def _read_headers(self) -> int | None:
        """The Content-Length of the next frame, -1 for a bad frame, None at the end."""
        length: int | None = None
        seen = False
        while True:
            if self._carry is not None:
                line, self._carry = self._carry, None
            else:
                line = self._raw.readline(MAX_HEADER_LINE)
            if not line:
                if seen:
                    log.warning("input ended inside a message header")
                return None
            if not line.endswith(b"\n"):
                return self._bad(f"a header line longer than {MAX_HEADER_LINE} bytes")
            if not line.strip():
                if not seen:
                    continue  # a stray line break between messages
                if length is None:
                    return self._bad("a message without Content-Length")
                return length
            name, colon, value = line.partition(b":")
            if not colon or _HEADER_NAME.fullmatch(name) is None:
                embedded = _EMBEDDED_LENGTH.search(line)
                if embedded is None:
                    return self._bad(f"{len(line)} bytes that are not a message header")
                skipped = embedded.start()
                log.warning(
                    "skipped %d bytes that are not a message header; reading on from the "
                    "Content-Length after them",
                    skipped,
                )
                name, _, value = line[skipped:].partition(b":")
            seen = True
            if name.lower() == b"content-length":
                length = self._length(value.strip())
                if length < 0:
                    return -1

    def _length(self, value: bytes) -> int:
        shown = value[:40].decode("ascii", "replace")
        if not value.isdigit():
            return self._bad(f"Content-Length {shown!r} is not a byte count")
        length = int(value)
        if length == 0:
            return self._bad("Content-Length 0")
        if length > self._max_bytes:
            return self._bad(f"Content-Length {shown} is over the limit of {self._max_bytes} bytes")
        return length

    def _bad(self, problem: str) -> int:
        log.warning("bad message framing: %s; skipping to the next message", problem)
        return -1

    def _skip_to_header(self) -> bool:
        """Discard input up to the next line that ends in a Content-Length header.

        Reads at most ``MAX_HEADER_LINE`` bytes at a time and keeps only a short tail, so a
        message of any size is skipped in bounded memory. False at the end of input.
        """
        tail = b""
        while True:
            chunk = self._raw.readline(MAX_HEADER_LINE)
            if not chunk:
                return False
            window = tail + chunk
            if chunk.endswith(b"\n") and (found := _EMBEDDED_LENGTH.search(window)):
                self._carry = window[found.start() :]
                return True
            tail = b"" if chunk.endswith(b"\n") else window[-_SCAN_TAIL:]
