"""What an action is asked to do: an immutable snapshot of a document and the request."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Literal

from blitzls.actions import ActionSpec


@dataclass(frozen=True)
class Snapshot:
    """An immutable copy of a document at one version."""

    lines: tuple[str, ...]  # with terminators; the last one has none
    version: int | None
    language_id: str
    label: str  # a path or URI shown to the model
    path: str = ""  # the absolute file path, when known

    @cached_property
    def text(self) -> str:
        return "".join(self.lines)

    def offset_of_line(self, line: int) -> int:
        """Code-point offset where ``line`` starts (the document's end past the last line)."""
        return sum(map(len, self.lines[:line]))


@dataclass(frozen=True)
class ActionRequest:
    """One action on one snapshot.

    ``start_line``/``end_line`` are the target lines. ``scope`` says which lines the reply may
    change: ``"target"`` exactly the target, ``"enclosing"`` the definition around it.
    ``replace_line`` edits one line before anything else (an instruction comment is removed
    this way): ``(line, None)`` deletes it, ``(line, text)`` replaces its content.
    """

    action: ActionSpec
    snapshot: Snapshot
    start_line: int
    end_line: int
    scope: Literal["target", "enclosing"] = "target"
    instruction: str = ""
    diagnostics: str = ""
    replace_line: tuple[int, str | None] | None = None
