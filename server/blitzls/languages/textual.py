"""Code read by indentation and patterns, for languages without a grammar.

The same answers as ``languages/structure.py`` (see :class:`~blitzls.languages.items.CodeView`),
guessed from text: a definition starts on a line the language's ``definition`` pattern
matches and runs while lines are indented deeper or brackets opened on the way are still
open; comments are lines starting with the language's comment openers; imports are lines
that look like one. Used only for the languages docs/languages.md lists without a grammar.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cached_property

from blitzls.languages.items import Item, RowKind
from blitzls.languages.lines import indent, preamble_starts
from blitzls.languages.registry import Language
from blitzls.text.lines import line_content

__all__ = ["TextCode", "block_end"]

# Lines that only close a block.
_CLOSER = re.compile(r"(?:[)\]}]|end\b|fi\b|done\b|esac\b)")
# Import statements in the languages blitzls knows.
_IMPORT = re.compile(
    r"(?:import\s+[\w.{*]|from\s+[\w.]+\s+import\s|use\s+[\w:{]+|#include\s|"
    r"(?:const|let|var)\s+\w+\s*=\s*require\()"
)
_IMPORTED = re.compile(
    r"(?:from\s+\S+\s+)?import\s+(?P<py>[\w.,\s*()]+?(?:\s+as\s+\w+)?)\s*$"
    r"|import\s+(?:type\s+)?(?P<js>.+?)\s+from\s"
    r"|use\s+(?P<rs>[\w:{}, *]+);"
    r"|(?:const|let|var)\s+(?P<req>[\w{}, ]+?)\s*=\s*require\("
)
_NAME = re.compile(r"([A-Za-z_$][\w$]*)\s*(?:<[^>()]*>\s*)?\(")
_CLASS_NAME = re.compile(r"\b(?:class|struct|enum|trait|impl|interface|type|mod)\s+([A-Za-z_]\w*)")
_QUOTED = re.compile(r"\"(?:\\.|[^\"\\])*\"|'(?:\\.|[^'\\])*'|`(?:\\.|[^`\\])*`")
_WORD = re.compile(r"[A-Za-z_$][\w$]*")


def definition_name(header: str) -> str | None:
    """The name a header defines: ``fun total(`` → total, ``class Cart`` → Cart."""
    found = _CLASS_NAME.search(header) or _NAME.search(header)
    return found.group(1) if found else None


def _bracket_delta(line: str) -> int:
    text = _QUOTED.sub("", line)
    if text.lstrip().startswith("#"):
        return 0
    return sum(text.count(c) for c in "([{") - sum(text.count(c) for c in ")]}")


def block_end(code: Sequence[str], header: int) -> int:
    """Where the block that starts at ``code[header]`` ends (exclusive): lines indented deeper
    than the header or inside brackets opened on the way, and a closing line (``}``,
    ``end``) at the header's indentation."""
    base = indent(code[header])
    depth = _bracket_delta(code[header])
    opened = depth > 0 or code[header].strip().endswith(":")
    end = header + 1
    for index in range(header + 1, len(code)):
        line = code[index]
        text = line.strip()
        if not text:
            continue
        if indent(line) <= base:
            if depth > 0 or (not opened and text.startswith("{")):
                depth += _bracket_delta(line)
                opened = opened or depth > 0
                end = index + 1
                if depth <= 0 and not text.endswith((":", "{")):
                    break
                continue
            if _CLOSER.match(text) and opened:
                end = index + 1
            break
        depth += _bracket_delta(line)
        opened = opened or depth > 0
        end = index + 1
    return end


def imported_names(line: str) -> frozenset[str]:
    """The names an import line binds (``from a import b as c`` → {c}); empty if unsure."""
    found = _IMPORTED.match(line.strip())
    if found is None:
        return frozenset()
    text = next(group for group in found.groups() if group)
    names = set()
    for item in re.split(r"[,{}()]", text):
        words = item.replace("::", " ").replace(".", " ").split()
        if words and words[-1] not in ("*", "self"):
            names.add(words[-1])
    return frozenset(names)


class TextCode:
    """Lines of a language without a grammar, read by indentation and patterns."""

    def __init__(self, lines: Sequence[str], language: Language) -> None:
        self.lines = [line_content(x) for x in lines]
        self.language = language
        self._starts = preamble_starts(language)

    has_error = False

    def _comment(self, text: str) -> bool:
        return bool(text) and text.startswith(self._starts) and not self._attribute(text)

    def _attribute(self, text: str) -> bool:
        return bool(self.language.attributes) and text.startswith(self.language.attributes)

    def _preamble_start(self, header: int) -> int:
        start = header
        while start > 0:
            text = self.lines[start - 1].strip()
            if not text or indent(self.lines[start - 1]) != indent(self.lines[header]):
                break
            if not text.startswith(self._starts):
                break
            start -= 1
        return start

    @cached_property
    def _definitions(self) -> list[Item]:
        found = []
        pattern = self.language.definition_pattern
        for row, line in enumerate(self.lines):
            text = line.strip()
            if not text or text.startswith(self._starts) or not pattern.match(text):
                continue
            name = definition_name(text)
            found.append(
                Item(
                    "definition",
                    text.split()[0],
                    name,
                    self._preamble_start(row),
                    row,
                    block_end(self.lines, row),
                    frozenset([name]) if name else frozenset(),
                )
            )
        return [
            Item(d.category, d.kind, d.name, d.first, d.start, d.last, d.binds, depth, d.node)
            for d in found
            for depth in [sum(1 for o in found if o.start < d.start and d.last <= o.last)]
        ]

    def definitions(self) -> list[Item]:
        return list(self._definitions)

    def definition_at(self, row: int) -> Item | None:
        return next((d for d in self._definitions if d.start == row), None)

    def container(self, item: Item) -> Item | None:
        around = [d for d in self._definitions if d.start < item.start and item.last <= d.last]
        return max(around, key=lambda d: d.start) if around else None

    def members(self, container: Item | None) -> list[Item]:
        first, last = (
            (0, len(self.lines)) if container is None else (container.start + 1, container.last)
        )
        rows = [r for r in range(first, last) if self.lines[r].strip()]
        if not rows:
            return []
        base = min(indent(self.lines[r]) for r in rows)
        headers = {d.start: d for d in self._definitions}
        items: list[Item] = []
        pending: int | None = None  # the first row of comments waiting for a statement
        row = first
        while row < last:
            line = self.lines[row]
            text = line.strip()
            if not text or indent(line) != base:
                row += 1
                if not text:
                    pending = None
                continue
            if self._comment(text) or self._attribute(text):
                pending = row if pending is None else pending
                row += 1
                continue
            top = row if pending is None else pending
            if row in headers:
                found = headers[row]
                items.append(
                    Item("definition", found.kind, found.name, top, row, found.last, found.binds)
                )
                row = found.last
            elif _IMPORT.match(text):
                end = block_end(self.lines, row)
                items.append(Item("import", "import", None, top, row, end, imported_names(text)))
                row = end
            else:
                end = block_end(self.lines, row)
                items.append(Item("other", "statement", None, top, row, end))
                row = end
            pending = None
        return items

    def uses(self, item: Item) -> frozenset[str]:
        return frozenset(_WORD.findall("\n".join(self.lines[item.first : item.last])))

    def row_kind(self, row: int) -> RowKind:
        text = self.lines[row].strip()
        if not text:
            return "blank"
        return "comment" if self._comment(text) else "code"

    def placeholder_at(self, row: int) -> int | None:
        del row
        return None

    def comment_text(self, row: int) -> str:
        text = self.lines[row].strip()
        for opener in sorted(self._starts, key=len, reverse=True):
            if text.startswith(opener):
                return text[len(opener) :].strip()
        return text
