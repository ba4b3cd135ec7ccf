"""Conversions between blitzls's LSP-free text types and lsprotocol types."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from lsprotocol import types

from blitzls.text.positions import Pos

if TYPE_CHECKING:
    from blitzls.text.edits import TextEditSpec


def to_position(pos: Pos) -> types.Position:
    return types.Position(line=pos.line, character=pos.character)


def from_position(pos: types.Position) -> Pos:
    return Pos(pos.line, pos.character)


def to_text_edits(edits: Sequence[TextEditSpec]) -> list[types.TextEdit]:
    return [
        types.TextEdit(
            range=types.Range(start=to_position(e.start), end=to_position(e.end)),
            new_text=e.new_text,
        )
        for e in edits
    ]


NOTES_ANNOTATION = "blitzls.notes"


def workspace_edit(
    uri: str,
    version: int | None,
    edits: Sequence[TextEditSpec],
    *,
    document_changes: bool,
    annotation: str | None = None,
) -> types.WorkspaceEdit:
    """A versioned ``TextDocumentEdit`` when the client supports it, else plain ``changes``.

    ``annotation``: what the edit does besides its task (lines kept, helpers added), as a
    change annotation on every text edit (for clients that support them)."""
    text_edits: list[types.TextEdit] = to_text_edits(edits)
    if document_changes:
        changes: list[types.TextEdit | types.AnnotatedTextEdit] = list(text_edits)
        annotations = None
        if annotation:
            changes = [
                types.AnnotatedTextEdit(
                    range=e.range, new_text=e.new_text, annotation_id=NOTES_ANNOTATION
                )
                for e in text_edits
            ]
            label = types.ChangeAnnotation(label=annotation, needs_confirmation=False)
            annotations = {NOTES_ANNOTATION: label}
        return types.WorkspaceEdit(
            document_changes=[
                types.TextDocumentEdit(
                    text_document=types.OptionalVersionedTextDocumentIdentifier(
                        uri=uri, version=version
                    ),
                    edits=changes,
                )
            ],
            change_annotations=annotations,
        )
    return types.WorkspaceEdit(changes={uri: list(text_edits)})
