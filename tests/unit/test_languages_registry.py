"""The language registry: grammars and queries that load, literals, cheap listing checks."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from blitzls.languages import grammars
from blitzls.languages.literals import skip_literal, starts_in_code
from blitzls.languages.registry import GUESS, LANGUAGES, Language, language_for
from blitzls.languages.scope import may_be_in_definition
from blitzls.text.lines import split_lines
from tests.conftest import ROOT

WITH_GRAMMAR = [lang for lang in LANGUAGES if lang.grammar is not None]


def test_ids_are_unique_and_lower_case() -> None:
    ids = [lang_id for lang in LANGUAGES for lang_id in lang.ids]
    assert len(ids) == len(set(ids))
    assert all(lang_id == lang_id.lower() for lang_id in ids)
    extensions = [ext for lang in LANGUAGES for ext in lang.extensions]
    assert len(extensions) == len(set(extensions))


@pytest.mark.parametrize("language", WITH_GRAMMAR, ids=lambda lang: lang.name)
def test_every_grammar_is_installed_and_its_query_finds_definitions(language: Language) -> None:
    assert grammars.has_grammar(language), f"install the wheel for {language.grammar}"
    assert language.query is not None
    assert (ROOT / "server/blitzls/languages/queries" / f"{language.query}.scm").is_file()
    query = grammars.definitions_query(language)  # raises on a node type the grammar lacks
    assert query.capture_count >= 1
    names = {query.capture_name(i) for i in range(query.capture_count)}
    assert "definition" in names
    # captures named @_x only serve predicates
    assert {n for n in names if not n.startswith("_")} <= {
        "definition",
        "closure",
        "placeholder",
        "import",
        "doc",
    }


def test_unknown_languages_guess_their_comments() -> None:
    unknown = language_for("brainfuck")
    assert unknown.line_comments == GUESS and unknown.grammar is None
    assert language_for("TypeScriptReact").name == "typescriptreact"
    assert language_for("bash") is language_for("shellscript")


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("rust", "let c = '{'; x", 11),  # a char literal
        ("rust", "fn f<'a>(x: &'a str)", 6),  # a lifetime: only the quote is skipped
        ("c", r"char c = '\n';", 13),
        ("python", "s = 'it''s'", 8),
        ("python", 's = """doc""" + x', 13),
        ("python", 's = "runs on', -1),
        ("javascript", r'"a \" b" + c', 8),
    ],
)
def test_skip_literal(language: str, text: str, expected: int) -> None:
    start = min(k for k in (text.find("'"), text.find('"')) if k >= 0)
    assert skip_literal(text, start, language_for(language)) == expected


@pytest.mark.parametrize(
    ("language", "source", "line", "expected"),
    [
        ("python", 'x = 1\ns = """\ndef f():\n"""\ny = 2\n', 2, False),
        ("python", 'x = 1\ns = """\ndef f():\n"""\ny = 2\n', 4, True),
        ("python", 'x = \'"""\'  # not a string start\ndef f():\n', 1, True),
        ("python", "# a comment with '''\ndef f():\n", 1, True),
        ("javascript", "const s = `\nfunction f() {}\n`;\n", 1, False),
        ("javascript", 'const glob = "src/**/*.js";\nfunction f() {}\n', 1, True),
        ("go", "var s = `\nfunc f() {}\n`\nfunc g() {}\n", 3, True),
        ("rust", "/* a\n fn f() {}\n*/\nfn g() {}\n", 1, False),
        ("rust", "/* a\n fn f() {}\n*/\nfn g() {}\n", 3, True),
        ("lua", "local s = [[\nfunction f() end\n]]\n", 1, False),
        ("lua", "--[[ a\nfunction f() end\n]]\nlocal x = 1\n", 3, True),
        ("shellscript", "echo '\nf() {}\n'\n", 1, True),  # no multi-line rules: assumed code
    ],
)
def test_starts_in_code(language: str, source: str, line: int, expected: bool) -> None:
    lines = split_lines(source)
    assert starts_in_code(lines, 0, line, language_for(language)) is expected


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("python", "def f():", True),
        ("python", "async def f():", True),
        ("python", "@decorator", True),
        ("python", "class A:", True),
        ("python", "    return 1", True),  # indented: maybe in a definition
        ("python", "x = 1", False),
        ("python", "   ", False),
        ("javascript", "export default async function f() {", True),
        ("javascript", "const f = (a) => {", True),
        ("javascript", "const f = async x => x", True),
        ("javascript", "export class A {", True),
        ("javascript", "const x = 1;", False),
        ("javascript", "if (x) {", False),
        ("typescript", "interface Shape {", True),
        ("typescript", "type Id = string;", True),
        ("go", "func (s *Store) Get(key string) (int, bool) {", True),
        ("go", "type Store struct {", True),
        ("go", "var x = 1", False),
        ("rust", "pub(crate) async fn f() {", True),
        ("rust", "impl<T> Trait for S<T> {", True),
        ("rust", "#[derive(Debug)]", True),
        ("rust", "use std::fmt;", False),
        ("c", "static int add(int a, int b)", True),
        ("c", "struct point {", True),
        ("c", "#include <stdio.h>", False),
        ("cpp", "template <typename T>", True),
        ("java", "public static void main(String[] args) {", True),
        ("csharp", "[Serializable]", True),
        ("ruby", "def total", True),
        ("ruby", "puts 1", False),
        ("lua", "local function f()", True),
        ("lua", "M.f = function()", True),
        ("shellscript", "greet() {", True),
        ("shellscript", "function count {", True),
        ("shellscript", "echo hi", False),
        ("fish", "function greet", True),
        ("kotlin", "data class P(val x: Int)", True),
        ("plaintext", "function f", True),  # the generic headers
    ],
)
def test_may_be_in_definition(language: str, text: str, expected: bool) -> None:
    assert may_be_in_definition(text, language) is expected


def test_listing_checks_are_cheap_and_parse_nothing() -> None:
    lines = ["    x = 1\n"] * 10_000
    started = time.perf_counter()
    for language in ("python", "typescript", "rust", "go"):
        for i in range(0, 10_000, 100):
            may_be_in_definition(lines[i].rstrip("\n"), language)
    per_call = (time.perf_counter() - started) / 400
    assert per_call < 50e-6, f"{per_call * 1e6:.1f} us per line"


def test_start_up_imports_no_grammar() -> None:
    """The listing code imports the languages package, never tree-sitter or a grammar."""
    code = (
        "import sys\n"
        "import blitzls.lsp.features, blitzls.languages.scope, blitzls.languages.syntax\n"
        "from blitzls.languages.scope import may_be_in_definition\n"
        "from blitzls.instructions import find_instruction\n"
        "may_be_in_definition('def f():', 'python')\n"
        "find_instruction(['x = 1  # ai! rename x'], 0, 'python')\n"
        "loaded = sorted(m for m in sys.modules if m.startswith('tree_sitter'))\n"
        "print(loaded)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == "[]", done.stdout
