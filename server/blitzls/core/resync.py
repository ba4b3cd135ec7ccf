"""Ending an instructed rewrite once the model, past its change, repeats the file again.

A fix, an instruction or an edit changes a few lines of a definition; asked for the whole
definition back, the model writes the change and then copies the rest of the function line
by line. Once the reply has left the file's text and comes back to it — :data:`SYNC_ROWS`
non-blank rows in a row that are the file's rows, in order, with the file's indentation
relative to each other, found once and only once in the file after where the reply left it
and after the action's line (a diagnostic's, the ``ai!`` comment's, the cursor's; the end
of the pseudocode) — the change is over: the stream is closed and the file's remaining
lines take the place of what the model would have copied.

Every row is compared as the model saw it (secrets redacted), and the rows put back are the
file's own. A reply that never leaves the file's text is not cut (it is no change), and
neither is one that never copies the header as it is: what comes before the header is
other code, and a changed header may go with changes anywhere.
"""

from __future__ import annotations

from collections.abc import Sequence

from blitzls.core.lines import Indenter, columns, key
from blitzls.core.task import EditTask

# Non-blank rows the reply must share with the file, in a row, after its change.
SYNC_ROWS = 2


class ResyncStop:
    """Watches a reply's code lines; :meth:`reply` is the whole answer once it is done."""

    def __init__(
        self,
        seen: Sequence[str],
        contents: Sequence[str],
        indenter: Indenter,
        optional: Sequence[int] = (),
        after: int = 0,
    ) -> None:
        self.seen = [(key(x), columns(x)) for x in seen]  # the code, row by row
        self.contents = list(contents)  # the same rows as the file has them
        self.code = [i for i, (text, _) in enumerate(self.seen) if text]  # non-blank rows
        self.optional = set(optional)  # rows a reply may leave out (a docstring aside)
        self.after = after  # the first row where the reply may come back to the file
        self.indenter = indenter
        self.lines: list[str] = []  # the reply's code lines so far
        self.written: list[tuple[str, int]] = []  # its non-blank ones: (key, column)
        self.echoed = 0  # where in ``code`` the reply left the file
        self.kept = 0  # the reply's rows up to there
        self.shift: int | None = None  # the reply's indentation minus the file's
        self.changed = False
        self.resumes: int | None = None  # the row after the last one the reply shares
        self.done = False

    def line(self, text: str) -> bool:
        """Take the reply's next code line; True once the rest would only repeat the file."""
        if self.done:
            return True
        self.lines.append(text)
        if not key(text):
            return False
        if not self.written and (not self.code or key(text) != self.seen[self.code[0]][0]):
            return False  # before the reply's copy of the header: other code, not a change
        self.written.append((key(text), columns(text)))
        if not self.changed:
            self._echo(text)
            return False
        self.done = self._synced()
        return self.done

    def reset(self) -> None:
        self.lines, self.written, self.echoed, self.kept = [], [], 0, 0
        self.shift, self.changed, self.resumes, self.done = None, False, None, False

    def _echo(self, text: str) -> None:
        at = self.echoed
        while at < len(self.code):
            wanted, width = self.seen[self.code[at]]
            shift = columns(text) - width
            if key(text) == wanted and (self.shift is None or shift == self.shift):
                self.shift = shift
                self.echoed, self.kept = at + 1, self.kept + 1
                return
            if self.code[at] not in self.optional:
                break
            at += 1  # a row the reply may leave out: it may go on after it
        self.changed = True

    def _synced(self) -> bool:
        """Whether the reply's last rows are the file's, once and only once after its change."""
        if len(self.written) - self.kept < SYNC_ROWS:
            return False
        tail = self.written[-SYNC_ROWS:]
        texts = [text for text, _ in tail]
        later = [row for row in self.code[self.echoed :] if row >= self.after]
        found = [
            at
            for at in range(len(later) - SYNC_ROWS + 1)
            if [self.seen[row][0] for row in later[at : at + SYNC_ROWS]] == texts
        ]
        if len(found) != 1:
            return False
        rows = later[found[0] : found[0] + SYNC_ROWS]
        shifts = {col - self.seen[row][1] for (_, col), row in zip(tail, rows, strict=True)}
        if len(shifts) != 1 or (self.shift is not None and shifts != {self.shift}):
            return False
        self.shift = shifts.pop()
        self.resumes = rows[-1] + 1
        return True

    def reply(self, fence: str) -> str:
        """The answer as one fenced block, with the file's remaining lines in place of what
        the model would have copied."""
        lines = list(self.lines)
        if self.done and self.resumes is not None:
            shift = self.shift or 0
            lines += [self.indenter.shift(x, shift) for x in self.contents[self.resumes :]]
        return f"```{fence}\n" + "\n".join(lines) + "\n```\n"


def resync_stop(task: EditTask, rows: Sequence[int]) -> ResyncStop | None:
    """The watcher for an instructed rewrite of a definition shown as ``rows``, or for
    pseudocode in one; None for other answers (docstrings and annotations end their own
    way; a simplified function may change anywhere)."""
    if task.keeps_code or task.ends_after_header:
        return None
    if not task.instructed and not task.pseudocode:
        return None
    if task.reply_format != "rewrite" or task.shown_kind != "definition":
        return None
    seen = task.seen or task.contents
    indenter = Indenter.for_file(list(task.contents), task.shown[0])
    # a docstring given in words is not in ``rows``, but the reply may write it anyway
    aside = range(*task.aside) if task.aside is not None else range(0)
    every = sorted({*rows, *aside})
    # where the change is: the pseudocode's end, else the action's line (a diagnostic's,
    # the ``ai!`` comment's, the cursor's); the reply comes back to the file only after it
    if task.pseudocode:
        at = task.target[1]
    else:
        at = task.hint_line if task.hint_line is not None else task.shown[0]
    return ResyncStop(
        [seen[i].rstrip("\r\n") for i in every],
        [task.contents[i] for i in every],
        indenter,
        [n for n, row in enumerate(every) if row in aside],
        after=sum(1 for row in every if row < at),
    )
