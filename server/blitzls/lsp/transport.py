"""Where the server reads and writes: stdio, or one TCP connection, both through framing."""

from __future__ import annotations

import logging
import socket
import sys
from typing import BinaryIO, cast

from pygls.lsp.server import LanguageServer

from blitzls.lsp.framing import FramedReader

log = logging.getLogger(__name__)


def serve_stdio(server: LanguageServer) -> None:
    """Serve the editor on stdin/stdout until it exits or closes stdin."""
    # start_io only calls readline() and read(n) on what it is given (checked by
    # tests/e2e/test_framing.py): the FramedReader stands in for the binary stream.
    server.start_io(stdin=cast(BinaryIO, FramedReader(sys.stdin.buffer)))


def serve_tcp(server: LanguageServer, host: str, port: int) -> None:
    """Accept one client on ``host:port`` and serve it until it disconnects.

    pygls's own ``start_tcp`` reads with asyncio streams that bypass the framing checks; one
    connection at a time is all it served too (the server shuts down when it ends).
    """
    with socket.create_server((host, port)) as listener:
        log.info("listening on %s:%d", host, port)
        connection, peer = listener.accept()
    log.info("client connected from %s:%d", *peer[:2])
    with connection, connection.makefile("rb") as reading, connection.makefile("wb") as writing:
        server.start_io(stdin=cast(BinaryIO, FramedReader(reading)), stdout=writing)
