"""Line-wise minimal text edits for a region, and applying LSP-style edits to a string."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate, compress, count
from operator import ne

from blitzls.text.document import TextDocument
from blitzls.text.lines import split_lines
from blitzls.text.positions import Encoding, Pos


@dataclass(frozen=True)
class TextEditSpec:
    """Replace [start, end) with ``new_text``; positions in the negotiated encoding."""

    start: Pos
    end: Pos
    new_text: str


def _region_lines(text: str) -> list[str]:
    """``split_lines`` without the empty final element."""
    lines = split_lines(text)
    if lines[-1] == "":
        lines.pop()
    return lines


def minimal_edits(
    doc: TextDocument, start_offset: int, end_offset: int, new_text: str, encoding: Encoding
) -> list[TextEditSpec]:
    """Edits that turn ``doc.text[start_offset:end_offset]`` into ``new_text``.

    The region is diffed line by line, so lines it leaves unchanged get no edit. The edits
    are sorted and do not overlap.
    """
    text = doc.text
    start = min(max(start_offset, 0), len(text))
    end = min(max(end_offset, start), len(text))
    # No LSP position lies between the "\r" and "\n" of a CRLF: widen the region instead.
    if 0 < start < len(text) and text[start - 1] == "\r" and text[start] == "\n":
        start -= 1
        new_text = "\r" + new_text
    if 0 < end < len(text) and text[end - 1] == "\r" and text[end] == "\n":
        end += 1
        new_text += "\n"
    old_lines = _region_lines(text[start:end])
    new_lines = _region_lines(new_text)
    old_starts = list(accumulate(map(len, old_lines), initial=start))
    new_starts = list(accumulate(map(len, new_lines), initial=0))
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    edits = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        edits.append(
            TextEditSpec(
                doc.position_at(old_starts[i1], encoding),
                doc.position_at(old_starts[i2], encoding),
                new_text[new_starts[j1] : new_starts[j2]],
            )
        )
    return edits


def apply_edits(text: str, edits: Sequence[TextEditSpec], encoding: Encoding) -> str:
    """Apply LSP-style edits whose positions all refer to ``text``, as a client would.

    Inserts at the same position keep their order; overlapping edits raise ValueError.
    """
    doc = TextDocument("", text)
    spans = []
    for index, edit in enumerate(edits):
        start, end = doc.offset_at(edit.start, encoding), doc.offset_at(edit.end, encoding)
        if end < start:
            raise ValueError(f"edit {index} ends before it starts: {edit}")
        spans.append((start, end, index, edit.new_text))
    spans.sort()
    pieces = []
    done = 0
    for start, end, index, new_text in spans:
        if start < done:
            raise ValueError(f"edit {index} overlaps another edit")
        pieces += [text[done:start], new_text]
        done = end
    pieces.append(text[done:])
    return "".join(pieces)


def common_ends(old: Sequence[str], new: Sequence[str]) -> tuple[int, int]:
    """How many leading and trailing items two sequences share (the ends never overlap).

    Compared in C (``map``), not item by item in Python: on a 10,000-line document this is
    most of the cost of finding what an edit changed."""
    limit = min(len(old), len(new))
    prefix = next(compress(count(), map(ne, old, new)), limit)
    suffix = next(compress(count(), map(ne, reversed(old), reversed(new))), limit)
    return prefix, min(suffix, limit - prefix)
