"""LSP handlers: lifecycle, document sync, code actions and commands."""

from __future__ import annotations

import logging
import re
from typing import Any

from lsprotocol import types

from blitzls.actions import BUILTIN_ACTIONS, ActionSpec, all_actions
from blitzls.config import Settings
from blitzls.instructions import find_instruction
from blitzls.lsp.convert import from_position
from blitzls.lsp.server import (
    APPLY_ACTION_COMMAND,
    EDIT_COMMAND,
    ActionFailed,
    BlitzServer,
    lines_digest,
)
from blitzls.targets import lines_for_range
from blitzls.text.comments import line_comment_prefixes
from blitzls.text.document import TextDocument

log = logging.getLogger(__name__)

# Advertised kinds: ours, plus the parents user-defined actions are likely to use.
ACTION_KINDS = sorted(
    {a.kind for a in BUILTIN_ACTIONS.values()} | {"quickfix", "refactor", "refactor.rewrite"}
)


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
        ls.root_uri = ls.workspace.root_uri or None
        for problem in ls.apply_options(params.initialization_options):
            ls.pending_messages.append(
                types.ShowMessageParams(
                    type=types.MessageType.Warning,
                    message=f"blitzls: {problem}",
                )
            )

    @server.feature(types.INITIALIZED)
    async def initialized(ls: BlitzServer, params: types.InitializedParams) -> None:
        ls.warm_up_in_background()
        for message in ls.pending_messages:
            ls.window_show_message(message)
        ls.pending_messages.clear()
        await ls.register_configuration_changes()
        await ls.pull_configuration()

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def did_change_configuration(
        ls: BlitzServer, params: types.DidChangeConfigurationParams
    ) -> None:
        if ls.supports("workspace.configuration", False):
            # The pull model: ask, whatever the notification carries. A pushed section can
            # hold the editor's defaults and client-only keys; the answer to a pull holds
            # what the user set (the VS Code extension answers with explicit settings).
            await ls.pull_configuration()
            return
        settings = params.settings
        if isinstance(settings, dict) and "blitzls" in settings:  # the push model
            for problem in ls.apply_pulled(settings["blitzls"]):
                ls.message(problem, types.MessageType.Warning)

    @server.feature(types.SHUTDOWN)
    async def shutdown(ls: BlitzServer, params: Any) -> None:
        if ls._engine is not None:
            await ls._engine.aclose()

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

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: BlitzServer, params: types.DidSaveTextDocumentParams) -> None:
        """Nothing to do: actions work on the editor's text (handled so it is not logged)."""

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
            for spec in all_actions(ls.user_actions)
            if _wanted(spec.kind, params.context.only)
            for action in _offers(ls, doc, spec, params)
        ]
        if ls.settings.prefetch:
            for action in actions:
                if action.kind in PREFETCHED_KINDS and isinstance(action.data, dict):
                    ls.schedule_prefetch(action.data)
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
        return await _compute_and_apply(ls, data, str(data.get("title", "")))

    @server.command(EDIT_COMMAND)
    async def edit(ls: BlitzServer, args: dict[str, Any]) -> bool:
        """``blitzls.edit {uri, range, instruction}``: perform an instruction on a range."""
        try:
            data = _edit_data(ls, args)
        except ActionFailed as exc:
            ls.message(str(exc))
            return False
        return await _compute_and_apply(ls, data, f"Edit: {data['instruction']}")


async def _compute_and_apply(ls: BlitzServer, data: dict[str, Any], label: str) -> bool:
    try:
        edit, _ = await ls.compute_edit(data)
    except ActionFailed as exc:
        ls.message(str(exc))
        return False
    try:
        result = await ls.workspace_apply_edit_async(
            types.ApplyWorkspaceEditParams(edit=edit, label=f"blitzls: {label}")
        )
    except Exception as exc:  # the client answered with an error
        ls.message(f"the editor did not apply the edit ({exc})")
        return False
    if not result.applied:
        ls.message(f"the editor did not apply the edit ({result.failure_reason or 'no reason'})")
    return bool(result.applied)


def _edit_data(ls: BlitzServer, args: Any) -> dict[str, Any]:
    """Validate ``blitzls.edit`` arguments into code-action data."""
    if not isinstance(args, dict):
        raise ActionFailed("blitzls.edit takes one argument: {uri, range, instruction}")
    uri, instruction, span = args.get("uri"), args.get("instruction"), args.get("range")
    if not isinstance(uri, str) or not isinstance(instruction, str) or not instruction.strip():
        raise ActionFailed("blitzls.edit needs a uri and a non-empty instruction")
    doc = ls.documents.get(uri)
    if doc is None:
        raise ActionFailed(f"{uri} is not open in the editor")
    try:
        assert isinstance(span, dict)
        selection = types.Range(
            start=types.Position(**span["start"]), end=types.Position(**span["end"])
        )
    except (TypeError, KeyError, AssertionError):
        raise ActionFailed("blitzls.edit needs a range {start, end}") from None
    is_point = _is_point(selection)
    if is_point:
        first = min(max(selection.start.line, 0), doc.line_count - 1)
        lines: tuple[int, int] | None = (first, first + 1)
    else:
        lines = lines_for_range(
            doc.lines,
            (selection.start.line, selection.start.character),
            (selection.end.line, selection.end.character),
            (),
            is_point=False,
        )
    if lines is None:
        raise ActionFailed("the selection is empty")
    return _data(doc, "edit", lines, point=is_point, instruction=instruction.strip())


def _is_point(selection: types.Range) -> bool:
    start, end = selection.start, selection.end
    return start.line == end.line and end.character - start.character <= 1


def _wanted(kind: str, only: Any) -> bool:
    """Honour ``context.only``: a requested kind matches itself and its sub-kinds."""
    if not only:
        return True
    return any(kind == str(k) or kind.startswith(f"{k}.") for k in only)


PREFETCHED_KINDS = {BUILTIN_ACTIONS["pseudocode"].kind, BUILTIN_ACTIONS["instruction"].kind}

_DEFINITION = re.compile(
    r"\s*(?:@|(?:export\s+|pub(?:\(\w+\))?\s+|async\s+|static\s+|public\s+|private\s+)*"
    r"(?:def|class|fn|func|function|impl|struct|interface|local\s+function)\b)"
)


def _offers(
    ls: BlitzServer, doc: TextDocument, spec: ActionSpec, params: types.CodeActionParams
) -> list[types.CodeAction]:
    """The code actions for ``spec`` at the requested range, without calling the model."""
    selection = params.range
    start, end = selection.start, selection.end
    point = _is_point(selection)
    line = min(max(start.line, 0), doc.line_count - 1)
    if spec.trigger == "command":
        return []
    if spec.trigger == "instruction_comment":
        found = find_instruction(doc.lines, line, doc.language_id)
        if found is None:
            return []
        title = spec.title_for(instruction=found.text)
        data = _data(doc, spec.id, (found.line, found.line + 1), point=True)
        return [_action(ls, spec, title, data)]
    if spec.trigger == "diagnostic":
        return [
            _action(
                ls,
                spec,
                spec.title_for(message=diagnostic.message),
                _data(
                    doc,
                    spec.id,
                    _diagnostic_lines(doc, diagnostic),
                    point=True,
                    diagnostics=[_diagnostic_data(diagnostic)],
                ),
                diagnostics=[diagnostic],
            )
            for diagnostic in params.context.diagnostics
        ]
    if spec.trigger == "comment_block":
        if point and find_instruction(doc.lines, line, doc.language_id) is not None:
            return []  # an instruction comment is not pseudocode
        span = lines_for_range(
            doc.lines,
            (start.line, start.character),
            (end.line, end.character),
            line_comment_prefixes(doc.language_id),
            is_point=point,
        )
    elif point:  # scope actions at a cursor: only where a definition may be around
        text = doc.line_text(line)
        inside = text[:1] in (" ", "\t") or _DEFINITION.match(text) is not None
        span = (line, line + 1) if inside and text.strip() else None
    else:
        span = lines_for_range(
            doc.lines,
            (start.line, start.character),
            (end.line, end.character),
            (),
            is_point=False,
        )
    if span is None:
        return []
    return [_action(ls, spec, spec.title_for(), _data(doc, spec.id, span, point=point))]


def _diagnostic_lines(doc: TextDocument, diagnostic: types.Diagnostic) -> tuple[int, int]:
    first = min(max(diagnostic.range.start.line, 0), doc.line_count - 1)
    last = min(max(diagnostic.range.end.line, first), doc.line_count - 1)
    if last > first and diagnostic.range.end.character == 0:
        last -= 1
    return first, last + 1


def _diagnostic_data(diagnostic: types.Diagnostic) -> dict[str, Any]:
    return {
        "line": diagnostic.range.start.line,
        "source": diagnostic.source or "",
        "code": str(diagnostic.code) if diagnostic.code is not None else "",
        "message": diagnostic.message,
    }


def _data(
    doc: TextDocument, action_id: str, span: tuple[int, int], *, point: bool, **extra: Any
) -> dict[str, Any]:
    first, last = span
    return {
        "action": action_id,
        "uri": doc.uri,
        "version": doc.version,
        "start": first,
        "end": last,
        "digest": lines_digest(doc, first, last),
        "point": point,
        **extra,
    }


def _action(
    ls: BlitzServer,
    spec: ActionSpec,
    title: str,
    data: dict[str, Any],
    *,
    diagnostics: list[types.Diagnostic] | None = None,
) -> types.CodeAction:
    action = types.CodeAction(
        title=title,
        kind=spec.kind,
        data=data,
        diagnostics=diagnostics,
        tags=[types.CodeActionTag.LlmGenerated],
    )
    if not ls.resolves_edits():
        action.command = types.Command(
            title=title, command=APPLY_ACTION_COMMAND, arguments=[{**data, "title": title}]
        )
    return action
