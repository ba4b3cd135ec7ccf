"""The blitzls language server: server-wide state and the work behind each LSP request."""

from __future__ import annotations

import asyncio
import collections
import hashlib
import logging
import os
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lsprotocol import types
from pygls.capabilities import get_capability
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from blitzls import __version__
from blitzls.actions import ActionSpec, find_action, parse_user_actions
from blitzls.config import Settings, merge, with_project_layer
from blitzls.lsp.progress import model_progress
from blitzls.lsp.protocol import BlitzProtocol
from blitzls.text.document import TextDocument
from blitzls.text.positions import Encoding

if TYPE_CHECKING:  # the engine and its reply handling load off the start-up path
    from blitzls.engine import ActionRequest, Engine, Outcome

log = logging.getLogger(__name__)

APPLY_ACTION_COMMAND = "blitzls.applyAction"
PREFETCH_IDLE_SECONDS = 0.6  # the cursor must rest this long before a prefetch
EDIT_COMMAND = "blitzls.edit"
ACTION_DONE = "blitzls/actionDone"  # {action, tokens, cost, cacheHit, seconds}: status bars


class ActionFailed(Exception):
    """An action could not produce an edit; the message is shown to the user."""


class BlitzServer(LanguageServer):
    """Holds open documents, settings and the engine."""

    def __init__(self, base_settings: Settings, overrides: Mapping[str, Any] | None = None) -> None:
        super().__init__(
            "blitzls",
            __version__,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
            protocol_cls=BlitzProtocol,
        )
        self.base_settings = base_settings
        self.overrides = dict(overrides or {})
        self.settings = base_settings
        self._engine: Engine | None = None
        self._engine_lock = threading.Lock()
        self.documents: dict[str, TextDocument] = {}
        self.encoding: Encoding = "utf-16"
        self.root_path: str | None = None
        self.root_uri: str | None = None
        self.init_options: Any = None
        self.pulled_options: Any = None
        self.pending_messages: list[types.ShowMessageParams] = []
        self.reported_problems: set[str] = set()
        self.user_actions: list[ActionSpec] = []
        self.running: dict[tuple[Any, ...], asyncio.Task[Any]] = {}
        self.cache_warned = False
        self.prefetching: dict[tuple[Any, ...], asyncio.Task[Any]] = {}
        self.prefetch_times: collections.deque[float] = collections.deque()

    # --- settings -------------------------------------------------------------------

    def apply_options(self, options: Any) -> list[str]:
        """Take the editor's initialization options and recompute the settings."""
        self.init_options = options
        return self.recompute_settings()

    def apply_pulled(self, section: Any) -> list[str]:
        """Take the ``blitzls`` section the editor answered to ``workspace/configuration``."""
        self.pulled_options = section
        return self.recompute_settings()

    def recompute_settings(self) -> list[str]:
        """Merge settings: environment < project file < editor options < CLI flags.

        The editor's initialization options and its ``workspace/configuration`` answer form
        one layer (the latter wins). Returns the problems found, each naming its key; the
        server carries on with defaults for those.
        """
        problems: list[str] = []
        settings = self.base_settings
        if self.root_path:
            settings, problems, _ = with_project_layer(settings, Path(self.root_path))
        for options, what in (
            (self.init_options, "initialization options"),
            (self.pulled_options, "workspace configuration"),
        ):
            settings, more = _merge_editor_layer(settings, options, what)
            problems += more
        settings, more = merge(settings, self.overrides, source="command line")
        self.user_actions, bad_actions = parse_user_actions(list(settings.actions))
        self.settings = settings
        if self._engine is not None:
            self._engine.workspace = self.root_path or ""
            self._engine.configure(settings)
        found = [p for p in problems + more + bad_actions if p not in self.reported_problems]
        self.reported_problems.update(found)  # each problem is shown once, not on every pull
        return found

    async def pull_configuration(self) -> None:
        """Ask the editor for the ``blitzls`` section and apply it (when it can answer)."""
        if not self.supports("workspace.configuration", False):
            return
        scope = self.root_uri
        try:
            answer = await self.workspace_configuration_async(
                types.ConfigurationParams(
                    items=[types.ConfigurationItem(section="blitzls", scope_uri=scope)]
                )
            )
        except Exception as exc:  # an editor that cannot answer keeps the options it sent
            log.debug("workspace/configuration failed: %s", exc)
            return
        section = answer[0] if isinstance(answer, (list, tuple)) and answer else None
        if section is None and self.pulled_options is None:
            return
        for problem in self.apply_pulled(section):
            self.message(problem, types.MessageType.Warning)
        keys = sorted(section) if isinstance(section, Mapping) else []
        self.window_log_message(
            types.LogMessageParams(
                type=types.MessageType.Info,
                message=f"blitzls: workspace configuration applied ({', '.join(keys) or 'empty'})",
            )
        )

    async def register_configuration_changes(self) -> None:
        """Ask editors that register dynamically to send ``didChangeConfiguration``."""
        if not self.supports("workspace.did_change_configuration.dynamic_registration", False):
            return
        try:
            await self.client_register_capability_async(
                types.RegistrationParams(
                    registrations=[
                        # No section: vscode-languageclient would then push that whole
                        # section (defaults and client-only keys included) instead of
                        # telling the server to pull it.
                        types.Registration(
                            id="blitzls-configuration",
                            method=types.WORKSPACE_DID_CHANGE_CONFIGURATION,
                        )
                    ]
                )
            )
        except Exception as exc:
            log.debug("registering didChangeConfiguration failed: %s", exc)

    @property
    def engine(self) -> Engine:
        """The engine, imported and built on first use (normally by the warm-up thread)."""
        with self._engine_lock:
            if self._engine is None:
                from blitzls.engine import Engine

                self._engine = Engine(self.settings, workspace=self.root_path or "")
            return self._engine

    def warm_up_in_background(self) -> None:
        """Import the model client and open the cache off the request path."""

        def run() -> None:
            try:
                self.engine.warm_up()
            except Exception:  # warming is an optimisation; real errors surface on use
                log.debug("warm-up failed", exc_info=True)

        threading.Thread(target=run, name="blitzls-warm-up", daemon=True).start()

    # --- client capabilities --------------------------------------------------------

    def supports(self, path: str, default: Any = None) -> Any:
        return get_capability(self.client_capabilities, path, default)

    def resolves_edits(self) -> bool:
        props = self.supports("text_document.code_action.resolve_support.properties", []) or []
        return "edit" in props

    def uses_document_changes(self) -> bool:
        return bool(self.supports("workspace.workspace_edit.document_changes", False))

    # --- documents ------------------------------------------------------------------

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

    def message(self, text: str, kind: types.MessageType = types.MessageType.Error) -> None:
        """Show ``text`` to the user, and keep it in the server's log (--log-file)."""
        log.log(logging.WARNING if kind <= types.MessageType.Warning else logging.INFO, "%s", text)
        self.window_show_message(types.ShowMessageParams(type=kind, message=f"blitzls: {text}"))

    # --- actions --------------------------------------------------------------------

    async def compute_edit(self, data: Mapping[str, Any]) -> tuple[types.WorkspaceEdit, Outcome]:
        """Run the action described by a code action's ``data`` and build its edit."""
        from blitzls.engine import Snapshot
        from blitzls.lsp.convert import workspace_edit
        from blitzls.model.errors import ModelError
        from blitzls.replies.extract import ReplyError
        from blitzls.requests import build_request
        from blitzls.text.edits import minimal_edits

        action, uri, start, end = _parse_data(data, self.user_actions)
        pending = self.prefetching.get((uri, start, end, action.id, data.get("version")))
        if pending is not None and not pending.done():  # its answer lands in the cache
            await asyncio.wait([pending], timeout=self.settings.timeout)
        doc = self.documents.get(uri)
        if doc is None:
            raise ActionFailed(f"{uri} is not open in the editor")
        if doc.version != data.get("version") and (
            end > doc.line_count or lines_digest(doc, start, end) != data.get("digest")
        ):
            raise ActionFailed("the document changed since the action was offered; try again")
        snapshot = Snapshot(
            tuple(doc.lines),
            doc.version,
            doc.language_id,
            self.label_for(uri),
            to_fs_path(uri) or "",
        )
        try:
            request = build_request(
                action,
                snapshot,
                start,
                end,
                point=bool(data.get("point")),
                instruction=str(data.get("instruction") or ""),
                diagnostics=list(data.get("diagnostics") or []),
            )
            outcome = await self._run_superseding((uri, start, end, action.id), request)
        except (ModelError, ReplyError) as exc:
            raise ActionFailed(str(exc)) from exc
        finally:
            self._warn_once_about_cache()
        current = self.documents.get(uri)
        if current is None:
            raise ActionFailed("the document was closed while the model was answering")
        start_offset = _anchor(current, outcome)
        edits = minimal_edits(
            current,
            start_offset,
            start_offset + len(outcome.old_text),
            outcome.new_text,
            self.encoding,
        )
        edit = workspace_edit(
            uri, current.version, edits, document_changes=self.uses_document_changes()
        )
        summary = (
            f"{action.id} on {snapshot.label} lines {start + 1}-{end}: "
            f"{_summary(outcome, self.settings.prices)}, {len(edits)} edit(s)"
        )
        log.info("%s", summary)
        self.window_log_message(
            types.LogMessageParams(type=types.MessageType.Info, message=summary)
        )
        self.protocol.notify(ACTION_DONE, _action_done(action.id, outcome, self.settings.prices))
        return edit, outcome

    def _warn_once_about_cache(self) -> None:
        """Tell the user, once, that the disk cache is off because of a disk fault."""
        warning = self._engine.cache.warning if self._engine is not None else None
        if warning and not self.cache_warned:
            self.cache_warned = True
            self.message(
                f"{warning}; actions still work, without caching", types.MessageType.Warning
            )

    def schedule_prefetch(self, data: dict[str, Any]) -> None:
        """Compute an offered action in the background once the cursor rests on it.

        Only with ``prefetch`` on and the cache enabled (the answer is served from it), at
        most ``prefetch_per_minute`` model calls a minute, and never for a document that
        changed in the meantime.
        """
        if not (self.settings.prefetch and self.settings.cache):
            return
        key = (data["uri"], data["start"], data["end"], data["action"], data["version"])
        if key in self.prefetching:
            return
        task = asyncio.get_running_loop().create_task(self._prefetch(key, data))
        self.prefetching[key] = task
        task.add_done_callback(lambda _: self.prefetching.pop(key, None))

    async def _prefetch(self, key: tuple[Any, ...], data: dict[str, Any]) -> None:
        await asyncio.sleep(PREFETCH_IDLE_SECONDS)
        doc = self.documents.get(data["uri"])
        if doc is None or doc.version != data["version"]:
            return
        now = time.monotonic()
        while self.prefetch_times and now - self.prefetch_times[0] > 60:
            self.prefetch_times.popleft()
        if len(self.prefetch_times) >= self.settings.prefetch_per_minute:
            return
        self.prefetch_times.append(now)
        from blitzls.engine import Snapshot
        from blitzls.requests import build_request

        action = find_action(str(data["action"]), self.user_actions)
        if action is None:
            return
        snapshot = Snapshot(
            tuple(doc.lines),
            doc.version,
            doc.language_id,
            self.label_for(doc.uri),
            to_fs_path(doc.uri) or "",
        )
        try:
            request = build_request(action, snapshot, data["start"], data["end"], point=True)
            outcome = await self.engine.run(request)
            log.info("prefetched %s at %s:%d", action.id, snapshot.label, data["start"] + 1)
            del outcome
        except Exception as exc:  # a prefetch failure is silent; choosing the action retries
            log.debug("prefetch failed: %s", exc)

    async def _run_superseding(self, key: tuple[Any, ...], request: ActionRequest) -> Outcome:
        """Run with progress; a newer request for the same range cancels this one."""
        task = asyncio.current_task()
        previous = self.running.get(key)
        if previous is not None and previous is not task and not previous.done():
            previous.cancel()
        if task is not None:
            self.running[key] = task
        try:
            title = request.action.title_for(instruction=request.instruction, message="")
            async with model_progress(self, title) as progress:
                outcome = await self.engine.run(request, on_progress=progress.received)
                progress.end(_summary(outcome, self.settings.prices))
            return outcome
        finally:
            if self.running.get(key) is task:
                del self.running[key]


def _summary(outcome: Outcome, prices: Mapping[str, Any] | None = None) -> str:
    from blitzls.pricing import describe, price_for, price_table

    if outcome.cache_hit:
        return f"from cache in {outcome.seconds * 1000:.0f} ms"
    price = price_for(outcome.model, price_table(prices or {}))
    return f"{describe(outcome.usage, price)}, {outcome.seconds:.1f} s"


def _action_done(
    action_id: str, outcome: Outcome, prices: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """What editors' status items show after an action (cost 0 for cache hits)."""
    from blitzls.pricing import cost, price_for, price_table

    usage = outcome.usage
    price = price_for(outcome.model, price_table(prices or {}))
    spent = 0.0 if outcome.cache_hit else cost(usage, price)
    return {
        "action": action_id,
        "model": outcome.model,
        "tokens": sum(
            int(usage.get(name, 0))
            for name in ("prompt_tokens", "completion_tokens", "reasoning_tokens")
        ),
        "cost": round(spent, 6) if price is not None or outcome.cache_hit else None,
        "cacheHit": outcome.cache_hit,
        "seconds": round(outcome.seconds, 3),
    }


def _parse_data(
    data: Mapping[str, Any], user_actions: list[ActionSpec]
) -> tuple[ActionSpec, str, int, int]:
    if not isinstance(data, Mapping):
        raise ActionFailed("the code action carries no data")
    action = find_action(str(data.get("action", "")), user_actions)
    uri, start, end = data.get("uri"), data.get("start"), data.get("end")
    if action is None or not isinstance(uri, str):
        raise ActionFailed("unknown code action")
    if not isinstance(start, int) or not isinstance(end, int) or not 0 <= start < end:
        raise ActionFailed("the code action has an invalid range")
    return action, uri, start, end


def lines_digest(doc: TextDocument, start: int, end: int) -> str:
    """A short fingerprint of lines [start, end) to tell whether they changed."""
    text = "".join(doc.lines[start:end])
    return hashlib.blake2s(text.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()


def _anchor(current: TextDocument, outcome: Outcome) -> int:
    """Where the edited region is in the current document; refuse if that is unclear.

    Unchanged document: the original offset. Changed document: the text of the whole scope
    the action looked at must occur exactly once, on whole lines, else the edit would land in
    the wrong place or on text the model never saw.
    """
    if current.version == outcome.snapshot.version:
        return outcome.start_offset
    anchor = outcome.snapshot.text[outcome.anchor_start : outcome.anchor_end]
    text = current.text
    at = text.find(anchor) if anchor else -1
    whole_lines = at >= 0 and (at == 0 or text[at - 1] in "\r\n")
    if not whole_lines or text.find(anchor, at + 1) >= 0:
        raise ActionFailed(
            "the document changed while the model was answering; the edit was not applied"
        )
    return at + (outcome.start_offset - outcome.anchor_start)


def _merge_editor_layer(settings: Settings, options: Any, what: str) -> tuple[Settings, list[str]]:
    """Merge one editor-provided mapping (a ``blitzls`` section or flat settings)."""
    if options is None or options == []:  # Neovim encodes an empty Lua table as a list
        return settings, []
    if not isinstance(options, Mapping):
        return settings, [f"{what} must be an object"]
    section = options.get("blitzls", options)
    if section == []:
        section = {}
    if not isinstance(section, Mapping):
        return settings, ["setting 'blitzls' must be an object"]
    return merge(settings, section, source="editor settings")
