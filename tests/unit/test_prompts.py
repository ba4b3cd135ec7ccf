"""Prompt layout: stable system prompt, file context, task last."""

from __future__ import annotations

from blitzls.actions import BUILTIN_ACTIONS
from blitzls.prompts import SYSTEM_PROMPT, PromptInput, build_messages, describe_indent


def messages_for(lines: list[str], start: int, end: int, budget: int = 400) -> list[dict[str, str]]:
    return build_messages(
        PromptInput(
            action=BUILTIN_ACTIONS["pseudocode"],
            file_label="pkg/app.py",
            language="python",
            lines=lines,
            start_line=start,
            end_line=end,
            context_lines=budget,
        )
    )


def test_layout_is_stable_first_and_quotes_the_selection() -> None:
    lines = ["def f(x):\r\n", "    # double it\r\n", "    return y"]
    system, user = messages_for(lines, 1, 2)
    assert system == {"role": "system", "content": SYSTEM_PROMPT}
    text = user["content"]
    assert text.startswith("File: pkg/app.py (Python)\n```\ndef f(x):\n")
    assert "\r" not in text
    assert text.index("```\ndef f(x)") < text.index("Task:")
    assert "Lines 2-2 of pkg/app.py" in text
    assert "Reply format: REPLACEMENT of lines 2-2" in text
    assert "```\n    # double it\n```" in text
    assert "4 spaces" in text


def test_two_ranges_in_one_file_share_the_file_prefix() -> None:
    lines = [f"line {i}\n" for i in range(50)]
    a = messages_for(lines, 3, 5)[1]["content"]
    b = messages_for(lines, 30, 31)[1]["content"]
    shared = len(a[: a.index("Task:")])
    assert a[:shared] == b[:shared]


def test_long_files_are_windowed_with_header_and_aligned() -> None:
    lines = [f"x{i} = {i}\n" for i in range(10_000)]
    text = messages_for(lines, 5_000, 5_002, budget=400)[1]["content"]
    assert "Lines 1-30:" in text
    assert "x5000 = 5000" in text
    assert "x9000 = 9000" not in text and "x200 = 200" not in text
    nearby = messages_for(lines, 5_010, 5_011, budget=400)[1]["content"]
    assert text[: text.index("Task:")] == nearby[: nearby.index("Task:")]


def test_describe_indent() -> None:
    assert describe_indent("") == "no indentation"
    assert describe_indent("\t\t") == "2 tabs"
    assert describe_indent("    ") == "4 spaces"
