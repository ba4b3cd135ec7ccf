"""Settings from every layer, kept in sync with what the editor says."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from lsprotocol import types

from blitzls.actions import ActionSpec, parse_user_actions
from blitzls.config import PROJECT_FILES, Settings, merge, with_project_layer
from blitzls.lsp.client import Client

log = logging.getLogger(__name__)


class SettingsSync:
    """Merges defaults/environment < project file < editor < command line, and re-merges
    when the editor's settings change.

    The editor's settings arrive three ways and form one layer: ``initializationOptions``,
    the answer to ``workspace/configuration`` (pulled after ``initialized`` and on every
    ``didChangeConfiguration``), and the pushed ``settings`` of clients that cannot answer.
    A bad value is reported once, by key, with the value that is kept instead.
    """

    def __init__(self, client: Client, base: Settings, overrides: Mapping[str, Any]) -> None:
        self.client = client
        self.base = base
        self.overrides = dict(overrides)
        self.settings = base
        self.user_actions: list[ActionSpec] = []
        self.root_path: str | None = None
        self.root_uri: str | None = None
        self.on_change: list[Callable[[Settings, str], None]] = []  # (settings, workspace)
        self._init_options: Any = None
        self._editor_section: Any = None  # pulled, or pushed
        self._pending: list[str] = []  # problems found before the client can be told
        self._reported: set[str] = set()  # each problem is shown once, not on every pull
        self._current: set[str] = set()  # the problems of the last merge

    def initialize(self, root_path: str | None, root_uri: str | None, options: Any) -> None:
        self.root_path, self.root_uri = root_path or None, root_uri or None
        self._init_options = options
        self._pending = self._recompute()

    async def initialized(self) -> None:
        for problem in self._pending:
            self.client.message(problem, types.MessageType.Warning)
        self._pending.clear()
        await self._register_for_changes()
        await self._pull()

    async def did_change_configuration(self, params: types.DidChangeConfigurationParams) -> None:
        if self.client.supports("workspace.configuration", False):
            # The pull model: ask, whatever the notification carries. A pushed section can
            # hold the editor's defaults and client-only keys; the answer to a pull holds
            # what the user set (the VS Code extension answers with explicit settings).
            await self._pull()
            return
        settings = params.settings
        if isinstance(settings, dict) and "blitzls" in settings:  # the push model
            self._take_editor_section(settings["blitzls"])

    def file_saved(self, uri: str) -> None:
        """Read the project file again when the editor saved one (it may parse now)."""
        name = uri.rstrip("/").rsplit("/", 1)[-1]
        if self.root_path and name in PROJECT_FILES:
            for problem in self._recompute():
                self.client.message(problem, types.MessageType.Warning)
            self._reported &= self._current  # a problem fixed and made again is news again

    # --- merging --------------------------------------------------------------------

    def _take_editor_section(self, section: Any) -> None:
        self._editor_section = section
        for problem in self._recompute():
            self.client.message(problem, types.MessageType.Warning)

    def _recompute(self) -> list[str]:
        """Merge every layer; returns the problems found, each naming its key."""
        problems: list[str] = []
        settings = self.base
        if self.root_path:
            settings, problems, _ = with_project_layer(settings, Path(self.root_path))
        for options, what in (
            (self._init_options, "initialization options"),
            (self._editor_section, "workspace configuration"),
        ):
            settings, more = _merge_editor_layer(settings, options, what)
            problems += more
        settings, more = merge(settings, self.overrides, source="command line")
        self.user_actions, bad_actions = parse_user_actions(list(settings.actions))
        self.settings = settings
        for listener in self.on_change:
            listener(settings, self.root_path or "")
        refusal = [settings.refusal] if settings.refusal else []
        current = refusal + problems + more + bad_actions
        self._current = set(current)
        found = [p for p in current if p not in self._reported]
        self._reported.update(found)
        return found

    # --- talking to the editor ------------------------------------------------------

    async def _pull(self) -> None:
        """Ask the editor for the ``blitzls`` section and apply it (when it can answer)."""
        if not self.client.supports("workspace.configuration", False):
            return
        item = types.ConfigurationItem(section="blitzls", scope_uri=self.root_uri)
        try:
            answer = await self.client.server.workspace_configuration_async(
                types.ConfigurationParams(items=[item])
            )
        except Exception as exc:  # an editor that cannot answer keeps the options it sent
            log.debug("workspace/configuration failed: %s", exc)
            return
        section = answer[0] if isinstance(answer, (list, tuple)) and answer else None
        if section is None and self._editor_section is None:
            return
        self._take_editor_section(section)
        keys = sorted(section) if isinstance(section, Mapping) else []
        self.client.log(f"blitzls: workspace configuration applied ({', '.join(keys) or 'empty'})")

    async def _register_for_changes(self) -> None:
        """Ask editors that register dynamically to send ``didChangeConfiguration``."""
        if not self.client.supports(
            "workspace.did_change_configuration.dynamic_registration", False
        ):
            return
        # No section: vscode-languageclient would then push that whole section (defaults
        # and client-only keys included) instead of telling the server to pull it.
        registration = types.Registration(
            id="blitzls-configuration", method=types.WORKSPACE_DID_CHANGE_CONFIGURATION
        )
        try:
            await self.client.server.client_register_capability_async(
                types.RegistrationParams(registrations=[registration])
            )
        except Exception as exc:
            log.debug("registering didChangeConfiguration failed: %s", exc)


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
