"""The quality benchmark's plain-prompt arm places answers as carefully as a person would.

For every task, the reference solution is turned into the shapes real models answer with —
the whole definition, a bare body, the method inside its class, with the file's imports,
with a helper it calls, followed by a usage example, with chatter around the fence — and the
baseline's placement (``benchmarks/quality/placement.py``) must give back the reference
solution (plus the helper, where there is one). A baseline that loses a right answer to a
crude paste would flatter blitzls.
"""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

QUALITY = Path(__file__).resolve().parents[2] / "benchmarks" / "quality"
sys.path.insert(0, str(QUALITY))

from baseline import baseline_prompt  # noqa: E402
from placement import (  # noqa: E402
    FUNCTIONS,
    IMPORTS,
    _enclosing_class,
    _name,
    find_target,
    outer,
    parse,
    place,
    preamble_start,
)
from tasks import FENCE_NAMES, Task, load_all  # noqa: E402

TASKS = load_all()


class Solution:
    """The reference solution's definition and what surrounds it, read from its tree."""

    def __init__(self, task: Task) -> None:
        self.task = task
        self.text = task.solution
        self.lines = self.text.splitlines()
        root = parse(task.language, self.text)
        self.root = root
        # The solution changes only lines inside the scope: its definition starts where the
        # file's does.
        file_target = find_target(task, parse(task.language, task.source))
        matches = [
            n
            for n in _all(root)
            if n.type == file_target.node.type and _name(n) == file_target.name
        ]
        assert matches, f"{task.id}: no {file_target.name} in the solution"
        self.node = min(matches, key=lambda n: abs(n.start_point.row - file_target.header))
        self.name = file_target.name

    @property
    def definition(self) -> list[str]:
        statement = outer(self.node)
        return self.lines[preamble_start(statement) : statement.end_point.row + 1]

    @property
    def body(self) -> list[str]:
        body = self.node.child_by_field_name("body")
        assert body is not None
        if self.task.language == "python":
            return self.lines[body.start_point.row : self.node.end_point.row + 1]
        return self.lines[body.start_point.row + 1 : body.end_point.row]

    @property
    def header_changed(self) -> bool:
        body = self.node.child_by_field_name("body")
        assert body is not None
        header = self.lines[self.node.start_point.row : body.start_point.row + 1]
        return "\n".join(header) not in self.task.source

    @property
    def class_header(self) -> str | None:
        wrapper = _enclosing_class(self.node)
        if wrapper is None:
            return None
        return self.lines[wrapper.start_point.row].strip()

    @property
    def imports(self) -> list[str]:
        return [
            (c.text or b"").decode()
            for c in self.root.named_children
            if c.type in IMPORTS[self.task.language]
        ]


def _all(node):  # type: ignore[no-untyped-def]
    yield node
    for child in node.children:
        yield from _all(child)


def fence(task: Task, code: str) -> str:
    return f"```{FENCE_NAMES[task.language]}\n{code}\n```"


def dedented(lines: list[str]) -> str:
    return textwrap.dedent("\n".join(lines))


def whole(s: Solution) -> str:
    return fence(s.task, dedented(s.definition))


def bare_body(s: Solution) -> str:
    return fence(s.task, dedented(s.body))


def in_its_class(s: Solution) -> str:
    header = s.class_header or ""
    closer = "" if s.task.language == "python" else "\n}"
    inner = textwrap.indent(dedented(s.definition), "    ")
    return fence(s.task, f"{header}\n{inner}{closer}")


def with_imports(s: Solution) -> str:
    return fence(s.task, "\n".join(s.imports) + "\n\n" + dedented(s.definition))


USAGE = {
    "python": 'if __name__ == "__main__":\n    print({name})',
    "javascript": "console.log({name});",
    "typescript": "console.log({name});",
    "rust": 'fn main() {{\n    println!("{{}}", 1);\n}}',
}


def with_usage(s: Solution) -> str:
    usage = USAGE[s.task.language].format(name=s.name)
    return fence(s.task, dedented(s.definition) + "\n\n" + usage)


def with_chatter(s: Solution) -> str:
    return (
        "Sure! Here is the updated code:\n\n"
        + whole(s)
        + "\n\nThis version does what you asked. Example:\n\n"
        + fence(s.task, USAGE[s.task.language].format(name=s.name))
        + "\nLet me know if you need anything else."
    )


SHAPES: dict[str, Callable[[Solution], str]] = {
    "whole": whole,
    "bare-body": bare_body,
    "in-its-class": in_its_class,
    "with-imports": with_imports,
    "with-usage-example": with_usage,
    "with-chatter": with_chatter,
}


def _not_applicable(solution: Solution, shape: str) -> str:
    """Why a reply shape cannot hold this task's answer ("" when it can)."""
    if shape == "in-its-class" and solution.class_header is None:
        return "a function, not a method: there is no class to wrap it in"
    if shape == "bare-body" and solution.node.type not in FUNCTIONS:
        return "not a function"
    if shape == "bare-body" and solution.header_changed:
        return "the solution changes the header, which a bare body leaves out"
    if (
        shape == "bare-body"
        and solution.task.action == "docstring"
        and solution.task.language != "python"
    ):
        return "the doc comment stands above the header, which a bare body leaves out"
    return ""


def _cases() -> list[Any]:
    cases = []
    for task in TASKS:
        solution = Solution(task)
        for shape in SHAPES:
            if not _not_applicable(solution, shape):
                cases.append(pytest.param(task, shape, id=f"{task.id}-{shape}"))
    return cases


@pytest.mark.parametrize(("task", "shape"), _cases())
def test_the_reference_answer_lands_as_the_reference(task: Task, shape: str) -> None:
    reply = SHAPES[shape](Solution(task))
    assert place(task, reply) == task.solution


def test_every_task_is_tried_in_most_shapes() -> None:
    # the shapes left out are the ones that cannot hold the answer, and they are few
    left_out = sum(1 for t in TASKS for s in SHAPES if _not_applicable(Solution(t), s))
    assert len(_cases()) + left_out == len(TASKS) * len(SHAPES)
    assert left_out < len(TASKS)


HELPER = {
    "python": "def bench_helper(value):\n    return value",
    "javascript": "function benchHelper(value) {\n  return value;\n}",
    "typescript": "function benchHelper(value: number): number {\n  return value;\n}",
    "rust": "fn bench_helper(value: u64) -> u64 {\n    value\n}",
}


@pytest.mark.parametrize("task", TASKS, ids=[t.id for t in TASKS])
def test_a_helper_the_answer_uses_is_kept_beside_it(task: Task) -> None:
    solution = Solution(task)
    helper = HELPER[task.language]
    helper_name = helper.split("(")[0].split()[-1]
    definition = dedented(solution.definition)
    # the answer's definition calls the helper (in a comment line it still counts as used:
    # what matters here is where the helper goes, not what it does)
    marker = "#" if task.language == "python" else "//"
    lines = definition.split("\n")
    body_line = next(
        i for i, line in enumerate(lines) if i > 0 and line.strip() and line[:1] in " \t"
    )
    indent = lines[body_line][: len(lines[body_line]) - len(lines[body_line].lstrip())]
    lines.insert(body_line, f"{indent}{marker} uses {helper_name}()")
    reply = fence(task, "\n".join(lines) + "\n\n" + helper)
    placed = place(task, reply)
    assert helper in placed
    without = placed.replace(helper + "\n" + ("\n\n" if task.language == "python" else "\n"), "")
    without = "\n".join(x for x in without.split("\n") if f"uses {helper_name}()" not in x)
    assert without.rstrip("\n") == task.solution.rstrip("\n")


@pytest.mark.parametrize("task", TASKS, ids=[t.id for t in TASKS])
def test_the_baseline_is_told_the_same_facts_as_blitzls(task: Task) -> None:
    prompt = baseline_prompt(task)
    lines = task.source.splitlines()
    first, last = task.scope
    assert "\n".join(lines[first - 1 : last]) in prompt  # the scope, doc comments included
    above = lines[first - 2].strip() if first > 1 else ""
    assert not above.startswith(("///", "#[", "@", "/**", "*")), "doc comment left out"
    assert task.file in prompt
    if task.action == "pseudocode":
        a, _, b = task.lines.partition("-")
        assert lines[int(a) - 1].strip() in prompt and lines[int(b or a) - 1].strip() in prompt
    if task.action == "edit":
        assert task.instruction.rstrip(".") in prompt
    if task.action == "fix":
        assert task.message.rstrip(".") in prompt
    if task.action == "instruction":
        assert "ai!" in prompt
    if task.action == "docstring":
        wanted = {"python": "docstring", "rust": "///", "javascript": "/**", "typescript": "/**"}
        assert wanted[task.language] in prompt
    if task.action in ("docstring", "annotations"):
        assert "Don't change anything else" in prompt
    if task.action == "annotations":
        assert "parameters" in prompt and "return value" in prompt
    header = next(
        x for x in lines[first - 1 : last] if not x.strip().startswith(("@", "#[", "//", "#"))
    )
    assert ("method" if header[:1] in " \t" else "function") in prompt
