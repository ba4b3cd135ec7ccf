"""Applying edit blocks: every matching strategy, every refusal, line endings and repairs."""

from __future__ import annotations

import pytest

from blitzls.patch.match import MatchError, PatchResult, apply_blocks
from blitzls.patch.parse import EditBlock, parse_edits

DOC = """import os


def load(path):
    with open(path) as handle:
        data = handle.read()
    return data.strip()


def save(path, data):
    with open(path, "w") as handle:
        handle.write(data)
    return len(data)
"""
SAVE = DOC.index("def save")
LOAD = (DOC.index("def load"), SAVE)
WHOLE = (0, len(DOC))


def apply(text: str, search: str, replace: str, **kwargs: object) -> PatchResult:
    scope = kwargs.pop("scope", (0, len(text)))
    assert isinstance(scope, tuple)
    hint = kwargs.pop("hint", None)
    assert hint is None or isinstance(hint, int)
    return apply_blocks(text, [EditBlock(search, replace)], scope=scope, hint=hint)


def refusal(text: str, blocks: list[EditBlock], **kwargs: object) -> MatchError:
    scope = kwargs.pop("scope", (0, len(text)))
    assert isinstance(scope, tuple)
    hint = kwargs.pop("hint", None)
    assert hint is None or isinstance(hint, int)
    with pytest.raises(MatchError) as caught:
        apply_blocks(text, blocks, scope=scope, hint=hint)
    return caught.value


# --------------------------------------------------------------------------- strategies


def test_exact_match_replaces_whole_lines() -> None:
    result = apply(DOC, "    return data.strip()\n", "    return data.strip().lower()\n")
    assert result.new_text == DOC.replace("data.strip()", "data.strip().lower()")
    (applied,) = result.applied
    assert applied.strategy == "exact"
    assert DOC[applied.start : applied.end] == "    return data.strip()\n"
    assert applied.replacement == "    return data.strip().lower()\n"


def test_trailing_whitespace_differences() -> None:
    search = "    with open(path) as handle:  \n        data = handle.read()\t\n"
    replace = "    with open(path) as handle:  \n        data = handle.read(100)\n"
    result = apply(DOC, search, replace)
    assert result.applied[0].strategy == "whitespace"
    # The unchanged line keeps the document's (absent) trailing whitespace.
    assert result.new_text == DOC.replace("handle.read()", "handle.read(100)")


def test_leading_and_trailing_blank_lines_of_search_are_dropped() -> None:
    result = apply(DOC, "\n\n    return len(data)\n\n", "\n\n    return None\n\n")
    assert result.applied[0].strategy == "blank-lines"
    assert result.new_text == DOC.replace("return len(data)", "return None")


def test_uniform_indentation_offset_reindents_replace() -> None:
    search = "with open(path) as handle:\n    data = handle.read()\n"
    replace = "with open(path, encoding='utf-8') as handle:\n    data = handle.read()\n    x = 1\n"
    result = apply(DOC, search, replace)
    assert result.applied[0].strategy == "indentation"
    want = DOC.replace(
        "    with open(path) as handle:\n        data = handle.read()\n",
        "    with open(path, encoding='utf-8') as handle:\n"
        "        data = handle.read()\n        x = 1\n",
    )
    assert result.new_text == want


def test_over_indented_search_is_shifted_back() -> None:
    search = "            handle.write(data)\n        return len(data)\n"
    replace = "            handle.write(data)\n            handle.flush()\n        return 0\n"
    result = apply(DOC, search, replace)
    assert result.new_text == DOC.replace(
        "        handle.write(data)\n    return len(data)\n",
        "        handle.write(data)\n        handle.flush()\n    return 0\n",
    )


def test_tab_indented_document_with_space_indented_search() -> None:
    text = "def f():\n\tif ok:\n\t\tgo()\n\treturn 1\n"
    result = apply(text, "    if ok:\n        go()\n", "    if ok:\n        go(fast=True)\n")
    assert result.new_text == "def f():\n\tif ok:\n\t\tgo(fast=True)\n\treturn 1\n"


def test_tab_indented_document_with_dedented_tab_search() -> None:
    text = "class A:\n\tdef f(self):\n\t\tif ok:\n\t\t\tgo()\n"
    result = apply(text, "if ok:\n\tgo()\n", "if ok:\n\tgo()\n\tstop()\n")
    assert result.new_text == "class A:\n\tdef f(self):\n\t\tif ok:\n\t\t\tgo()\n\t\t\tstop()\n"


def test_elision_pieces_keep_the_elided_text() -> None:
    search = "def load(path):\n    # ... rest unchanged\n    return data.strip()\n"
    replace = "def load(path, strip=True):\n    # ... rest unchanged\n    return data.strip()\n"
    result = apply(DOC, search, replace)
    assert result.applied[0].strategy == "elision"
    assert result.new_text == DOC.replace("def load(path):", "def load(path, strip=True):")


def test_elision_with_bare_dots_and_changes_in_several_pieces() -> None:
    search = "def save(path, data):\n...\n    return len(data)\n"
    replace = "def save(path, data, mode='w'):\n...\n    return len(data) + 0\n"
    result = apply(DOC, search, replace)
    want = DOC.replace("def save(path, data):", "def save(path, data, mode='w'):")
    assert result.new_text == want.replace("return len(data)", "return len(data) + 0")


def test_fuzzy_match_on_misquoted_lines() -> None:
    search = "    with open(path) as fh:\n        data = fh.read()\n    return data.strip()\n"
    replace = "    with open(path) as fh:\n        data = fh.read()\n    return data\n"
    result = apply(DOC, search, replace, scope=LOAD)
    assert result.applied[0].strategy == "fuzzy"
    # Unchanged (misquoted) lines keep the document's text; the changed line is taken.
    assert result.new_text == DOC.replace("    return data.strip()\n", "    return data\n")


def test_fuzzy_needs_most_lines_to_match() -> None:
    search = "def load(path):\n    with open(path) as handle:\n    return data.strip()\n"
    # Only with a gap of one line: 3 of the 4 document lines pair up, which is under 80%.
    err = refusal(DOC, [EditBlock(search, search.replace("strip", "upper"))], scope=LOAD)
    assert err.failures[0].kind == "no-match"


def test_fuzzy_drops_context_lines_that_do_not_exist() -> None:
    search = (
        "def load(path):\n    with open(path) as handle:\n"
        "        data = handle.read()\n    return data.strip()\n    # end\n"
    )
    result = apply(DOC, search, search.replace("strip", "upper"), scope=LOAD)
    assert result.applied[0].strategy == "fuzzy"
    assert result.new_text == DOC.replace("return data.strip()", "return data.upper()")


def test_fuzzy_keeps_document_lines_the_search_skipped() -> None:
    text = "def f(a):\n    b = a + 1\n    c = b * 2\n    log(c)\n    d = c - 3\n    return d\n"
    search = "def f(a):\n    b = a + 1\n    c = b * 2\n    d = c - 3\n    return d\n"
    result = apply(text, search, search.replace("c - 3", "c - 4"))
    assert result.applied[0].strategy == "fuzzy"
    assert result.new_text == text.replace("c - 3", "c - 4")


def test_first_strategy_wins() -> None:
    text = "  x = 1\nx = 1\n"
    result = apply(text, "x = 1\n", "x = 2\n")
    assert result.new_text == "  x = 1\nx = 2\n"
    assert result.applied[0].strategy == "exact"


# --------------------------------------------------------------------------- line endings, text


def test_crlf_document_gets_crlf_replacement() -> None:
    text = DOC.replace("\n", "\r\n")
    result = apply(text, "    return data.strip()\n", "    data = data.strip()\n    return data\n")
    assert result.new_text == text.replace(
        "    return data.strip()\r\n", "    data = data.strip()\r\n    return data\r\n"
    )


def test_cr_only_document() -> None:
    text = "a = 1\rb = 2\rc = 3\r"
    assert apply(text, "b = 2\n", "b = 3\nb2 = 4\n").new_text == "a = 1\rb = 3\rb2 = 4\rc = 3\r"


def test_dominant_line_break_is_used_in_mixed_documents() -> None:
    text = "a\r\nb\r\nc\nd\r\n"
    assert apply(text, "c\n", "c\nc2\n").new_text == "a\r\nb\r\nc\r\nc2\r\nd\r\n"


def test_last_line_without_line_break_stays_without() -> None:
    text = "a = 1\nb = 2"
    assert apply(text, "b = 2\n", "b = 3\n").new_text == "a = 1\nb = 3"
    assert apply(text, "a = 1\nb = 2\n", "").new_text == ""


def test_non_ascii_and_emoji_offsets_are_code_points() -> None:
    text = "s = 'héllo 😀'\nt = '日本'\nu = 1\n"
    result = apply(text, "t = '日本'\n", "t = '日本語 😀'\n")
    assert result.new_text == "s = 'héllo 😀'\nt = '日本語 😀'\nu = 1\n"
    assert (result.applied[0].start, result.applied[0].end) == (14, 23)


def test_unicode_line_separators_are_ordinary_characters() -> None:
    text = "a = 'x\u2028y'\nb = 'x\x0cy'\n"
    result = apply(text, "b = 'x\x0cy'\n", "b = 0\n")
    assert result.new_text == "a = 'x\u2028y'\nb = 0\n"


# --------------------------------------------------------------------------- several blocks


def test_several_blocks_are_applied_together() -> None:
    blocks = [
        EditBlock("def save(path, data):\n", "def save(path, data, mode='w'):\n"),
        EditBlock("import os\n", "import os\nimport sys\n"),
    ]
    result = apply_blocks(DOC, blocks, scope=WHOLE)
    assert result.new_text == DOC.replace("import os\n", "import os\nimport sys\n").replace(
        "def save(path, data):", "def save(path, data, mode='w'):"
    )
    assert [a.strategy for a in result.applied] == ["exact", "exact"]
    assert result.applied[0].start > result.applied[1].start  # reported in block order


def test_adjacent_blocks_do_not_overlap() -> None:
    text = "a\nb\nc\n"
    blocks = [EditBlock("a\n", "A\n"), EditBlock("b\n", "B\n")]
    assert apply_blocks(text, blocks, scope=(0, len(text))).new_text == "A\nB\nc\n"


# --------------------------------------------------------------------------- refusals


def test_no_match_reports_closest_lines_and_reflection() -> None:
    block = EditBlock("    with open(path) as f:\n        text = f.read()\n", "pass\n")
    err = refusal(DOC, [block], scope=LOAD)
    failure = err.failures[0]
    assert (failure.index, failure.kind, failure.reason) == (0, "no-match", "no match")
    assert failure.search == block.search
    assert failure.closest == (
        (5, "    with open(path) as handle:"),
        (6, "        data = handle.read()"),
    )
    text = err.reflection()
    assert "SEARCH block 1 did not apply: no match." in text
    assert "Did you mean lines 5-6?\n```\n    with open(path) as handle:\n" in text
    assert "    with open(path) as handle:\n        data = handle.read()" in text
    assert "Resend block 1" in text
    assert str(err) == "the edit did not apply: SEARCH block 1 of 1: no match"


def test_two_matches_without_hint_are_refused() -> None:
    text = "def a():\n    x = 1\n    return x\n\ndef b():\n    x = 1\n    return x\n"
    err = refusal(text, [EditBlock("    x = 1\n", "    x = 2\n")])
    assert err.failures[0].kind == "ambiguous"
    assert err.failures[0].reason == "2 matches at lines 2 and 6"
    assert "matches only one place" in err.reflection()


def test_two_matches_with_hint_take_the_nearest() -> None:
    text = "def a():\n    x = 1\n    return x\n\ndef b():\n    x = 1\n    return x\n"
    hint = text.index("def b")
    result = apply(text, "    x = 1\n", "    x = 2\n", hint=hint)
    assert result.new_text == text[:hint] + text[hint:].replace("x = 1", "x = 2")
    result = apply(text, "    x = 1\n", "    x = 2\n", hint=0)
    assert result.new_text == text.replace("x = 1", "x = 2", 1)


def test_two_matches_equally_near_the_hint_are_refused() -> None:
    text = "x = 1\nmid = 00\nx = 1\n"  # the hint is 5 characters from either match
    err = refusal(text, [EditBlock("x = 1\n", "x = 2\n")], hint=10)
    assert err.failures[0].reason == "2 matches at lines 1 and 3, none nearest to the cursor"


def test_scope_limits_ambiguity() -> None:
    text = "def a():\n    x = 1\n\ndef b():\n    x = 1\n"
    start = text.index("def b")
    result = apply(text, "    x = 1\n", "    x = 2\n", scope=(start, len(text)))
    assert result.new_text == "def a():\n    x = 1\n\ndef b():\n    x = 2\n"


def test_match_outside_scope_is_refused() -> None:
    err = refusal(DOC, [EditBlock("        handle.write(data)\n", "pass\n")], scope=LOAD)
    failure = err.failures[0]
    assert failure.kind == "outside"
    assert failure.reason.startswith("outside the target scope (it matches line 12;")
    assert "Edit only the target code." in err.reflection()


def test_selection_scope_counts_every_line_it_touches() -> None:
    text = "a = 1\nb = 2\nc = 3\n"
    # From the middle of line 1 to column 0 of line 3: lines 1-2.
    result = apply(text, "a = 1\nb = 2\n", "a = 0\nb = 0\n", scope=(3, text.index("c")))
    assert result.new_text == "a = 0\nb = 0\nc = 3\n"
    err = refusal(text, [EditBlock("c = 3\n", "c = 0\n")], scope=(3, text.index("c")))
    assert err.failures[0].kind == "outside"


def test_overlapping_blocks_are_refused() -> None:
    blocks = [
        EditBlock("def load(path):\n    with open(path) as handle:\n", "def load(p):\n    pass\n"),
        EditBlock("import os\n", "import sys\n"),
        EditBlock("    with open(path) as handle:\n        data = handle.read()\n", "x\n"),
    ]
    err = refusal(DOC, blocks)
    (failure,) = err.failures
    assert (failure.index, failure.kind, failure.reason) == (2, "overlap", "overlaps block 1")
    assert err.matched == (1,)
    assert err.resend == (0, 2)
    text = err.reflection()
    assert "Blocks 1 and 3 change the same lines: merge them into one block." in text
    assert "Block 2 matched: do not resend it. Resend only blocks 1 and 3, fixed." in text


def test_empty_search_is_refused_in_a_non_empty_scope() -> None:
    err = refusal(DOC, [EditBlock("", "x = 1\n")], scope=LOAD)
    assert err.failures[0].kind == "empty"
    assert err.failures[0].reason.startswith("empty SEARCH")


def test_empty_search_inserts_into_an_empty_scope() -> None:
    text = "a = 1\n\n\nb = 2\n"
    at = text.index("\n\n") + 1  # the cursor on the first blank line
    result = apply(text, "", "def f():\n    return 1\n", scope=(at, at))
    assert result.new_text == "a = 1\ndef f():\n    return 1\n\n\nb = 2\n"
    assert result.applied[0].strategy == "insert"
    assert apply("", "", "x = 1\n", scope=(0, 0)).new_text == "x = 1\n"


def test_empty_search_at_the_end_of_a_line_inserts_after_it() -> None:
    text = "a = 1\r\nb = 2"
    assert apply(text, "", "c = 3\n", scope=(5, 5)).new_text == "a = 1\r\nc = 3\r\nb = 2"
    end = len(text)
    assert apply(text, "", "c = 3\n", scope=(end, end)).new_text == "a = 1\r\nb = 2\r\nc = 3"


def test_all_or_nothing_and_reflection_for_a_partial_failure() -> None:
    blocks = [
        EditBlock("import os\n", "import sys\n"),
        EditBlock("    return data.trim()\n", "    return data\n"),
        EditBlock("    return len(data)\n", "    return 0\n"),
    ]
    err = refusal(DOC, blocks)
    assert [f.index for f in err.failures] == [1]
    assert err.matched == (0, 2)
    text = err.reflection()
    assert "SEARCH block 2 did not apply: no match." in text
    assert "Blocks 1 and 3 matched: do not resend them. Resend only block 2, fixed." in text
    assert "    return data.strip()" in text  # the closest real line
    fixed = [EditBlock("    return data.strip()\n", "    return data\n")]
    merged = err.merge(blocks, fixed)
    assert merged == [blocks[0], blocks[2], fixed[0]]
    new = apply_blocks(DOC, merged, scope=WHOLE).new_text
    assert new == DOC.replace("import os", "import sys").replace(
        "return data.strip()", "return data"
    ).replace("return len(data)", "return 0")


def test_already_applied_replace_is_noted() -> None:
    block = EditBlock("    return data.lower()\n", "    return data.strip()\n")
    err = refusal(DOC, [block])
    assert err.failures[0].already_applied
    assert "are already in the code" in err.reflection()


def test_lazy_elision_in_replace_is_refused() -> None:
    block = EditBlock(
        "def load(path):\n    with open(path) as handle:\n",
        "def load(path):\n    # ... existing code ...\n",
    )
    err = refusal(DOC, [block])
    assert err.failures[0].kind == "lazy"
    assert "# ... existing code ..." in err.failures[0].reason


def test_elision_counts_must_agree() -> None:
    block = EditBlock("def load(path):\n...\n    return data.strip()\n", "def load(p):\n")
    err = refusal(DOC, [block])
    assert err.failures[0].kind == "elision"


def test_ambiguous_elision_piece_is_refused() -> None:
    text = "def f():\n    a = 1\n    x = 0\n    x = 0\n    return a\n"
    block = EditBlock("def f():\n...\n    x = 0\n", "def g():\n...\n    x = 1\n")
    err = refusal(text, [block])
    assert err.failures[0].kind == "ambiguous"
    assert "part 2" in err.failures[0].reason


def test_fuzzy_refuses_a_single_line() -> None:
    err = refusal(DOC, [EditBlock("    return data.strop()\n", "x\n")], scope=LOAD)
    assert err.failures[0].kind == "no-match"


def test_fuzzy_refuses_a_tie() -> None:
    text = "def a():\n    x = 1\n    y = 2\n\ndef b():\n    x = 1\n    y = 2\n"
    err = refusal(text, [EditBlock("    x = 1\n    y = 3\n", "pass\n")])
    assert err.failures[0].kind == "ambiguous"


def test_bad_scope_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="scope"):
        apply_blocks("abc", [], scope=(2, 1))
    with pytest.raises(ValueError, match="scope"):
        apply_blocks("abc", [], scope=(0, 4))


def test_no_blocks_changes_nothing() -> None:
    assert apply_blocks(DOC, [], scope=WHOLE) == PatchResult(DOC, [])


# --------------------------------------------------------------------------- end to end


def test_parsed_reply_applies() -> None:
    reply = (
        "<think>The bug is the missing strip.</think>\n"
        "Fix:\n```python\n<<<<<<< SEARCH\n    return data\n=======\n"
        "    return data.strip()\n>>>>>>> REPLACE\n```\n"
    )
    text = DOC.replace("data.strip()", "data")
    result = apply_blocks(text, parse_edits(reply), scope=(0, len(text)))
    assert result.new_text == DOC


def test_parsed_diff_applies() -> None:
    reply = (
        "```diff\n--- a/io.py\n+++ b/io.py\n@@ -10,4 +10,4 @@\n def save(path, data):\n"
        '-    with open(path, "w") as handle:\n+    with open(path, "a") as handle:\n'
        "         handle.write(data)\n```"
    )
    result = apply_blocks(DOC, parse_edits(reply), scope=WHOLE)
    assert result.new_text == DOC.replace('"w"', '"a"')
