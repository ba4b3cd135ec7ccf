"""Whether an edit introduces a syntax error: checked against the original text.

Python is checked with CPython's own compiler (exact, with its messages); every other
language with a grammar with tree-sitter (``ERROR`` and ``MISSING`` nodes). Other languages
cannot be checked. Only the lines around the edit are parsed (``grammars.windows``: the same
lines before and after it, innermost block first); the whole texts are parsed only when
those lines had an error already.

An error the original already had does not block an edit: an error counts as introduced when
the changed lines hold one and held none before, or when one appears elsewhere that was not
there before.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from blitzls.languages import grammars
from blitzls.languages.registry import Language, language_for
from blitzls.text.edits import common_ends
from blitzls.text.lines import line_content, split_lines

if TYPE_CHECKING:
    import tree_sitter

__all__ = ["introduces_syntax_error", "syntax_error"]

_MAX_ERRORS = 100  # error nodes collected from one tree
_SNIPPET = 30  # characters of an unexpected piece of code shown in a message


@dataclass(frozen=True)
class _Error:
    first: int  # document rows, inclusive
    last: int
    message: str


def syntax_error(text: str, language_id: str) -> str | None:
    """``"line N: message"`` for the first syntax error in ``text``; None when there is none
    or the language cannot be checked."""
    language = language_for(language_id)
    lines = split_lines(text)
    if language.name == "python":
        return _python_error(lines, 0, len(lines))
    if not grammars.has_grammar(language):
        return None
    errors = _errors(grammars.parse(lines, 0, len(lines), language))
    return errors[0].message if errors else None


def introduces_syntax_error(
    old: str | Sequence[str], new: str | Sequence[str], language_id: str
) -> str | None:
    """The error ``new`` has that ``old`` did not have, as ``"line N: message"``, or None.

    Each is a text, or its lines as ``split_lines`` gives them."""
    language = language_for(language_id)
    python = language.name == "python"
    if not python and not grammars.has_grammar(language):
        return None
    a = split_lines(old) if isinstance(old, str) else old
    b = split_lines(new) if isinstance(new, str) else new
    prefix, suffix = common_ends(a, b)
    if prefix == len(a) == len(b):
        return None
    shift = len(b) - len(a)
    # Windows start and end on unchanged lines, so they are the same lines in both texts.
    lo, hi = max(prefix - 1, 0), min(len(a) - suffix + 1, len(a))
    for level, first, last in grammars.windows(a, lo, hi, language):
        if level and (
            grammars.shallower(a, first, last, level, language)
            or grammars.shallower(b, first, last + shift, level, language)
        ):
            continue  # the edit moves lines out of the block: check the block around it
        if _window_error(a, first, last, level, language) is not None:
            if level:
                continue  # ("return" outside a function in Python): the enclosing block
            break
        error = _window_error(b, first, last + shift, level, language)
        if error is None:
            return None
        if not level or not python:
            return error
        # Out of context, CPython refuses "return" in a piece of a function: the error counts
        # when tree-sitter (which does not mind) sees it too, else the enclosing block decides.
        if grammars.parse(b, first, last + shift, language, level).has_error:
            return error
    # The top-level window had an error before the edit: compare the whole texts. (CPython
    # reports one error at a time, so for Python too the comparison uses tree-sitter.)
    if python and _python_error(a, 0, len(a)) is None:
        return _python_error(b, 0, len(b))
    before = grammars.parse(a, 0, len(a), language)
    after = grammars.parse(b, 0, len(b), language)
    if not after.has_error:
        return None
    new_errors = _errors(after)
    if not before.has_error:
        return new_errors[0].message if new_errors else None
    return _compare(_errors(before), new_errors, prefix, len(a) - suffix, shift)


def _window_error(
    lines: Sequence[str], first: int, last: int, level: int, language: Language
) -> str | None:
    """The first syntax error in lines [first, last) with ``level`` columns of indentation
    taken off, or None."""
    if language.name == "python":
        return _python_error(lines, first, last, level)
    parsed = grammars.parse(lines, first, last, language, level)
    if not parsed.has_error:
        return None
    errors = _errors(parsed)
    return errors[0].message if errors else "syntax error"


def _compare(
    old_errors: list[_Error], new_errors: list[_Error], prefix: int, old_end: int, shift: int
) -> str | None:
    """The first error of the edited text that the original did not have, or None.

    Errors touching the changed lines (or the line on either side) are introduced when the
    original had none there; errors elsewhere are introduced when the original had none
    starting on the same line.
    """

    def touches(error: _Error, end: int) -> bool:
        return error.first <= end and error.last >= prefix - 1

    new_end = old_end + shift
    inside = [e for e in new_errors if touches(e, new_end)]
    if inside and not any(touches(e, old_end) for e in old_errors):
        return inside[0].message
    before = {e.first for e in old_errors if not touches(e, old_end)}
    for error in new_errors:
        if error in inside:
            continue
        row = error.first if error.first < prefix else error.first - shift
        if row not in before:
            return error.message
    return None


# --- tree-sitter ---------------------------------------------------------------------


def _errors(parsed: grammars.Parsed) -> list[_Error]:
    """The ERROR and MISSING nodes of a tree, in document order (document rows)."""
    found: list[_Error] = []
    stack = [parsed.tree.root_node]
    while stack and len(found) < _MAX_ERRORS:
        node = stack.pop()
        if node.is_missing or node.is_error:
            row = node.start_point.row + parsed.first
            found.append(_Error(row, node.end_point.row + parsed.first, _describe(node, row)))
            if node.is_missing:
                continue
        stack.extend(reversed([child for child in node.children if child.has_error]))
    return found


def _describe(node: tree_sitter.Node, row: int) -> str:
    if node.is_missing:
        return f'line {row + 1}: missing "{node.type}"'
    text = (node.text or b"").decode("utf-8", "replace").strip().split("\n", 1)[0]
    if len(text) > _SNIPPET:
        text = text[:_SNIPPET] + "…"
    return f'line {row + 1}: unexpected "{text}"' if text else f"line {row + 1}: syntax error"


# --- Python --------------------------------------------------------------------------


def _python_error(lines: Sequence[str], first: int, last: int, level: int = 0) -> str | None:
    """The first syntax error in lines [first, last) with ``level`` columns of indentation
    taken off, with its document line number."""
    source = "\n".join(grammars.dedent(line_content(lines[i]), level) for i in range(first, last))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SyntaxWarning and friends are not errors
            compile(source, "<edit>", "exec", dont_inherit=True)
    except SyntaxError as exc:
        return f"line {(exc.lineno or 1) + first}: {exc.msg}"
    except ValueError as exc:  # null bytes (before Python 3.12)
        line = source.count("\n", 0, max(source.find("\0"), 0)) + 1
        return f"line {line + first}: {exc}"
    except (RecursionError, MemoryError):
        return None  # too deeply nested to tell
    return None
