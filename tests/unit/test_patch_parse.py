"""Reading edits from model replies: SEARCH/REPLACE blocks, unified diffs, whole rewrites."""

from __future__ import annotations

import pytest

from blitzls.patch.parse import EditBlock, ParseError, parse_edits, parse_rewrite
from blitzls.replies.extract import ReplyError

BLOCK = "<<<<<<< SEARCH\n    x = 1\n=======\n    x = 2\n>>>>>>> REPLACE\n"
X12 = EditBlock("    x = 1\n", "    x = 2\n")


# --------------------------------------------------------------------------- SEARCH/REPLACE


def test_bare_block() -> None:
    assert parse_edits(BLOCK) == [X12]


def test_fenced_block_with_file_name_and_chatter() -> None:
    reply = f"Sure, here is the fix:\n\napp/main.py\n```python\n{BLOCK}```\nThis sets x to 2.\n"
    assert parse_edits(reply) == [X12]


def test_several_blocks_with_chatter_between_them() -> None:
    second = "<<<<<<< SEARCH\ny = 'é😀'\n=======\n>>>>>>> REPLACE\n"
    reply = f"First:\n```\n{BLOCK}```\nThen delete y:\n```python\n{second}```\nDone."
    assert parse_edits(reply) == [X12, EditBlock("y = 'é😀'\n", "")]


@pytest.mark.parametrize("count", [5, 7, 9])
def test_marker_lengths_five_to_nine(count: int) -> None:
    reply = f"{'<' * count} SEARCH\n    x = 1\n{'=' * count}\n    x = 2\n{'>' * count} REPLACE"
    assert parse_edits(reply) == [X12]


@pytest.mark.parametrize("count", [4, 10])
def test_marker_lengths_outside_five_to_nine_are_not_markers(count: int) -> None:
    reply = f"{'<' * count} SEARCH\nx = 1\n{'=' * count}\nx = 2\n{'>' * count} REPLACE\n"
    assert parse_edits(reply) == []


def test_markers_with_trailing_spaces_and_without_words() -> None:
    reply = "<<<<<<<   \n    x = 1\n=======  \t\n    x = 2\n>>>>>>>\t\n"
    assert parse_edits(reply) == [X12]


def test_marker_words_any_case_and_original_updated() -> None:
    reply = "<<<<<<< search\n    x = 1\n=======\n    x = 2\n>>>>>>> Replace\n"
    assert parse_edits(reply) == [X12]
    reply = "<<<<<<< ORIGINAL\n    x = 1\n=======\n    x = 2\n>>>>>>> UPDATED\n"
    assert parse_edits(reply) == [X12]


def test_indented_markers_keep_differently_indented_divider_lines_as_content() -> None:
    # A block inside a Markdown list item; an RST underline inside the code is content.
    reply = (
        "1. Change the title:\n"
        "   <<<<<<< SEARCH\n"
        "   Title\n"
        "     =======\n"
        "   =======\n"
        "   Better title\n"
        "   >>>>>>> REPLACE\n"
    )
    assert parse_edits(reply) == [
        EditBlock("   Title\n     =======\n", "   Better title\n"),
    ]


def test_empty_search_and_empty_replace() -> None:
    reply = "<<<<<<< SEARCH\n=======\nnew = 1\n>>>>>>> REPLACE\n"
    assert parse_edits(reply) == [EditBlock("", "new = 1\n")]
    reply = "<<<<<<< SEARCH\nold = 1\n=======\n>>>>>>> REPLACE\n"
    assert parse_edits(reply) == [EditBlock("old = 1\n", "")]


def test_blank_lines_inside_a_block_are_kept() -> None:
    reply = "<<<<<<< SEARCH\n\na = 1\n\n=======\n\nb = 2\n\n>>>>>>> REPLACE\n"
    assert parse_edits(reply) == [EditBlock("\na = 1\n\n", "\nb = 2\n\n")]


def test_thinking_is_ignored_even_when_it_holds_markers() -> None:
    thought = "<think>maybe\n<<<<<<< SEARCH\nwrong\n=======\n</think>\n"
    assert parse_edits(thought + BLOCK) == [X12]


def test_crlf_reply_gives_lf_blocks() -> None:
    assert parse_edits(BLOCK.replace("\n", "\r\n")) == [X12]


def test_missing_divider_names_the_block() -> None:
    reply = BLOCK + "<<<<<<< SEARCH\ny = 1\n>>>>>>> REPLACE\n"
    with pytest.raises(ParseError, match=r"block 2 has no ======= line"):
        parse_edits(reply)


def test_divider_missing_at_the_end_of_the_reply() -> None:
    with pytest.raises(ParseError, match=r"block 1 has no ======= line"):
        parse_edits("<<<<<<< SEARCH\ny = 1\n")


def test_missing_closing_marker() -> None:
    with pytest.raises(ParseError, match=r"block 1 has no >>>>>>> REPLACE line"):
        parse_edits("<<<<<<< SEARCH\ny = 1\n=======\ny = 2\n")
    with pytest.raises(ParseError, match=r"block 1 has no >>>>>>> REPLACE line"):
        parse_edits("<<<<<<< SEARCH\ny = 1\n=======\ny = 2\n" + BLOCK)


def test_closing_marker_without_opening_marker() -> None:
    with pytest.raises(ParseError, match=r"block 2 has no <<<<<<< SEARCH line"):
        parse_edits(BLOCK + "y = 1\n=======\ny = 2\n>>>>>>> REPLACE\n")


def test_parse_error_is_a_reply_error() -> None:
    assert issubclass(ParseError, ReplyError)


# --------------------------------------------------------------------------- unified diffs

HUNK_BODY = " def f(x):\n-    return x\n+    return x + 1\n \n"
ONE_HUNK = EditBlock("def f(x):\n    return x\n\n", "def f(x):\n    return x + 1\n\n")


def test_fenced_diff_with_headers_and_line_numbers() -> None:
    reply = f"```diff\n--- a/m.py\n+++ b/m.py\n@@ -1,3 +1,3 @@\n{HUNK_BODY}```\n"
    assert parse_edits(reply) == [ONE_HUNK]


def test_fenced_diff_without_headers_or_line_numbers() -> None:
    assert parse_edits(f"```diff\n@@ ... @@\n{HUNK_BODY}```") == [ONE_HUNK]
    assert parse_edits(f"```diff\n{HUNK_BODY}```") == [ONE_HUNK]


def test_fenced_diff_with_headers_only() -> None:
    assert parse_edits(f"```diff\n--- m.py\n+++ m.py\n{HUNK_BODY}```") == [ONE_HUNK]


def test_several_hunks_become_several_blocks() -> None:
    reply = (
        "```diff\n--- a/m.py\n+++ b/m.py\n"
        "@@ -1,2 +1,2 @@\n a = 1\n-b = 2\n+b = 3\n"
        "@@ -10,2 +10,3 @@ def g():\n     y = 1\n+    z = 2\n     return y\n"
        "```"
    )
    assert parse_edits(reply) == [
        EditBlock("a = 1\nb = 2\n", "a = 1\nb = 3\n"),
        EditBlock("    y = 1\n    return y\n", "    y = 1\n    z = 2\n    return y\n"),
    ]


def test_bare_diff_with_chatter_around_it() -> None:
    reply = (
        "Here is the patch:\n\n--- a/m.py\n+++ b/m.py\n@@ -1,3 +1,3 @@\n"
        f"{HUNK_BODY}\nThis adds one to the result.\n"
    )
    assert parse_edits(reply) == [ONE_HUNK]


def test_bare_hunk_without_headers() -> None:
    assert parse_edits(f"Change it like this:\n@@ @@\n{HUNK_BODY}") == [ONE_HUNK]


def test_diff_ignores_git_metadata_and_no_newline_notes() -> None:
    reply = (
        "```diff\ndiff --git a/m.py b/m.py\nindex 83db48f..bf269f4 100644\n"
        "--- a/m.py\n+++ b/m.py\n@@ -1 +1 @@\n-a = 1\n\\ No newline at end of file\n+a = 2\n"
        "\\ No newline at end of file\n```"
    )
    assert parse_edits(reply) == [EditBlock("a = 1\n", "a = 2\n")]


def test_unprefixed_lines_in_a_diff_fence_are_context() -> None:
    reply = "```diff\n@@ @@\ndef f(x):\n-    return x\n+    return -x\n```"
    assert parse_edits(reply) == [
        EditBlock("def f(x):\n    return x\n", "def f(x):\n    return -x\n")
    ]


def test_diff_changing_nothing_is_an_error() -> None:
    with pytest.raises(ParseError, match="changes nothing"):
        parse_edits("```diff\n@@ @@\n a = 1\n b = 2\n```")


def test_removed_sql_comment_is_not_a_header() -> None:
    reply = "```diff\n@@ @@\n--- old note\n -- kept\n+-- new note\n```"
    assert parse_edits(reply) == [
        EditBlock("-- old note\n-- kept\n", "-- kept\n-- new note\n"),
    ]


# --------------------------------------------------------------------------- rewrites


def test_plain_fenced_code_is_a_rewrite_not_an_edit() -> None:
    reply = "Here you go:\n```python\ndef f(x):\n    return x - 1\n```\nDone."
    assert parse_edits(reply) == []
    assert parse_rewrite(reply) == "def f(x):\n    return x - 1"


def test_rewrite_code_with_minus_lines_is_not_a_diff() -> None:
    reply = "```markdown\n- one\n- two\n+ three\n```"
    assert parse_edits(reply) == []
    assert parse_rewrite(reply) == "- one\n- two\n+ three"


def test_parse_rewrite_is_none_for_edits_and_for_nothing() -> None:
    assert parse_rewrite(BLOCK) is None
    assert parse_rewrite(f"```diff\n@@ @@\n{HUNK_BODY}```") is None
    assert parse_rewrite("<<<<<<< SEARCH\nx = 1\n") is None  # malformed edits
    assert parse_rewrite("<think>hmm</think>\n  \n") is None


def test_unprefixed_blank_line_inside_a_hunk_is_blank_context() -> None:
    reply = "```diff\n@@ @@\n a = 1\n\n-b = 2\n+b = 3\n```"
    assert parse_edits(reply) == [EditBlock("a = 1\n\nb = 2\n", "a = 1\n\nb = 3\n")]
