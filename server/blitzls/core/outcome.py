"""The result of an action: which whole lines of the snapshot change, and into what."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from blitzls.core.request import ActionRequest, Snapshot
from blitzls.core.task import EditTask, ReplyFormat
from blitzls.text.edits import common_ends
from blitzls.text.lines import split_lines


@dataclass
class Outcome:
    """Replace ``snapshot.text[start_offset:end_offset]`` by ``new_text``.

    ``anchor_start``/``anchor_end`` cover the whole scope the action looked at (whole lines);
    a document changed meanwhile is re-anchored on that text.
    """

    snapshot: Snapshot
    start_line: int
    end_line: int
    start_offset: int
    end_offset: int
    new_text: str
    anchor_start: int
    anchor_end: int
    cache_hit: bool
    model: str
    mode: ReplyFormat = "rewrite"
    usage: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    model_seconds: float = 0.0
    repaired: bool = False
    notes: tuple[str, ...] = ()  # what the user should hear besides: text kept, lines added

    @property
    def old_text(self) -> str:
        return self.snapshot.text[self.start_offset : self.end_offset]

    @property
    def changed(self) -> bool:
        return self.old_text != self.new_text


def outcome_for(
    request: ActionRequest,
    task: EditTask,
    new_text: str,
    model: str,
    new_lines: Sequence[str] | None = None,
) -> Outcome:
    """The smallest whole-line region of the snapshot that changes, and its new text.

    ``new_lines``: ``new_text`` split by ``split_lines``, when the caller has it."""
    snapshot = request.snapshot
    old_lines = snapshot.lines
    if new_lines is None:
        new_lines = split_lines(new_text)
    prefix, suffix = common_ends(old_lines, new_lines)
    old_end = len(old_lines) - suffix
    start_offset = snapshot.offset_of_line(prefix)
    end_offset = start_offset + sum(map(len, old_lines[prefix:old_end]))
    replacement = "".join(new_lines[prefix : len(new_lines) - suffix])
    anchor_first = min(prefix, request.start_line, task.shown[0])
    anchor_last = max(old_end, request.end_line, task.shown[1])
    return Outcome(
        snapshot=snapshot,
        start_line=prefix,
        end_line=old_end,
        start_offset=start_offset,
        end_offset=end_offset,
        new_text=replacement,
        anchor_start=snapshot.offset_of_line(anchor_first),
        anchor_end=snapshot.offset_of_line(min(anchor_last, len(old_lines))),
        cache_hit=False,
        model=model,
        mode=task.reply_format,
    )
