"""The LSP protocol: every request answered, and document sync without a second copy.

pygls keeps its own copy of every open document and recomputes its line list on each
access; blitzls keeps documents as line lists that update incrementally (see
``blitzls.text.document``), so the built-in sync handlers here only forward to ours.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Any

import cattrs
from lsprotocol import types
from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams, JsonRpcInvalidRequest
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.json_rpc import RPCRequest
from pygls.protocol.language_server import lsp_method

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Unreadable:
    """A JSON-RPC message whose params do not match the LSP types (e.g. ``line: -1``)."""

    method: str
    msg_id: int | str | None  # None for a notification
    params: Any  # as received
    problem: str


class _NoDeserializeTraceback(logging.Filter):
    """pygls logs a traceback for every message it cannot structure; we log one line."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Unable to deserialize message")


logging.getLogger("pygls.protocol.json_rpc").addFilter(_NoDeserializeTraceback())


class BlitzProtocol(LanguageServerProtocol):
    """Answers every request, and forwards text synchronisation to the server's handlers."""

    on_unreadable_notification: Callable[[Unreadable], None] | None = None

    def structure_message(self, data: dict[str, Any]) -> Any:
        """Turn a message that fails validation into an ``Unreadable`` instead of raising.

        pygls raises from inside ``json.loads`` and its read loop only logs that, so a
        request with an out-of-range position would never be answered, and a client's
        answer to a server request would leave the server waiting forever.
        """
        try:
            return super().structure_message(data)
        except JsonRpcException as exc:
            problem = _describe(exc)
            if "method" in data:
                msg_id = data.get("id") if isinstance(data.get("id"), (int, str)) else None
                return Unreadable(str(data["method"]), msg_id, data.get("params"), problem)
            # a response to one of our requests: fail its waiter with the reason
            error = JsonRpcInvalidParams(f"unreadable answer: {problem}").to_response_error()
            return types.ResponseErrorMessage(id=data.get("id"), error=error)

    def handle_message(self, message: Any) -> Any:
        """Answer what pygls would leave unanswered (the client would wait forever):
        requests whose params are invalid, requests that are not JSON-RPC 2.0, and requests
        after ``shutdown``. Unreadable notifications go to ``on_unreadable_notification``."""
        if isinstance(message, Unreadable):
            return self._unreadable(message)
        if getattr(message, "jsonrpc", None) != self.VERSION:
            msg_id = (
                message.get("id") if isinstance(message, dict) else getattr(message, "id", None)
            )
            log.warning("ignored a message that is not JSON-RPC 2.0")
            if isinstance(msg_id, (int, str)) and _has_method(message):
                self._answer_error(msg_id, JsonRpcInvalidRequest("not a JSON-RPC 2.0 request"))
            return None
        if self._shutdown and isinstance(message, RPCRequest) and message.method != types.EXIT:
            self._answer_error(message.id, JsonRpcInvalidRequest("the server is shutting down"))
            return None
        return super().handle_message(message)

    def _unreadable(self, message: Unreadable) -> None:
        what = f"invalid params for {message.method}: {message.problem}"
        log.warning("%s", what)
        if message.msg_id is not None:
            self._answer_error(message.msg_id, JsonRpcInvalidParams(what))
        elif self.on_unreadable_notification is not None:
            self.on_unreadable_notification(message)

    def _answer_error(self, msg_id: int | str, error: JsonRpcException) -> None:
        # pygls has no public way to answer a request outside a handler.
        self._send_response(msg_id, error=error.to_response_error())

    def _handle_response(self, msg_id: Any, result: Any = None, error: Any = None) -> None:
        """Drop a client's answer to a server request whose waiter was cancelled meanwhile
        (e.g. a progress ``create`` of an action the user cancelled); pygls would raise."""
        future = self._request_futures.get(msg_id)
        if future is not None and future.cancelled():
            self._request_futures.pop(msg_id, None)
            return
        super()._handle_response(msg_id, result, error)

    def _forward(self, method: str, params: Any) -> Generator[Any, Any, None]:
        if (handler := self.fm.features.get(method)) is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(
        self, params: types.DidOpenTextDocumentParams
    ) -> Generator[Any, Any, None]:
        yield from self._forward(types.TEXT_DOCUMENT_DID_OPEN, params)

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(
        self, params: types.DidChangeTextDocumentParams
    ) -> Generator[Any, Any, None]:
        yield from self._forward(types.TEXT_DOCUMENT_DID_CHANGE, params)

    @lsp_method(types.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(
        self, params: types.DidCloseTextDocumentParams
    ) -> Generator[Any, Any, None]:
        yield from self._forward(types.TEXT_DOCUMENT_DID_CLOSE, params)


def _has_method(message: Any) -> bool:
    return (isinstance(message, dict) and "method" in message) or hasattr(message, "method")


def _describe(exc: JsonRpcException) -> str:
    """Which values failed validation and where, e.g. ``… but was -1. @ $.params.range.start``."""
    cause = exc.__cause__
    if isinstance(cause, cattrs.BaseValidationError):
        return "; ".join(cattrs.transform_error(cause, format_exception=lambda e, _: str(e)))
    return str(cause or exc)
