"""Tree-sitter grammars: loaded on first use, never at start-up, and parsing a few lines.

Parsing a whole 10,000-line file takes 50-300 ms, so callers parse a *window*: the lines
between two boundaries (a statement after a blank line) around the lines they care about,
first at their own indentation (parsed with that indentation taken off, so the methods of a
class parse on their own), then at the indentation of each enclosing block (``levels``),
down to top-level statements. No window starts inside a multi-line string (``windows``); a
top-level window that does not parse is widened (``widening``), up to the whole file.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from blitzls.languages.lines import continues_statement, indent
from blitzls.languages.literals import starts_in_code
from blitzls.languages.registry import Language
from blitzls.text.lines import line_content

if TYPE_CHECKING:
    import tree_sitter

# How far above a window to start reading strings and comments, to tell whether the window
# starts inside one.
_LOOKBACK = 300
# How far above a window inside a block to look for the top-level statement around it.
_ANCHOR_LIMIT = 3000


@dataclass(frozen=True)
class Parsed:
    """A tree of lines [first, last) of a document; tree rows are counted from ``first``."""

    tree: tree_sitter.Tree
    first: int
    last: int
    level: int = 0  # columns of indentation taken off every line

    @property
    def has_error(self) -> bool:
        return self.tree.root_node.has_error


@cache
def grammar(spec: str) -> tree_sitter.Language | None:
    """The grammar ``module`` or ``module:function`` names; None when it is not installed."""
    module_name, _, function = spec.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        return None
    import tree_sitter

    return tree_sitter.Language(getattr(module, function or "language")())


def has_grammar(language: Language) -> bool:
    return language.grammar is not None and grammar(language.grammar) is not None


@cache
def definitions_query(language: Language) -> tree_sitter.Query:
    """The language's ``queries/<name>.scm`` compiled for its grammar."""
    import tree_sitter

    assert language.grammar is not None and language.query is not None
    found = grammar(language.grammar)
    assert found is not None
    return tree_sitter.Query(found, query_source(language.query))


def query_source(name: str) -> str:
    """``queries/<name>.scm``, after the file it names on a first line ``; inherits: other``
    (TypeScript's captures are JavaScript's and a few of its own)."""
    # a plain path, not importlib.resources: that import costs ~25 ms at every server start
    text = (Path(__file__).with_name("queries") / f"{name}.scm").read_text(encoding="utf-8")
    first = text.partition("\n")[0]
    if first.startswith("; inherits:"):
        return query_source(first.removeprefix("; inherits:").strip()) + "\n" + text
    return text


def parse(
    lines: Sequence[str], first: int, last: int, language: Language, level: int = 0
) -> Parsed:
    """Parse lines [first, last), each ended by "\\n" (so tree rows are line indices), with
    ``level`` columns of indentation taken off (so a class's methods parse on their own)."""
    import tree_sitter

    assert language.grammar is not None
    found = grammar(language.grammar)
    assert found is not None
    source = "".join(dedent(line_content(lines[i]), level) + "\n" for i in range(first, last))
    tree = tree_sitter.Parser(found).parse(source.encode("utf-8", "surrogatepass"))
    return Parsed(tree, first, last, level)


def dedent(text: str, level: int) -> str:
    """``text`` without up to ``level`` columns of leading whitespace."""
    if not level:
        return text
    cut = width = 0
    for char in text:
        width = (width // 4 + 1) * 4 if char == "\t" else width + 1
        if char not in " \t" or width > level:
            break
        cut += 1
    return text[cut:]


def _ignored(line: str, language: Language) -> bool:
    """Blank or a line comment: neither opens nor closes an indented block."""
    s = line.strip()
    return not s or s.startswith(language.line_comments)


def levels(lines: Sequence[str], start: int, end: int, language: Language) -> Iterator[int]:
    """The indentation of lines [start, end), then of each enclosing block, down to 0."""
    widths = [indent(line_content(lines[i])) for i in range(start, end) if lines[i].strip()]
    level = min(widths, default=0)
    i = start
    while level > 0:
        yield level
        while i > 0 and not _outside(lines[i], level, language):
            i -= 1
        level = indent(line_content(lines[i])) if _outside(lines[i], level, language) else 0
    yield 0


def is_boundary(lines: Sequence[str], i: int, level: int = 0) -> bool:
    """Whether line ``i`` starts a statement at indentation ``level`` after a blank line."""
    if i <= 0 or i >= len(lines):
        return True
    text = line_content(lines[i])
    if not text.strip() or lines[i - 1].strip() or indent(text) != level:
        return False
    return not continues_statement(text.lstrip())


def window(
    lines: Sequence[str], start: int, end: int, level: int = 0, language: Language | None = None
) -> tuple[int, int]:
    """The smallest run of lines around [start, end) that begins and ends at boundaries at
    indentation ``level``, or at the edges of the indented block around them."""
    first = start
    while not is_boundary(lines, first, level):
        if level and language is not None and _outside(lines[first - 1], level, language):
            break  # the block's header
        first -= 1
    last = max(end, start + 1)
    while not is_boundary(lines, last, level):
        if level and language is not None and _outside(lines[last], level, language):
            break  # the block has ended
        last += 1
    return first, last


def _outside(line: str, level: int, language: Language) -> bool:
    return not _ignored(line, language) and indent(line_content(line)) < level


def windows(
    lines: Sequence[str], start: int, end: int, language: Language
) -> Iterator[tuple[int, int, int]]:
    """(level, first, last) of the windows around [start, end), innermost first, ending with
    the top-level one; computed as they are asked for. No window starts inside a multi-line
    string or comment (code in a docstring looks like code): such a window is left out, or
    the top-level one grown up to where the string starts."""
    anchor: int | None = None  # a line known to start in code, above the inner windows
    for level in levels(lines, start, end, language):
        if not level:
            break
        first, last = window(lines, start, end, level, language)
        if anchor is None or anchor > first:
            anchor = _top_level_above(lines, first)
        if starts_in_code(lines, anchor, first, language):
            yield level, first, last
    first, last = window(lines, start, end)
    base = _code_above(lines, first, 0)
    while first > base and not starts_in_code(lines, base, first, language):
        first -= 1
        while not is_boundary(lines, first):
            first -= 1
    yield 0, first, last


def _top_level_above(lines: Sequence[str], line: int) -> int:
    """The nearest top-level statement after a blank line at or above ``line``, looked for
    at most ``_ANCHOR_LIMIT`` lines up; further up, a likely one (``_code_above``)."""
    for k in range(line, max(line - _ANCHOR_LIMIT, 0) - 1, -1):
        if is_boundary(lines, k):
            return k
    return _code_above(lines, line, 0)


def _code_above(lines: Sequence[str], line: int, level: int) -> int:
    """A line above ``line`` to read strings and comments from: about ``_LOOKBACK`` lines up,
    a statement after a blank line indented at most ``level`` (likely code, not text)."""
    k = max(line - _LOOKBACK, 0)
    stop = max(k - _LOOKBACK, 0)
    while k > stop and not (
        lines[k].strip()
        and not lines[k - 1].strip()
        and indent(line_content(lines[k])) <= level
        and not continues_statement(lines[k].lstrip())
    ):
        k -= 1
    return k


def widening(lines: Sequence[str], first: int, last: int) -> Iterator[tuple[int, int]]:
    """The top-level window [first, last), then windows about twice as large each time, up
    to the whole file: for a window that does not parse (it may start in a docstring)."""
    while True:
        yield first, last
        if (first, last) == (0, len(lines)):
            return
        size = max(last - first, 8)
        first = max(first - size, 0)
        while not is_boundary(lines, first):
            first -= 1
        last = min(last + size, len(lines))
        while not is_boundary(lines, last):
            last += 1


def parse_top(lines: Sequence[str], first: int, last: int, language: Language) -> Parsed:
    """The first of the ``widening`` windows that parses without error; when none does (the
    file has an error), the first window, where error recovery stays local."""
    smallest: Parsed | None = None
    for top, bottom in widening(lines, first, last):
        parsed = parse(lines, top, bottom, language)
        if not parsed.has_error:
            return parsed
        smallest = smallest or parsed
    assert smallest is not None
    return smallest


def shallower(lines: Sequence[str], first: int, last: int, level: int, language: Language) -> bool:
    """Whether any line in [first, last) is indented less than ``level`` (code only)."""
    return any(_outside(lines[i], level, language) for i in range(first, last))


def definition_rows(
    parsed: Parsed, language: Language, first: int, last: int
) -> list[tuple[int, int, bool]]:
    """Every definition the query finds across lines [first, last): its document rows
    [first, last) and whether it parsed without error. An anonymous one (``@closure``)
    counts only when it spans several lines."""
    return [
        (top, bottom, ok) for top, bottom, ok, _ in definition_nodes(parsed, language, first, last)
    ]


def definition_nodes(
    parsed: Parsed, language: Language, first: int, last: int
) -> list[tuple[int, int, bool, tree_sitter.Node]]:
    """:func:`definition_rows`, with each definition's node."""
    import tree_sitter

    cursor = tree_sitter.QueryCursor(definitions_query(language))
    lo = max(first - parsed.first, 0)
    hi = max(min(last, parsed.last) - parsed.first, lo)
    cursor.set_point_range((lo, 0), (hi, 0))
    found: list[tuple[int, int, bool, tree_sitter.Node]] = []
    for name, nodes in cursor.captures(parsed.tree.root_node).items():
        if name not in ("definition", "closure"):
            continue  # placeholders, imports, docstrings: see languages/structure.py
        for node in nodes:
            top, bottom = node.start_point.row, node.end_point.row
            if node.end_point.column == 0 and bottom > top:
                bottom -= 1  # ends with its line break
            if name == "closure" and bottom == top:
                continue
            row = top + parsed.first
            found.append((row, bottom + parsed.first + 1, not node.has_error, node))
    return found
