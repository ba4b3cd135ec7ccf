"""Minimal line-wise edits for a region, and applying LSP-style edits."""

from __future__ import annotations

from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from blitzls.text.document import TextDocument
from blitzls.text.edits import TextEditSpec, apply_edits, minimal_edits
from blitzls.text.positions import Encoding, Pos

ENCODINGS: tuple[Encoding, ...] = ("utf-8", "utf-16", "utf-32")
PIECES = ["a", "b", "x = 1", " ", "\r", "\n", "\r\n", "é", "😀", "中", "\u2028", "\x0c"]

texts = st.lists(st.sampled_from(PIECES), max_size=30).map("".join)

FILE = "def f():\n    # add\n    # one\n    return 1\n\nprint(f())\n"


def edit(start: tuple[int, int], end: tuple[int, int], new_text: str) -> TextEditSpec:
    return TextEditSpec(Pos(*start), Pos(*end), new_text)


# --------------------------------------------------------------------------- minimal_edits


def test_only_changed_lines_get_an_edit() -> None:
    doc = TextDocument("u", FILE)
    new = FILE.replace("    # add\n    # one\n", "    x = 1\n    x += 1\n")
    edits = minimal_edits(doc, 0, len(FILE), new, "utf-16")
    assert edits == [edit((1, 0), (3, 0), "    x = 1\n    x += 1\n")]
    assert apply_edits(FILE, edits, "utf-16") == new


def test_unchanged_region_gives_no_edits() -> None:
    doc = TextDocument("u", FILE)
    assert minimal_edits(doc, 9, 40, FILE[9:40], "utf-16") == []
    assert minimal_edits(doc, 5, 5, "", "utf-8") == []


def test_separate_changes_give_separate_sorted_edits() -> None:
    text = "a\nb\nc\nd\ne\n"
    doc = TextDocument("u", text)
    edits = minimal_edits(doc, 0, len(text), "a\nB\nc\nd\nE\nf\n", "utf-16")
    assert edits == [edit((1, 0), (2, 0), "B\n"), edit((4, 0), (5, 0), "E\nf\n")]


def test_pure_insertion_and_deletion() -> None:
    text = "a\nb\nc\n"
    doc = TextDocument("u", text)
    assert minimal_edits(doc, 0, len(text), "a\nnew\nb\nc\n", "utf-16") == [
        edit((1, 0), (1, 0), "new\n")
    ]
    assert minimal_edits(doc, 0, len(text), "a\nc\n", "utf-16") == [edit((1, 0), (2, 0), "")]


def test_crlf_document_keeps_crlf_and_positions() -> None:
    text = "one\r\ntwo\r\nthree\r\n"
    doc = TextDocument("u", text)
    new = "one\r\nTWO\r\nthree\r\n"
    edits = minimal_edits(doc, 0, len(text), new, "utf-16")
    assert edits == [edit((1, 0), (2, 0), "TWO\r\n")]
    assert apply_edits(text, edits, "utf-16") == new


def test_region_starting_and_ending_mid_line() -> None:
    text = "keep this\nold middle\nand tail\n"
    doc = TextDocument("u", text)
    start, end = text.index("this"), text.index("tail")
    new = "this\nnew middle\nand "
    edits = minimal_edits(doc, start, end, new, "utf-16")
    assert edits == [edit((1, 0), (2, 0), "new middle\n")]
    assert apply_edits(text, edits, "utf-16") == text[:start] + new + text[end:]


def test_region_boundary_inside_a_crlf_is_widened() -> None:
    text = "ab\r\ncd\r\n"
    doc = TextDocument("u", text)
    edits = minimal_edits(doc, 3, 7, "X", "utf-16")  # from between \r and \n of line 0
    assert apply_edits(text, edits, "utf-16") == "ab\rX\n"
    for spec in edits:
        for pos in (spec.start, spec.end):
            offset = doc.offset_at(pos, "utf-16")
            assert text[offset - 1 : offset + 1] != "\r\n"


@pytest.mark.parametrize(("encoding", "character"), [("utf-8", 5), ("utf-16", 3), ("utf-32", 2)])
def test_positions_after_an_emoji(encoding: Encoding, character: int) -> None:
    text = "x😀y\nz\n"
    doc = TextDocument("u", text)
    start = text.index("y")
    edits = minimal_edits(doc, start, start + 1, "Y", encoding)
    assert edits == [edit((0, character), (0, character + 1), "Y")]
    assert apply_edits(text, edits, encoding) == "x😀Y\nz\n"


# --------------------------------------------------------------------------- apply_edits


def test_apply_edits_uses_original_positions() -> None:
    text = "abc\ndef\n"
    edits = [edit((1, 0), (1, 1), "D"), edit((0, 0), (0, 1), "AA")]
    assert apply_edits(text, edits, "utf-16") == "AAbc\nDef\n"


def test_inserts_at_one_position_keep_their_order() -> None:
    edits = [edit((0, 1), (0, 1), "1"), edit((0, 1), (0, 1), "2"), edit((0, 1), (0, 2), "R")]
    assert apply_edits("abc", edits, "utf-16") == "a12Rc"


def test_touching_edits_are_fine_and_overlapping_ones_are_rejected() -> None:
    assert apply_edits("abcd", [edit((0, 0), (0, 2), "X"), edit((0, 2), (0, 4), "Y")], "utf-8") == (
        "XY"
    )
    with pytest.raises(ValueError, match="overlap"):
        apply_edits("abcd", [edit((0, 0), (0, 3), "X"), edit((0, 2), (0, 4), "Y")], "utf-8")
    with pytest.raises(ValueError, match="overlap"):
        apply_edits("abcd", [edit((0, 0), (0, 3), "X"), edit((0, 1), (0, 1), "Y")], "utf-8")


def test_reversed_edit_is_rejected() -> None:
    with pytest.raises(ValueError, match="before it starts"):
        apply_edits("abcd", [edit((0, 3), (0, 1), "X")], "utf-16")


def test_positions_past_the_end_clamp() -> None:
    text = "ab\r\ncd"
    assert apply_edits(text, [edit((0, 9), (0, 9), "!")], "utf-16") == "ab!\r\ncd"
    assert apply_edits(text, [edit((7, 0), (8, 0), "!")], "utf-16") == "ab\r\ncd!"


# --------------------------------------------------------------------------- properties


@settings(max_examples=200, deadline=None)
@given(texts, texts, st.integers(0, 200), st.integers(0, 200), st.sampled_from(ENCODINGS))
def test_minimal_edits_reproduce_the_replacement(
    text: str, new_text: str, a: int, b: int, encoding: Encoding
) -> None:
    start, end = sorted((a % (len(text) + 1), b % (len(text) + 1)))
    doc = TextDocument("u", text)
    edits = minimal_edits(doc, start, end, new_text, encoding)
    assert apply_edits(text, edits, encoding) == text[:start] + new_text + text[end:]
    offsets = [(doc.offset_at(e.start, encoding), doc.offset_at(e.end, encoding)) for e in edits]
    assert all(s1 <= e1 < s2 for (s1, e1), (s2, _) in pairwise(offsets))


line_kinds = st.lists(
    st.tuples(st.sampled_from(["a", "😀", "x = 1", ""]), st.sampled_from(["\n", "\r\n", "\r"])),
    max_size=12,
)


@settings(max_examples=200, deadline=None)
@given(line_kinds, st.data())
def test_one_changed_line_gets_one_edit(kinds: list[tuple[str, str]], data: st.DataObject) -> None:
    lines = [f"{i} {body}{eol}" for i, (body, eol) in enumerate(kinds)] + ["end"]
    text = "".join(lines)
    doc = TextDocument("u", text)
    index = data.draw(st.integers(0, len(kinds)))
    new_lines = list(lines)
    new_lines[index] = "CHANGED" + lines[index][len(lines[index].rstrip("\r\n")) :]
    edits = minimal_edits(doc, 0, len(text), "".join(new_lines), "utf-16")
    end = Pos(index + 1, 0) if index < len(kinds) else Pos(index, 3)
    assert edits == [TextEditSpec(Pos(index, 0), end, new_lines[index])]


def test_common_ends_never_overlap() -> None:
    from blitzls.text.edits import common_ends

    assert common_ends(["a", "b", "c"], ["a", "x", "c"]) == (1, 1)
    assert common_ends(["a", "a"], ["a", "a", "a"]) == (2, 0)
    assert common_ends([], ["a"]) == (0, 0)
    assert common_ends(["a", "b"], ["a", "b"]) == (2, 0)


def test_common_ends_matches_a_line_by_line_count_on_random_lists() -> None:
    import random

    from blitzls.text.edits import common_ends

    def by_hand(old: list[str], new: list[str]) -> tuple[int, int]:
        limit = min(len(old), len(new))
        prefix = 0
        while prefix < limit and old[prefix] == new[prefix]:
            prefix += 1
        suffix = 0
        while suffix < limit - prefix and old[-1 - suffix] == new[-1 - suffix]:
            suffix += 1
        return prefix, suffix

    rng = random.Random(3)
    for _ in range(2000):
        old = [rng.choice("ab") for _ in range(rng.randint(0, 8))]
        new = [rng.choice("ab") for _ in range(rng.randint(0, 8))]
        assert common_ends(old, new) == by_hand(old, new), (old, new)
        assert common_ends(tuple(old), new) == by_hand(old, new)
