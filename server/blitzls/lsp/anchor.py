"""Finding the text an action looked at again after the document changed."""

from __future__ import annotations


def find_anchor(text: str, anchor: str) -> int | None:
    """Where ``anchor`` (whole lines of an older version) is in ``text``, or None.

    The answer is an offset only when ``anchor`` occurs exactly once and that occurrence
    starts at a line start and ends at a line end: a match inside a line (text typed before
    or after it on the same line) would put the edit on text the model never saw.
    """
    if not anchor:
        return None
    at = text.find(anchor)
    if at < 0 or text.find(anchor, at + 1) >= 0:
        return None
    if not (_starts_line(text, at) and _ends_line(text, at + len(anchor))):
        return None
    return at


def _starts_line(text: str, offset: int) -> bool:
    if offset == 0:
        return True
    before = text[offset - 1]
    return before == "\n" or (before == "\r" and text[offset] != "\n")


def _ends_line(text: str, offset: int) -> bool:
    """True at the end of the text, right after a line break, or right before one."""
    if offset == len(text):
        return True
    before, after = text[offset - 1], text[offset]
    if before == "\r":
        return after != "\n"  # not between the two halves of a CRLF
    return before == "\n" or after in "\r\n"
