"""Committed benchmark runs keep every result as a diff that gives the result back exactly."""

from __future__ import annotations

import sys
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks" / "quality"))

from runs import diff, patch

LINES = st.lists(
    st.sampled_from(["x = 1\n", "é 😀\n", "\n", "  return y\r\n", "z", "# c\r", "def f():\n"]),
    max_size=30,
)


@given(LINES, LINES)
def test_a_result_comes_back_from_its_diff(before: list[str], after: list[str]) -> None:
    old, new = "".join(before), "".join(after)
    assert patch(old, diff(old, new)) == new


def test_a_result_without_a_final_line_break_comes_back() -> None:
    old = "a\nb\nc\n"
    for new in ("a\nB\nc", "a\nb\nc", "", "a\n", "z\na\nb\nc\nd"):
        assert patch(old, diff(old, new)) == new
    for old, new in (("a\nb", "x\na\nb"), ("a\nb", "a\nb\n"), ("a\r\nb", "a\r\nc\r\n")):
        assert patch(old, diff(old, new)) == new
