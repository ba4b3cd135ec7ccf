"""Finding the code in a model reply: thinking, fences, chatter, and the streaming watcher."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from blitzls.replies.extract import FenceWatcher, ReplyError, extract_code, strip_thinking

BODY = "    total = sum(x * x for x in xs)\n\n    return math.sqrt(total)"


# --------------------------------------------------------------------------- strip_thinking


def test_strip_thinking_removes_a_leading_block() -> None:
    assert strip_thinking("<think>plan it</think>\nx = 1") == "\nx = 1"


def test_strip_thinking_handles_thinking_tag_any_case_and_several_blocks() -> None:
    text = "<THINKING>a</Thinking>x = 1\n<think>b\nc</think>y = 2<Think></THINK>"
    assert strip_thinking(text) == "x = 1\ny = 2"


def test_strip_thinking_unclosed_at_start_is_all_thinking() -> None:
    assert strip_thinking("  \n<think>I will write ```python\nx = 1") == ""


def test_strip_thinking_keeps_an_unclosed_tag_after_text() -> None:
    text = 'marker = "<think>"\nprint(marker)'
    assert strip_thinking(text) == text


def test_strip_thinking_nested_opening_tag_stays_inside() -> None:
    assert strip_thinking("<think>a <think> b</think>code") == "code"


def test_strip_thinking_lone_closing_tag_drops_what_precedes_it() -> None:
    # Chat templates that pre-fill "<think>" make the model start inside the thinking.
    assert strip_thinking("so I should square it\n</think>\nx = 1") == "\nx = 1"


def test_strip_thinking_without_tags_is_identity() -> None:
    text = "a < b and c > d  # <thin ice>\n😀"
    assert strip_thinking(text) == text


# --------------------------------------------------------------------------- extract_code shapes


def test_plain_fence() -> None:
    assert extract_code(f"```\n{BODY}\n```") == BODY


def test_fence_with_language_and_info_string() -> None:
    assert extract_code(f"```python\n{BODY}\n```") == BODY
    assert extract_code(f"```py title=impl.py\n{BODY}\n```\n") == BODY


def test_tilde_fence_and_long_backtick_fence() -> None:
    assert extract_code(f"~~~python\n{BODY}\n~~~") == BODY
    inner = 'doc = """\n```\nexample\n```\n"""'
    assert extract_code(f"````python\n{inner}\n````") == inner


def test_tilde_fence_is_not_closed_by_backticks() -> None:
    assert extract_code("~~~\nx = '''\n```\n'''\n~~~") == "x = '''\n```\n'''"


def test_chatter_around_a_fence() -> None:
    reply = (
        "Here's the implementation:\n\n```python\n"
        f"{BODY}\n```\n\nThis works because the squares are summed first."
    )
    assert extract_code(reply) == BODY


def test_indented_fence_keeps_content_verbatim() -> None:
    reply = "1. Replace the lines with:\n\n   ```python\n       y = 1\n   ```\n"
    assert extract_code(reply) == "       y = 1"


def test_bare_code_is_returned_with_blank_edges_removed() -> None:
    assert extract_code(f"\n\n{BODY}\n\n") == BODY


def test_bare_code_keeps_indentation_and_internal_blank_lines() -> None:
    code = "if a:\n\n        b()   \n\telse_()"
    assert extract_code(code) == code


def test_bare_code_with_chatter_lines() -> None:
    reply = (
        "Sure! Here is the code:\n\n"
        f"{BODY}\n\n"
        "This computes the Euclidean norm of the list.\n"
        "Note: it returns a float."
    )
    assert extract_code(reply) == BODY


@pytest.mark.parametrize(
    "code",
    [
        "else:\n    x = 1",
        "return x.",
        "x = 1\nThis = 2.",
        "x = 1\nThis(a, b) == c.",
        "Here",
        "# Here is the plan:\nx = 1",
        "    Here is an indented docstring line:\nx = 1",
    ],
)
def test_chatter_heuristic_keeps_code_like_lines(code: str) -> None:
    assert extract_code(code) == code


def test_think_preamble_then_fence() -> None:
    reply = (
        "<think>Let me write\n```python\nwrong = 1\n```\nfirst.</think>\n```python\nright = 2\n```"
    )
    assert extract_code(reply) == "right = 2"


def test_think_preamble_then_bare_code() -> None:
    assert extract_code("<thinking>\nhmm\n</thinking>\n\nx = 1\n") == "x = 1"


def test_unclosed_fence_runs_to_the_end() -> None:
    assert extract_code("Here:\n```python\nx = 1\ny = (x +") == "x = 1\ny = (x +"


def test_several_fences_pick_the_longest_non_empty() -> None:
    reply = f"```python\n```\nCode:\n```python\n{BODY}\n```\nUsage:\n```python\nf([3, 4])\n```"
    assert extract_code(reply) == BODY


def test_several_fences_tie_picks_the_first() -> None:
    assert extract_code("```\nab\n```\n```\ncd\n```") == "ab"


def test_inline_triple_backticks_are_not_a_fence() -> None:
    assert extract_code("x = '```a```'") == "x = '```a```'"


def test_crlf_reply_is_normalised() -> None:
    assert extract_code("```py\r\nx = 1\r\n\r\ny = 2\r\n```\r\n") == "x = 1\n\ny = 2"


def test_non_ascii_and_emoji_survive() -> None:
    code = "    s = 'héllo 😀'\n    t = s\x0bs\u2028s"
    assert extract_code(f"```\n{code}\n```") == code


@pytest.mark.parametrize(
    "reply",
    [
        "",
        "   \n\t\n",
        "```python\n```",
        "```\n\n   \n```",
        "<think>only thinking</think>",
        "<think>cut",
    ],
)
def test_no_code_raises(reply: str) -> None:
    with pytest.raises(ReplyError, match="no code"):
        extract_code(reply)


def test_only_chatter_raises() -> None:
    with pytest.raises(ReplyError):
        extract_code("Here is the code:\n\n")


# --------------------------------------------------------------------------- FenceWatcher


def watch(*chunks: str) -> list[bool]:
    watcher = FenceWatcher()
    return [watcher.feed(chunk) for chunk in chunks]


def test_watcher_fires_on_the_line_break_after_the_closing_fence() -> None:
    assert watch("Sure:\n```py", "thon\nx = 1\n", "``", "`", "\n", "bye") == [
        False,
        False,
        False,
        False,
        True,
        True,
    ]


def test_watcher_ignores_fences_inside_thinking() -> None:
    assert watch("<think>\n```\nx\n```\n", "still thinking\n") == [False, False]
    assert watch("<thi", "nk>\n```\nx\n```\n</th", "ink>\n```\ny\n```\n") == [False, False, True]


def test_watcher_open_thinking_after_text_hides_the_rest() -> None:
    assert watch("ok\n<think>\n```\nx\n```\n") == [False]


def test_watcher_needs_a_matching_closing_fence() -> None:
    assert watch("~~~\n```\n", "````\n") == [False, False]
    assert watch("````\n```\n", "x\n````\n") == [False, True]
    assert watch("```\n```x\n", "```\n") == [False, True]


def test_watcher_handles_crlf_split_between_chunks() -> None:
    assert watch("```\r", "\nx\r", "\n```\r", "\n") == [False, False, True, True]


def test_watcher_lone_closing_tag_discards_earlier_fence_state() -> None:
    # The opening fence before "</think>" was thinking, so the second fence line opens a block.
    assert watch("```\nreason\n</think>\n```\n") == [False]


def test_watcher_inline_code_is_not_a_fence() -> None:
    assert watch("use ```x``` here\n", "```y```\n") == [False, False]


# --------------------------------------------------------------------------- properties

_LINE = st.sampled_from(
    [
        "```",
        "```py",
        "````",
        "~~~",
        "  ```",
        "```x```",
        "x = 1",
        "",
        " ",
        "😀",
        "<think>",
        "</think>",
        "<THINKING>a",
        "b</thinking>",
        "<thi",
        "nk>",
    ]
)
_BREAK = st.sampled_from(["\n", "\n", "\n", "\r\n", "\r", ""])
_REPLIES = st.lists(st.tuples(_LINE, _BREAK).map("".join), max_size=16).map("".join)


@settings(max_examples=300, deadline=None)
@given(text=_REPLIES, data=st.data())
def test_watcher_answer_does_not_depend_on_chunking(text: str, data: st.DataObject) -> None:
    cuts = sorted(data.draw(st.lists(st.integers(0, len(text)), max_size=12)))
    chunks = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]
    watcher = FenceWatcher()
    answers = [watcher.feed(chunk) for chunk in chunks]
    whole = FenceWatcher().feed(text)
    assert answers[-1] == whole
    assert answers == sorted(answers)  # once True, always True


def closed_block_exists(visible: str) -> bool:
    """Independent oracle: does a fence line close an earlier opening fence line, with a
    non-blank line between them (an empty block is no answer)?"""
    fence: tuple[str, int] | None = None
    filled = False
    for line in visible.split("\n"):
        body = line.lstrip(" \t")
        run = len(body) - len(body.lstrip(body[:1])) if body[:1] in ("`", "~") else 0
        if fence is None:
            if run >= 3 and not (body[0] == "`" and "`" in body[run:]):
                fence, filled = (body[0], run), False
        elif run >= fence[1] and body[0] == fence[0] and not body[run:].strip(" \t"):
            if filled:
                return True
            fence = None
        elif line.strip():
            filled = True
    return False


def visible_text(text: str) -> str:
    return strip_thinking(text).replace("\r\n", "\n").replace("\r", "\n")


@settings(max_examples=400, deadline=None)
@given(text=_REPLIES)
def test_watcher_agrees_with_the_batch_view(text: str) -> None:
    watcher = FenceWatcher()
    fired_at = next((end for end in range(len(text)) if watcher.feed(text[end])), None)
    if fired_at is not None:
        # Sound: what had arrived when it fired holds a closed block outside thinking.
        assert closed_block_exists(visible_text(text[: fired_at + 1]))
    elif text.endswith("\n") and "<think" not in visible_text(text).lower():
        # Complete: with the last line terminated and no thinking left open, it did not miss one.
        assert not closed_block_exists(visible_text(text))
