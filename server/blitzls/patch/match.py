"""Apply edit blocks to a document: unique, line-aligned matches inside a scope, all or none.

Each block is matched on the original text by the first strategy (see
:mod:`blitzls.patch.strategies`) that finds it inside the scope: exact, trailing whitespace,
outer blank lines, uniform indentation, ``...`` elisions, and only if the block matches
nowhere outside the scope either, fuzzy. A strategy that finds several places picks the one
nearest to ``hint`` when it is strictly nearest, and refuses otherwise. Replaced text uses
the document's dominant line break.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from blitzls.patch.document import Document, is_blank, lines_without_breaks
from blitzls.patch.parse import EditBlock
from blitzls.patch.strategies import (
    ANYWHERE,
    Candidate,
    FailureKind,
    Refusal,
    already_present,
    closest_lines,
    fuzzy,
    is_lazy_elision,
    line_list,
)
from blitzls.replies.extract import ReplyError

__all__ = [
    "AppliedBlock",
    "BlockFailure",
    "FailureKind",
    "MatchError",
    "PatchResult",
    "apply_blocks",
]


@dataclass(frozen=True)
class AppliedBlock:
    """Block applied: ``replacement`` took the place of ``text[start:end]`` (original text)."""

    start: int
    end: int
    replacement: str
    strategy: str


@dataclass(frozen=True)
class PatchResult:
    new_text: str
    applied: list[AppliedBlock]  # in block order


@dataclass(frozen=True)
class BlockFailure:
    """Why block ``index`` (0-based) could not be applied."""

    index: int
    search: str
    kind: FailureKind
    reason: str
    closest: tuple[tuple[int, str], ...] = ()  # (1-based line number, line) nearest in scope
    already_applied: bool = False  # its REPLACE lines are already in the document
    other: int | None = None  # the block it overlaps


_ADVICE: dict[str, str] = {
    "no-match": "Its SEARCH must copy existing lines exactly, with their indentation and comments.",
    "ambiguous": "Add nearby unchanged lines to its SEARCH so it matches only one place.",
    "outside": "Edit only the target code.",
    "empty": "Put the existing lines to change in its SEARCH section.",
    "elision": "Give `...` lines in the REPLACE exactly where the SEARCH has them, or write "
    "the lines out.",
    "lazy": "Write the code out in full instead of eliding it.",
}


def _numbers(indexes: Sequence[int]) -> str:
    word = "block" if len(indexes) == 1 else "blocks"
    return f"{word} {line_list([index + 1 for index in indexes])}"


def _fence(text: str) -> str:
    """``text`` in a Markdown fence longer than any backtick run inside it."""
    fence = "```"
    while fence in text:
        fence += "`"
    body = text if text.endswith("\n") else text + "\n"
    return f"{fence}\n{body}{fence}"


class MatchError(ReplyError):
    """Some blocks could not be applied, so none was. ``failures`` says which and why;
    ``matched`` lists the blocks (0-based) that matched and do not need to be resent."""

    def __init__(
        self, failures: Sequence[BlockFailure], matched: Sequence[int], total: int
    ) -> None:
        self.failures = tuple(failures)
        self.matched = tuple(matched)
        self.total = total
        first = self.failures[0]
        more = f" (and {len(self.failures) - 1} more)" if len(self.failures) > 1 else ""
        super().__init__(
            f"the edit did not apply: SEARCH block {first.index + 1} of {total}: "
            f"{first.reason}{more}"
        )

    @property
    def resend(self) -> tuple[int, ...]:
        """Blocks (0-based) the model should send again."""
        return tuple(index for index in range(self.total) if index not in self.matched)

    def reflection(self) -> str:
        """A repair message for the model: what failed, the nearest real lines, what to resend."""
        parts: list[str] = []
        for failure in self.failures:
            number = failure.index + 1
            parts.append(
                f"SEARCH block {number} did not apply: {failure.reason}.\n" + _fence(failure.search)
            )
            if failure.kind == "overlap" and failure.other is not None:
                parts.append(
                    f"Blocks {failure.other + 1} and {number} change the same lines: "
                    "merge them into one block."
                )
            elif failure.kind in _ADVICE:
                parts.append(_ADVICE[failure.kind])
            if failure.closest:
                first, last = failure.closest[0][0], failure.closest[-1][0]
                where = f"line {first}" if first == last else f"lines {first}-{last}"
                lines = "\n".join(line for _, line in failure.closest)
                parts.append(f"Did you mean {where}?\n" + _fence(lines))
            if failure.already_applied:
                parts.append(
                    f"The REPLACE lines of block {number} are already in the code: "
                    f"if that change is already made, leave block {number} out."
                )
        resend = _numbers(self.resend)
        if self.matched:
            pronoun = "them" if len(self.matched) > 1 else "it"
            parts.append(
                f"{_numbers(self.matched).capitalize()} matched: do not resend {pronoun}. "
                f"Resend only {resend}, fixed."
            )
        else:
            parts.append(f"Resend {resend}, fixed.")
        return "\n\n".join(parts)

    def merge(self, blocks: Sequence[EditBlock], fixed: Sequence[EditBlock]) -> list[EditBlock]:
        """The blocks to try again: those that matched plus the model's ``fixed`` ones."""
        return [blocks[index] for index in self.matched] + list(fixed)


# --------------------------------------------------------------------------- matching


def _pick(doc: Document, found: Sequence[Candidate], hint: int | None) -> Candidate:
    if len(found) == 1:
        return found[0]
    where = line_list([candidate.first + 1 for candidate in found])
    if hint is not None:
        ranked = sorted(found, key=lambda candidate: candidate.distance(doc, hint))
        if ranked[0].distance(doc, hint) < ranked[1].distance(doc, hint):
            return ranked[0]
        raise Refusal(
            "ambiguous", f"{len(found)} matches at lines {where}, none nearest to the cursor"
        )
    raise Refusal("ambiguous", f"{len(found)} matches at lines {where}")


def _insertion(doc: Document, replace: Sequence[str], offset: int) -> Candidate:
    """Insert before the line holding ``offset`` when the offset is in its indentation (or
    the line is blank), else after that line."""
    line = doc.line_at(offset)
    text = doc.lines[line]
    indent_end = doc.starts[line] + len(text) - len(text.lstrip())
    new = doc.render(replace)
    if is_blank(text) or offset <= indent_end:
        at = doc.starts[line]
    elif doc.terminated(line):
        at = doc.after(line)
    else:  # after a last line that has no line break
        at = len(doc.text)
        new = doc.eol + new[: -len(doc.eol)] if new else ""
    return Candidate(line, line, at, at, new, "insert")


def _target(lo: int, hi: int) -> str:
    if hi <= lo:
        return "the target has no lines"
    return f"the target is line {hi}" if hi == lo + 1 else f"the target is lines {lo + 1}-{hi}"


def _match_block(
    doc: Document,
    block: EditBlock,
    scope: tuple[int, int],
    lines: tuple[int, int],
    hint: int | None,
) -> Candidate:
    search, replace = lines_without_breaks(block.search), lines_without_breaks(block.replace)
    start, end = scope
    lo, hi = lines
    if all(map(is_blank, search)):
        if doc.text[start:end].strip():
            raise Refusal(
                "empty", "empty SEARCH (only allowed when inserting into an empty target)"
            )
        return _insertion(doc, replace, start)
    known = {line.strip() for line in search}
    lazy = [line for line in replace if is_lazy_elision(line) and line.strip() not in known]
    if lazy:
        raise Refusal("lazy", f"its REPLACE leaves code out with {lazy[0].strip()!r}")
    for strategy in ANYWHERE:
        found = strategy(doc, search, replace, lo, hi)
        if found:
            return _pick(doc, found, hint)
    if (lo, hi) != (0, doc.count):
        for strategy in ANYWHERE:
            try:
                found = strategy(doc, search, replace, 0, doc.count)
            except Refusal:
                found = []  # ambiguous elsewhere too: not worth mentioning
            if found:
                numbers = [candidate.first + 1 for candidate in found]
                where = f"line{'s' if len(numbers) > 1 else ''} {line_list(numbers)}"
                raise Refusal(
                    "outside", f"outside the target scope (it matches {where}; {_target(lo, hi)})"
                )
    found = fuzzy(doc, search, replace, lo, hi)
    if found:
        return _pick(doc, found, hint)
    raise Refusal("no-match", "no match")


def _failure(
    doc: Document, index: int, block: EditBlock, refusal: Refusal, lines: tuple[int, int]
) -> BlockFailure:
    search, replace = lines_without_breaks(block.search), lines_without_breaks(block.replace)
    closest = closest_lines(doc, search, *lines) if refusal.kind == "no-match" else ()
    return BlockFailure(
        index=index,
        search=block.search,
        kind=refusal.kind,
        reason=refusal.reason,
        closest=closest,
        already_applied=already_present(doc, search, replace),
    )


def apply_blocks(
    text: str,
    blocks: Sequence[EditBlock],
    *,
    scope: tuple[int, int],
    hint: int | None = None,
) -> PatchResult:
    """Apply every block to ``text`` inside ``scope`` (code-point offsets), or raise
    :class:`MatchError` and apply none.

    The lines a block may touch are those the scope touches (a scope ending at column 0 does
    not touch that line). An empty SEARCH inserts its REPLACE at the scope, and only when
    the scope holds nothing but whitespace. Blocks that change overlapping text are refused.
    """
    start, end = scope
    if not 0 <= start <= end <= len(text):
        raise ValueError(f"scope {scope} is not inside a text of length {len(text)}")
    doc = Document(text)
    lines = doc.scope_lines(start, end)
    matches: dict[int, Candidate] = {}
    failures: list[BlockFailure] = []
    for index, block in enumerate(blocks):
        try:
            matches[index] = _match_block(doc, block, scope, lines, hint)
        except Refusal as refusal:
            failures.append(_failure(doc, index, block, refusal, lines))
    order = sorted(matches, key=lambda index: (matches[index].start, matches[index].end, index))
    clashing: set[int] = set()  # blocks in an overlap
    blamed: set[int] = set()  # blocks reported as overlapping
    reach: tuple[int, int] | None = None  # (furthest end so far, its block)
    for index in order:
        candidate = matches[index]
        if reach is not None and candidate.start < reach[0]:
            other = reach[1]
            late, early = max(index, other), min(index, other)
            if late not in blamed:
                blamed.add(late)
                failures.append(
                    BlockFailure(
                        index=late,
                        search=blocks[late].search,
                        kind="overlap",
                        reason=f"overlaps block {early + 1}",
                        other=early,
                    )
                )
            clashing.update((late, early))
        if reach is None or candidate.end > reach[0]:
            reach = (candidate.end, index)
    if failures:
        matched = [index for index in sorted(matches) if index not in clashing]
        failures.sort(key=lambda failure: failure.index)
        raise MatchError(failures, matched, len(blocks))
    pieces: list[str] = []
    pos = 0
    for index in order:
        candidate = matches[index]
        pieces += [text[pos : candidate.start], candidate.replacement]
        pos = candidate.end
    pieces.append(text[pos:])
    applied = [
        AppliedBlock(matches[i].start, matches[i].end, matches[i].replacement, matches[i].strategy)
        for i in range(len(blocks))
    ]
    return PatchResult("".join(pieces), applied)
