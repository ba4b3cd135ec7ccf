"""Broken message framing on stdin: the server resynchronises and keeps answering."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.raw_lsp import RawServer, frame

LISTING = {
    "textDocument": {"uri": "file:///never-opened.py"},
    "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
    "context": {"diagnostics": []},
}
LOST = {"jsonrpc": "2.0", "id": "lost", "method": "textDocument/codeAction", "params": LISTING}
# A body far larger than any header line, so skipping it cannot be done line by line.
BIG = {**LOST, "params": {**LISTING, "padding": "x" * 200_000}}
BODY = json.dumps(LOST).encode()

BAD_FRAMES = {
    "letters": (frame(BODY, length=b"abc"), "Content-Length 'abc' is not a byte count"),
    "negative": (frame(BODY, length=b"-5"), "Content-Length '-5' is not a byte count"),
    "missing": (
        b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n" + BODY,
        "a message without Content-Length",
    ),
    "too small": (frame(BODY, length=b"10"), "that are not a message header"),
    "too large": (
        frame(json.dumps(BIG).encode(), length=b"99999999999"),
        "Content-Length 99999999999 is over the limit",
    ),
}


@pytest.fixture
def server(server_env: dict[str, str], tmp_path: Path) -> Iterator[RawServer]:
    raw = RawServer(server_env)
    try:
        raw.initialize()
        yield raw
    finally:
        raw.close()


@pytest.mark.parametrize("case", list(BAD_FRAMES))
def test_a_bad_frame_is_skipped_and_the_next_request_answered(case: str, server: RawServer) -> None:
    bad, logged = BAD_FRAMES[case]
    server.write(bad + server.request(7, "textDocument/codeAction", LISTING))
    answer = server.answer_to(7)
    assert answer["result"] is None  # a document that is not open offers nothing
    assert server.process.poll() is None
    assert logged in server.stderr
    assert "MemoryError" not in server.stderr and "Traceback" not in server.stderr


def test_bad_frames_in_a_row_and_a_message_split_across_writes(server: RawServer) -> None:
    for bad, _ in BAD_FRAMES.values():
        server.write(bad)
    good = server.request(8, "textDocument/codeAction", LISTING)
    for start in range(0, len(good), 7):  # arrives a few bytes at a time
        server.write(good[start : start + 7])
    assert server.answer_to(8)["result"] is None
    # a second good request right after is read as one message, not glued to the first
    server.write(server.request(9, "textDocument/codeAction", LISTING))
    assert server.answer_to(9)["result"] is None
    assert "lost" not in [m.get("id") for m in server.received]


def test_end_of_input_inside_a_body_ends_the_server(server_env: dict[str, str]) -> None:
    raw = RawServer(server_env)
    raw.initialize()
    raw.write(frame(BODY, length=str(len(BODY) + 100).encode()))
    assert raw.process.stdin is not None
    raw.process.stdin.close()
    assert raw.process.wait(timeout=10) is not None
    assert "Traceback" not in raw.stderr


@pytest.mark.parametrize(
    "body", [b"{not json at all}", b'{"jsonrpc": "2.0", "id": 1,}', b"{\xff\xfe}"],
    ids=["not json", "trailing comma", "not utf-8"],
)  # fmt: skip
def test_a_well_framed_body_that_is_not_json_is_logged_not_shown(
    body: bytes, server: RawServer
) -> None:
    """A correctly framed body that does not parse: one log line, no "Error in server"
    message popping up in the editor, and the next request is answered."""
    server.write(frame(body) + server.request(7, "textDocument/codeAction", LISTING))
    assert server.answer_to(7)["result"] is None
    assert not [m for m in server.received if m.get("method") == "window/showMessage"]
    assert f"skipped a {len(body)}-byte message that is not JSON (" in server.stderr
    assert "Traceback" not in server.stderr
