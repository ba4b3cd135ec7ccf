"""A document as lines with offsets, and the indentation arithmetic the matcher needs.

Lines are split only at LSP line breaks ("\\r\\n", "\\r", "\\n"). Indentation is the leading run
of spaces and tabs; a tab advances to the next multiple of the tab size.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

__all__ = [
    "IDENTITY",
    "Document",
    "Shift",
    "body",
    "columns",
    "common_shift",
    "find_shift",
    "indent_of",
    "is_blank",
    "lines_without_breaks",
]

_BREAK = re.compile(r"\r\n|\r|\n")


def lines_without_breaks(text: str) -> list[str]:
    """Lines of ``text`` without terminators; a final terminator does not start a new line."""
    if not text:
        return []
    lines = _BREAK.split(text)
    if lines[-1] == "" and text[-1] in "\r\n":
        lines.pop()
    return lines


def is_blank(line: str) -> bool:
    return not line.strip()


def indent_of(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t"))]


def body(line: str) -> str:
    """The line without indentation and trailing whitespace."""
    return line.lstrip(" \t").rstrip()


def columns(indent: str, tab_size: int) -> int:
    col = 0
    for char in indent:
        col = col + tab_size - col % tab_size if char == "\t" else col + 1
    return col


class Document:
    """``text`` split into lines, with each line's offsets (code points)."""

    def __init__(self, text: str) -> None:
        self.text = text
        lines: list[str] = []
        starts: list[int] = [0]
        ends: list[int] = []
        breaks: Counter[str] = Counter()
        pos = 0
        for match in _BREAK.finditer(text):
            lines.append(text[pos : match.start()])
            ends.append(match.start())
            breaks[match.group()] += 1
            pos = match.end()
            starts.append(pos)
        lines.append(text[pos:])
        ends.append(len(text))
        self.lines: tuple[str, ...] = tuple(lines)
        self.starts: tuple[int, ...] = tuple(starts)
        self.ends: tuple[int, ...] = tuple(ends)  # where each line's content ends
        # The dominant line break; the first one seen wins a tie.
        self.eol = max(breaks, key=lambda brk: breaks[brk]) if breaks else "\n"
        # Lines a SEARCH may match: the empty line after a final line break is not one.
        self.count = len(lines) - 1 if len(lines) > 1 and lines[-1] == "" else len(lines)

    @cached_property
    def rstripped(self) -> tuple[str, ...]:
        return tuple(line.rstrip() for line in self.lines)

    @cached_property
    def bodies(self) -> tuple[str, ...]:
        return tuple(body(line) for line in self.lines)

    @cached_property
    def stripped(self) -> tuple[str, ...]:
        return tuple(line.strip() for line in self.lines)

    def line_at(self, offset: int) -> int:
        """The line holding ``offset`` (an offset inside a line break belongs to its line)."""
        return bisect.bisect_right(self.starts, offset) - 1

    def after(self, line: int) -> int:
        """The offset just past ``line``'s line break (its content end when it has none)."""
        return self.starts[line + 1] if line + 1 < len(self.starts) else len(self.text)

    def terminated(self, line: int) -> bool:
        return line + 1 < len(self.starts)

    def scope_lines(self, start: int, end: int) -> tuple[int, int]:
        """The [first, last) lines an offset range touches; a range ending at column 0 of a
        line does not touch that line (as in ``targets.lines_for_range``)."""
        first = self.line_at(start)
        last = self.line_at(end)
        if end > start and last > first and end == self.starts[last]:
            last -= 1
        return first, min(last + 1, self.count)

    def render(self, lines: Sequence[str]) -> str:
        """``lines`` as text, each ended by the document's line break."""
        return "".join(line + self.eol for line in lines)

    def numbered(self, first: int, last: int) -> tuple[tuple[int, str], ...]:
        """Lines [first, last) as (1-based number, text) pairs."""
        return tuple((index + 1, self.lines[index]) for index in range(first, last))


@dataclass(frozen=True)
class Shift:
    """A uniform indentation change: add or remove a textual prefix when the line allows it,
    else (or when ``by_columns``) move by ``delta`` columns and rewrite the indentation with
    tabs when ``tabs``, else spaces. ``strip`` also drops trailing whitespace."""

    add: str = ""
    remove: str = ""
    delta: int = 0
    tab_size: int = 4
    tabs: bool = False
    by_columns: bool = False
    strip: bool = False  # drop trailing whitespace

    def apply(self, line: str) -> str:
        if self.strip:
            line = line.rstrip()
        if is_blank(line) or not (self.add or self.remove or self.by_columns):
            return line
        if self.add:
            return self.add + line
        if self.remove and line.startswith(self.remove):
            return line[len(self.remove) :]
        indent = indent_of(line)
        col = max(0, columns(indent, self.tab_size) + self.delta)
        if self.tabs:
            tabs, spaces = divmod(col, self.tab_size)
            new = "\t" * tabs + " " * spaces
        else:
            new = " " * col
        return new + line[len(indent) :]


IDENTITY = Shift()


def find_shift(pairs: Sequence[tuple[str, str]]) -> Shift | None:
    """The uniform shift taking each pair's second (model) line to its first (document) line.

    Only the indentation is compared; blank lines should be left out of ``pairs``. A common
    textual prefix is preferred; otherwise a constant column offset with a tab size of 4, 8
    or 2. None when no shift fits every pair.
    """
    if not pairs:
        return IDENTITY
    ours = [indent_of(doc) for doc, _ in pairs]
    theirs = [indent_of(model) for _, model in pairs]
    tabs = any("\t" in indent for indent in ours)
    if all(mine.endswith(other) for mine, other in zip(ours, theirs, strict=True)):
        added = {mine[: len(mine) - len(other)] for mine, other in zip(ours, theirs, strict=True)}
        if len(added) == 1:
            prefix = added.pop()
            return Shift(add=prefix) if prefix else IDENTITY
    if all(other.endswith(mine) for mine, other in zip(ours, theirs, strict=True)):
        removed = {
            other[: len(other) - len(mine)] for mine, other in zip(ours, theirs, strict=True)
        }
        if len(removed) == 1:
            prefix = removed.pop()
            delta = -columns(prefix, 4)
            return Shift(remove=prefix, delta=delta, tab_size=4, tabs=tabs)
    for tab_size in (4, 8, 2):
        deltas = {
            columns(mine, tab_size) - columns(other, tab_size)
            for mine, other in zip(ours, theirs, strict=True)
        }
        if len(deltas) == 1:
            return Shift(delta=deltas.pop(), tab_size=tab_size, tabs=tabs, by_columns=True)
    return None


def common_shift(pairs: Sequence[tuple[str, str]]) -> Shift:
    """:func:`find_shift`, or else the most common column offset (tab size 4)."""
    shift = find_shift(pairs)
    if shift is not None:
        return shift
    deltas = Counter(
        columns(indent_of(doc), 4) - columns(indent_of(model), 4) for doc, model in pairs
    )
    tabs = any("\t" in indent_of(doc) for doc, _ in pairs)
    return Shift(delta=deltas.most_common(1)[0][0], tab_size=4, tabs=tabs, by_columns=True)
