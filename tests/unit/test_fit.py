"""Fitting extracted code into the selected range: indentation and repeated context."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from blitzls.replies.extract import ReplyError, extract_code
from blitzls.replies.fit import fit_replacement

# --------------------------------------------------------------------------- a Python file

FILE = '''import math


def norm(xs):
    """Euclidean norm of xs."""
    # add up the squares of xs
    # take the square root of the total
    return result


def other():
    return 1
'''
LINES = FILE.split("\n")
FIRST, LAST = 5, 6  # the two pseudocode lines
BEFORE, TARGET, AFTER = LINES[:FIRST], LINES[FIRST : LAST + 1], LINES[LAST + 1 :]
WANT = ["    total = sum(x * x for x in xs)", "    result = math.sqrt(total)"]

CODE = "total = sum(x * x for x in xs)\nresult = math.sqrt(total)"
INDENTED = "\n".join(WANT)
WHOLE = f'def norm(xs):\n    """Euclidean norm of xs."""\n{INDENTED}\n    return result'


def run(lines: Sequence[str], name: str, *args: Any, owner: str | None = None) -> object:
    """Execute a whole file's text and call one of its functions."""
    namespace: dict[str, Any] = {}
    exec(compile("\n".join(lines), "<fitted>", "exec"), namespace)
    scope = namespace[owner]() if owner else namespace
    func: Callable[..., object] = getattr(scope, name) if owner else scope[name]
    return func(*args)


def fit_file(reply: str) -> tuple[list[str], list[str]]:
    """(replacement lines, whole new file lines) for ``reply`` on the pseudocode range."""
    fitted = fit_replacement(extract_code(reply), BEFORE, TARGET, AFTER)
    return fitted, [*BEFORE, *fitted, *AFTER]


REPLIES = {
    "fenced": f"```\n{INDENTED}\n```",
    "fence with language tag": f"```python\n{INDENTED}\n```",
    "fence with info string": f"```py title=norm.py\n{INDENTED}\n```",
    "tilde fence": f"~~~python\n{INDENTED}\n~~~",
    "four backticks": f"````python\n{INDENTED}\n````",
    "chatter around fence": (
        f"Here's the implementation:\n\n```python\n{INDENTED}\n```\n\n"
        "This works because the square root of the sum of squares is the norm."
    ),
    "bare code": INDENTED,
    "bare code with chatter": f"Sure! Here is the code:\n{INDENTED}\n",
    "dedented to column 0": f"```python\n{CODE}\n```",
    "dedented further than the range": "```python\n  " + CODE.replace("\n", "\n  ") + "\n```",
    "think preamble then fence": (
        f"<think>Square, sum, sqrt.\n```\nwrong\n```</think>\n```py\n{CODE}\n```"
    ),
    "thinking tag then bare code": f"<thinking>\nok\n</thinking>\n{CODE}",
    "unclosed fence (cut stream)": f"```python\n{INDENTED}\n",
    "several fences": (
        f"```python\n{INDENTED}\n```\nUse it like this:\n```python\nnorm([3, 4])\n```"
    ),
    "whole function repeated": f"```python\n{WHOLE}\n```",
    "whole function, no docstring gap": f"Here:\n```python\n\n{WHOLE}\n\n```",
    "repeats the line after the range": f"```python\n{INDENTED}\n    return result\n```",
    "repeats the line before the range": (
        f'```python\n    """Euclidean norm of xs."""\n{INDENTED}\n```'
    ),
    "crlf reply": "```python\r\n" + "\r\n".join(WANT) + "\r\n```\r\n",
}


@pytest.mark.parametrize("reply", REPLIES.values(), ids=REPLIES.keys())
def test_reply_shapes_give_a_file_that_runs(reply: str) -> None:
    fitted, new_file = fit_file(reply)
    assert fitted == WANT
    assert run(new_file, "norm", [3, 4]) == 5.0
    assert "\n".join(new_file).count("def norm(xs):") == 1
    assert "\n".join(new_file).count("return result") == 1


def test_internal_blank_lines_and_relative_indentation_are_kept() -> None:
    reply = (
        "```\ntotal = 0\n\nfor x in xs:\n    total += x * x\n   \nresult = math.sqrt(total)\n```"
    )
    fitted, new_file = fit_file(reply)
    assert fitted == [
        "    total = 0",
        "",
        "    for x in xs:",
        "        total += x * x",
        "",
        "    result = math.sqrt(total)",
    ]
    assert run(new_file, "norm", [6, 8]) == 10.0


def test_non_ascii_code_is_kept() -> None:
    fitted = fit_replacement("s = 'héllo 😀'\nt = s", ["def f():"], ["    # 😀"], ["    return t"])
    assert fitted == ["    s = 'héllo 😀'", "    t = s"]
    assert run(["def f():", *fitted, "    return t"], "f") == "héllo 😀"


# --------------------------------------------------------------------------- methods and tabs

METHOD_BEFORE = ["class Box:", "    def norm(self, xs):", '        """Norm."""']
METHOD_TARGET = ["        # square, add, square root"]
METHOD_AFTER = ["        return result", "", "    size = 1"]


def test_whole_method_repeated_at_column_0_lands_at_file_indentation() -> None:
    reply = (
        'def norm(self, xs):\n    """Norm."""\n    import math\n'
        "    result = math.sqrt(sum(x * x for x in xs))\n    return result"
    )
    fitted = fit_replacement(reply, METHOD_BEFORE, METHOD_TARGET, METHOD_AFTER)
    assert fitted == ["        import math", "        result = math.sqrt(sum(x * x for x in xs))"]
    assert run([*METHOD_BEFORE, *fitted, *METHOD_AFTER], "norm", [3, 4], owner="Box") == 5.0


TAB_BEFORE = ["def norm(xs):", '\t"""Norm."""']
TAB_TARGET = ["\t# sum the squares", "\t# then the root"]
TAB_AFTER = ["\treturn result"]


def test_tab_indented_file_gets_tabs() -> None:
    code = "import math\nt = 0\nfor x in xs:\n    t += x * x\nresult = math.sqrt(t)"
    fitted = fit_replacement(code, TAB_BEFORE, TAB_TARGET, TAB_AFTER)
    assert fitted == [
        "\timport math",
        "\tt = 0",
        "\tfor x in xs:",
        "\t\tt += x * x",
        "\tresult = math.sqrt(t)",
    ]
    assert run([*TAB_BEFORE, *fitted, *TAB_AFTER], "norm", [3, 4]) == 5.0


def test_tab_indented_file_whole_function_repeated_with_spaces() -> None:
    reply = (
        '```python\ndef norm(xs):\n    """Norm."""\n    import math\n'
        "    result = math.sqrt(sum(x * x for x in xs))\n    return result\n```"
    )
    fitted = fit_replacement(extract_code(reply), TAB_BEFORE, TAB_TARGET, TAB_AFTER)
    assert fitted == ["\timport math", "\tresult = math.sqrt(sum(x * x for x in xs))"]
    assert run([*TAB_BEFORE, *fitted, *TAB_AFTER], "norm", [3, 4]) == 5.0


def test_tab_size_counts_columns() -> None:
    # With tab_size 2 a tab is two columns, so "\t\t" is 4 columns: two tabs again.
    fitted = fit_replacement("a\n  b\n    c", [], ["\t\t# x"], [], tab_size=2)
    assert fitted == ["\t\ta", "\t\t\tb", "\t\t\t\tc"]


def test_mixed_tab_code_is_rendered_in_space_style() -> None:
    assert fit_replacement("if a:\n\tb()", [], ["  # x"], []) == ["  if a:", "      b()"]


# --------------------------------------------------------------------------- blank lines


def test_target_blank_lines_around_the_code_are_kept() -> None:
    target = ["", "    # add up the squares", "    # take the root", "", ""]
    fitted = fit_replacement(f"\n\n{CODE}\n\n", BEFORE, target, AFTER)
    assert fitted == ["", *WANT, "", ""]
    assert run([*BEFORE, *fitted, *AFTER], "norm", [3, 4]) == 5.0


def test_all_blank_target_after_a_block_opener_goes_one_level_deeper() -> None:
    before = ["def norm(xs):"]
    after = ["", "", "def other():", "    return 1"]
    fitted = fit_replacement(f"{CODE}\nreturn result", before, ["", "  "], after)
    assert fitted == [*WANT, "    return result"]
    assert run(["import math", *before, *fitted, *after], "norm", [3, 4]) == 5.0


def test_all_blank_target_takes_the_previous_line_indentation() -> None:
    before = ["function f(xs) {", "  let s = 0;"]
    fitted = fit_replacement("s += xs.length;", before, [""], ["  return s;", "}"])
    assert fitted == ["  s += xs.length;"]


def test_all_blank_target_uses_the_file_indent_unit_after_an_opener() -> None:
    before = ["function f(xs) {", "  if (xs) {"]
    fitted = fit_replacement("g();", before, [""], ["  }", "}"])
    assert fitted == ["    g();"]


def test_all_blank_target_with_nothing_before_uses_the_next_line() -> None:
    assert fit_replacement("x = 1", [], [""], ["\tfoo()"]) == ["\tx = 1"]
    assert fit_replacement("  x = 1", [], [""], []) == ["x = 1"]


# --------------------------------------------------------------------------- rule a details


def test_leading_match_takes_the_shortest_repeated_tail() -> None:
    before = ["x = 1", "x = 1"]
    assert fit_replacement("x = 1\ny = 2", before, ["# y"], []) == ["y = 2"]
    assert fit_replacement("x = 1\nx = 1\ny = 2", before, ["# y"], []) == ["x = 1", "y = 2"]


def test_leading_match_ignores_blank_lines_on_both_sides() -> None:
    before = ["def f():", "", '    """Doc."""', ""]
    code = 'def f():\n    """Doc."""\n\n\n    return 2'
    assert fit_replacement(code, before, ["    # two"], []) == ["    return 2"]


def test_leading_match_with_inconsistent_indentation_is_no_match() -> None:
    before = ["def f(x):", "    y = 1"]
    fitted = fit_replacement("def f(x):\n  y = 1\n  z = 2", before, ["    # z"], [])
    assert fitted == ["    def f(x):", "      y = 1", "      z = 2"]


# --------------------------------------------------------------------------- braces

JS_BEFORE = ["function total(xs) {", "  let s = 0;"]
JS_TARGET = ["  // add every x to s"]
JS_AFTER = ["  return s;", "}", ""]
JS_WANT = ["  for (const x of xs) {", "    s += x;", "  }"]


def test_js_models_own_closing_brace_is_kept() -> None:
    reply = "```js\nfor (const x of xs) {\n  s += x;\n}\n```"
    assert fit_replacement(extract_code(reply), JS_BEFORE, JS_TARGET, JS_AFTER) == JS_WANT


def test_js_whole_function_repeated() -> None:
    reply = (
        "```javascript\nfunction total(xs) {\n  let s = 0;\n  for (const x of xs) {\n"
        "    s += x;\n  }\n  return s;\n}\n```"
    )
    assert fit_replacement(extract_code(reply), JS_BEFORE, JS_TARGET, JS_AFTER) == JS_WANT


def test_js_closing_brace_at_the_same_indent_alone_is_not_repetition() -> None:
    # An unindented range just before "}": the model's "}" closes its own "if".
    before = ["function f(a) {"]
    fitted = fit_replacement("if (a) {\n  g();\n}", before, ["// call g if a"], ["}"])
    assert fitted == ["if (a) {", "  g();", "}"]


def test_js_appended_enclosing_brace_is_dropped_whatever_its_indent() -> None:
    # The model closed the enclosing function too; that "}" closes nothing in its code.
    for code in ("s += 1;\nreturn s;\n}", "  s += 1;\n  return s;\n}", "s += 1;\nreturn s;\n  }"):
        fitted = fit_replacement(code, JS_BEFORE, ["  // add one, return"], ["}"])
        assert fitted == ["  s += 1;", "  return s;"], code


def test_unmatched_brace_not_repeating_the_next_line_is_kept() -> None:
    fitted = fit_replacement("a();\n}", ["if (x) {"], ["  // a"], ["b();"])
    assert fitted == ["  a();", "  }"]


RUST_BEFORE = ["fn total(xs: &[i64]) -> i64 {", "    let mut s = 0;"]
RUST_TARGET = ["    // add every x to s"]
RUST_AFTER = ["    s", "}"]


def test_rust_code_repeating_the_tail_of_the_function() -> None:
    reply = "```rust\n    for x in xs {\n        s += x;\n    }\n    s\n}\n```"
    fitted = fit_replacement(extract_code(reply), RUST_BEFORE, RUST_TARGET, RUST_AFTER)
    assert fitted == ["    for x in xs {", "        s += x;", "    }"]


def test_rust_nested_closers_of_the_model_are_kept() -> None:
    code = "for x in xs {\n    if *x > 0 {\n        s += x;\n    }\n}"
    fitted = fit_replacement(code, RUST_BEFORE, RUST_TARGET, ["    s", "    }", "}"])
    assert fitted == [
        "    for x in xs {",
        "        if *x > 0 {",
        "            s += x;",
        "        }",
        "    }",
    ]


def test_shell_keyword_closer_dropped_only_with_a_repeated_head() -> None:
    before = ["if [ -f x ]; then"]
    whole = "if [ -f x ]; then\n  echo hi\nfi"
    assert fit_replacement(whole, before, ["  # greet"], ["fi"]) == ["  echo hi"]
    own = "for f in *; do\n  echo $f\ndone"
    assert fit_replacement(own, ["cd /"], ["# list"], ["done"]) == own.split("\n")


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    "code",
    [
        'def norm(xs):\n    """Euclidean norm of xs."""',
        "    return result",
        '    """Euclidean norm of xs."""\n\n    return result\n',
    ],
)
def test_only_repeated_context_raises(code: str) -> None:
    with pytest.raises(ReplyError, match="only repeated"):
        fit_replacement(code, BEFORE, TARGET, AFTER)


@pytest.mark.parametrize("code", ["", "\n  \n\t"])
def test_no_code_raises(code: str) -> None:
    with pytest.raises(ReplyError, match="no code"):
        fit_replacement(code, BEFORE, TARGET, AFTER)


def test_empty_reply_raises_through_the_pipeline() -> None:
    with pytest.raises(ReplyError):
        fit_file("```python\n```")


def test_bad_tab_size_is_rejected() -> None:
    with pytest.raises(ValueError, match="tab_size"):
        fit_replacement("x", [], ["x"], [], tab_size=0)


# --------------------------------------------------------------------------- properties


def columns(line: str, tab_size: int) -> int:
    col = 0
    for char in line:
        if char == " ":
            col += 1
        elif char == "\t":
            col += tab_size - col % tab_size
        else:
            break
    return col


_WORDS = st.sampled_from(["x = 1", "if a:", "f(y)", "return z", "# note", "élan 😀", "pass"])
_CODE_LINES = st.lists(
    st.one_of(
        st.tuples(st.integers(0, 12), st.sampled_from([" ", "\t"]), _WORDS),
        st.just((0, " ", "")),
    ),
    min_size=1,
    max_size=12,
).filter(lambda rows: any(text for _, _, text in rows))


@settings(max_examples=200, deadline=None)
@given(
    rows=_CODE_LINES,
    target_indent=st.sampled_from(["", "  ", "    ", "\t", "\t\t", "\t  "]),
    tab_size=st.integers(1, 8),
)
def test_reindentation_is_idempotent_and_keeps_relative_indentation(
    rows: list[tuple[int, str, str]], target_indent: str, tab_size: int
) -> None:
    code_lines = [char * count + text if text else "" for count, char, text in rows]
    target = [target_indent + "# pseudocode"]
    fitted = fit_replacement("\n".join(code_lines), [], target, [], tab_size=tab_size)

    assert fit_replacement("\n".join(fitted), [], target, [], tab_size=tab_size) == fitted
    code_rows = [line for line in code_lines if line.strip()]
    fitted_rows = [line for line in fitted if line]
    assert [line.lstrip(" \t") for line in fitted_rows] == [
        line.lstrip(" \t") for line in code_rows
    ]
    code_cols = [columns(line, tab_size) for line in code_rows]
    fitted_cols = [columns(line, tab_size) for line in fitted_rows]
    assert min(fitted_cols) == columns(target_indent, tab_size)
    shift = fitted_cols[0] - code_cols[0]
    assert [c + shift for c in code_cols] == fitted_cols
    assert all(line.strip() or line == "" for line in fitted)
    uses_tabs = "\t" in target_indent
    for line in fitted_rows:
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        assert ("\t" in indent) == (uses_tabs and columns(line, tab_size) >= tab_size)
