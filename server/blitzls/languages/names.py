"""Names the changed lines of an edit use that nothing defines, so that code which would stop
with ``NameError`` (or ``ReferenceError``) is never written.

Python is checked with pyflakes (imported on first use); JavaScript and TypeScript on their
tree-sitter trees, conservatively: a name counts only when nothing could define it. Other
languages are not checked. Only uses on the lines the edit changes count, and a name the
original already used without a definition is not the edit's fault.

A whole file is never parsed on the way (on a 10,000-line file that costs 50-150 ms): the
changed lines are checked in their top-level statements (``grammars.windows``), and a name
those do not define is looked for in the top-level statements where it occurs, those that
start at column 0 first (``import math``, ``def is_prime``); past ``PARSE_BUDGET`` lines
the whole file is read after all.
"""

from __future__ import annotations

import ast
import difflib
import re
import sys
import warnings
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import TYPE_CHECKING

from blitzls.languages import grammars
from blitzls.languages.js_globals import JS_GLOBALS
from blitzls.languages.registry import Language, language_for
from blitzls.text.edits import common_ends
from blitzls.text.lines import line_content

if TYPE_CHECKING:
    import tree_sitter

__all__ = ["PARSE_BUDGET", "Undefined", "changed_rows", "undefined_names"]

# The most lines parsed in windows before the whole file is parsed instead.
PARSE_BUDGET = 2000
_JS_LANGUAGES = {"javascript", "javascriptreact", "typescript", "typescriptreact"}
# ``from m import *``: any name may come from it, so nothing is reported in such a file.
_STAR_IMPORT = re.compile(r"import[ \t\\]*\*")  # a literal start: searched fast
# Standard-library packages: ``import email`` does not make ``email.mime`` available, so a
# use of a submodule (``email.mime.text``) is not given an import.
_PACKAGE_NAMES = """
    asyncio collections compression concurrent ctypes curses dbm email encodings ensurepip
    html http importlib json lib2to3 logging multiprocessing pathlib pydoc_data re sqlite3
    string sysconfig tkinter tomllib unittest urllib venv wsgiref xml xmlrpc zoneinfo distutils
"""
_PYTHON_PACKAGES = frozenset(_PACKAGE_NAMES.split())
# Standard-library modules never imported for a reply (side effects, tests, tools).
_NOT_IMPORTED = frozenset({"this", "antigravity", "test", "idlelib", "turtledemo"})


@dataclass(frozen=True)
class Undefined:
    """A name the changed lines use that nothing defines."""

    name: str
    row: int  # the first line (of the new text) that uses it
    # The statement that defines it when it is a standard-library module used as one
    # (``math.ceil(x)`` → ``import math``); None otherwise.
    import_line: str | None = None


def undefined_names(old: Sequence[str], new: Sequence[str], language_id: str) -> list[Undefined]:
    """The names the lines ``new`` changes against ``old`` use and nothing defines, in the
    order of their first use. Both are lines as ``split_lines`` gives them; empty when the
    language cannot be checked or the new text does not parse."""
    language = language_for(language_id)
    if language.name != "python" and language.name not in _JS_LANGUAGES:
        return []
    removed, rows, touched = _changes(old, new)
    if language.name == "python":
        return _Python(old, new).undefined(removed, rows, touched) if touched else []
    if not rows or not grammars.has_grammar(language):
        return []
    return _javascript(old, new, rows, language)


def changed_rows(old: Sequence[str], new: Sequence[str]) -> list[int]:
    """The rows of ``new`` that are not in ``old`` (trailing whitespace ignored)."""
    return _changes(old, new)[1]


def _changes(old: Sequence[str], new: Sequence[str]) -> tuple[list[int], list[int], list[int]]:
    """The rows of ``old`` that the edit removed or replaced, the rows of ``new`` that replace
    them or are new (blank ones left out of both), and those rows with the places of removed
    lines in ``new``."""
    prefix, suffix = common_ends(old, new)
    a = [line.rstrip() for line in old[prefix : len(old) - suffix]]
    b = [line.rstrip() for line in new[prefix : len(new) - suffix]]
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    removed: list[int] = []
    added: list[int] = []
    places: list[int] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "delete" and new:
            places.append(min(prefix + j1, len(new) - 1))
        if tag != "equal":
            removed.extend(range(prefix + i1, prefix + i2))
            added.extend(range(prefix + j1, prefix + j2))
    removed = [r for r in removed if old[r].strip()]
    added = [r for r in added if new[r].strip()]
    return removed, added, sorted({*added, *places}) if removed or added else []


def _runs(rows: Sequence[int]) -> Iterator[tuple[int, int]]:
    """Sorted rows as runs of consecutive ones: ``[start, end)``."""
    start = previous = rows[0]
    for row in rows[1:]:
        if row != previous + 1:
            yield start, previous + 1
            start = row
        previous = row
    yield start, previous + 1


def _top_window(lines: Sequence[str], start: int, end: int, language: Language) -> tuple[int, int]:
    """The top-level statements around lines [start, end)."""
    first, last = start, end
    for level, top, bottom in grammars.windows(lines, start, end, language):
        if not level:
            first, last = top, bottom
    return first, min(last, len(lines))


class _Words:
    """Where whole words occur in a text, by row."""

    def __init__(self, lines: Sequence[str]) -> None:
        self.lines = lines
        self.text = "".join(lines)
        self._starts: list[int] | None = None

    @property
    def starts(self) -> list[int]:
        """Where each row starts in the text."""
        if self._starts is None:
            self._starts = [0, *accumulate(map(len, self.lines))]
        return self._starts

    def rows(self, name: str, word: str = r"\w") -> list[int]:
        """The rows ``name`` occurs on as a whole word (in code, strings or comments)."""
        # the name first, so that the search skips ahead to it; the character before it is
        # looked at for each match
        pattern = re.compile(rf"{re.escape(name)}(?![{word}])")
        before = re.compile(rf"[{word}]")
        text, starts = self.text, self.starts
        found = {
            bisect_right(starts, m.start()) - 1
            for m in pattern.finditer(text)
            if not m.start() or before.match(text, m.start() - 1) is None
        }
        return sorted(found)

    def anywhere_but(self, name: str, first: int, last: int, word: str) -> bool:
        """Whether ``name`` occurs outside rows [first, last)."""
        return any(not first <= row < last for row in self.rows(name, word))


# --------------------------------------------------------------------------- Python


class _Python:
    """Undefined names in the changed lines of a Python file (pyflakes on windows)."""

    def __init__(self, old: Sequence[str], new: Sequence[str]) -> None:
        self.old = old
        self.new = new
        self.language = language_for("python")

    def undefined(
        self, removed: Sequence[int], rows: Sequence[int], touched: Sequence[int]
    ) -> list[Undefined]:
        """Names used on the changed ``rows`` that nothing defines, and names the edit left
        undefined on the lines around the ``touched`` ones (a definition it removed or
        renamed)."""
        words = _Words(self.new)
        if _STAR_IMPORT.search(words.text):
            return []
        changed = set(rows)
        flagged: dict[str, set[int]] = {}
        trees = []
        for start, end in self._windows(self.new, touched):
            tree = _parse(self.new, start, end)
            if tree is None:
                return []
            trees.append(tree)
            for name, row in _flakes(tree):
                flagged.setdefault(name, set()).add(row)
        if any(not rows & changed for rows in flagged.values()):
            # undefined only on unchanged lines: it counts when it was defined before
            before = self._flagged_before(removed)
            flagged = {n: r for n, r in flagged.items() if r & changed or n not in before}
        if not flagged:
            return []
        uses: dict[str, list[ast.Name]] = {name: [] for name in flagged}
        for tree in trees:
            for node in ast.walk(tree):
                if isinstance(node, ast.Name) and node.id in uses:
                    uses[node.id].append(node)
        bound = _Bindings(self.new, words).bound(uses)
        if bound is None:  # a star import, or the file does not parse
            return []
        missing = [name for name in uses if name not in bound and uses[name]]
        if missing:
            already = _undefined_before(self.old, missing)
            missing = [name for name in missing if name not in already]
        found = [_undefined(name, uses[name]) for name in missing]
        return sorted(found, key=lambda u: (u.row, u.name))

    def _flagged_before(self, removed: Sequence[int]) -> set[str]:
        """The names pyflakes finds undefined in the original's windows around ``removed``."""
        names: set[str] = set()
        for start, end in self._windows(self.old, removed) if removed else ():
            tree = _parse(self.old, start, end)
            if tree is None:
                return set()
            names.update(name for name, _ in _flakes(tree))
        return names

    def _windows(self, lines: Sequence[str], rows: Sequence[int]) -> list[tuple[int, int]]:
        """The top-level windows around the runs of ``rows``, overlapping ones merged."""
        windows: list[tuple[int, int]] = []
        for start, end in _runs(rows):
            first, last = _top_window(lines, start, end, self.language)
            if windows and first <= windows[-1][1]:
                windows[-1] = (windows[-1][0], max(last, windows[-1][1]))
            else:
                windows.append((first, last))
        return windows


def _undefined(name: str, uses: Sequence[ast.Name]) -> Undefined:
    row = min(node.lineno for node in uses) - 1
    return Undefined(name, row, _standard_import(name, uses))


def _standard_import(name: str, uses: Sequence[ast.Name]) -> str | None:
    """``import name`` when ``name`` is a standard-library module and every use reads an
    attribute of it (a package's attribute of an attribute may be a submodule: no import)."""
    if name.startswith("_") or name in _NOT_IMPORTED or name not in sys.stdlib_module_names:
        return None
    for node in uses:
        parent = getattr(node, "parent", None)
        if not isinstance(parent, ast.Attribute) or parent.value is not node:
            return None
        if name in _PYTHON_PACKAGES and isinstance(getattr(parent, "parent", None), ast.Attribute):
            return None
    return f"import {name}"


def _parse(lines: Sequence[str], first: int, last: int, *, widen: bool = True) -> ast.Module | None:
    """Lines [first, last) parsed, numbered as in the file (each node knows its parent);
    a window that does not parse is widened up to the whole file. None when nothing parses."""
    spans = grammars.widening(lines, first, last) if widen else iter([(first, last)])
    for top, bottom in spans:
        source = "".join(line_content(lines[i]) + "\n" for i in range(top, bottom))
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                tree = ast.increment_lineno(ast.parse(source), top)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
        for node in ast.walk(tree):
            for child in ast.iter_child_nodes(node):
                child.parent = node  # type: ignore[attr-defined]
        return tree
    return None


def _flakes(tree: ast.Module) -> list[tuple[str, int]]:
    """pyflakes' undefined names in ``tree``: (name, row)."""
    from pyflakes import checker, messages

    found = checker.Checker(tree, filename="<edit>", withDoctest=False).messages
    return [
        (str(message.message_args[0]), message.lineno - 1)
        for message in found
        if isinstance(message, messages.UndefinedName)
    ]


class _Bindings:
    """Which names a file binds at module level, read from the top-level statements where
    each name occurs."""

    def __init__(self, lines: Sequence[str], words: _Words) -> None:
        self.lines = lines
        self.words = words
        self.read: list[tuple[int, int]] = []  # windows read so far
        self.names: set[str] = set()
        self.parsed = 0
        self.star = False

    def bound(self, names: Iterable[str]) -> set[str] | None:
        """Those of ``names`` the module binds; None when that cannot be told."""
        found: set[str] = set()
        for name in names:
            if name in self.names or self._search(name):
                found.add(name)
            if self.star or self.parsed > PARSE_BUDGET:
                return self._whole_file(names)
        return found

    def _search(self, name: str) -> bool:
        rows = self.words.rows(name)
        # ``import x``, ``def x``, ``x = …`` start at column 0; look there first
        rows.sort(key=lambda row: self.lines[row][:1] in " \t")
        language = language_for("python")
        for row in rows:
            if any(first <= row < last for first, last in self.read):
                continue
            first, last = _top_window(self.lines, row, row + 1, language)
            tree = _parse(self.lines, first, last)
            self.parsed += last - first
            self.read.append((first, last))
            if tree is None:
                continue
            self._collect(tree)
            if name in self.names or self.star or self.parsed > PARSE_BUDGET:
                return name in self.names
        return False

    def _collect(self, tree: ast.Module) -> None:
        names, star = module_bindings(tree)
        self.names |= names
        self.star = self.star or star

    def _whole_file(self, names: Iterable[str]) -> set[str] | None:
        tree = _parse(self.lines, 0, len(self.lines), widen=False)
        if tree is None:
            return None
        bound, star = module_bindings(tree)
        return None if star else {name for name in names if name in bound}


def module_bindings(tree: ast.Module) -> tuple[set[str], bool]:
    """The names a module's top-level statements bind (in ``if``/``try``/``for``/``with``
    blocks too, not in functions or classes), names declared ``global`` anywhere, and whether
    it has a star import."""
    names: set[str] = set()
    star = False
    stack: list[ast.AST] = list(tree.body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                star = star or alias.name == "*"
                names.add(alias.asname or alias.name.split(".")[0])
            continue
        if isinstance(node, (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp)):
            continue
        if isinstance(node, ast.GeneratorExp):
            continue
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            names.add(node.id)
        elif isinstance(node, (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)) and node.name:
            names.add(node.name)
        elif isinstance(node, ast.MatchMapping) and node.rest:
            names.add(node.rest)
        stack.extend(ast.iter_child_nodes(node))
    for node in ast.walk(tree):
        if isinstance(node, ast.Global):
            names.update(node.names)
    return names, star


def _undefined_before(old: Sequence[str], names: Sequence[str]) -> set[str]:
    """Those of ``names`` the original already used without a definition somewhere."""
    words = _Words(old)
    language = language_for("python")
    found: set[str] = set()
    parsed = 0
    read: list[tuple[int, int]] = []
    for name in names:
        for row in words.rows(name):
            if any(first <= row < last for first, last in read):
                continue
            first, last = _top_window(old, row, row + 1, language)
            read.append((first, last))
            parsed += last - first
            if parsed > PARSE_BUDGET:
                tree = _parse(old, 0, len(old), widen=False)
                flagged = {n for n, _ in _flakes(tree)} if tree is not None else set(names)
                return found | (flagged & set(names))
            tree = _parse(old, first, last)
            if tree is None:
                continue
            found |= {n for n, _ in _flakes(tree)} & set(names)
            if name in found:
                break
    return found


# --------------------------------------------------------------------------- JavaScript

# Where an identifier is certainly read: (parent type, field; None for any child).
_READ = frozenset(
    {
        ("call_expression", "function"),
        ("new_expression", "constructor"),
        ("member_expression", "object"),
        ("subscript_expression", "object"),
        ("subscript_expression", "index"),
        ("arguments", None),
        ("binary_expression", None),
        ("return_statement", None),
        ("throw_statement", None),
        ("variable_declarator", "value"),
        ("assignment_expression", "right"),
        ("augmented_assignment_expression", "right"),
        ("array", None),
        ("spread_element", None),
        ("template_substitution", None),
        ("ternary_expression", None),
        ("await_expression", None),
        ("parenthesized_expression", None),
        ("pair", "value"),
        ("arrow_function", "body"),
        ("expression_statement", None),
        ("for_in_statement", "right"),
        ("class_heritage", None),
        ("extends_clause", "value"),
        ("as_expression", None),
        ("non_null_expression", None),
    }
)
_JS_WORD = r"\w$"


def _javascript(
    old: Sequence[str], new: Sequence[str], rows: Sequence[int], language: Language
) -> list[Undefined]:
    """Names read on the changed lines that nothing in the file declares, that are no known
    global, and that occur nowhere else in the file or in the original (so no other file,
    script tag or build step can be meant to provide them)."""
    first, last = _top_window(new, rows[0], rows[-1] + 1, language)
    parsed = grammars.parse_top(new, first, last, language)
    if parsed.has_error:
        return []
    changed = set(rows)
    reads: dict[str, int] = {}
    declared: set[str] = set()
    stack = [parsed.tree.root_node]
    while stack:
        node = stack.pop()
        if node.type == "with_statement":
            return []  # names may come from the object
        stack.extend(node.named_children)
        kind = node.type
        if kind not in ("identifier", "shorthand_property_identifier"):
            if kind in ("shorthand_property_identifier_pattern", "type_identifier"):
                declared.add(_text(node))
            continue
        name = _text(node)
        row = node.start_point.row + parsed.first
        if kind == "shorthand_property_identifier" or _is_read(node):
            if row in changed and name not in reads:
                reads[name] = row
            elif row in changed:
                reads[name] = min(reads[name], row)
        else:
            declared.add(name)
    missing = [name for name in reads if name not in declared and name not in JS_GLOBALS]
    if not missing:
        return []
    words, before = _Words(new), _Words(old)
    found = [
        Undefined(name, reads[name])
        for name in missing
        if not words.anywhere_but(name, parsed.first, parsed.last, _JS_WORD)
        and not before.rows(name, _JS_WORD)
    ]
    return sorted(found, key=lambda u: (u.row, u.name))


def _is_read(node: tree_sitter.Node) -> bool:
    parent = node.parent
    if parent is None:
        return False
    if (parent.type, None) in _READ:
        return True
    for index, child in enumerate(parent.children):
        if child == node:
            return (parent.type, parent.field_name_for_child(index)) in _READ
    return False


def _text(node: tree_sitter.Node) -> str:
    return (node.text or b"").decode("utf-8", "replace")
