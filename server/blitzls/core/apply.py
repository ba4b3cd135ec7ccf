"""Apply a model reply to an edit task: the new file text, or a refusal saying why not.

Whatever the reply's shape — SEARCH/REPLACE blocks, a unified diff, the whole definition,
the whole file, or only the lines for the target — it is turned into the file as the reply
would leave it, then compared with the file line by line. Only the differences count, and
each must lie where the task allows changes; then the result must pass the safety checks.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import compress, count
from operator import ne

from blitzls.core.errors import NoChangeError, OutsideScopeError, ReplyError
from blitzls.core.lines import Indenter, columns, is_blank, key
from blitzls.core.rewrite import import_position, place_definition
from blitzls.core.safety import check_result
from blitzls.core.task import EditTask
from blitzls.patch.match import apply_blocks
from blitzls.patch.parse import parse_edits
from blitzls.replies.extract import code_blocks
from blitzls.replies.fit import fit_replacement
from blitzls.text.lines import first_line_break, line_content, split_lines

# How many lines around the target fragment fitting looks at for repeated context.
FIT_CONTEXT_LINES = 200
_ELISION = re.compile(
    r"(?:#|//|--|/\*)\s*(?:\.{3}|…|(?:the\s+)?rest\b|existing\b|unchanged\b|same\s+as\b)",
    re.IGNORECASE,
)
_COMMENT = re.compile(r"(?:#|//|/\*|\*|--|\"\"\"|''')")
# diff_hunks skips identical lines in C; after this many lines that differ only in trailing
# whitespace it compares line by line.
_FAST_ROUNDS = 8


@dataclass(frozen=True)
class Hunk:
    """Replace file lines ``[start, end)`` (indices of content lines) by ``lines``."""

    start: int
    end: int
    lines: tuple[str, ...]


def apply_reply(task: EditTask, reply: str) -> str:
    """The file's new text after ``reply``; raises :class:`ReplyError` when it is unusable."""
    return apply_reply_lines(task, reply)[0]


def apply_reply_lines(task: EditTask, reply: str) -> tuple[str, list[str]]:
    """:func:`apply_reply`'s text, and its lines as ``split_lines`` gives them."""
    file = list(task.contents)
    blocks = parse_edits(reply)
    imports: list[str] = []
    if blocks:
        result = apply_blocks(
            task.text,
            blocks,
            scope=(task.offset(task.shown[0]), task.offset(task.shown[1])),
            hint=None if task.hint_line is None else task.offset(task.hint_line),
        )
        candidate = [line_content(line) for line in split_lines(result.new_text)]
    else:
        candidate, imports = _rewrite(task, file, reply)
    hunks = _accepted_hunks(task, file, candidate)
    if imports:
        at = import_position(file)
        hunks = sorted([*hunks, Hunk(at, at, tuple(imports))], key=lambda h: (h.start, h.end))
    new_lines = render_lines(task.lines, hunks)
    new_text = "".join(new_lines)
    check_result(task, new_text, new_lines)
    return new_text, new_lines


# --------------------------------------------------------------------------- rewrites


def _rewrite(task: EditTask, file: list[str], reply: str) -> tuple[list[str], list[str]]:
    """The file as a rewrite reply would leave it, and the imports it adds."""
    blocks = code_blocks(reply)
    if not blocks:
        raise ReplyError("the model returned no code")
    indenter = Indenter.for_file(file, task.shown[0])
    if task.shown_kind == "definition":
        for code in sorted(blocks, key=len, reverse=True):
            placed = place_definition(file, task.shown, code, indenter)
            if placed is not None:
                lines = placed.lines
                start, end = placed.block
                if task.pseudocode:
                    lines = lines[:start] + _drop_pseudocode(task, lines[start:end]) + lines[end:]
                return lines, placed.imports
    code = max(blocks, key=len)
    if task.pseudocode or task.shown_kind == "lines":
        return _fit_into_target(task, file, code), []
    return _place_fragment(task, file, code, indenter), []


def _drop_pseudocode(task: EditTask, lines: Sequence[str]) -> list[str]:
    """``lines`` without the pseudocode comments the model repeated."""
    pseudo = {key(line) for line in task.lines[task.target[0] : task.target[1]] if key(line)}
    return [line for line in lines if key(line) not in pseudo]


def _fit_into_target(task: EditTask, file: list[str], code: list[str]) -> list[str]:
    """A fragment meant for exactly the target lines, fitted there."""
    start, end = task.target
    fitted = fit_replacement(
        "\n".join(code),
        file[max(0, start - FIT_CONTEXT_LINES) : start],
        file[start:end],
        file[end : end + FIT_CONTEXT_LINES],
    )
    if task.pseudocode:
        fitted = _drop_pseudocode(task, fitted)
    return file[:start] + fitted + file[end:]


def _place_fragment(
    task: EditTask, file: list[str], code: list[str], indenter: Indenter
) -> list[str]:
    """A part of the definition: placed where its first and last lines match the file."""
    start, end = task.shown
    keys = [key(line) for line in file[start:end]]
    first = next((line for line in code if key(line)), "")
    last = next((line for line in reversed(code) if key(line)), "")
    heads = [i for i, k in enumerate(keys) if k == key(first)]
    tails = [i for i, k in enumerate(keys) if k == key(last)]
    spans = [(h, t) for h in heads for t in tails if t >= h]
    if len(heads) != 1 or len(tails) != 1 or not spans:
        raise ReplyError(
            "the reply is neither the whole definition nor a part of it that can be placed"
        )
    head, tail = spans[0]
    shift = columns(file[start + head]) - columns(first)
    placed = [indenter.shift(line, shift) for line in code]
    return file[: start + head] + placed + file[start + tail + 1 :]


# --------------------------------------------------------------------------- comparing


def diff_hunks(old: Sequence[str], new: Sequence[str]) -> list[Hunk]:
    """The differences between two line lists (trailing whitespace ignored)."""
    prefix = _same_lines(old, new, min(len(old), len(new)))
    suffix = _same_lines(old[::-1], new[::-1], min(len(old), len(new)) - prefix)
    a = [line.rstrip() for line in old[prefix : len(old) - suffix]]
    b = [line.rstrip() for line in new[prefix : len(new) - suffix]]
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return [
        Hunk(prefix + i1, prefix + i2, tuple(new[prefix + j1 : prefix + j2]))
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    ]


def _same_lines(old: Sequence[str], new: Sequence[str], limit: int) -> int:
    """How many leading lines (at most ``limit``) are the same but for trailing whitespace.

    Identical runs are skipped in C; only lines that differ are compared in Python (and after
    a few of those, every line)."""
    index = 0
    for _ in range(_FAST_ROUNDS):
        index = next(compress(count(index), map(ne, old[index:limit], new[index:limit])), limit)
        if index >= limit or old[index].rstrip() != new[index].rstrip():
            return index
        index += 1
    while index < limit and old[index].rstrip() == new[index].rstrip():
        index += 1
    return index


def _accepted_hunks(task: EditTask, file: list[str], candidate: list[str]) -> list[Hunk]:
    """The reply's changes that are real, with the instruction comment removed; refused when
    any of them lies outside the lines the task may change."""
    hunks: list[Hunk] = []
    for found in diff_hunks(file, candidate):
        hunk = _resolve_elision(file, found)
        if hunk is not None:
            hunk = _keep_dropped_comments(task, file, hunk)
        if hunk is not None:
            hunks.append(hunk)
    hunks = _remove_instruction(task, file, hunks)
    outside = [h for h in hunks if not _inside(task, h) and not _blank_only(file, h)]
    if outside:
        first, last = task.allowed
        lines = tuple(
            file[i] for h in outside for i in range(h.start, h.end) if not first <= i < last
        )
        raise OutsideScopeError(_outside_message(task, file, outside[0]), lines)
    hunks = [h for h in hunks if _inside(task, h)]
    if any(not _blank_only(file, h) for h in hunks):
        # blank lines added or removed apart from the real change are churn, not the edit
        hunks = [h for h in hunks if not _blank_only(file, h)]
    if not hunks:
        raise NoChangeError()
    return hunks


def _is_elision(line: str) -> bool:
    return _ELISION.match(key(line)) is not None


def _resolve_elision(file: Sequence[str], hunk: Hunk) -> Hunk | None:
    """A hunk with ``# ... existing code ...`` markers read as "these lines stay".

    A hunk of nothing but markers keeps its lines (None: no change). A marker that opens the
    hunk keeps the old lines the rest of the hunk does not replace. Anywhere else the lines it
    stands for cannot be told, and the reply is refused.
    """
    markers = [i for i, line in enumerate(hunk.lines) if _is_elision(line)]
    if not markers:
        return hunk
    if all(is_blank(x) or _is_elision(x) for x in hunk.lines):
        return None
    rest = [x for x in hunk.lines[markers[0] + 1 :]]
    old = hunk.end - hunk.start
    leading = all(is_blank(x) for x in hunk.lines[: markers[0]])
    if len(markers) == 1 and leading and 0 < len(rest) <= old:
        kept = old - len(rest)
        return Hunk(hunk.start + kept, hunk.end, tuple(rest))
    raise ReplyError("the reply leaves out code (it writes `...` instead of it)")


def _keep_dropped_comments(task: EditTask, file: Sequence[str], hunk: Hunk) -> Hunk | None:
    """The hunk with the comment lines a lazy rewrite dropped at its edges put back.

    Comments the task is about (pseudocode, the ``ai!`` line) may go. None when nothing but
    the kept comments would change.
    """
    new_keys = {key(line) for line in hunk.lines}

    def kept(index: int) -> bool:
        line = file[index]
        if not key(line) or not _COMMENT.match(key(line)) or key(line) in new_keys:
            return False
        if task.pseudocode and task.target[0] <= index < task.target[1]:
            return False
        return task.instruction_line is None or index != task.instruction_line[0]

    start, end = hunk.start, hunk.end
    while start < end and kept(start):
        start += 1
    while end > start and kept(end - 1):
        end -= 1
    if (start, end) == (hunk.start, hunk.end):
        return hunk
    if start == end and not hunk.lines:
        return None
    return Hunk(start, end, hunk.lines)


def _inside(task: EditTask, hunk: Hunk) -> bool:
    first, last = task.allowed
    return first <= hunk.start and hunk.end <= last


def _blank_only(file: Sequence[str], hunk: Hunk) -> bool:
    return all(is_blank(x) for x in (*file[hunk.start : hunk.end], *hunk.lines))


def _outside_message(task: EditTask, file: Sequence[str], hunk: Hunk) -> str:
    first, last = task.allowed
    outside = [i for i in range(hunk.start, hunk.end) if not first <= i < last]
    at = outside[0] if outside else hunk.start
    where = f"line {at + 1}" if at < len(file) else "the end of the file"
    region = "the pseudocode lines" if task.pseudocode else "the code it was asked to change"
    if outside:
        what = f"changes `{key(file[at])[:60]}` ({where})"
    else:
        what = f"adds lines before {where}" if at < len(file) else f"adds lines at {where}"
    return f"the reply also {what}, outside {region}; nothing was changed"


def _remove_instruction(task: EditTask, file: list[str], hunks: list[Hunk]) -> list[Hunk]:
    """Take the ``ai!`` comment out by its position: delete it where the reply kept it."""
    if task.instruction_line is None:
        return hunks
    index, replacement = task.instruction_line
    wanted = key(file[index])
    for position, hunk in enumerate(hunks):
        if hunk.start <= index < hunk.end:  # the model rewrote that line: find its copy there
            kept = [i for i, line in enumerate(hunk.lines) if key(line) == wanted]
            if not kept:
                return hunks
            lines = list(hunk.lines)
            at = kept[0]
            if replacement is None:
                del lines[at]
            else:
                lines[at] = replacement
            hunks[position] = Hunk(hunk.start, hunk.end, tuple(lines))
            return hunks
    removal = Hunk(index, index + 1, () if replacement is None else (replacement,))
    return sorted([*hunks, removal], key=lambda h: (h.start, h.end))


# --------------------------------------------------------------------------- rendering


def render(lines: Sequence[str], hunks: Sequence[Hunk]) -> str:
    """``lines`` (with terminators; the last has none) with ``hunks`` applied.

    Untouched lines keep their own terminators; new lines get the file's first one. A hunk
    that reaches the last line leaves its last new line unterminated, as the file was.
    """
    eol = first_line_break(lines)
    pieces: list[str] = []
    done = 0
    for hunk in hunks:
        pieces.extend(lines[done : hunk.start])
        if hunk.end >= len(lines) and hunk.lines:
            pieces.append(eol.join(hunk.lines))
        else:
            pieces.extend(line + eol for line in hunk.lines)
        done = max(done, hunk.end)
    pieces.extend(lines[done:])
    return "".join(pieces)


def render_lines(lines: Sequence[str], hunks: Sequence[Hunk]) -> list[str]:
    """``split_lines(render(lines, hunks))``, built without splitting the text again (on a
    large file that costs more than the rest of applying a reply)."""
    eol = first_line_break(lines)
    pieces: list[str] = []
    joins: list[int] = []  # where new lines meet old ones in ``pieces``
    done = 0
    for hunk in hunks:
        if hunk.start >= len(lines) or any("\r" in x or "\n" in x for x in hunk.lines):
            # lines joined to the unterminated last one, or breaks inside new lines
            return split_lines(render(lines, hunks))
        pieces.extend(lines[done : hunk.start])
        joins.append(len(pieces))
        if hunk.end >= len(lines) and hunk.lines:
            pieces.extend(line + eol for line in hunk.lines[:-1])
            pieces.append(hunk.lines[-1])
        else:
            pieces.extend(line + eol for line in hunk.lines)
        joins.append(len(pieces))
        done = max(done, hunk.end)
    pieces.extend(lines[done:])
    for at in joins:  # a "\r" followed by a "\n" would be one line break in the text
        if 0 < at < len(pieces) and pieces[at - 1].endswith("\r") and pieces[at][:1] == "\n":
            return split_lines(render(lines, hunks))
    if not pieces or pieces[-1].endswith(("\n", "\r")):
        pieces.append("")  # a text ending with a line break has an empty last line
    return pieces
