"""Checks every result passes before it may reach a document or a file."""

from __future__ import annotations

import re
from collections.abc import Sequence

from blitzls.core.errors import SyntaxCheckError, TooLargeError, UnsafeTextError
from blitzls.core.task import EditTask
from blitzls.languages.syntax import introduces_syntax_error
from blitzls.secrets import REDACTION

# A reply may add at most this many lines, plus this many per line the model was shown.
ADDED_LINES_BASE = 200
ADDED_LINES_PER_SHOWN_LINE = 10
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def check_result(task: EditTask, new_text: str, new_lines: Sequence[str] | None = None) -> None:
    """Refuse a result that is far too large, holds control characters or the redaction
    marker the original does not, or introduces a syntax error. ``new_lines``: the text split
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
    if REDACTION in new_text and new_text.count(REDACTION) > old_text.count(REDACTION):
        raise UnsafeTextError(
            "the reply contains the redaction marker; refusing to write it into the file"
        )
    problem = introduces_syntax_error(task.lines, new_lines or new_text, task.language)
    if problem is not None:
        raise SyntaxCheckError(problem)
