"""String and character literals, and whether a line starts inside a multi-line one.

The rules are the language's data (``Language.quotes``, ``char_literals``,
``multiline_strings``, ``block_comments``); this is the one scanner that reads them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from blitzls.languages.registry import Language
from blitzls.text.lines import line_content

_CHAR_LITERAL = re.compile(r"'(?:\\.[^']{0,9}|[^'\\])'")


def skip_literal(content: str, i: int, language: Language) -> int:
    """The index after the string or character literal opening at ``i``; -1 when it runs to
    the end of the line. A quote that opens no literal (a Rust lifetime) is stepped over."""
    quote = content[i]
    if quote == "'" and language.char_literals:
        literal = _CHAR_LITERAL.match(content, i)
        return literal.end() if literal else i + 1
    if content.startswith(quote * 3, i):
        close = content.find(quote * 3, i + 3)
        return close + 3 if close >= 0 else -1
    j = i + 1
    while j < len(content):
        if content[j] == "\\":
            j += 2
        elif content[j] == quote:
            return j + 1
        else:
            j += 1
    return -1


@lru_cache(maxsize=64)
def _multiline(language: Language) -> tuple[dict[str, str], re.Pattern[str] | None]:
    """Openers of constructs that may span lines -> their closers, and a pattern that finds
    those openers, line comments and quotes."""
    closers = dict(language.block_comments) | dict(language.multiline_strings)
    if not closers:
        return closers, None
    tokens = sorted({*closers, *language.line_comments}, key=len, reverse=True)
    parts = [re.escape(token) for token in tokens]
    if language.quotes:
        parts.append("[" + re.escape(language.quotes) + "]")
    return closers, re.compile("|".join(parts))


def starts_in_code(lines: Sequence[str], start: int, line: int, language: Language) -> bool:
    """Whether ``line`` starts outside multi-line strings and comments, reading lines from
    ``start`` (a line known to start in code) down to it."""
    closers, pattern = _multiline(language)
    if pattern is None:
        return True
    waiting: str | None = None  # the closer of the construct we are in
    for i in range(start, line):
        text = line_content(lines[i])
        pos = 0
        while True:
            if waiting is not None:
                close = text.find(waiting, pos)
                if close < 0:
                    break
                pos, waiting = close + len(waiting), None
            found = pattern.search(text, pos)
            if found is None:
                break
            token = found.group()
            if token in closers:
                pos, waiting = found.end(), closers[token]
            elif token in language.line_comments:
                break
            else:  # a quote: a literal that ends on this line, or runs to its end
                pos = skip_literal(text, found.start(), language)
                if pos < 0:
                    break
    return waiting is None
