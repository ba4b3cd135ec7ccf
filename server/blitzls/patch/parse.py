"""Read the edits a model reply describes: SEARCH/REPLACE blocks or a unified diff.

SEARCH/REPLACE blocks look like::

    <<<<<<< SEARCH
    lines to find
    =======
    lines to put instead
    >>>>>>> REPLACE

Markers have 5 to 9 characters, may be indented (the divider and closing marker must then
share the opening marker's indentation), may omit the words, and may carry trailing spaces;
``ORIGINAL``/``UPDATED`` are accepted too. Anything outside blocks (fences, file names,
chatter) is ignored. Without blocks, unified diff hunks are read from ```diff fences or from
bare text with ``@@`` lines or ``---``/``+++`` headers. Thinking (``<think>``) is dropped first.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from blitzls.replies.extract import ReplyError, _Fence, extract_code, strip_thinking

__all__ = ["EditBlock", "ParseError", "parse_edits", "parse_rewrite"]


@dataclass(frozen=True)
class EditBlock:
    """Replace the lines ``search`` by ``replace``; both use "\\n" and end with it unless empty."""

    search: str
    replace: str


class ParseError(ReplyError):
    """The reply describes edits but one of them is malformed."""


_HEAD = re.compile(r"([ \t]*)<{5,9}(?:[ \t]*(?:SEARCH|ORIGINAL))?[ \t]*", re.IGNORECASE)
_DIVIDER = re.compile(r"([ \t]*)={5,9}[ \t]*")
_TAIL = re.compile(r"([ \t]*)>{5,9}(?:[ \t]*(?:REPLACE|UPDATED))?[ \t]*", re.IGNORECASE)
_WORDY_TAIL = re.compile(r"[ \t]*>{5,9}[ \t]*(?:REPLACE|UPDATED)[ \t]*", re.IGNORECASE)
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _join(lines: Sequence[str]) -> str:
    return "".join(line + "\n" for line in lines)


def _marker(pattern: re.Pattern[str], line: str, indent: str | None = None) -> bool:
    match = pattern.fullmatch(line)
    return match is not None and (indent is None or match.group(1) == indent)


# --------------------------------------------------------------------------- SEARCH/REPLACE


def _search_replace(lines: Sequence[str]) -> list[EditBlock] | None:
    """The blocks, or None when the text has no block markers at all."""
    if not any(_marker(_HEAD, line) or _WORDY_TAIL.fullmatch(line) for line in lines):
        return None
    blocks: list[EditBlock] = []
    pos = 0
    while pos < len(lines):
        line = lines[pos]
        pos += 1
        head = _HEAD.fullmatch(line)
        if head is None:
            if _WORDY_TAIL.fullmatch(line):
                raise ParseError(
                    f"SEARCH/REPLACE block {len(blocks) + 1} has no <<<<<<< SEARCH line"
                )
            continue
        number, indent = len(blocks) + 1, head.group(1)
        search: list[str] = []
        while pos < len(lines) and not _marker(_DIVIDER, lines[pos], indent):
            if _marker(_HEAD, lines[pos], indent) or _marker(_TAIL, lines[pos], indent):
                break
            search.append(lines[pos])
            pos += 1
        if pos == len(lines) or not _marker(_DIVIDER, lines[pos], indent):
            raise ParseError(f"SEARCH/REPLACE block {number} has no ======= line")
        pos += 1
        replace: list[str] = []
        while pos < len(lines) and not _marker(_TAIL, lines[pos], indent):
            if _marker(_HEAD, lines[pos], indent):
                break
            replace.append(lines[pos])
            pos += 1
        if pos == len(lines) or not _marker(_TAIL, lines[pos], indent):
            raise ParseError(f"SEARCH/REPLACE block {number} has no >>>>>>> REPLACE line")
        pos += 1
        blocks.append(EditBlock(_join(search), _join(replace)))
    return blocks


# --------------------------------------------------------------------------- unified diff

_GIT_META = re.compile(
    r"diff --git .*|index [0-9a-f]+\.\.[0-9a-f]+.*|(?:new|deleted) file mode .*"
    r"|similarity index .*|rename (?:from|to) .*"
)
_DIFF_INFO = {"diff", "patch", "udiff"}


def _is_header(lines: Sequence[str], pos: int) -> bool:
    """A ``--- old`` line followed by a ``+++ new`` line."""
    return (
        pos + 1 < len(lines)
        and (lines[pos] == "---" or lines[pos].startswith("--- "))
        and (lines[pos + 1] == "+++" or lines[pos + 1].startswith("+++ "))
    )


def _has_diff_markers(lines: Sequence[str]) -> bool:
    return any(line.startswith("@@") or _is_header(lines, pos) for pos, line in enumerate(lines))


def _hunk_block(hunk: list[tuple[str, str]]) -> EditBlock | None:
    """The block for one hunk of (prefix, text) lines; None when it changes nothing."""
    while hunk and hunk[0][0] == "":
        hunk.pop(0)
    while hunk and hunk[-1][0] == "":
        hunk.pop()
    if not any(prefix in ("-", "+") for prefix, _ in hunk):
        return None
    search = [text for prefix, text in hunk if prefix != "+"]
    replace = [text for prefix, text in hunk if prefix != "-"]
    return EditBlock(_join(search), _join(replace))


def _diff_hunks(lines: Sequence[str], *, lenient: bool) -> list[EditBlock]:
    """Hunks start at ``@@`` lines and after ``---``/``+++`` headers (``lenient``: also at the
    start). A line without a diff prefix is context when ``lenient``, else it ends the hunk;
    an empty line is blank context, except at a hunk's ends."""
    blocks: list[EditBlock] = []
    hunk: list[tuple[str, str]] | None = [] if lenient else None

    def flush() -> None:
        if hunk:
            block = _hunk_block(hunk)
            if block is not None:
                blocks.append(block)

    pos = 0
    while pos < len(lines):
        line = lines[pos]
        if _is_header(lines, pos):
            flush()
            hunk, pos = [], pos + 2
            continue
        pos += 1
        if line.startswith("@@"):
            flush()
            hunk = []
        elif hunk is None or line.startswith("\\") or _GIT_META.fullmatch(line):
            continue
        elif line[:1] in ("-", "+", " "):
            hunk.append((line[0], line[1:]))
        elif not line:
            hunk.append(("", ""))
        elif lenient:
            hunk.append((" ", line))
        else:
            flush()
            hunk = None
    flush()
    return blocks


def _unified_diff(lines: Sequence[str]) -> list[EditBlock] | None:
    """Hunks from diff fences and bare diff text, or None when there is no diff."""
    regions: list[tuple[list[str], bool]] = []  # (lines, fenced as a diff)
    bare: list[str] = []
    fence: _Fence | None = None
    body: list[str] = []
    info = ""

    def close_fence() -> None:
        words = info.split()
        labelled = bool(words) and words[0].lower() in _DIFF_INFO
        if labelled or _has_diff_markers(body):
            regions.append((body, labelled))

    for line in lines:
        if fence is None:
            fence = _Fence.opening(line)
            if fence is None:
                bare.append(line)
            else:
                regions.append((bare, False))
                bare, body, info = [], [], line.strip().lstrip("`~")
        elif fence.closed_by(line):
            close_fence()
            fence = None
        else:
            body.append(line)
    if fence is not None:
        close_fence()  # a fence cut short
    regions.append((bare, False))
    diffs = [(part, lenient) for part, lenient in regions if lenient or _has_diff_markers(part)]
    if not diffs:
        return None
    blocks = [block for part, lenient in diffs for block in _diff_hunks(part, lenient=lenient)]
    if not blocks:
        raise ParseError("the diff changes nothing (no + or - lines)")
    return blocks


# --------------------------------------------------------------------------- public API


def _edits(reply: str) -> list[EditBlock] | None:
    lines = strip_thinking(_LINE_BREAK.sub("\n", reply)).split("\n")
    blocks = _search_replace(lines)
    return blocks if blocks is not None else _unified_diff(lines)


def parse_edits(reply: str) -> list[EditBlock]:
    """The edits in ``reply``: SEARCH/REPLACE blocks, else unified diff hunks (one block per
    hunk: context and removed lines to find, context and added lines to put instead).

    Returns [] when the reply describes no edits (a whole rewrite: see :func:`parse_rewrite`).
    Raises :class:`ParseError` for a malformed block, naming its 1-based number.
    """
    return _edits(reply) or []


def parse_rewrite(reply: str) -> str | None:
    """The code of a reply that rewrites the whole target (as :func:`extract_code` finds it);
    None when the reply describes edits (even malformed ones) or holds no code."""
    try:
        if _edits(reply) is not None:
            return None
    except ParseError:
        return None
    try:
        return extract_code(reply)
    except ReplyError:
        return None
