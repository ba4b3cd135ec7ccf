"""Check every task: its tests fail on the file as given and pass on the solution.

Run: ``.venv/bin/python benchmarks/quality/validate.py [PATTERN]``.
Also checks that the solution changes only lines inside the task's scope, and that the
``lines`` and ``scope`` fields lie inside the file.
"""

from __future__ import annotations

import difflib
import sys
from concurrent.futures import ThreadPoolExecutor

from tasks import Task, load_all, run_tests


def problems(task: Task) -> list[str]:
    found = []
    source, solution = task.source, task.solution
    lines = source.splitlines()
    first, last = task.scope
    if not 1 <= first <= last <= len(lines):
        found.append(f"scope {first}-{last} is outside the file ({len(lines)} lines)")
    if task.action != "instruction" and not task.lines:
        found.append("'lines' is missing")
    if task.lines:
        a, _, b = task.lines.partition("-")
        span = (int(a), int(b or a))
        if not first <= span[0] <= span[1] <= last:
            found.append(f"lines {task.lines} are not inside the scope {first}-{last}")
        if task.action == "pseudocode":
            marked = lines[span[0] - 1 : span[1]]
            if not all(x.strip().startswith(("#", "//")) or not x.strip() for x in marked):
                found.append(f"lines {task.lines} are not all comment lines")
    if task.action == "instruction" and "ai!" not in source.lower():
        found.append("no 'ai!' comment in the file")
    if task.action == "edit" and not task.instruction:
        found.append("'instruction' is missing")
    if task.action == "fix" and not task.message:
        found.append("'message' is missing")
    matcher = difflib.SequenceMatcher(None, lines, solution.splitlines(), autojunk=False)
    for tag, i1, i2, _, _ in matcher.get_opcodes():
        if tag != "equal" and not (first - 1 <= i1 and i2 <= last):
            found.append(f"the solution changes lines {i1 + 1}-{i2} outside the scope")
    before = run_tests(task, source)
    if before.passed:
        found.append("the tests pass on the file as given")
    after = run_tests(task, solution)
    if not after.passed:
        found.append("the tests fail on the solution:\n" + after.output[-1500:])
    return found


def main() -> int:
    tasks = load_all(sys.argv[1] if len(sys.argv) > 1 else "")
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(problems, tasks))
    bad = 0
    for task, found in zip(tasks, results, strict=True):
        if found:
            bad += 1
            print(f"FAIL {task.id}")
            for item in found:
                print("   ", item.replace("\n", "\n    "))
        else:
            print(f"ok   {task.id} ({task.action}, {task.language})")
    print(f"{len(tasks) - bad} of {len(tasks)} tasks valid")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
