"""The blitzls language server: its features, and which LSP method goes to which.

Each feature is a class in ``blitzls.lsp.features`` with one job; this module builds them,
wires them together and routes every LSP method to them. Nothing else happens here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from blitzls import __version__
from blitzls.config import Settings
from blitzls.lsp.action_data import APPLY_ACTION_COMMAND, EDIT_COMMAND
from blitzls.lsp.client import Client
from blitzls.lsp.features.documents import DocumentSync
from blitzls.lsp.features.engine_host import EngineHost
from blitzls.lsp.features.offers import ActionOffers
from blitzls.lsp.features.prefetch import Prefetcher
from blitzls.lsp.features.runner import ActionRunner
from blitzls.lsp.features.settings import SettingsSync
from blitzls.lsp.listing import ACTION_KINDS
from blitzls.lsp.protocol import BlitzProtocol, log_not_json, not_json


class BlitzServer(LanguageServer):
    """A pygls server holding one instance of each feature."""

    exit_code = 0  # 1 when the editor sends ``exit`` without ``shutdown`` first (the LSP)

    def __init__(self, base_settings: Settings, overrides: Mapping[str, Any] | None = None) -> None:
        super().__init__(
            "blitzls",
            __version__,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
            protocol_cls=BlitzProtocol,
        )
        client = Client(self)
        self.config = SettingsSync(client, base_settings, overrides or {})
        self.engines = EngineHost(base_settings)
        self.documents = DocumentSync(client)
        self.prefetch = Prefetcher(client, self.documents, self.config, self.engines)
        self.offers = ActionOffers(client, self.documents, self.config, self.prefetch)
        self.runner = ActionRunner(client, self.documents, self.config, self.engines, self.prefetch)
        self.config.on_change.append(self.engines.configure)
        self.documents.on_change.append(self.prefetch.document_changed)
        self.blitz_protocol.documents = self.documents

    @property
    def blitz_protocol(self) -> BlitzProtocol:
        assert isinstance(self.protocol, BlitzProtocol)
        return self.protocol

    def report_server_error(self, error: Exception, source: Any) -> None:
        """A body that is not JSON gets one log line; pygls would show "Error in server"."""
        if not_json(error):
            log_not_json(error)
            return
        super().report_server_error(error, source)


def create_server(settings: Settings, overrides: Mapping[str, Any] | None = None) -> BlitzServer:
    """A server with every LSP method routed to its feature."""
    server = BlitzServer(settings, overrides)
    _route(server)
    return server


def _route(server: BlitzServer) -> None:
    # didOpen/didChange/didClose reach server.documents through BlitzProtocol.

    @server.feature(types.INITIALIZE)
    def initialize(ls: BlitzServer, params: types.InitializeParams) -> None:
        workspace = ls.workspace
        ls.documents.initialize(str(workspace.position_encoding or "utf-16"), workspace.root_path)
        ls.config.initialize(workspace.root_path, workspace.root_uri, params.initialization_options)

    @server.feature(types.INITIALIZED)
    async def initialized(ls: BlitzServer, params: types.InitializedParams) -> None:
        ls.engines.warm_up_in_background()
        await ls.config.initialized()

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def did_change_configuration(
        ls: BlitzServer, params: types.DidChangeConfigurationParams
    ) -> None:
        await ls.config.did_change_configuration(params)

    @server.feature(types.SHUTDOWN)
    async def shutdown(ls: BlitzServer, params: Any) -> None:
        ls.blitz_protocol.shutting_down = True
        ls.runner.shutdown()
        ls.prefetch.shutdown()
        await ls.engines.close()

    @server.feature(types.EXIT)
    def on_exit(ls: BlitzServer, params: Any) -> None:
        """Called before pygls ends the loop; its own exit code is lost inside ``start_io``."""
        ls.exit_code = 0 if ls.blitz_protocol.shutting_down else 1

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: BlitzServer, params: types.DidSaveTextDocumentParams) -> None:
        """Actions work on the editor's text; a saved project file is read again."""
        ls.config.file_saved(params.text_document.uri)

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=ACTION_KINDS, resolve_provider=True),
    )
    def code_action(
        ls: BlitzServer, params: types.CodeActionParams
    ) -> list[types.CodeAction] | None:
        return ls.offers.code_action(params)

    @server.feature(types.CODE_ACTION_RESOLVE)
    async def resolve_code_action(ls: BlitzServer, action: types.CodeAction) -> types.CodeAction:
        return await ls.runner.resolve(action)

    @server.command(APPLY_ACTION_COMMAND)
    async def apply_action(ls: BlitzServer, data: dict[str, Any]) -> bool:
        return await ls.runner.apply_action(data)

    @server.command(EDIT_COMMAND)
    async def edit(ls: BlitzServer, args: dict[str, Any]) -> bool:
        return await ls.runner.edit(args)
