"""Which code actions to offer where: cheap, pure, no model and no I/O.

VS Code asks for code actions on every cursor move, so everything here looks only at the
lines around the requested range and must stay well under a millisecond on a large file.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from lsprotocol import types

from blitzls.actions import BUILTIN_ACTIONS, ActionSpec
from blitzls.instructions import find_instruction
from blitzls.languages.comments import line_comment_prefixes
from blitzls.languages.scope import may_be_in_definition
from blitzls.lsp.action_data import ActionFailed, action_data
from blitzls.targets import lines_for_range, with_placeholder
from blitzls.text.document import TextDocument

# Advertised kinds: ours, plus the parents user-defined actions are likely to use.
ACTION_KINDS = sorted(
    {a.kind for a in BUILTIN_ACTIONS.values()} | {"quickfix", "refactor", "refactor.rewrite"}
)
PREFETCHED_KINDS = {BUILTIN_ACTIONS["pseudocode"].kind, BUILTIN_ACTIONS["instruction"].kind}


class Offer:
    """One code action to offer, before it is dressed for the client."""

    __slots__ = ("data", "diagnostics", "spec", "title")

    def __init__(
        self,
        spec: ActionSpec,
        title: str,
        data: dict[str, Any],
        diagnostics: list[types.Diagnostic] | None = None,
    ) -> None:
        self.spec, self.title, self.data, self.diagnostics = spec, title, data, diagnostics

    @property
    def prefetchable(self) -> bool:
        return self.spec.kind in PREFETCHED_KINDS


def offers_at(
    doc: TextDocument,
    specs: Sequence[ActionSpec],
    selection: types.Range,
    diagnostics: Sequence[types.Diagnostic],
    only: Sequence[str] | None,
) -> list[Offer]:
    """The actions of ``specs`` that apply at ``selection`` (and to its diagnostics)."""
    return [
        offer
        for spec in specs
        if wanted(spec.kind, only)
        for offer in _offers_for(doc, spec, selection, diagnostics)
    ]


def wanted(kind: str, only: Sequence[str] | None) -> bool:
    """Honour ``context.only``: a requested kind matches itself and its sub-kinds."""
    if not only:
        return True
    return any(kind == str(k) or kind.startswith(f"{k}.") for k in only)


def is_point(selection: types.Range) -> bool:
    """A cursor rather than a selection (editors send a one-character range for a cursor)."""
    start, end = selection.start, selection.end
    return start.line == end.line and end.character - start.character <= 1


def _offers_for(
    doc: TextDocument,
    spec: ActionSpec,
    selection: types.Range,
    diagnostics: Sequence[types.Diagnostic],
) -> list[Offer]:
    start, end = selection.start, selection.end
    point = is_point(selection)
    line = min(max(start.line, 0), doc.line_count - 1)
    if spec.trigger == "command":
        return []
    if spec.trigger == "instruction_comment":
        found = find_instruction(doc.lines, line, doc.language_id)
        if found is None:
            return []
        data = action_data(doc, spec.id, (found.line, found.line + 1), point=True)
        return [Offer(spec, spec.title_for(instruction=found.text), data)]
    if spec.trigger == "diagnostic":
        return [
            Offer(
                spec,
                spec.title_for(message=diagnostic.message),
                action_data(
                    doc,
                    spec.id,
                    _diagnostic_lines(doc, diagnostic),
                    point=True,
                    diagnostics=[_diagnostic_data(diagnostic)],
                ),
                diagnostics=[diagnostic],
            )
            for diagnostic in diagnostics
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
        span = with_placeholder(doc.lines, span, doc.language_id)
    elif point:  # scope actions at a cursor: only where a definition may be around
        text = doc.line_text(line)
        inside = may_be_in_definition(text, doc.language_id)
        span = (line, line + 1) if inside and text.strip() else None
    else:
        span = _selected_lines(doc, selection)
    if span is None:
        return []
    return [Offer(spec, spec.title_for(), action_data(doc, spec.id, span, point=point))]


def edit_data(doc: TextDocument, selection: types.Range, instruction: str) -> dict[str, Any]:
    """The action data of ``blitzls.edit``: an instruction on a cursor line or a selection."""
    point = is_point(selection)
    if point:
        first = min(max(selection.start.line, 0), doc.line_count - 1)
        lines: tuple[int, int] | None = (first, first + 1)
    else:
        lines = _selected_lines(doc, selection)
    if lines is None:
        raise ActionFailed("the selection is empty")
    return action_data(doc, "edit", lines, point=point, instruction=instruction)


def _selected_lines(doc: TextDocument, selection: types.Range) -> tuple[int, int] | None:
    start, end = selection.start, selection.end
    return lines_for_range(
        doc.lines, (start.line, start.character), (end.line, end.character), (), is_point=False
    )


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
