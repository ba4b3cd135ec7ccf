"""Apply a model reply to an edit task: the new file text, or a refusal saying why not.

Whatever the reply's shape — SEARCH/REPLACE blocks, a unified diff, the whole definition,
the whole file, or only the lines for the target — it is turned into the file as the reply
would leave it, then compared with the file line by line. Only the differences count, and
each must lie where the task allows changes; then the result must pass the safety checks.

What the changed lines are — code, comments, docstrings, blank — is read on the syntax trees
of the file and of the result (``languages/``): comments a lazy rewrite dropped are kept, a
comment stands for left-out code only where it replaces code, and where the reply only
reworded comments or docstrings outside the lines it may change the user's text is kept.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from itertools import compress, count
from operator import ne
from typing import NamedTuple

from blitzls.core.errors import NoChangeError, OutsideScopeError, ReplyError
from blitzls.core.lines import Indenter, columns, is_blank, key
from blitzls.core.rewrite import Addition, place_definition
from blitzls.core.safety import check_result
from blitzls.core.task import EditTask
from blitzls.languages.comments import is_elision
from blitzls.languages.items import TEXT_KINDS
from blitzls.languages.structure import RowReader, unmatched_closers
from blitzls.patch.match import apply_blocks
from blitzls.patch.parse import parse_edits
from blitzls.replies.extract import code_blocks
from blitzls.replies.fit import fit_replacement
from blitzls.secrets import REDACTION, redact
from blitzls.text.lines import first_line_break, line_content, split_lines

# How many lines around the target fragment fitting looks at for repeated context.
FIT_CONTEXT_LINES = 200
# diff_hunks skips identical lines in C; after this many lines that differ only in trailing
# whitespace it compares line by line.
_FAST_ROUNDS = 8
_KIND_NAMES = {"doc": "docstring", "comment": "comment"}


@dataclass(frozen=True)
class Hunk:
    """Replace file lines ``[start, end)`` (indices of content lines) by ``lines``.

    ``at``: where ``lines`` start in the text they came from (-1: made up here)."""

    start: int
    end: int
    lines: tuple[str, ...]
    at: int = field(default=-1, compare=False)


class Applied(NamedTuple):
    """A reply applied: the new text, its lines (as ``split_lines`` gives them), and what
    the user should hear besides (lines kept as they were, helpers and imports added)."""

    text: str
    lines: list[str]
    notes: tuple[str, ...] = ()


def apply_reply(task: EditTask, reply: str) -> str:
    """The file's new text after ``reply``; raises :class:`ReplyError` when it is unusable."""
    return apply_reply_lines(task, reply).text


def apply_reply_lines(task: EditTask, reply: str) -> Applied:
    """:func:`apply_reply`'s text, its lines as ``split_lines`` gives them, and notes."""
    file = list(task.contents)
    blocks = parse_edits(reply)
    additions: list[Addition] = []
    if blocks:
        result = apply_blocks(
            task.text,
            blocks,
            scope=(task.offset(task.shown[0]), task.offset(task.shown[1])),
            hint=None if task.hint_line is None else task.offset(task.hint_line),
        )
        candidate = [line_content(line) for line in split_lines(result.new_text)]
    else:
        candidate, additions = _rewrite(task, file, reply)
    view = _seen_view(task, file, candidate) if REDACTION in reply else file
    hunks, notes = _accepted_hunks(task, file, candidate, view)
    if additions:
        extra = [Hunk(a.at, a.at, a.lines) for a in additions]
        order = {id(h): (1 if a.after else -1) for h, a in zip(extra, additions, strict=True)}
        hunks = sorted([*hunks, *extra], key=lambda h: (h.start, h.end, order.get(id(h), 0)))
        notes = [*notes, *(a.note for a in additions)]
    new_lines = render_lines(task.lines, hunks)
    new_text = "".join(new_lines)
    check_result(task, new_text, new_lines)
    return Applied(new_text, new_lines, tuple(dict.fromkeys(notes)))


def _seen_view(task: EditTask, file: list[str], candidate: list[str]) -> list[str]:
    """The file to compare the result with: where the reply echoes a redacted line as the
    model saw it (with the redaction marker), that line as the model saw it — so the echo
    is the same line, unchanged, and the file keeps its secret."""
    echoed = {key(line) for line in candidate if REDACTION in line}
    view = list(file)
    for index, shown in enumerate(task.seen):
        if REDACTION in shown and key(shown) in echoed:
            view[index] = line_content(shown)
    return view


# --------------------------------------------------------------------------- rewrites


def _rewrite(task: EditTask, file: list[str], reply: str) -> tuple[list[str], list[Addition]]:
    """The file as a rewrite reply would leave it, and the lines the new code needs added."""
    blocks = code_blocks(reply)
    if not blocks:
        raise ReplyError("the model returned no code")
    indenter = Indenter.for_file(file, task.shown[0])
    if task.shown_kind == "definition":
        for code in sorted(blocks, key=len, reverse=True):
            placed = place_definition(task, file, code, indenter)
            if placed is not None:
                lines = placed.lines
                start, end = placed.block
                if task.pseudocode:
                    lines = lines[:start] + _drop_pseudocode(task, lines[start:end]) + lines[end:]
                return lines, placed.additions
    code = max(blocks, key=len)
    if task.pseudocode or task.shown_kind == "lines":
        return _fit_into_target(task, file, code), []
    return _place_fragment(task, file, code, indenter), []


def _drop_pseudocode(task: EditTask, lines: Sequence[str]) -> list[str]:
    """``lines`` without the pseudocode comments the model repeated."""
    first, last = task.target
    pseudo = {
        key(task.contents[i])
        for i in range(first, last)
        if key(task.contents[i]) and task.rows.kind(i) == "comment"
    }
    return [line for line in lines if key(line) not in pseudo]


def _fit_into_target(task: EditTask, file: list[str], code: list[str]) -> list[str]:
    """A fragment meant for exactly the target lines, fitted there."""
    start, end = task.target
    fitted = fit_replacement(
        "\n".join(code),
        file[max(0, start - FIT_CONTEXT_LINES) : start],
        file[start:end],
        file[end : end + FIT_CONTEXT_LINES],
        closers=partial(unmatched_closers, language_id=task.language),
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
    """The differences between two line lists (trailing whitespace ignored); each hunk's
    ``at`` is where its lines start in ``new``."""
    prefix = _same_lines(old, new, min(len(old), len(new)))
    suffix = _same_lines(old[::-1], new[::-1], min(len(old), len(new)) - prefix)
    a = [line.rstrip() for line in old[prefix : len(old) - suffix]]
    b = [line.rstrip() for line in new[prefix : len(new) - suffix]]
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return [
        Hunk(prefix + i1, prefix + i2, tuple(new[prefix + j1 : prefix + j2]), prefix + j1)
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


class _Rows:
    """What the lines on both sides of a change hold: the file's, and the result's."""

    def __init__(self, task: EditTask, candidate: list[str]) -> None:
        self.task = task
        self.old = task.rows
        self.new = RowReader(candidate, task.language)

    def new_kinds(self, hunk: Hunk) -> list[str]:
        if hunk.at < 0:
            return ["blank" if is_blank(x) else "code" for x in hunk.lines]
        return [self.new.kind(hunk.at + i) for i in range(len(hunk.lines))]


def _accepted_hunks(
    task: EditTask, file: list[str], candidate: list[str], view: list[str]
) -> tuple[list[Hunk], list[str]]:
    """The reply's changes that are real, with the instruction comment removed, and notes;
    refused when any of them lies outside the lines the task may change.

    Comments (and docstrings) a lazy rewrite dropped are kept; when taking them out was all
    an instruction's answer did, it was the point, and they go."""
    rows = _Rows(task, candidate)
    found = diff_hunks(view, candidate)
    try:
        return _accept(task, file, rows, found, keep_dropped=True)
    except NoChangeError:
        if not task.instructed:
            raise
        return _accept(task, file, rows, found, keep_dropped=False)


def _accept(
    task: EditTask, file: list[str], rows: _Rows, found: list[Hunk], *, keep_dropped: bool
) -> tuple[list[Hunk], list[str]]:
    hunks: list[Hunk] = []
    for hunk in found:
        resolved = _resolve_elision(rows, hunk)
        if resolved is not None and keep_dropped:
            resolved = _keep_dropped_text(task, file, rows, resolved)
        if resolved is not None:
            hunks.append(resolved)
    hunks, notes = _keep_user_text(task, rows, hunks)
    if task.keeps_code:
        hunks, said = _keep_code(task, rows, hunks)
        notes += said
    real = [h for h in hunks if not _blank_only(file, h) and not _instruction_only(task, h)]
    if not real:  # nothing, blank lines, or only the ai! comment (which goes anyway)
        raise NoChangeError()  # (after an instruction, the caller tries without keeping)
    hunks = _remove_instruction(task, file, hunks)
    outside = [h for h in hunks if not _inside(task, h) and not _blank_only(file, h)]
    if outside:
        first, last = task.allowed
        lines = tuple(
            file[i] for h in outside for i in range(h.start, h.end) if not first <= i < last
        )
        raise OutsideScopeError(_outside_message(task, file, outside[0]), lines)
    # blank lines added or removed are churn, not the edit: alone they are no change
    hunks = [h for h in hunks if _inside(task, h) and not _blank_only(file, h)]
    if not hunks:
        raise NoChangeError()
    if task.pseudocode and not any(k == "code" for h in hunks for k in rows.new_kinds(h)):
        raise NoChangeError()  # the pseudocode echoed (and dropped) with no code for it
    return hunks, notes


def _instruction_only(task: EditTask, hunk: Hunk) -> bool:
    """Whether the hunk only takes the ``ai!`` comment out (as the action does anyway)."""
    if task.instruction_line is None:
        return False
    index, replacement = task.instruction_line
    wanted = () if replacement is None else (replacement,)
    return (hunk.start, hunk.end) == (index, index + 1) and hunk.lines in ((), wanted)


def _resolve_elision(rows: _Rows, hunk: Hunk) -> Hunk | None:
    """A hunk with ``# ... existing code ...`` markers read as "these lines stay".

    A marker is a comment saying code was left out, standing where the file had code. A
    hunk of nothing but markers keeps its lines (None: no change). A marker that opens the
    hunk keeps the old lines the rest of the hunk does not replace. Anywhere else the lines it
    stands for cannot be told, and the reply is refused.
    """
    kinds = rows.new_kinds(hunk)
    markers = [
        i
        for i, kind in enumerate(kinds)
        if kind == "comment" and is_elision(rows.new.comment_text(hunk.at + i))
    ]
    if not markers:
        return hunk
    if not any(rows.old.kind(i) == "code" for i in range(hunk.start, hunk.end)):
        return hunk  # it stands where there was no code: an ordinary comment
    if all(kind == "blank" or i in markers for i, kind in enumerate(kinds)):
        return None
    rest = hunk.lines[markers[0] + 1 :]
    old = hunk.end - hunk.start
    leading = all(kind == "blank" for kind in kinds[: markers[0]])
    if len(markers) == 1 and leading:
        if 0 < len(rest) < old:
            kept = old - len(rest)
            return Hunk(hunk.start + kept, hunk.end, rest, hunk.at + markers[0] + 1)
        if len(rest) >= old:
            return hunk  # it stands for nothing: an ordinary comment
    raise ReplyError("the reply leaves out code (it writes `...` instead of it)")


def _keep_dropped_text(task: EditTask, file: Sequence[str], rows: _Rows, hunk: Hunk) -> Hunk | None:
    """The hunk with the comments and docstrings a lazy rewrite dropped at its edges put
    back. One the reply rewrote (it has text of that kind at the same edge) is not dropped.

    Comments the task is about (pseudocode, the ``ai!`` line) may go. None when nothing but
    the kept lines would change.
    """
    new_keys = {key(line) for line in hunk.lines}
    kinds = [k for k in rows.new_kinds(hunk) if k != "blank"]
    opening, closing = (kinds[0], kinds[-1]) if kinds else ("", "")

    def kept(index: int, edge: str) -> bool:
        kind = rows.old.kind(index)
        if kind not in ("comment", "doc") or kind == edge or key(file[index]) in new_keys:
            return False
        if task.pseudocode and task.target[0] <= index < task.target[1]:
            return False
        return task.instruction_line is None or index != task.instruction_line[0]

    start, end = hunk.start, hunk.end
    while start < end and kept(start, opening):
        start += 1
    while end > start and kept(end - 1, closing):
        end -= 1
    if (start, end) == (hunk.start, hunk.end):
        return hunk
    if start == end and not hunk.lines:
        return None
    return replace(hunk, start=start, end=end)


def _keep_user_text(task: EditTask, rows: _Rows, hunks: list[Hunk]) -> tuple[list[Hunk], list[str]]:
    """Outside the lines the task may change, the file's comments, docstrings and blank
    lines stay as they are where the reply only reworded them; notes say so."""
    first, last = task.allowed
    kept: list[Hunk] = []
    notes: list[str] = []
    for hunk in hunks:
        if _inside(task, hunk):
            hunk, said = _docstring_again(task, rows, hunk)
            notes += said
            kept.append(hunk)
            continue
        outside = [i for i in range(hunk.start, hunk.end) if not first <= i < last]
        old_kinds = {rows.old.kind(i) for i in outside}
        if not old_kinds <= TEXT_KINDS:
            kept.append(hunk)  # code outside: refused by the caller
            continue
        words = old_kinds - {"blank"}
        new_kinds = rows.new_kinds(hunk)
        lines, at = list(hunk.lines), hunk.at
        start, end = hunk.start, hunk.end
        if hunk.end <= first or hunk.start >= last:  # wholly outside
            if not set(new_kinds) <= TEXT_KINDS:
                kept.append(hunk)
                continue
            if words and set(new_kinds) - {"blank"}:
                notes += [_kept_note(k) for k in sorted(words)]
            continue
        if start < first:  # it begins above the lines it may change
            take = _leading(new_kinds, words)
            if words and take:
                notes += [_kept_note(k) for k in sorted(words)]
            lines, new_kinds, at, start = lines[take:], new_kinds[take:], at + take, first
        if end > last:  # it ends below them
            outside_below = {rows.old.kind(i) for i in range(last, end)} - {"blank"}
            take = _leading(new_kinds[::-1], outside_below)
            if outside_below and take:
                notes += [_kept_note(k) for k in sorted(outside_below)]
            lines, end = lines[: len(lines) - take], last
        kept.append(Hunk(start, end, tuple(lines), at))
    return kept, notes


def _docstring_again(task: EditTask, rows: _Rows, hunk: Hunk) -> tuple[Hunk, list[str]]:
    """Pseudocode answered with a docstring first, right under the definition's own: the
    model's rewording of the docstring, which stays as it was."""
    if not task.pseudocode or hunk.start != task.target[0]:
        return hunk, []
    above = hunk.start - 1
    while above >= 0 and rows.old.kind(above) == "blank":
        above -= 1
    kinds = rows.new_kinds(hunk)
    if above < 0 or rows.old.kind(above) != "doc" or "doc" not in kinds[:1]:
        return hunk, []
    take = _leading(kinds, {"doc"})
    if take == len(kinds):
        return hunk, []
    return replace(hunk, lines=hunk.lines[take:], at=hunk.at + take), [_kept_note("doc")]


def _keep_code(task: EditTask, rows: _Rows, hunks: list[Hunk]) -> tuple[list[Hunk], list[str]]:
    """For an action that only writes comments and docstrings: of each change, its comments
    and docstrings, placed by the code lines they follow (a doc comment above the header, a
    docstring under it); code the reply changed stays as the file has it, and a note says so."""
    kept: list[Hunk] = []
    changed: list[int] = []
    for hunk in hunks:
        old_kinds = [rows.old.kind(i) for i in range(hunk.start, hunk.end)]
        new_kinds = rows.new_kinds(hunk)
        old_code = [hunk.start + i for i, k in enumerate(old_kinds) if k == "code"]
        new_code = [key(x) for x, k in zip(hunk.lines, new_kinds, strict=True) if k == "code"]
        if [key(task.contents[i]) for i in old_code] == new_code:
            kept.append(hunk)
            continue
        changed += old_code
        old_runs = {j: (s, e) for j, s, e in _text_runs(old_kinds)}
        for j, s, e in _text_runs(new_kinds):
            lines = hunk.lines[s:e]
            if j in old_runs:
                first, last = (hunk.start + x for x in old_runs[j])
                if [key(x) for x in task.contents[first:last]] != [key(x) for x in lines]:
                    kept.append(Hunk(first, last, lines, hunk.at + s))
                continue
            after = old_code[min(j, len(old_code)) - 1] + 1 if j and old_code else hunk.start
            kept.append(Hunk(after, after, lines, hunk.at + s))
    if not changed:
        return kept, []
    kept.sort(key=lambda h: (h.start, h.end))
    return kept, [
        f"kept your code as it was; the model had changed `{_quoted(task, changed[0])[:60]}`"
    ]


def _text_runs(kinds: Sequence[str]) -> list[tuple[int, int, int]]:
    """The runs of comment and docstring rows in ``kinds``: how many code rows come before
    each, and where it starts and ends (blank rows at its edges left out)."""
    runs: list[tuple[int, int, int]] = []
    code = 0
    start: int | None = None
    for index, kind in enumerate([*kinds, "code"]):
        if kind in ("doc", "comment"):
            start = index if start is None else start
            last = index + 1
        elif kind == "code":
            if start is not None:
                runs.append((code, start, last))
                start = None
            code += 1
    return runs


def _leading(kinds: Sequence[str], words: Collection[str]) -> int:
    """How many of ``kinds`` from the start are blank or of the kinds in ``words``."""
    take = 0
    for kind in kinds:
        if kind != "blank" and kind not in words:
            break
        take += 1
    return take


def _kept_note(kind: str) -> str:
    name = _KIND_NAMES.get(kind, kind)
    return f"kept your {name} as it was; the model had reworded it"


def _inside(task: EditTask, hunk: Hunk) -> bool:
    first, last = task.allowed
    return first <= hunk.start and hunk.end <= last


def _blank_only(file: Sequence[str], hunk: Hunk) -> bool:
    return all(is_blank(x) for x in (*file[hunk.start : hunk.end], *hunk.lines))


def _quoted(task: EditTask, index: int) -> str:
    """A file line as a message may quote it: as the model saw it, secrets redacted."""
    line = task.contents[index]
    seen = task.seen[index] if index < len(task.seen) else ""
    if seen and REDACTION in seen:
        line = line_content(seen)
    return redact(key(line))[0]


def _outside_message(task: EditTask, file: Sequence[str], hunk: Hunk) -> str:
    first, last = task.allowed
    outside = [i for i in range(hunk.start, hunk.end) if not first <= i < last]
    at = outside[0] if outside else hunk.start
    where = f"line {at + 1}" if at < len(file) else "the end of the file"
    region = "the pseudocode lines" if task.pseudocode else "the code it was asked to change"
    if outside:
        what = f"changes `{_quoted(task, at)[:60]}` ({where})"
    else:
        what = f"adds lines before {where}" if at < len(file) else f"adds lines at {where}"
    return f"the reply also {what}, outside {region}; nothing was changed"


def _remove_instruction(task: EditTask, file: list[str], hunks: list[Hunk]) -> list[Hunk]:
    """Take the ``ai!`` comment out by its position: delete it where the reply kept it."""
    if task.instruction_line is None:
        return hunks
    index, replacement = task.instruction_line
    wanted = key(file[index])
    echo = _without_marker(wanted)
    for position, hunk in enumerate(hunks):
        if hunk.start <= index < hunk.end:  # the model rewrote that line: find its copy there
            kept = [i for i, line in enumerate(hunk.lines) if key(line) == wanted]
            kept = kept or [i for i, x in enumerate(hunk.lines) if _without_marker(x) == echo]
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


def _without_marker(line: str) -> str:
    """A comment line compared without its ``ai!`` marker: the reply's copy of the
    instruction with only the marker taken out is still the instruction."""
    return " ".join(line.lower().replace("ai!", " ").replace(" :", " ").split())


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
