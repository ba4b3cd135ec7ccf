"""``blitzls probe``: act as an editor against a fresh server and show what it sees.

Starts ``blitzls serve`` as a subprocess, opens FILE, asks for code actions at the given
lines exactly as VS Code or Neovim would, optionally resolves one, and prints a summary of
the traffic: what was offered, what came back, messages, progress, and how long each step
took. The tool to run when "nothing shows up in my editor".
"""

from __future__ import annotations

import argparse
import asyncio
import difflib
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.lsp.client import LanguageClient

from blitzls.languages.registry import language_from_path
from blitzls.targets import parse_line_spec
from blitzls.text.document import TextDocument
from blitzls.text.edits import TextEditSpec, apply_edits
from blitzls.text.positions import Pos


def client_capabilities(client: str) -> types.ClientCapabilities:
    """What VS Code or Neovim 0.11 announce for the parts blitzls uses."""
    neovim = client == "neovim"
    return types.ClientCapabilities(
        general=types.GeneralClientCapabilities(
            position_encodings=(
                [types.PositionEncodingKind.Utf8, types.PositionEncodingKind.Utf16]
                if neovim
                else [types.PositionEncodingKind.Utf16]
            )
        ),
        text_document=types.TextDocumentClientCapabilities(
            code_action=types.CodeActionClientCapabilities(
                code_action_literal_support=types.ClientCodeActionLiteralOptions(
                    code_action_kind=types.ClientCodeActionKindOptions(
                        value_set=["", "quickfix", "refactor", "refactor.rewrite", "source"]
                    )
                ),
                data_support=True,
                resolve_support=types.ClientCodeActionResolveOptions(
                    properties=["edit", "command"] if neovim else ["edit"]
                ),
            )
        ),
        workspace=types.WorkspaceClientCapabilities(
            workspace_edit=types.WorkspaceEditClientCapabilities(document_changes=not neovim),
            apply_edit=True,
        ),
        window=types.WindowClientCapabilities(work_done_progress=True),
    )


class Recorder:
    """Collects what the server sent on its own initiative."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.events: list[str] = []

    def note(self, text: str) -> None:
        self.events.append(f"{(time.perf_counter() - self.started) * 1000:8.1f} ms  {text}")


async def probe(args: argparse.Namespace) -> int:
    path = Path(args.file)
    try:
        text = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"blitzls: cannot read {path}: {exc}", file=sys.stderr)
        return 2
    try:
        first, last = parse_line_spec(args.lines)
    except ValueError as exc:
        print(f"blitzls: {exc}", file=sys.stderr)
        return 2
    recorder = Recorder()
    client = LanguageClient("blitzls-probe", "1")
    _listen(client, recorder)
    command = [sys.executable, "-m", "blitzls", "serve", *args.server_args]
    started = time.perf_counter()
    await client.start_io(*command, env=dict(os.environ))
    report: dict[str, Any] = {"command": command, "client": args.client}
    try:
        return await _session(client, args, path, text, first, last, recorder, report, started)
    finally:
        if args.json:
            report["events"] = recorder.events
            print(json.dumps(report, indent=2, ensure_ascii=False, default=str))
        try:
            await asyncio.wait_for(client.shutdown_async(None), timeout=5)
            client.exit(None)
        except Exception:
            pass
        await client.stop()  # type: ignore[no-untyped-call]


async def _session(
    client: LanguageClient,
    args: argparse.Namespace,
    path: Path,
    text: str,
    first: int,
    last: int | None,
    recorder: Recorder,
    report: dict[str, Any],
    started: float,
) -> int:
    out = _printer(args)
    result = await asyncio.wait_for(
        client.initialize_async(
            types.InitializeParams(
                capabilities=client_capabilities(args.client),
                process_id=os.getpid(),
                root_uri=path.resolve().parent.as_uri(),
            )
        ),
        timeout=30,
    )
    client.initialized(types.InitializedParams())
    encoding = str(result.capabilities.position_encoding or "utf-16")
    provider = result.capabilities.code_action_provider
    kinds = (
        list(provider.code_action_kinds or [])
        if isinstance(provider, types.CodeActionOptions)
        else []
    )
    elapsed = (time.perf_counter() - started) * 1000
    server = result.server_info
    out(
        f"server      {server.name if server else '?'} {server.version if server else ''}"
        f" answered initialize in {elapsed:.0f} ms"
    )
    out(f"client      {args.client} capabilities, position encoding {encoding}")
    out(
        f"codeAction  resolveProvider={getattr(provider, 'resolve_provider', None)}, "
        f"kinds: {', '.join(kinds)}"
    )
    report.update(initialize_ms=round(elapsed, 1), encoding=encoding, kinds=kinds)

    uri = path.resolve().as_uri()
    language = language_from_path(str(path))
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri, language_id=language, version=1, text=text
            )
        )
    )
    doc = TextDocument(uri, text, 1, language)
    selection = _selection(doc, first, last, encoding)
    out(
        f"document    {path} ({language}, {doc.line_count} lines), asking at "
        f"{selection.start.line + 1}:{selection.start.character}-"
        f"{selection.end.line + 1}:{selection.end.character} ({encoding} columns)"
    )
    began = time.perf_counter()
    listed = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=selection,
            context=types.CodeActionContext(
                diagnostics=[], trigger_kind=types.CodeActionTriggerKind.Invoked
            ),
        )
    )
    listing_ms = (time.perf_counter() - began) * 1000
    actions = [a for a in listed or [] if isinstance(a, types.CodeAction)]
    out(f"offered     {len(actions)} action(s) in {listing_ms:.1f} ms")
    for action in actions:
        lazy = (
            "resolved lazily"
            if action.edit is None and action.command is None
            else ("with a command" if action.command else "with an edit")
        )
        out(f"  - {action.title}  [{action.kind}]  ({lazy})")
    report.update(
        listing_ms=round(listing_ms, 2),
        actions=[{"title": a.title, "kind": a.kind} for a in actions],
    )
    if not actions:
        out(
            "nothing offered here: select lines, or put the cursor in a comment block, on an "
            "'ai!' comment, or inside a function"
        )
    exit_code = 0
    if args.action:
        exit_code = await _resolve(client, args, actions, doc, encoding, report, out)
    await asyncio.sleep(0.05)  # let trailing notifications arrive
    if recorder.events:
        out("server said")
        for event in recorder.events:
            out(f"  {event}")
    return exit_code


async def _resolve(
    client: LanguageClient,
    args: argparse.Namespace,
    actions: list[types.CodeAction],
    doc: TextDocument,
    encoding: str,
    report: dict[str, Any],
    out: Any,
) -> int:
    wanted = [a for a in actions if a.kind and (args.action in (a.kind, a.kind.rsplit(".", 1)[-1]))]
    if not wanted:
        out(f"resolve     no offered action matches '{args.action}'")
        return 1
    began = time.perf_counter()
    resolved = await client.code_action_resolve_async(wanted[0])
    resolve_ms = (time.perf_counter() - began) * 1000
    report["resolve_ms"] = round(resolve_ms, 1)
    if resolved.edit is None:
        out(f"resolve     '{wanted[0].title}' came back without an edit after {resolve_ms:.0f} ms")
        return 1
    edits = _edits(resolved.edit, doc.uri)
    new_text = apply_edits(
        doc.text,
        [
            TextEditSpec(
                Pos(e.range.start.line, e.range.start.character),
                Pos(e.range.end.line, e.range.end.character),
                e.new_text,
            )
            for e in edits
        ],
        encoding,  # type: ignore[arg-type]
    )
    out(f"resolve     '{wanted[0].title}': {len(edits)} edit(s) in {resolve_ms:.0f} ms")
    diff = "".join(
        difflib.unified_diff(
            doc.text.splitlines(keepends=True),
            new_text.splitlines(keepends=True),
            fromfile="before",
            tofile="after",
        )
    )
    report["diff"] = diff
    if not args.json:
        sys.stdout.write(diff)
    return 0


def _edits(edit: types.WorkspaceEdit, uri: str) -> list[types.TextEdit]:
    if edit.document_changes:
        return [
            e
            for change in edit.document_changes
            if isinstance(change, types.TextDocumentEdit) and change.text_document.uri == uri
            for e in change.edits
            if isinstance(e, types.TextEdit)
        ]
    return list((edit.changes or {}).get(uri, []))


def _selection(doc: TextDocument, first: int, last: int | None, encoding: str) -> types.Range:
    """A cursor at the start of a single line, or a selection of whole lines."""
    first = min(first, doc.line_count - 1)
    if last is None:
        indent = len(doc.line_text(first)) - len(doc.line_text(first).lstrip())
        position = types.Position(line=first, character=indent)
        return types.Range(start=position, end=position)
    last = min(last, doc.line_count)
    end_line = last - 1
    end_character = doc.position_at(
        doc.offset_at(Pos(end_line, 10**9), encoding),  # type: ignore[arg-type]
        encoding,  # type: ignore[arg-type]
    ).character
    return types.Range(
        start=types.Position(line=first, character=0),
        end=types.Position(line=end_line, character=end_character),
    )


def _listen(client: LanguageClient, recorder: Recorder) -> None:
    @client.feature(types.WINDOW_SHOW_MESSAGE)  # type: ignore[untyped-decorator]
    def show_message(ls: LanguageClient, params: types.ShowMessageParams) -> None:
        recorder.note(f"showMessage [{params.type.name}] {params.message}")

    @client.feature(types.WINDOW_LOG_MESSAGE)  # type: ignore[untyped-decorator]
    def log_message(ls: LanguageClient, params: types.LogMessageParams) -> None:
        recorder.note(f"logMessage [{params.type.name}] {params.message}")

    @client.feature(types.WINDOW_WORK_DONE_PROGRESS_CREATE)  # type: ignore[untyped-decorator]
    def progress_create(ls: LanguageClient, params: types.WorkDoneProgressCreateParams) -> None:
        return None

    @client.feature(types.PROGRESS)  # type: ignore[untyped-decorator]
    def progress(ls: LanguageClient, params: types.ProgressParams) -> None:
        value = params.value
        kind = value.get("kind") if isinstance(value, dict) else getattr(value, "kind", "")
        title = value.get("title") or value.get("message") if isinstance(value, dict) else ""
        recorder.note(f"progress {kind}: {title or ''}")

    @client.feature("blitzls/actionDone")  # type: ignore[untyped-decorator]
    def action_done(ls: LanguageClient, params: Any) -> None:
        fields = params if isinstance(params, dict) else getattr(params, "_asdict", dict)()
        shown = ", ".join(f"{key} {value}" for key, value in fields.items())
        recorder.note(f"blitzls/actionDone {shown}")

    @client.feature(types.WORKSPACE_APPLY_EDIT)  # type: ignore[untyped-decorator]
    def apply_edit(
        ls: LanguageClient, params: types.ApplyWorkspaceEditParams
    ) -> types.ApplyWorkspaceEditResult:
        recorder.note(f"workspace/applyEdit {params.label or ''}")
        return types.ApplyWorkspaceEditResult(applied=False, failure_reason="probe does not edit")


def _printer(args: argparse.Namespace) -> Any:
    def out(line: str) -> None:
        if not args.json:
            print(line)

    return out
