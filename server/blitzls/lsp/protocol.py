"""The LSP protocol: every request answered, and document sync without a second copy.

What public pygls API cannot do, and so is done here by subclassing ``LanguageServerProtocol``
(each is exercised by a test that fails if a pygls upgrade breaks it):

- ``structure_message``/``handle_message`` (public methods): answer requests whose params
  fail validation, requests that are not JSON-RPC 2.0 and requests after ``shutdown``;
  pygls only logs the first two and drops the last (tests/e2e/test_bad_input.py).
- ``_send_response`` (private, called): pygls has no public way to answer a request outside
  a handler (same tests).
- ``_handle_response`` (private, overridden) with ``_request_futures`` (private, read): drop
  a client's late answer to a server request whose waiter was cancelled; pygls would raise
  and show "Error in server" (test_late_answer_to_a_cancelled_server_request_is_dropped).
- the built-in ``didOpen``/``didChange``/``didClose`` handlers (public methods, by name):
  pygls keeps its own copy of every document and re-splits it on access; blitzls keeps line
  lists that update incrementally, so these only forward to ``documents``
  (every end-to-end test that edits a document).
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

import cattrs
from lsprotocol import types
from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams, JsonRpcInvalidRequest
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.json_rpc import RPCRequest
from pygls.protocol.language_server import lsp_method

log = logging.getLogger(__name__)


class Unreadable:
    """A JSON-RPC message whose params do not match the LSP types (e.g. ``line: -1``)."""

    __slots__ = ("method", "msg_id", "params", "problem")

    def __init__(self, method: str, msg_id: int | str | None, params: Any, problem: str) -> None:
        self.method = method
        self.msg_id = msg_id  # None for a notification
        self.params = params  # as received
        self.problem = problem


class DocumentSink(Protocol):
    """Where document synchronisation goes (``features.documents.DocumentSync``); declared
    here so that this module needs nothing from the features built on it."""

    def did_open(self, params: types.DidOpenTextDocumentParams) -> None: ...

    def did_change(self, params: types.DidChangeTextDocumentParams) -> None: ...

    def did_close(self, params: types.DidCloseTextDocumentParams) -> None: ...

    def unreadable(self, message: Unreadable) -> None: ...


class _NoDeserializeTraceback(logging.Filter):
    """pygls logs a traceback for every message it cannot structure; we log one line."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Unable to deserialize message")


logging.getLogger("pygls.protocol.json_rpc").addFilter(_NoDeserializeTraceback())


class BlitzProtocol(LanguageServerProtocol):
    """Answers every request, and forwards text synchronisation to ``documents``."""

    documents: DocumentSink | None = None
    shutting_down = False  # set by the server's shutdown handler

    # --- every request answered -----------------------------------------------------

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
        """Answer what pygls would leave unanswered (the client would wait forever)."""
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
        if self.shutting_down and isinstance(message, RPCRequest) and message.method != types.EXIT:
            self._answer_error(message.id, JsonRpcInvalidRequest("the server is shutting down"))
            return None
        return super().handle_message(message)

    def _unreadable(self, message: Unreadable) -> None:
        what = f"invalid params for {message.method}: {message.problem}"
        log.warning("%s", what)
        if message.msg_id is not None:
            self._answer_error(message.msg_id, JsonRpcInvalidParams(what))
        elif self.documents is not None:
            self.documents.unreadable(message)

    def _answer_error(self, msg_id: int | str, error: JsonRpcException) -> None:
        # pygls has no public way to answer a request outside a handler.
        self._send_response(msg_id, error=error.to_response_error())

    def _handle_response(self, msg_id: Any, result: Any = None, error: Any = None) -> None:
        """Drop a client's answer to a server request whose waiter was cancelled meanwhile
        (an ``applyEdit`` of a cancelled command, a progress ``create`` of an action that
        ended): pygls would call ``set_result`` on the cancelled future and raise."""
        future = self._request_futures.get(msg_id)
        if future is not None and future.cancelled():
            self._request_futures.pop(msg_id, None)
            return
        super()._handle_response(msg_id, result, error)

    # --- document sync into blitzls's own store -------------------------------------

    @lsp_method(types.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params: types.DidOpenTextDocumentParams) -> None:
        if self.documents is not None:
            self.documents.did_open(params)

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: types.DidChangeTextDocumentParams) -> None:
        if self.documents is not None:
            self.documents.did_change(params)

    @lsp_method(types.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params: types.DidCloseTextDocumentParams) -> None:
        if self.documents is not None:
            self.documents.did_close(params)


def _has_method(message: Any) -> bool:
    return (isinstance(message, dict) and "method" in message) or hasattr(message, "method")


def _describe(exc: JsonRpcException) -> str:
    """Which values failed validation and where, e.g. ``… but was -1. @ $.params.range.start``."""
    cause = exc.__cause__
    if isinstance(cause, cattrs.BaseValidationError):
        return "; ".join(cattrs.transform_error(cause, format_exception=lambda e, _: str(e)))
    return str(cause or exc)
