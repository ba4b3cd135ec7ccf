"""Ways to find a block's SEARCH lines in a document, from strict to lenient.

Every strategy looks only at whole lines inside a [lo, hi) line range and returns every place
it matches, each with the text that replaces those lines (see :func:`rebuild`: unchanged
context keeps the document's exact text, new lines get the match's indentation shift). Each
strategy also tolerates what the earlier ones do.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from dataclasses import replace as replace_shift
from difflib import SequenceMatcher
from typing import Literal

from blitzls.patch.document import (
    IDENTITY,
    Document,
    Shift,
    body,
    common_shift,
    find_shift,
    is_blank,
)

__all__ = [
    "FUZZY_LINE",
    "STRICT",
    "Candidate",
    "FailureKind",
    "Refusal",
    "already_present",
    "closest_lines",
    "fuzzy",
    "is_elision",
    "is_lazy_elision",
    "line_list",
]

FUZZY_LINE = 0.8  # difflib ratio two stripped lines need to count as the same line
FUZZY_BLOCK = 0.8  # share of lines that must match in a fuzzy window

_DOTS = r"(?:\.\.\.|…)"
_COMMENT = r"(?:#+|//+|--|;+|/\*+|<!--|\*)"
_ELISION = re.compile(rf"[ \t]*(?:{_COMMENT}[ \t]*)?{_DOTS}(?:\s.*)?")
_LAZY = re.compile(rf"[ \t]*{_COMMENT}[ \t]*{_DOTS}(?:\s.*)?")


def is_elision(line: str) -> bool:
    """``...``, ``…`` or a comment starting with them (``# ... rest unchanged``)."""
    return _ELISION.fullmatch(line.rstrip()) is not None


def is_lazy_elision(line: str) -> bool:
    """A comment standing for omitted code, such as ``// ... existing code ...``."""
    return _LAZY.fullmatch(line.rstrip()) is not None


FailureKind = Literal["no-match", "ambiguous", "outside", "overlap", "empty", "elision", "lazy"]


class Refusal(Exception):
    """A block cannot be applied safely; ``reason`` says why, ``kind`` classifies it."""

    def __init__(self, kind: FailureKind, reason: str) -> None:
        super().__init__(reason)
        self.kind = kind
        self.reason = reason


@dataclass(frozen=True)
class Candidate:
    """Lines [first, last) matched; ``replacement`` replaces text[start:end]."""

    first: int
    last: int
    start: int
    end: int
    replacement: str
    strategy: str

    def distance(self, doc: Document, offset: int) -> int:
        """How far ``offset`` lies from the matched lines' text (0 inside)."""
        content_end = doc.ends[self.last - 1] if self.last > self.first else self.start
        if self.start <= offset <= content_end:
            return 0
        return min(abs(offset - self.start), abs(offset - content_end))


def make_candidate(doc: Document, first: int, last: int, text: str, strategy: str) -> Candidate:
    """A candidate replacing whole lines [first, last) by ``text`` (line breaks included);
    a last line without a line break keeps having none."""
    if not doc.terminated(last - 1):
        if text.endswith("\r\n"):
            text = text[:-2]
        elif text.endswith(("\r", "\n")):
            text = text[:-1]
    return Candidate(first, last, doc.starts[first], doc.after(last - 1), text, strategy)


# --------------------------------------------------------------------------- helpers


def _trim(lines: Sequence[str]) -> tuple[int, int]:
    """(leading, trailing) counts of blank lines."""
    lead = 0
    while lead < len(lines) and is_blank(lines[lead]):
        lead += 1
    trail = 0
    while trail < len(lines) - lead and is_blank(lines[len(lines) - 1 - trail]):
        trail += 1
    return lead, trail


def trim_pair(search: Sequence[str], replace: Sequence[str]) -> tuple[list[str], list[str]]:
    """SEARCH without its leading and trailing blank lines, and REPLACE without as many of its
    own (blank) ones."""
    lead, trail = _trim(search)
    r_lead, r_trail = _trim(replace)
    r_lead = min(lead, r_lead)
    r_trail = min(trail, r_trail, len(replace) - r_lead)
    return list(search[lead : len(search) - trail]), list(replace[r_lead : len(replace) - r_trail])


def rebuild(
    search: Sequence[str],
    replace: Sequence[str],
    window: Sequence[str],
    pairs: Sequence[tuple[int, int]],
    shift: Shift,
    *,
    tidy: bool = True,
) -> list[str]:
    """The lines that replace ``window``: the model's SEARCH→REPLACE change carried onto the
    document lines. ``pairs`` are the (SEARCH row, window index) pairs that matched.

    A REPLACE line repeating a SEARCH line (trailing whitespace aside) is that row's document
    line, so unchanged context keeps its exact text; it is dropped when the row matched no
    document line. Other REPLACE lines get ``shift``, and lose trailing whitespace when
    ``tidy`` and no window line has any. Window lines no SEARCH row matched are kept.
    """
    if tidy and all(line == line.rstrip() for line in window):
        shift = replace_shift(shift, strip=True)
    matcher = SequenceMatcher(
        None, [line.rstrip() for line in search], [line.rstrip() for line in replace], False
    )
    before: list[list[str]] = [[] for _ in range(len(search) + 1)]  # new lines before a row
    keep = [False] * len(search)  # the row's document line stays
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            keep[i1:i2] = [True] * (i2 - i1)
        else:
            before[i1].extend(shift.apply(line) for line in replace[j1:j2])
    row_of = {col: row for row, col in pairs}
    out: list[str] = []
    row = 0
    for col, line in enumerate(window):
        if col not in row_of:
            out.append(line)
            continue
        matched = row_of[col]
        while row < matched:  # rows that matched no document line
            out.extend(before[row])
            row += 1
        out.extend(before[matched])
        if keep[matched]:
            out.append(line)
        row = matched + 1
    for rest in range(row, len(search) + 1):
        out.extend(before[rest])
    return out


def _diagonal(size: int) -> list[tuple[int, int]]:
    return [(row, row) for row in range(size)]


def _windows(keys: Sequence[str], wanted: Sequence[str], lo: int, hi: int) -> Iterator[int]:
    """Starts of the windows in [lo, hi) whose keys equal ``wanted``."""
    size = len(wanted)
    if size == 0:
        return
    head = wanted[0]
    wanted_list = list(wanted)
    for start in range(lo, hi - size + 1):
        if keys[start] == head and list(keys[start : start + size]) == wanted_list:
            yield start


Strategy = Callable[[Document, Sequence[str], Sequence[str], int, int], list[Candidate]]


def _aligned(
    doc: Document,
    search: Sequence[str],
    replace: Sequence[str],
    lo: int,
    hi: int,
    keys: Sequence[str],
    key: Callable[[str], str],
    name: str,
) -> list[Candidate]:
    found = []
    for start in _windows(keys, [key(line) for line in search], lo, hi):
        window = doc.lines[start : start + len(search)]
        lines = rebuild(
            search, replace, window, _diagonal(len(search)), IDENTITY, tidy=name != "exact"
        )
        found.append(make_candidate(doc, start, start + len(search), doc.render(lines), name))
    return found


# --------------------------------------------------------------------------- strategies


def exact(
    doc: Document, search: Sequence[str], replace: Sequence[str], lo: int, hi: int
) -> list[Candidate]:
    """The SEARCH lines exactly (line breaks never matter: lines are compared without them)."""
    return _aligned(doc, search, replace, lo, hi, doc.lines, lambda line: line, "exact")


def trailing_whitespace(
    doc: Document, search: Sequence[str], replace: Sequence[str], lo: int, hi: int
) -> list[Candidate]:
    """The SEARCH lines, trailing whitespace ignored."""
    return _aligned(doc, search, replace, lo, hi, doc.rstripped, str.rstrip, "whitespace")


def blank_lines(
    doc: Document, search: Sequence[str], replace: Sequence[str], lo: int, hi: int
) -> list[Candidate]:
    """The SEARCH lines without their leading and trailing blank lines."""
    trimmed, new = trim_pair(search, replace)
    if len(trimmed) == len(search) or not trimmed:
        return []
    return _aligned(doc, trimmed, new, lo, hi, doc.rstripped, str.rstrip, "blank-lines")


def indentation(
    doc: Document, search: Sequence[str], replace: Sequence[str], lo: int, hi: int
) -> list[Candidate]:
    """The (trimmed) SEARCH lines indented differently by a constant amount; the REPLACE
    lines are shifted by the same amount."""
    trimmed, new = trim_pair(search, replace)
    found = []
    for start in _windows(doc.bodies, [body(line) for line in trimmed], lo, hi):
        window = doc.lines[start : start + len(trimmed)]
        pairs = [
            (mine, theirs)
            for mine, theirs in zip(window, trimmed, strict=True)
            if not is_blank(mine)
        ]
        shift = find_shift(pairs)
        if shift is None:
            continue
        lines = rebuild(trimmed, new, window, _diagonal(len(trimmed)), shift)
        found.append(
            make_candidate(doc, start, start + len(trimmed), doc.render(lines), "indentation")
        )
    return found


STRICT: tuple[Strategy, ...] = (exact, trailing_whitespace, blank_lines, indentation)


def _split_elisions(lines: Sequence[str]) -> list[list[str]]:
    parts: list[list[str]] = [[]]
    for line in lines:
        if is_elision(line):
            parts.append([])
        else:
            parts[-1].append(line)
    return parts


def elision(
    doc: Document, search: Sequence[str], replace: Sequence[str], lo: int, hi: int
) -> list[Candidate]:
    """SEARCH pieces separated by ``...`` lines, each matched uniquely and in order by the
    strict strategies; the REPLACE has as many ``...`` lines, which stand for the same text."""
    if not any(is_elision(line) for line in search):
        return []
    pieces = _split_elisions(search)
    news = _split_elisions(replace)
    if len(pieces) != len(news):
        raise Refusal(
            "elision",
            f"its SEARCH has {len(pieces) - 1} `...` line(s) but its REPLACE has {len(news) - 1}",
        )
    for end in (0, -1):
        if all(map(is_blank, pieces[end])):
            if not all(map(is_blank, news[end])):
                raise Refusal("elision", "its REPLACE adds code where the SEARCH has `...`")
            del pieces[end], news[end]
            if not pieces:
                return []
    if any(all(map(is_blank, piece)) for piece in pieces):
        raise Refusal("elision", "its SEARCH has two `...` lines with nothing between them")
    pos = lo
    matched: list[Candidate] = []
    for number, (piece, new) in enumerate(zip(pieces, news, strict=True), start=1):
        for strategy in STRICT:
            found = strategy(doc, piece, new, pos, hi)
            if found:
                break
        else:
            return []
        if len(found) > 1:
            where = line_list([c.first + 1 for c in found])
            raise Refusal(
                "ambiguous",
                f"part {number} of its SEARCH (between `...` lines) matches {len(found)} "
                f"times, at lines {where}",
            )
        matched.append(found[0])
        pos = found[0].last
    text = []
    for index, piece_match in enumerate(matched):
        if index:
            text.append(doc.text[matched[index - 1].end : piece_match.start])
        text.append(piece_match.replacement)
    first, last = matched[0].first, matched[-1].last
    return [make_candidate(doc, first, last, "".join(text), "elision")]


ANYWHERE: tuple[Strategy, ...] = (*STRICT, elision)


# --------------------------------------------------------------------------- fuzzy


def _similarities(keys: Sequence[str], lines: Sequence[str], floor: float) -> list[list[float]]:
    """difflib ratio of each key against each line, 0.0 where it is below ``floor``."""
    table: list[list[float]] = []
    for key in keys:
        matcher = SequenceMatcher(None, "", key, False)  # caches what it knows about ``key``
        row: list[float] = []
        for line in lines:
            total = len(key) + len(line)
            value = 0.0
            if line == key:
                value = 1.0
            elif total and 2 * min(len(key), len(line)) >= floor * total:
                matcher.set_seq1(line)
                if matcher.quick_ratio() >= floor:
                    ratio = matcher.ratio()
                    value = ratio if ratio >= floor else 0.0
            row.append(value)
        table.append(row)
    return table


_NONE = -1.0


def _align(
    sim: Sequence[Sequence[float]], base: int, rows: int, cols: int
) -> tuple[float, list[tuple[int, int]]]:
    """Best monotone pairing of search rows with window columns [base, base + cols), pairs at
    most one line off the diagonal: (total similarity, [(row, column in the window)]).

    Dynamic programming over the band of cells (row, col) with |row - col| <= 1, stored at
    ``[row][col - row + 1]``; a move is a skipped row, a skipped column or a pair.
    """
    total = [[_NONE] * 3 for _ in range(rows + 1)]
    move = [[0] * 3 for _ in range(rows + 1)]  # 1 skip row, 2 skip column, 3 pair
    total[0][1] = 0.0
    for row in range(rows + 1):
        for band in range(3):
            col = row + band - 1
            if col < 0 or col > cols or (row == 0 and col == 0):
                continue
            best, how = _NONE, 0
            if row and band < 2 and total[row - 1][band + 1] > best:  # from (row - 1, col)
                best, how = total[row - 1][band + 1], 1
            if col and band and total[row][band - 1] > best:  # from (row, col - 1)
                best, how = total[row][band - 1], 2
            if row and col and total[row - 1][band] >= 0:  # from (row - 1, col - 1)
                value = sim[row - 1][base + col - 1]
                if value and total[row - 1][band] + value > best:
                    best, how = total[row - 1][band] + value, 3
            total[row][band], move[row][band] = best, how
    end = cols - rows + 1
    if not 0 <= end <= 2 or total[rows][end] < 0:
        return 0.0, []
    pairs: list[tuple[int, int]] = []
    row, col = rows, cols
    while (row, col) != (0, 0):
        how = move[row][col - row + 1]
        if how == 3:
            pairs.append((row - 1, col - 1))
        row, col = (
            (row - 1, col) if how == 1 else (row, col - 1) if how == 2 else (row - 1, col - 1)
        )
    pairs.reverse()
    return total[rows][end], pairs


def fuzzy(
    doc: Document, search: Sequence[str], replace: Sequence[str], lo: int, hi: int
) -> list[Candidate]:
    """Windows of the (trimmed) SEARCH's length ±1 whose stripped lines are similar (difflib
    ratio ≥ 0.8) for at least 80% of the lines, pairs at most one line off the diagonal;
    only the best-scoring ones are returned. Needs two or more non-blank SEARCH lines."""
    trimmed, new = trim_pair(search, replace)
    if sum(not is_blank(line) for line in trimmed) < 2 or any(map(is_elision, trimmed)):
        return []  # a single line is too little evidence for a fuzzy match
    rows = len(trimmed)
    keys = [line.strip() for line in trimmed]
    sim = _similarities(keys, doc.stripped[lo:hi], FUZZY_LINE)
    scored: list[tuple[float, int, int, int, list[tuple[int, int]]]] = []
    for start in range(lo, hi):
        offset = start - lo
        reachable = sum(  # rows with a similar line on the band: an upper bound on pairs
            any(
                0 <= offset + col < hi - lo and sim[row][offset + col]
                for col in (row - 1, row, row + 1)
            )
            for row in range(rows)
        )
        if reachable < FUZZY_BLOCK * rows - 1e-9:
            continue
        for size in (rows - 1, rows, rows + 1):
            if size < 1 or start + size > hi:
                continue
            longest = max(rows, size)
            total, pairs = _align(sim, start - lo, rows, size)
            if len(pairs) >= FUZZY_BLOCK * longest - 1e-9:
                # Rank by score, then by fewer document lines left unpaired.
                score = round(total / longest, 9)
                scored.append((score, len(pairs) - size, start, size, pairs))
    if not scored:
        return []
    top = max(entry[:2] for entry in scored)
    found = []
    for *rank, start, size, pairs in scored:
        if tuple(rank) != top:
            continue
        window = doc.lines[start : start + size]
        shift = common_shift(
            [(window[col], trimmed[row]) for row, col in pairs if not is_blank(trimmed[row])]
        )
        lines = rebuild(trimmed, new, window, pairs, shift)
        found.append(make_candidate(doc, start, start + size, doc.render(lines), "fuzzy"))
    return found


# --------------------------------------------------------------------------- diagnostics


def closest_lines(
    doc: Document, search: Sequence[str], lo: int, hi: int, *, floor: float = 0.5
) -> tuple[tuple[int, str], ...]:
    """The window of [lo, hi) most like the (trimmed) SEARCH, as (1-based number, line)
    pairs; empty when no window reaches an average line similarity of ``floor``."""
    trimmed, _ = trim_pair(search, [])
    if not trimmed or hi <= lo:
        return ()
    size = min(len(trimmed), hi - lo)
    keys = [line.strip() for line in trimmed]
    sim = _similarities(keys, doc.stripped[lo:hi], floor)
    best, best_start = 0.0, lo
    for start in range(lo, hi - size + 1):
        score = sum(sim[row][start - lo + row] for row in range(size)) / len(trimmed)
        if score > best:
            best, best_start = score, start
    if best < floor:
        return ()
    return doc.numbered(best_start, best_start + size)


def already_present(doc: Document, search: Sequence[str], replace: Sequence[str]) -> bool:
    """Whether the REPLACE lines (indentation aside) are already in the document."""
    trimmed, new = trim_pair(search, replace)
    new_keys = [body(line) for line in new]
    if not any(new_keys) or new_keys == [body(line) for line in trimmed]:
        return False
    return next(_windows(doc.bodies, new_keys, 0, doc.count), None) is not None


def line_list(numbers: Sequence[int]) -> str:
    """``10 and 40`` / ``3, 10 and 40`` (at most five numbers shown)."""
    shown = [str(number) for number in numbers[:5]]
    if len(numbers) > 5:
        return ", ".join(shown) + ", …"
    if len(shown) == 1:
        return shown[0]
    return ", ".join(shown[:-1]) + " and " + shown[-1]
