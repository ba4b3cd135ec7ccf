"""An instructed answer started by blitzls: where it starts, and the prompt it is sent with."""

from __future__ import annotations

from blitzls.actions import BUILTIN_ACTIONS
from blitzls.core.prefill import FORMATS, QWEN_SYSTEM, answer_start, format_for, head_rows
from blitzls.core.request import ActionRequest, Snapshot
from blitzls.core.task import EditTask, prepare
from blitzls.prompts import code_rows
from blitzls.text.lines import split_lines

SOURCE = (
    "import math\n"  # 0
    "\n"
    "def area(shapes):\n"  # 2
    '    """The total area of the shapes."""\n'  # 3
    "    total = 0.0\n"  # 4
    "    for shape in shapes:\n"  # 5
    "        total += shape.area()\n"  # 6
    "    # ai! round the total to two places\n"  # 7
    "    return total\n"  # 8
    "\n"
    "def other():\n"
    "    pass\n"
)


NO_DOCSTRING = (
    "import math\n"  # 0
    "\n"
    "def area(shapes):  # é 👋\n"  # 2
    "    total = 0.0\n"  # 3
    "    count = 0\n"  # 4
    "    for shape in shapes:\n"  # 5
    "        total += shape.area()\n"  # 6
    "    # ai! round the total to two places\n"  # 7
    "    return total\n"  # 8
)


def task_at(line: int, action: str = "fix", source: str = SOURCE, **extra: str) -> EditTask:
    snapshot = Snapshot(tuple(split_lines(source)), 1, "python", "shapes.py")
    if action == "fix" and not extra:
        extra = {"diagnostics": "wrong total"}
    # an ``ai!`` comment is taken out by its position, as the requests module asks
    removed = (line, None) if action == "instruction" else None
    request = ActionRequest(
        BUILTIN_ACTIONS[action],
        snapshot,
        line,
        line + 1,
        scope="enclosing",
        replace_line=removed,
        **extra,
    )
    return prepare(request, "rewrite")


def test_the_answer_starts_above_the_statement_before_the_actions_line() -> None:
    # in the loop: the statement before it (count = 0) may change
    task = task_at(6, "edit", NO_DOCSTRING, instruction="skip shapes without an area")
    assert head_rows(task, code_rows(task)) == [2, 3]


def test_an_instruction_comment_counts_with_the_statement_it_stands_on() -> None:
    task = task_at(7, "instruction", NO_DOCSTRING, instruction="round the total")
    assert head_rows(task, code_rows(task)) == [2, 3, 4]


def test_an_edits_docstring_is_not_part_of_the_start_an_instructions_is() -> None:
    task = task_at(8, "edit", instruction="round the total to two places")
    assert head_rows(task, code_rows(task)) == [2]  # the header: the docstring may change
    comment = task_at(7, "instruction", instruction="round the total to two places")
    assert comment.instruction_line is not None
    assert head_rows(comment, code_rows(comment)) == [2, 3, 4]


def test_a_line_in_the_header_or_the_first_statement_is_asked_the_usual_way() -> None:
    for line in (2, 3):  # the header; the docstring, the body's first statement
        task = task_at(line)
        assert head_rows(task, code_rows(task)) == [], line
    task = task_at(4)  # the second statement: only the header is given
    assert head_rows(task, code_rows(task)) == [2]


def test_only_instructed_rewrites_of_a_definition_are_started() -> None:
    for action in ("simplify", "docstring", "annotations"):
        task = task_at(6, action)
        assert head_rows(task, code_rows(task)) == [], action
    selection = ActionRequest(
        BUILTIN_ACTIONS["edit"],
        Snapshot(tuple(split_lines(SOURCE)), 1, "python", "shapes.py"),
        5,
        7,
        instruction="skip empty shapes",
    )
    task = prepare(selection, "rewrite")
    assert head_rows(task, code_rows(task)) == []  # a selection is answered as it is


def test_a_docstring_given_in_words_is_not_in_the_answers_start() -> None:
    task = task_at(8)  # a fix: the docstring is given in words
    assert task.aside == (3, 4)
    rows = head_rows(task, code_rows(task))
    assert rows == [2, 4]  # the header, then the code after the docstring
    start = answer_start(task.contents, rows, "python")
    assert start == "```python\ndef area(shapes):\n    total = 0.0\n"


def test_the_start_is_written_as_the_model_saw_it_with_lf() -> None:
    source = NO_DOCSTRING.replace("\n", "\r\n")
    task = task_at(6, "edit", source, instruction="skip shapes without an area")
    start = answer_start(task.lines, head_rows(task, code_rows(task)), "python")
    assert start == "```python\ndef area(shapes):  # é 👋\n    total = 0.0\n"


def test_the_prompt_is_the_chat_in_chatml_with_the_answer_begun() -> None:
    chat = FORMATS["qwen"]
    messages = [{"role": "user", "content": "Fix this."}]
    assert chat.prompt(messages, "```python\ndef f():\n") == (
        f"<|im_start|>system\n{QWEN_SYSTEM}<|im_end|>\n"
        "<|im_start|>user\nFix this.<|im_end|>\n"
        "<|im_start|>assistant\n```python\ndef f():\n"
    )
    own = [{"role": "system", "content": "Be brief."}, *messages]
    assert chat.prompt(own, "").startswith("<|im_start|>system\nBe brief.<|im_end|>\n")
    assert "<|im_end|>" in chat.stop


def test_auto_starts_answers_for_small_qwen_models_and_a_named_format_always() -> None:
    assert format_for("auto", "qwen2.5-coder-1.5b-instruct-q4", small=True) is FORMATS["qwen"]
    assert format_for("auto", "Qwen/Qwen2.5-Coder-7B-Instruct", small=False) is None
    assert format_for("auto", "grok-code-fast-1", small=True) is None
    assert format_for("auto", "deepseek-coder-1.3b-instruct", small=True) is None
    assert format_for("off", "qwen2.5-coder-1.5b-instruct", small=True) is None
    assert format_for("qwen", "my-finetune", small=False) is FORMATS["qwen"]


def test_pseudocode_is_not_started() -> None:
    source = SOURCE.replace("    # ai! round the total to two places\n", "    # round it\n")
    snapshot = Snapshot(tuple(split_lines(source)), 1, "python", "shapes.py")
    task = prepare(ActionRequest(BUILTIN_ACTIONS["pseudocode"], snapshot, 7, 8), "rewrite")
    assert task.pseudocode and head_rows(task, code_rows(task)) == []
