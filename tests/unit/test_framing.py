"""FramedReader: strict headers, bounded reads, resynchronisation after a bad frame."""

from __future__ import annotations

import io
import json

import pytest

from blitzls.lsp.framing import MAX_HEADER_LINE, FramedReader


class Recording(io.BytesIO):
    """A stream that remembers the largest read asked of it."""

    largest = 0

    def read(self, size: int | None = -1, /) -> bytes:
        self.largest = max(self.largest, size or 0)
        return super().read(size)

    def readline(self, size: int | None = -1, /) -> bytes:
        self.largest = max(self.largest, size or 0)
        return super().readline(size)


def body(n: int) -> bytes:
    return json.dumps({"jsonrpc": "2.0", "id": n, "method": "m"}).encode()


def framed(data: bytes, length: bytes | None = None, extra: bytes = b"") -> bytes:
    value = str(len(data)).encode() if length is None else length
    return b"Content-Length: " + value + b"\r\n" + extra + b"\r\n" + data


def messages(stream: bytes, **kwargs: int) -> list[bytes]:
    """What pygls would read: each message as its header lines and body, checked."""
    reader = FramedReader(Recording(stream), **kwargs)
    out = []
    while header := reader.readline():
        length = int(header.removeprefix(b"Content-Length: ").rstrip())
        assert reader.readline() == b"\r\n"
        data = reader.read(length)
        assert len(data) == length
        out.append(data)
    return out


def test_good_frames_pass_through_with_other_headers_and_spelling() -> None:
    stream = (
        framed(body(1))
        + framed(body(2), extra=b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n")
        + b"content-length: %d\n\n" % len(body(3))
        + body(3)
        + b"\r\n"  # a stray line break between messages
        + framed(body(4))
    )
    assert messages(stream) == [body(1), body(2), body(3), body(4)]


@pytest.mark.parametrize(
    "bad",
    [
        framed(body(0), b"abc"),
        framed(body(0), b"-5"),
        framed(body(0), b""),
        framed(body(0), b"0"),
        framed(body(0), b"10"),  # too small: the rest is glued to the next header
        framed(body(0), b"99999999999"),
        b"Content-Type: text/plain\r\n\r\n" + body(0),  # no Content-Length
        b"garbage without any structure\r\n",
        b"X" * (MAX_HEADER_LINE * 3) + b"\r\n",  # a header line that never ends
    ],
)
def test_a_bad_frame_is_skipped_and_the_next_one_read(bad: bytes) -> None:
    assert messages(bad + framed(body(1)) + framed(body(2))) == [body(1), body(2)]


def test_a_huge_claim_is_never_allocated_and_a_long_body_is_skipped_in_pieces() -> None:
    huge = framed(b'{"x": "' + b"y" * 1_000_000 + b'"}', b"99999999999")
    stream = Recording(huge + framed(body(1)))
    reader = FramedReader(stream)
    assert reader.readline() == b"Content-Length: %d\r\n" % len(body(1))
    assert stream.largest <= MAX_HEADER_LINE


def test_the_size_limit_is_a_parameter() -> None:
    assert messages(framed(body(1)) + framed(body(10)), max_bytes=len(body(1))) == [body(1)]
    assert messages(framed(body(10)) + framed(body(1)), max_bytes=len(body(1))) == [body(1)]


def test_end_of_input_anywhere_ends_the_stream() -> None:
    whole = framed(body(1))
    for cut in range(len(whole)):
        assert messages(whole[:cut]) == []
    assert messages(whole) == [body(1)]


def test_a_header_split_across_the_scan_window_is_found() -> None:
    # the bad frame's body ends so that the next header straddles a read boundary
    filler = b"z" * (MAX_HEADER_LINE - 5)
    stream = framed(filler, b"nope") + framed(body(1))
    assert messages(stream) == [body(1)]
