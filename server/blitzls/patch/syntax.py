"""Cheap syntax checks of an edited document (Python only; other languages are unknown)."""

from __future__ import annotations

import re
import warnings

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
    """The error of ``new`` when ``new`` has a syntax error and ``old`` had none."""
    error = syntax_error(new, language_id)
    if error is None or syntax_error(old, language_id) is not None:
        return None
    return error
