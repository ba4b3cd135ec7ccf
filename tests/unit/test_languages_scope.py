"""The definition around a span of lines, or the top-level block around it."""

from __future__ import annotations

import time
from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from blitzls.languages import grammars
from blitzls.languages.fallback import indent_definition
from blitzls.languages.registry import Language, language_for
from blitzls.languages.scope import TOP_BLOCK_MAX, enclosing_scope
from blitzls.text.lines import split_lines
from tests.support.recording import Recording


def at(lines: Sequence[str], needle: str) -> int:
    """The index of the one line containing ``needle``."""
    found = [i for i, line in enumerate(lines) if needle in line]
    assert len(found) == 1, f"{needle!r} found on lines {found}"
    return found[0]


def span(lines: Sequence[str], first: str, last: str) -> tuple[int, int]:
    """[line of ``first``, line of ``last`` + 1)."""
    return at(lines, first), at(lines, last) + 1


def scope_of(lines: Sequence[str], needle: str, language: str) -> tuple[int, int]:
    line = at(lines, needle)
    return enclosing_scope(lines, line, line + 1, language)


# --- Python --------------------------------------------------------------------------

PYTHON = split_lines(
    '''"""A module."""

import functools

LIMIT = 10
NAMES = [
    "a",

    "b",
]


# Cache the results.
@functools.lru_cache(
    maxsize=None,
)
def outer(a: int,
          b: int) -> int:
    """Add things.

Dedented docstring text.
    """
    total = a + b  # body start

    def inner(x: int) -> int:
        return x * 2  # inner body

    total = inner(total)  # after inner
    return total  # outer end


class Greeter:
    """Greets."""

    greeting = "hi"  # class attribute

    def __init__(self, name: str) -> None:
        self.name = name  # init body

    @property
    def loud(self) -> str:
        return self.name.upper()  # loud body

    async def fetch(
        self,
        url: str,
    ) -> bytes:
        data = await get(url)  # async start
        if data:
            return data  # async middle
        return b""  # async end


def tail() -> None:
    pass  # tail body

print(LIMIT)  # top level
'''
)

PYTHON_CASES = [
    ("# Cache the results.", ("# Cache the results.", "# outer end")),
    ("# body start", ("# Cache the results.", "# outer end")),
    ("Dedented docstring", ("# Cache the results.", "# outer end")),
    ("# inner body", ("def inner", "# inner body")),
    ("# after inner", ("# Cache the results.", "# outer end")),
    ("# outer end", ("# Cache the results.", "# outer end")),
    ("maxsize=None", ("# Cache the results.", "# outer end")),
    ("b: int) -> int:", ("# Cache the results.", "# outer end")),
    ("# class attribute", ("class Greeter", "# async end")),
    ("# init body", ("def __init__", "# init body")),
    ("# loud body", ("@property", "# loud body")),
    ("def loud", ("@property", "# loud body")),
    ("# async start", ("async def fetch", "# async end")),
    ("# async middle", ("async def fetch", "# async end")),
    ("# async end", ("async def fetch", "# async end")),
    ("    ) -> bytes:", ("async def fetch", "# async end")),
    ("url: str,", ("async def fetch", "# async end")),
    ("# tail body", ("def tail", "# tail body")),
]


@pytest.mark.parametrize(("needle", "expected"), PYTHON_CASES)
def test_python_definitions(needle: str, expected: tuple[str, str]) -> None:
    assert scope_of(PYTHON, needle, "python") == span(PYTHON, *expected)


def test_python_span_over_two_methods_is_the_class() -> None:
    first, last = span(PYTHON, "# init body", "# loud body")
    assert enclosing_scope(PYTHON, first, last, "python") == span(
        PYTHON, "class Greeter", "# async end"
    )


def test_python_span_that_is_a_whole_function() -> None:
    first, last = span(PYTHON, "def inner", "# inner body")
    assert enclosing_scope(PYTHON, first, last, "python") == (first, last)


def test_python_top_level_blocks() -> None:
    # A paragraph ends at blank lines before lines at indentation 0.
    assert scope_of(PYTHON, "LIMIT = 10", "python") == span(PYTHON, "LIMIT = 10", "]")
    # A blank line inside an indented block does not end it.
    assert scope_of(PYTHON, '"b",', "python") == span(PYTHON, "LIMIT = 10", "]")
    # A top-level line right after a function does not take the function in.
    assert scope_of(PYTHON, "# top level", "python") == span(PYTHON, "# top level", "# top level")
    assert scope_of(PYTHON, "import functools", "python") == span(
        PYTHON, "import functools", "import functools"
    )


def test_python_blank_line_between_methods_belongs_to_the_class() -> None:
    blank = at(PYTHON, "# init body") + 1
    assert PYTHON[blank] == "\n"
    assert enclosing_scope(PYTHON, blank, blank + 1, "python") == span(
        PYTHON, "class Greeter", "# async end"
    )


BROKEN = split_lines(
    """import os


def first(path):
    return os.path.join(path, "x")  # first body


def broken(x):
    value = compute(x,  # unclosed
    return value  # broken end


@decorate
def last():
    return 3  # last body
"""
)


@pytest.mark.parametrize(
    ("needle", "expected"),
    [
        ("# first body", ("def first", "# first body")),
        ("# unclosed", ("def broken", "# broken end")),
        ("# last body", ("@decorate", "# last body")),
    ],
)
def test_python_file_with_a_syntax_error(needle: str, expected: tuple[str, str]) -> None:
    with pytest.raises(SyntaxError):
        compile("".join(BROKEN), "broken.py", "exec")
    assert scope_of(BROKEN, needle, "python") == span(BROKEN, *expected)


def test_python_unclosed_bracket_does_not_swallow_the_next_function() -> None:
    lines = split_lines("def a():\n    x = [1,\n\ndef b():\n    return 2\n")
    assert enclosing_scope(lines, 1, 2, "python") == (0, 2)
    assert enclosing_scope(lines, 4, 5, "python") == (3, 5)


def test_python_string_holding_code_at_column_zero() -> None:
    lines = split_lines(
        'class T:\n    def test(self):\n        src = """\\\ndef gen():\n    yield 1\n"""\n'
        "        run(src)  # after\n"
    )
    assert scope_of(lines, "# after", "python") == span(lines, "def test", "# after")


def test_python_crlf_and_non_ascii() -> None:
    lines = split_lines("def grüße():\r\n    return '😀'\r\n\r\nx = 1\r\n")
    assert enclosing_scope(lines, 1, 2, "python") == (0, 2)
    assert enclosing_scope(lines, 3, 4, "python") == (3, 4)


# --- JavaScript / TypeScript ---------------------------------------------------------

JAVASCRIPT = split_lines(
    """import { readFile } from "fs";

const TABLE = {
  a: 1,
}; // end table

/**
 * Sums the values.
 */
export function sum(values) {
  let total = 0; // sum start
  for (const v of values) {
    total += v; // sum loop
  }
  const brace = "}"; // a brace in a string
  return total; // sum end }
} // end sum

const double = (x) => {
  const t = `${x} {`; // arrow body
  return x * 2;
}; // end double

class Shape {
  constructor(width) {
    this.width = width; // ctor body
  } // end ctor

  area() {
    /* a { in a comment */
    return this.width ** 2; // area body
  } // end area

  static create(
    width,
  ) {
    return new Shape(width); // create body
  } // end create
} // end class

console.log(sum([1, 2])); // top level
"""
)


@pytest.mark.parametrize("language", ["javascript", "typescript", "javascriptreact"])
@pytest.mark.parametrize(
    ("needle", "expected"),
    [
        ("// sum start", ("/**", "// end sum")),
        ("// sum loop", ("/**", "// end sum")),
        ("// a brace in a string", ("/**", "// end sum")),
        ("// sum end", ("/**", "// end sum")),
        ("Sums the values", ("/**", "// end sum")),
        ("export function sum", ("/**", "// end sum")),
        ("// arrow body", ("const double", "// end double")),
        ("// ctor body", ("constructor(width)", "// end ctor")),
        ("// area body", ("area() {", "// end area")),
        ("a { in a comment", ("area() {", "// end area")),
        ("// create body", ("static create(", "// end create")),
        ("width,", ("static create(", "// end create")),
    ],
)
def test_javascript_definitions(language: str, needle: str, expected: tuple[str, str]) -> None:
    assert scope_of(JAVASCRIPT, needle, language) == span(JAVASCRIPT, *expected)


def test_javascript_class_and_top_level() -> None:
    between = at(JAVASCRIPT, "// end ctor") + 1
    assert JAVASCRIPT[between] == "\n"
    assert enclosing_scope(JAVASCRIPT, between, between + 1, "javascript") == span(
        JAVASCRIPT, "class Shape", "// end class"
    )
    assert scope_of(JAVASCRIPT, "// top level", "javascript") == span(
        JAVASCRIPT, "// top level", "// top level"
    )
    assert scope_of(JAVASCRIPT, "a: 1,", "javascript") == span(
        JAVASCRIPT, "const TABLE", "// end table"
    )


def test_typescript_types_with_braces() -> None:
    lines = split_lines(
        "export const handler = async (req: { id: number }): Promise<void> => {\n"
        "  const opts: { a: number } = { a: 1 }; // handler body\n"
        "};\n"
        "\n"
        "interface Shape {\n"
        "  area(): number; // interface member\n"
        "}\n"
    )
    assert scope_of(lines, "// handler body", "typescript") == (0, 3)
    assert scope_of(lines, "// interface member", "typescript") == (4, 7)


# --- Rust, Go, C-like ----------------------------------------------------------------

RUST = split_lines(
    """use std::fmt;

pub struct Point {
    x: i32, // field
} // end struct

impl Point {
    /// Makes a point.
    #[inline]
    pub fn new<'a>(x: &'a i32) -> Self {
        let open = '{'; // new body
        Point { x: *x }
    } // end new

    fn pick<T>(a: T, b: T) -> T
    where
        T: Clone,
    {
        let _ = "}"; // pick body
        a
    } // end pick
} // end impl
"""
)


@pytest.mark.parametrize(
    ("needle", "expected"),
    [
        ("// new body", ("/// Makes a point.", "// end new")),
        ("#[inline]", ("/// Makes a point.", "// end new")),
        ("// pick body", ("fn pick", "// end pick")),
        ("T: Clone,", ("fn pick", "// end pick")),
        ("// field", ("pub struct Point", "// end struct")),
    ],
)
def test_rust_definitions(needle: str, expected: tuple[str, str]) -> None:
    assert scope_of(RUST, needle, "rust") == span(RUST, *expected)


def test_rust_between_methods_is_the_impl() -> None:
    blank = at(RUST, "// end new") + 1
    assert enclosing_scope(RUST, blank, blank + 1, "rust") == span(
        RUST, "impl Point", "// end impl"
    )


GO = split_lines(
    """package main

import "fmt"

type Store struct {
\titems map[string]int
} // end store

// Get returns one item.
func (s *Store) Get(key string) (int, bool) {
\tv, ok := s.items[key] // get body
\treturn v, ok
} // end get

func main() {
\tquery := `raw { string
with a } brace` // main body
\tfmt.Println(query)
\tgo func() {
\t\tfmt.Println("in goroutine")
\t}() // end closure
} // end main
"""
)


@pytest.mark.parametrize(
    ("needle", "expected"),
    [
        ("// get body", ("// Get returns one item.", "// end get")),
        ("// Get returns one item.", ("// Get returns one item.", "// end get")),
        ("// main body", ("func main", "// end main")),
        ("with a } brace", ("func main", "// end main")),
        ("items map", ("type Store struct", "// end store")),
        ("in goroutine", ("go func()", "// end closure")),
    ],
)
def test_go_definitions(needle: str, expected: tuple[str, str]) -> None:
    assert scope_of(GO, needle, "go") == span(GO, *expected)


def test_c_gnu_style_preprocessor_labels_and_comments() -> None:
    lines = split_lines(
        """#include <stdio.h>

static int
add(int a, int b)
{
#ifdef DEBUG
    printf("{");
#endif
    /* a } in a comment
       { and another */
    return a + b; // add body
out:
    return 0;
}

struct point p = { 1, 2 };
"""
    )
    expected = span(lines, "static int", "    return 0;")
    expected = (expected[0], expected[1] + 1)
    assert scope_of(lines, "// add body", "c") == expected
    assert scope_of(lines, "return 0;", "c") == expected
    assert scope_of(lines, "and another", "c") == expected


def test_java_and_csharp() -> None:
    java = split_lines(
        """public class Foo {
    @Override
    public String toString() {
        return "}"; // java body
    }

    void run() {
        Runnable r = () -> {
            go(); // lambda body
        };
    }
}
"""
    )
    assert scope_of(java, "// java body", "java") == (1, 5)
    assert scope_of(java, "// lambda body", "java") == (7, 10)
    csharp = split_lines(
        """namespace App
{
    [Serializable]
    public class Foo
    {
        public int Bar(int x)
        {
            if (x > 0)
            {
                return x; // cs body
            }
            return 0;
        }
    }
}
"""
    )
    assert scope_of(csharp, "// cs body", "csharp") == (5, 13)
    assert scope_of(csharp, "public class Foo", "csharp") == (2, 14)


# --- Lua and shell -------------------------------------------------------------------

LUA = split_lines(
    """local M = {}

--- Adds with a loop.
function M.add(a, b)
  if a then
    for i = 1, 2 do
      b = b + i -- loop body
    end
  end
  local text = [[ an end
  inside a long string end ]]
  return a + b -- add end
end -- end add

local f = function(x)
  repeat x = x - 1 until x < 0 -- anon body
  return x
end -- end anon

return M
"""
)


@pytest.mark.parametrize(
    ("needle", "expected"),
    [
        ("-- loop body", ("--- Adds with a loop.", "-- end add")),
        ("inside a long string", ("--- Adds with a loop.", "-- end add")),
        ("-- add end", ("--- Adds with a loop.", "-- end add")),
        ("function M.add", ("--- Adds with a loop.", "-- end add")),
        ("-- anon body", ("local f = function", "-- end anon")),
    ],
)
def test_lua_definitions(needle: str, expected: tuple[str, str]) -> None:
    assert scope_of(LUA, needle, "lua") == span(LUA, *expected)


def test_lua_top_level() -> None:
    assert scope_of(LUA, "return M", "lua") == span(LUA, "return M", "return M")


SHELL = split_lines(
    """#!/bin/bash
set -euo pipefail

# Greets someone.
greet() {
  local name="${1:-world}"  # greet body
  cat <<EOF
}
EOF
  echo "hi {$name}"
} # end greet

function count {
  echo "$#"  # count body
} # end count

greet "$@"
"""
)


@pytest.mark.parametrize(
    ("needle", "expected"),
    [
        ("# greet body", ("# Greets someone.", "# end greet")),
        ('echo "hi', ("# Greets someone.", "# end greet")),
        ("# count body", ("function count", "# end count")),
    ],
)
def test_shell_definitions(needle: str, expected: tuple[str, str]) -> None:
    assert scope_of(SHELL, needle, "shellscript") == span(SHELL, *expected)


def test_shell_top_level() -> None:
    assert scope_of(SHELL, 'greet "$@"', "shellscript") == span(SHELL, 'greet "$@"', 'greet "$@"')


# --- other languages and edge cases --------------------------------------------------


def test_unknown_language_uses_indentation_and_closing_lines() -> None:
    lines = split_lines(
        "class Foo\n  def bar(x)\n    if x\n      1 # deep\n    end\n  end\n"
        "\n  def baz\n  end\nend\n"
    )
    assert scope_of(lines, "# deep", "ruby") == (1, 6)
    assert scope_of(lines, "# deep", "plaintext") == (1, 6)
    assert enclosing_scope(lines, 6, 7, "ruby") == (0, 10)


def test_top_level_block_is_capped() -> None:
    lines = split_lines("".join(f"x{i} = {i}\n" for i in range(400)))
    first, last = enclosing_scope(lines, 200, 201, "python")
    assert last - first == TOP_BLOCK_MAX and first <= 200 < last
    assert enclosing_scope(lines, 10, 150, "python") == (10, 150)  # never smaller than the span


def test_out_of_range_and_empty_spans() -> None:
    assert enclosing_scope([], 0, 1, "python") == (0, 0)
    lines = split_lines("def f():\n    return 1\n")
    assert enclosing_scope(lines, 1, 1, "python") == (0, 2)  # an empty span is its line
    assert enclosing_scope(lines, -5, 2, "python") == (0, 2)
    assert enclosing_scope(lines, 1, 2, "PYTHON") == (0, 2)


# --- long files ----------------------------------------------------------------------


def _python_file(functions: int) -> str:
    return "".join(
        f"@decorator\ndef func_{k}(a, b):\n"
        f'    """Doc {k}."""\n    total = 0\n    for i in range(a):\n'
        f"        if i % 2:\n            total += i  # body {k}\n    return total + b\n\n"
        for k in range(functions)
    )


def _brace_file(functions: int) -> str:
    return "".join(
        f'// f{k}\nfunction f{k}(a, b) {{\n  const s = "{{";\n  let t = 0;\n'
        f"  for (const x of a) {{\n    t += x; // body {k}\n  }}\n  return t + b;\n}}\n\n"
        for k in range(functions)
    )


def _go_file(functions: int) -> str:
    return "".join(
        f'// f{k} adds.\nfunc f{k}(a []int, b int) int {{\n\ts := "{{"\n\tt := len(s)\n'
        f"\tfor _, x := range a {{\n\t\tt += x // body {k}\n\t}}\n\treturn t + b\n}}\n\n"
        for k in range(functions)
    )


def _lua_file(functions: int) -> str:
    return "".join(
        f"local function f{k}(a)\n  if a then\n    for i = 1, 2 do\n"
        f"      a = a + i -- body {k}\n    end\n  end\n  return a\nend\n\n"
        for k in range(functions)
    )


def _shell_file(functions: int) -> str:
    return "".join(
        f'f{k}() {{\n  local x="${{1}}"\n  if [ -n "$x" ]; then\n    echo "$x" # body {k}\n'
        "  fi\n}\n\n"
        for k in range(functions)
    )


@pytest.mark.parametrize(
    ("language", "source", "count", "header"),
    [
        ("python", _python_file(1112), 1112, "@decorator"),
        ("javascript", _brace_file(1000), 1000, "// f"),
        ("go", _go_file(1000), 1000, "// f"),
        ("lua", _lua_file(1112), 1112, "local function"),
        ("shellscript", _shell_file(1430), 1430, "() {"),
    ],
)
def test_ten_thousand_lines(language: str, source: str, count: int, header: str) -> None:
    lines = split_lines(source)
    assert len(lines) >= 10_000
    timings = []
    for k in (0, count // 2, count - 1):  # the first, a middle and the last function
        line = at(lines, f" body {k}\n")
        recording = Recording(lines)
        started = time.perf_counter()
        first, last = enclosing_scope(recording, line, line + 1, language)
        timings.append(time.perf_counter() - started)
        assert header in lines[first] and first <= line < last
        assert last - first <= 10
        assert lines[last - 1].strip() in ("}", "end", "return total + b")
        # the lines near the span, and a few hundred above read for multi-line strings
        assert len(recording.seen) < 400, "only the lines near the span are read"
    print(f"\n{language}: {len(lines)} lines, slowest call {max(timings) * 1000:.3f} ms")


# --- properties ----------------------------------------------------------------------

_PIECES = [
    "def f(a):", "class C:", "async def g():", "@dec", "x = 1", "return (", ")", "]", "}", "{",
    "function h() {", "fn k<'a>(x: &'a str) {", "func (s *S) M() {", "} else {",
    "/*", "*/", "//", "#", "--", "--[[", "]]", "[[", "end", "if x then", "for i = 1, 2 do",
    "f() {", "<<EOF", "EOF", "😀", "é", "=>", "(", ":", '"""', "'''", '"', "'", "`", "    ", "\t",
]  # fmt: skip
_LANGUAGES = [
    "python", "javascript", "typescript", "rust", "go", "c", "java", "csharp", "kotlin", "lua",
    "shellscript", "fish", "ruby", "plaintext",
]  # fmt: skip


@given(
    text=st.lists(
        st.lists(st.sampled_from(_PIECES), max_size=5).map(" ".join), min_size=1, max_size=40
    ).map("\n".join),
    language=st.sampled_from(_LANGUAGES),
    data=st.data(),
)
@settings(max_examples=300, deadline=None)
def test_any_text_gives_a_span_around_the_target(
    text: str, language: str, data: st.DataObject
) -> None:
    lines = split_lines(text)
    start = data.draw(st.integers(0, len(lines) - 1))
    end = data.draw(st.integers(start + 1, len(lines)))
    first, last = enclosing_scope(lines, start, end, language)
    assert 0 <= first <= start and end <= last <= len(lines)


# --- more languages with a grammar ---------------------------------------------------

CPP = split_lines(
    """#include <vector>

namespace app {

// Adds.
template <typename T>
T add(T a, T b) {
    return a + b; // add body
}

class Shape {
public:
    int area() const {
        auto twice = [](int x) {
            return x * 2; // lambda body
        };
        return twice(w); // area body
    }
private:
    int w; // field
};

}  // namespace app
"""
)


@pytest.mark.parametrize(
    ("needle", "expected"),
    [
        ("// add body", (4, 9)),  # with its comment and template line
        ("// lambda body", (13, 16)),
        ("// area body", (12, 18)),
        ("// field", (10, 21)),
    ],
)
def test_cpp_definitions(needle: str, expected: tuple[int, int]) -> None:
    assert scope_of(CPP, needle, "cpp") == expected


def test_cpp_namespace_is_not_a_definition() -> None:
    assert scope_of(CPP, "namespace app {", "cpp") == span(
        CPP, "namespace app {", "namespace app {"
    )


TSX = split_lines(
    """import React from "react";

/** A row. */
export function Row({ name }: { name: string }) {
  const label = name.trim(); // row body
  return <li className="row">{label}</li>;
} // end row

export const List = ({ names }: { names: string[] }) => {
  return (
    <ul>
      {names.map((n) => (
        <Row name={n} />
      ))}
    </ul>
  );
}; // end list
"""
)


def test_tsx_components() -> None:
    assert scope_of(TSX, "// row body", "typescriptreact") == span(
        TSX, "/** A row. */", "// end row"
    )
    assert scope_of(TSX, "<ul>", "typescriptreact") == span(TSX, "export const List", "// end list")
    assert scope_of(TSX, "<Row name", "typescriptreact") == span(TSX, "{names.map", "))}")


RUBY = split_lines(
    """module Shop
  # A cart.
  class Cart
    def initialize(items)
      @items = items # init body
    end

    def total
      @items.sum do |item|
        item.price # block body
      end
    end
  end
end

puts Shop::Cart.new([]).total
"""
)


def test_ruby_methods_classes_and_top_level() -> None:
    assert scope_of(RUBY, "# init body", "ruby") == (3, 6)
    assert scope_of(RUBY, "# block body", "ruby") == (7, 12)  # a block is not a definition
    assert scope_of(RUBY, "# A cart.", "ruby") == (1, 13)
    assert scope_of(RUBY, "puts", "ruby") == span(RUBY, "puts", "puts")


def test_code_in_a_docstring_is_not_a_definition() -> None:
    lines = split_lines(
        'def outer():\n    """Run things.\n\n    Example:\n\n        def fake():\n'
        '            return 1\n\n    """\n    return 2  # outer end\n'
    )
    assert scope_of(lines, "return 1", "python") == span(lines, "def outer", "# outer end")
    assert scope_of(lines, "def fake", "python") == span(lines, "def outer", "# outer end")


def test_code_at_column_zero_in_a_template_literal_is_not_a_definition() -> None:
    lines = split_lines(
        "function render() {\n  return `\n<p>\n\nfunction fake() {\n  return 1;\n}\n\n</p>`;\n"
        "} // end render\n"
    )
    assert scope_of(lines, "return 1;", "javascript") == span(lines, "function render", "// end")


def test_a_module_docstring_with_paragraphs_before_a_function() -> None:
    lines = split_lines(
        '"""A module.\n\nSecond paragraph at column zero.\n\nThird.\n"""\n\n\n'
        "def first():\n    return 1  # first body\n"
    )
    assert scope_of(lines, "# first body", "python") == span(lines, "def first", "# first body")


# --- languages without a grammar: the indentation fallback ---------------------------


@pytest.mark.parametrize(
    ("language", "source", "needle", "expected"),
    [
        ("fish", "function greet\n    echo hi # body\nend\n\ngreet\n", "# body", (0, 3)),
        ("kotlin", "class A {\n    fun b(): Int {\n        return 1 // body\n    }\n}\n", "// body",
         (1, 4)),
        ("dart", "class A {\n  int b() {\n    return 1; // body\n  }\n}\n", "// body", (1, 4)),
        ("dart", "class A\n{\n    void b()\n    {\n        c(); // body\n    }\n}\n",
         "// body", (2, 6)),  # Allman braces
    ],
)  # fmt: skip
def test_fallback_by_indentation(
    language: str, source: str, needle: str, expected: tuple[int, int]
) -> None:
    lines = split_lines(source)
    assert language_for(language).grammar is None
    assert scope_of(lines, needle, language) == expected


def test_a_missing_grammar_falls_back_to_indentation() -> None:
    missing = Language("python", grammar="no_such_grammar_module", query="python",
                       definition=r"def\b")  # fmt: skip
    assert not grammars.has_grammar(missing)
    lines = split_lines("def f():\n    return 1  # body\n\nx = 2\n")
    assert indent_definition(lines, 1, 2, missing) == (0, 2)
