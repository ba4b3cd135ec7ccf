"""A 3-line bug fix inside a 150-line function, sent as one SEARCH/REPLACE block in the ways
models really get it slightly wrong."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from blitzls.languages.syntax import syntax_error
from blitzls.patch.match import apply_blocks
from blitzls.patch.parse import parse_edits

BUGGY = [
    "            for index in range(1, len(group)):",
    "                key = group[index - 1]",
    "                totals[key] = totals.get(key, 0) + index",
]
FIXED = [
    "            for index in range(len(group)):",
    "                key = group[index]",
    "                totals[key] = totals.get(key, 0) + 1",
]
BEFORE = "        if group:"
AFTER = "            seen += len(group)"


def build_function() -> list[str]:
    """``summarize``: 150 lines of straight-line code around a loop with an off-by-one bug."""
    lines = [
        "def summarize(groups, threshold=3):",
        '    """Count how often each key occurs across groups, plus some statistics."""',
        "    totals = {}",
        "    seen = 0",
    ]
    filler = 0
    while len(lines) < 70:
        lines.append(f"    stat_{filler} = threshold * {filler} + len(groups)  # step {filler}")
        filler += 1
    lines += [
        "    for group in groups:",
        BEFORE,
        *BUGGY,
        AFTER,
        "        else:",
        "            seen += 0",
    ]
    while len(lines) < 149:
        lines.append(f"    stat_{filler} = stat_{filler - 1} - {filler % 7}")
        filler += 1
    lines.append("    return totals, seen, stat_0")
    return lines


FUNCTION = build_function()
FILE = "import math\n\n\n" + "\n".join(FUNCTION) + "\n\n\ndef other():\n    return math.pi\n"
SCOPE = (FILE.index("def summarize"), FILE.index("\n\n\ndef other"))


def run(text: str) -> object:
    namespace: dict[str, Any] = {}
    exec(compile(text, "<patched>", "exec"), namespace)
    summarize: Callable[..., object] = namespace["summarize"]
    return summarize([["a", "b", "a"], ["b"]])


def reply_for(search: list[str], replace: list[str]) -> str:
    return (
        "The loop skips the first element; fix:\n\n```python\n<<<<<<< SEARCH\n"
        + "\n".join(search)
        + "\n=======\n"
        + "\n".join(replace)
        + "\n>>>>>>> REPLACE\n```\n"
    )


def dedent(lines: list[str], width: int) -> list[str]:
    return [line[width:] for line in lines]


VARIANTS = {
    "dedented": reply_for(dedent([BEFORE, *BUGGY, AFTER], 8), dedent([BEFORE, *FIXED, AFTER], 8)),
    "trailing whitespace": reply_for(
        [line + "  " for line in [BEFORE, *BUGGY, AFTER]],
        [line + " " for line in [BEFORE, *FIXED]] + [AFTER + "\t"],
    ),
    "leading blank line": reply_for(["", *BUGGY, AFTER], ["", *FIXED, AFTER]),
}


def test_the_function_is_as_described() -> None:
    assert len(FUNCTION) == 150
    assert syntax_error(FILE, "python") is None
    assert run(FILE) == ({"a": 1, "b": 2}, 4, 2)  # the bug: wrong keys and counts


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_three_line_fix_changes_exactly_three_lines(variant: str) -> None:
    blocks = parse_edits(VARIANTS[variant])
    assert len(blocks) == 1
    result = apply_blocks(FILE, blocks, scope=SCOPE)
    assert syntax_error(result.new_text, "python") is None
    old, new = FILE.split("\n"), result.new_text.split("\n")
    assert len(new) == len(old)
    changed = [(number, new[number]) for number in range(len(old)) if old[number] != new[number]]
    first = old.index(BUGGY[0])
    assert changed == [(first + offset, line) for offset, line in enumerate(FIXED)]
    assert run(result.new_text) == ({"a": 2, "b": 2}, 4, 2)
