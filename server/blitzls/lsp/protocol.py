"""The LSP protocol: every request answered, and document sync without a second copy.

What public pygls API cannot do, and so is done here by subclassing ``LanguageServerProtocol``
(each is exercised by a test that fails if a pygls upgrade breaks it):

- ``structure_message``/``handle_message`` (public methods): answer requests whose params
  fail validation, requests that are not JSON-RPC 2.0, requests before ``initialize``
  (ServerNotInitialized, as the LSP asks; notifications then are dropped) and after
  ``shutdown``, and requests whose id is not an integer or a string (InvalidRequest with
  ``"id": null``); pygls only logs the first two, answers the third, drops the fourth and
  fails on the last with a traceback (tests/e2e/test_bad_input.py).
- ``_send_response`` and ``_send_data`` (private, called): pygls has no public way to answer
  a request outside a handler, nor to send ``"id": null`` (its converter drops a None id)
  (same tests).
- ``_handle_response`` (private, overridden) with ``_request_futures`` (private, read): drop
  a client's late answer to a server request whose waiter was cancelled; pygls would raise
  and show "Error in server" (test_late_answer_to_a_cancelled_server_request_is_dropped).
- the built-in ``didOpen``/``didChange``/``didClose`` handlers (public methods, by name):
  pygls keeps its own copy of every document and re-splits it on access; blitzls keeps line
  lists that update incrementally, so these only forward to ``documents``
  (every end-to-end test that edits a document).
"""

from __future__ import annotations

import json
import logging
from typing import Any, Protocol, TypeGuard

import cattrs
from lsprotocol import types
from pygls.exceptions import (
    JsonRpcException,
    JsonRpcInvalidParams,
    JsonRpcInvalidRequest,
    JsonRpcServerNotInitialized,
)
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


class BadId:
    """A JSON-RPC message whose ``id`` is neither an integer nor a string (an object, an
    array, ``true``, ``1.5``, ``null``): it cannot be answered by that id."""

    __slots__ = ("is_request",)

    def __init__(self, is_request: bool) -> None:
        self.is_request = is_request


def valid_id(value: Any) -> TypeGuard[int | str]:
    """An LSP message id: an integer or a string (``true`` is not an integer here)."""
    return isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool))


def not_json(error: BaseException) -> bool:
    """Whether pygls failed on a message body that is not JSON (or not UTF-8)."""
    return isinstance(error, (json.JSONDecodeError, UnicodeDecodeError))


def log_not_json(error: BaseException) -> None:
    """One log line for a well-framed body that does not parse (pygls would show the user
    "Error in server: …" and log a traceback)."""
    size = 0
    if isinstance(error, json.JSONDecodeError):
        size = len(error.doc.encode("utf-8", "surrogatepass"))
    elif isinstance(error, UnicodeDecodeError):
        size = len(error.object)
    log.warning(
        "skipped a %d-byte message that is not JSON (%s); reading on from the next header",
        size,
        error,
    )


class _NoParseTraceback(logging.Filter):
    """pygls logs a traceback for a body that is not JSON; ``log_not_json`` logs one line."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and record.exc_info[1] and not_json(record.exc_info[1]))


logging.getLogger("pygls.server").addFilter(_NoParseTraceback())


class BlitzProtocol(LanguageServerProtocol):
    """Answers every request, and forwards text synchronisation to ``documents``."""

    documents: DocumentSink | None = None
    shutting_down = False  # set by the server's shutdown handler
    initialize_seen = False  # until then only ``initialize`` and ``exit`` are served

    # --- every request answered -----------------------------------------------------

    def structure_message(self, data: dict[str, Any]) -> Any:
        """Turn a message that fails validation into an ``Unreadable`` instead of raising.

        pygls raises from inside ``json.loads`` and its read loop only logs that, so a
        request with an out-of-range position would never be answered, and a client's
        answer to a server request would leave the server waiting forever.
        """
        if "jsonrpc" in data and "id" in data and not valid_id(data["id"]):
            return BadId(is_request="method" in data)
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
        if isinstance(message, BadId):
            return self._bad_id(message.is_request)
        if isinstance(message, Unreadable):
            return self._unreadable(message)
        if getattr(message, "jsonrpc", None) != self.VERSION:
            msg_id = (
                message.get("id") if isinstance(message, dict) else getattr(message, "id", None)
            )
            log.warning("ignored a message that is not JSON-RPC 2.0")
            if _has_method(message) and valid_id(msg_id):
                self._answer_error(msg_id, JsonRpcInvalidRequest("not a JSON-RPC 2.0 request"))
            elif _has_method(message) and isinstance(message, dict) and "id" in message:
                self._answer_without_id("not a JSON-RPC 2.0 request")
            return None
        if not self.initialize_seen and not self._before_initialize(message):
            return None
        if self.shutting_down and isinstance(message, RPCRequest) and message.method != types.EXIT:
            self._answer_error(message.id, JsonRpcInvalidRequest("the server is shutting down"))
            return None
        return super().handle_message(message)

    def _before_initialize(self, message: Any) -> bool:
        """Whether to handle ``message`` before ``initialize``: only ``initialize`` itself
        and ``exit`` (the LSP); other requests get ServerNotInitialized, other notifications
        are dropped."""
        method = getattr(message, "method", None)
        if method == types.INITIALIZE:
            self.initialize_seen = True
            return True
        if method == types.EXIT or method is None:  # exit, or an answer to us
            return True
        if isinstance(message, RPCRequest):
            error = JsonRpcServerNotInitialized(
                "the server is not initialized yet (send initialize first)"
            )
            self._answer_error(message.id, error)
        else:
            log.warning("dropped a %s notification sent before initialize", method)
        return False

    def _bad_id(self, is_request: bool) -> None:
        """JSON-RPC: a request that cannot be answered by its id is answered with
        InvalidRequest and ``"id": null``; an answer with such an id matches nothing."""
        log.warning("ignored a message whose id is not an integer or a string")
        if is_request:
            self._answer_without_id("invalid request: its id must be an integer or a string")

    def _answer_without_id(self, message: str) -> None:
        """InvalidRequest with ``"id": null`` (pygls's converter would drop a None id)."""
        error = {"code": JsonRpcInvalidRequest.CODE, "message": message}
        self._send_data({"jsonrpc": self.VERSION, "id": None, "error": error})

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
