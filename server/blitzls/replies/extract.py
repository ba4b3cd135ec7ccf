"""Find the code in a model's reply: drop thinking, Markdown fences and chatter around them.

Thinking is ``<think>…</think>`` or ``<thinking>…</thinking>`` (any case). Rules shared by
:func:`strip_thinking`, :func:`extract_code` and :class:`FenceWatcher`:

* a closed block is removed wherever it is, and tags inside an open block are thinking too;
* an opening tag that never closes hides the rest of the text only when nothing but whitespace
  comes before it (a reasoning preamble cut short); elsewhere it is kept as ordinary text;
* a closing tag with no opening tag before it (templates that pre-fill ``<think>``) marks
  everything before it as thinking.

A fence is a line of three or more backticks or tildes, optionally indented, followed by an
info string (no backticks in it for a backtick fence). It is closed by a line holding only a
run of the same character at least as long, optionally indented.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Protocol

__all__ = ["FenceWatcher", "ReplyError", "code_blocks", "extract_code", "strip_thinking"]


class ReplyError(ValueError):
    """The reply holds nothing usable; the message is short and meant for the user."""


# --------------------------------------------------------------------------- thinking

_TAG = re.compile(r"<(/?)think(?:ing)?>", re.IGNORECASE)
_TAG_FORMS = ("<think>", "<thinking>", "</think>", "</thinking>")
_LONGEST_TAG = max(len(form) for form in _TAG_FORMS)


class _Kind(Enum):
    VISIBLE = "visible"  # ordinary text
    OPEN = "open"  # an opening tag outside thinking
    THINK = "think"  # text or tags inside thinking
    CLOSE = "close"  # the tag that ends a thinking block
    RESET = "reset"  # a closing tag with no opening tag: everything so far was thinking


def _partial_tag_start(data: str) -> int:
    """Where a trailing, possibly incomplete tag starts in ``data``; ``len(data)`` if none."""
    start = data.rfind("<", max(0, len(data) - _LONGEST_TAG + 1))
    if start < 0:
        return len(data)
    tail = data[start:].lower()
    if any(form.startswith(tail) for form in _TAG_FORMS):
        return start
    return len(data)


class _ThinkSplitter:
    """Splits streamed text into visible text, thinking and tags; holds back a split tag."""

    def __init__(self) -> None:
        self.in_think = False
        self._held = ""

    def feed(self, text: str, *, final: bool = False) -> list[tuple[_Kind, str]]:
        data = self._held + text
        cut = len(data) if final else _partial_tag_start(data)
        data, self._held = data[:cut], data[cut:]
        pieces: list[tuple[_Kind, str]] = []
        pos = 0
        for match in _TAG.finditer(data):
            closing = bool(match.group(1))
            if self.in_think:
                if closing:
                    pieces.append((_Kind.THINK, data[pos : match.start()]))
                    pieces.append((_Kind.CLOSE, match.group()))
                    self.in_think = False
                    pos = match.end()
                continue
            pieces.append((_Kind.VISIBLE, data[pos : match.start()]))
            pieces.append((_Kind.RESET if closing else _Kind.OPEN, match.group()))
            self.in_think = not closing
            pos = match.end()
        pieces.append((_Kind.THINK if self.in_think else _Kind.VISIBLE, data[pos:]))
        return [(kind, text) for kind, text in pieces if text]


def strip_thinking(text: str) -> str:
    """``text`` without its thinking blocks (see the module docstring for the exact rules)."""
    splitter = _ThinkSplitter()
    visible: list[str] = []
    open_block: list[str] = []  # an open block, kept verbatim in case it never closes
    seen_text = False  # non-whitespace visible text so far
    opened_at_start = False
    for kind, piece in splitter.feed(text, final=True):
        if kind is _Kind.VISIBLE:
            visible.append(piece)
            seen_text = seen_text or not piece.isspace()
        elif kind is _Kind.OPEN:
            opened_at_start = not seen_text
            open_block = [piece]
        elif kind is _Kind.THINK:
            open_block.append(piece)
        elif kind is _Kind.CLOSE:
            open_block = []
        else:  # RESET
            visible, open_block, seen_text = [], [], False
    if splitter.in_think:
        if opened_at_start:
            return ""
        visible.extend(open_block)
    return "".join(visible)


# --------------------------------------------------------------------------- fences

_OPEN_FENCE = re.compile(r"[ \t]*(`{3,}|~{3,})(.*)")
_CLOSE_FENCE = re.compile(r"[ \t]*(`{3,}|~{3,})[ \t]*")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_ANY_BREAK = re.compile(r"[\r\n]")


@dataclass(frozen=True)
class _Fence:
    char: str
    length: int

    @staticmethod
    def opening(line: str) -> _Fence | None:
        match = _OPEN_FENCE.fullmatch(line)
        if match is None:
            return None
        run, info = match.group(1), match.group(2)
        if run[0] == "`" and "`" in info:
            return None  # inline code such as ```x```, not a fence
        return _Fence(run[0], len(run))

    def closed_by(self, line: str) -> bool:
        match = _CLOSE_FENCE.fullmatch(line)
        return (
            match is not None
            and match.group(1)[0] == self.char
            and len(match.group(1)) >= (self.length)
        )


@dataclass
class _Block:
    lines: list[str] = field(default_factory=list)

    def size(self) -> int:
        return len("\n".join(self.lines).strip())


def _fenced_blocks(lines: Sequence[str]) -> list[_Block]:
    blocks: list[_Block] = []
    fence: _Fence | None = None
    for line in lines:
        if fence is None:
            fence = _Fence.opening(line)
            if fence is not None:
                blocks.append(_Block())
        elif fence.closed_by(line):
            fence = None
        else:
            blocks[-1].lines.append(line)
    return blocks


def _best_block(blocks: Sequence[_Block]) -> list[str]:
    if len(blocks) == 1:
        return blocks[0].lines
    filled = [block for block in blocks if block.size() > 0]
    return max(filled, key=_Block.size).lines if filled else []


# --------------------------------------------------------------------------- chatter

_LEAD_CHATTER = re.compile(
    r"(?:here(?:'s|’s|\s+is|\s+are)|sure|certainly|of\s+course|okay|absolutely|below"
    r"|the\s+following)\b",
    re.IGNORECASE,
)
_TRAIL_CHATTER = re.compile(
    r"(?:This|These|That|It|Note|Explanation|The\s+(?:above|code|function|implementation)"
    r"|Hope|Let\s+me)\b"
)
_CODE_CHARS = re.compile(r"[=;{}<>|&]")


def _is_lead_chatter(line: str) -> bool:
    """``Here is the code:``, ``Sure! Below is the implementation.`` and the like."""
    return (
        line == line.strip()
        and " " in line
        and line.endswith((":", ".", "!"))
        and _LEAD_CHATTER.match(line) is not None
    )


def _is_trail_chatter(line: str) -> bool:
    """A plainly English sentence such as ``This works because the list is sorted.``"""
    if line != line.strip() or not line.endswith((".", "!")) or line.count(" ") < 3:
        return False
    if _TRAIL_CHATTER.match(line) is None or _CODE_CHARS.search(line):
        return False
    wordy = sum(ch.isalpha() or ch in " ,.'’-`!?:" for ch in line)
    return wordy >= 0.85 * len(line)


def _trim_blank(lines: Sequence[str]) -> list[str]:
    start, end = 0, len(lines)
    while start < end and not lines[start].strip():
        start += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    return list(lines[start:end])


def _drop_chatter(lines: Sequence[str]) -> list[str]:
    code = _trim_blank(lines)
    while code and _is_lead_chatter(code[0]):
        code = _trim_blank(code[1:])
    while code and _is_trail_chatter(code[-1]):
        code = _trim_blank(code[:-1])
    return code


# --------------------------------------------------------------------------- public API


def extract_code(reply: str) -> str:
    """The code in ``reply`` with "\\n" line breaks and no leading or trailing blank lines.

    Fenced blocks win: the only one, else the longest non-empty one; a fence left open (a cut
    stream) runs to the end. Without fences the text is used, minus obvious chatter lines.
    Lines are otherwise kept exactly. Raises :class:`ReplyError` when no code remains.
    """
    text = strip_thinking(_LINE_BREAK.sub("\n", reply))
    lines = text.split("\n")
    blocks = _fenced_blocks(lines)
    code = _trim_blank(_best_block(blocks)) if blocks else _drop_chatter(lines)
    if not code:
        raise ReplyError("the model returned no code")
    return "\n".join(code)


def code_blocks(reply: str) -> list[list[str]]:
    """Every non-empty fenced block of ``reply`` (lines, trimmed of blank lines), in order.

    Without any fence, the reply itself minus obvious chatter is the one block; a fence left
    open (a cut stream) runs to the end. Thinking is dropped first. Empty when no code remains.
    """
    text = strip_thinking(_LINE_BREAK.sub("\n", reply))
    lines = text.split("\n")
    blocks = _fenced_blocks(lines)
    if not blocks:
        code = _drop_chatter(lines)
        return [code] if code else []
    return [trimmed for block in blocks if (trimmed := _trim_blank(block.lines))]


class LineWatcher(Protocol):
    """Reads the code lines of a streamed reply's first fenced block as they arrive."""

    def line(self, text: str) -> bool:
        """Take the next line (without its break); True: the answer is complete here."""
        ...

    def reset(self) -> None:
        """Forget the lines so far (they turned out to be thinking)."""
        ...


class _LineFences:
    """Line-buffered fence tracker; reports when a fenced block with code in it closes.

    "\r" and "\n" each end a line: the empty line inside a "\r\n" cannot open or close a fence.
    """

    def __init__(self, on_line: LineWatcher | None = None) -> None:
        self._parts: list[str] = []
        self._fence: _Fence | None = None
        self._filled = False  # the open block has a non-blank line
        self._on_line = on_line  # sees the first block's lines; True ends the reply there

    def feed(self, text: str) -> bool:
        closed = False
        pos = 0
        for match in _ANY_BREAK.finditer(text):
            self._parts.append(text[pos : match.start()])
            line = "".join(self._parts)
            self._parts = []
            pos = match.end()
            if self._fence is None:
                self._fence = _Fence.opening(line)
                self._filled = False
            elif self._fence.closed_by(line):
                self._fence = None
                closed = closed or self._filled  # an empty block is no answer
                self._on_line = None
            else:
                self._filled = self._filled or bool(line.strip())
                if self._on_line is not None and self._on_line.line(line):
                    return True
        if pos < len(text):
            self._parts.append(text[pos:])
        return closed


class FenceWatcher:
    """Watches a streamed reply for a complete fenced block outside thinking.

    ``feed`` returns True once an opening fence and its closing fence line (including the
    line break after it) have been seen; from then on it keeps returning True. Work per call
    is proportional to the delta. Thinking that is still open hides what follows it, so the
    watcher may answer later than :func:`extract_code` would, never earlier. ``on_line``
    sees the first block's lines and may end the reply inside it (True from then on too).
    """

    def __init__(self, on_line: LineWatcher | None = None) -> None:
        self._splitter = _ThinkSplitter()
        self._on_line = on_line
        self._lines = _LineFences(on_line)
        self._done = False

    def feed(self, delta: str) -> bool:
        """Take the next piece of the reply; True once a fenced block is complete."""
        if self._done:
            return True
        for kind, piece in self._splitter.feed(delta):
            if kind is _Kind.VISIBLE and self._lines.feed(piece):
                self._done = True
                break
            if kind is _Kind.RESET:
                if self._on_line is not None:
                    self._on_line.reset()
                self._lines = _LineFences(self._on_line)
        return self._done
