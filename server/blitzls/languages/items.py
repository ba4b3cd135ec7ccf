"""What the edit core reads from code, as plain data: statements, definitions, row kinds.

``languages/structure.py`` answers these from tree-sitter trees, ``languages/textual.py`` from
indentation and patterns for languages without a grammar; both implement :class:`CodeView`.
Rows are indices into the lines that were read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Protocol

# What a row holds: code (a token of code touches it), a comment, a docstring, or nothing.
RowKind = Literal["blank", "comment", "doc", "code"]
# What a statement is.
Category = Literal["import", "definition", "assignment", "comment", "doc", "other"]
# Row kinds that are text for people, not code.
TEXT_KINDS: frozenset[str] = frozenset({"blank", "comment", "doc"})


@dataclass(frozen=True, eq=False)
class Item:
    """One statement or definition at one level of some code.

    ``first`` includes the decorators, attributes and comments directly above it; ``start``
    is the row where the statement itself begins (a definition's header); ``last`` is
    exclusive. ``binds``: the names it defines at its level (a definition's name, the names
    an assignment or an import binds).
    """

    category: Category
    kind: str  # the syntax node's type ("function_definition"), or the fallback's guess
    name: str | None
    first: int
    start: int
    last: int
    binds: frozenset[str] = frozenset()
    depth: int = 0  # how many definitions hold it
    node: object = field(default=None, repr=False)  # the reader's own handle


class CodeView(Protocol):
    """Some lines of code as the edit core reads them."""

    @property
    def has_error(self) -> bool: ...

    def definitions(self) -> list[Item]:
        """Every definition, in order (a container before what it holds)."""
        ...

    def definition_at(self, row: int) -> Item | None:
        """The definition whose header is on ``row``, if any (the outermost)."""
        ...

    def container(self, item: Item) -> Item | None:
        """The definition directly around ``item``, if any."""
        ...

    def members(self, container: Item | None) -> list[Item]:
        """The statements of ``container``'s body (of the top level for None), in order;
        comments directly above a statement belong to it."""
        ...

    def uses(self, item: Item) -> frozenset[str]:
        """The names ``item``'s code mentions."""
        ...

    def row_kind(self, row: int) -> RowKind: ...

    def placeholder_at(self, row: int) -> int | None:
        """The row after the placeholder statement (``pass``, ``todo!()``) that starts on
        ``row`` and holds its rows alone, or None."""
        ...

    def comment_text(self, row: int) -> str:
        """The text of the comment on a comment row, without its opener and closer."""
        ...
