"""Ending a rewrite reply early, once the model only repeats what the file already has.

A docstring or annotations answer is done once the model writes the first lines of the
definition's body: what follows the header and the docstring may not change, so from there
on the reply would only echo the file, token by token. The stream is closed at that point
and the rest is taken from the file, as the model would have written it.

The lines that end the answer (the *anchor*) are the body's first non-blank rows, read on
the syntax tree. They count as echoed only when they come in order, with the file's text
and the file's indentation relative to each other (and to the reply's copy of the header,
when it has one), so a line of new code that merely reads the same does not end the answer.
"""

from __future__ import annotations

from collections.abc import Sequence

from blitzls.core.lines import Indenter, columns, key
from blitzls.core.task import EditTask

# How many non-blank rows of the body must be echoed before the answer counts as done.
ANCHOR_ROWS = 2


class EchoStop:
    """Watches a reply's code lines for the anchor; then :meth:`reply` is the whole answer."""

    def __init__(
        self,
        anchor: Sequence[str],
        rest: Sequence[str],
        header: str | None,
        indenter: Indenter,
    ) -> None:
        self.anchor = [(key(x), columns(x)) for x in anchor]
        self.rest = list(rest)  # the file's lines after the anchor, to the end of the code
        self.header = (key(header), columns(header)) if header else None
        self.indenter = indenter
        self.lines: list[str] = []  # the reply's code lines so far
        self.header_shift: int | None = None  # the reply's indentation minus the file's
        self.shift: int | None = None  # the shift of the anchor rows matched so far
        self.matched = 0

    @property
    def done(self) -> bool:
        return self.matched == len(self.anchor)

    def line(self, text: str) -> bool:
        """Take the reply's next code line; True once the anchor has been echoed."""
        if self.done:
            return True
        self.lines.append(text)
        if not key(text):
            return False
        if self.header is not None and self.header_shift is None and key(text) == self.header[0]:
            self.header_shift = columns(text) - self.header[1]
        if not self._matches(text, self.matched):
            self.matched, self.shift = 0, None
            if not self._matches(text, 0):
                return False
        if self.matched == 0:
            self.shift = columns(text) - self.anchor[0][1]
        self.matched += 1
        return self.done

    def reset(self) -> None:
        self.lines, self.matched, self.shift, self.header_shift = [], 0, None, None

    def _matches(self, text: str, index: int) -> bool:
        wanted, width = self.anchor[index]
        if key(text) != wanted:
            return False
        shift = columns(text) - width
        if self.header_shift is not None and shift != self.header_shift:
            return False
        return index == 0 or shift == self.shift

    def reply(self, fence: str) -> str:
        """The answer as one fenced block, with the file's remaining lines in place of what
        the model would have echoed."""
        lines = list(self.lines)
        if self.done and self.shift is not None:
            lines += [self.indenter.shift(x, self.shift) for x in self.rest]
        return f"```{fence}\n" + "\n".join(lines) + "\n```\n"


def echo_stop(task: EditTask) -> EchoStop | None:
    """The watcher for ``task``'s replies, or None where the answer cannot end early."""
    if not task.ends_after_header or task.reply_format != "rewrite":
        return None
    if task.definition is None or task.parsed is None or task.shown_kind != "definition":
        return None
    members = task.parsed.members(task.definition)
    if not members:
        return None
    last = task.shown[1]
    aside = range(*task.aside) if task.aside is not None else range(0)
    rows = [i for i in range(members[0].first, last) if task.contents[i].strip() and i not in aside]
    if len(rows) <= ANCHOR_ROWS:
        return None  # a body this short costs nothing to echo
    rows = rows[:ANCHOR_ROWS]
    header = task.contents[task.definition.start]
    indenter = Indenter.for_file(list(task.contents), task.shown[0])
    rest = task.contents[rows[-1] + 1 : last]
    return EchoStop([task.contents[i] for i in rows], rest, header, indenter)
