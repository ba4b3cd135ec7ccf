"""Which lines an editor range or a --lines value selects."""

from __future__ import annotations

import pytest

from blitzls.targets import lines_for_range, parse_line_spec

LINES = [
    "def f(x):\n",
    "    # double x\n",
    "    # then add one\n",
    "    return x\n",
    "\n",
    "y = 1",
]


def test_cursor_in_comment_block_selects_the_block() -> None:
    assert lines_for_range(LINES, (2, 5), (2, 5), ("#",), is_point=True) == (1, 3)


def test_cursor_on_code_selects_nothing() -> None:
    assert lines_for_range(LINES, (3, 4), (3, 5), ("#",), is_point=True) is None


def test_selection_ending_at_column_zero_excludes_that_line() -> None:
    assert lines_for_range(LINES, (1, 0), (3, 0), ("#",), is_point=False) == (1, 3)
    assert lines_for_range(LINES, (1, 3), (3, 2), ("#",), is_point=False) == (1, 4)


def test_blank_selection_selects_nothing_and_ranges_are_clamped() -> None:
    assert lines_for_range(LINES, (4, 0), (4, 0), ("#",), is_point=False) is None
    assert lines_for_range(LINES, (3, 0), (99, 0), ("#",), is_point=False) == (3, 6)


@pytest.mark.parametrize(
    ("spec", "expected"), [("12-15", (11, 15)), ("3", (2, None)), (" 4-4 ", (3, 4))]
)
def test_line_specs(spec: str, expected: tuple[int, int | None]) -> None:
    assert parse_line_spec(spec) == expected


@pytest.mark.parametrize("spec", ["0-3", "5-2", "a-b", "", "1-"])
def test_bad_line_specs(spec: str) -> None:
    with pytest.raises(ValueError):
        parse_line_spec(spec)
