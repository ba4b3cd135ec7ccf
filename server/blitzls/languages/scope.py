"""The definition (function, method, class) around a span of lines, for targeted edits.

``enclosing_scope`` gives the smallest definition containing a span, else a top-level block
around it. For a language with a grammar, the definitions are what its query file
(``queries/<language>.scm``) captures in a tree-sitter parse of the lines around the span
(``grammars.window_tree``); other languages are scanned by indentation (``fallback``).
Spans are ``(first, last)`` line indices, ``last`` exclusive; lines keep their terminators.
A definition's span includes its decorators/attributes and the comment lines directly
above it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

from blitzls.languages import grammars
from blitzls.languages.fallback import indent_definition
from blitzls.languages.items import CodeView, Item
from blitzls.languages.lines import (
    blank,
    continues_statement,
    indent,
    preamble,
    preamble_starts,
)
from blitzls.languages.registry import Language, language_for
from blitzls.languages.structure import Code
from blitzls.text.lines import line_content

Span = tuple[int, int]

# The most lines a top-level block grows to (a longer span is returned as it is).
TOP_BLOCK_MAX = 80
# How far up to look for the top-level line that owns an indented one.
_OWNER_LIMIT = 1000
# The most comment and attribute lines between a span and the definition below them.
_PREAMBLE_BELOW = 300


def enclosing_scope(lines: Sequence[str], start: int, end: int, language_id: str) -> Span:
    """The smallest definition containing lines [start, end), else a top-level block.

    The top-level block is the span widened to its paragraph: it stops at blank lines before
    or after lines at indentation 0 and at top-level definitions, and grows to at most
    ``TOP_BLOCK_MAX`` lines (never smaller than the span).
    """
    if not lines:
        return 0, 0
    count = len(lines)
    start = min(max(start, 0), count - 1)
    end = min(max(end, start + 1), count)
    language = language_for(language_id)
    found = _definition(lines, start, end, language)
    if found is not None:
        return found
    return _top_level_block(lines, start, end, language)


def enclosing_definition(
    lines: Sequence[str], start: int, end: int, language_id: str
) -> Span | None:
    """The smallest definition containing lines [start, end), or None when none does."""
    found = definition_around(lines, start, end, language_id)
    return found.span if found is not None else None


class Found(NamedTuple):
    """A definition around some lines: its span (with the comments and attributes above),
    the definition as the edit core reads it, and the code it was read from."""

    span: Span
    item: Item | None  # None: no grammar, or the tree did not say
    code: CodeView | None


def definition_around(lines: Sequence[str], start: int, end: int, language_id: str) -> Found | None:
    """:func:`enclosing_definition`, with the definition's node read as an ``Item``."""
    if not lines:
        return None
    count = len(lines)
    start = min(max(start, 0), count - 1)
    end = min(max(end, start + 1), count)
    language = language_for(language_id)
    if not grammars.has_grammar(language):
        span = indent_definition(lines, start, end, language)
        if span is None:
            return None
        from blitzls.languages.textual import TextCode

        code = TextCode(lines, language)
        inside = (d for d in code.definitions() if span[0] <= d.start < span[1])
        item = next(inside, None)
        return Found(span, item, code)
    return _found(lines, start, end, language)


def may_be_in_definition(text: str, language_id: str) -> bool:
    """Whether a cursor on this line (without its terminator) may be inside a definition:
    the line is indented or starts one. Cheap: for listing code actions."""
    if not text.strip():
        return False
    return text[:1] in (" ", "\t") or _starts_definition(text, language_for(language_id))


def _definition(lines: Sequence[str], start: int, end: int, language: Language) -> Span | None:
    if not grammars.has_grammar(language):
        return indent_definition(lines, start, end, language)
    found = _found(lines, start, end, language)
    return found.span if found is not None else None


def _found(lines: Sequence[str], start: int, end: int, language: Language) -> Found | None:
    # Definitions that start below the span count when their comments reach up into it.
    below = _after_preamble(lines, end, language) + 1
    found: Found | None = None
    for level, first, last in grammars.windows(lines, start, below, language):
        if level:
            parsed = grammars.parse(lines, first, last, language, level)
        else:  # the last window: widened while it has errors
            parsed = grammars.parse_top(lines, first, last, language)
        found, clean = _smallest(lines, parsed, start, end, below, language)
        if found is not None and (clean or not parsed.has_error):
            return found
    return found  # in a file with a syntax error: the best guess, or None


def _smallest(
    lines: Sequence[str],
    parsed: grammars.Parsed,
    start: int,
    end: int,
    below: int,
    language: Language,
) -> tuple[Found | None, bool]:
    """The smallest definition in a tree that holds lines [start, end) (with the comments
    and attributes above it), and whether it parsed without error."""
    best: Span | None = None
    node: Any = None
    clean = False
    for first, last, ok, at in grammars.definition_nodes(parsed, language, start, below):
        if last < end:
            continue
        first = preamble(lines, first, language)
        if first <= start and (best is None or last - first < best[1] - best[0]):
            best, clean, node = (first, last), ok, at
    if best is None:
        return None, clean
    code = Code(lines, parsed, language)
    item = code.item_of(node)
    return Found(best, item, code), clean


def _after_preamble(lines: Sequence[str], end: int, language: Language) -> int:
    """The first line at or after ``end - 1`` that is not a comment, attribute or blank."""
    starts = preamble_starts(language)
    i = end - 1
    limit = min(end + _PREAMBLE_BELOW, len(lines) - 1)
    while i < limit:
        s = lines[i].strip()
        if s and not s.startswith(starts):
            break
        i += 1
    return i


# --- top-level blocks ----------------------------------------------------------------


def _starts_definition(text: str, language: Language) -> bool:
    return language.definition_pattern.match(text.strip()) is not None


def _top_level_block(lines: Sequence[str], start: int, end: int, language: Language) -> Span:
    first = _grow_up(lines, start, max(start - TOP_BLOCK_MAX, 0), language)
    last = _grow_down(lines, end, min(end + TOP_BLOCK_MAX, len(lines)), language)
    while first < start and blank(lines[first]):
        first += 1
    while last > end and blank(lines[last - 1]):
        last -= 1
    room = TOP_BLOCK_MAX - (end - start)
    if room <= 0:
        return start, end
    above, below = start - first, last - end
    if above + below > room:
        take_above = min(above, max(room // 2, room - below))
        take_below = min(below, room - take_above)
        first, last = start - take_above, end + take_below
    return first, last


def _grow_up(lines: Sequence[str], first: int, limit: int, language: Language) -> int:
    while first > limit:
        prev, top = lines[first - 1], line_content(lines[first])
        if blank(prev):
            if blank(top) or indent(top) == 0:
                break
        elif not blank(top) and indent(top) == 0 and not continues_statement(top):
            owner = _owner(lines, first - 1)
            if owner is not None and _starts_definition(line_content(lines[owner]), language):
                break
        first -= 1
    return first


def _owner(lines: Sequence[str], i: int) -> int | None:
    """The nearest line at or above ``i`` at indentation 0 that starts a statement."""
    for j in range(i, max(i - _OWNER_LIMIT, -1), -1):
        text = line_content(lines[j])
        if text.strip() and indent(text) == 0 and not continues_statement(text):
            return j
    return None


def _grow_down(lines: Sequence[str], last: int, limit: int, language: Language) -> int:
    while last < limit:
        text = line_content(lines[last])
        if not text.strip():
            nxt = next((k for k in range(last + 1, limit) if not blank(lines[k])), None)
            if nxt is None or indent(line_content(lines[nxt])) == 0:
                break
        elif (
            indent(text) == 0
            and not continues_statement(text)
            and _starts_definition(text, language)
        ):
            break
        last += 1
    return last
