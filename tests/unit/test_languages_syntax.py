"""Whether an edit introduces a syntax error, in every language with a grammar."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

import pytest

from blitzls.languages import grammars
from blitzls.languages.registry import LANGUAGES, language_for
from blitzls.languages.syntax import introduces_syntax_error, syntax_error
from blitzls.text.lines import split_lines


@dataclass(frozen=True)
class Sample:
    """A small valid file with two definitions, and line replacements in it."""

    source: str
    good: tuple[str, str]  # an edit in the first definition that keeps the syntax valid
    bad: tuple[str, str]  # an edit in the first definition that breaks it
    elsewhere: tuple[str, str]  # an error in the second definition, already in the file

    def edit(self, change: tuple[str, str], text: str | None = None) -> str:
        text = self.source if text is None else text
        old, new = change
        assert text.count(old) == 1, old
        return text.replace(old, new)

    def line_of(self, needle: str) -> int:
        """The 1-based line holding ``needle``."""
        return self.source[: self.source.index(needle)].count("\n") + 1


SAMPLES: dict[str, Sample] = {
    "python": Sample(
        "def total(items):\n    result = 0\n    for item in items:\n        result += item\n"
        "    return result\n\n\ndef label(name):\n    return f'name: {name}'\n",
        ("result += item\n", "result += item * 2\n"),
        ("for item in items:", "for item in items"),
        ("def label(name):", "def label(name:"),
    ),
    "javascript": Sample(
        "export function total(items) {\n  let result = 0;\n  for (const item of items) {\n"
        "    result += item.price;\n  }\n  return result;\n}\n\n"
        "export function label(name) {\n  return `name: ${name}`;\n}\n",
        ("result += item.price;", "result += item.price * item.qty;"),
        ("for (const item of items) {", "for (const item of items {"),
        ("export function label(name) {", "export function label(name {"),
    ),
    "typescript": Sample(
        "export function total(items: Item[]): number {\n  let result = 0;\n"
        "  for (const item of items) {\n    result += item.price;\n  }\n  return result;\n}\n\n"
        "interface Item {\n  price: number;\n}\n",
        ("result += item.price;", "result += item.price as number;"),
        ("  return result;\n}", "  return result;\n"),
        ("price: number;", "price number;"),
    ),
    "typescriptreact": Sample(
        "export function Row({ name }: { name: string }) {\n  const label = name.trim();\n"
        '  return <li className="row">{label}</li>;\n}\n\n'
        "export const List = (props: { names: string[] }) => (\n"
        "  <ul>{props.names.map((n) => <Row name={n} />)}</ul>\n);\n",
        ("name.trim();", "name.trim().toUpperCase();"),
        ("{label}</li>;", "{label}</li;"),
        ("<Row name={n} />", "<Row name={n} "),
    ),
    "go": Sample(
        "package main\n\nfunc total(items []int) int {\n\tresult := 0\n"
        "\tfor _, item := range items {\n\t\tresult += item\n\t}\n\treturn result\n}\n\n"
        'func label(name string) string {\n\treturn "name: " + name\n}\n',
        ("result += item\n", "result += item * 2\n"),
        ("result += item\n", "result += (item\n"),
        ('return "name: " + name', 'return "name: " +'),
    ),
    "rust": Sample(
        "fn total(items: &[i32]) -> i32 {\n    let mut result = 0;\n    for item in items {\n"
        "        result += item;\n    }\n    result\n}\n\n"
        'fn label(name: &str) -> String {\n    format!("name: {}", name)\n}\n',
        ("result += item;", "result += item * 2;"),
        ("let mut result = 0;", "let mut result = ;"),
        ("fn label(name: &str) -> String {", "fn label(name: &str -> String {"),
    ),
    "c": Sample(
        "int total(const int *items, int n) {\n    int result = 0;\n"
        "    for (int i = 0; i < n; i++) {\n        result += items[i];\n    }\n"
        "    return result;\n}\n\nint twice(int x) {\n    return x * 2;\n}\n",
        ("result += items[i];", "result += items[i] * 2;"),
        ("result += items[i];", "result += items[i;"),
        ("return x * 2;", "return x * ;"),
    ),
    "cpp": Sample(
        "#include <vector>\n\nint total(const std::vector<int>& items) {\n    int result = 0;\n"
        "    for (int item : items) {\n        result += item;\n    }\n    return result;\n}\n\n"
        "template <typename T>\nT twice(T x) {\n    return x * 2;\n}\n",
        ("result += item;", "result += item * 2;"),
        ("for (int item : items) {", "for (int item : items {"),
        ("return x * 2;", "return x * ;"),
    ),
    "java": Sample(
        "class Totals {\n    int total(int[] items) {\n        int result = 0;\n"
        "        for (int item : items) {\n            result += item;\n        }\n"
        "        return result;\n    }\n\n    String label(String name) {\n"
        '        return "name: " + name;\n    }\n}\n',
        ("result += item;", "result += item * 2;"),
        ("result += item;", "result += item;)"),
        ('return "name: " + name;', 'return "name: " + ;'),
    ),
    "csharp": Sample(
        "class Totals\n{\n    int Total(int[] items)\n    {\n        var result = 0;\n"
        "        foreach (var item in items)\n        {\n            result += item;\n"
        "        }\n        return result;\n    }\n\n    string Label(string name)\n    {\n"
        '        return "name: " + name;\n    }\n}\n',
        ("result += item;", "result += item * 2;"),
        ("foreach (var item in items)", "foreach (var item in items"),
        ("string Label(string name)", "string Label(string name"),
    ),
    "ruby": Sample(
        "def total(items)\n  result = 0\n  items.each do |item|\n    result += item\n  end\n"
        '  result\nend\n\ndef label(name)\n  "name: #{name}"\nend\n',
        ("result += item\n", "result += item * 2\n"),
        ("result += item\n", "result += (item\n"),
        ('"name: #{name}"', '"name: #{name}"]'),
    ),
    "lua": Sample(
        "local function total(items)\n  local result = 0\n  for _, item in ipairs(items) do\n"
        "    result = result + item\n  end\n  return result\nend\n\n"
        'local function label(name)\n  return "name: " .. name\nend\n',
        ("result = result + item", "result = result + item * 2"),
        ("for _, item in ipairs(items) do", "for _, item in ipairs(items)"),
        ('return "name: " .. name', 'return "name: " ..'),
    ),
    "shellscript": Sample(
        'total() {\n  local result=0\n  for item in "$@"; do\n    result=$((result + item))\n'
        '  done\n  echo "$result"\n}\n\nlabel() {\n  echo "name: $1"\n}\n',
        ("result=$((result + item))", "result=$((result + item * 2))"),
        ('for item in "$@"; do', 'for item in "$@"; then'),
        ('echo "name: $1"\n}', 'echo "name: $1"\n'),
    ),
}

CHECKED = [lang.name for lang in LANGUAGES if lang.grammar is not None]


def test_every_language_with_a_grammar_has_a_sample() -> None:
    assert set(CHECKED) - {"javascriptreact"} <= set(SAMPLES)


@pytest.mark.parametrize("language", sorted(SAMPLES))
def test_valid_source_and_good_edit_pass(language: str) -> None:
    sample = SAMPLES[language]
    assert syntax_error(sample.source, language) is None
    good = sample.edit(sample.good)
    assert syntax_error(good, language) is None
    assert introduces_syntax_error(sample.source, good, language) is None


@pytest.mark.parametrize("language", sorted(SAMPLES))
def test_bad_edit_is_refused_with_a_line_in_the_edited_definition(language: str) -> None:
    sample = SAMPLES[language]
    problem = introduces_syntax_error(sample.source, sample.edit(sample.bad), language)
    assert problem is not None
    found = re.match(r"line (\d+): \S", problem)
    assert found is not None, problem
    second = sample.line_of(sample.elsewhere[0])
    assert 1 <= int(found.group(1)) <= second + 1, problem  # in or right after the first


@pytest.mark.parametrize("language", sorted(SAMPLES))
def test_an_error_the_file_already_had_does_not_block_an_edit(language: str) -> None:
    sample = SAMPLES[language]
    broken = sample.edit(sample.elsewhere)
    assert syntax_error(broken, language) is not None
    assert introduces_syntax_error(broken, sample.edit(sample.good, broken), language) is None
    # ... but an error the edit adds is still refused
    assert introduces_syntax_error(broken, sample.edit(sample.bad, broken), language)
    # ... and fixing the old error is fine
    assert introduces_syntax_error(broken, sample.source, language) is None


@pytest.mark.parametrize("language", ["javascript", "go", "rust", "python"])
def test_crlf_and_non_ascii(language: str) -> None:
    sample = SAMPLES[language]
    comment = "# 😀 é\n" if language == "python" else "// 😀 é\n"

    def convert(text: str) -> str:
        return text.replace("result", "résultat").replace("\n", "\r\n")

    source = convert(comment + sample.source)
    good = source.replace(*map(convert, sample.good))
    assert good != source and syntax_error(source, language) is None
    assert introduces_syntax_error(source, good, language) is None
    old, new = map(convert, sample.bad)
    problem = introduces_syntax_error(source, source.replace(old, new), language)
    assert problem is not None and problem.startswith("line ")


def test_languages_without_a_grammar_are_not_checked() -> None:
    assert language_for("kotlin").grammar is None
    assert syntax_error("fun main( {", "kotlin") is None
    assert introduces_syntax_error("fun f() {}\n", "fun f( {}\n", "kotlin") is None
    assert introduces_syntax_error("x", "x (", "plaintext") is None


def test_identical_texts_and_edits_that_only_fix() -> None:
    sample = SAMPLES["go"]
    assert introduces_syntax_error(sample.source, sample.source, "go") is None
    bad = sample.edit(sample.bad)
    assert introduces_syntax_error(bad, sample.source, "go") is None


def test_messages_name_the_missing_or_unexpected_code() -> None:
    assert syntax_error("fn main() {\n    let x = (1;\n}\n", "rust") == 'line 2: missing ")"'
    assert syntax_error("class A { int f() { return 1 } }\n", "java") == 'line 1: missing ";"'
    problem = syntax_error("function f() {\n  return 1 +* 2;\n}\n", "javascript")
    assert problem is not None and problem.startswith("line 2: unexpected ")


# --- Python, with CPython's own compiler ---------------------------------------------

GOOD = "def f(x):\n    return x + 1\n"
BAD = "def f(x):\n    return (x + 1\n\nprint('é😀')\n"


def test_valid_python_has_no_error() -> None:
    assert syntax_error(GOOD, "python") is None
    assert syntax_error(GOOD.replace("\n", "\r\n"), "python") is None
    assert syntax_error(GOOD.replace("\n", "\r"), "python") is None


def test_python_error_names_its_line_and_cpython_message() -> None:
    error = syntax_error("x = 1\ny = 2\nif x\n    pass\n", "python")
    assert error == "line 3: expected ':'"
    error = syntax_error("x = 1\r\n\r\ndef f(:\r\n", "python")
    assert error is not None and error.startswith("line 3: ")
    error = syntax_error(BAD, "python")
    assert error == "line 2: '(' was never closed"


def test_python_null_byte_is_an_error_and_warnings_are_not() -> None:
    error = syntax_error("x = 1\ny = '\0'\n", "python")
    assert error is not None and error.startswith("line ")
    assert syntax_error("import re\npattern = '\\d+'\nassert (1, 'x')\n", "python") is None


def test_python_error_added_beside_an_old_one_is_refused() -> None:
    assert introduces_syntax_error(GOOD, BAD, "python") == syntax_error(BAD, "python")
    # the file already had an error (line 2); the edit adds another (line 5)
    assert introduces_syntax_error(BAD, BAD + "x = (\n", "python") == (
        "line 5: '(' was never closed"
    )
    assert introduces_syntax_error(BAD, BAD + "x = 1\n", "python") is None
    assert introduces_syntax_error(BAD, GOOD, "python") is None
    assert introduces_syntax_error(GOOD, GOOD, "python") is None


def test_python_method_edits_are_checked_in_their_class() -> None:
    nested = "class A:\n    def f(self):\n        return 1\n\n    def g(self):\n        return 2\n"
    assert introduces_syntax_error(nested, nested.replace("return 2", "return 2)"), "python")
    assert introduces_syntax_error(nested, nested + "\n'''\n", "python")
    dedented = nested.replace("        return 2\n", "return 2\n")
    assert introduces_syntax_error(nested, dedented, "python")


def test_python_return_added_to_a_piece_of_a_method_is_valid() -> None:
    source = (
        "class A:\n    def f(self, x):\n        y = x + 1\n\n        z = y * 2\n"
        "        print(z)\n\n        return z\n"
    )
    early = source.replace("        print(z)\n", "        return z\n")  # out of context: invalid
    assert introduces_syntax_error(source, early, "python") is None
    broken = source.replace("        print(z)\n", "        print(z\n")
    assert introduces_syntax_error(source, broken, "python") == "line 6: '(' was never closed"


def test_an_edit_inside_a_docstring_that_closes_it_is_refused() -> None:
    source = (
        'def f():\n    """Example.\n\ndef g():\n    pass\n\nMore text.\n    """\n    return 1\n'
    )
    assert syntax_error(source, "python") is None
    assert (
        introduces_syntax_error(source, source.replace("More text.", "More text."), "python")
        is None
    )
    broken = source.replace("More text.", 'More """ text.')
    assert introduces_syntax_error(source, broken, "python")


def test_a_template_literal_holding_code_is_not_a_window_edge() -> None:
    source = (
        "const page = `\n<div>\n\nfunction inner() {\n  return 1;\n}\n\n</div>`;\n\n"
        "function outer() {\n  return page;\n}\n"
    )
    assert syntax_error(source, "javascript") is None
    fine = source.replace("return 1;", "return 2; }")  # inside the string: no syntax at all
    assert introduces_syntax_error(source, fine, "javascript") is None
    broken = source.replace("return page;", "return page;;)")
    assert introduces_syntax_error(source, broken, "javascript")


# --- long files ----------------------------------------------------------------------


def _long(language: str, functions: int) -> str:
    if language == "python":
        body = "def f{k}(a, b):\n    total = a + b\n    return total * {k}\n\n\n"
    else:
        body = "function f{k}(a, b) {{\n  const total = a + b;\n  return total * {k};\n}}\n\n"
    return "".join(body.format(k=k) for k in range(functions))


@pytest.mark.parametrize("language", ["python", "javascript"])
def test_a_long_file_is_checked_in_a_window(language: str) -> None:
    source = _long(language, 2000)
    lines = split_lines(source)
    assert len(lines) >= 10_000
    middle = source.index("total * 1000")
    fine = source[:middle] + "total * 1001" + source[middle + 12 :]
    broken = source[:middle] + "(total * 1000" + source[middle + 12 :]
    row = source.count("\n", 0, middle)
    windows = list(grammars.windows(lines, row - 1, row + 2, language_for(language)))
    assert all(last - first <= 6 for _, first, last in windows), windows
    started = time.perf_counter()
    assert introduces_syntax_error(source, fine, language) is None
    problem = introduces_syntax_error(source, broken, language)
    elapsed = time.perf_counter() - started
    assert problem is not None and problem.startswith(f"line {row + 1}")
    print(f"\n{language}: two checks on {len(lines)} lines in {elapsed * 1000:.1f} ms")
