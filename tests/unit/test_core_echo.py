"""Where an answer may end early: the body's first lines, echoed as the file has them."""

from __future__ import annotations

from blitzls.actions import BUILTIN_ACTIONS
from blitzls.core.echo import EchoStop, echo_stop
from blitzls.core.request import ActionRequest, Snapshot
from blitzls.core.task import prepare
from blitzls.text.lines import split_lines

SOURCE = (
    "class Report:\n"
    "    def render(self, rows):\n"
    "        out = []\n"
    "        for row in rows:\n"
    "            out.append(row)\n"
    "        return out\n"
)


def watcher(action: str = "docstring", source: str = SOURCE) -> EchoStop | None:
    snapshot = Snapshot(tuple(split_lines(source)), 1, "python", "r.py")
    request = ActionRequest(BUILTIN_ACTIONS[action], snapshot, 1, 2, scope="enclosing")
    return echo_stop(prepare(request, "rewrite"))


def feed(stop: EchoStop, lines: list[str]) -> int | None:
    """The index of the line the answer ends on, or None."""
    for index, line in enumerate(lines):
        if stop.line(line):
            return index
    return None


def test_the_answer_ends_on_the_bodys_second_line_and_the_file_supplies_the_rest() -> None:
    stop = watcher()
    assert stop is not None
    reply = [
        "def render(self, rows):",
        '    """Rows as a list."""',
        "    out = []",
        "    for row in rows:",
    ]
    assert feed(stop, [*reply, "        CHANGED", "    return out"]) == 3
    assert stop.reply("python") == (
        "```python\n" + "\n".join(reply) + "\n        out.append(row)\n    return out\n```\n"
    )


def test_the_echo_must_keep_the_files_indentation_relative_to_the_header() -> None:
    stop = watcher()
    assert stop is not None
    # the header at the method's own indentation: the body must be one level deeper
    lines = ["    def render(self, rows):", "    out = []", "    for row in rows:"]
    assert feed(stop, lines) is None
    assert feed(stop, ["        out = []", "        for row in rows:"]) == 1


def test_the_same_lines_one_level_deeper_are_new_code_not_the_echo() -> None:
    stop = watcher()
    assert stop is not None
    lines = [
        "def render(self, rows):",
        "    if rows:",
        "        out = []",
        "        for row in rows:",
    ]
    assert feed(stop, lines) is None


def test_actions_that_may_change_the_body_never_end_early() -> None:
    for action in ("simplify", "edit", "fix", "instruction", "pseudocode"):
        assert watcher(action) is None, action


def test_a_body_of_two_lines_is_not_worth_ending_early() -> None:
    assert watcher(source="def f(x):\n    y = x\n    return y\n") is None


def test_lines_that_turned_out_to_be_thinking_are_forgotten() -> None:
    stop = watcher()
    assert stop is not None
    feed(stop, ["def render(self, rows):", "    out = []"])
    stop.reset()
    assert stop.lines == [] and not stop.done
