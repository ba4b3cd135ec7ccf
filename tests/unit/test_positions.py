"""Code-point columns <-> UTF-8/16/32 code units, and encoding negotiation."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from blitzls.text.positions import (
    Encoding,
    Pos,
    column_to_units,
    units_len,
    units_to_column,
)

ENCODINGS: tuple[Encoding, ...] = ("utf-8", "utf-16", "utf-32")
CODECS = {"utf-8": ("utf-8", 1), "utf-16": ("utf-16-le", 2), "utf-32": ("utf-32-le", 4)}


def oracle_units(s: str, encoding: Encoding) -> int:
    codec, width = CODECS[encoding]
    return len(s.encode(codec, "surrogatepass")) // width


LINE = "a😀é中b"  # 1 + 4 + 2 + 3 + 1 UTF-8 bytes; 1 + 2 + 1 + 1 + 1 UTF-16 units


@pytest.mark.parametrize(("encoding", "expected"), [("utf-8", 11), ("utf-16", 6), ("utf-32", 5)])
def test_units_len_of_mixed_text(encoding: Encoding, expected: int) -> None:
    assert units_len(LINE, encoding) == expected


def test_units_len_of_ascii_and_empty() -> None:
    for encoding in ENCODINGS:
        assert units_len("hello", encoding) == 5
        assert units_len("", encoding) == 0


@pytest.mark.parametrize(
    ("encoding", "columns"),
    [
        ("utf-8", [0, 1, 5, 7, 10, 11]),
        ("utf-16", [0, 1, 3, 4, 5, 6]),
        ("utf-32", [0, 1, 2, 3, 4, 5]),
    ],
)
def test_column_to_units_after_an_emoji(encoding: Encoding, columns: list[int]) -> None:
    assert [column_to_units(LINE, c, encoding) for c in range(6)] == columns


def test_column_past_the_end_or_negative_is_clamped() -> None:
    assert column_to_units(LINE, 99, "utf-16") == 6
    assert column_to_units(LINE, -3, "utf-8") == 0


def test_units_inside_a_surrogate_pair_round_down() -> None:
    assert units_to_column(LINE, 1, "utf-16") == 1
    assert units_to_column(LINE, 2, "utf-16") == 1  # between the two halves of 😀
    assert units_to_column(LINE, 3, "utf-16") == 2


def test_units_inside_a_utf8_sequence_round_down() -> None:
    assert [units_to_column(LINE, u, "utf-8") for u in range(12)] == [
        0, 1, 1, 1, 1, 2, 2, 3, 3, 3, 4, 5,
    ]  # fmt: skip


def test_units_past_the_end_clamp_to_the_line() -> None:
    for encoding in ENCODINGS:
        assert units_to_column(LINE, 1000, encoding) == 5
        assert units_to_column("abc", 1000, encoding) == 3
        assert units_to_column("abc", -1, encoding) == 0


def test_bmp_only_line_in_utf16_counts_one_unit_per_char() -> None:
    assert units_to_column("é中é", 2, "utf-16") == 2
    assert units_to_column("é中é", 2, "utf-8") == 1


def test_line_separator_is_an_ordinary_character() -> None:
    line = "a\u2028b"
    assert units_len(line, "utf-16") == 3
    assert units_len(line, "utf-8") == 5
    assert units_to_column(line, 4, "utf-8") == 2


def test_lone_surrogate_counts_like_surrogatepass() -> None:
    line = "a\ud800b"
    assert units_len(line, "utf-8") == 5
    assert units_len(line, "utf-16") == 3
    assert units_to_column(line, 4, "utf-8") == 2
    assert units_to_column(line, 3, "utf-8") == 1
    assert column_to_units(line, 2, "utf-8") == 4


def test_pos_is_a_tuple() -> None:
    pos = Pos(3, 4)
    assert pos == (3, 4)
    assert (pos.line, pos.character) == (3, 4)
    assert Pos(1, 9) < Pos(2, 0)


line_text = st.text(
    st.sampled_from(["a", " ", "\t", "é", "中", "😀", "\u2028", "\x0c", "𝔸"]), max_size=12
) | st.text(max_size=12)
encodings = st.sampled_from(ENCODINGS)


@settings(max_examples=200, deadline=None)
@given(line_text, encodings, st.data())
def test_units_agree_with_the_codecs(line: str, encoding: Encoding, data: st.DataObject) -> None:
    assert units_len(line, encoding) == oracle_units(line, encoding)
    column = data.draw(st.integers(0, len(line)))
    units = column_to_units(line, column, encoding)
    assert units == oracle_units(line[:column], encoding)
    assert units_to_column(line, units, encoding) == column


@settings(max_examples=200, deadline=None)
@given(line_text, encodings, st.integers(0, 60))
def test_units_to_column_rounds_down(line: str, encoding: Encoding, units: int) -> None:
    column = units_to_column(line, units, encoding)
    assert 0 <= column <= len(line)
    assert oracle_units(line[:column], encoding) <= units
    if column < len(line):
        assert oracle_units(line[: column + 1], encoding) > units
