"""Cheap syntax checks of an edited document (Python only; other languages are unknown)."""

from __future__ import annotations

import re
import warnings

from blitzls.text.edits import common_ends

__all__ = ["introduces_syntax_error", "syntax_error"]

_LINE_BREAK = re.compile(r"\r\n|\r")


def _python_error(text: str) -> str | None:
    source = _LINE_BREAK.sub("\n", text)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SyntaxWarning and friends are not errors
            compile(source, "<edit>", "exec", dont_inherit=True)
    except SyntaxError as exc:
        return f"line {exc.lineno or 1}: {exc.msg}"
    except ValueError as exc:  # null bytes (before Python 3.12)
        line = source.count("\n", 0, max(source.find("\0"), 0)) + 1
        return f"line {line}: {exc}"
    except (RecursionError, MemoryError):
        return None  # too deeply nested to tell
    return None


def syntax_error(text: str, language_id: str) -> str | None:
    """``"line N: message"`` for the first syntax error in ``text``; None when there is none
    or the language cannot be checked."""
    if language_id == "python":
        return _python_error(text)
    return None


def introduces_syntax_error(old: str, new: str, language_id: str) -> str | None:
    """The error of ``new`` when ``new`` has a syntax error and ``old`` had none.

    Python is first checked on just the top-level blocks around the change (compiling a
    10,000-line file takes tens of milliseconds); the whole file is compiled only when that
    quick check cannot vouch for the result.
    """
    if language_id != "python":
        return None
    blocks = _changed_blocks(old, new)
    quick_ok = blocks is not None and _python_error(blocks[0]) is None
    if quick_ok and blocks is not None and _python_error(blocks[1]) is None:
        return None
    error = syntax_error(new, language_id)
    if error is None or syntax_error(old, language_id) is not None:
        return None
    return error


def _top_level(line: str) -> bool:
    """A line that starts a top-level statement (a safe place to cut a Python file)."""
    return (
        bool(line)
        and line[0] not in " \t#)]}\f"
        and not line.startswith(("else", "elif", "except", "finally"))
    )


def _changed_blocks(old: str, new: str) -> tuple[str, str] | None:
    """The top-level blocks of ``old`` and ``new`` that hold every changed line."""
    a = _LINE_BREAK.sub("\n", old).split("\n")
    b = _LINE_BREAK.sub("\n", new).split("\n")
    prefix, suffix = common_ends(a, b)
    start = min(prefix, len(a) - 1)
    while start > 0 and not _top_level(a[start]):
        start -= 1
    end = len(a) - suffix
    while end < len(a) and not _top_level(a[end]):
        end += 1
    shift = len(b) - len(a)
    if start >= end + shift and start >= end:
        return None
    return "\n".join(a[start:end]), "\n".join(b[start : end + shift])
