"""Lines and their terminators: LSP line breaks are "\\r\\n", "\\r" and "\\n", nothing else."""

from __future__ import annotations

import re
from collections.abc import Sequence

# Characters str.splitlines() treats as line breaks although LSP does not.
_NON_LSP_BREAKS = re.compile("[\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
# One line with its terminator, or the unterminated rest of the text.
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")


def split_lines(text: str) -> list[str]:
    """Split at "\\r\\n", "\\r" and "\\n", keeping terminators.

    The last element never has a terminator (it may be ""), so the length is the LSP line
    count and ``"".join(result) == text``.
    """
    if _NON_LSP_BREAKS.search(text) is None:
        lines = text.splitlines(keepends=True)
    else:
        lines = _LINE.findall(text)
    if not lines or lines[-1].endswith(("\n", "\r")):
        lines.append("")
    return lines


def line_content(line: str) -> str:
    """``line`` without its terminator."""
    return line.rstrip("\r\n")


def first_line_break(lines: Sequence[str]) -> str:
    """The terminator of the first terminated line of ``lines``; "\\n" when none is."""
    for line in lines:
        stripped = line_content(line)
        if stripped != line:
            return line[len(stripped) :]
    return "\n"
