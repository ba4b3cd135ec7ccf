"""What blitzls knows about languages, in one place.

- ``registry``: one ``Language`` per language: comments, literals, definition headers, grammar.
- ``comments``: comment blocks around the cursor and the comment on one line.
- ``scope``: the definition around some lines (tree-sitter, else an indentation scan).
- ``syntax``: whether an edit introduces a syntax error (tree-sitter; Python's own compiler).
- ``grammars``: loading tree-sitter grammars and parsing a window of lines.
- ``queries/<language>.scm``: the definitions of each language with a grammar.

Importing this package (or ``registry``, ``comments``) stays cheap: tree-sitter and the
grammars are imported on first use, when an action runs, never while actions are listed.
"""

from blitzls.languages.comments import (
    comment_block_around,
    is_comment_line,
    line_comment_prefixes,
)
from blitzls.languages.registry import PLAINTEXT, Language, language_for, language_from_path

__all__ = [
    "PLAINTEXT",
    "Language",
    "comment_block_around",
    "is_comment_line",
    "language_for",
    "language_from_path",
    "line_comment_prefixes",
]
