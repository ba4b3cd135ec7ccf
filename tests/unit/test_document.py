"""Line splitting, positions in a document, and incremental changes."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from blitzls.text import document as document_module
from blitzls.text.document import TextDocument
from blitzls.text.lines import split_lines
from blitzls.text.positions import Encoding, Pos

ENCODINGS: tuple[Encoding, ...] = ("utf-8", "utf-16", "utf-32")
CODECS = {"utf-8": ("utf-8", 1), "utf-16": ("utf-16-le", 2), "utf-32": ("utf-32-le", 4)}
PIECES = ["a", "b", " ", "\r", "\n", "\r\n", "é", "😀", "中", "\u2028", "\x0c", "\x85", "\x0b"]

texts = st.lists(st.sampled_from(PIECES), max_size=30).map("".join)
# Few kinds of characters, so line breaks meet each other often.
breaky = st.lists(st.sampled_from(["\r", "\n", "a", "😀"]), max_size=10).map("".join)
encodings = st.sampled_from(ENCODINGS)


def oracle_units(s: str, encoding: Encoding) -> int:
    codec, width = CODECS[encoding]
    return len(s.encode(codec)) // width


def oracle_lines(text: str) -> list[tuple[str, str]]:
    """(content, terminator) pairs by a plain regex split."""
    parts = re.split(r"(\r\n|\r|\n)", text)
    return list(zip(parts[0::2], [*parts[1::2], ""], strict=True))


def oracle_offset(text: str, pos: Pos, encoding: Encoding) -> int:
    lines = oracle_lines(text)
    if pos.line >= len(lines):
        return len(text)
    start = sum(len(c) + len(t) for c, t in lines[: pos.line])
    content = lines[pos.line][0]
    column = max(
        c for c in range(len(content) + 1) if oracle_units(content[:c], encoding) <= pos.character
    )
    return start + column


# --------------------------------------------------------------------------- split_lines


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", [""]),
        ("abc", ["abc"]),
        ("a\n", ["a\n", ""]),
        ("a\r\nb\rc\nd", ["a\r\n", "b\r", "c\n", "d"]),
        ("\r\r\n\n\r", ["\r", "\r\n", "\n", "\r", ""]),
        ("\n\r", ["\n", "\r", ""]),
        ("a\u2028b\x0cc\x85d\x0be\x1cf\n", ["a\u2028b\x0cc\x85d\x0be\x1cf\n", ""]),
        ("x\u2029\r\ny", ["x\u2029\r\n", "y"]),
    ],
)
def test_split_lines(text: str, expected: list[str]) -> None:
    assert split_lines(text) == expected


@settings(max_examples=200, deadline=None)
@given(texts)
def test_split_lines_matches_a_plain_regex_split(text: str) -> None:
    lines = split_lines(text)
    assert "".join(lines) == text
    assert [(line.rstrip("\r\n"), line[len(line.rstrip("\r\n")) :]) for line in lines] == (
        oracle_lines(text)
    )


# --------------------------------------------------------------------------- access


def test_lines_and_line_text_on_a_crlf_document() -> None:
    doc = TextDocument("file:///a.py", "one\r\ntwo\r\n", 3, "python")
    assert doc.lines == ["one\r\n", "two\r\n", ""]
    assert doc.line_count == 3
    assert [doc.line_text(i) for i in range(3)] == ["one", "two", ""]
    assert (doc.uri, doc.version, doc.language_id) == ("file:///a.py", 3, "python")


def test_text_is_rebuilt_after_a_change() -> None:
    doc = TextDocument("u", "a\nb\n")
    assert doc.text == "a\nb\n"
    doc.apply_change("B", (Pos(1, 0), Pos(1, 1)), "utf-16", None)
    assert doc.text == "a\nB\n"


# --------------------------------------------------------------------------- positions

EMOJI_DOC = "x😀y\r\nsecond\r\n"


@pytest.mark.parametrize(
    ("encoding", "character", "offset"),
    [
        ("utf-16", 3, 2),  # after the emoji: 1 + 2 units
        ("utf-16", 2, 1),  # inside the emoji: rounds down to its start
        ("utf-8", 5, 2),  # 1 + 4 bytes
        ("utf-8", 3, 1),
        ("utf-32", 2, 2),
        ("utf-16", 4, 3),
        ("utf-16", 99, 3),  # past the end of the line: before the CRLF
    ],
)
def test_offset_after_an_emoji(encoding: Encoding, character: int, offset: int) -> None:
    doc = TextDocument("u", EMOJI_DOC)
    assert doc.offset_at(Pos(0, character), encoding) == offset


def test_offset_past_the_end_of_the_document() -> None:
    doc = TextDocument("u", EMOJI_DOC)
    assert doc.offset_at(Pos(2, 0), "utf-16") == len(EMOJI_DOC)
    assert doc.offset_at(Pos(3, 0), "utf-16") == len(EMOJI_DOC)
    assert doc.offset_at(Pos(50, 7), "utf-8") == len(EMOJI_DOC)
    assert doc.offset_at(Pos(1, 99), "utf-8") == EMOJI_DOC.index("second") + 6
    assert doc.offset_at(Pos(-1, 5), "utf-16") == 0


@pytest.mark.parametrize(
    ("offset", "utf16", "utf8"),
    [
        (0, Pos(0, 0), Pos(0, 0)),
        (2, Pos(0, 3), Pos(0, 5)),
        (3, Pos(0, 4), Pos(0, 6)),
        (4, Pos(0, 4), Pos(0, 6)),  # between "\r" and "\n": end of the content
        (5, Pos(1, 0), Pos(1, 0)),
        (len(EMOJI_DOC), Pos(2, 0), Pos(2, 0)),
        (len(EMOJI_DOC) + 10, Pos(2, 0), Pos(2, 0)),
        (-4, Pos(0, 0), Pos(0, 0)),
    ],
)
def test_position_at(offset: int, utf16: Pos, utf8: Pos) -> None:
    doc = TextDocument("u", EMOJI_DOC)
    assert doc.position_at(offset, "utf-16") == utf16
    assert doc.position_at(offset, "utf-8") == utf8


def test_line_separator_inside_a_line_does_not_start_a_line() -> None:
    doc = TextDocument("u", "a\u2028b\nc")
    assert doc.line_count == 2
    assert doc.offset_at(Pos(1, 0), "utf-16") == 4
    assert doc.position_at(2, "utf-16") == Pos(0, 2)


@settings(max_examples=200, deadline=None)
@given(texts, encodings, st.data())
def test_offsets_match_an_oracle(text: str, encoding: Encoding, data: st.DataObject) -> None:
    doc = TextDocument("u", text)
    pos = Pos(
        data.draw(st.integers(0, doc.line_count + 1)),
        data.draw(st.integers(0, 12)),
    )
    assert doc.offset_at(pos, encoding) == oracle_offset(text, pos, encoding)
    offset = data.draw(st.integers(0, len(text)))
    inside_crlf = 0 < offset < len(text) and text[offset - 1 : offset + 1] == "\r\n"
    back = doc.offset_at(doc.position_at(offset, encoding), encoding)
    assert back == (offset - 1 if inside_crlf else offset)


# --------------------------------------------------------------------------- changes


def change(doc: TextDocument, start: tuple[int, int], end: tuple[int, int], text: str) -> None:
    doc.apply_change(text, (Pos(*start), Pos(*end)), "utf-16", None)


def test_inserting_cr_before_lf_makes_one_crlf_break() -> None:
    doc = TextDocument("u", "a\nb")
    change(doc, (0, 1), (0, 1), "\r")
    assert doc.lines == ["a\r\n", "b"]
    assert doc.line_count == 2


def test_deleting_between_cr_and_lf_joins_them() -> None:
    doc = TextDocument("u", "a\rX\nb")
    assert doc.lines == ["a\r", "X\n", "b"]
    change(doc, (1, 0), (1, 1), "")
    assert doc.lines == ["a\r\n", "b"]
    assert doc.text == "a\r\nb"


def test_inserting_lf_after_a_lone_cr_joins_them() -> None:
    doc = TextDocument("u", "a\rb")
    change(doc, (1, 0), (1, 0), "\n")
    assert doc.lines == ["a\r\n", "b"]


def test_replacing_a_crlf_with_cr_leaves_a_lone_cr() -> None:
    doc = TextDocument("u", "a\r\nb\r\nc")
    change(doc, (0, 1), (1, 0), "\r")
    assert doc.lines == ["a\r", "b\r\n", "c"]


def test_change_with_line_separator_and_newlines() -> None:
    doc = TextDocument("u", "ab\ncd")
    change(doc, (0, 1), (1, 1), "\u2028X\r\nY")
    assert doc.lines == ["a\u2028X\r\n", "Yd"]


def test_change_past_the_end_appends() -> None:
    doc = TextDocument("u", "a\nb")
    change(doc, (9, 9), (9, 9), "\nc")
    assert doc.lines == ["a\n", "b\n", "c"]


def test_reversed_range_is_swapped() -> None:
    doc = TextDocument("u", "hello\nworld")
    change(doc, (1, 2), (0, 3), "")
    assert doc.text == "helrld"


def test_change_after_an_emoji_uses_the_encoding() -> None:
    doc = TextDocument("u", "😀ab")
    doc.apply_change("X", (Pos(0, 4), Pos(0, 5)), "utf-8", 7)
    assert doc.text == "😀Xb"
    doc.apply_change("Y", (Pos(0, 2), Pos(0, 3)), "utf-16", None)
    assert doc.text == "😀Yb"
    assert doc.version == 7


def test_full_replacement_and_version() -> None:
    doc = TextDocument("u", "old", 1)
    doc.apply_change("new\r\ntext", None, "utf-16", 2)
    assert doc.lines == ["new\r\n", "text"]
    assert doc.text == "new\r\ntext"
    assert doc.version == 2


def test_incremental_change_keeps_the_other_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    lines = [f"line {i}\n" for i in range(10_000)]
    doc = TextDocument("u", "".join(lines))
    before = list(doc.lines)
    split_sizes: list[int] = []
    real_split = document_module.split_lines

    def spy(text: str) -> list[str]:
        split_sizes.append(len(text))
        return real_split(text)

    monkeypatch.setattr(document_module, "split_lines", spy)
    change(doc, (5000, 2), (5001, 3), "X\nY")
    assert split_sizes and max(split_sizes) < 40
    assert doc.line_count == 10_001
    assert doc.lines[5000] == "liX\n"
    assert doc.lines[5001] == "Ye 5001\n"
    assert all(doc.lines[i] is before[i] for i in (0, 4999, 5002, 9999))
    assert doc.text == "".join(before[:5000]) + "liX\nYe 5001\n" + "".join(before[5002:])


changes = st.tuples(
    st.integers(0, 12), st.integers(0, 8), st.integers(0, 12), st.integers(0, 8), breaky | texts
)


@settings(max_examples=200, deadline=None)
@given(breaky | texts, encodings, st.lists(changes, min_size=1, max_size=4), st.booleans())
def test_incremental_changes_match_a_fresh_split(
    text: str,
    encoding: Encoding,
    edits: list[tuple[int, int, int, int, str]],
    by_offset: bool,
) -> None:
    doc = TextDocument("u", text, 0)
    expected = text
    for version, (a, b, c, d, new_text) in enumerate(edits, start=1):
        fresh = TextDocument("u", expected)
        if by_offset:  # positions from offsets, as an editor would send them
            size = len(expected) + 1
            start, end = (
                fresh.position_at(a * b % size, encoding),
                fresh.position_at(c * d % size, encoding),
            )
        else:  # arbitrary positions: past the ends, inside surrogate pairs ...
            start, end = Pos(a % (fresh.line_count + 1), b), Pos(c % (fresh.line_count + 1), d)
        if end < start:
            start, end = end, start
        low, high = fresh.offset_at(start, encoding), fresh.offset_at(end, encoding)
        expected = expected[:low] + new_text + expected[high:]
        doc.apply_change(new_text, (start, end), encoding, version)
        assert doc.lines == split_lines(expected)
        assert doc.text == expected
        assert doc.version == version
