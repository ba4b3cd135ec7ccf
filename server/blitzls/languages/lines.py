"""Line helpers shared by scope finding: indentation, blank lines, the lines above a header."""

from __future__ import annotations

import re
from collections.abc import Sequence

from blitzls.languages.registry import Language
from blitzls.text.lines import line_content

_DECORATOR_LINES = 30  # the most lines of one decorator
_PREAMBLE_LINES = 300  # the most lines of decorators and comments above a header


# A line that continues the statement above it: a closer, a chained call, ``else``, ``end``.
_CONTINUATION = re.compile(
    r"[}\])]|\.|&&|\|\||\?"
    r"|(?:else|elif|except|finally|catch|end|until|fi|done|esac|then|do|rescue|ensure)\b"
)


def continues_statement(text: str) -> bool:
    """Whether ``text`` (from its first character) continues the statement above it."""
    return _CONTINUATION.match(text) is not None


def blank(line: str) -> bool:
    return not line.strip()


def indent(text: str) -> int:
    """The width of the leading whitespace, tabs counted as 4."""
    width = len(text) - len(text.lstrip(" \t"))
    if "\t" in text[:width]:
        return len(text[:width].expandtabs(4))
    return width


def paren_balance(text: str) -> int:
    return text.count("(") + text.count("[") - text.count(")") - text.count("]")


def preamble_starts(language: Language) -> tuple[str, ...]:
    """How lines that belong above a definition start: comments and attributes."""
    starts = [*language.line_comments, *language.attributes]
    for opener, _ in language.block_comments:
        starts.append(opener)
        if opener == "/*":
            starts.append("*")  # the middle lines of /** ... */
    return tuple(starts)


def preamble(lines: Sequence[str], header: int, language: Language) -> int:
    """The first line of the decorators, attributes and comments directly above ``header``."""
    starts = preamble_starts(language)
    i = header
    while i > 0 and header - i < _PREAMBLE_LINES:
        s = line_content(lines[i - 1]).strip()
        if not s or (i == 1 and s.startswith("#!")):
            break
        if s.startswith(starts):
            i -= 1
            continue
        top = _decorator_start(lines, i - 1)
        if top is None:
            break
        i = top
    return i


def _decorator_start(lines: Sequence[str], last: int) -> int | None:
    """The "@..." line that starts a decorator spanning lines up to ``last``, if any."""
    balance = 0
    for i in range(last, max(last - _DECORATOR_LINES, -1), -1):
        s = line_content(lines[i]).strip()
        if not s:
            return None
        balance += paren_balance(s)
        if balance >= 0:
            return i if s.startswith("@") and i < last else None
    return None
