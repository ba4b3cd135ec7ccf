"""Pseudocode filled in the middle: the prompt, where a streamed middle ends, the answer."""

from __future__ import annotations

import pytest

from blitzls.actions import BUILTIN_ACTIONS
from blitzls.core.fill import (
    TEMPLATES,
    MiddleWatcher,
    family_of,
    fill_prompt,
    fillable,
    reply_from_middle,
    template_for,
)
from blitzls.core.request import ActionRequest, Snapshot
from blitzls.core.task import EditTask, prepare
from blitzls.settings.schema import FILL_FAMILIES
from blitzls.text.lines import split_lines

QWEN = TEMPLATES["qwen"]
SOURCE = (
    "import re\n"
    "\n"
    "def slugify(title):\n"
    '    """A URL slug."""\n'
    "    # lower-case the title\n"
    "    # join the words with hyphens\n"
    "    return slug\n"
    "\n"
    "def other():\n"
    "    pass\n"
)


def task_for(
    source: str = SOURCE, first: int = 4, end: int = 6, language: str = "python"
) -> EditTask:
    snapshot = Snapshot(tuple(split_lines(source)), 1, language, "blog.py")
    request = ActionRequest(BUILTIN_ACTIONS["pseudocode"], snapshot, first, end)
    return prepare(request, "rewrite")


def feed(watcher: MiddleWatcher, pieces: list[str]) -> int | None:
    """The index of the piece the middle ends on, or None."""
    for index, piece in enumerate(pieces):
        if watcher.feed(piece):
            return index
    return None


@pytest.mark.parametrize(
    ("model", "family"),
    [
        ("Qwen/Qwen2.5-Coder-1.5B-Instruct", "qwen"),
        ("qwen2.5-coder:1.5b", "qwen"),
        ("qwen2.5-coder-0.5b-instruct-q4", "qwen"),
        ("Qwen3-Coder-30B-A3B-Instruct", "qwen"),
        ("deepseek-coder-6.7b-base", "deepseek"),
        ("bigcode/starcoder2-3b", "starcoder"),
        ("codegemma:2b", "codegemma"),
        ("CodeLlama-7b-hf", "codellama"),
        ("qwen2.5:7b", None),  # not a coder model: no fill-in-the-middle training
        ("grok-code-fast-1", None),
        ("gpt-4.1-mini", None),
    ],
)
def test_the_family_is_read_from_the_models_name(model: str, family: str | None) -> None:
    assert family_of(model) == family


def test_auto_fills_in_only_for_small_models_and_a_named_family_always() -> None:
    assert template_for("auto", "qwen2.5-coder:1.5b", small=True) is QWEN
    assert template_for("auto", "qwen2.5-coder:1.5b", small=False) is None
    assert template_for("auto", "my-model", small=True) is None
    assert template_for("off", "qwen2.5-coder:1.5b", small=True) is None
    assert template_for("starcoder", "my-model", small=False) is TEMPLATES["starcoder"]


def test_a_models_size_is_read_from_its_name() -> None:
    from blitzls.model.names import size_of, too_small_to_fill

    names = ("deepseek-coder-6.7b-base", "qwen2.5-coder:1.5b", "Qwen3-Coder-30B-A3B", "x")
    assert [size_of(n) for n in names] == [6.7, 1.5, 30.0, None]
    assert too_small_to_fill("Qwen/Qwen2.5-Coder-0.5B-Instruct")
    assert not too_small_to_fill("qwen2.5-coder-1.5b-instruct-q4")
    assert not too_small_to_fill("qwen2.5-coder:latest")  # no size given


def test_every_family_the_setting_offers_has_a_template() -> None:
    assert tuple(TEMPLATES) == FILL_FAMILIES


def test_the_prompt_is_the_definition_split_after_the_pseudocode() -> None:
    task = task_for()
    assert fillable(task)
    assert fill_prompt(task, task.lines, QWEN, [task.shown]) == (
        "<|fim_prefix|>def slugify(title):\n"
        '    """A URL slug."""\n'
        "    # lower-case the title\n"
        "    # join the words with hyphens\n"
        "<|fim_suffix|>    return slug<|fim_middle|>"
    )


def test_the_placeholder_under_the_pseudocode_is_left_out_and_crlf_becomes_lf() -> None:
    source = "def total(xs):\r\n    # add them up\r\n    pass\r\n"
    task = task_for(source, 1, 2)
    assert task.placeholder == 2
    assert fill_prompt(task, task.lines, QWEN, [task.shown]) == (
        "<|fim_prefix|>def total(xs):\n    # add them up\n<|fim_suffix|><|fim_middle|>"
    )


def test_with_the_file_as_context_the_gap_is_in_the_file() -> None:
    task = task_for()
    assert fill_prompt(task, task.lines, QWEN, [(2, 7), (0, 2), (7, 10)]) == (
        "<|fim_prefix|>import re\n\ndef slugify(title):\n"
        '    """A URL slug."""\n'
        "    # lower-case the title\n"
        "    # join the words with hyphens\n"
        "<|fim_suffix|>    return slug\n\ndef other():\n    pass<|fim_middle|>"
    )


def test_the_prompt_shows_what_the_model_may_see() -> None:
    task = task_for()
    seen = list(task.lines)
    seen[3] = '    """[REDACTED]"""\n'
    assert '"""[REDACTED]"""' in fill_prompt(task, seen, QWEN, [task.shown])


def test_pseudocode_outside_a_definition_is_asked_the_usual_way() -> None:
    task = task_for("# read the file\n# count the lines\n", 0, 2)
    assert not fillable(task)


def test_the_middle_ends_where_the_model_echoes_the_suffix() -> None:
    watcher = MiddleWatcher(task_for(), QWEN)
    pieces = ["    slug = '-'.join(", "title.lower().split())\n", "    return slug\n", "\n"]
    assert feed(watcher, pieces) == 2
    assert watcher.finish() == ["    slug = '-'.join(title.lower().split())"]


def test_the_middle_ends_where_the_block_it_is_in_ends() -> None:
    watcher = MiddleWatcher(task_for(), QWEN)
    pieces = ["    slug = title.lower()\n", "\n", "def more():\n", "    pass\n"]
    assert feed(watcher, pieces) == 2
    assert watcher.finish() == ["    slug = title.lower()"]


@pytest.mark.parametrize("end", ["```\n", "<|endoftext|>", "<|file_sep|>blog.py\n"])
def test_a_fence_or_a_marker_token_ends_the_middle(end: str) -> None:
    watcher = MiddleWatcher(task_for(), QWEN)
    assert feed(watcher, ["    slug = title\n", end, "more text\n"]) == 1
    assert watcher.finish() == ["    slug = title"]


def test_deeper_code_and_blank_lines_stay_in_the_middle_and_the_last_line_counts() -> None:
    watcher = MiddleWatcher(task_for(), QWEN)
    pieces = ["    for word in title.split():\n", "        words.append(word)\n", "\n", "    x = 1"]
    assert feed(watcher, pieces) is None
    assert watcher.finish() == [
        "    for word in title.split():",
        "        words.append(word)",
        "",
        "    x = 1",
    ]


def test_the_answer_is_the_definition_with_the_middle_in_place_of_the_pseudocode() -> None:
    task = task_for()
    reply = reply_from_middle(task, ["    slug = title.lower()"], "python")
    assert reply == (
        "```python\n"
        "def slugify(title):\n"
        '    """A URL slug."""\n'
        "    slug = title.lower()\n"
        "    return slug\n"
        "```\n"
    )


def test_comments_the_middle_opens_with_carry_on_the_pseudocode_and_go() -> None:
    task = task_for()
    reply = reply_from_middle(task, ["    # then return it", "    slug = title.lower()"], "py")
    assert "# then return it" not in reply and "    slug = title.lower()" in reply
    only = reply_from_middle(task, ["    # nothing else"], "py")
    assert "# nothing else" in only  # no code at all: the answer is judged as it is
