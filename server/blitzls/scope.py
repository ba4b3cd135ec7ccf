"""The definition (function, method, class) around a span of lines, for targeted edits.

``enclosing_scope`` gives the smallest definition containing a span, or a top-level block
around it; ``scope_for_cursor`` gives the definition around one line, or None. Both work on
lines with terminators and are heuristic: they scan outward from the span instead of parsing
the file (only Python files of at most ``AST_MAX_LINES`` lines are parsed, with ``ast``).
Spans are ``(first, last)`` line indices, ``last`` exclusive. A definition's span includes
its decorators/attributes and the comment lines directly above it.
"""

from __future__ import annotations

import ast
import re
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

from blitzls.text.comments import is_comment_line, line_comment_prefixes

Span = tuple[int, int]

# Python files up to this many lines are parsed with ``ast`` (about 3-9 microseconds per line).
AST_MAX_LINES = 500
# The most lines a top-level block grows to (a longer span is returned as it is).
TOP_BLOCK_MAX = 80
# How far a header may sit above its "{", and how far below a span a header is looked for.
_HEADER_LINES = 10
# How far up to look for the start of a multi-line comment or string.
_SKIP_LIMIT = 2000
# How far up to look for the top-level line that owns an indented one.
_OWNER_LIMIT = 1000
_DECORATOR_LINES = 30  # the most lines of one decorator
_DECORATED_LINES = 300  # the most lines of decorators and comments above a header

# An event on a line: (column, +1 for an opener / -1 for a closer, the token).
_Event = tuple[int, int, str]
# A scanner state: None in code, else the terminator being waited for ("*/", "`", "]]", ...).
_State = str | None


def enclosing_scope(lines: Sequence[str], start: int, end: int, language_id: str) -> Span:
    """The smallest definition containing lines [start, end), else a top-level block.

    The top-level block is the span widened to its paragraph: it stops at blank lines before
    or after lines at indentation 0 and at top-level definitions, and grows to at most
    ``TOP_BLOCK_MAX`` lines (never smaller than the span).
    """
    if not lines:
        return 0, 0
    start, end = _clamp(lines, start, end)
    found = _definition(lines, start, end, language_id.lower())
    if found is not None:
        return found
    return _top_level_block(lines, start, end, language_id.lower())


def enclosing_definition(
    lines: Sequence[str], start: int, end: int, language_id: str
) -> Span | None:
    """The smallest definition containing lines [start, end), or None when none does."""
    if not lines:
        return None
    start, end = _clamp(lines, start, end)
    return _definition(lines, start, end, language_id.lower())


def scope_for_cursor(lines: Sequence[str], line: int, language_id: str) -> Span | None:
    """The smallest definition containing ``line``, or None when it is in none."""
    if not lines:
        return None
    start, end = _clamp(lines, line, line + 1)
    return _definition(lines, start, end, language_id.lower())


# --- shared helpers ------------------------------------------------------------------


def _clamp(lines: Sequence[str], start: int, end: int) -> Span:
    count = len(lines)
    start = min(max(start, 0), count - 1)
    return start, min(max(end, start + 1), count)


def _text(line: str) -> str:
    return line.rstrip("\r\n")


def _blank(line: str) -> bool:
    return not line.strip()


def _indent(text: str) -> int:
    width = len(text) - len(text.lstrip(" \t"))
    if "\t" in text[:width]:
        return len(text[:width].expandtabs(4))
    return width


def _paren_balance(text: str) -> int:
    return text.count("(") + text.count("[") - text.count(")") - text.count("]")


def _preamble(
    lines: Sequence[str], header: int, prefixes: tuple[str, ...], extra: tuple[str, ...]
) -> int:
    """The first line of the decorators, attributes and comments directly above ``header``."""
    i = header
    while i > 0:
        s = _text(lines[i - 1]).strip()
        if not s or (i == 1 and s.startswith("#!")):
            break
        if is_comment_line(s, prefixes) or s.startswith(extra):
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
        s = _text(lines[i]).strip()
        if not s:
            return None
        balance += _paren_balance(s)
        if balance >= 0:
            return i if s.startswith("@") and i < last else None
    return None


# --- dispatch ------------------------------------------------------------------------


def _names(words: str) -> frozenset[str]:
    return frozenset(words.split())


_C_FAMILY = _names("c cpp c++ cuda-cpp objective-c objective-cpp objc objcpp")
_JS = _names("javascript javascriptreact typescript typescriptreact js jsx ts tsx")
_BRACE = (
    _C_FAMILY | _JS | _names("rust go java csharp kotlin swift php dart scala zig groovy solidity")
)
_SHELL = _names("shellscript sh bash zsh")


def _definition(lines: Sequence[str], start: int, end: int, lang: str) -> Span | None:
    if lang == "python":
        return _python_definition(lines, start, end)
    family = _family(lang)
    if family is not None:
        return _block_definition(family, lines, start, end)
    prefixes = line_comment_prefixes(lang)
    return _indent_definition(lines, start, end, _GENERIC_HEADER, prefixes, python=False)


# --- Python --------------------------------------------------------------------------

_PY_HEADER = re.compile(r"(?:async\s+def|def|class)\b")
_PY_PREFIXES = ("#",)
_PY_EXTRA = ("@",)


def _python_definition(lines: Sequence[str], start: int, end: int) -> Span | None:
    defs = _python_ast_defs("".join(lines)) if len(lines) <= AST_MAX_LINES else None
    if defs is None:
        return _indent_definition(lines, start, end, _PY_HEADER, _PY_PREFIXES, python=True)
    best: Span | None = None
    for first, last in defs:
        last = _trailing_comments(lines, first, last)
        if last < end:
            continue
        first = _preamble(lines, first, _PY_PREFIXES, _PY_EXTRA)
        if first <= start and (best is None or last - first < best[1] - best[0]):
            best = (first, last)
    return best


def _trailing_comments(lines: Sequence[str], header: int, last: int) -> int:
    """Extend a definition ending at ``last`` over comment lines indented into its body."""
    width = _indent(_text(lines[header]))
    while last < len(lines) and is_comment_line(lines[last], _PY_PREFIXES):
        if _indent(_text(lines[last])) <= width:
            break
        last += 1
    return last


@lru_cache(maxsize=8)
def _python_ast_defs(source: str) -> tuple[Span, ...] | None:
    """(first line incl. decorators, end exclusive) of every def/class, or None if it fails."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError):
        return None
    found: list[Span] = []
    _collect_defs(tree.body, found)
    return tuple(found)


def _collect_defs(body: Sequence[ast.AST], found: list[Span]) -> None:
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            first = min([node.lineno] + [d.lineno for d in node.decorator_list]) - 1
            found.append((first, node.end_lineno or node.lineno))
        for field in ("body", "orelse", "finalbody", "handlers", "cases"):
            children = getattr(node, field, None)
            if not isinstance(children, list):
                continue
            for child in children:
                if isinstance(child, ast.stmt):
                    _collect_defs([child], found)
                else:  # an except handler or a match case
                    _collect_defs(getattr(child, "body", []), found)


# --- indentation (Python fallback and unknown languages) -----------------------------

_GENERIC_HEADER = re.compile(
    r"(?:(?:export|public|private|protected|static|async|local|pub|override|abstract|final)\s+)*"
    r"(?:def|defp|defmacro|defmodule|class|module|function|func|fn|fun|sub|proc|method"
    r"|struct|impl|trait|interface)\b"
)
_GENERIC_CLOSER = re.compile(r"(?:end|fi|done|esac|until|endfunction|endif)\b|[}\])]")
_PY_TOKEN = re.compile(r"""#|'''|\"\"\"|"(?:\\.|[^"\\])*"?|'(?:\\.|[^'\\])*'?|[\[\](){}]""")


def _indent_definition(
    lines: Sequence[str],
    start: int,
    end: int,
    header: re.Pattern[str],
    prefixes: tuple[str, ...],
    *,
    python: bool,
) -> Span | None:
    extra = _PY_EXTRA if python else ("@",)
    for h in _indent_headers(lines, start, end, header, prefixes, extra, python=python):
        first = _preamble(lines, h, prefixes, extra)
        if first > start:
            continue
        last = _indent_block_end(lines, h, prefixes, python=python)
        if last >= end:
            return first, last
    return None


def _indent_headers(
    lines: Sequence[str],
    start: int,
    end: int,
    header: re.Pattern[str],
    prefixes: tuple[str, ...],
    extra: tuple[str, ...],
    *,
    python: bool,
) -> Iterator[int]:
    """Header lines that may own the span, innermost first."""
    inside = _string_start(lines, start) if python else None
    if inside is not None:  # the span starts inside a string: walk up from its first line
        top, cur = inside, _indent(_text(lines[inside]))
    else:
        top, cur = start, _span_indent(lines, start, end, prefixes)
        # A header at the span's first line, below its leading decorators and comments, or
        # above it when the span starts in the middle of the header (") -> None:").
        lead = next((i for i in range(start, end) if not _blank(lines[i])), None)
        if lead is not None:
            if lines[lead].lstrip()[:1] in (")", "]", "}"):
                lead = _statement_start(lines, lead)
            found = _decorated(lines, lead, header, prefixes, extra)
            if found is not None:
                yield found
    inside_string = False
    for i in range(top - 1, -1, -1) if cur > 0 else ():
        text = lines[i]
        if python and ('"""' in text or "'''" in text):
            if (text.count('"""') + text.count("'''")) % 2:
                inside_string = not inside_string
                if inside_string:
                    continue  # the closing line of a string that starts further up
            elif inside_string:
                continue
        elif inside_string or not text[:cur].strip():
            continue  # inside a string, blank, or indented at least as far as ``cur``
        text = _text(text)
        s = text.strip()
        if not s or is_comment_line(s, prefixes):
            continue
        width = _indent(text)
        if width >= cur or s.startswith((")", "]", "}")):
            continue
        cur = width
        if header.match(s):
            yield i
        elif s.startswith(extra):  # inside a decorator's arguments
            found = _decorated(lines, i, header, prefixes, extra)
            if found is not None:
                yield found
        if width == 0:
            return


def _span_indent(lines: Sequence[str], start: int, end: int, prefixes: tuple[str, ...]) -> int:
    """The indentation of the span's code (of the code below it when it has none)."""
    code = [
        i
        for i in range(start, end)
        if not _blank(lines[i]) and not is_comment_line(lines[i], prefixes)
    ]
    # A line that closes brackets (") -> None:") continues a statement: it does not set the level.
    widths = [
        _indent(_text(lines[i])) for i in code if lines[i].lstrip()[:1] not in (")", "]", "}")
    ]
    widths = widths or [_indent(_text(lines[i])) for i in code]
    if widths:
        return min(widths)
    below = next((i for i in range(end, min(end + 50, len(lines))) if not _blank(lines[i])), None)
    return _indent(_text(lines[below])) if below is not None else 0


def _string_start(lines: Sequence[str], start: int) -> int | None:
    """The line that opens the triple-quoted string line ``start`` is in, if it looks so."""
    for k in range(start - 1, max(start - _SKIP_LIMIT // 10, -1), -1):
        text = lines[k]
        if ('"""' in text or "'''" in text) and (text.count('"""') + text.count("'''")) % 2:
            return k if _opens_triple_string(lines, k) else None
        if text[:1] in ("d", "c", "a", "@") and _PY_TOP_DEF.match(text):
            return None  # a top-level definition: most likely not inside a string
    return None


def _statement_start(lines: Sequence[str], i: int) -> int:
    """The line where the bracketed statement that line ``i`` closes begins."""
    balance = _paren_balance(lines[i])
    k = i
    while balance < 0 and k > 0 and i - k < _DECORATOR_LINES:
        k -= 1
        balance += _paren_balance(lines[k])
    return k


def _decorated(
    lines: Sequence[str],
    i: int,
    header: re.Pattern[str],
    prefixes: tuple[str, ...],
    extra: tuple[str, ...],
) -> int | None:
    """The header at line ``i``, or below the decorators and comments that start there."""
    width = _indent(_text(lines[i]))
    balance = 0  # inside a decorator's arguments
    for k in range(i, min(i + _DECORATED_LINES, len(lines))):
        s = _text(lines[k]).strip()
        if balance <= 0 and header.match(s) and _indent(_text(lines[k])) == width:
            return k
        if not s or not (balance > 0 or is_comment_line(s, prefixes) or s.startswith(extra)):
            return None
        if not is_comment_line(s, prefixes):
            balance += _paren_balance(s)
    return None


def _indent_block_end(
    lines: Sequence[str], h: int, prefixes: tuple[str, ...], *, python: bool
) -> int:
    """The exclusive end of the block headed by line ``h``, found by indentation.

    For Python, lines inside brackets or triple-quoted strings continue the block; for other
    languages a closing line (``end``, ``}``) at the header's indentation is included.
    """
    width = _indent(_text(lines[h]))
    depth, triple = _py_track(_text(lines[h]), 0, None) if python else (0, None)
    last = h
    for i in range(h + 1, len(lines)):
        line = lines[i]
        if depth == 0 and triple is None and not line[: width + 1].strip():
            # Blank or indented deeper than the header: inside the body.
            if not line.strip():
                continue
            last = i
            stripped = line.rstrip()
            if python and ('"""' in line or "'''" in line or stripped.endswith(_PY_OPEN_ENDS)):
                depth, triple = _py_track(line, depth, triple)
            continue
        text = _text(line)
        s = text.strip()
        if not s:
            continue
        own = _indent(text)
        if depth > 0 or triple is not None:
            # A bracket left open by a syntax error: a dedented line inside brackets that does
            # not close them ends the block. (Strings may hold anything, even code.)
            if python and triple is None and own <= width and s[0] not in ")]}":
                break
            last = i
        elif is_comment_line(s, prefixes):
            if own > width:
                last = i
        elif own > width:
            last = i
        else:
            if not python and own == width and _GENERIC_CLOSER.match(s):
                last = i
            break
        if python:
            depth, triple = _py_track(line, depth, triple)
    return last + 1


_CODE_BEFORE_STRING = ("=", "(", "[", "{", ",", ":", "return", "yield")


def _opens_triple_string(lines: Sequence[str], i: int) -> bool:
    """Whether line ``i``, with one triple quote, looks like the start of the string."""
    text = lines[i]
    quote = min((k for k in (text.find('"""'), text.find("'''")) if k >= 0), default=0)
    before = text[:quote].strip().rstrip("rRbBuUfF")
    if before:
        return before.endswith(_CODE_BEFORE_STRING)
    after = text[quote + 3 :].strip()
    if after:
        return not after.startswith((",", ")", "]", "}", ".", ";", "#"))  # """Summary line
    # A lone quote opens a docstring when a header ends just above it.
    above = next((lines[k] for k in range(i - 1, max(i - 5, -1), -1) if not _blank(lines[k])), "")
    above = above.strip()
    return above.endswith(":") and (above.startswith(")") or _PY_HEADER.match(above) is not None)


_PY_OPEN_ENDS = ("(", "[", "{", ",", "\\")


def _py_track(text: str, depth: int, triple: str | None) -> tuple[int, str | None]:
    """Bracket depth and open triple-quoted string after one Python line."""
    if triple is None and "'" not in text and '"' not in text and "#" not in text:
        opened = text.count("(") + text.count("[") + text.count("{")
        closed = text.count(")") + text.count("]") + text.count("}")
        return max(depth + opened - closed, 0), None
    pos = 0
    if triple is not None:
        close = text.find(triple)
        if close < 0:
            return depth, triple
        pos, triple = close + 3, None
    while True:
        m = _PY_TOKEN.search(text, pos)
        if m is None:
            return depth, None
        tok = m.group()
        pos = m.end()
        if tok == "#":
            return depth, None
        if tok in ('"""', "'''"):
            close = text.find(tok, pos)
            if close < 0:
                return depth, tok
            pos = close + 3
        elif tok in "([{":
            depth += 1
        elif tok in ")]}":
            depth = max(depth - 1, 0)


# --- bracketed and keyword blocks ----------------------------------------------------


@dataclass(frozen=True)
class _Family:
    """How to find blocks in one language."""

    scan: Callable[[str, _State], tuple[list[_Event], _State]]
    closing_states: Callable[[str, _State], list[str]]
    hint: Callable[[str], str]
    header: Callable[[Sequence[str], int, int, str], int | None]
    prefixes: tuple[str, ...]
    extra: tuple[str, ...]
    top_level: Callable[[str], bool]
    quiet: re.Pattern[str]  # a line this does not match has no events and ends no construct
    starts_definition: Callable[[str], bool]


def _block_definition(family: _Family, lines: Sequence[str], start: int, end: int) -> Span | None:
    below = _opener_below(family, lines, start)
    if below is not None:
        found = _try_candidate(family, lines, start, end, *below)
        if found is not None:
            return found
    for line, col, tok in _enclosing_openers(family, lines, start):
        found = _try_candidate(family, lines, start, end, line, col, tok)
        if found is not None:
            return found
    return None


def _try_candidate(
    family: _Family, lines: Sequence[str], start: int, end: int, line: int, col: int, tok: str
) -> Span | None:
    header = family.header(lines, line, col, tok)
    if header is None:
        return None
    first = _preamble(lines, header, family.prefixes, family.extra)
    if first > start:
        return None
    close = _match_close(family, lines, line, col)
    if close is None or close < end - 1:
        return None
    return first, close + 1


def _opener_below(family: _Family, lines: Sequence[str], start: int) -> tuple[int, int, str] | None:
    """The first opener after line ``start`` when that line leaves no block open.

    It belongs to a definition whose header or doc comment may begin at ``start``.
    """
    depth = 0
    state: _State = None
    for i in range(start, min(start + _HEADER_LINES, len(lines))):
        events, state = family.scan(_text(lines[i]), state)
        for col, delta, tok in events:
            if delta > 0:
                if depth == 0 and i > start:
                    return i, col, tok
                depth += 1
            elif depth == 0:
                return None
            else:
                depth -= 1
        if i == start and depth > 0:
            return None
    return None


def _enclosing_openers(
    family: _Family, lines: Sequence[str], start: int
) -> Iterator[tuple[int, int, str]]:
    """Openers left open at the end of line ``start``, innermost first.

    Multi-line strings and comments are skipped: a line that ends one is read from the end
    of the construct, and the lines up to its start are passed over. The scan stops at a line
    at indentation 0 that opens nothing: the span is then at top level.
    """
    pending = 0
    quiet, top_level = family.quiet, family.top_level
    i = start
    while i >= 0:
        line = lines[i]
        if i < start and quiet.search(line) is None:  # no events on this line
            if top_level(line):
                return
            i -= 1
            continue
        text = _text(line)
        events, end_state = family.scan(text, None)
        rows = [(i, events, True)]
        for state in family.closing_states(text, end_state):
            tail, tail_end = family.scan(text, state)
            j = _opener_above(family, lines, i, state) if tail_end is None else None
            if j is not None:
                rows = [(i, tail, False), (j, family.scan(_text(lines[j]), None)[0], True)]
                break
        for row, row_events, in_code in rows:
            opened = False
            for col, delta, tok in reversed(row_events):
                if delta < 0:
                    pending += 1
                elif pending:
                    pending -= 1
                else:
                    opened = True
                    yield row, col, tok
            if row < start and in_code and not opened and top_level(lines[row]):
                return
            i = row - 1


def _opener_above(family: _Family, lines: Sequence[str], i: int, state: str) -> int | None:
    hint = family.hint(state)
    for j in range(i - 1, max(i - 1 - _SKIP_LIMIT, -1), -1):
        text = _text(lines[j])
        if hint in text and family.scan(text, None)[1] == state:
            return j
    return None


def _match_close(family: _Family, lines: Sequence[str], line: int, col: int) -> int | None:
    """The line of the closer matching the opener at (line, col), or None."""
    depth = 0
    state: _State = None
    quiet = family.quiet
    for i in range(line, len(lines)):
        if state is None and i > line and quiet.search(lines[i]) is None:
            continue
        events, state = family.scan(_text(lines[i]), state)
        for c, delta, _ in events:
            if i == line and c < col:
                continue
            depth += delta
            if depth <= 0:
                return i
    return None


def _resume(text: str, pos: int, state: str) -> int | None:
    """Where code resumes after the construct ``state`` on this line, or None."""
    if state == "`":
        m = _BACKTICK_END.match(text, pos)
        return m.end() if m else None
    if state.startswith("\n"):  # a here-document: its terminator is a whole line
        return len(text) if text.strip() == state[1:] else None
    close = text.find(state, pos)
    return close + len(state) if close >= 0 else None


_BACKTICK_END = re.compile(r"(?:\\.|[^`\\])*`")


# --- C-like languages ----------------------------------------------------------------

_CONTROL = _names(
    """if else for foreach while do switch catch try finally with using lock synchronized
    return match when loop unsafe defer select case default new throw await typeof sizeof
    elif guard repeat fixed checked unchecked go yield delete not and or in is as"""
)
_FUNC_WORDS: dict[str, tuple[str, ...]] = {
    "rust": ("fn",),
    "zig": ("fn",),
    "go": ("func",),
    "swift": ("func", "init", "deinit", "subscript"),
    "kotlin": ("fun", "init", "constructor"),
    "scala": ("def",),
    "groovy": ("def",),
    "php": ("function",),
    "solidity": ("function", "constructor", "modifier"),
    **dict.fromkeys(_JS, ("function", "constructor")),
}
_TYPE_WORDS: dict[str, tuple[str, ...]] = {
    "rust": ("impl", "trait", "struct", "enum", "union"),
    "zig": ("struct", "enum", "union"),
    "go": ("struct", "interface"),
    "swift": ("class", "struct", "enum", "protocol", "extension", "actor"),
    "kotlin": ("class", "object", "interface"),
    "scala": ("class", "object", "trait"),
    "groovy": ("class", "interface", "trait", "enum"),
    "php": ("class", "interface", "trait", "enum"),
    "solidity": ("contract", "interface", "library", "struct"),
    "java": ("class", "interface", "enum", "record"),
    "csharp": ("class", "struct", "interface", "record", "enum"),
    "dart": ("class", "mixin", "extension", "enum"),
    **dict.fromkeys(_JS, ("class", "interface", "enum")),
    **dict.fromkeys(_C_FAMILY, ("class", "struct", "union", "enum")),
}
_SIGNATURE_LANGS = _C_FAMILY | _JS | _names("java csharp dart groovy")
_ARROW_LANGS = _JS | frozenset(("csharp",))
_SIGNATURE = re.compile(r"(?:[\w$@#\[\]<>,*&:.~?]+\s+)*\*?[#~\w$][\w$:.~<>]*\s*\(")
_FIRST_WORD = re.compile(r"[A-Za-z_]+")
_C_TYPE_LINE = re.compile(r"[A-Za-z_][\w \t*&:<>,]*")
_LABEL = re.compile(r"[A-Za-z_]\w*\s*:(?!:)")
_UP_STARTS = (")", "]", ">", "->", "=>", ":", ".", ",", "where", "throws", "extends",
              "implements", "+", "&", "|", "with", "requires", "noexcept")  # fmt: skip
_UP_ENDS = ("(", "[", ",", "->", "=>", "=", ":", "where", "<", "&&", "||")


def _words(words: tuple[str, ...]) -> re.Pattern[str] | None:
    if not words:
        return None
    return re.compile(r"(?<![\w$.])(?:" + "|".join(words) + r")\b")


def _c_is_def(
    seg: str, lang: str, funcs: re.Pattern[str] | None, types: re.Pattern[str] | None
) -> bool:
    s = seg.strip()
    while s.startswith(("}", ")")):
        s = s[1:].lstrip()
    if not s:
        return False
    if funcs is not None and funcs.search(s):
        return True
    if types is not None and types.search(s) and (lang == "zig" or "=" not in s):
        return True
    if lang in _ARROW_LANGS and s.endswith("=>"):
        return True
    if lang == "java" and s.endswith("->") and not s.startswith(("case", "default")):
        return True
    if lang not in _SIGNATURE_LANGS or ";" in s or not _SIGNATURE.match(s):
        return False
    word = _FIRST_WORD.match(s)
    if word is not None and word.group() in _CONTROL:
        return False
    return "=" not in s[: s.index("(")] or "operator" in s


def _c_header(
    lines: Sequence[str],
    line: int,
    col: int,
    tok: str,
    *,
    lang: str,
    funcs: re.Pattern[str] | None,
    types: re.Pattern[str] | None,
    prefixes: tuple[str, ...],
) -> int | None:
    """The first line of the definition header that the "{" at (line, col) opens, or None."""
    seg = _text(lines[line])[:col]
    i = line
    for _ in range(_HEADER_LINES):
        if _c_is_def(seg, lang, funcs, types):
            return _c_header_top(lines, i, line, col, lang)
        if i == 0:
            return None
        prev = _text(lines[i - 1])
        p, s = prev.strip(), seg.strip()
        if not p or p.endswith((";", "{", "}")) or is_comment_line(p, prefixes):
            return None
        if p.startswith(("/*", "*")) or s.startswith("}"):
            return None
        if s and not s.startswith(_UP_STARTS) and not p.endswith(_UP_ENDS):
            return None
        i -= 1
        seg = prev
    return None


def _c_header_top(lines: Sequence[str], i: int, line: int, col: int, lang: str) -> int:
    """Widen a header found at line ``i`` to an open parameter list and a C return type."""
    balance = _paren_balance(_text(lines[line])[:col]) + sum(
        _paren_balance(_text(lines[k])) for k in range(i, line)
    )
    while balance < 0 and i > 0 and line - i < _HEADER_LINES:
        i -= 1
        balance += _paren_balance(_text(lines[i]))
    if lang in _C_FAMILY and i > 0:
        prev = _text(lines[i - 1])
        word = _FIRST_WORD.match(prev)
        if (
            _C_TYPE_LINE.fullmatch(prev.rstrip())
            and word is not None
            and word.group() not in _CONTROL
            and _indent(prev) == _indent(_text(lines[i]))
            and not prev.rstrip().endswith(":")
        ):
            i -= 1
    return i


def _c_pattern(lang: str) -> re.Pattern[str]:
    parts = ["[{}]", "//", r"/\*"]
    if lang in ("kotlin", "swift", "scala", "dart", "java", "csharp", "groovy"):
        parts.append('"""')
    parts.append(r'"(?:\\.|[^"\\])*"?')
    if lang in _JS or lang in ("php", "dart", "groovy", "solidity"):
        parts.append(r"'(?:\\.|[^'\\])*'?")
    else:  # a character literal; any other quote (a Rust lifetime, a digit separator) is skipped
        parts.append(r"'(?:\\.[^']{0,9}|[^'\\])'")
    if lang == "php":
        parts.append(r"\#(?!\[)")
    parts.append("`")
    return re.compile("|".join(parts))


_C_FAST = re.compile(r'[{}`]|/\*|"""')
_C_LOUD = re.compile(r'[{}`]|/\*|\*/|"""')
_QUOTE_OR_COMMENT = re.compile(r"[\"'`]|//|/\*")


def _scan_start(text: str, state: _State, fast: re.Pattern[str]) -> tuple[int | None, _State]:
    """Where scanning a line starts, after any construct continued from the line above.

    ``(None, state)`` when the line has nothing to scan: still inside that construct, or no
    token the scanner cares about at all.
    """
    if state is not None:
        resumed = _resume(text, 0, state)
        return (None, state) if resumed is None else (resumed, None)
    return (None, None) if fast.search(text) is None else (0, None)


def _c_scan(text: str, state: _State, pattern: re.Pattern[str]) -> tuple[list[_Event], _State]:
    events: list[_Event] = []
    start, carried = _scan_start(text, state, _C_FAST)
    if start is None:
        return events, carried
    pos = start
    while True:
        m = pattern.search(text, pos)
        if m is None:
            return events, None
        tok, pos = m.group(), m.end()
        if tok == "{":
            events.append((m.start(), 1, tok))
        elif tok == "}":
            events.append((m.start(), -1, tok))
        elif tok in ("//", "#"):
            return events, None
        elif tok in ("/*", "`", '"""'):
            term = "*/" if tok == "/*" else tok
            resumed = _resume(text, pos, term)
            if resumed is None:
                return events, term
            pos = resumed


def _c_closing(text: str, end_state: _State) -> list[str]:
    """Constructs that line ``text`` may end, read from code below it."""
    found = [end_state] if end_state in ("`", '"""') else []
    close = text.find("*/")
    if close >= 0 and not _QUOTE_OR_COMMENT.search(text, 0, close):
        found.append("*/")
    return found


def _c_hint(state: str) -> str:
    return "/*" if state == "*/" else state


def _c_top_level(text: str) -> bool:
    return bool(text) and not text[0].isspace() and not text.startswith(
        ("//", "/*", "*", "#")
    ) and not _LABEL.match(text)  # fmt: skip


def _c_family(lang: str) -> _Family:
    pattern = _c_pattern(lang)
    funcs = _words(_FUNC_WORDS.get(lang, ()))
    types = _words(_TYPE_WORDS.get(lang, ()))
    prefixes = line_comment_prefixes(lang)
    extra: tuple[str, ...] = ("/*", "*", "@")
    if lang in ("rust", "php"):
        extra += ("#[", "#![")
    if lang == "csharp":
        extra += ("[",)

    def header(lines: Sequence[str], line: int, col: int, tok: str) -> int | None:
        return _c_header(
            lines, line, col, tok, lang=lang, funcs=funcs, types=types, prefixes=prefixes
        )

    return _Family(
        scan=lambda text, state: _c_scan(text, state, pattern),
        closing_states=_c_closing,
        hint=_c_hint,
        header=header,
        prefixes=prefixes,
        extra=extra,
        top_level=_c_top_level,
        quiet=_C_LOUD,
        starts_definition=lambda s: (
            s.startswith(("@", "#[")) or _c_is_def(s.rstrip("{").rstrip(), lang, funcs, types)
        ),
    )


# --- shell ---------------------------------------------------------------------------

_SH_TOKEN = re.compile(
    r"""(?<![^\s;&|(])\#.*|'[^']*'?|"(?:\\.|[^"\\])*"?"""
    r"""|(?<!<)<<(?!<)-?\s*(['"]?)([A-Za-z_]\w*)\1"""
    r"""|(?<![^\s;&|])[{}](?=[\s;&|)]|$)"""
)
_SH_HEADER = re.compile(r"\s*(?:function\s+[^\s(){}]+(?:\s*\(\s*\))?|[^\s(){}=$#]+\s*\(\s*\))\s*")
_SH_HEREDOC_END = re.compile(r"[A-Z_][A-Z0-9_]*")


def _sh_scan(text: str, state: _State) -> tuple[list[_Event], _State]:
    events: list[_Event] = []
    if state is not None:
        return events, (None if _resume(text, 0, state) is not None else state)
    pending: _State = None
    for m in _SH_TOKEN.finditer(text):
        tok = m.group()
        if tok == "{":
            events.append((m.start(), 1, tok))
        elif tok == "}":
            events.append((m.start(), -1, tok))
        elif tok.startswith("<<") and pending is None:
            pending = "\n" + m.group(2)
    return events, pending


def _sh_closing(text: str, end_state: _State) -> list[str]:
    s = text.strip()
    return ["\n" + s] if _SH_HEREDOC_END.fullmatch(s) else []


def _sh_header(lines: Sequence[str], line: int, col: int, tok: str) -> int | None:
    seg = _text(lines[line])[:col]
    if _SH_HEADER.fullmatch(seg):
        return line
    if not seg.strip() and line > 0 and _SH_HEADER.fullmatch(_text(lines[line - 1])):
        return line - 1
    return None


def _sh_top_level(text: str) -> bool:
    return bool(text) and not text[0].isspace() and not text.startswith("#")


_SH_FAMILY = _Family(
    scan=_sh_scan,
    closing_states=_sh_closing,
    hint=lambda state: "<<",
    header=_sh_header,
    prefixes=("#",),
    extra=(),
    top_level=_sh_top_level,
    quiet=re.compile(r"[{}]|<<|^[ \t]*[A-Z_][A-Z0-9_]*\s*$"),
    starts_definition=lambda s: _SH_HEADER.fullmatch(s.rstrip("{").rstrip()) is not None,
)


# --- Lua and fish: keyword blocks ----------------------------------------------------

_LUA_TOKEN = re.compile(
    r"""--\[(=*)\[|--|\[(=*)\[|"(?:\\.|[^"\\])*"?|'(?:\\.|[^'\\])*'?"""
    r"""|(?<![\w.:])(?:function|if|do|repeat|end|until)\b"""
)
_LUA_TOP_DEF = re.compile(r"(?:local\s+)?function\b|[\w.:\[\]\"']+\s*=\s*function\b")
_LUA_FAST = re.compile(r"\b(?:function|if|do|repeat|end|until)\b|\[=*\[")
_LUA_LONG_END = re.compile(r"\](=*)\]")
_LUA_QUOTE_OR_OPEN = re.compile(r"[\"']|--|\[=*\[")
_FISH_TOKEN = re.compile(
    r"""(?<![^\s;&|(])\#.*|'(?:\\.|[^'\\])*'?|"(?:\\.|[^"\\])*"?"""
    r"""|(?<![\w-])(?<!else )(?:function|if|for|while|switch|begin|end)(?![\w-])"""
)


def _lua_scan(text: str, state: _State) -> tuple[list[_Event], _State]:
    events: list[_Event] = []
    start, carried = _scan_start(text, state, _LUA_FAST)
    if start is None:
        return events, carried
    pos = start
    while True:
        m = _LUA_TOKEN.search(text, pos)
        if m is None:
            return events, None
        tok, pos = m.group(), m.end()
        if tok == "--":
            return events, None
        if tok.startswith(("--[", "[")):
            term = "]" + (m.group(1) or m.group(2) or "") + "]"
            resumed = _resume(text, pos, term)
            if resumed is None:
                return events, term
            pos = resumed
        elif tok[0].isalpha():
            events.append((m.start(), -1 if tok in ("end", "until") else 1, tok))


def _fish_scan(text: str, state: _State) -> tuple[list[_Event], _State]:
    events: list[_Event] = []
    for m in _FISH_TOKEN.finditer(text):
        tok = m.group()
        if tok[0].isalpha():
            events.append((m.start(), -1 if tok == "end" else 1, tok))
    return events, None


def _lua_closing(text: str, end_state: _State) -> list[str]:
    """The long bracket that line ``text`` may end, read from code below it."""
    m = _LUA_LONG_END.search(text)
    if m is None or _LUA_QUOTE_OR_OPEN.search(text, 0, m.start()):
        return []
    return [m.group()]


def _keyword_header(lines: Sequence[str], line: int, col: int, tok: str) -> int | None:
    return line if tok == "function" else None


def _keyword_top_level(text: str) -> bool:
    return bool(text) and not text[0].isspace() and not text.startswith(("--", "#"))


_LUA_FAMILY = _Family(
    scan=_lua_scan,
    closing_states=_lua_closing,
    quiet=re.compile(r"\b(?:function|if|do|repeat|end|until)\b|\[=*\[|\]=*\]"),
    hint=lambda state: "[" + state[1:-1] + "[",
    header=_keyword_header,
    prefixes=("--",),
    extra=(),
    top_level=_keyword_top_level,
    starts_definition=lambda s: _LUA_TOP_DEF.match(s) is not None,
)
_FISH_FAMILY = _Family(
    scan=_fish_scan,
    closing_states=lambda text, end_state: [],
    quiet=re.compile(r"\b(?:function|if|for|while|switch|begin|end)\b"),
    hint=lambda state: state,
    header=_keyword_header,
    prefixes=("#",),
    extra=(),
    top_level=_keyword_top_level,
    starts_definition=lambda s: _LUA_TOP_DEF.match(s) is not None,
)


@lru_cache(maxsize=64)
def _family(lang: str) -> _Family | None:
    if lang in _BRACE:
        return _c_family(lang)
    if lang in _SHELL:
        return _SH_FAMILY
    if lang == "lua":
        return _LUA_FAMILY
    if lang == "fish":
        return _FISH_FAMILY
    return None


# --- top-level blocks ----------------------------------------------------------------

_CONTINUATION = re.compile(
    r"[}\])]|\.|&&|\|\||\?|(?:else|elif|except|finally|catch|end|until|fi|done|esac|then)\b"
)
_PY_TOP_DEF = re.compile(r"@|(?:async\s+def|def|class)\b")


def _looks_like_definition(text: str, lang: str) -> bool:
    s = text.strip()
    if lang == "python":
        return _PY_TOP_DEF.match(s) is not None
    family = _family(lang)
    if family is not None:
        return family.starts_definition(s)
    return _GENERIC_HEADER.match(s) is not None


def _top_level_block(lines: Sequence[str], start: int, end: int, lang: str) -> Span:
    first = _grow_up(lines, start, max(start - TOP_BLOCK_MAX, 0), lang)
    last = _grow_down(lines, end, min(end + TOP_BLOCK_MAX, len(lines)), lang)
    while first < start and _blank(lines[first]):
        first += 1
    while last > end and _blank(lines[last - 1]):
        last -= 1
    room = TOP_BLOCK_MAX - (end - start)
    if room <= 0:
        return start, end
    above, below = start - first, last - end
    if above + below > room:
        take_above = min(above, max(room // 2, room - below))
        take_below = min(below, room - take_above)
        first, last = start - take_above, end + take_below
    return first, last


def _grow_up(lines: Sequence[str], first: int, limit: int, lang: str) -> int:
    while first > limit:
        prev, top = lines[first - 1], _text(lines[first])
        if _blank(prev):
            if _blank(top) or _indent(top) == 0:
                break
        elif not _blank(top) and _indent(top) == 0 and not _CONTINUATION.match(top):
            owner = _owner(lines, first - 1)
            if owner is not None and _looks_like_definition(_text(lines[owner]), lang):
                break
        first -= 1
    return first


def _owner(lines: Sequence[str], i: int) -> int | None:
    """The nearest line at or above ``i`` at indentation 0 that starts a statement."""
    for j in range(i, max(i - _OWNER_LIMIT, -1), -1):
        text = _text(lines[j])
        if text.strip() and _indent(text) == 0 and not _CONTINUATION.match(text):
            return j
    return None


def _grow_down(lines: Sequence[str], last: int, limit: int, lang: str) -> int:
    while last < limit:
        text = _text(lines[last])
        if not text.strip():
            nxt = next((k for k in range(last + 1, limit) if not _blank(lines[k])), None)
            if nxt is None or _indent(_text(lines[nxt])) == 0:
                break
        elif (
            _indent(text) == 0
            and not _CONTINUATION.match(text)
            and _looks_like_definition(text, lang)
        ):
            break
        last += 1
    return last
