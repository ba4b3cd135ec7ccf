"""Helpers for end-to-end tests: start the real server over stdio and apply its edits."""

from __future__ import annotations

import functools
import re
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Any, Union

from cattrs import Converter
from lsprotocol import types
from pygls.protocol import default_converter
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

from tests.conftest import SERVER_COMMAND

PRESETS = {"vscode": "visual-studio-code", "neovim": "neovim@v0.11.0"}


def capabilities(preset: str) -> types.ClientCapabilities:
    return client_capabilities(PRESETS[preset])


def _converter() -> Converter:
    """lsprotocol's converter, with its Command-or-CodeAction guess fixed.

    lsprotocol reads any code action that has a ``command`` as a ``Command``; a ``Command``
    is only an object whose ``command`` is a string (as VS Code decides).
    """
    converter: Converter = default_converter()

    def code_action_or_command(obj: Any, _: type) -> types.Command | types.CodeAction:
        if isinstance(obj.get("command"), str):
            return converter.structure(obj, types.Command)
        return converter.structure(obj, types.CodeAction)

    converter.register_structure_hook(
        Union[types.Command, types.CodeAction],  # noqa: UP007 - the key lsprotocol registered
        code_action_or_command,
    )
    return converter


def _make_client(features: Mapping[str, Callable[..., Any]] | None = None) -> LanguageClient:
    client = LanguageClient(converter_factory=_converter)
    register_lsp_features(client, {**DEFAULT_CLIENT_FEATURES, **(features or {})})
    registrations: list[types.Registration] = []
    client.registrations = registrations  # type: ignore[attr-defined]

    done: list[Any] = []
    client.actions_done = done  # type: ignore[attr-defined]

    @client.feature("blitzls/actionDone")
    def on_action_done(ls: LanguageClient, params: Any) -> None:
        done.append(params)

    @client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def on_register(ls: LanguageClient, params: types.RegistrationParams) -> None:
        registrations.extend(params.registrations)

    return client


@asynccontextmanager
async def lsp_session(
    env: dict[str, str],
    caps: types.ClientCapabilities,
    *,
    initialization_options: Any = None,
    root_uri: str | None = None,
    configuration: dict[str, Any] | None = None,
    server_args: Sequence[str] = (),
    client_features: Mapping[str, Callable[..., Any]] | None = None,
) -> AsyncIterator[LanguageClient]:
    """A pytest-lsp client connected to a fresh ``blitzls serve ARGS…`` process.

    ``client_features`` replace the client's handlers of server requests by method.
    """
    config = ClientServerConfig(
        server_command=[*SERVER_COMMAND, *server_args],
        server_env=env,
        client_factory=functools.partial(_make_client, client_features),
    )
    client = await config.start()
    assert isinstance(client, LanguageClient)
    applied: list[types.WorkspaceEdit] = []
    client.applied_edits = applied  # type: ignore[attr-defined]

    @client.feature(types.WORKSPACE_APPLY_EDIT)
    def on_apply_edit(
        ls: LanguageClient, params: types.ApplyWorkspaceEditParams
    ) -> types.ApplyWorkspaceEditResult:
        applied.append(params.edit)
        return types.ApplyWorkspaceEditResult(applied=True)

    if configuration is not None:  # what the editor answers to workspace/configuration
        client.set_configuration(configuration)
    result = await client.initialize_session(
        types.InitializeParams(
            capabilities=caps,
            initialization_options=initialization_options,
            root_uri=root_uri,
        )
    )
    client.init_result = result  # type: ignore[attr-defined]
    try:
        yield client
    finally:
        if getattr(client, "shut_down", False):  # the test sent shutdown itself
            client.exit(None)
        else:
            await client.shutdown_session()
        await client.stop()


_BREAK = re.compile(r"\r\n|\r|\n")


def _units(text: str, encoding: str) -> int:
    if encoding == "utf-8":
        return len(text.encode("utf-8"))
    if encoding == "utf-16":
        return len(text.encode("utf-16-le")) // 2
    return len(text)


def _offset(text: str, position: types.Position, encoding: str) -> int:
    """Offset of an LSP position, written independently of the server's implementation."""
    starts = [0] + [m.end() for m in _BREAK.finditer(text)]
    assert position.line < len(starts), f"line {position.line} is past the end"
    start = starts[position.line]
    line_end = _BREAK.search(text, start)
    line = text[start : line_end.start() if line_end else len(text)]
    consumed = 0
    for index, char in enumerate(line):
        if consumed == position.character:
            return start + index
        consumed += _units(char, encoding)
    assert consumed == position.character, "position is not on a character boundary"
    return start + len(line)


def apply_text_edits(text: str, edits: Sequence[types.TextEdit], encoding: str) -> str:
    """Apply LSP edits as a client would (all positions refer to the original text)."""
    spans = sorted(
        (
            (
                _offset(text, e.range.start, encoding),
                _offset(text, e.range.end, encoding),
                e.new_text,
            )
            for e in edits
        ),
        key=lambda item: item[0],
    )
    out, cursor = [], 0
    for start, end, new in spans:
        assert start >= cursor, "overlapping edits"
        out.append(text[cursor:start])
        out.append(new)
        cursor = end
    out.append(text[cursor:])
    return "".join(out)


def edits_of(edit: types.WorkspaceEdit, uri: str) -> tuple[list[types.TextEdit], int | None]:
    """The text edits for ``uri`` and the document version they were computed for."""
    if edit.document_changes:
        for change in edit.document_changes:
            assert isinstance(change, types.TextDocumentEdit)
            if change.text_document.uri == uri:
                edits = [
                    types.TextEdit(range=e.range, new_text=e.new_text)
                    for e in change.edits
                    if isinstance(e, (types.TextEdit, types.AnnotatedTextEdit))
                ]
                return edits, change.text_document.version
    assert edit.changes is not None and uri in edit.changes, "no edits for the document"
    return list(edit.changes[uri]), None


def change(
    client: LanguageClient,
    uri: str,
    version: int,
    start: tuple[int, int],
    end: tuple[int, int],
    text: str,
) -> None:
    """Send one incremental ``didChange`` replacing ``start``-``end`` with ``text``."""
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(
                        start=types.Position(line=start[0], character=start[1]),
                        end=types.Position(line=end[0], character=end[1]),
                    ),
                    text=text,
                )
            ],
        )
    )


class EditorBuffer:
    """One open document as an editor holds it: a versioned edit for another version is
    rejected (as VS Code and Neovim do), an applied one is sent back as ``didChange``."""

    def __init__(self, client: LanguageClient, uri: str, text: str, encoding: str) -> None:
        self.client, self.uri, self.text, self.encoding = client, uri, text, encoding
        self.version = 1

    def apply(self, edit: types.WorkspaceEdit) -> bool:
        """Apply ``edit`` like an editor; False when it was computed for another version."""
        edits, version = edits_of(edit, self.uri)
        if version is not None and version != self.version:
            return False
        self.text = apply_text_edits(self.text, edits, self.encoding)
        self.version += 1
        # later edits first, so each change's range still refers to the text it lands in
        ordered = sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character))
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(
                    uri=self.uri, version=self.version
                ),
                content_changes=[
                    types.TextDocumentContentChangePartial(range=e.range, text=e.new_text)
                    for e in reversed(ordered)
                ],
            )
        )
        return True
