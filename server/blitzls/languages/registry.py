"""Every language blitzls knows, in one table: the only place to edit to add a language.

A ``Language`` says how its comments and string literals look (for ``ai!`` comments and
comment blocks), which line starts a definition (a cheap pattern for listing code actions and
for languages without a grammar), and which tree-sitter grammar parses it. A language with a
grammar also has a query file ``queries/<query>.scm`` that captures its definitions (see
``languages/scope.py``); its syntax is then checked on edits (``languages/syntax.py``).

To add a language: add a ``Language`` below (or its id to ``_SIMPLE``), and for a grammar add
the wheel to ``pyproject.toml`` and write its query file.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from typing import Any, NamedTuple

PLAINTEXT = "plaintext"
# Line comment prefixes guessed for a language nobody listed.
GUESS = ("#", "//", "--")

_C_BLOCK = (("/*", "*/"),)
_MARKUP_BLOCK = (("<!--", "-->"),)
_BACKTICK = (("`", "`"),)
# Definition headers of languages that are not listed with their own pattern.
_GENERIC_DEFINITION = (
    r"(?:(?:export|public|private|protected|static|async|local|pub|override|abstract|final)\s+)*"
    r"(?:def|defp|defmacro|defmodule|class|module|function|func|fn|fun|sub|proc|method"
    r"|struct|impl|trait|interface)\b"
)
# A C-like function signature: words, then a name and "(" (a call looks the same: it is only
# used to decide where definitions may be, never to edit).
_SIGNATURE = r"(?:[\w$@#\[\]<>,*&:.~?]+\s+)+\*?[~\w$][\w$:.~<>]*\s*\("
_MODIFIERS = r"(?:(?:export|default|public|private|protected|internal|static|abstract|final|async"
_MODIFIERS += (
    r"|override|virtual|sealed|partial|inline|extern|const|unsafe|pub(?:\([\w ]+\))?)\s+)*"
)


class Language(NamedTuple):
    """What blitzls knows about one language. (A named tuple: a dataclass with this many
    fields costs milliseconds to create, on the server's start-up path.)"""

    name: str  # the canonical LSP language id
    aliases: tuple[str, ...] = ()  # other ids editors send for it
    extensions: tuple[str, ...] = ()
    filenames: tuple[str, ...] = ()
    line_comments: tuple[str, ...] = ()
    block_comments: tuple[tuple[str, str], ...] = ()
    quotes: str = "\"'`"  # characters that open a string literal
    # A single quote opens a one-character literal ('{', '\n'), not a string.
    char_literals: bool = False
    multiline_strings: tuple[tuple[str, str], ...] = ()  # (opener, closer)
    # Lua's [[ ... ]] strings and --[[ ... ]] comments, with any number of "=".
    long_brackets: bool = False
    # Shells: "#" starts a comment only at the start of a word.
    hash_needs_word_start: bool = False
    # Starts of the lines above a definition that belong to it (decorators, attributes).
    attributes: tuple[str, ...] = ("@",)
    # A regex matching (at the start of a stripped line) a line that starts a definition.
    definition: str = _GENERIC_DEFINITION
    grammar: str | None = None  # "module" or "module:function" of a tree-sitter grammar
    query: str | None = None  # the queries/<query>.scm that captures its definitions
    # How a statement that only holds the place of code still to be written starts (``pass``,
    # ``todo!(``), and calls that do when they say so (``throw new Error("not implemented")``).
    # A cheap hint for listing; the query's @placeholder decides when an action runs.
    placeholders: tuple[str, ...] = ()
    placeholder_calls: tuple[str, ...] = ()

    @property
    def definition_pattern(self) -> re.Pattern[str]:
        return re.compile(self.definition)  # compiled once, by re's own cache

    @property
    def ids(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


def _c_like(name: str, **fields: Any) -> Language:
    fields.setdefault("line_comments", ("//",))
    fields.setdefault("block_comments", _C_BLOCK)
    return Language(name, **fields)


_JS_DEFINITION = (
    rf"(?:@|{_MODIFIERS}(?:function\b|class\b|interface\b|enum\b|type\s+\w+\s*=)"
    r"|(?:export\s+)?(?:const|let|var)\s+[\w$]+\s*(?::[^=]+)?=\s*(?:async\s+)?(?:function\b|\(|[\w$]+\s*=>)"
    r"|(?!(?:if|for|while|switch|catch|with|return)\b)"
    r"(?:static\s+|async\s+|get\s+|set\s+)*[\w$#]+\s*\([^)]*\)?\s*(?::[^{]*)?\{?$)"
)
_C_DEFINITION = rf"(?:{_SIGNATURE}|{_MODIFIERS}(?:struct|union|enum|class|template)\b)"

LANGUAGES: tuple[Language, ...] = (
    Language(
        "python",
        extensions=(".py", ".pyi", ".pyw"),
        line_comments=("#",),
        quotes="\"'",
        multiline_strings=(('"""', '"""'), ("'''", "'''")),
        definition=r"(?:@|(?:async\s+)?def\b|class\b)",
        grammar="tree_sitter_python",
        query="python",
        placeholders=("pass", "...", "raise NotImplementedError"),
    ),
    _c_like(
        "javascript",
        multiline_strings=_BACKTICK,
        aliases=("js",),
        extensions=(".js", ".mjs", ".cjs"),
        definition=_JS_DEFINITION,
        grammar="tree_sitter_javascript",
        query="javascript",
        placeholder_calls=("throw new Error(",),
    ),
    _c_like(
        "javascriptreact",
        multiline_strings=_BACKTICK,
        aliases=("jsx",),
        extensions=(".jsx",),
        definition=_JS_DEFINITION,
        grammar="tree_sitter_javascript",
        query="javascript",
        placeholder_calls=("throw new Error(",),
    ),
    _c_like(
        "typescript",
        multiline_strings=_BACKTICK,
        aliases=("ts",),
        extensions=(".ts", ".mts", ".cts"),
        definition=_JS_DEFINITION,
        grammar="tree_sitter_typescript:language_typescript",
        query="typescript",
        placeholder_calls=("throw new Error(",),
    ),
    _c_like(
        "typescriptreact",
        multiline_strings=_BACKTICK,
        aliases=("tsx",),
        extensions=(".tsx",),
        definition=_JS_DEFINITION,
        grammar="tree_sitter_typescript:language_tsx",
        query="typescript",
        placeholder_calls=("throw new Error(",),
    ),
    _c_like(
        "go",
        multiline_strings=_BACKTICK,
        extensions=(".go",),
        char_literals=True,
        definition=r"(?:func\b|type\b)",
        grammar="tree_sitter_go",
        query="go",
        placeholder_calls=("panic(",),
    ),
    _c_like(
        "rust",
        extensions=(".rs",),
        char_literals=True,
        attributes=("#[", "#!["),
        definition=(
            rf"(?:#!?\[|{_MODIFIERS}(?:async\s+)?(?:fn|impl|trait|struct|enum|union|macro_rules!)\b)"
        ),
        grammar="tree_sitter_rust",
        query="rust",
        placeholders=("todo!(", "unimplemented!("),
        placeholder_calls=("panic!(",),
    ),
    _c_like(
        "c",
        extensions=(".c", ".h"),
        char_literals=True,
        attributes=(),
        definition=_C_DEFINITION,
        grammar="tree_sitter_c",
        query="c",
    ),
    _c_like(
        "cpp",
        aliases=("c++",),
        extensions=(".cpp", ".cc", ".cxx", ".hpp", ".hh", ".hxx"),
        char_literals=True,
        attributes=("[[", "template"),
        definition=_C_DEFINITION,
        grammar="tree_sitter_cpp",
        query="cpp",
    ),
    _c_like(
        "java",
        extensions=(".java",),
        char_literals=True,
        definition=rf"(?:@|{_MODIFIERS}(?:class|interface|enum|record)\b|{_SIGNATURE})",
        grammar="tree_sitter_java",
        query="java",
        placeholders=(
            "throw new UnsupportedOperationException(",
            "throw new NotImplementedException(",
        ),
    ),
    _c_like(
        "csharp",
        extensions=(".cs",),
        char_literals=True,
        attributes=("[",),
        definition=rf"(?:\[|{_MODIFIERS}(?:class|struct|interface|enum|record)\b|{_SIGNATURE})",
        grammar="tree_sitter_c_sharp",
        query="csharp",
        placeholders=("throw new NotImplementedException(",),
    ),
    Language(
        "ruby",
        extensions=(".rb",),
        line_comments=("#",),
        multiline_strings=(("=begin", "=end"),),
        attributes=(),
        definition=r"(?:def|class|module)\b",
        grammar="tree_sitter_ruby",
        query="ruby",
        placeholders=("raise NotImplementedError",),
    ),
    Language(
        "lua",
        extensions=(".lua",),
        line_comments=("--",),
        multiline_strings=(("--[[", "]]"), ("[[", "]]")),
        long_brackets=True,
        attributes=(),
        definition=r"(?:local\s+)?function\b|[\w.:\[\]\"']+\s*=\s*function\b",
        grammar="tree_sitter_lua",
        query="lua",
        placeholder_calls=("error(",),
    ),
    Language(
        "shellscript",
        aliases=("sh", "bash", "zsh"),
        extensions=(".sh", ".bash", ".zsh"),
        filenames=(".bashrc", ".zshrc", ".profile"),
        line_comments=("#",),
        hash_needs_word_start=True,
        attributes=(),
        definition=r"(?:function\s+[^\s(){}]+|[^\s(){}=$#]+\s*\(\s*\))",
        grammar="tree_sitter_bash",
        query="bash",
    ),
    # --- without a grammar: the indentation fallback finds their definitions ---------------
    Language(
        "fish",
        extensions=(".fish",),
        line_comments=("#",),
        hash_needs_word_start=True,
        attributes=(),
        definition=r"function\b",
    ),
    _c_like("cuda-cpp", extensions=(".cu",), char_literals=True, definition=_C_DEFINITION),
    _c_like(
        "objective-c",
        aliases=("objc",),
        extensions=(".m",),
        char_literals=True,
        definition=rf"(?:[-+]\s*\(|@(?:interface|implementation|protocol)\b|{_C_DEFINITION})",
    ),
    _c_like(
        "objective-cpp",
        aliases=("objcpp",),
        extensions=(".mm",),
        char_literals=True,
        definition=rf"(?:[-+]\s*\(|@(?:interface|implementation|protocol)\b|{_C_DEFINITION})",
    ),
    _c_like(
        "kotlin",
        extensions=(".kt", ".kts"),
        char_literals=True,
        definition=rf"(?:@|{_MODIFIERS}(?:data\s+|enum\s+|sealed\s+|open\s+)*(?:fun|class|object|interface|init|constructor)\b)",
    ),
    _c_like(
        "swift",
        extensions=(".swift",),
        char_literals=True,
        definition=rf"(?:@|{_MODIFIERS}(?:func|init|deinit|subscript|class|struct|enum|protocol|extension|actor)\b)",
    ),
    _c_like(
        "scala",
        extensions=(".scala",),
        char_literals=True,
        definition=rf"(?:@|{_MODIFIERS}(?:case\s+)?(?:def|class|object|trait)\b)",
    ),
    _c_like(
        "zig",
        extensions=(".zig",),
        char_literals=True,
        attributes=(),
        definition=r"(?:pub\s+)?(?:(?:export|inline)\s+)?(?:fn\b|const\s+\w+\s*=\s*(?:struct|enum|union)\b)",
    ),
    _c_like(
        "dart",
        extensions=(".dart",),
        definition=rf"(?:@|{_MODIFIERS}(?:class|mixin|extension|enum)\b|{_SIGNATURE})",
    ),
    _c_like(
        "groovy", extensions=(".groovy",), definition=rf"(?:@|{_GENERIC_DEFINITION}|{_SIGNATURE})"
    ),
    _c_like(
        "solidity",
        extensions=(".sol",),
        definition=r"(?:function|constructor|modifier|contract|interface|library|struct)\b",
    ),
    _c_like("fsharp", extensions=(".fs",), block_comments=(*_C_BLOCK, ("(*", "*)"))),
    Language(
        "php",
        extensions=(".php",),
        line_comments=("//", "#"),
        block_comments=_C_BLOCK,
        attributes=("#[",),
        definition=rf"(?:#\[|{_MODIFIERS}(?:function|class|interface|trait|enum)\b)",
    ),
    Language(
        "sql",
        aliases=("plsql",),
        extensions=(".sql",),
        line_comments=("--",),
        block_comments=_C_BLOCK,
    ),
    Language("css", extensions=(".css",), block_comments=_C_BLOCK),
    Language("scss", extensions=(".scss",), line_comments=("//",), block_comments=_C_BLOCK),
    Language("less", line_comments=("//",), block_comments=_C_BLOCK),
    Language("ocaml", extensions=(".ml", ".mli"), block_comments=(("(*", "*)"),)),
    Language(
        "makefile",
        aliases=("make",),
        extensions=(".mk",),
        filenames=("makefile", "gnumakefile"),
        line_comments=("#",),
    ),
    Language("dockerfile", filenames=("dockerfile",), line_comments=("#",)),
    Language("cmake", extensions=(".cmake",), filenames=("cmakelists.txt",), line_comments=("#",)),
    Language("emacs-lisp", aliases=("elisp",), extensions=(".el",), line_comments=(";",)),
    Language("clojure", extensions=(".clj", ".cljs", ".cljc"), line_comments=(";",)),
    Language("elixir", extensions=(".ex", ".exs"), line_comments=("#",)),
    Language("vim", aliases=("viml", "vimscript"), extensions=(".vim",), line_comments=('"',)),
    Language("jsonc", extensions=(".jsonc",), line_comments=("//",), block_comments=_C_BLOCK),
    Language(PLAINTEXT, extensions=(".txt",), line_comments=GUESS, block_comments=_C_BLOCK),
)


def _simple(names: str, extensions: dict[str, str], **fields: Any) -> list[Language]:
    """Languages known only by their comments (and the extensions mapped to them)."""
    found = []
    for name in names.split():
        exts = tuple(ext for ext, lang in extensions.items() if lang == name)
        found.append(Language(name, extensions=exts, **fields))
    return found


_MORE_EXTENSIONS = {
    ".toml": "toml", ".yaml": "yaml", ".yml": "yaml", ".r": "r", ".jl": "julia", ".pl": "perl",
    ".pm": "perl", ".ps1": "powershell", ".nim": "nim", ".nix": "nix", ".tf": "terraform",
    ".graphql": "graphql", ".proto": "proto", ".hs": "haskell", ".elm": "elm", ".erl": "erlang",
    ".tex": "latex", ".lisp": "lisp", ".scm": "scheme", ".rkt": "racket", ".ini": "ini",
    ".json": "json", ".md": "markdown", ".html": "html", ".xml": "xml",
}  # fmt: skip
_MARKUP: dict[str, Any] = {"block_comments": _MARKUP_BLOCK, "quotes": ""}

LANGUAGES += (
    *_simple(
        """toml yaml r julia perl raku powershell coffeescript crystal tcl awk graphql gdscript
        starlark terraform hcl nim nix""",
        _MORE_EXTENSIONS,
        line_comments=("#",),
    ),
    *_simple(
        "proto protobuf glsl hlsl wgsl d odin gleam verilog systemverilog",
        _MORE_EXTENSIONS,
        line_comments=("//",),
        block_comments=_C_BLOCK,
    ),
    *_simple("haskell elm purescript ada vhdl", _MORE_EXTENSIONS, line_comments=("--",)),
    *_simple("lisp commonlisp scheme racket fennel ini", _MORE_EXTENSIONS, line_comments=(";",)),
    *_simple("erlang latex tex matlab prolog", _MORE_EXTENSIONS, line_comments=("%",)),
    *_simple("json", _MORE_EXTENSIONS),
    *_simple("html xml markdown", _MORE_EXTENSIONS, **_MARKUP),
    # Markup with scripts inside: any comment style may appear.
    *_simple(
        "xhtml svg vue svelte astro",
        _MORE_EXTENSIONS,
        line_comments=GUESS,
        block_comments=(*_C_BLOCK, *_MARKUP_BLOCK),
        quotes="",
    ),
)

_BY_ID = {lang_id: lang for lang in LANGUAGES for lang_id in lang.ids}
_BY_EXTENSION = {ext: lang.name for lang in LANGUAGES for ext in lang.extensions}
_BY_FILENAME = {name: lang.name for lang in LANGUAGES for name in lang.filenames}


@lru_cache(maxsize=128)
def language_for(language_id: str) -> Language:
    """The language an editor's language id names; an unknown id gets guessed comments."""
    key = language_id.lower()
    found = _BY_ID.get(key)
    if found is not None:
        return found
    return Language(key, line_comments=GUESS, block_comments=_C_BLOCK)


def language_from_path(path: str) -> str:
    """The LSP language id for a file path, "plaintext" when unknown."""
    name = os.path.basename(path).lower()
    if name in _BY_FILENAME:
        return _BY_FILENAME[name]
    return _BY_EXTENSION.get(os.path.splitext(name)[1], PLAINTEXT)
