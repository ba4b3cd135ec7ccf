"""Language ids, comment prefixes and the comment block around the cursor."""

from __future__ import annotations

import pytest

from blitzls.languages import (
    comment_block_around,
    is_comment_line,
    language_from_path,
    line_comment_prefixes,
)
from tests.support.recording import Recording


@pytest.mark.parametrize(
    ("path", "language"),
    [
        ("src/app.py", "python"),
        ("stubs/x.pyi", "python"),
        ("a/b.JS", "javascript"),
        ("view.jsx", "javascriptreact"),
        ("x.ts", "typescript"),
        ("x.tsx", "typescriptreact"),
        ("main.rs", "rust"),
        ("main.go", "go"),
        ("init.lua", "lua"),
        ("run.sh", "shellscript"),
        ("x.zsh", "shellscript"),
        ("x.bash", "shellscript"),
        ("x.rb", "ruby"),
        ("x.h", "c"),
        ("x.c", "c"),
        ("x.cc", "cpp"),
        ("x.hpp", "cpp"),
        ("X.java", "java"),
        ("x.kt", "kotlin"),
        ("x.swift", "swift"),
        ("x.cs", "csharp"),
        ("x.php", "php"),
        ("q.sql", "sql"),
        ("x.hs", "haskell"),
        ("x.exs", "elixir"),
        ("pyproject.toml", "toml"),
        ("ci.yml", "yaml"),
        ("x.r", "r"),
        ("x.jl", "julia"),
        ("x.zig", "zig"),
        ("x.dart", "dart"),
        ("x.scala", "scala"),
        ("init.el", "emacs-lisp"),
        ("x.clj", "clojure"),
        ("vimrc.vim", "vim"),
        ("x.ml", "ocaml"),
        ("Makefile", "makefile"),
        ("/repo/Dockerfile", "dockerfile"),
        ("notes", "plaintext"),
        ("archive.xyz", "plaintext"),
        (".gitignore", "plaintext"),
    ],
)
def test_language_from_path(path: str, language: str) -> None:
    assert language_from_path(path) == language


@pytest.mark.parametrize(
    ("language", "prefixes"),
    [
        ("python", ("#",)),
        ("shellscript", ("#",)),
        ("ruby", ("#",)),
        ("yaml", ("#",)),
        ("makefile", ("#",)),
        ("c", ("//",)),
        ("typescriptreact", ("//",)),
        ("rust", ("//",)),
        ("go", ("//",)),
        ("zig", ("//",)),
        ("php", ("//", "#")),
        ("lua", ("--",)),
        ("sql", ("--",)),
        ("haskell", ("--",)),
        ("clojure", (";",)),
        ("emacs-lisp", (";",)),
        ("elisp", (";",)),
        ("vim", ('"',)),
        ("ocaml", ()),
        ("Python", ("#",)),
        ("brainfuck", ("#", "//", "--")),
        ("plaintext", ("#", "//", "--")),
        ("", ("#", "//", "--")),
    ],
)
def test_line_comment_prefixes(language: str, prefixes: tuple[str, ...]) -> None:
    assert line_comment_prefixes(language) == prefixes


def test_common_languages_do_not_fall_back_to_the_guess() -> None:
    for path in ["a.py", "a.rs", "a.lua", "a.el", "a.vim", "a.sh", "a.kt"]:
        assert line_comment_prefixes(language_from_path(path)) != ("#", "//", "--")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("# note\n", True),
        ("    # indented\r\n", True),
        ("\t#\n", True),
        ("x = 1  # trailing\n", False),
        ("\n", False),
        ("", False),
        ("#", True),
    ],
)
def test_is_comment_line(line: str, expected: bool) -> None:
    assert is_comment_line(line, ("#",)) is expected


def test_is_comment_line_with_several_or_no_prefixes() -> None:
    assert is_comment_line("  -- sql", ("#", "//", "--"))
    assert not is_comment_line("  - item", ("#", "//", "--"))
    assert not is_comment_line("# x", ())


PY = [
    "#!/usr/bin/env python\n",  # 0
    "# first block\n",  # 1
    "import os\n",  # 2
    "\n",  # 3
    "def f():\n",  # 4
    "    # read the file\r\n",  # 5
    "    # then parse it\r\n",  # 6
    "\r\n",  # 7
    "    # after a blank line\n",  # 8
    "    return 1\n",  # 9
    "# last",  # 10
]


@pytest.mark.parametrize(
    ("line", "block"),
    [
        (5, (5, 7)),
        (6, (5, 7)),
        (8, (8, 9)),
        (1, (1, 2)),  # the shebang above is not part of it
        (0, None),  # a shebang is not a comment block
        (2, None),
        (3, None),
        (7, None),
        (10, (10, 11)),
        (11, None),
        (-1, None),
    ],
)
def test_comment_block_around(line: int, block: tuple[int, int] | None) -> None:
    assert comment_block_around(PY, line, ("#",)) == block


def test_hash_on_line_zero_without_bang_is_a_comment() -> None:
    assert comment_block_around(["# a\n", "# b\n", "x"], 1, ("#",)) == (0, 2)


def test_block_search_reads_only_the_block_and_its_neighbours() -> None:
    lines = [f"x = {i}\n" for i in range(10_000)]
    lines[5000:5003] = ["# one\n", "# two\n", "# three\n"]
    recording = Recording(lines)
    assert comment_block_around(recording, 5001, ("#",)) == (5000, 5003)
    assert recording.seen <= set(range(4999, 5004))
    recording.seen.clear()
    assert comment_block_around(recording, 7000, ("#",)) is None
    assert recording.seen == {7000}


# --------------------------------------------------------------------------- /* */ blocks

C = [
    "int a;\n",  # 0
    "/*\n",  # 1
    " * read the file\n",  # 2
    " *\n",  # 3
    " * then parse it\n",  # 4
    " */\n",  # 5
    "int b;\n",  # 6
    "  /* one line */\n",  # 7
    "/* free\n",  # 8
    "   style body\n",  # 9
    "\n",  # 10
    "   more */\n",  # 11
    "// line comment\n",  # 12
    "x = 1; /* trailing\n",  # 13
    "   still comment */\n",  # 14
    "/* closed */ int c;\n",  # 15
    "/* followed\n",  # 16
    " by code */ int d;\n",  # 17
    "/* never closed\n",  # 18
    "/* nested? */\n",  # 19
]


@pytest.mark.parametrize(
    ("line", "block"),
    [
        (1, (1, 6)),
        (3, (1, 6)),
        (5, (1, 6)),
        (0, None),
        (6, None),  # code right after a block
        (7, (7, 8)),
        (8, (8, 12)),
        (10, (8, 12)),  # a blank line inside a block comment
        (11, (8, 12)),
        (12, (12, 13)),  # plain line comments still work
        (13, None),  # starts mid-line: not a block of whole lines
        (14, None),
        (15, None),  # code after the comment on the same line
        (16, None),
        (17, None),
        (18, None),  # unterminated
    ],
)
def test_c_block_comments(line: int, block: tuple[int, int] | None) -> None:
    assert comment_block_around(C, line, ("//",)) == block


def test_block_comments_only_for_languages_with_slash_comments() -> None:
    assert comment_block_around(C, 3, ("#",)) is None
    assert comment_block_around(C, 3, line_comment_prefixes("rust")) == (1, 6)
    assert comment_block_around(C, 3, line_comment_prefixes("plaintext")) == (1, 6)


def test_block_comment_search_is_bounded() -> None:
    lines = [f"int x{i};\n" for i in range(10_000)]
    recording = Recording(lines)
    assert comment_block_around(recording, 9000, ("//",)) is None
    assert len(recording.seen) <= 201
