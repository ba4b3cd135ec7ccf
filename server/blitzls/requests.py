"""Turning "this action, here" into an engine request. Shared by the server and the CLI."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from blitzls.actions import ActionSpec
from blitzls.engine import ActionRequest, Snapshot
from blitzls.instructions import find_instruction, remove_instruction


class RequestError(ValueError):
    """The action does not apply where it was asked for; the message says why.

    Not a :class:`ReplyError`: nothing was asked of a model yet.
    """


def build_request(
    action: ActionSpec,
    snapshot: Snapshot,
    start_line: int,
    end_line: int,
    *,
    point: bool,
    instruction: str = "",
    diagnostics: Sequence[Mapping[str, Any]] = (),
) -> ActionRequest:
    """The engine request for ``action`` on lines [start_line, end_line).

    ``point`` is true when the user gave a cursor rather than a selection; actions that work
    on code then take the whole definition around the cursor.
    """
    common: dict[str, Any] = {"action": action, "snapshot": snapshot}
    if action.trigger == "comment_block":
        return ActionRequest(**common, start_line=start_line, end_line=end_line)
    if action.trigger == "instruction_comment":
        found = find_instruction(snapshot.lines, start_line, snapshot.language_id)
        if found is None and not instruction:
            raise RequestError(f"line {start_line + 1} has no 'ai!' instruction comment")
        if found is not None:
            return ActionRequest(
                **common,
                start_line=found.line,
                end_line=found.line + 1,
                scope="enclosing",
                instruction=instruction or found.text,
                replace_line=(found.line, remove_instruction(snapshot.lines, found)),
            )
    if action.trigger in ("command", "instruction_comment") and not instruction.strip():
        raise RequestError(f"the '{action.id}' action needs an instruction")
    return ActionRequest(
        **common,
        start_line=start_line,
        end_line=end_line,
        scope="enclosing" if point or action.trigger == "diagnostic" else "target",
        instruction=instruction.strip(),
        diagnostics=format_diagnostics(diagnostics, snapshot.lines),
    )


def format_diagnostics(diagnostics: Sequence[Mapping[str, Any]], lines: Sequence[str] = ()) -> str:
    """Diagnostics as the prompt states them: ``ruff F821 reports: undefined name 'x'``.

    The code line is not quoted and its number not given: measured on small models, a
    quoted line is often copied back unchanged instead of fixed.
    """
    del lines
    rows = []
    for item in diagnostics:
        label = " ".join(str(x) for x in (item.get("source"), item.get("code")) if x)
        message = " ".join(str(item.get("message", "")).split())
        rows.append(f"{label} reports: {message}" if label else f"The problem: {message}")
    return "\n".join(rows)
