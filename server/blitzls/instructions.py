"""Instruction comments: ``# ai! use pathlib here`` in the comment syntax of the language.

The marker ``ai!`` (any case) starts the comment's text or ends it (``# use pathlib ai!``),
as in Aider. Line comments (``#``, ``//``, ``--``, ...) and one-line block comments
(``/* ... */``, ``<!-- ... -->``, ``(* ... *)``, Lua ``--[[ ... ]]``) are recognised, also as
trailing comments after code. Comment starts inside string literals opened earlier on the
line are skipped (a rough scan of quotes). Columns are code-point indices into the line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from blitzls.text.comments import line_comment_prefixes


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

# Block comments: opener -> closer.
_C_BLOCK = {"/*": "*/"}
_MARKUP_BLOCK = {"<!--": "-->"}
_ML_BLOCK = {"(*": "*)"}
_LUA_BLOCK = re.compile(r"--\[(=*)\[")
_LUA_LONG = re.compile(r"\[(=*)\[")
_ALL_BLOCKS = {**_C_BLOCK, **_MARKUP_BLOCK, **_ML_BLOCK}


def _names(words: str) -> frozenset[str]:
    return frozenset(words.split())


_MARKUP = _names("html xml xhtml svg markdown vue svelte astro")
_ML = _names("ocaml fsharp")
_SHELLS = _names("shellscript sh bash zsh fish")
# Languages whose single quotes make character literals, not strings ('{', a Rust lifetime).
_CHAR_QUOTES = _names(
    "c cpp c++ cuda-cpp objective-c objective-cpp objc objcpp rust go java csharp kotlin "
    "scala swift zig"
)
_CHAR_LITERAL = re.compile(r"'(?:\\.[^']{0,9}|[^'\\])'")


@dataclass(frozen=True)
class _Syntax:
    """The comment and string syntax that matters for finding a comment on one line."""

    openers: tuple[str, ...]  # longest first
    blocks: dict[str, str]
    quotes: str  # characters that open a string ("" for markup)
    char_quotes: bool
    hash_needs_space: bool  # shell: "#" starts a comment only at the start of a word
    lua: bool


@lru_cache(maxsize=64)
def _syntax(language_id: str) -> _Syntax:
    lang = language_id.lower()
    blocks: dict[str, str] = {}
    prefixes = line_comment_prefixes(lang)
    if "//" in prefixes or lang in ("css", "less", "sql", "plsql"):
        blocks.update(_C_BLOCK)
    if lang in _MARKUP:
        blocks.update(_MARKUP_BLOCK)
    if lang in _ML:
        blocks.update(_ML_BLOCK)
    openers = tuple(sorted({*prefixes, *blocks}, key=len, reverse=True))
    return _Syntax(
        openers=openers,
        blocks=blocks,
        quotes="" if lang in _MARKUP else "\"'`",
        char_quotes=lang in _CHAR_QUOTES,
        hash_needs_space=lang in _SHELLS,
        lua=lang == "lua",
    )


def find_instruction(lines: Sequence[str], line: int, language_id: str) -> Instruction | None:
    """The instruction comment on ``line``, or None. Reads that one line only.

    A comment that holds only the marker (``# ai!``) is not an instruction; neither is a
    marker in code, in a string literal, or in the middle of a comment's text.
    """
    if not 0 <= line < len(lines):
        return None
    content = lines[line].rstrip("\r\n")
    if _MARKER.search(content) is None:
        return None
    if line == 0 and content.startswith("#!"):
        return None  # a shebang line
    syntax = _syntax(language_id)
    found = _comment_start(content, syntax)
    if found is None:
        return None
    column, opener = found
    text = _instruction_text(_comment_body(content, column, opener, syntax))
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
    content = lines[instruction.line].rstrip("\r\n")
    column = instruction.start_col
    rest = content[column:]
    if not 0 <= column < len(content) or _MARKER.search(rest) is None:
        raise ValueError(f"line {instruction.line} no longer holds the instruction comment")
    end = len(content)
    lua = _LUA_BLOCK.match(rest)
    closer = "]" + lua.group(1) + "]" if lua else None
    opener = lua.group() if lua else next((o for o in _ALL_BLOCKS if rest.startswith(o)), "")
    closer = closer or _ALL_BLOCKS.get(opener)
    if closer is not None:
        close = rest.find(closer, len(opener))
        if close >= 0:
            end = column + close + len(closer)
    head, tail = content[:column], content[end:]
    if not tail.strip():
        code = head.rstrip()
        return code if code.strip() else None
    if not head.strip():
        return head + tail.lstrip()
    return head.rstrip() + " " + tail.lstrip()


def _comment_start(content: str, syntax: _Syntax) -> tuple[int, str] | None:
    """(column, opener) of the first comment on the line outside string literals."""
    i, size = 0, len(content)
    while i < size:
        char = content[i]
        if char in syntax.quotes:
            i = _skip_string(content, i, syntax)
            if i < 0:
                return None  # the rest of the line is inside a string
            continue
        if syntax.lua and char == "[":
            long_string = _LUA_LONG.match(content, i)
            if long_string is not None:
                close = content.find("]" + long_string.group(1) + "]", i + long_string.end())
                if close < 0:
                    return None
                i = close + len(long_string.group())
                continue
        for opener in syntax.openers:
            if content.startswith(opener, i):
                if opener == "#" and syntax.hash_needs_space and i and not content[i - 1].isspace():
                    break
                return i, opener
        i += 1
    return None


def _skip_string(content: str, i: int, syntax: _Syntax) -> int:
    """The index after the string literal starting at ``i``, or -1 if it runs to the end."""
    quote = content[i]
    if quote == "'" and syntax.char_quotes:
        literal = _CHAR_LITERAL.match(content, i)
        return literal.end() if literal else i + 1  # a lifetime or a digit separator
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


def _comment_body(content: str, column: int, opener: str, syntax: _Syntax) -> str:
    """The comment's text, without its opener, closer and repeated prefix characters."""
    body = content[column + len(opener) :]
    if opener in syntax.blocks:
        close = body.find(syntax.blocks[opener])
        body = body[:close] if close >= 0 else body
        return body.lstrip("*") if opener == "/*" else body
    if opener == "--":
        lua = _LUA_LONG.match(body)
        if lua is not None:  # a Lua block comment: --[[ ... ]]
            body = body[lua.end() :]
            close = body.find("]" + lua.group(1) + "]")
            return body[:close] if close >= 0 else body
    extra = "/!" if opener == "//" else opener[-1]
    return body.lstrip(extra)


def _instruction_text(comment: str) -> str | None:
    """The instruction in a comment that starts or ends with the marker, else None."""
    match = _LEADING.fullmatch(comment)
    if match is not None:
        text = match.group("text")
        trailing = _TRAILING.fullmatch(text)  # "ai! do this ai!"
        return (trailing.group("text") if trailing else text).strip() or None
    match = _TRAILING.fullmatch(comment)
    return match.group("text").strip() or None if match is not None else None
