"""Comments: which lines around the cursor form a comment block, and the comment on a line.

Everything here reads the lines it is given and no more (it runs while code actions are
listed). Columns are code-point indices into a line without its terminator.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from blitzls.languages.literals import skip_literal
from blitzls.languages.registry import LANGUAGES, Language, language_for

# How far a block-comment search walks from the cursor before giving up.
_BLOCK_SCAN_LIMIT = 200
_BLOCK_OPEN, _BLOCK_CLOSE = "/*", "*/"
_LONG_BRACKET = re.compile(r"\[(=*)\[")


def line_comment_prefixes(language_id: str) -> tuple[str, ...]:
    """Line comment prefixes of a language; ("#", "//", "--") as a guess when unknown."""
    return language_for(language_id).line_comments


def is_comment_line(line: str, prefixes: tuple[str, ...]) -> bool:
    """Whether ``line`` starts with a comment prefix after leading whitespace."""
    return line.lstrip().startswith(prefixes)


# --- comment blocks ------------------------------------------------------------------


def _is_comment_at(lines: Sequence[str], i: int, prefixes: tuple[str, ...]) -> bool:
    if i == 0 and lines[0].startswith("#!"):
        return False  # a shebang is not a comment the user wrote
    return is_comment_line(lines[i], prefixes)


def comment_block_around(
    lines: Sequence[str], line: int, prefixes: tuple[str, ...]
) -> tuple[int, int] | None:
    """The lines [start, end) of the comment block containing ``line``, or None.

    A block is a run of consecutive line comments (blank lines end it; a "#!" first line is
    not a comment). When ``prefixes`` contains "//", a C-style ``/* ... */`` comment whose
    first line starts with "/*" and whose last line ends with "*/" is a block too.
    """
    if not 0 <= line < len(lines):
        return None
    if _is_comment_at(lines, line, prefixes):
        start, end = line, line + 1
        while start > 0 and _is_comment_at(lines, start - 1, prefixes):
            start -= 1
        while end < len(lines) and _is_comment_at(lines, end, prefixes):
            end += 1
        return start, end
    if "//" in prefixes:
        return _block_comment_around(lines, line)
    return None


def _block_comment_around(lines: Sequence[str], line: int) -> tuple[int, int] | None:
    """The ``/* ... */`` comment containing ``line``, searched at most a few hundred lines."""
    opener = None
    for i in range(line, max(line - _BLOCK_SCAN_LIMIT, -1), -1):
        stripped = lines[i].lstrip()
        if stripped.startswith(_BLOCK_OPEN):
            opener = i
            break
        if _BLOCK_OPEN in stripped or (i < line and _BLOCK_CLOSE in stripped):
            return None  # a comment that starts mid-line, or one that ended above ``line``
    if opener is None:
        return None
    first = lines[opener]
    search_from = first.index(_BLOCK_OPEN) + len(_BLOCK_OPEN)
    for j in range(opener, min(opener + _BLOCK_SCAN_LIMIT, len(lines))):
        text = lines[j]
        if j > opener:
            if text.lstrip().startswith(_BLOCK_OPEN):
                return None  # an unterminated comment
            search_from = 0
        close = text.find(_BLOCK_CLOSE, search_from)
        if close >= 0:
            if j < line or text[close + len(_BLOCK_CLOSE) :].strip():
                return None  # ended before ``line``, or code follows on the same line
            return opener, j + 1
    return None


# --- the comment on one line ---------------------------------------------------------


def _openers(language: Language) -> tuple[str, ...]:
    """Every comment opener of the language, longest first."""
    found = {*language.line_comments, *(opener for opener, _ in language.block_comments)}
    return tuple(sorted(found, key=len, reverse=True))


def find_comment(content: str, language: Language) -> tuple[int, str] | None:
    """(column, opener) of the first comment on a line, outside string literals."""
    openers = _openers(language)
    i, size = 0, len(content)
    while i < size:
        char = content[i]
        if char in language.quotes:
            i = skip_literal(content, i, language)
            if i < 0:
                return None  # the rest of the line is inside a string
            continue
        if language.long_brackets and char == "[":
            long_string = _LONG_BRACKET.match(content, i)
            if long_string is not None:
                close = content.find("]" + long_string.group(1) + "]", long_string.end())
                if close < 0:
                    return None
                i = close + len(long_string.group())
                continue
        for opener in openers:
            if content.startswith(opener, i):
                if (
                    opener == "#"
                    and language.hash_needs_word_start
                    and i
                    and not (content[i - 1].isspace())
                ):
                    break
                return i, opener
        i += 1
    return None


def comment_text(content: str, column: int, opener: str, language: Language) -> str:
    """The text of the comment at ``column``, without its opener, closer and repeated
    prefix characters (``///``, ``/**``, ``##``)."""
    body = content[column + len(opener) :]
    closer = dict(language.block_comments).get(opener)
    if closer is not None:
        close = body.find(closer)
        body = body[:close] if close >= 0 else body
        return body.lstrip("*") if opener == "/*" else body
    if opener == "--" and language.long_brackets:
        long_comment = _LONG_BRACKET.match(body)
        if long_comment is not None:  # a Lua block comment: --[[ ... ]]
            body = body[long_comment.end() :]
            close = body.find("]" + long_comment.group(1) + "]")
            return body[:close] if close >= 0 else body
    extra = "/!" if opener == "//" else opener[-1]
    return body.lstrip(extra)


def comment_end(content: str, column: int) -> int:
    """The column after the comment that starts at ``column``: after its closer for a block
    comment closed on this line, else the end of the line. (An opener has the same closer in
    every language, so no language is needed.)"""
    rest = content[column:]
    long_comment = _LONG_BRACKET.match(rest, 2) if rest.startswith("--") else None
    if long_comment is not None:  # Lua: --[[ ... ]], --[==[ ... ]==]
        opener, closer = rest[: long_comment.end()], "]" + long_comment.group(1) + "]"
    else:
        opener = next((o for o in _CLOSERS if rest.startswith(o)), "")
        closer = _CLOSERS.get(opener, "")
    if closer:
        close = rest.find(closer, len(opener))
        if close >= 0:
            return column + close + len(closer)
    return len(content)


_CLOSERS = {opener: closer for lang in LANGUAGES for opener, closer in lang.block_comments}


# --- placeholders and elision markers ---------------------------------------------------

_NOT_WRITTEN = ("not implemented", "not yet implemented", "unimplemented", "todo", "notimplemented")
# A comment that stands for code left out: "...", "rest of the code", "existing code".
_ELISION = re.compile(
    r"\.{3}|…"
    r"|^(?:the\s+)?rest\s+(?:of\s+(?:the\s+)?(?:code|function|method|class|file|body|"
    r"implementation|logic|lines|methods|functions)\b|(?:is\s+|remains\s+)?unchanged\b)"
    r"|^(?:the\s+)?(?:existing|previous|original|other)\s+(?:code|methods|functions|lines|"
    r"logic|implementation)\b"
    r"|^(?:code\s+)?unchanged\b|^same\s+as\s+(?:before|above|the\s+original)\b",
    re.IGNORECASE,
)


def placeholder_hint(text: str, language_id: str) -> bool:
    """Whether a line (without its terminator) looks like a statement that only holds the
    place of code still to be written (``pass``, ``todo!()``). Cheap, for listing: the
    language's @placeholder query decides when the action runs."""
    language = language_for(language_id)
    line = text.strip()
    for start in language.placeholders:
        if line.startswith(start):
            rest = line[len(start) :]
            if start.endswith("(") or not rest or not (rest[0].isalnum() or rest[0] == "_"):
                return True
    if line.startswith(language.placeholder_calls):
        lowered = line.lower()
        return any(words in lowered for words in _NOT_WRITTEN)
    return False


def is_elision(words: str) -> bool:
    """Whether a comment's words (without its opener) say that code was left out."""
    return _ELISION.search(words.strip()) is not None
