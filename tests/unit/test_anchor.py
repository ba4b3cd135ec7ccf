"""find_anchor: the text an action looked at, found again on whole lines or not at all."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from blitzls.lsp.anchor import find_anchor

SCOPE = "def f(x):\n    # double x\n    return y\n"


@pytest.mark.parametrize(
    ("text", "anchor", "expected"),
    [
        (SCOPE, SCOPE, 0),
        ("import os\n" + SCOPE, SCOPE, 10),  # a line added above
        (SCOPE + "\nprint(f(2))\n", SCOPE, 0),  # lines added below
        ("a\n" + SCOPE + "b\n", SCOPE, 2),
        # the scope is the last line, without a final newline
        ("x = 1\n    # print it", "    # print it", 6),
        ("x = 1\n    # print it\n    more", "    # print it", 6),  # a line added after it
        ("x = 1\r\n    # print it\r\n", "    # print it", 7),
        ("a\r\nb\r\n", "b\r\n", 3),
        ("a\rb\r", "b\r", 2),  # old Mac line breaks
    ],
)
def test_found_on_whole_lines(text: str, anchor: str, expected: int) -> None:
    assert find_anchor(text, anchor) == expected


@pytest.mark.parametrize(
    ("text", "anchor"),
    [
        ("x = 1\n    # print it twice", "    # print it"),  # typed after it on its line
        ("x = 1\n    # print it twice\n", "    # print it"),
        ("x = 1\nfoo    # print it", "    # print it"),  # typed before it on its line
        ("x = 1\n    # print it", "    # print ut"),  # the scope itself was edited
        (SCOPE + SCOPE, SCOPE),  # twice: which one is unclear
        ("    # print it\n    # print it", "    # print it"),
        ("def f(x):\n    # double x\n    return y", SCOPE),  # its line break was removed
        ("a\r\nb\r\n", "a\r"),  # would end between the halves of a CRLF
        ("a\r\nb", "\nb"),  # would start between them
        ("anything", ""),
    ],
)
def test_refused_when_not_on_whole_lines_or_not_unique(text: str, anchor: str) -> None:
    assert find_anchor(text, anchor) is None


LINES = st.lists(
    st.text(alphabet="ab \t#😀", max_size=4).map(lambda s: s + "\n"), min_size=1, max_size=6
)


@given(
    before=LINES,
    scope=LINES,
    after=LINES,
    typed=st.text(alphabet="ab\n\r😀", max_size=3),
    where=st.integers(0, 200),
    last_newline=st.booleans(),
)
def test_an_answer_is_always_one_whole_line_occurrence(
    before: list[str],
    scope: list[str],
    after: list[str],
    typed: str,
    where: int,
    last_newline: bool,
) -> None:
    """Whatever was typed where: an offset exactly when the anchor is once, on whole lines."""
    anchor = "".join(scope)
    text = "".join(before) + anchor + "".join(after)
    if not last_newline:
        text = text[:-1]
        anchor = anchor if after else anchor[:-1]
    where = min(where, len(text))
    text = text[:where] + typed + text[where:]
    starts, ends = _line_boundaries(text)
    at = find_anchor(text, anchor)
    occurrences = [i for i in range(len(text)) if text.startswith(anchor, i)]  # overlapping too
    unique = len(occurrences) == 1 and anchor != ""
    where_it_is = text.find(anchor)
    on_whole_lines = where_it_is in starts and where_it_is + len(anchor) in ends
    assert (at is not None) == (unique and on_whole_lines)
    if at is not None:
        assert at == where_it_is


def _line_boundaries(text: str) -> tuple[set[int], set[int]]:
    """Offsets where LSP lines start, and where they end (before or after the break)."""
    starts, ends = {0}, {len(text)}
    for match in re.finditer(r"\r\n|\r|\n", text):
        starts.add(match.end())
        ends.update((match.start(), match.end()))
    return starts, ends
