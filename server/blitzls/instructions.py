"""Instruction comments: ``# ai! use pathlib here`` in any language's comment syntax."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from blitzls.text.comments import line_comment_prefixes

_LEADING = re.compile(r"\s*ai!\s*(?P<text>.*?)\s*$", re.IGNORECASE)
_TRAILING = re.compile(r"\s*(?P<text>.*?)\s+ai!\s*$", re.IGNORECASE)
_CLOSERS = ("*/", "-->")


@dataclass(frozen=True)
class Instruction:
    """An ``ai!`` comment: its line, the instruction, and the column where the comment starts."""

    line: int
    text: str
    start_col: int


def _openers(language_id: str) -> tuple[str, ...]:
    prefixes = line_comment_prefixes(language_id)
    extra = ["/*"] if "//" in prefixes else []
    if language_id in ("html", "xml", "markdown", "vue", "svelte"):
        extra.append("<!--")
    return (*prefixes, *extra)


def _outside_strings(text: str, column: int) -> bool:
    """Rough check that ``column`` is not inside a quoted string opened earlier on the line."""
    before = text[:column]
    return all(before.count(q) % 2 == 0 for q in ('"', "'", "`"))


def find_instruction(lines: Sequence[str], line: int, language_id: str) -> Instruction | None:
    """The instruction comment on ``line``, if there is one. Looks at that line only."""
    if not 0 <= line < len(lines):
        return None
    text = lines[line].rstrip("\r\n")
    if "ai!" not in text.lower():
        return None
    for opener in _openers(language_id):
        column = text.find(opener)
        while column >= 0:
            if _outside_strings(text, column):
                found = _parse(text, column, opener)
                if found:
                    return Instruction(line, found, column)
            column = text.find(opener, column + 1)
    return None


def _parse(text: str, column: int, opener: str) -> str | None:
    comment = text[column + len(opener) :]
    for closer in _CLOSERS:
        if comment.rstrip().endswith(closer):
            comment = comment.rstrip()[: -len(closer)]
    comment = comment.lstrip(opener[-1] if opener in ("//", "--", "#", ";") else "")
    match = _LEADING.match(comment) or _TRAILING.match(comment)
    if match is None:
        return None
    instruction = match.group("text").strip()
    return instruction or None


def instructions_in(
    lines: Sequence[str], start: int, end: int, language_id: str
) -> list[Instruction]:
    """Every instruction comment in lines [start, end)."""
    found = (find_instruction(lines, i, language_id) for i in range(start, min(end, len(lines))))
    return [item for item in found if item is not None]


def remove_instruction(lines: Sequence[str], instruction: Instruction) -> str | None:
    """The line without its instruction comment, or None when the comment is the whole line."""
    text = lines[instruction.line].rstrip("\r\n")
    code = text[: instruction.start_col].rstrip()
    return code or None
