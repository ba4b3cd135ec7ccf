"""From a request to an edit task: which lines the model sees, which it may change, and how.

Three regions matter, all ``[start, end)`` line indices into the snapshot:

* ``shown`` — the code put in front of the model and asked back whole: the definition
  around the target, or the target itself when no definition encloses it;
* ``target`` — the lines the action is about (a pseudocode block with the placeholder
  statement under it, a selection, the scope);
* ``allowed`` — the lines the reply may change. Pseudocode may change only its own lines;
  everything else may change the whole definition it works on.

The definition is read on the syntax tree (``languages/``) once, here; applying a reply reads
the rest of the file from the same parse, or parses more of it only when the reply needs it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from itertools import repeat
from typing import Any, Literal

from blitzls.core.request import ActionRequest
from blitzls.languages.comments import placeholder_hint
from blitzls.languages.items import CodeView, Item
from blitzls.languages.scope import Found, definition_around, enclosing_scope
from blitzls.languages.structure import RowReader, read_document

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
    placeholder: int | None = None  # the placeholder statement's first line, in the target
    instructed: bool = False  # the user said what to do (an instruction, a diagnostic)
    keeps_code: bool = False  # only comments and docstrings may change (a docstring action)
    ends_after_header: bool = False  # the answer is complete once it echoes the body
    # the definition's docstring, given in words and left out of the code shown (rows)
    aside: Span | None = None
    # the definition shown, as the syntax tree has it, and the parse it comes from
    definition: Item | None = field(default=None, compare=False, repr=False)
    parsed: CodeView | None = field(default=None, compare=False, repr=False)
    # the lines as the model saw them (secrets redacted; empty where it saw nothing)
    seen: tuple[str, ...] = field(default=(), compare=False, repr=False)
    # the line ranges the prompt shows the model (empty: the whole file)
    visible: tuple[Span, ...] = field(default=(), compare=False, repr=False)
    # parses of the file, shared with the copies ``dataclasses.replace`` makes (the repair)
    memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @cached_property
    def text(self) -> str:
        return "".join(self.lines)

    @cached_property
    def contents(self) -> tuple[str, ...]:
        """The lines without their terminators."""
        return tuple(map(str.rstrip, self.lines, repeat("\r\n")))  # line_content, in C

    @property
    def rows(self) -> RowReader:
        """What each line of the file holds (code, comment, docstring, blank)."""
        if "rows" not in self.memo:
            known = [self.parsed] if self.parsed else []
            self.memo["rows"] = RowReader(self.contents, self.language, known)
        rows: RowReader = self.memo["rows"]
        return rows

    @property
    def whole(self) -> CodeView:
        """The whole file read as code: parsed on first use, only when a reply needs it,
        and once for the action."""
        if "whole" not in self.memo:
            self.memo["whole"] = read_document(self.contents, self.language)
        whole: CodeView = self.memo["whole"]
        return whole

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
    found: Found | None = None
    placeholder: int | None = None
    if request.scope == "enclosing":
        found = definition_around(lines, *target, language)
        if found is not None:
            shown, kind = found.span, "definition"
        else:
            shown = enclosing_scope(lines, *target, language)
        allowed = shown
        hint = request.start_line
        if request.replace_line is None:
            target = shown
    elif pseudocode:
        found = definition_around(lines, *target, language)
        if found is not None and not (found.span[0] <= target[0] and target[1] <= found.span[1]):
            found = None
        target, placeholder = _with_placeholder(snapshot.lines, target, language, found)
        if found is not None:
            shown, kind = found.span, "definition"
        else:
            shown = target
        allowed = target
    else:  # a selection: exactly these lines
        shown = allowed = target
    if reply_format == "auto":
        long = shown[1] - shown[0] > SEARCH_REPLACE_ABOVE
        reply_format = "search-replace" if long and not pseudocode else "rewrite"
    aside = None
    if request.action.docstring_aside and reply_format == "rewrite" and kind == "definition":
        aside = _docstring_rows(found, language, (request.start_line, request.end_line))
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
        placeholder=placeholder,
        instructed=bool(request.instruction or request.diagnostics),
        keeps_code=request.action.keeps_code,
        ends_after_header=request.action.ends_after_header,
        aside=aside,
        definition=found.item if found is not None else None,
        parsed=found.code if found is not None else None,
    )


def _docstring_rows(found: Found | None, language: str, asked: Span) -> Span | None:
    """The rows of the definition's docstring, when it has one on rows of its own and the
    lines the action was asked about (a diagnostic's, a selection) are not in it.

    Only Python's: its docstring is the body's first statement, so every answer repeats it;
    other languages' doc comments stand above the header (and a JavaScript string statement
    first in a body is a directive, not documentation)."""
    if found is None or found.item is None or found.code is None or language != "python":
        return None
    members = found.code.members(found.item)
    if not members or members[0].category != "doc":
        return None
    doc = members[0]
    if doc.start <= found.item.start or doc.first != doc.start:
        return None  # on the header's line, or with comments above it
    if asked[0] < doc.last and doc.start < asked[1]:
        return None  # the action is about the docstring itself
    return doc.start, doc.last


def _with_placeholder(
    lines: tuple[str, ...], target: Span, language: str, found: Found | None
) -> tuple[Span, int | None]:
    """The pseudocode lines with the placeholder statement right after them (``pass``,
    ``todo!()``), found on the syntax tree; and the placeholder's first line, if any."""
    start, end = target
    known = [found.code] if found is not None and found.code is not None else []
    rows = RowReader(lines, language, known)

    def placeholder(row: int) -> int | None:
        if not lines[row].strip() or rows.kind(row) == "comment":
            return None
        if not all(rows.kind(i) == "comment" for i in range(start, row)):
            return None
        return rows.code_for(row).placeholder_at(row)

    last = end - 1
    if end - start > 1 and placeholder_hint(lines[last], language):  # as listing guessed
        stop = placeholder(last)
        return ((start, max(end, stop)), last) if stop is not None else ((start, last), None)
    if end < len(lines):
        stop = placeholder(end)
        if stop is not None:
            return (start, stop), end
    return target, None
