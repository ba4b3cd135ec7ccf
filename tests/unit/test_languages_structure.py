"""Code structure read on tree-sitter trees (and by the fallback where there is no grammar)."""

from __future__ import annotations

import textwrap

import pytest

from blitzls.languages.comments import is_elision, placeholder_hint
from blitzls.languages.structure import RowReader, read
from blitzls.targets import with_placeholder


def lines_of(text: str) -> list[str]:
    return textwrap.dedent(text).strip("\n").split("\n")


PYTHON = lines_of(
    '''
    #!/usr/bin/env python3
    """Doc."""
    import os.path as p, sys
    from a.b import (c as d, e)
    X: int = 1

    # the helper
    @cache
    def g(n):
        """Doc of g."""
    #    print(n)
        text = """
    not code
    """
        return helper(n) + X
    '''
)


def test_python_statements_their_names_and_what_they_bind() -> None:
    code = read(PYTHON, "python")
    members = [
        (m.category, m.name, m.first, m.start, m.last, sorted(m.binds)) for m in code.members(None)
    ]
    assert members == [
        ("doc", None, 0, 1, 2, []),
        ("import", None, 2, 2, 3, ["p", "sys"]),
        ("import", None, 3, 3, 4, ["d", "e"]),
        ("assignment", "X", 4, 4, 5, ["X"]),
        ("definition", "g", 6, 8, 15, ["g"]),  # with its comment and decorator
    ]
    (g,) = code.definitions()
    assert {"helper", "X", "n"} <= code.uses(g)


def test_rows_are_code_comments_docstrings_or_blank_by_the_tree() -> None:
    code = read(PYTHON, "python")
    kinds = [code.row_kind(row) for row in range(len(PYTHON))]
    assert kinds == [
        "comment", "doc", "code", "code", "code", "blank", "comment", "code", "code", "doc",
        "comment",  # "#    print(n)" at column 0, inside the function
        "code", "code", "code",  # a string's lines at column 0 are code
        "code",
    ]  # fmt: skip
    assert code.comment_text(10) == "print(n)"


@pytest.mark.parametrize(
    ("language", "source", "names"),
    [
        ("javascript", 'import fs, { readFile as rf, x } from "fs";', {"fs", "rf", "x"}),
        ("javascript", 'const { a, b: c } = require("mod");', {"a", "c"}),
        ("typescript", 'import * as path from "path";', {"path"}),
        ("rust", "use std::collections::{HashMap, HashSet as S};", {"HashMap", "S"}),
        ("go", 'import (\n\t"strings"\n\tm "math"\n)', {"strings", "m"}),
        ("java", "import java.util.List;", {"List"}),
    ],
)
def test_imports_bind_the_names_the_file_then_uses(
    language: str, source: str, names: set[str]
) -> None:
    prefix = "package p\n" if language == "go" else ""
    code = read(lines_of(prefix + source), language)
    imports = [m for m in code.members(None) if m.category == "import"]
    assert len(imports) == 1 and imports[0].binds == names


def test_definitions_know_their_container_and_rust_attributes_their_function() -> None:
    source = lines_of(
        """
        /// Doc
        #[inline]
        fn first_word<'a>(s: &'a str) -> &'a str {
            s
        }

        impl Shape for Square {
            fn area(&self) -> f64 { 1.0 }
        }
        """
    )
    code = read(source, "rust")
    first, shape, area = code.definitions()
    assert (first.name, first.first, first.start, first.last) == ("first_word", 0, 2, 5)
    assert shape.name == "Shape for Square" and code.container(area) is shape
    assert code.container(first) is None and area.depth == 1


def test_a_bare_method_reads_inside_no_class_only_in_languages_that_allow_it() -> None:
    assert [
        d.name for d in read(lines_of("def count(self):\n    return 1"), "python").definitions()
    ] == ["count"]
    assert read(lines_of("count(items) {\n  return 1;\n}"), "javascript").definitions() == []


@pytest.mark.parametrize(
    ("language", "source", "row", "end"),
    [
        ("python", "def f():\n    # x\n    pass\n", 2, 3),
        ("python", "def f():\n    # x\n    ...\n", 2, 3),
        (
            "python",
            'def f():\n    # x\n    raise NotImplementedError(\n        "later"\n    )\n',
            2,
            5,
        ),
        ("rust", "fn f() -> i32 {\n    // x\n    todo!()\n}\n", 2, 3),
        ("rust", 'fn f() {\n    // x\n    panic!("not implemented");\n}\n', 2, 3),
        ("javascript", 'function f() {\n  // x\n  throw new Error("Not implemented");\n}\n', 2, 3),
        ("go", 'package p\nfunc f() {\n\t// x\n\tpanic("TODO")\n}\n', 3, 4),
        (
            "java",
            "class A { int f() {\n  // x\n  throw new UnsupportedOperationException();\n} }\n",
            2,
            3,
        ),
    ],
)
def test_placeholders_are_found_as_statements(
    language: str, source: str, row: int, end: int
) -> None:
    lines = source.split("\n")
    assert RowReader(lines, language).code_for(row).placeholder_at(row) == end
    assert placeholder_hint(lines[row], language)


@pytest.mark.parametrize(
    ("language", "source", "row"),
    [
        ("python", "def f():\n    # x\n    password = 1\n", 2),
        ("python", "def f():\n    # x\n    pass; x = 1\n", 2),
        ("javascript", 'function f() {\n  // x\n  throw new Error("bad input");\n}\n', 2),
        ("rust", 'fn f() {\n    // x\n    panic!("bad input");\n}\n', 2),
    ],
)
def test_statements_that_are_not_placeholders(language: str, source: str, row: int) -> None:
    lines = source.split("\n")
    assert RowReader(lines, language).code_for(row).placeholder_at(row) is None


def test_the_listing_takes_the_placeholder_line_with_the_comment_block() -> None:
    lines = ["def f(x):\n", "    # double it\n", "    pass\n", "    return x\n"]
    assert with_placeholder(lines, (1, 2), "python") == (1, 3)
    assert with_placeholder(lines, (2, 3), "python") == (2, 3)  # `return x` is code
    assert with_placeholder(["fn f() {\n", "    // x\n", "    x\n", "}\n"], (1, 2), "rust") == (
        1,
        2,
    )
    assert with_placeholder(lines, None, "python") is None


@pytest.mark.parametrize(
    ("words", "elision"),
    [
        ("... existing code ...", True),
        ("rest of the function unchanged", True),
        ("existing code", True),
        ("unchanged", True),
        ("…", True),
        ("existing keys are overwritten by override", False),
        ("rest of the items are added one by one", False),
        ("the same as the label", False),
    ],
)
def test_elision_words(words: str, elision: bool) -> None:
    assert is_elision(words) is elision


def test_languages_without_a_grammar_are_read_by_indentation() -> None:
    source = lines_of(
        """
        import kotlin.math.ceil

        // rounds up
        fun up(x: Double): Int {
            return ceil(x).toInt()
        }
        """
    )
    code = read(source, "kotlin")
    (up,) = code.definitions()
    assert (up.name, up.first, up.start, up.last) == ("up", 2, 3, 6)
    assert [m.category for m in code.members(None)] == ["import", "definition"]
    assert code.members(None)[0].binds == {"ceil"}
    assert [code.row_kind(r) for r in range(3)] == ["code", "blank", "comment"]
