"""Running an action: resolve and the commands; compute, supersede, re-anchor, report."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from blitzls.lsp.action_data import ActionFailed, ActionTarget, read_target
from blitzls.lsp.anchor import find_anchor
from blitzls.lsp.client import Client
from blitzls.lsp.features.documents import DocumentSync
from blitzls.lsp.features.engine_host import EngineHost
from blitzls.lsp.features.prefetch import Prefetcher
from blitzls.lsp.features.settings import SettingsSync
from blitzls.lsp.listing import edit_data
from blitzls.lsp.progress import model_progress
from blitzls.lsp.report import ACTION_DONE, action_done, summary
from blitzls.text.document import TextDocument

if TYPE_CHECKING:  # the engine and its reply handling load off the start-up path
    from blitzls.engine import ActionRequest, Outcome


class ActionRunner:
    """Turns a code action's ``data`` into a versioned edit of the current document.

    Snapshot → engine (with progress; a newer request for the same action and lines
    cancels the older one) → re-anchor if the document changed meanwhile → minimal edits.
    """

    def __init__(
        self,
        client: Client,
        documents: DocumentSync,
        config: SettingsSync,
        engines: EngineHost,
        prefetch: Prefetcher,
    ) -> None:
        self.client = client
        self.documents = documents
        self.config = config
        self.engines = engines
        self.prefetch = prefetch
        self._running: dict[tuple[Any, ...], asyncio.Task[Any]] = {}
        self._cache_warned = False

    # --- requests and commands ------------------------------------------------------

    async def resolve(self, action: types.CodeAction) -> types.CodeAction:
        """``codeAction/resolve``: the action with its edit, or unchanged with a message."""
        try:
            action.edit = await self.compute_edit(action.data)
        except ActionFailed as exc:
            self.client.message(str(exc))
        return action

    async def apply_action(self, data: dict[str, Any]) -> bool:
        """``blitzls.applyAction``, for clients that cannot resolve edits."""
        return await self._compute_and_apply(data, str(data.get("title", "")))

    async def edit(self, args: Any) -> bool:
        """``blitzls.edit {uri, range, instruction}``: perform an instruction on a range."""
        try:
            data = self._edit_command_data(args)
        except ActionFailed as exc:
            self.client.message(str(exc))
            return False
        return await self._compute_and_apply(data, f"Edit: {data['instruction']}")

    def shutdown(self) -> None:
        for task in self._running.values():
            task.cancel()

    # --- the work -------------------------------------------------------------------

    async def compute_edit(self, data: Any) -> types.WorkspaceEdit:
        """Run the action described by a code action's ``data`` and build its edit."""
        from blitzls.lsp.convert import workspace_edit
        from blitzls.text.edits import minimal_edits

        target = read_target(data, self.config.user_actions)
        await self.prefetch.wait_for(target, self.config.settings.timeout)
        doc = self.documents.get(target.uri)
        if doc is None:
            raise ActionFailed(f"{target.uri} is not open in the editor")
        if target.changed_in(doc):
            raise ActionFailed("the document changed since the action was offered; try again")
        outcome = await self._run(target, doc)
        current = self.documents.get(target.uri)
        if current is None:
            raise ActionFailed("the document was closed while the model was answering")
        start = _region_start(current, outcome)
        end = start + len(outcome.old_text)
        edits = minimal_edits(current, start, end, outcome.new_text, self.documents.encoding)
        annotated = self.client.supports("workspace.workspace_edit.change_annotation_support")
        edit = workspace_edit(
            target.uri,
            current.version,
            edits,
            document_changes=self.client.uses_document_changes(),
            annotation="; ".join(outcome.notes) if annotated else None,
        )
        prices = self.config.settings.prices
        self.client.log(
            f"{target.action.id} on {outcome.snapshot.label} lines {target.start + 1}-"
            f"{target.end}: {summary(outcome, prices)}, {len(edits)} edit(s)"
        )
        self.client.notify(ACTION_DONE, action_done(target.action.id, outcome, prices))
        for note in outcome.notes:  # the user's text kept, helpers and imports added
            self.client.message(note, types.MessageType.Info)
        return edit

    async def _run(self, target: ActionTarget, doc: TextDocument) -> Outcome:
        from blitzls.model.errors import ModelError
        from blitzls.replies.extract import ReplyError
        from blitzls.requests import RequestError, build_request

        try:
            request = build_request(
                target.action,
                self.documents.snapshot(doc),
                target.start,
                target.end,
                point=target.point,
                instruction=target.instruction,
                diagnostics=target.diagnostics,
            )
            return await self._run_superseding(target.key, request)
        except (ModelError, RequestError, ReplyError) as exc:
            raise ActionFailed(str(exc)) from exc
        finally:
            self._warn_once_about_cache()

    async def _run_superseding(self, key: tuple[Any, ...], request: ActionRequest) -> Outcome:
        """Run with progress; a newer request for the same range cancels this one."""
        task = asyncio.current_task()
        previous = self._running.get(key)
        if previous is not None and previous is not task and not previous.done():
            previous.cancel()
        if task is not None:
            self._running[key] = task
        try:
            title = request.action.title_for(instruction=request.instruction, message="")
            engine = await self.engines.get()
            async with model_progress(self.client.server, title) as progress:
                outcome = await engine.run(request, on_progress=progress.received)
                progress.end(summary(outcome, self.config.settings.prices))
            return outcome
        finally:
            if self._running.get(key) is task:
                del self._running[key]

    async def _compute_and_apply(self, data: dict[str, Any], label: str) -> bool:
        try:
            edit = await self.compute_edit(data)
        except ActionFailed as exc:
            self.client.message(str(exc))
            return False
        try:
            result = await self.client.server.workspace_apply_edit_async(
                types.ApplyWorkspaceEditParams(edit=edit, label=f"blitzls: {label}")
            )
        except Exception as exc:  # the client answered with an error
            self.client.message(f"the editor did not apply the edit ({exc})")
            return False
        if not result.applied:
            reason = result.failure_reason or "no reason"
            self.client.message(f"the editor did not apply the edit ({reason})")
        return bool(result.applied)

    def _edit_command_data(self, args: Any) -> dict[str, Any]:
        """Validate ``blitzls.edit`` arguments into code-action data."""
        if not isinstance(args, dict):
            raise ActionFailed("blitzls.edit takes one argument: {uri, range, instruction}")
        uri, instruction, span = args.get("uri"), args.get("instruction"), args.get("range")
        if not isinstance(uri, str) or not isinstance(instruction, str) or not instruction.strip():
            raise ActionFailed("blitzls.edit needs a uri and a non-empty instruction")
        doc = self.documents.get(uri)
        if doc is None:
            raise ActionFailed(f"{uri} is not open in the editor")
        try:
            assert isinstance(span, dict)
            selection = types.Range(
                start=types.Position(**span["start"]), end=types.Position(**span["end"])
            )
        except (TypeError, KeyError, ValueError, AssertionError):
            raise ActionFailed(
                "blitzls.edit needs a range {start, end} of valid positions"
            ) from None
        start, end = selection.start, selection.end
        if (end.line, end.character) < (start.line, start.character):
            raise ActionFailed(
                "blitzls.edit: the range ends before it starts "
                f"({start.line + 1}:{start.character + 1} → {end.line + 1}:{end.character + 1})"
            )
        return edit_data(doc, selection, instruction.strip())

    def _warn_once_about_cache(self) -> None:
        """Tell the user, once, that the disk cache is off because of a disk fault."""
        warning = self.engines.cache_warning
        if warning and not self._cache_warned:
            self._cache_warned = True
            self.client.message(
                f"{warning}; actions still work, without caching", types.MessageType.Warning
            )


def _region_start(current: TextDocument, outcome: Outcome) -> int:
    """Where the edited region is in the current document; refuse if that is unclear.

    The document the edit was computed on (same version *and* same lines: a client may
    reopen a file or send a change without raising the version): the original offset.
    Otherwise the text of the whole scope the action looked at must occur exactly once, on
    whole lines (``find_anchor``), else the edit would land in the wrong place or on text
    the model never saw.
    """
    snapshot = outcome.snapshot
    if current.version == snapshot.version and tuple(current.lines) == snapshot.lines:
        return outcome.start_offset
    anchor = snapshot.text[outcome.anchor_start : outcome.anchor_end]
    at = find_anchor(current.text, anchor)
    if at is None:
        raise ActionFailed(
            "the document changed while the model was answering; the edit was not applied"
        )
    return at + (outcome.start_offset - outcome.anchor_start)
