"""The definition around some lines by indentation, for languages without a grammar.

A header is a line the language's ``definition`` pattern matches; its block is every line
below indented deeper, plus a closing line (``}``, ``end``) at the header's indentation. It
reads only the lines between the header and the end of its block.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from blitzls.languages.comments import is_comment_line
from blitzls.languages.lines import blank, indent, paren_balance, preamble
from blitzls.languages.registry import Language
from blitzls.text.lines import line_content

Span = tuple[int, int]

_CLOSER = re.compile(r"(?:end|fi|done|esac|until|endfunction|endif)\b|[}\])]")
_OPENERS = (")", "]", "}")
_DECORATOR_LINES = 30  # the most lines of one decorator
_DECORATED_LINES = 300  # the most lines of decorators and comments above a header


def indent_definition(
    lines: Sequence[str], start: int, end: int, language: Language
) -> Span | None:
    """The smallest definition found by indentation that contains lines [start, end)."""
    for header in _headers(lines, start, end, language):
        first = preamble(lines, header, language)
        if first > start:
            continue
        last = _block_end(lines, header, language)
        if last >= end:
            return first, last
    return None


def _headers(lines: Sequence[str], start: int, end: int, language: Language) -> Iterator[int]:
    """Header lines that may own the span, innermost first."""
    prefixes = language.line_comments
    cur = _span_indent(lines, start, end, prefixes)
    # A header at the span's first line, below its leading decorators and comments, or
    # above it when the span starts in the middle of the header (") {").
    lead = next((i for i in range(start, end) if not blank(lines[i])), None)
    if lead is not None:
        if lines[lead].lstrip()[:1] in _OPENERS:
            lead = _statement_start(lines, lead)
        found = _decorated(lines, lead, language)
        if found is not None:
            yield found
    for i in range(start - 1, -1, -1) if cur > 0 else ():
        if not lines[i][:cur].strip():
            continue  # blank, or indented at least as far as ``cur``
        text = line_content(lines[i])
        s = text.strip()
        if not s or is_comment_line(s, prefixes):
            continue
        width = indent(text)
        if width >= cur or s.startswith(_OPENERS) or s == "{":
            continue  # a closing line, or an opening brace below its header
        cur = width
        if language.definition_pattern.match(s):
            yield i
        elif language.attributes and s.startswith(language.attributes):
            found = _decorated(lines, i, language)  # inside a decorator's arguments
            if found is not None:
                yield found
        if width == 0:
            return


def _span_indent(lines: Sequence[str], start: int, end: int, prefixes: tuple[str, ...]) -> int:
    """The indentation of the span's code (of the code below it when it has none)."""
    code = [i for i in range(start, end) if not blank(lines[i])]
    code = [i for i in code if not is_comment_line(lines[i], prefixes)]
    # A line that closes brackets (") {") continues a statement: it does not set the level.
    widths = [indent(line_content(lines[i])) for i in code if lines[i].lstrip()[:1] not in _OPENERS]
    widths = widths or [indent(line_content(lines[i])) for i in code]
    if widths:
        return min(widths)
    below = next((i for i in range(end, min(end + 50, len(lines))) if not blank(lines[i])), None)
    return indent(line_content(lines[below])) if below is not None else 0


def _statement_start(lines: Sequence[str], i: int) -> int:
    """The line where the bracketed statement that line ``i`` closes begins."""
    balance = paren_balance(lines[i])
    k = i
    while balance < 0 and k > 0 and i - k < _DECORATOR_LINES:
        k -= 1
        balance += paren_balance(lines[k])
    return k


def _decorated(lines: Sequence[str], i: int, language: Language) -> int | None:
    """The header at line ``i``, or below the decorators and comments that start there."""
    prefixes, attributes = language.line_comments, language.attributes
    width = indent(line_content(lines[i]))
    balance = 0  # inside a decorator's arguments
    for k in range(i, min(i + _DECORATED_LINES, len(lines))):
        s = line_content(lines[k]).strip()
        if (
            balance <= 0
            and language.definition_pattern.match(s)
            and (indent(line_content(lines[k])) == width)
        ):
            return k
        comment = is_comment_line(s, prefixes)
        if not s or not (balance > 0 or comment or (attributes and s.startswith(attributes))):
            return None
        if not comment:
            balance += paren_balance(s)
    return None


def _block_end(lines: Sequence[str], header: int, language: Language) -> int:
    """The exclusive end of the block headed by line ``header``.

    Lines indented deeper belong to it, and so does a closing line (``end``, ``}``) at the
    header's indentation, or an opening ``{`` right below the header.
    """
    width = indent(line_content(lines[header]))
    last = header
    for i in range(header + 1, len(lines)):
        line = lines[i]
        if not line[: width + 1].strip():  # blank, or indented deeper than the header
            if line.strip():
                last = i
            continue
        s = line_content(line).strip()
        own = indent(line_content(line))
        if own > width:
            last = i
        elif is_comment_line(s, language.line_comments):
            continue  # a comment further left neither belongs to the block nor ends it
        elif own == width and s.startswith("{") and last == i - 1:
            last = i  # a brace on its own line below the header
        else:
            if own == width and _CLOSER.match(s):
                last = i
            break
    return last + 1
