"""An instructed rewrite ends where the model, past its change, repeats the file again."""

from __future__ import annotations

from blitzls.actions import BUILTIN_ACTIONS
from blitzls.core.lines import Indenter
from blitzls.core.request import ActionRequest, Snapshot
from blitzls.core.resync import ResyncStop, resync_stop
from blitzls.core.task import prepare
from blitzls.prompts import code_rows
from blitzls.text.lines import split_lines

FILE = [
    "def total(items):",
    "    count = 0",
    "    for item in items:",
    "        count += item.price",
    "    tax = count * 0.2",
    "    return count + tax",
]


def watch(reply: list[str], file: list[str] = FILE) -> tuple[ResyncStop, int | None]:
    """The watcher after ``reply``, and the index of the line it ended on."""
    watcher = ResyncStop(file, file, Indenter(False))
    for index, line in enumerate(reply):
        if watcher.line(line):
            return watcher, index
    return watcher, None


def test_the_answer_ends_two_rows_after_the_change_and_the_rest_is_the_files() -> None:
    reply = [*FILE[:3], "        count += item.price * item.qty", *FILE[4:6]]
    watcher, ended = watch(reply)
    assert ended == 5  # the change, then two of the file's rows
    assert watcher.reply("python") == "```python\n" + "\n".join(reply) + "\n```\n"


def test_the_file_rows_after_the_sync_are_put_back() -> None:
    file = [*FILE[:5], "    # the total with tax", "    return count + tax"]
    reply = [*file[:3], "        count += item.price * item.qty", file[4], file[5]]
    watcher, ended = watch([*reply, "    return 0"], file)
    assert ended == 5
    assert watcher.reply("py").splitlines()[1:-1] == [*reply, "    return count + tax"]


def test_a_reply_that_only_repeats_the_file_is_never_cut() -> None:
    watcher, ended = watch(FILE)
    assert ended is None and not watcher.done


def test_one_shared_row_between_two_changes_does_not_end_the_answer() -> None:
    reply = [FILE[0], "    count = 0.0", FILE[2], "        count += float(item.price)"]
    assert watch(reply)[1] is None


def test_rows_found_twice_after_the_change_do_not_end_the_answer() -> None:
    file = [
        "def f(a, b):",
        "    x = 1",
        "    y = a",
        "    z = b",
        "    y = a",
        "    z = b",
        "    return x",
    ]
    reply = ["def f(a, b):", "    x = 2", "    y = a", "    z = b"]
    assert watch(reply, file)[1] is None
    # the third row makes the place unique: the file from there on is put back
    watcher, ended = watch([*reply, "    y = a", "    z = b"], file)
    assert ended == 4
    assert watcher.reply("py").splitlines()[1:-1] == ["def f(a, b):", "    x = 2", *file[2:]]


def test_rows_at_another_indentation_are_new_code_not_the_file() -> None:
    reply = [
        *FILE[:3],
        "        if item:",
        "            count += item.price",
        "        tax = count * 0.2",
        "        return count + tax",
    ]
    assert watch(reply)[1] is None


def test_a_reply_indented_differently_gets_the_rest_at_its_own_indentation() -> None:
    body = [*FILE[:5], "    log(tax)", "    return count + tax"]
    method = ["    " + x for x in body]  # answered without its class's indentation
    reply = [*FILE[:3], "        count += item.price * item.qty", FILE[4], "    log(tax)"]
    watcher, ended = watch(reply, method)
    assert ended == 5
    assert watcher.reply("py").splitlines()[1:-1] == [*reply, "    return count + tax"]


def test_a_deleted_row_is_a_change_too() -> None:
    reply = [*FILE[:3], *FILE[4:6]]  # the loop's body left out
    watcher, ended = watch(reply)
    assert ended == 4
    assert "count += item.price" not in watcher.reply("py")


def test_reset_forgets_the_lines_so_far() -> None:
    watcher, _ = watch([*FILE[:3], "        x = 1"])
    watcher.reset()
    assert watcher.lines == [] and not watcher.changed


def task(action: str, source: str, line: int, **extra: str):  # type: ignore[no-untyped-def]
    snapshot = Snapshot(tuple(split_lines(source)), 1, "python", "t.py")
    request = ActionRequest(
        BUILTIN_ACTIONS[action], snapshot, line, line + 1, scope="enclosing", **extra
    )
    return prepare(request, "rewrite")


SOURCE = "\n".join(FILE) + "\n"


def test_instructed_rewrites_of_a_definition_are_watched_and_other_actions_are_not() -> None:
    fix = task("fix", SOURCE, 3, diagnostics="quantity ignored")
    assert resync_stop(fix, code_rows(fix)) is not None
    edit = task("edit", SOURCE, 3, instruction="count the quantity too")
    assert resync_stop(edit, code_rows(edit)) is not None
    for action in ("simplify", "docstring", "annotations"):
        other = task(action, SOURCE, 3)
        assert resync_stop(other, code_rows(other)) is None, action


def test_code_before_the_replys_copy_of_the_header_is_not_a_change() -> None:
    reply = ["import math", "", "def helper():", "    return 1", "", *FILE[:2]]
    assert watch(reply)[1] is None  # the file's rows again, but nothing changed yet


def test_a_change_above_the_actions_line_does_not_end_the_answer_before_it() -> None:
    # a docstring reworded, then the file's rows, then the change the action asked for
    source = (
        "def parse(text):\n"
        '    """Parse a date."""\n'
        "    text = text.strip()\n"
        "    try:\n"
        "        return strptime(text, '%Y-%m-%d')\n"
        "    except ValueError:\n"
        "        raise\n"
    )
    edit = task("edit", source, 4, instruction="accept day-first dates too")
    watcher = resync_stop(edit, code_rows(edit))
    assert watcher is not None
    reply = [
        "def parse(text):",
        '    """Parse a date, year or day first."""',
        "    text = text.strip()",
        "    try:",
        "        return strptime(text, '%d/%m/%Y')",
        "    except ValueError:",
    ]
    ended = [watcher.line(line) for line in reply]
    assert ended == [False] * 5 + [False]  # ``except`` alone: one row back in the file
    assert watcher.line("        raise") is True
    assert watcher.reply("py").splitlines()[1:-1] == [*reply, "        raise"]
