"""A module with a bug, an instruction comment, and every reply shape that fixes it."""

from __future__ import annotations

from typing import Any

STATS = '''\
"""Small statistics helpers — naïve but handy ✓ 📊."""


def mean(values):
    """Arithmetic mean."""
    total = 0
    for value in values:
        total += value
    return total / len(values)


def median(values):
    """Middle value of the sorted values."""
    if not values:
        raise ValueError("median of nothing")
    for value in values:
        if value != value:
            raise ValueError("NaN has no order")
    ordered = sorted(values)
    middle = len(ordered) // 2
    # ai! an even number of values must give the mean of the two middle ones
    if len(ordered) % 2 == 0:
        return ordered[middle]
    return ordered[middle]


def spread(values):
    """Largest minus smallest."""
    return max(values) - min(values)
'''
INSTRUCTION_LINE = 20  # 0-based line of the ai! comment
INSTRUCTION = "an even number of values must give the mean of the two middle ones"

BUGGY = "        return ordered[middle]\n    return ordered[middle]\n"
FIXED = "        return (ordered[middle - 1] + ordered[middle]) / 2\n    return ordered[middle]\n"


def without_instruction(text: str = STATS) -> str:
    lines = text.splitlines(keepends=True)
    del lines[INSTRUCTION_LINE]
    return "".join(lines)


def expected_fixed() -> str:
    """The file after the fix: the instruction gone and exactly one line changed."""
    source = without_instruction()
    assert source.count(BUGGY) == 1
    return source.replace(BUGGY, FIXED)


SEARCH_REPLACE = """<<<<<<< SEARCH
    if len(ordered) % 2 == 0:
        return ordered[middle]
=======
    if len(ordered) % 2 == 0:
        return (ordered[middle - 1] + ordered[middle]) / 2
>>>>>>> REPLACE"""

FIX_SHAPES: dict[str, str] = {
    "fenced": f"```python\n{SEARCH_REPLACE}\n```",
    "bare": SEARCH_REPLACE,
    "chatter": f"The even case returns one value. Fix:\n\n{SEARCH_REPLACE}\n\nThat averages them.",
    "dedented_search": (
        "<<<<<<< SEARCH\nif len(ordered) % 2 == 0:\n    return ordered[middle]\n=======\n"
        "if len(ordered) % 2 == 0:\n    return (ordered[middle - 1] + ordered[middle]) / 2\n"
        ">>>>>>> REPLACE"
    ),
    "trailing_whitespace": (
        "<<<<<<< SEARCH\n    if len(ordered) % 2 == 0:   \n        return ordered[middle]\t\n"
        "=======\n    if len(ordered) % 2 == 0:\n"
        "        return (ordered[middle - 1] + ordered[middle]) / 2\n>>>>>>> REPLACE"
    ),
    "leading_blank_line": (
        "<<<<<<< SEARCH\n\n    if len(ordered) % 2 == 0:\n        return ordered[middle]\n"
        "=======\n\n    if len(ordered) % 2 == 0:\n"
        "        return (ordered[middle - 1] + ordered[middle]) / 2\n>>>>>>> REPLACE"
    ),
    "unified_diff": (
        "```diff\n--- a/stats.py\n+++ b/stats.py\n@@ -20,4 +20,4 @@\n"
        "     if len(ordered) % 2 == 0:\n"
        "-        return ordered[middle]\n"
        "+        return (ordered[middle - 1] + ordered[middle]) / 2\n"
        "     return ordered[middle]\n```"
    ),
    "whole_function": (
        "```python\n"
        "def median(values):\n"
        '    """Middle value of the sorted values."""\n'
        "    if not values:\n"
        '        raise ValueError("median of nothing")\n'
        "    for value in values:\n"
        "        if value != value:\n"
        '            raise ValueError("NaN has no order")\n'
        "    ordered = sorted(values)\n"
        "    middle = len(ordered) // 2\n"
        "    if len(ordered) % 2 == 0:\n"
        "        return (ordered[middle - 1] + ordered[middle]) / 2\n"
        "    return ordered[middle]\n"
        "```"
    ),
    "think": (
        "<think>Even length: average ordered[middle-1] and ordered[middle].</think>\n"
        f"{SEARCH_REPLACE}"
    ),
}

NO_MATCH = (
    "<<<<<<< SEARCH\n    if len(values) % 2 == 0:\n        return values[middle]\n=======\n"
    "    if len(values) % 2 == 0:\n        return (values[middle - 1] + values[middle]) / 2\n"
    ">>>>>>> REPLACE"
)
# Matches both returns in median (with an indentation offset): inside a selection neither
# place is nearer, so the edit must be refused.
AMBIGUOUS = (
    "<<<<<<< SEARCH\nreturn ordered[middle]\n=======\n"
    "return (ordered[middle - 1] + ordered[middle]) / 2\n>>>>>>> REPLACE"
)


def check_stats(source: str) -> None:
    """The module's own tests: the fixed module passes them, the buggy one does not."""
    namespace: dict[str, Any] = {}
    exec(compile(source, "<stats>", "exec"), namespace)
    median = namespace["median"]
    assert median([3, 1, 2]) == 2
    assert median([4, 1, 3, 2]) == 2.5
    assert namespace["mean"]([1, 2, 3]) == 2
    assert namespace["spread"]([1, 5]) == 4
