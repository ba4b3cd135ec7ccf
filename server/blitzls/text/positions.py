"""LSP positions: converting code-point columns to and from UTF-8/16/32 code units."""

from __future__ import annotations

from typing import Literal, NamedTuple

Encoding = Literal["utf-8", "utf-16", "utf-32"]


class Pos(NamedTuple):
    """An LSP-style position: ``character`` counts code units of the negotiated encoding."""

    line: int
    character: int


def _char_units(char: str, encoding: Encoding) -> int:
    """Code units of one code point (a lone surrogate counts like ``surrogatepass``)."""
    code = ord(char)
    if encoding == "utf-16":
        return 2 if code > 0xFFFF else 1
    if encoding == "utf-8":
        return 1 if code < 0x80 else 2 if code < 0x800 else 3 if code < 0x10000 else 4
    return 1


def units_len(s: str, encoding: Encoding) -> int:
    """Length of ``s`` in code units of ``encoding``."""
    if encoding == "utf-32" or s.isascii():
        return len(s)
    if encoding == "utf-16":
        return len(s.encode("utf-16-le", "surrogatepass")) // 2
    return len(s.encode("utf-8", "surrogatepass"))


def column_to_units(line: str, column: int, encoding: Encoding) -> int:
    """Code units before code-point ``column`` of ``line`` (the column is clamped to the line)."""
    if column <= 0:
        return 0
    return units_len(line[:column], encoding)


def units_to_column(line: str, units: int, encoding: Encoding) -> int:
    """Code-point column of ``units`` code units into ``line`` (a line without terminator).

    Past the end clamps to ``len(line)``; an offset inside a character (half a surrogate pair,
    part of a multi-byte sequence) rounds down to that character's start.
    """
    if units <= 0:
        return 0
    if encoding == "utf-32" or line.isascii():
        return min(units, len(line))
    if encoding == "utf-16" and units_len(line, "utf-16") == len(line):  # no astral chars
        return min(units, len(line))
    if encoding == "utf-8":
        try:
            data = line.encode("utf-8")
        except UnicodeEncodeError:  # lone surrogates: count one by one below
            pass
        else:
            if units >= len(data):
                return len(line)
            return len(data[:units].decode("utf-8", "ignore"))
    seen = 0
    for column, char in enumerate(line):
        seen += _char_units(char, encoding)
        if seen > units:
            return column
    return len(line)
