"""From a request to an edit task: which lines the model sees, which it may change, and how.

Three regions matter, all ``[start, end)`` line indices into the snapshot:

* ``shown`` — the code put in front of the model and asked back whole: the definition
  around the target, or the target itself when no definition encloses it;
* ``target`` — the lines the action is about (a pseudocode block, a selection, the scope);
* ``allowed`` — the lines the reply may change. Pseudocode may change only its own lines;
  everything else may change the whole definition it works on.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from itertools import repeat
from typing import Literal

from blitzls.core.request import ActionRequest
from blitzls.languages.scope import enclosing_definition, enclosing_scope

ReplyFormat = Literal["rewrite", "search-replace"]
# "auto": by the size of the code the model is shown (see ``prepare``).
FormatChoice = Literal["rewrite", "search-replace", "auto"]
ShownKind = Literal["definition", "lines"]
Span = tuple[int, int]
# With the format "auto", code shown longer than this many lines is edited with
# SEARCH/REPLACE blocks (pseudocode is always rewritten).
SEARCH_REPLACE_ABOVE = 40


@dataclass(frozen=True)
class EditTask:
    """A request prepared for prompting and for applying replies."""

    lines: tuple[str, ...]  # the snapshot's lines, with terminators
    language: str
    shown: Span
    target: Span
    allowed: Span
    reply_format: ReplyFormat
    shown_kind: ShownKind = "lines"  # a whole definition, or bare lines
    pseudocode: bool = False  # target lines repeated in a reply are dropped from it
    instruction_line: tuple[int, str | None] | None = None  # removed by position afterwards
    hint_line: int | None = None  # the cursor: breaks ties between equal SEARCH matches

    @cached_property
    def text(self) -> str:
        return "".join(self.lines)

    @cached_property
    def contents(self) -> tuple[str, ...]:
        """The lines without their terminators."""
        return tuple(map(str.rstrip, self.lines, repeat("\r\n")))  # line_content, in C

    def offset(self, line: int) -> int:
        return sum(map(len, self.lines[:line]))


def prepare(request: ActionRequest, reply_format: FormatChoice) -> EditTask:
    """The edit task for ``request``, replied to in ``reply_format``.

    "auto" measures the code the model is shown and asked to change (the definition around a
    cursor, a diagnostic or an ``ai!`` comment; else the selection), not the request's own
    lines: SEARCH/REPLACE above ``SEARCH_REPLACE_ABOVE`` lines, a rewrite otherwise and
    always for pseudocode."""
    snapshot = request.snapshot
    lines = list(snapshot.lines)
    language = snapshot.language_id
    target = (request.start_line, request.end_line)
    pseudocode = request.action.trigger == "comment_block"
    kind: ShownKind = "lines"
    hint: int | None = None
    if request.scope == "enclosing":
        definition = enclosing_definition(lines, *target, language)
        if definition is not None:
            shown, kind = definition, "definition"
        else:
            shown = enclosing_scope(lines, *target, language)
        allowed = shown
        hint = request.start_line
        if request.replace_line is None:
            target = shown
    elif pseudocode:
        definition = enclosing_definition(lines, *target, language)
        if definition is not None and definition[0] <= target[0] and target[1] <= definition[1]:
            shown, kind = definition, "definition"
        else:
            shown = target
        allowed = target
    else:  # a selection: exactly these lines
        shown = allowed = target
    if reply_format == "auto":
        long = shown[1] - shown[0] > SEARCH_REPLACE_ABOVE
        reply_format = "search-replace" if long and not pseudocode else "rewrite"
    return EditTask(
        lines=snapshot.lines,
        language=language,
        shown=shown,
        target=target,
        allowed=allowed,
        reply_format=reply_format,
        shown_kind=kind,
        pseudocode=pseudocode,
        instruction_line=request.replace_line,
        hint_line=hint,
    )
