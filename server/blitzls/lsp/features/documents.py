"""Open documents, kept as line lists that update incrementally (no second copy in pygls)."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from lsprotocol import types
from pygls.uris import to_fs_path

from blitzls.lsp.client import Client
from blitzls.lsp.convert import from_position
from blitzls.lsp.protocol import Unreadable
from blitzls.text.document import TextDocument
from blitzls.text.positions import Encoding

if TYPE_CHECKING:
    from blitzls.engine import Snapshot


class DocumentSync:
    """``didOpen``/``didChange``/``didClose`` into ``TextDocument``s, in the negotiated encoding."""

    def __init__(self, client: Client) -> None:
        self.client = client
        self.documents: dict[str, TextDocument] = {}
        self.encoding: Encoding = "utf-16"
        self.root_path: str | None = None
        self.on_change: list[Callable[[str], None]] = []  # called with the URI

    def initialize(self, encoding: str, root_path: str | None) -> None:
        self.encoding = encoding if encoding in ("utf-8", "utf-16", "utf-32") else "utf-16"  # type: ignore[assignment]
        self.root_path = root_path or None

    def get(self, uri: str) -> TextDocument | None:
        return self.documents.get(uri)

    # --- notifications --------------------------------------------------------------

    def did_open(self, params: types.DidOpenTextDocumentParams) -> None:
        item = params.text_document
        self.documents[item.uri] = TextDocument(item.uri, item.text, item.version, item.language_id)
        self._changed(item.uri)

    def did_change(self, params: types.DidChangeTextDocumentParams) -> None:
        uri, version = params.text_document.uri, params.text_document.version
        doc = self.documents.get(uri)
        if doc is None:
            return
        for change in params.content_changes:
            if isinstance(change, types.TextDocumentContentChangePartial):
                span = (from_position(change.range.start), from_position(change.range.end))
                doc.apply_change(change.text, span, self.encoding, version)
            else:
                doc.apply_change(change.text, None, self.encoding, version)
        doc.version = version
        self._changed(uri)

    def did_close(self, params: types.DidCloseTextDocumentParams) -> None:
        self.documents.pop(params.text_document.uri, None)
        self._changed(params.text_document.uri)

    def unreadable(self, message: Unreadable) -> None:
        """A change we cannot read leaves our copy of the document wrong: forget it, so no
        action edits text the editor no longer has, until the editor opens it again."""
        if message.method != types.TEXT_DOCUMENT_DID_CHANGE:
            return
        params = message.params if isinstance(message.params, Mapping) else {}
        document = params.get("textDocument")
        uri = document.get("uri") if isinstance(document, Mapping) else None
        if not isinstance(uri, str) or self.documents.pop(uri, None) is None:
            return
        self._changed(uri)
        self.client.message(
            f"could not read a change to {self.label_for(uri)} ({message.problem}); "
            "actions on it are off until the editor reopens it",
            types.MessageType.Warning,
        )

    def _changed(self, uri: str) -> None:
        for listener in self.on_change:
            listener(uri)

    # --- what actions see -----------------------------------------------------------

    def label_for(self, uri: str) -> str:
        """The name the model sees for a document: workspace-relative path when possible."""
        path = to_fs_path(uri)
        if not path:
            return uri
        if self.root_path:
            try:
                relative = os.path.relpath(path, self.root_path)
            except ValueError:
                relative = path
            if not relative.startswith(".."):
                return relative.replace(os.sep, "/")
        return os.path.basename(path)

    def snapshot(self, doc: TextDocument) -> Snapshot:
        """An immutable copy of ``doc`` for the engine."""
        from blitzls.engine import Snapshot

        return Snapshot(
            tuple(doc.lines),
            doc.version,
            doc.language_id,
            self.label_for(doc.uri),
            to_fs_path(doc.uri) or "",
        )
