"""Languages and their comments: which lines around the cursor form one comment block."""

from __future__ import annotations

import os
from collections.abc import Sequence

PLAINTEXT = "plaintext"

# File extension (lower case, with dot) -> LSP language id.
_EXTENSIONS: dict[str, str] = {
    ".py": "python",
    ".pyi": "python",
    ".pyw": "python",
    ".js": "javascript",
    ".mjs": "javascript",
    ".cjs": "javascript",
    ".jsx": "javascriptreact",
    ".ts": "typescript",
    ".mts": "typescript",
    ".cts": "typescript",
    ".tsx": "typescriptreact",
    ".rs": "rust",
    ".go": "go",
    ".lua": "lua",
    ".sh": "shellscript",
    ".bash": "shellscript",
    ".zsh": "shellscript",
    ".fish": "fish",
    ".rb": "ruby",
    ".c": "c",
    ".h": "c",
    ".cpp": "cpp",
    ".cc": "cpp",
    ".cxx": "cpp",
    ".hpp": "cpp",
    ".hh": "cpp",
    ".hxx": "cpp",
    ".m": "objective-c",
    ".mm": "objective-cpp",
    ".cu": "cuda-cpp",
    ".java": "java",
    ".kt": "kotlin",
    ".kts": "kotlin",
    ".swift": "swift",
    ".cs": "csharp",
    ".fs": "fsharp",
    ".php": "php",
    ".sql": "sql",
    ".hs": "haskell",
    ".elm": "elm",
    ".ex": "elixir",
    ".exs": "elixir",
    ".erl": "erlang",
    ".toml": "toml",
    ".yaml": "yaml",
    ".yml": "yaml",
    ".r": "r",
    ".jl": "julia",
    ".zig": "zig",
    ".dart": "dart",
    ".scala": "scala",
    ".groovy": "groovy",
    ".el": "emacs-lisp",
    ".lisp": "lisp",
    ".scm": "scheme",
    ".rkt": "racket",
    ".clj": "clojure",
    ".cljs": "clojure",
    ".cljc": "clojure",
    ".vim": "vim",
    ".ml": "ocaml",
    ".mli": "ocaml",
    ".pl": "perl",
    ".pm": "perl",
    ".ps1": "powershell",
    ".nim": "nim",
    ".nix": "nix",
    ".tf": "terraform",
    ".mk": "makefile",
    ".cmake": "cmake",
    ".tex": "latex",
    ".sol": "solidity",
    ".proto": "proto",
    ".graphql": "graphql",
    ".ini": "ini",
    ".json": "json",
    ".jsonc": "jsonc",
    ".md": "markdown",
    ".html": "html",
    ".css": "css",
    ".scss": "scss",
    ".xml": "xml",
    ".txt": PLAINTEXT,
}

# Whole file names (lower case) that have no telling extension.
_FILENAMES: dict[str, str] = {
    "makefile": "makefile",
    "gnumakefile": "makefile",
    "dockerfile": "dockerfile",
    "cmakelists.txt": "cmake",
    ".bashrc": "shellscript",
    ".zshrc": "shellscript",
    ".profile": "shellscript",
}

_HASH = ("#",)
_SLASHES = ("//",)
_DASHES = ("--",)
_SEMICOLON = (";",)
_PERCENT = ("%",)
_NONE: tuple[str, ...] = ()
GUESS = ("#", "//", "--")


def _each(names: str, prefixes: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    return dict.fromkeys(names.split(), prefixes)


# Language id (lower case, as editors send them) -> line comment prefixes.
_PREFIXES: dict[str, tuple[str, ...]] = {
    **_each(
        """python shellscript sh bash zsh fish ruby toml yaml r julia elixir perl raku make
        makefile cmake dockerfile nim nix powershell coffeescript crystal tcl awk graphql
        gdscript starlark terraform hcl""",
        _HASH,
    ),
    **_each(
        """c cpp c++ cuda-cpp objective-c objective-cpp objc objcpp javascript javascriptreact
        typescript typescriptreact js jsx ts tsx rust go java kotlin swift csharp fsharp dart
        scala groovy zig solidity proto protobuf glsl hlsl wgsl d odin gleam jsonc scss less
        verilog systemverilog""",
        _SLASHES,
    ),
    "php": ("//", "#"),
    **_each("lua sql plsql haskell elm purescript ada vhdl", _DASHES),
    **_each("lisp commonlisp scheme racket clojure elisp emacs-lisp fennel ini", _SEMICOLON),
    **_each("erlang latex tex matlab prolog", _PERCENT),
    **_each("vim viml vimscript", ('"',)),
    **_each("ocaml json markdown html css xml", _NONE),
}

# Languages with line comments "//" also get C-style "/* ... */" blocks.
_BLOCK_OPEN, _BLOCK_CLOSE = "/*", "*/"
# How far a block-comment search walks from the cursor before giving up.
_BLOCK_SCAN_LIMIT = 200


def language_from_path(path: str) -> str:
    """The LSP language id for a file path, "plaintext" when unknown."""
    name = os.path.basename(path).lower()
    if name in _FILENAMES:
        return _FILENAMES[name]
    return _EXTENSIONS.get(os.path.splitext(name)[1], PLAINTEXT)


def line_comment_prefixes(language_id: str) -> tuple[str, ...]:
    """Line comment prefixes of a language; ("#", "//", "--") as a guess when unknown."""
    return _PREFIXES.get(language_id.lower(), GUESS)


def is_comment_line(line: str, prefixes: tuple[str, ...]) -> bool:
    """Whether ``line`` starts with a comment prefix after leading whitespace."""
    return line.lstrip().startswith(prefixes)


def _is_comment_at(lines: Sequence[str], i: int, prefixes: tuple[str, ...]) -> bool:
    if i == 0 and lines[0].startswith("#!"):
        return False  # a shebang is not a comment the user wrote
    return is_comment_line(lines[i], prefixes)


def comment_block_around(
    lines: Sequence[str], line: int, prefixes: tuple[str, ...]
) -> tuple[int, int] | None:
    """The lines [start, end) of the comment block containing ``line``, or None.

    A block is a run of consecutive line comments (blank lines end it; a "#!" first line is
    not a comment). When ``prefixes`` contains "//", a C-style ``/* ... */`` comment whose
    first line starts with "/*" and whose last line ends with "*/" is a block too.
    """
    if not 0 <= line < len(lines):
        return None
    if _is_comment_at(lines, line, prefixes):
        start, end = line, line + 1
        while start > 0 and _is_comment_at(lines, start - 1, prefixes):
            start -= 1
        while end < len(lines) and _is_comment_at(lines, end, prefixes):
            end += 1
        return start, end
    if "//" in prefixes:
        return _block_comment_around(lines, line)
    return None


def _block_comment_around(lines: Sequence[str], line: int) -> tuple[int, int] | None:
    """The ``/* ... */`` comment containing ``line``, searched at most a few hundred lines."""
    opener = None
    for i in range(line, max(line - _BLOCK_SCAN_LIMIT, -1), -1):
        stripped = lines[i].lstrip()
        if stripped.startswith(_BLOCK_OPEN):
            opener = i
            break
        if _BLOCK_OPEN in stripped or (i < line and _BLOCK_CLOSE in stripped):
            return None  # a comment that starts mid-line, or one that ended above ``line``
    if opener is None:
        return None
    first = lines[opener]
    search_from = first.index(_BLOCK_OPEN) + len(_BLOCK_OPEN)
    for j in range(opener, min(opener + _BLOCK_SCAN_LIMIT, len(lines))):
        text = lines[j]
        if j > opener:
            if text.lstrip().startswith(_BLOCK_OPEN):
                return None  # an unterminated comment
            search_from = 0
        close = text.find(_BLOCK_CLOSE, search_from)
        if close >= 0:
            if j < line or text[close + len(_BLOCK_CLOSE) :].strip():
                return None  # ended before ``line``, or code follows on the same line
            return opener, j + 1
    return None
