"""Scoring one arm's result: passed, applied but wrong, refused, unchanged; lines beyond need."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence

from tasks import Task, run_tests

VERDICTS = ("passed", "wrong", "refused", "unchanged")
# A top-level import the new code needs is part of the change, wherever the file keeps imports.
_IMPORT = re.compile(
    r"(?:import\s|from\s+[\w.]+\s+import\s|use\s+[\w:{]+|const\s+\w+\s*=\s*require\()"
)


def changed_lines(before: Sequence[str], after: Sequence[str]) -> tuple[set[int], list[int]]:
    """Original line indices replaced or deleted, and insertion points (with counts repeated)."""
    touched: set[int] = set()
    inserted: list[int] = []
    matcher = difflib.SequenceMatcher(None, list(before), list(after), autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag in ("replace", "delete"):
            touched.update(range(i1, i2))
            if tag == "replace" and j2 - j1 > i2 - i1:
                inserted += [i2] * (j2 - j1 - (i2 - i1))
        elif tag == "insert":
            inserted += [i1] * sum(1 for line in after[j1:j2] if not _IMPORT.match(line))
    return touched, inserted


def lines_beyond_needed(original: str, result: str, solution: str) -> int:
    """Lines the result changes that the reference solution leaves alone.

    Counts original lines replaced or deleted outside the lines the solution changes, plus
    lines inserted more than one line away from any change the solution makes (an added
    top-level import is not counted: the new code needs it). Trailing whitespace is ignored.
    """
    before = [line.rstrip() for line in original.splitlines()]
    mine_touched, mine_inserted = changed_lines(before, [x.rstrip() for x in result.splitlines()])
    need_touched, need_inserted = changed_lines(before, [x.rstrip() for x in solution.splitlines()])
    needed = need_touched | set(need_inserted)
    near = {i + d for i in needed for d in (-1, 0, 1)}
    beyond = len(mine_touched - needed)
    beyond += sum(1 for point in mine_inserted if point not in near)
    return beyond


def verdict(task: Task, text: str | None) -> tuple[str, str]:
    """The verdict for a result (None: nothing applied) and the test output when it failed."""
    if text is None:
        return "refused", ""
    if text == task.source:
        return "unchanged", ""
    tests = run_tests(task, text)
    return ("passed", "") if tests.passed else ("wrong", tests.output[-1500:])
