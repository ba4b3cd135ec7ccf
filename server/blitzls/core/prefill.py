"""Starting an answer where the change is: the model writes from there on.

Asked for a whole definition, a model first copies every line above the one it changes.
For a fix, an ``ai!`` instruction or an edit the action's line says where the change is,
so blitzls starts the answer itself: the prompt is the usual chat request written out in
the model's chat format (ChatML for Qwen) and sent as a text completion (the endpoint's
``/completions``), followed by the opening of the answer — the fence and the definition's
rows down to the statement before the one holding the action's line. The model goes on
from there as it would in its own answer; what it writes after the change is cut by
:mod:`blitzls.core.resync`.

The statements are read on the syntax tree: the one holding the action's line (with the
comments directly above it, so an ``ai!`` comment counts with the statement it stands on)
and the one before it, which the model may still change. For an edit the docstring the
model is shown is not part of the start: asked to change what a function does, a model
often rewrites the docstring first and then the code, and given the docstring as it was it
changed nothing (``py-edit-day-first-dates``, a pass lost on Qwen2.5-Coder-1.5B). An
``ai!`` comment marks the place of its change, and there the docstring in the start cost no
pass and saved tokens, so it stays in. The header and the statements above stay as they
are; an action whose line is on the header or in the first statement is asked the usual
way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from blitzls.core.fill import family_of
from blitzls.core.task import EditTask

# Qwen's chat template puts this system message first when a request has none.
QWEN_SYSTEM = "You are Qwen, created by Alibaba Cloud. You are a helpful assistant."


@dataclass(frozen=True)
class ChatFormat:
    """How a model family's chat template writes a conversation (turn markers, its stops)."""

    default_system: str | None
    stop: tuple[str, ...]

    def prompt(self, messages: Sequence[Mapping[str, str]], answer_start: str) -> str:
        """The conversation as the template writes it, with the assistant's turn begun."""
        turns = list(messages)
        if self.default_system is not None and (not turns or turns[0]["role"] != "system"):
            turns.insert(0, {"role": "system", "content": self.default_system})
        text = "".join(
            f"<|im_start|>{turn['role']}\n{turn['content']}<|im_end|>\n" for turn in turns
        )
        return f"{text}<|im_start|>assistant\n{answer_start}"


FORMATS: dict[str, ChatFormat] = {
    "qwen": ChatFormat(QWEN_SYSTEM, ("<|im_end|>", "<|endoftext|>")),
}


def format_for(setting: str, model: str, small: bool) -> ChatFormat | None:
    """The chat format to start answers in: ``setting`` is 'off', 'auto' (by the model
    name's family, for a small local model) or a family name."""
    if setting == "off":
        return None
    if setting != "auto":
        return FORMATS.get(setting)
    family = family_of(model) if small else None
    return FORMATS.get(family) if family else None


def head_rows(task: EditTask, rows: Sequence[int]) -> list[int]:
    """The rows of the shown code (``rows``) the answer is started with: down to the
    statement before the one holding the action's line; empty when that leaves nothing
    worth starting with, or the action is not an instructed rewrite of a definition.
    Pseudocode is not started: measured, it cost Qwen2.5-Coder-0.5B a pass, and larger
    models fill it in (:mod:`blitzls.core.fill`)."""
    if task.reply_format != "rewrite" or task.shown_kind != "definition":
        return []
    if task.pseudocode or not task.instructed or task.keeps_code or task.ends_after_header:
        return []
    if task.definition is None or task.parsed is None or task.hint_line is None:
        return []
    members = task.parsed.members(task.definition)
    at = next(
        (i for i, m in enumerate(members) if m.first <= task.hint_line < m.last),
        None,
    )
    if at is None or at == 0:
        return []
    end = members[at - 1].first
    if members[0].category == "doc" and task.aside is None and task.instruction_line is None:
        end = min(end, members[0].first)  # an edit's docstring may change with the code
    return [row for row in rows if row < end]


def answer_start(seen: Sequence[str], head: Sequence[int], fence: str) -> str:
    """The opening of the answer: the fence and the ``head`` rows as the prompt shows them."""
    code = "".join(seen[row].rstrip("\r\n") + "\n" for row in head)
    return f"```{fence}\n{code}"
