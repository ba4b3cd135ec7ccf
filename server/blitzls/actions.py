"""Code actions described as data: what they are called, when they apply, what they ask."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Trigger = Literal["selection_or_comment_block"]
OutputFormat = Literal["range"]


@dataclass(frozen=True)
class ActionSpec:
    """One code action.

    ``task`` is a ``str.format`` template; placeholders: ``{language}``, ``{file}``,
    ``{first_line}``, ``{last_line}``, ``{selection}``, ``{indent}``.
    """

    id: str
    title: str
    kind: str
    task: str
    trigger: Trigger = "selection_or_comment_block"
    output: OutputFormat = "range"


PSEUDOCODE = ActionSpec(
    id="pseudocode",
    title="Convert pseudocode to code",
    kind="refactor.rewrite.blitzls.pseudocode",
    task=(
        "Task: lines {first_line}-{last_line} of {file} are pseudocode (comments or plain "
        "prose). Write the {language} code that implements them, to replace exactly those "
        "lines.\n"
        "The lines are:\n"
        "```\n{selection}\n```\n"
        "Reply with one fenced code block holding only the replacement code, indented as it "
        "must appear in the file (the first line starts with {indent}). Do not repeat any line "
        "that comes before or after these lines, do not keep the pseudocode, and write no "
        "explanation."
    ),
)

BUILTIN_ACTIONS: dict[str, ActionSpec] = {PSEUDOCODE.id: PSEUDOCODE}


def find_action(action_id: str) -> ActionSpec | None:
    """The action with this id, or None."""
    return BUILTIN_ACTIONS.get(action_id)
