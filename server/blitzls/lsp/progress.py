"""Work-done progress for model calls, with the client's Cancel button wired to the task."""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from lsprotocol import types
from pygls.capabilities import get_capability
from pygls.lsp.server import LanguageServer

log = logging.getLogger(__name__)

REPORT_INTERVAL = 0.1  # seconds between progress reports
CHARS_PER_TOKEN = 4
CREATE_GRACE = 0.2  # seconds a finished action waits for the client to create its token


class Progress:
    """Reports tokens received and their rate; ``end`` says how it finished."""

    def __init__(self, server: LanguageServer | None, token: str | None) -> None:
        self._server = server
        self._token = token
        self._started = time.perf_counter()
        self._last = 0.0
        self.chars = 0
        self.outcome = "cancelled"

    def received(self, chars: int) -> None:
        """Called with the characters received so far; reports at most every 100 ms."""
        self.chars = chars
        now = time.perf_counter()
        if self._token is None or now - self._last < REPORT_INTERVAL:
            return
        self._last = now
        tokens = chars // CHARS_PER_TOKEN
        elapsed = max(now - self._started, 1e-6)
        self._notify(
            types.WorkDoneProgressReport(
                message=f"{tokens} tokens, {tokens / elapsed:.0f} tok/s", cancellable=True
            )
        )

    def end(self, message: str) -> None:
        self.outcome = message

    def _notify(self, value: Any) -> None:
        if self._server is not None and self._token is not None:
            try:
                self._server.work_done_progress.report(self._token, value)
            except Exception:  # a closed client must not fail the action
                log.debug("progress report failed", exc_info=True)


@asynccontextmanager
async def model_progress(server: LanguageServer, title: str) -> AsyncIterator[Progress]:
    """Show ``title`` as work-done progress while the body runs, if the client supports it.

    The body starts at once: progress begins when the client has created the token. Some
    clients (Helix) wait for ``codeAction/resolve`` before answering anything else, so
    waiting for ``window/workDoneProgress/create`` first would deadlock them. The client's
    Cancel button cancels the task running the body.
    """
    progress = Progress(None, None)
    if not get_capability(server.client_capabilities, "window.work_done_progress", False):
        yield progress
        return
    token = f"blitzls-{uuid.uuid4()}"
    task = asyncio.current_task()
    loop = asyncio.get_running_loop()
    running = True

    def cancel(_: Any) -> None:
        if running and task is not None:
            loop.call_soon_threadsafe(task.cancel)

    def created(future: asyncio.Future[Any]) -> None:
        if not running or future.cancelled() or future.exception() is not None:
            return
        progress._server, progress._token = server, token
        cancel_future = server.work_done_progress.tokens.get(token)
        if cancel_future is not None:
            cancel_future.add_done_callback(cancel)
        server.work_done_progress.begin(
            token, types.WorkDoneProgressBegin(title=f"blitzls: {title}", cancellable=True)
        )

    creating = asyncio.ensure_future(server.work_done_progress.create_async(token))
    creating.add_done_callback(created)
    await asyncio.sleep(0)  # lets a prompt answer (the usual case) begin before any work
    try:
        yield progress
    except asyncio.CancelledError:
        progress.outcome = "cancelled"
        raise
    except Exception as exc:
        progress.outcome = f"failed: {exc}"
        raise
    finally:
        if not creating.done() and progress.outcome != "cancelled":
            # a quick body (a cache hit) still shows its outcome once the token exists
            await asyncio.wait([creating], timeout=CREATE_GRACE)
        running = False
        if progress._token is not None:
            server.work_done_progress.end(
                token, types.WorkDoneProgressEnd(message=progress.outcome)
            )
        # pygls never forgets a token: its cancel future would stay in memory for good.
        # An unanswered create is cancelled first, or it would register the token later.
        creating.cancel()
        server.work_done_progress.tokens.pop(token, None)
