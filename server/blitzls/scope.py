"""The definition (function, method, class) around some lines, found by scanning outward.

Works on indentation, which well-formatted code in every language has; for brace and
``end`` languages the closing line of the block is included. Only the lines between the
definition's header and its end are read, so it stays fast on long files.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_HEADER = re.compile(
    r"@|(?:export\s+(?:default\s+)?|pub(?:\([\w:]+\))?\s+|async\s+|static\s+|public\s+|"
    r"private\s+|protected\s+|override\s+|unsafe\s+|const\s+|let\s+|var\s+|local\s+)*"
    r"(?:def|class|fn|func|function|impl|struct|enum|trait|interface|module|object)\b"
    r"|[\w$]+\s*=\s*(?:async\s*)?(?:\([^)]*\)|[\w$]+)\s*=>"
    r"|[\w$.]+\s*\([^)]*\)\s*\{"
)
_CLOSING = re.compile(r"[)\]}]+[;,)]*|end[;,)]*|fi|done|esac")
MAX_PARAGRAPH = 80


def _indent(line: str) -> int:
    expanded = line.expandtabs(4)
    return len(expanded) - len(expanded.lstrip())


def _blank(line: str) -> bool:
    return not line.strip()


def _is_header(line: str) -> bool:
    return _HEADER.match(line.strip()) is not None


def definition_at(lines: Sequence[str], start: int, end: int) -> tuple[int, int] | None:
    """The smallest definition whose body or header covers lines [start, end), or None."""
    count = len(lines)
    first = next((i for i in range(start, min(end, count)) if not _blank(lines[i])), None)
    if first is None:
        return None
    # The span itself may start with a header.
    level = _indent(lines[first])
    candidate_line = first if _is_header(lines[first]) else None
    row = first
    while True:
        if candidate_line is None:
            row -= 1
            while row >= 0 and (_blank(lines[row]) or _indent(lines[row]) >= level):
                row -= 1
            if row < 0:
                return None
            level = _indent(lines[row])
            if not _is_header(lines[row]):
                continue
            candidate_line = row
        header = candidate_line
        stop = _block_end(lines, header)
        if stop >= end:
            top = header
            while top > 0 and lines[top - 1].strip().startswith(("@", "#[", "///")):
                top -= 1
            return top, stop
        candidate_line = None
        row = header
        level = _indent(lines[header])


def _block_end(lines: Sequence[str], header: int) -> int:
    """Exclusive end of the block opened by ``header``: its body and a closing line."""
    base = _indent(lines[header])
    last = header
    row = header + 1
    count = len(lines)
    while row < count:
        line = lines[row]
        if not _blank(line):
            if _indent(line) <= base:
                if _CLOSING.fullmatch(line.strip()):
                    last = row
                break
            last = row
        row += 1
    return last + 1


def enclosing_scope(
    lines: Sequence[str], start: int, end: int, language_id: str = ""
) -> tuple[int, int]:
    """The definition around [start, end), else the paragraph around it (at most 80 lines)."""
    found = definition_at(lines, start, end)
    if found is not None:
        return found
    top = start
    while top > 0 and not _blank(lines[top - 1]) and start - top < MAX_PARAGRAPH // 2:
        top -= 1
    bottom = end
    while bottom < len(lines) and not _blank(lines[bottom]) and bottom - end < MAX_PARAGRAPH // 2:
        bottom += 1
    return top, max(bottom, top + 1)


def scope_for_cursor(
    lines: Sequence[str], line: int, language_id: str = ""
) -> tuple[int, int] | None:
    """The definition around the cursor's line, or None outside any definition."""
    return definition_at(lines, line, line + 1)
