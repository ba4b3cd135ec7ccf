"""Checks every result passes before it may reach a document or a file."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from blitzls.core.errors import SyntaxCheckError, TooLargeError, UnsafeTextError
from blitzls.core.task import EditTask
from blitzls.languages.syntax import introduces_syntax_error
from blitzls.secrets import REDACTION
from blitzls.text.lines import split_lines

# A reply may add at most this many lines, plus this many per line the model was shown.
ADDED_LINES_BASE = 200
ADDED_LINES_PER_SHOWN_LINE = 10
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
# Breaks a line in JavaScript (and Python's str.splitlines) but not in an editor.
_SEPARATORS = frozenset("\u2028\u2029")


def check_result(task: EditTask, new_text: str, new_lines: Sequence[str] | None = None) -> None:
    """Refuse a result that is far too large, holds control characters, characters that
    change how code reads or the redaction marker the original does not, or introduces a
    syntax error. ``new_lines``: the text split
    by ``split_lines``, when the caller has it."""
    old_text = task.text
    shown = task.shown[1] - task.shown[0]
    limit = ADDED_LINES_BASE + ADDED_LINES_PER_SHOWN_LINE * shown
    added = new_text.count("\n") - old_text.count("\n")
    if added > limit:
        raise TooLargeError(
            f"the reply would add {added:,} lines for a task about {shown} lines "
            f"(at most {limit:,}); nothing was changed"
        )
    if _CONTROL.search(new_text) is not None:
        new_controls = set(_CONTROL.findall(new_text)) - set(_CONTROL.findall(old_text))
        if new_controls:
            names = ", ".join(f"U+{ord(c):04X}" for c in sorted(new_controls))
            raise UnsafeTextError(
                f"the reply contains control characters ({names}) the file does not; "
                "nothing was changed"
            )
    _check_invisible(old_text, new_text, new_lines)
    if REDACTION in new_text and new_text.count(REDACTION) > old_text.count(REDACTION):
        raise UnsafeTextError(
            "the reply contains the redaction marker; refusing to write it into the file"
        )
    problem = introduces_syntax_error(task.lines, new_lines or new_text, task.language)
    if problem is not None:
        raise SyntaxCheckError(problem)


def _check_invisible(old_text: str, new_text: str, new_lines: Sequence[str] | None) -> None:
    """Refuse format characters (Unicode category Cf: bidi overrides and isolates, zero-width
    spaces and joiners, tag characters) and line or paragraph separators the original does
    not contain: they make code read differently from what it does (a "comment" that runs in
    JavaScript, text shown in another order). Only non-ASCII characters are looked at."""
    if new_text.isascii():
        return
    found = {
        char
        for char in set(_NON_ASCII.findall(new_text))
        if (char in _SEPARATORS or unicodedata.category(char) == "Cf") and char not in old_text
    }
    if not found:
        return
    char = min(found, key=new_text.index)
    lines = new_lines if new_lines is not None else split_lines(new_text)
    line = next(i for i, text in enumerate(lines) if char in text) + 1
    name = unicodedata.name(char, "a format character")
    raise UnsafeTextError(
        f"the reply contains U+{ord(char):04X} {name} (line {line}), a character that makes "
        "code read differently from what it does, which the file does not have; "
        "nothing was changed"
    )
