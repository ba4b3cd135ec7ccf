"""Small line helpers for the edit core: comparison keys, indentation columns, re-indenting."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

TAB_SIZE = 4
# Indenter.for_file looks this many lines either way for an indented line.
_INDENT_SEARCH = 1000


def key(line: str) -> str:
    """What two lines are compared by: the text without surrounding whitespace."""
    return line.strip()


def is_blank(line: str) -> bool:
    return not line.strip()


def indentation(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t"))]


def columns(line: str, tab_size: int = TAB_SIZE) -> int:
    """The column where ``line``'s text starts; a tab advances to the next tab stop."""
    col = 0
    for char in indentation(line):
        col = col + tab_size - col % tab_size if char == "\t" else col + 1
    return col


@dataclass(frozen=True)
class Indenter:
    """Writes indentation the way the file does: tabs or spaces."""

    tabs: bool
    tab_size: int = TAB_SIZE

    @staticmethod
    def for_file(lines: Sequence[str], near: int) -> Indenter:
        """The style of the indented line nearest to ``near`` (spaces when none is)."""
        for distance in range(_INDENT_SEARCH):
            for index in (near - distance, near + distance) if distance else (near,):
                line = lines[index] if 0 <= index < len(lines) else ""
                if line[:1] in (" ", "\t") and line.strip():
                    return Indenter("\t" in indentation(line))
        return Indenter(False)

    def render(self, col: int, text: str) -> str:
        if self.tabs:
            tabs, spaces = divmod(col, self.tab_size)
            return "\t" * tabs + " " * spaces + text
        return " " * col + text

    def shift(self, line: str, delta: int) -> str:
        """``line`` moved ``delta`` columns (never left of column 0), in this style."""
        if is_blank(line):
            return ""
        return self.render(max(0, columns(line, self.tab_size) + delta), line.lstrip(" \t"))
