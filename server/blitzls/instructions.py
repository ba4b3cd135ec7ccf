"""Instruction comments: ``# ai! use pathlib here`` in the comment syntax of the language.

The marker ``ai!`` (any case) starts the comment's text or ends it (``# use pathlib ai!``),
as in Aider. Line comments (``#``, ``//``, ``--``, ...) and one-line block comments
(``/* ... */``, ``<!-- ... -->``, ``(* ... *)``, Lua ``--[[ ... ]]``) are recognised, also as
trailing comments after code. Comment starts inside string literals opened earlier on the
line are skipped (the language's literal rules, ``languages/comments.py``). Columns are
code-point indices into the line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from blitzls.languages.comments import comment_end, comment_text, find_comment
from blitzls.languages.registry import language_for
from blitzls.text.lines import line_content


@dataclass(frozen=True)
class Instruction:
    """An ``ai!`` comment: its line, the instruction text, and the column where the comment
    (its opening ``#``, ``//``, ``/*``, ...) starts, counted in code points."""

    line: int
    text: str
    start_col: int


_MARKER = re.compile(r"ai!", re.IGNORECASE)
_LEADING = re.compile(r"\s*ai!\s*:?\s*(?P<text>.*?)\s*", re.IGNORECASE | re.DOTALL)
_TRAILING = re.compile(r"\s*(?P<text>.*?)\s*(?<!\w)ai!\s*", re.IGNORECASE | re.DOTALL)


def find_instruction(lines: Sequence[str], line: int, language_id: str) -> Instruction | None:
    """The instruction comment on ``line``, or None. Reads that one line only.

    A comment that holds only the marker (``# ai!``) is not an instruction; neither is a
    marker in code, in a string literal, or in the middle of a comment's text.
    """
    if not 0 <= line < len(lines):
        return None
    content = line_content(lines[line])
    if _MARKER.search(content) is None:
        return None
    if line == 0 and content.startswith("#!"):
        return None  # a shebang line
    language = language_for(language_id)
    found = find_comment(content, language)
    if found is None:
        return None
    column, opener = found
    text = _instruction_text(comment_text(content, column, opener, language))
    return Instruction(line, text, column) if text else None


def instructions_in(
    lines: Sequence[str], start: int, end: int, language_id: str
) -> list[Instruction]:
    """Every instruction comment in lines [start, end), in order."""
    found = (find_instruction(lines, i, language_id) for i in range(max(start, 0), end))
    return [item for item in found if item is not None]


def remove_instruction(lines: Sequence[str], instruction: Instruction) -> str | None:
    """The instruction's line without the comment, or None when the line should be deleted.

    The result has no line terminator (keep the line's own). A comment that is the whole line
    (apart from indentation) deletes the line; a trailing comment is removed together with the
    whitespace before it; a block comment followed by code leaves the code, joined by a space.
    Raises ValueError when the line has no comment at ``instruction.start_col`` any more.
    """
    content = line_content(lines[instruction.line])
    column = instruction.start_col
    if not 0 <= column < len(content) or _MARKER.search(content, column) is None:
        raise ValueError(f"line {instruction.line} no longer holds the instruction comment")
    head, tail = content[:column], content[comment_end(content, column) :]
    if not tail.strip():
        code = head.rstrip()
        return code if code.strip() else None
    if not head.strip():
        return head + tail.lstrip()
    return head.rstrip() + " " + tail.lstrip()


def _instruction_text(comment: str) -> str | None:
    """The instruction in a comment that starts or ends with the marker, else None."""
    match = _LEADING.fullmatch(comment)
    if match is not None:
        text = match.group("text")
        trailing = _TRAILING.fullmatch(text)  # "ai! do this ai!"
        return (trailing.group("text") if trailing else text).strip() or None
    match = _TRAILING.fullmatch(comment)
    return match.group("text").strip() or None if match is not None else None
