"""Fit extracted code into a line range: drop repeated context and indent it like the file.

Indentation is measured in columns (a tab advances to the next multiple of ``tab_size``) and
written back in the file's style. Only spaces and tabs count as indentation.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from blitzls.replies.extract import ReplyError

__all__ = ["fit_replacement"]

# Lines that only close something: brackets (optionally with ; or ,) or a closing keyword.
_CLOSE_ONLY = re.compile(r"[)\]}][)\]};,]*|end;?|fi|done|esac")
_BRACKET_ONLY = re.compile(r"[)\]}][)\]};,]*")
_OPENERS = "([{"
_CLOSERS = ")]}"


@dataclass(frozen=True)
class _Line:
    """A line as indentation columns plus the text after the indentation."""

    col: int
    text: str  # empty for a blank line

    @staticmethod
    def parse(line: str, tab_size: int) -> _Line:
        col = 0
        for index, char in enumerate(line):
            if char == " ":
                col += 1
            elif char == "\t":
                col += tab_size - col % tab_size
            else:
                return _Line(col, line[index:])
        return _Line(0, "")

    @property
    def blank(self) -> bool:
        return not self.text.strip()


def _indent_of(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t"))]


def _non_blank(lines: Iterable[_Line]) -> list[tuple[int, _Line]]:
    return [(index, line) for index, line in enumerate(lines) if not line.blank]


# --------------------------------------------------------------------------- rule a


def _leading_echo(code: Sequence[_Line], before: Sequence[_Line]) -> tuple[int, int] | None:
    """(offset, lines to drop) when the code starts by repeating a tail of ``before``.

    The shortest tail that starts on a non-blank line and that the code's non-blank lines start
    with (compared stripped) wins, provided its indentation offset (code column minus file
    column) is the same on every matched line.
    """
    code_rows = _non_blank(code)
    before_rows = [line for _, line in _non_blank(before)]
    for start in range(len(before_rows) - 1, -1, -1):
        tail = before_rows[start:]
        if len(tail) > len(code_rows):
            break
        pairs = list(zip(code_rows[: len(tail)], tail, strict=True))
        if any(mine.text.strip() != theirs.text.strip() for (_, mine), theirs in pairs):
            continue
        offsets = {mine.col - theirs.col for (_, mine), theirs in pairs}
        if len(offsets) == 1:
            return offsets.pop(), pairs[-1][0][0] + 1
    return None


# --------------------------------------------------------------------------- rule b


@dataclass(frozen=True)
class _Style:
    tabs: bool
    tab_size: int

    def render(self, line: _Line) -> str:
        if line.blank:
            return ""
        if self.tabs:
            tabs, spaces = divmod(line.col, self.tab_size)
            return "\t" * tabs + " " * spaces + line.text
        return " " * line.col + line.text


def _style(reference: str, context: Iterable[str], tab_size: int) -> _Style:
    """Tabs when the reference indentation has one; for an unindented reference, the first
    indented context line decides."""
    if reference:
        return _Style("\t" in reference, tab_size)
    for line in context:
        indent = _indent_of(line)
        if indent and line.strip():
            return _Style("\t" in indent, tab_size)
    return _Style(False, tab_size)


def _level(lines: Sequence[_Line], style: _Style) -> int:
    """One indentation level in columns: the smallest step deeper between neighbouring lines."""
    if style.tabs:
        return style.tab_size
    cols = [line.col for line in lines if not line.blank]
    steps = [b - a for a, b in pairwise(cols) if b > a]
    return min(steps) if steps else style.tab_size


def _range_indent(
    before: Sequence[str], target: Sequence[str], after: Sequence[str], tab_size: int
) -> tuple[int, _Style]:
    """The column the code's least-indented line goes to, and the style to write it in.

    The first non-blank target line decides. For an all-blank target: the last non-blank
    ``before`` line, one level deeper when it ends with ":" or "{" (it opens a block); with no
    such line, the first non-blank ``after`` line; else column 0.
    """
    context = [*target, *reversed(before), *after]
    for line in target:
        if line.strip():
            return _Line.parse(line, tab_size).col, _style(_indent_of(line), context, tab_size)
    for line in reversed(before):
        if line.strip():
            style = _style(_indent_of(line), context, tab_size)
            col = _Line.parse(line, tab_size).col
            if line.rstrip().endswith((":", "{")):
                parsed = [_Line.parse(other, tab_size) for other in (*before, *after)]
                col += _level(parsed, style)
            return col, style
    for line in after:
        if line.strip():
            return _Line.parse(line, tab_size).col, _style(_indent_of(line), context, tab_size)
    return 0, _style("", context, tab_size)


def _shift(lines: Sequence[_Line], delta: int) -> list[_Line]:
    return [line if line.blank else _Line(max(0, line.col + delta), line.text) for line in lines]


# --------------------------------------------------------------------------- rule c


# Per line of some code, how many closing brackets in it close nothing the code opened: read
# on the code's syntax tree by the caller, or None where it cannot tell.
Closers = Callable[[Sequence[str]], "Sequence[int] | None"]


def _unmatched_closers(lines: Sequence[_Line], closers: Closers | None = None) -> list[int]:
    """Per line, how many closing brackets close nothing opened earlier in the code: as
    ``closers`` reads them, else by counting brackets."""
    if closers is not None:
        found = closers([" " * line.col + line.text for line in lines])
        if found is not None and len(found) == len(lines):
            return list(found)
    depth = 0
    counts: list[int] = []
    for line in lines:
        unmatched = 0
        for char in line.text:
            if char in _OPENERS:
                depth += 1
            elif char in _CLOSERS:
                if depth:
                    depth -= 1
                else:
                    unmatched += 1
        counts.append(unmatched)
    return counts


def _outer_closer(line: _Line, unmatched: int) -> bool:
    """A bracket-only line whose brackets close nothing opened in the code itself."""
    text = line.text.strip()
    return _BRACKET_ONLY.fullmatch(text) is not None and unmatched == sum(
        char in _CLOSERS for char in text
    )


def _outer_tail(lines: Sequence[_Line], closers: Closers | None) -> int:
    """Index where the code's trailing run of outer closing lines (blank lines aside) starts."""
    unmatched = _unmatched_closers(lines, closers)
    start = len(lines)
    for index in range(len(lines) - 1, -1, -1):
        line = lines[index]
        if not line.blank:
            if not _outer_closer(line, unmatched[index]):
                break
            start = index
    return start


def _trailing_echo(
    code: Sequence[_Line], after: Sequence[_Line], echoed_head: bool, closers: Closers | None
) -> int:
    """How many lines to keep: the code minus its longest tail repeating the start of ``after``.

    Blank lines are skipped. Lines compare by column and text (trailing whitespace ignored),
    except an outer closing line (brackets closing nothing opened in the code: the model
    repeated the end of the enclosing block), which compares by text alone. A repeat made only
    of closing lines (``}``, ``end``, …) counts only when each is surely an echo: an outer
    closing line, or a keyword line once the code's start was itself an echo.
    """
    code_rows = _non_blank(code)
    after_rows = [line for _, line in _non_blank(after)][: len(code_rows)]
    unmatched = _unmatched_closers(code, closers)

    def same(index: int, mine: _Line, theirs: _Line) -> bool:
        if _outer_closer(mine, unmatched[index]):
            return mine.text.strip() == theirs.text.strip()
        return mine.col == theirs.col and mine.text.rstrip() == theirs.text.rstrip()

    def surely_echo(index: int, line: _Line) -> bool:
        text = line.text.strip()
        if _CLOSE_ONLY.fullmatch(text) is None or _outer_closer(line, unmatched[index]):
            return True
        return echoed_head and _BRACKET_ONLY.fullmatch(text) is None

    for size in range(len(after_rows), 0, -1):
        tail = code_rows[-size:]
        pairs = zip(tail, after_rows[:size], strict=True)
        if not all(same(index, mine, theirs) for (index, mine), theirs in pairs):
            continue
        real = any(_CLOSE_ONLY.fullmatch(line.text.strip()) is None for _, line in tail)
        if real or all(surely_echo(index, line) for index, line in tail):
            return tail[0][0]
    return len(code)


# --------------------------------------------------------------------------- public API


def _trim(lines: Sequence[_Line]) -> list[_Line]:
    rows = _non_blank(lines)
    return list(lines[rows[0][0] : rows[-1][0] + 1]) if rows else []


def _blank_run(lines: Iterable[str]) -> int:
    count = 0
    for line in lines:
        if line.strip():
            break
        count += 1
    return count


def fit_replacement(
    code: str,
    before: Sequence[str],
    target: Sequence[str],
    after: Sequence[str],
    *,
    tab_size: int = 4,
    closers: Closers | None = None,
) -> list[str]:
    """The lines to put in place of ``target`` (lines without terminators).

    ``before``: file lines preceding the range, nearest last; ``after``: lines following it.
    ``closers``: how to tell the closing brackets that close nothing the code opened (from
    its syntax tree); without it, brackets are counted.

    1. A repeated tail of ``before`` at the start of the code is dropped, and its indentation
       offset moves the rest of the code to file columns.
    2. Otherwise the least-indented code line goes to the range's indentation (see
       ``_range_indent``); relative indentation is kept. Trailing lines of brackets that close
       nothing opened in the code (the enclosing block's end, repeated) do not count as the
       least-indented line. Output uses tabs when the range's indentation does (or, for an
       unindented range, when the file's first indented line does).
    3. A repeated head of ``after`` at the end of the (re-indented) code is dropped; see
       ``_trailing_echo`` for when closing lines such as ``}`` count as repeated.
    4. Blank lines around the code are replaced by the target's own leading and trailing blank
       lines (none when the target is all blank). Blank lines become "".

    Raises :class:`ReplyError` when there is no code, or nothing but repeated context.
    """
    if tab_size < 1:
        raise ValueError("tab_size must be at least 1")
    raw = code.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    lines = [_Line.parse(line, tab_size) for line in raw]
    if all(line.blank for line in lines):
        raise ReplyError("the model returned no code")
    parsed_before = [_Line.parse(line, tab_size) for line in before]
    parsed_after = [_Line.parse(line, tab_size) for line in after]

    base, style = _range_indent(before, target, after, tab_size)
    echo = _leading_echo(lines, parsed_before)
    if echo is not None:
        offset, dropped = echo
        rest = _trim(_shift(lines[dropped:], -offset))
    else:
        rest = _trim(lines)
        if rest:
            frame = rest[: _outer_tail(rest, closers)] or rest  # outer closers: no indent
            least = min(line.col for line in frame if not line.blank)
            rest = _shift(rest, base - least)
    if rest:
        rest = _trim(rest[: _trailing_echo(rest, parsed_after, echo is not None, closers)])
    if not rest:
        raise ReplyError("the model only repeated the surrounding code")

    if all(not line.strip() for line in target):
        leading = trailing = 0
    else:
        leading, trailing = _blank_run(target), _blank_run(reversed(target))
    return [""] * leading + [style.render(line) for line in rest] + [""] * trailing
