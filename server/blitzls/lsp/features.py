"""LSP handlers: lifecycle, document sync, code actions and commands."""

from __future__ import annotations

import logging
from typing import Any

from lsprotocol import types

from blitzls.actions import BUILTIN_ACTIONS, ActionSpec
from blitzls.config import Settings
from blitzls.lsp.convert import from_position
from blitzls.lsp.server import (
    APPLY_ACTION_COMMAND,
    ActionFailed,
    BlitzServer,
    _lines_digest,
)
from blitzls.targets import lines_for_range
from blitzls.text.comments import line_comment_prefixes
from blitzls.text.document import TextDocument

log = logging.getLogger(__name__)

ACTION_KINDS = sorted({a.kind for a in BUILTIN_ACTIONS.values()})


def create_server(settings: Settings, overrides: dict[str, Any] | None = None) -> BlitzServer:
    """A server with every handler registered."""
    server = BlitzServer(settings, overrides)
    _register(server)
    return server


def _register(server: BlitzServer) -> None:
    @server.feature(types.INITIALIZE)
    def initialize(ls: BlitzServer, params: types.InitializeParams) -> None:
        encoding = str(ls.workspace.position_encoding or "utf-16")
        ls.encoding = encoding if encoding in ("utf-8", "utf-16", "utf-32") else "utf-16"  # type: ignore[assignment]
        root = ls.workspace.root_path
        ls.root_path = root or None
        for problem in ls.apply_options(params.initialization_options):
            ls.pending_messages.append(
                types.ShowMessageParams(
                    type=types.MessageType.Warning,
                    message=f"blitzls: {problem}; using the default",
                )
            )

    @server.feature(types.INITIALIZED)
    def initialized(ls: BlitzServer, params: types.InitializedParams) -> None:
        ls.warm_up_in_background()
        for message in ls.pending_messages:
            ls.window_show_message(message)
        ls.pending_messages.clear()

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    def did_change_configuration(
        ls: BlitzServer, params: types.DidChangeConfigurationParams
    ) -> None:
        settings = params.settings
        if isinstance(settings, dict) and "blitzls" in settings:
            for problem in ls.apply_options(settings["blitzls"]):
                ls.message(f"{problem}; using the default", types.MessageType.Warning)

    @server.feature(types.SHUTDOWN)
    async def shutdown(ls: BlitzServer, params: Any) -> None:
        await ls.engine.aclose()

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: BlitzServer, params: types.DidOpenTextDocumentParams) -> None:
        item = params.text_document
        ls.documents[item.uri] = TextDocument(item.uri, item.text, item.version, item.language_id)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: BlitzServer, params: types.DidChangeTextDocumentParams) -> None:
        doc = ls.documents.get(params.text_document.uri)
        if doc is None:
            return
        for change in params.content_changes:
            if isinstance(change, types.TextDocumentContentChangePartial):
                span = (from_position(change.range.start), from_position(change.range.end))
                doc.apply_change(change.text, span, ls.encoding, params.text_document.version)
            else:
                doc.apply_change(change.text, None, ls.encoding, params.text_document.version)
        doc.version = params.text_document.version

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: BlitzServer, params: types.DidCloseTextDocumentParams) -> None:
        ls.documents.pop(params.text_document.uri, None)

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=ACTION_KINDS, resolve_provider=True),
    )
    def code_action(
        ls: BlitzServer, params: types.CodeActionParams
    ) -> list[types.CodeAction] | None:
        doc = ls.documents.get(params.text_document.uri)
        if doc is None:
            return None
        actions = [
            action
            for spec in BUILTIN_ACTIONS.values()
            if _wanted(spec.kind, params.context.only)
            and (action := _offer(ls, doc, spec, params.range)) is not None
        ]
        return actions or None

    @server.feature(types.CODE_ACTION_RESOLVE)
    async def resolve_code_action(ls: BlitzServer, action: types.CodeAction) -> types.CodeAction:
        try:
            edit, _ = await ls.compute_edit(action.data or {})
        except ActionFailed as exc:
            ls.message(str(exc))
            return action
        action.edit = edit
        return action

    @server.command(APPLY_ACTION_COMMAND)
    async def apply_action(ls: BlitzServer, data: dict[str, Any]) -> bool:
        """For clients that cannot resolve edits: compute and apply in one step."""
        try:
            edit, _ = await ls.compute_edit(data)
        except ActionFailed as exc:
            ls.message(str(exc))
            return False
        try:
            result = await ls.workspace_apply_edit_async(
                types.ApplyWorkspaceEditParams(
                    edit=edit, label=f"blitzls: {data.get('title', '')}"
                )
            )
        except Exception as exc:  # the client answered with an error
            ls.message(f"the editor did not apply the edit ({exc})")
            return False
        if not result.applied:
            ls.message(
                f"the editor did not apply the edit ({result.failure_reason or 'no reason'})"
            )
        return bool(result.applied)


def _wanted(kind: str, only: Any) -> bool:
    """Honour ``context.only``: a requested kind matches itself and its sub-kinds."""
    if not only:
        return True
    return any(kind == str(k) or kind.startswith(f"{k}.") for k in only)


def _offer(
    ls: BlitzServer, doc: TextDocument, spec: ActionSpec, selection: types.Range
) -> types.CodeAction | None:
    """The code action for ``spec`` at ``selection``, without calling the model."""
    start, end = selection.start, selection.end
    is_point = start.line == end.line and end.character - start.character <= 1
    span = lines_for_range(
        doc.lines,
        (start.line, start.character),
        (end.line, end.character),
        line_comment_prefixes(doc.language_id),
        is_point=is_point,
    )
    if span is None:
        return None
    first, last = span
    data = {
        "action": spec.id,
        "uri": doc.uri,
        "version": doc.version,
        "start": first,
        "end": last,
        "digest": _lines_digest(doc, first, last),
    }
    action = types.CodeAction(
        title=spec.title,
        kind=spec.kind,
        data=data,
        tags=[types.CodeActionTag.LlmGenerated],
    )
    if not ls.resolves_edits():
        action.command = types.Command(
            title=spec.title,
            command=APPLY_ACTION_COMMAND,
            arguments=[{**data, "title": spec.title}],
        )
    return action
