"""Instruction comments (``# ai! ...``): finding them on a line and removing them."""

from __future__ import annotations

import pytest

from blitzls.instructions import (
    Instruction,
    find_instruction,
    instructions_in,
    remove_instruction,
)
from blitzls.text.lines import split_lines
from tests.support.recording import Recording


def find(line: str, language: str) -> Instruction | None:
    return find_instruction([line], 0, language)


@pytest.mark.parametrize(
    ("language", "line", "text", "column"),
    [
        ("python", "# ai! use pathlib here\n", "use pathlib here", 0),
        ("python", "    # AI! Use Pathlib\n", "Use Pathlib", 4),
        ("python", "#ai!no space\n", "no space", 0),
        ("python", "## ai! two hashes\n", "two hashes", 0),
        ("python", "# ai!: with a colon\n", "with a colon", 0),
        ("javascript", "  // ai! handle the null case\n", "handle the null case", 2),
        ("typescript", "/* ai! a block */\n", "a block", 0),
        ("typescriptreact", "  /** Ai! a doc block */\n", "a doc block", 2),
        ("javascript", "/* ai! an unfinished block\n", "an unfinished block", 0),
        ("rust", "    /// ai! doc comment\n", "doc comment", 4),
        ("rust", "//! ai! inner doc comment\n", "inner doc comment", 0),
        ("go", "\t// ai! wrap the error\n", "wrap the error", 1),
        ("c", "/* ai! free the buffer */\n", "free the buffer", 0),
        ("cpp", "// ai! use std::span\n", "use std::span", 0),
        ("java", "// ai! make it final\n", "make it final", 0),
        ("lua", "  -- ai! use a local\n", "use a local", 2),
        ("lua", "--[[ ai! a lua block ]]\n", "a lua block", 0),
        ("lua", "--[==[ ai! a level-2 block ]==]\n", "a level-2 block", 0),
        ("sql", "-- ai! add an index\n", "add an index", 0),
        ("sql", "/* ai! a sql block */\n", "a sql block", 0),
        ("shellscript", "  # ai! quote the variable\n", "quote the variable", 2),
        ("ruby", "# ai! use a block\n", "use a block", 0),
        ("html", "<!-- ai! add alt text -->\n", "add alt text", 0),
        ("markdown", "  <!--ai! fix the link-->\n", "fix the link", 2),
        ("css", "/* ai! use a variable */\n", "use a variable", 0),
        ("php", "# ai! php hash comment\n", "php hash comment", 0),
        ("plaintext", "-- ai! a guess\n", "a guess", 0),
    ],
)
def test_comment_styles(language: str, line: str, text: str, column: int) -> None:
    assert find(line, language) == Instruction(0, text, column)


@pytest.mark.parametrize(
    ("language", "line", "text"),
    [
        ("python", "# use pathlib here ai!\n", "use pathlib here"),
        ("python", "# use pathlib here AI!  \n", "use pathlib here"),
        ("javascript", "// handle the null case ai!\n", "handle the null case"),
        ("c", "/* free it ai! */\n", "free it"),
        ("lua", "-- use a local ai!\n", "use a local"),
        ("html", "<!-- add alt text ai! -->\n", "add alt text"),
        ("python", "# ai! both ends ai!\n", "both ends"),
    ],
)
def test_marker_at_the_end_of_the_comment(language: str, line: str, text: str) -> None:
    found = find(line, language)
    assert found is not None and found.text == text


@pytest.mark.parametrize(
    ("language", "line", "text", "column"),
    [
        ("python", "x = 1  # ai! rename x\n", "rename x", 7),
        ("python", 'path = "a#b"  # ai! use pathlib\n', "use pathlib", 14),
        ("javascript", "const u = 'http://x'; // ai! use URL\n", "use URL", 22),
        ("javascript", "foo(); /* ai! inline */ bar();\n", "inline", 7),
        ("rust", "fn f<'a>(x: &'a str) {} // ai! lifetimes\n", "lifetimes", 24),
        ("rust", "let c = '\"'; // ai! a quote char\n", "a quote char", 13),
        ("go", "\tq := `# ai! raw` // ai! real\n", "real", 18),
        ("lua", "local s = 'x' -- ai! lua trailing\n", "lua trailing", 14),
        ("lua", "--[[ ai! then code ]] x = 1\n", "then code", 0),
        ("shellscript", 'echo "$#" # ai! count\n', "count", 10),
        ("ruby", "puts 'a' # ai! ruby trailing\n", "ruby trailing", 9),
        ("sql", "SELECT 'it''s' -- ai! sql trailing\n", "sql trailing", 15),
        ("html", "<p>Don't</p> <!-- ai! markup trailing -->\n", "markup trailing", 13),
    ],
)
def test_trailing_comments(language: str, line: str, text: str, column: int) -> None:
    assert find(line, language) == Instruction(0, text, column)


@pytest.mark.parametrize(
    ("language", "line"),
    [
        ("python", 's = "# ai! inside a string"\n'),
        ("python", "s = '# ai! inside a string'\n"),
        ("python", 'doc = """text # ai! in an open triple-quoted string\n'),
        ("python", 'f"{x} # ai! f-string"\n'),
        ("javascript", "const t = `// ai! in a template`;\n"),
        ("javascript", "const s = '/* ai! in a string */';\n"),
        ("rust", 'let s = "// ai! in a string";\n'),
        ("rust", "let v = ai!(3); // a macro in code\n"),
        ("lua", "s = [[ -- ai! in a long string ]]\n"),
        ("sql", "SELECT '-- ai! in a string'\n"),
        ("shellscript", 'echo "# ai! in a string"\n'),
        ("shellscript", "echo a#ai! not a comment\n"),
        ("json", '{"note": "# ai! no comments in JSON"}\n'),
        ("python", "// ai! not a Python comment\n"),
        ("javascript", "# ai! not a JavaScript comment\n"),
        ("lua", "// ai! not a Lua comment\n"),
        ("go", "-- ai! not a Go comment\n"),
        ("python", "print('ai!')\n"),
        ("python", "# see ai! in the middle\n"),
        ("python", "# xai! a longer word\n"),
        ("python", "# ai:  not the marker\n"),
        ("python", "# ai!\n"),
        ("javascript", "/* ai! */\n"),
        ("python", "\n"),
    ],
)
def test_not_an_instruction(language: str, line: str) -> None:
    assert find(line, language) is None


def test_shebang_is_not_an_instruction() -> None:
    lines = ["#!/usr/bin/env ai! run\n", "# ai! second line\n"]
    assert find_instruction(lines, 0, "shellscript") is None
    assert find_instruction(lines, 1, "shellscript") == Instruction(1, "second line", 0)


def test_crlf_and_non_ascii() -> None:
    lines = split_lines("x = 1\r\n  # ai! données → 😀 ok\r\ny = '😀'  # ai! rename y\r\n")
    assert find_instruction(lines, 1, "python") == Instruction(1, "données → 😀 ok", 2)
    found = find_instruction(lines, 2, "python")
    assert found == Instruction(2, "rename y", 9)  # a code-point column: "😀" counts once
    assert remove_instruction(lines, found) == "y = '😀'"
    assert find_instruction(split_lines("s = '😀' # ai! x\r"), 0, "python") == Instruction(
        0, "x", 8
    )


def test_only_the_requested_line_is_read() -> None:
    lines = Recording(["# ai! one\n"] * 1000)
    assert find_instruction(lines, 500, "python") == Instruction(500, "one", 0)
    assert lines.seen == {500}


def test_lines_out_of_range() -> None:
    assert find_instruction(["# ai! x\n"], 1, "python") is None
    assert find_instruction(["# ai! x\n"], -1, "python") is None
    assert find_instruction([], 0, "python") is None


def test_instructions_in_a_range() -> None:
    lines = split_lines(
        "def f(x):\n"
        "    # ai! validate x\n"
        "    y = x  # ai! rename y\n"
        '    s = "# ai! not this"\n'
        "    return y\n"
        "# ai! outside the range\n"
    )
    assert instructions_in(lines, 0, 5, "python") == [
        Instruction(1, "validate x", 4),
        Instruction(2, "rename y", 11),
    ]
    assert instructions_in(lines, 0, 100, "python")[-1] == Instruction(5, "outside the range", 0)
    assert instructions_in(lines, 3, 5, "python") == []


@pytest.mark.parametrize(
    ("language", "line", "expected"),
    [
        ("python", "    # ai! whole line\n", None),
        ("python", "x = 1  # ai! rename x\n", "x = 1"),
        ("python", "x = 1\t# ai! tab before\r\n", "x = 1"),
        ("javascript", "  foo(); /* ai! inline */ bar();\n", "  foo(); bar();"),
        ("javascript", "  /* ai! first */ foo();\n", "  foo();"),
        ("javascript", "  /* ai! only a block */  \n", None),
        ("javascript", "/* ai! unfinished block\n", None),
        ("lua", "--[[ ai! lua block ]] x = 1\n", "x = 1"),
        ("html", "<p>Hi</p> <!-- ai! markup --> <br>\n", "<p>Hi</p> <br>"),
        ("go", "\tq := `# ai! raw` // ai! real\n", "\tq := `# ai! raw`"),
        ("python", "x = 1  # use pathlib ai!", "x = 1"),
    ],
)
def test_remove_instruction(language: str, line: str, expected: str | None) -> None:
    lines = [line]
    found = find_instruction(lines, 0, language)
    assert found is not None
    assert remove_instruction(lines, found) == expected


def test_remove_refuses_a_changed_line() -> None:
    found = find_instruction(["x = 1  # ai! rename x\n"], 0, "python")
    assert found is not None
    with pytest.raises(ValueError, match="no longer holds"):
        remove_instruction(["x = 1\n"], found)
    with pytest.raises(ValueError, match="no longer holds"):
        remove_instruction(["x = 1  # rename x\n"], found)
