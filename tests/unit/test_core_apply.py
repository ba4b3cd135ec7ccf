"""The pure edit core: every shape of reply, every outcome and every refusal."""

from __future__ import annotations

import textwrap

import pytest

from blitzls.actions import BUILTIN_ACTIONS
from blitzls.core.apply import apply_reply, apply_reply_lines
from blitzls.core.errors import (
    NoChangeError,
    OutsideScopeError,
    ReplyError,
    SyntaxCheckError,
    TooLargeError,
    UnsafeTextError,
)
from blitzls.core.outcome import outcome_for
from blitzls.core.repair import repair
from blitzls.core.request import ActionRequest, Snapshot
from blitzls.core.task import EditTask, ReplyFormat, prepare
from blitzls.instructions import find_instruction, remove_instruction
from blitzls.patch.match import MatchError
from blitzls.secrets import REDACTION
from blitzls.text.lines import split_lines

MODULE = textwrap.dedent(
    '''\
    """Stock records."""

    import json

    LOW = 5


    def total_price(items):
        """Sum price times quantity."""
        # start a running total at zero
        # add price times quantity for each item
        return total


    class Shelf:
        def count(self, items):
            n = 0
            for item in items:
                n += 1
            return n

        def empty(self):
            return not self.items


    def other():
        return LOW
    '''
)
# 0-based lines of MODULE
PSEUDO = (9, 11)  # the two comment lines in total_price
TOTAL_DEF = 7
COUNT_LINE = 16  # a line inside Shelf.count


def request(
    text: str,
    action: str,
    start: int,
    end: int,
    *,
    scope: str = "target",
    language: str = "python",
    replace_line: tuple[int, str | None] | None = None,
    instruction: str = "",
) -> ActionRequest:
    snapshot = Snapshot(tuple(split_lines(text)), 1, language, "stock.py")
    return ActionRequest(
        action=BUILTIN_ACTIONS[action],
        snapshot=snapshot,
        start_line=start,
        end_line=end,
        scope=scope,  # type: ignore[arg-type]
        replace_line=replace_line,
        instruction=instruction,
    )


def task_for(
    text: str = MODULE,
    action: str = "pseudocode",
    start: int = PSEUDO[0],
    end: int = PSEUDO[1],
    *,
    scope: str = "target",
    language: str = "python",
    reply_format: ReplyFormat = "rewrite",
    replace_line: tuple[int, str | None] | None = None,
    instruction: str = "",
) -> EditTask:
    req = request(
        text,
        action,
        start,
        end,
        scope=scope,
        language=language,
        replace_line=replace_line,
        instruction=instruction,
    )
    return prepare(req, reply_format)


def fenced(code: str, lang: str = "python") -> str:
    return f"```{lang}\n{textwrap.dedent(code).strip(chr(10))}\n```"


TOTAL_DONE = '''
def total_price(items):
    """Sum price times quantity."""
    total = 0
    for item in items:
        total += item["price"] * item["qty"]
    return total
'''


def changed_lines(old: str, new: str) -> list[str]:
    """The lines of ``new`` that are not in ``old`` (order kept)."""
    before = old.splitlines()
    return [line for line in new.splitlines() if line not in before]


# --------------------------------------------------------------------------- preparing


def test_pseudocode_in_a_function_shows_the_function_and_allows_only_its_lines() -> None:
    task = task_for()
    assert task.shown_kind == "definition"
    assert task.shown == (TOTAL_DEF, 12)
    assert task.target == task.allowed == PSEUDO
    assert task.pseudocode


def test_cursor_actions_show_and_allow_the_innermost_definition() -> None:
    task = task_for(action="simplify", start=COUNT_LINE, end=COUNT_LINE + 1, scope="enclosing")
    assert task.shown == task.allowed == task.target == (15, 20)
    assert task.shown_kind == "definition" and task.hint_line == COUNT_LINE


def test_a_selection_outside_definitions_is_bare_lines() -> None:
    task = task_for(action="edit", start=4, end=5)
    assert (task.shown_kind, task.shown, task.allowed) == ("lines", (4, 5), (4, 5))


# --------------------------------------------------------------------------- rewrites


def test_the_whole_function_becomes_a_minimal_change() -> None:
    new = apply_reply(task_for(), fenced(TOTAL_DONE))
    assert changed_lines(MODULE, new) == [
        "    total = 0",
        "    for item in items:",
        '        total += item["price"] * item["qty"]',
    ]
    assert "# start a running total" not in new
    assert new.endswith("def other():\n    return LOW\n")


def test_prose_echoed_instructions_and_a_stray_empty_fence_are_ignored() -> None:
    reply = (
        "REPLACEMENT of lines 10-11; its first line starts with 4 spaces.\n```\n```\n"
        + fenced(TOTAL_DONE)
        + "\nThis adds up the prices."
    )
    new = apply_reply(task_for(), reply)
    assert "REPLACEMENT" not in new and "    total = 0\n" in new


def test_repeated_pseudocode_lines_are_dropped() -> None:
    reply = fenced(
        '''
        def total_price(items):
            """Sum price times quantity."""
            # start a running total at zero
            total = 0
            # add price times quantity for each item
            for item in items:
                total += item["price"] * item["qty"]
            return total
        '''
    )
    new = apply_reply(task_for(), reply)
    assert "# start a running total" not in new and "# add price" not in new
    assert "    total = 0\n    for item in items:\n" in new


def test_a_method_answered_at_another_indentation_is_reindented() -> None:
    reply = fenced(
        """
        def count(self, items):
            return len(items)
        """
    )
    task = task_for(action="simplify", start=COUNT_LINE, end=COUNT_LINE + 1, scope="enclosing")
    new = apply_reply(task, reply)
    assert "    def count(self, items):\n        return len(items)\n\n    def empty" in new


def test_a_whole_file_answer_that_only_changes_the_target_is_applied() -> None:
    whole = MODULE.replace(
        "    # start a running total at zero\n    # add price times quantity for each item\n",
        "    total = sum(i['price'] * i['qty'] for i in items)\n",
    )
    new = apply_reply(task_for(), fenced(whole))
    assert new == whole


def test_a_whole_file_answer_that_changes_other_code_is_refused_not_spliced() -> None:
    whole = MODULE.replace(
        "    # start a running total at zero\n    # add price times quantity for each item\n",
        "    total = sum(i['price'] * i['qty'] for i in items)\n",
    ).replace("    return LOW\n", "    return LOW * 2\n")
    with pytest.raises(OutsideScopeError) as caught:
        apply_reply(task_for(), fenced(whole))
    assert "return LOW" in str(caught.value)
    assert caught.value.lines == ("    return LOW",)


def test_a_usage_example_after_the_function_is_ignored() -> None:
    reply = fenced(TOTAL_DONE + "\n\nprint(total_price([{'price': 1, 'qty': 2}]))\n")
    new = apply_reply(task_for(), reply)
    assert "print(" not in new


def test_an_import_the_new_code_needs_goes_to_the_imports() -> None:
    reply = fenced("import math\n\n" + TOTAL_DONE.replace("total = 0", "total = math.fsum([])"))
    new = apply_reply(task_for(), reply)
    assert new.splitlines()[2:5] == ["import json", "import math", ""]


def test_a_header_annotations_made_twice_as_long_is_still_the_definition() -> None:
    # A real Qwen2.5-Coder-1.5B answer to "add type annotations".
    text = "def chunked(items, size):\n    batch = []\n    yield batch\n"
    reply = fenced(
        "from typing import List, Generator\n\n"
        "def chunked(items: List, size: int) -> Generator[List, None, None]:\n"
        "    batch = []\n    yield batch\n"
    )
    new = apply_reply(task_for(text, "annotations", 0, 1, scope="enclosing"), reply)
    assert new == (
        "from typing import List, Generator\n"
        "def chunked(items: List, size: int) -> Generator[List, None, None]:\n"
        "    batch = []\n    yield batch\n"
    )


def test_a_call_of_the_function_is_not_taken_for_its_header() -> None:
    text = "def chunked(items, size):\n    return [items]\n"
    reply = fenced(
        "def chunked(items: list[int], size: int) -> list[list[int]]:\n    return [items]\n\n"
        "result = chunked(data, 2)\n"
    )
    new = apply_reply(task_for(text, "annotations", 0, 1, scope="enclosing"), reply)
    header = "def chunked(items: list[int], size: int) -> list[list[int]]:"
    assert new == header + "\n    return [items]\n"


def test_an_import_the_file_already_has_is_not_added_twice() -> None:
    reply = fenced("import json\n\n" + TOTAL_DONE)
    assert apply_reply(task_for(), reply).count("import json") == 1


def test_imports_the_code_does_not_use_or_the_file_has_are_not_added() -> None:
    text = "from datetime import date, timedelta\n\n\ndef f(x):\n    # the next day\n    return y\n"
    reply = fenced(
        "from typing import List\nfrom datetime import date\n\n"
        "def f(x):\n    y = x + timedelta(days=1)\n    return y\n"
    )
    new = apply_reply(task_for(text, start=4, end=5), reply)
    assert new == text.replace("    # the next day\n", "    y = x + timedelta(days=1)\n")


def test_decorators_the_model_left_out_are_kept() -> None:
    text = "import functools\n\n\n@functools.cache\ndef f(x):\n    return x + 1\n"
    task = task_for(text, action="fix", start=5, end=6, scope="enclosing")
    new = apply_reply(task, fenced("def f(x):\n    return x + 2\n"))
    assert "@functools.cache\ndef f(x):\n    return x + 2\n" in new


def test_comments_a_lazy_rewrite_dropped_are_kept() -> None:
    text = "def f(x):\n    # the offset\n    return x + 1\n"
    task = task_for(text, action="fix", start=2, end=3, scope="enclosing")
    assert apply_reply(task, fenced("def f(x):\n    return x + 2\n")) == (
        "def f(x):\n    # the offset\n    return x + 2\n"
    )


def test_an_elision_marker_keeps_the_lines_it_stands_for() -> None:
    text = "def f(x):\n    a = 1\n    b = 2\n    c = 3\n    return a + b + c + x\n"
    task = task_for(text, action="fix", start=4, end=5, scope="enclosing")
    reply = fenced("def f(x):\n    # ... existing code ...\n    return a + b + c - x\n")
    assert apply_reply(task, reply) == text.replace("c + x", "c - x")


def test_code_replaced_by_an_elision_marker_is_refused() -> None:
    text = "def f(x):\n    a = 1\n    b = 2\n    return a + b + x\n"
    task = task_for(text, action="fix", start=3, end=4, scope="enclosing")
    reply = fenced("def f(x):\n    a = 2\n    # ... rest unchanged\n    return a + b - x\n")
    with pytest.raises(ReplyError, match="leaves out code"):
        apply_reply(task, reply)


def test_a_part_of_the_function_is_placed_by_its_first_and_last_lines() -> None:
    task = task_for(action="fix", start=COUNT_LINE, end=COUNT_LINE + 1, scope="enclosing")
    reply = fenced("for item in items:\n    n += 2\nreturn n")
    new = apply_reply(task, reply)
    assert "            n += 2\n        return n\n" in new
    assert "    def count(self, items):\n        n = 0\n" in new


def test_a_fragment_that_cannot_be_placed_is_refused() -> None:
    task = task_for(action="fix", start=COUNT_LINE, end=COUNT_LINE + 1, scope="enclosing")
    with pytest.raises(ReplyError, match="neither the whole definition"):
        apply_reply(task, fenced("x = compute()\ny = x"))


def test_pseudocode_answered_with_only_its_code_is_fitted_in_place() -> None:
    reply = fenced('total = 0\nfor item in items:\n    total += item["price"] * item["qty"]')
    new = apply_reply(task_for(), reply)
    assert '    total = 0\n    for item in items:\n        total += item["price"]' in new


def test_pseudocode_that_also_changes_other_lines_is_refused() -> None:
    reply = fenced(TOTAL_DONE.replace("total", "acc").replace("acc_price", "total_price"))
    with pytest.raises(OutsideScopeError) as caught:
        apply_reply(task_for(), reply)
    assert caught.value.lines == ("    return total",)


def test_pseudocode_answered_with_new_lines_elsewhere_is_refused_with_where() -> None:
    whole = MODULE.replace("    return LOW\n", "    print(LOW)\n    return LOW\n").replace(
        "    # start a running total at zero\n    # add price times quantity for each item\n",
        "    total = 0\n",
    )
    with pytest.raises(OutsideScopeError) as caught:
        apply_reply(task_for(), fenced(whole))
    assert "also adds lines before line 27, outside the pseudocode lines" in str(caught.value)


def test_a_new_top_level_statement_the_code_does_not_use_is_dropped() -> None:
    whole = MODULE.replace("LOW = 5\n", "LOW = 5\nHIGH = 9\n").replace(
        "    # start a running total at zero\n    # add price times quantity for each item\n",
        "    total = 0\n",
    )
    new = apply_reply(task_for(), fenced(whole + "\nprint(total_price([]))\n"))
    assert new == MODULE.replace(
        "    # start a running total at zero\n    # add price times quantity for each item\n",
        "    total = 0\n",
    )


def test_blank_lines_added_apart_from_the_change_are_dropped() -> None:
    # A real Qwen2.5-Coder-0.5B docstring answer also put blank lines between statements.
    text = "def f(x):\n    y = x + 1\n    return y\n"
    reply = fenced('def f(x):\n    """One more than x."""\n    y = x + 1\n\n    return y\n')
    new = apply_reply(task_for(text, "docstring", 0, 1, scope="enclosing"), reply)
    assert new == 'def f(x):\n    """One more than x."""\n    y = x + 1\n    return y\n'


def test_an_answer_that_only_changes_blank_lines_is_no_change() -> None:
    text = "def f(x):\n    y = x + 1\n\n    return y\n"
    task = task_for(text, "simplify", 0, 1, scope="enclosing")
    for reply in ("def f(x):\n    y = x + 1\n    return y\n", text.replace("\n\n", "\n\n\n")):
        with pytest.raises(NoChangeError):
            apply_reply(task, fenced(reply))


def test_an_unchanged_answer_is_no_change() -> None:
    original = "\n".join(MODULE.splitlines()[15:20])
    task = task_for(action="simplify", start=COUNT_LINE, end=COUNT_LINE + 1, scope="enclosing")
    with pytest.raises(NoChangeError, match="the model made no change"):
        apply_reply(task, fenced(original))


def test_a_reply_without_code_is_refused() -> None:
    with pytest.raises(ReplyError, match="no code"):
        apply_reply(task_for(), "```python\n\n```")


# --------------------------------------------------------------------------- ai! comments

TWO_INSTRUCTIONS = textwrap.dedent(
    """\
    def first(x):
        # ai! add type hints
        return x


    def second(y):
        # ai! add type hints
        return y
    """
)


def instruction_task(text: str, line: int) -> EditTask:
    lines = split_lines(text)
    found = find_instruction(lines, line, "python")
    assert found is not None
    return task_for(
        text,
        action="instruction",
        start=found.line,
        end=found.line + 1,
        scope="enclosing",
        replace_line=(found.line, remove_instruction(lines, found)),
        instruction=found.text,
    )


def test_the_instruction_is_removed_by_position_not_by_text() -> None:
    task = instruction_task(TWO_INSTRUCTIONS, 1)
    reply = fenced("def first(x: int) -> int:\n    return x")  # the model dropped the comment
    new = apply_reply(task, reply)
    assert new.count("# ai! add type hints") == 1
    assert new.endswith("def second(y):\n    # ai! add type hints\n    return y\n")


def test_an_instruction_the_model_kept_is_removed() -> None:
    task = instruction_task(TWO_INSTRUCTIONS, 1)
    reply = fenced("def first(x: int) -> int:\n    # ai! add type hints\n    return x")
    new = apply_reply(task, reply)
    assert new.startswith("def first(x: int) -> int:\n    return x\n")
    assert new.count("# ai! add type hints") == 1


def test_a_trailing_instruction_leaves_the_code_before_it() -> None:
    text = "def f(x):\n    return x + 1  # ai! handle None\n"
    task = instruction_task(text, 1)
    reply = fenced("def f(x):\n    if x is None:\n        return 0\n    return x + 1")
    assert apply_reply(task, reply) == (
        "def f(x):\n    if x is None:\n        return 0\n    return x + 1\n"
    )


# --------------------------------------------------------------------------- SEARCH/REPLACE


def test_search_replace_blocks_are_applied_within_the_definition() -> None:
    task = task_for(
        action="fix",
        start=COUNT_LINE,
        end=COUNT_LINE + 1,
        scope="enclosing",
        reply_format="search-replace",
    )
    reply = "<<<<<<< SEARCH\n            n += 1\n=======\n            n += 2\n>>>>>>> REPLACE\n"
    assert "n += 2" in apply_reply(task, reply)


def test_search_replace_that_matches_nothing_is_a_match_error() -> None:
    task = task_for(action="fix", start=COUNT_LINE, end=COUNT_LINE + 1, scope="enclosing")
    reply = "<<<<<<< SEARCH\n    nothing like this\n=======\n    x\n>>>>>>> REPLACE\n"
    with pytest.raises(MatchError):
        apply_reply(task, reply)


# --------------------------------------------------------------------------- safety


def test_nul_bytes_are_refused() -> None:
    with pytest.raises(UnsafeTextError, match="U\\+0000"):
        apply_reply(task_for(), fenced(TOTAL_DONE.replace("total = 0", "total = 0\0")))


def test_the_redaction_marker_is_never_written() -> None:
    reply = fenced(TOTAL_DONE.replace("total = 0", f"total = '{REDACTION}'"))
    with pytest.raises(UnsafeTextError, match="redaction marker"):
        apply_reply(task_for(), reply)


def test_an_enormous_reply_is_refused() -> None:
    body = "\n".join(f"    total += {i}" for i in range(5000))
    reply = fenced(f"def total_price(items):\n    total = 0\n{body}\n    return total\n")
    with pytest.raises(TooLargeError, match=r"would add [\d,]+ lines"):
        apply_reply(task_for(action="fix", start=9, end=10, scope="enclosing"), reply)


def test_a_syntax_error_is_refused() -> None:
    reply = fenced(TOTAL_DONE.replace("for item in items:", "for item in items"))
    with pytest.raises(SyntaxCheckError):
        apply_reply(task_for(), reply)


# --------------------------------------------------------------------------- line endings


def test_crlf_files_get_crlf_lines() -> None:
    text = MODULE.replace("\n", "\r\n")
    new = apply_reply(task_for(text), fenced(TOTAL_DONE))
    assert "    total = 0\r\n" in new and "\n" not in new.replace("\r\n", "")


def test_a_function_at_the_unterminated_end_stays_unterminated() -> None:
    text = "import os\n\n\ndef f(x):\n    return x + 1"
    task = task_for(text, action="fix", start=4, end=5, scope="enclosing")
    assert apply_reply(task, fenced("def f(x):\n    return x + 2")) == text.replace("+ 1", "+ 2")


def test_tab_indented_files_keep_tabs() -> None:
    text = "package m\n\nfunc f(x int) int {\n\treturn x + 1\n}\n"
    task = task_for(text, action="fix", start=3, end=4, scope="enclosing", language="go")
    reply = fenced("func f(x int) int {\n    return x + 2\n}", "go")
    assert apply_reply(task, reply) == text.replace("x + 1", "x + 2")


def test_non_ascii_and_emoji_survive() -> None:
    text = 'def greet(name):\n    # say hello 👋 to name\n    return ""\n'
    task = task_for(text, start=1, end=2)
    reply = fenced('def greet(name):\n    msg = f"héllo 👋 {name}"\n    return ""')
    expected = 'def greet(name):\n    msg = f"héllo 👋 {name}"\n    return ""\n'
    assert apply_reply(task, reply) == expected


# --------------------------------------------------------------------------- outcome, repair


def test_the_outcome_is_the_smallest_whole_line_region() -> None:
    req = request(MODULE, "pseudocode", *PSEUDO)
    task = prepare(req, "rewrite")
    outcome = outcome_for(req, task, apply_reply(task, fenced(TOTAL_DONE)), "m")
    assert (outcome.start_line, outcome.end_line) == PSEUDO
    assert outcome.old_text == (
        "    # start a running total at zero\n    # add price times quantity for each item\n"
    )
    assert outcome.new_text.startswith("    total = 0\n")
    assert outcome.snapshot.text[outcome.anchor_start : outcome.anchor_end].startswith(
        "def total_price"
    )


def test_a_failed_search_replace_is_repaired_as_a_rewrite() -> None:
    task = task_for(action="fix", start=COUNT_LINE, end=COUNT_LINE + 1, scope="enclosing")
    task = prepare(
        request(MODULE, "fix", COUNT_LINE, COUNT_LINE + 1, scope="enclosing"), "search-replace"
    )
    fixed, message = repair(ReplyError("no match"), task, "method", "python")
    assert fixed.reply_format == "rewrite"
    assert "Reply with the whole method in one ```python block." in message


def test_repairing_a_change_outside_names_the_lines_to_keep() -> None:
    problem = OutsideScopeError("outside", ("    return total",))
    fixed, message = repair(problem, task_for(), "function", "python")
    assert "keep `return total` exactly as it was" in message
    assert fixed.reply_format == "rewrite"


def test_unsafe_replies_get_no_repair_round() -> None:
    with pytest.raises(UnsafeTextError):
        repair(UnsafeTextError("NUL"), task_for(), "function", "python")


def test_an_unchanged_answer_gets_no_repair_round() -> None:
    # measured: small models asked again at temperature 0 repeat the same function
    with pytest.raises(NoChangeError):
        repair(NoChangeError(), task_for(), "function", "python")


def test_diff_hunks_ignores_trailing_whitespace_however_many_lines_differ_by_it() -> None:
    """Identical runs are skipped in bulk; lines that differ only in trailing whitespace, even
    more of them than the bulk skipping handles, never become hunks."""
    from blitzls.core.apply import Hunk, diff_hunks

    old = [f"line {i}" for i in range(40)]
    new = [line + ("  " if i % 3 == 0 else "") for i, line in enumerate(old)]
    assert diff_hunks(old, new) == []
    new[20] = "changed"
    new[37] = "also changed\t"
    assert diff_hunks(old, new) == [
        Hunk(20, 21, ("changed",)),
        Hunk(37, 38, ("also changed\t",)),
    ]
    assert diff_hunks(old, [*new[:30], "inserted", *new[30:]]) == [
        Hunk(20, 21, ("changed",)),
        Hunk(30, 30, ("inserted",)),
        Hunk(37, 38, ("also changed\t",)),
    ]


def test_the_indentation_style_comes_from_the_nearest_indented_line() -> None:
    from blitzls.core.lines import Indenter

    lines = ["def a():", "\tx = 1", "", "def b():", "    y = 2", "", "z = 3"]
    assert Indenter.for_file(lines, 6) == Indenter(False)  # line 4 is nearer than line 1
    assert Indenter.for_file(lines, 2) == Indenter(True)  # line 1 (tab) nearer than line 4
    assert Indenter.for_file(["a", "b"], 1) == Indenter(False)
    assert Indenter.for_file([], 0) == Indenter(False)


def test_rendered_lines_are_the_rendered_text_split() -> None:
    """render_lines gives what split_lines(render(...)) would, for any hunks on any file."""
    import random

    from blitzls.core.apply import Hunk, render, render_lines

    rng = random.Random(11)
    pieces = ["a", "bb", "", " c", "é😀"]
    breaks = ["\n", "\r\n", "\r"]
    for _ in range(3000):
        count = rng.randint(0, 5)
        text = "".join(rng.choice(pieces) + rng.choice(breaks) for _ in range(count))
        text += rng.choice(["", "tail"])
        lines = split_lines(text)
        hunks, at = [], 0
        while at <= len(lines) and rng.random() < 0.6:
            start = rng.randint(at, len(lines))
            end = rng.randint(start, len(lines))
            new = tuple(rng.choice([*pieces, "x\ry", "z\nw"]) for _ in range(rng.randint(0, 3)))
            hunks.append(Hunk(start, end, new))
            at = end + 1
        assert render_lines(lines, hunks) == split_lines(render(lines, hunks)), (lines, hunks)


# --------------------------------------------------------------------------- on syntax trees


def test_the_placeholder_under_pseudocode_joins_the_target() -> None:
    text = "def f(x):\n    # double x\n    # and return it\n    pass\n\n\ndef g():\n    pass\n"
    task = task_for(text, start=1, end=3)
    assert (task.target, task.allowed, task.placeholder) == ((1, 4), (1, 4), 3)
    assert task_for(text, start=1, end=4).target == (1, 4)  # as the listing offers it
    new = apply_reply(task, fenced("def f(x):\n    return x * 2\n"))
    assert new == text.replace(
        "    # double x\n    # and return it\n    pass\n", "    return x * 2\n"
    )


def test_a_line_after_pseudocode_that_only_looks_like_a_placeholder_is_not_taken() -> None:
    text = 'def f(x):\n    # check x\n    s = """\n    pass\n    """\n    return s\n'
    assert task_for(text, start=1, end=2).target == (1, 2)
    text = "def f(x):\n    # check x\n    passed = x\n    return passed\n"
    task = task_for(text, start=1, end=3)  # a selection that holds code stays as it is
    assert (task.target, task.placeholder) == ((1, 3), None)


def test_rewording_outside_the_pseudocode_keeps_the_users_text_and_says_so() -> None:
    reply = fenced(
        TOTAL_DONE.replace('"""Sum price times quantity."""', '"""Sums price × quantity."""')
    )
    applied = apply_reply_lines(task_for(), reply)
    assert applied.text == apply_reply(task_for(), fenced(TOTAL_DONE))
    assert applied.notes == ("kept your docstring as it was; the model had reworded it",)


@pytest.mark.parametrize(
    "docstring", ['    """Sums price × quantity."""\n', ""], ids=["reworded", "left-out"]
)
def test_a_docstring_given_in_words_is_the_files_whatever_the_answer_has(docstring: str) -> None:
    task = task_for(action="simplify", start=TOTAL_DEF, end=TOTAL_DEF + 1, scope="enclosing")
    assert task.aside == (8, 9)
    done = TOTAL_DONE.replace("    total = 0\n", "    total = 0.0\n")
    applied = apply_reply_lines(
        task, fenced(done.replace('    """Sum price times quantity."""\n', docstring))
    )
    assert applied.text == apply_reply(task, fenced(done))
    assert 'def total_price(items):\n    """Sum price times quantity."""\n' in applied.text
    assert "total = 0.0" in applied.text and "Sums" not in applied.text
    assert applied.notes == ()


def test_an_answer_that_only_leaves_out_the_docstring_given_in_words_is_no_change() -> None:
    # a fix is instructed: were the missing docstring a change, it would be taken as the fix
    task = task_for(
        action="fix", start=TOTAL_DEF, end=TOTAL_DEF + 1, scope="enclosing", instruction="bug"
    )
    assert task.instructed and task.aside == (8, 9)
    unchanged = "".join(MODULE.splitlines(keepends=True)[TOTAL_DEF:12])
    with pytest.raises(NoChangeError):
        apply_reply(task, fenced(unchanged.replace('    """Sum price times quantity."""\n', "")))


def test_pseudocode_shows_the_docstring() -> None:
    assert task_for().aside is None


def test_a_comment_reworded_below_the_pseudocode_is_kept_too() -> None:
    text = "def f(x):\n    # double x\n    # keep the sign\n    return y\n"
    task = task_for(text, start=1, end=2)
    reply = fenced("def f(x):\n    y = x * 2\n    # keep its sign\n    return y\n")
    applied = apply_reply_lines(task, reply)
    assert applied.text == "def f(x):\n    y = x * 2\n    # keep the sign\n    return y\n"
    assert applied.notes == ("kept your comment as it was; the model had reworded it",)


def test_a_whole_file_answer_that_rewords_another_docstring_keeps_it() -> None:
    whole = MODULE.replace(
        "    # start a running total at zero\n    # add price times quantity for each item\n",
        "    total = 0\n",
    ).replace("class Shelf:\n", 'class Shelf:\n    """A shelf."""\n')
    applied = apply_reply_lines(task_for(), fenced(whole))
    assert applied.text == whole.replace('    """A shelf."""\n', "")
    assert applied.notes == ()  # nothing of the user's was reworded: a docstring was added


def test_a_changed_signature_beside_a_reworded_docstring_is_still_refused() -> None:
    reply = fenced(
        TOTAL_DONE.replace("def total_price(items):", "def total_price(items, tax):").replace(
            '"""Sum price times quantity."""', '"""Sums price × quantity."""'
        )
    )
    with pytest.raises(OutsideScopeError, match="changes `def total_price"):
        apply_reply(task_for(), reply)
    reply = fenced(TOTAL_DONE.replace('"""Sum price times quantity."""', '"""Sums it."""'))
    assert apply_reply_lines(task_for(), reply).notes  # without the signature: applied


def test_helpers_go_beside_the_definition_in_the_replys_order() -> None:
    reply = fenced(
        """
        def _price(item):
            return item["price"]


        def total_price(items):
            \"\"\"Sum price times quantity.\"\"\"
            total = sum(_price(i) * _qty(i) for i in items)
            return total


        def _qty(item):
            return _clamp(item["qty"])


        def _clamp(n):
            return max(n, 0)


        def _unused():
            return 1
        """
    )
    applied = apply_reply_lines(task_for(), reply)
    new = applied.text
    assert new.index("def _price") < new.index("def total_price") < new.index("def _qty")
    assert new.index("def _qty") < new.index("def _clamp") < new.index("class Shelf")
    assert "_unused" not in new
    assert "LOW = 5\n\n\ndef _price(item):\n" in new and "return max(n, 0)\n\n\nclass Shelf" in new
    assert applied.notes == (
        "added the helper `_price` the new code uses",
        "added the helper `_qty` the new code uses",
        "added the helper `_clamp` the new code uses",
    )


def test_a_definition_the_file_has_is_not_added_again() -> None:
    reply = fenced(
        "def other():\n    return LOW\n\n" + TOTAL_DONE.replace("total = 0", "total = other()")
    )
    assert apply_reply(task_for(), reply).count("def other") == 1


def test_a_new_method_the_new_code_calls_goes_beside_it_in_the_class() -> None:
    reply = fenced(
        """
        class Shelf:
            def count(self, items):
                return len(self._real(items))

            def _real(self, items):
                return [i for i in items if i]

            def empty(self):
                return not self.items
        """
    )
    task = task_for(action="simplify", start=COUNT_LINE, end=COUNT_LINE + 1, scope="enclosing")
    new = apply_reply(task, reply)
    assert (
        "        return len(self._real(items))\n\n"
        "    def _real(self, items):\n        return [i for i in items if i]\n\n"
        "    def empty(self):\n"
    ) in new


def test_a_bare_javascript_method_is_read_inside_its_class() -> None:
    text = (
        "class Cart {\n  total(items) {\n    return 0;\n  }\n\n  size() {\n    return 1;\n  }\n}\n"
    )
    task = task_for(text, "simplify", 2, 3, scope="enclosing", language="javascript")
    reply = fenced("total(items) {\n  return /[{]/.test(items);\n}\n\nconsole.log(1);", "js")
    assert apply_reply(task, reply) == text.replace("return 0;", "return /[{]/.test(items);")


def test_imports_go_after_future_imports_and_the_first_run_of_imports() -> None:
    text = (
        '"""Doc."""\nfrom __future__ import annotations\n\nimport os\n\nX = 1\n\nimport sys\n\n\n'
        "def f(x):\n    return x\n"
    )
    task = task_for(text, "fix", 11, 12, scope="enclosing")
    new = apply_reply(task, fenced("import re\n\n\ndef f(x):\n    return re.escape(x)\n"))
    assert new.startswith(
        '"""Doc."""\nfrom __future__ import annotations\n\nimport os\nimport re\n'
    )


def test_an_echoed_redaction_marker_on_a_redacted_line_is_unchanged() -> None:
    from dataclasses import replace

    text = 'def f():\n    key = "sk-secret-value"\n    # call it\n    return None\n'
    seen = tuple(x.replace("sk-secret-value", REDACTION) for x in split_lines(text))
    task = replace(task_for(text, start=2, end=3), seen=seen)
    reply = fenced(f'def f():\n    key = "{REDACTION}"\n    call(key)\n    return None\n')
    assert apply_reply(task, reply) == text.replace("    # call it\n", "    call(key)\n")
    reply = fenced(f'def f():\n    key = "{REDACTION}x"\n    call(key)\n    return None\n')
    with pytest.raises(OutsideScopeError) as caught:
        apply_reply(task, reply)
    assert "sk-secret-value" not in str(caught.value) and REDACTION in str(caught.value)


def test_removing_a_comment_as_asked_is_the_change() -> None:
    text = "def f(x):\n    y = x + 1\n    # print(y)\n    # ai! remove the print\n    return y\n"
    task = instruction_task(text, 3)
    assert apply_reply(task, fenced("def f(x):\n    y = x + 1\n    return y\n")) == (
        "def f(x):\n    y = x + 1\n    return y\n"
    )


def test_an_answer_that_only_drops_the_instruction_is_no_change() -> None:
    task = instruction_task(TWO_INSTRUCTIONS, 1)
    with pytest.raises(NoChangeError):
        apply_reply(task, fenced("def first(x):\n    return x"))


def test_a_repeated_closing_brace_is_told_from_a_brace_in_a_regex() -> None:
    text = "function hasBrace(s) {\n  // test s for a brace\n}\n"
    task = task_for(text, start=1, end=2, language="javascript")
    reply = fenced("return /[{]/.test(s);\n}", "js")
    assert apply_reply(task, reply) == "function hasBrace(s) {\n  return /[{]/.test(s);\n}\n"


def test_the_core_reads_no_code_with_regular_expressions() -> None:
    """Code structure comes from languages/ (syntax trees); the core only compares lines."""
    import ast
    from pathlib import Path

    import blitzls.core

    for path in Path(blitzls.core.__file__).parent.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        # safety.py refuses control characters: characters, not code structure
        assert "re" not in imported or path.name == "safety.py", path.name


def test_a_usage_example_that_assigns_a_name_the_function_uses_is_not_a_helper() -> None:
    reply = fenced(TOTAL_DONE + "\n\ntotal = total_price([{'price': 1, 'qty': 2}])\nprint(total)\n")
    new = apply_reply(task_for(), reply)
    assert "print(" not in new and "total = total_price" not in new


def test_the_whole_file_is_parsed_once_for_an_action_and_its_repair() -> None:
    from dataclasses import replace

    task = task_for()
    repaired = replace(replace(task, seen=task.lines), reply_format="search-replace")
    assert repaired.whole is task.whole and repaired.rows is task.rows


def test_pseudocode_answered_with_a_reworded_docstring_first_keeps_the_users() -> None:
    reply = fenced('"""Sum of price × quantity."""\ntotal = 0\nfor item in items:\n    total += 1')
    applied = apply_reply_lines(task_for(), reply)
    assert applied.text.count('"""') == 4 and '"""Sum price times quantity."""' in applied.text
    assert (
        "    total = 0\n    for item in items:\n        total += 1\n    return total"
        in applied.text
    )
    assert applied.notes == ("kept your docstring as it was; the model had reworded it",)
