"""After the edit: the names its new code uses must exist.

A standard-library module the code uses without importing it (``math.ceil`` in a file without
``import math``) gets its import, with the file's other imports; any other name nothing
defines refuses the result (``UndefinedNameError``, which gets one repair round naming it).
What counts as undefined is decided in :mod:`blitzls.languages.names`.
"""

from __future__ import annotations

from collections.abc import Sequence

from blitzls.core.errors import UndefinedNameError
from blitzls.core.rewrite import import_position
from blitzls.core.task import EditTask
from blitzls.languages.names import undefined_names
from blitzls.languages.structure import read_document
from blitzls.languages.syntax import introduces_syntax_error
from blitzls.text.lines import first_line_break


def check_names(task: EditTask, new_text: str, new_lines: list[str]) -> tuple[str, list[str]]:
    """The result with the standard-library imports its new code needs; refused when the
    new code uses names nothing defines. ``new_lines``: ``new_text`` split by
    ``split_lines``."""
    found = undefined_names(task.lines, new_lines, task.language)
    if not found:
        return new_text, new_lines
    missing = [u.name for u in found if u.import_line is None]
    if missing:
        raise UndefinedNameError(missing)
    imports = sorted({u.import_line for u in found if u.import_line is not None})
    lines = with_imports(new_lines, imports, task.language)
    # checked against the result without them: only the lines around the imports are parsed
    if introduces_syntax_error(new_lines, lines, task.language) is not None:
        raise UndefinedNameError([u.name for u in found])
    return "".join(lines), lines


def with_imports(lines: Sequence[str], imports: Sequence[str], language: str) -> list[str]:
    """``lines`` (with terminators) with ``imports`` where the file's imports go."""
    at = import_position(read_document([line.rstrip("\r\n") for line in lines], language))
    eol = first_line_break(lines)
    result = list(lines)
    if at >= len(result) or (at == len(result) - 1 and result[at] == ""):
        if result and result[-1] and not result[-1].endswith(("\n", "\r")):
            result[-1] += eol  # the unterminated last line gets one before the import
        if result and result[-1] == "":
            result.pop()
        return [*result, *(line + eol for line in imports), ""]
    return [*result[:at], *(line + eol for line in imports), *result[at:]]
