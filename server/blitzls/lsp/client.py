"""Talking to the editor: messages, log lines, notifications and what it says it supports."""

from __future__ import annotations

import logging
from typing import Any

from lsprotocol import types
from pygls.capabilities import get_capability
from pygls.lsp.server import LanguageServer

_log = logging.getLogger("blitzls.lsp.server")


class Client:
    """The editor at the other end of the connection, as the features see it."""

    def __init__(self, server: LanguageServer) -> None:
        self.server = server

    def supports(self, path: str, default: Any = None) -> Any:
        """A client capability by dotted path, e.g. ``workspace.configuration``."""
        return get_capability(self.server.client_capabilities, path, default)

    def resolves_edits(self) -> bool:
        props = self.supports("text_document.code_action.resolve_support.properties", []) or []
        return "edit" in props

    def uses_document_changes(self) -> bool:
        return bool(self.supports("workspace.workspace_edit.document_changes", False))

    def message(self, text: str, kind: types.MessageType = types.MessageType.Error) -> None:
        """Show ``text`` to the user, and keep it in the server's log (--log-file)."""
        _log.log(logging.WARNING if kind <= types.MessageType.Warning else logging.INFO, "%s", text)
        self.server.window_show_message(
            types.ShowMessageParams(type=kind, message=f"blitzls: {text}")
        )

    def log(self, text: str, kind: types.MessageType = types.MessageType.Info) -> None:
        """Write ``text`` to the editor's log for this server (and to ours)."""
        _log.log(logging.INFO if kind <= types.MessageType.Info else logging.DEBUG, "%s", text)
        self.server.window_log_message(types.LogMessageParams(type=kind, message=text))

    def notify(self, method: str, params: Any) -> None:
        self.server.protocol.notify(method, params)
