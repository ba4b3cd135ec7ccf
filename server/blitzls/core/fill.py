"""Pseudocode answered by filling in the middle: the model writes only the new code.

Code models are trained to complete the gap between a prefix and a suffix of a file when
the prompt is written in their own marker tokens (``<|fim_prefix|>…<|fim_suffix|>…
<|fim_middle|>`` for Qwen2.5-Coder). For pseudocode that gap is exactly the answer: the
prefix runs down to the pseudocode comments (which stay in it, as the specification), the
suffix is what follows them, and the model writes the code that replaces the comments —
not the header, not the lines around, not the comments again.

The prefix and suffix are the file around the definition (``contextLines`` of it), unless
the setting ``context`` is 'scope': measured, the definition alone lost passes that the
file around it won back. The middle is read line by line while it streams and ends where
the model starts writing past the gap: a line left of the pseudocode's indentation (the
block it was in has ended), the suffix's first line echoed, a marker token or a Markdown
fence. The definition with the middle in place of the pseudocode then goes through the
same fitting and checks as a rewrite answer (:func:`reply_from_middle`), so a middle that
does not fit is refused the same way — and the engine then asks the usual way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from blitzls.core.lines import columns, is_blank
from blitzls.core.task import EditTask, Span
from blitzls.languages.structure import RowReader


@dataclass(frozen=True)
class FillTemplate:
    """A model family's fill-in-the-middle markers (prefix, suffix, middle order)."""

    family: str
    prefix: str
    suffix: str
    middle: str
    stop: tuple[str, ...]  # what ends a middle besides the model's end token

    def prompt(self, before: str, after: str) -> str:
        return f"{self.prefix}{before}{self.suffix}{after}{self.middle}"

    @property
    def markers(self) -> tuple[str, ...]:
        return (self.prefix.strip(), self.suffix.strip(), self.middle.strip(), *self.stop)


# The markers each family's model card documents. Measured here: Qwen2.5-Coder (1.5B, 0.5B).
TEMPLATES: dict[str, FillTemplate] = {
    t.family: t
    for t in (
        FillTemplate(
            "qwen",
            "<|fim_prefix|>",
            "<|fim_suffix|>",
            "<|fim_middle|>",
            ("<|endoftext|>", "<|fim_pad|>", "<|file_sep|>", "<|im_end|>"),
        ),
        FillTemplate(
            "deepseek",
            "<｜fim▁begin｜>",
            "<｜fim▁hole｜>",
            "<｜fim▁end｜>",
            ("<｜end▁of▁sentence｜>", "<|EOT|>"),
        ),
        FillTemplate(
            "starcoder",
            "<fim_prefix>",
            "<fim_suffix>",
            "<fim_middle>",
            ("<|endoftext|>", "<file_sep>"),
        ),
        FillTemplate(
            "codegemma",
            "<|fim_prefix|>",
            "<|fim_suffix|>",
            "<|fim_middle|>",
            ("<|file_separator|>", "<eos>"),
        ),
        FillTemplate("codellama", "<PRE> ", " <SUF>", " <MID>", ("<EOT>",)),
    )
}
FAMILIES = tuple(TEMPLATES)

# What a model's name holds (lower-cased, without "-", "_", "." and spaces: endpoints list
# "Qwen/Qwen2.5-Coder-1.5B-Instruct", "qwen2.5-coder:1.5b", a GGUF file's stem) and the
# family it then belongs to; every part must be in the name.
_NAME_PARTS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("qwen", "coder"), "qwen"),
    (("deepseekcoder",), "deepseek"),
    (("starcoder",), "starcoder"),
    (("codegemma",), "codegemma"),
    (("codellama",), "codellama"),
)


def family_of(model: str) -> str | None:
    """The fill-in-the-middle family a model name belongs to, if blitzls knows it."""
    name = "".join(c for c in model.lower() if c not in "-_. ")
    for parts, family in _NAME_PARTS:
        if all(part in name for part in parts):
            return family
    return None


def template_for(setting: str, model: str, small: bool) -> FillTemplate | None:
    """The template to fill pseudocode with: ``setting`` is 'off', 'auto' (the model name's
    family, for a ``small`` model: the engine says which) or a family name."""
    if setting == "off":
        return None
    if setting != "auto":
        return TEMPLATES.get(setting)
    family = family_of(model) if small else None
    return TEMPLATES[family] if family else None


def fillable(task: EditTask) -> bool:
    """Pseudocode inside a definition, answered as a rewrite: the gap is well defined."""
    return (
        task.pseudocode
        and task.shown_kind == "definition"
        and task.reply_format == "rewrite"
        and task.shown[0] < task.target[0]
        and task.target[1] <= task.shown[1]
    )


def _end_of_comments(task: EditTask) -> int:
    """Where the pseudocode comments end: the placeholder statement (``pass``) is not shown."""
    return task.placeholder if task.placeholder is not None else task.target[1]


def fill_prompt(
    task: EditTask, seen: Sequence[str], template: FillTemplate, regions: Sequence[Span]
) -> str:
    """The prompt: the ``regions`` of the file (the definition, and the lines around it),
    as the model may see them, split after the pseudocode comments."""
    rows = sorted({row for start, end in regions for row in range(start, end)})
    gap, rest = _end_of_comments(task), task.target[1]

    def text(chosen: Sequence[int]) -> str:
        return "".join(seen[row].rstrip("\r\n") + "\n" for row in chosen)

    before = text([row for row in rows if row < gap])
    after = text([row for row in rows if row >= rest]).rstrip("\n")
    return template.prompt(before, after)


class MiddleWatcher:
    """Reads a streamed middle line by line; ``done`` once the model writes past the gap."""

    def __init__(self, task: EditTask, template: FillTemplate) -> None:
        self.indent = columns(task.lines[task.target[0]])
        following = [x for x in task.contents[task.target[1] : task.shown[1]] if x.strip()]
        self.suffix_start = following[0].rstrip() if following else None
        self.markers = template.markers
        self.lines: list[str] = []  # the middle's complete lines, up to where it ended
        self._partial = ""
        self.done = False

    def feed(self, text: str) -> bool:
        """Take the next streamed text; True once the middle is complete."""
        if self.done:
            return True
        buffer = self._partial + text
        found = [buffer.find(marker) for marker in self.markers if marker in buffer]
        if found:  # the model's own end, or the start of another file
            buffer = buffer[: min(found)]
        *complete, self._partial = buffer.split("\n")
        for line in complete:
            if self._ends_before(line):
                self.done, self._partial = True, ""
                return True
            self.lines.append(line.rstrip("\r"))
        self.done = bool(found)
        return self.done

    def finish(self) -> list[str]:
        """The middle's lines (the stream has ended): trailing blank lines dropped."""
        lines = list(self.lines)
        if self._partial and not self._ends_before(self._partial):
            lines.append(self._partial.rstrip("\r"))
        while lines and is_blank(lines[-1]):
            lines.pop()
        return lines

    def _ends_before(self, line: str) -> bool:
        if any(marker in line for marker in self.markers) or line.lstrip().startswith("```"):
            return True
        if is_blank(line):
            return False
        if columns(line) < self.indent:
            return True  # the block the pseudocode is in has ended
        return self.suffix_start is not None and line.rstrip() == self.suffix_start


def reply_from_middle(task: EditTask, middle: Sequence[str], fence: str) -> str:
    """The definition with ``middle`` in place of the pseudocode (and its placeholder), as a
    rewrite answer — the file's own lines around it. Comment rows the middle opens with
    (read on the tree) go: they carry on the pseudocode the code replaces."""
    before = task.contents[task.shown[0] : task.target[0]]
    after = task.contents[task.target[1] : task.shown[1]]
    lines = [*before, *middle, *after]
    rows = RowReader(lines, task.language)
    start = len(before)
    first_code = next(
        (
            row
            for row in range(start, start + len(middle))
            if rows.kind(row) not in ("comment", "blank")
        ),
        start,
    )
    lines = [*before, *middle[first_code - start :], *after]
    return f"```{fence}\n" + "\n".join(lines) + "\n```\n"
