"""The prompt: one plain user message, the code in a fenced block, the reply format asked."""

from __future__ import annotations

from blitzls.actions import BUILTIN_ACTIONS
from blitzls.core.request import ActionRequest, Snapshot
from blitzls.core.task import ReplyFormat, prepare
from blitzls.prompts import PromptInput, build_messages, docstring_text, max_tokens_for
from blitzls.text.lines import split_lines

SOURCE = '''\
import json


def total(items):
    """Add them up."""
    # start at zero
    # add each item
    return result


class Box:
    def size(self):
        return len(self.items)
'''


def messages(
    action: str,
    start: int,
    end: int,
    *,
    scope: str = "target",
    reply_format: ReplyFormat = "rewrite",
    context: str = "scope",
    **extra: str,
) -> list[dict[str, str]]:
    lines = tuple(split_lines(SOURCE))
    request = ActionRequest(
        BUILTIN_ACTIONS[action],
        Snapshot(lines, 1, "python", "calc.py"),
        start,
        end,
        scope=scope,  # type: ignore[arg-type]
    )
    task = prepare(request, reply_format)
    spec = PromptInput(
        action=BUILTIN_ACTIONS[action],
        task=task,
        file_label="calc.py",
        lines=lines,
        context=context,  # type: ignore[arg-type]
        **extra,  # type: ignore[arg-type]
    )
    return build_messages(spec)


def test_pseudocode_shows_the_function_and_quotes_its_comments() -> None:
    (message,) = messages("pseudocode", 5, 7)
    assert message["role"] == "user"
    assert message["content"] == (
        "Complete this Python function from calc.py: replace the pseudocode comments (from "
        "`# start at zero` to `# add each item`) with the code they describe.\n"
        "Reply with the whole function in one ```python block.\n\n"
        '```python\ndef total(items):\n    """Add them up."""\n    # start at zero\n'
        "    # add each item\n    return result\n```"
    )


def test_an_instruction_shows_the_docstring_it_may_be_about() -> None:
    for action in ("instruction", "edit", "docstring"):
        (message,) = messages(action, 3, 4, scope="enclosing")
        assert '    """Add them up."""\n' in message["content"]
        assert "not shown below" not in message["content"]


def test_a_fix_states_the_docstring_in_words() -> None:
    (message,) = messages("fix", 3, 4, scope="enclosing")
    assert (
        "Its docstring (not shown below; it stays as it is): Add them up.\n" in message["content"]
    )
    assert "```python\ndef total(items):\n    # start at zero\n" in message["content"]


def test_a_docstring_is_stated_as_its_value_on_one_line() -> None:
    rows = ['    r"""Split on \\t;\n', "\n", '    keep   order."""\n']
    assert docstring_text(rows) == "Split on \\t; keep order."
    assert docstring_text(['    """Café \\u2014 ok."""\n']) == "Café \u2014 ok."


def test_no_labels_or_line_numbers_a_model_could_echo() -> None:
    for action, start, end in (("pseudocode", 5, 7), ("simplify", 11, 12), ("docstring", 3, 4)):
        text = messages(
            action, start, end, scope="enclosing" if action != "pseudocode" else "target"
        )[0]["content"]
        for label in ("REPLACEMENT", "EDITS", "Reply format", "line 6", "lines 6-7"):
            assert label not in text


def test_a_method_is_called_a_method() -> None:
    (message,) = messages("simplify", 11, 12, scope="enclosing")
    assert message["content"].startswith("Simplify this Python method from calc.py")
    assert "Reply with the whole method in one ```python block." in message["content"]


def test_search_replace_is_explained_when_asked_for() -> None:
    (message,) = messages("simplify", 11, 12, scope="enclosing", reply_format="search-replace")
    assert "<<<<<<< SEARCH" in message["content"] and ">>>>>>> REPLACE" in message["content"]
    assert "Reply with the whole" not in message["content"]


def test_file_context_comes_first_and_the_task_last() -> None:
    (message,) = messages("simplify", 11, 12, scope="enclosing", context="file")
    head, _, task = message["content"].partition("Simplify this")
    assert head.startswith("The file calc.py:\n```\nimport json\n")
    assert task.endswith("return len(self.items)\n```")


def test_the_output_budget_grows_with_the_code_and_respects_the_cap() -> None:
    lines = tuple(split_lines(SOURCE))
    small = prepare(
        ActionRequest(
            BUILTIN_ACTIONS["simplify"],
            Snapshot(lines, 1, "python", "c.py"),
            11,
            12,
            scope="enclosing",
        ),
        "rewrite",
    )
    big_source = SOURCE + "".join(f"    x{i} = {i}\n" for i in range(200))
    big_lines = tuple(
        split_lines(big_source.replace("class Box:", "def big():\n    pass\n\nclass Box:"))
    )
    big = prepare(
        ActionRequest(
            BUILTIN_ACTIONS["simplify"],
            Snapshot(big_lines, 1, "python", "c.py"),
            13,
            14,
            scope="enclosing",
        ),
        "rewrite",
    )
    assert 256 < max_tokens_for(small, 4096) < max_tokens_for(big, 4096) <= 4096
    assert max_tokens_for(big, 100) == 100
