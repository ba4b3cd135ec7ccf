"""Why a reply was refused. Every refusal leaves the document untouched."""

from __future__ import annotations

from blitzls.replies.extract import ReplyError

__all__ = [
    "NoChangeError",
    "OutsideScopeError",
    "ReplyError",
    "SyntaxCheckError",
    "TooLargeError",
    "UndefinedNameError",
    "UnsafeTextError",
]


class NoChangeError(ReplyError):
    """The model answered, but its answer leaves the code as it was."""

    def __init__(self, detail: str = "") -> None:
        super().__init__("the model made no change" + (f" ({detail})" if detail else ""))


class OutsideScopeError(ReplyError):
    """The reply changes lines it was not asked to change."""

    def __init__(self, message: str, lines: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.lines = lines  # the original lines it would have changed, for a repair request


class SyntaxCheckError(ReplyError):
    """The edit would introduce a syntax error the file did not have."""

    def __init__(self, problem: str) -> None:
        super().__init__(f"the edit would introduce a syntax error ({problem})")
        self.problem = problem


class UndefinedNameError(ReplyError):
    """The new code uses names that nothing defines (it would stop with ``NameError``)."""

    def __init__(self, names: list[str]) -> None:
        self.names = names
        super().__init__(
            f"the code uses {listed(names)}, which {'is' if len(names) == 1 else 'are'} not "
            "defined; nothing was changed"
        )


def listed(names: list[str]) -> str:
    """```a```, ```a` and `b```, ```a`, `b` and `c```."""
    quoted = [f"`{name}`" for name in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


class TooLargeError(ReplyError):
    """The reply adds far more than the task could need."""


class UnsafeTextError(ReplyError):
    """The reply holds characters (NUL, other controls, the redaction marker) that must not
    be written into the file."""
