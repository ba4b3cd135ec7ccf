"""Place a rewritten definition (or whole file) from a reply over the code it replaces.

Small models reliably answer with the whole function, at any indentation, sometimes with
imports and helpers around it, a usage example below it, inside its class, or with the
whole file around it. The reply's code is read as syntax (``languages/``): the definition the
task is about is the one of the same kind and name (renamed: the one whose header looks most
like it). It replaces the file's definition, re-indented. Around it:

* imports and new top-level definitions (helpers, constants) the new code uses and the file
  lacks are added — imports with the file's imports, definitions beside the definition, in
  the reply's order; a class's new methods the code uses go beside it in the class;
* definitions the reply repeats from the file are compared with it: unchanged they are
  dropped, changed they stay in the result (so the caller's scope check refuses them, or
  keeps the user's text where only comments and docstrings changed);
* anything else (usage examples, test calls, ``if __name__ == "__main__":``) is dropped.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass

from blitzls.core.lines import Indenter, columns, key
from blitzls.core.task import EditTask
from blitzls.languages.items import CodeView, Item
from blitzls.languages.structure import read

# A header in the reply must look this much like the file's to count as the same one.
_HEADER_SIMILARITY = 0.6
# Blank lines between top-level definitions where the language's style wants more than one.
_TOP_LEVEL_GAP = {"python": 2}


@dataclass(frozen=True)
class Addition:
    """Lines the new code needs, inserted before file line ``at`` (an import, a helper)."""

    at: int
    lines: tuple[str, ...]
    note: str  # what the success message says about it
    after: bool = False  # goes after a change of the lines that end at ``at``


@dataclass(frozen=True)
class Placed:
    """The file with the reply's definition in place; ``block`` is where it went."""

    lines: list[str]  # the whole file, lines without terminators
    block: tuple[int, int]  # the definition's lines in ``lines``
    additions: list[Addition]


@dataclass(frozen=True)
class _Found:
    """The task's definition in the reply: its item, and the code that holds it."""

    item: Item
    code: CodeView
    offset: int = 0  # rows of a wrapper put around the reply to parse it (a bare method)


def header_row(task: EditTask) -> int | None:
    """The row of the definition's header (after its decorators and comments)."""
    return task.definition.start if task.definition is not None else None


def place_definition(
    task: EditTask, file: Sequence[str], code: Sequence[str], indenter: Indenter
) -> Placed | None:
    """The file with the definition from ``code`` in place of ``file[task.shown]``.

    ``file`` and ``code`` are lines without terminators. None when the reply's code does not
    hold the definition (the caller then treats it as a fragment).
    """
    target = task.definition
    if target is None:
        return None
    found = _find(task, file, code, target)
    if found is None:
        return None
    item, reply = found.item, found.code
    first, last = item.first - found.offset, item.last - found.offset
    start = item.start - found.offset
    shift = columns(file[target.start]) - columns(code[start])
    block = [indenter.shift(line, shift) for line in code[first:last]]
    if task.aside is not None:
        block = _docstring_back(task, file, block, found, first)
    if first == start and target.start > task.shown[0]:  # the reply left out decorators
        block = list(file[task.shown[0] : target.start]) + block
    context = _Context(task, file, code, reply, item, indenter) if not found.offset else None
    overlays = context.overlays() if context is not None else []
    additions = context.additions() if context is not None else []
    lines: list[str] = []
    done = 0
    block_at = (0, 0)
    for at, end, new in sorted([*overlays, (task.shown[0], task.shown[1], block)]):
        if at < done:
            continue  # overlaps the definition: the reply's definition wins
        lines += file[done:at]
        if (at, end) == task.shown:
            block_at = (len(lines), len(lines) + len(new))
        lines += new
        done = end
    lines += file[done:]
    return Placed(lines, block_at, additions)


def _docstring_back(
    task: EditTask, file: Sequence[str], block: list[str], found: _Found, first: int
) -> list[str]:
    """The reply's definition with the docstring the prompt gave in words put back as the
    file has it: in place of one the model wrote anyway, else first in the body (above any
    comments the body opens with). ``block`` is the reply's definition re-indented, from
    its row ``first``."""
    assert task.aside is not None
    docstring = list(file[task.aside[0] : task.aside[1]])
    reply, header = found.code, found.item.start
    members = reply.members(found.item)
    if not members or members[0].first <= header:
        return block  # a body on the header's line: nothing to put a docstring above
    opening = members[0]
    if opening.category == "doc":
        at, end = opening.first, opening.last
    else:  # comments before a body's first statement are not part of it on the tree
        at = opening.first
        while at - 1 > header and reply.row_kind(at - 1) in ("comment", "blank"):
            at -= 1
        end = at
    base = found.offset + first
    return block[: at - base] + docstring + block[end - base :]


def _find(task: EditTask, file: Sequence[str], code: Sequence[str], target: Item) -> _Found | None:
    """The task's definition in the reply's code: the one with the same kind and name, else
    one of the same kind whose header looks like the file's. A bare method that does not
    parse on its own (JavaScript, Java) is parsed again inside the file's class."""
    reply = read(code, task.language)
    header = key(file[target.start])
    found = _matching(task, reply.definitions(), code, header)
    if found is not None:
        return _Found(found, reply)
    if not target.name or not any(target.name in line for line in code):
        return None  # a fragment of the body: no bare method to parse inside its class
    wrapper = _wrapper(task, file, target)
    if wrapper is None:
        return None
    head, tail = wrapper
    width = columns(file[target.start])
    base = min((columns(line) for line in code if line.strip()), default=0)
    body = [Indenter(False).shift(line, width - base) for line in code]
    wrapped = read([*head, *body, *tail], task.language)
    inside = [
        d for d in wrapped.definitions() if len(head) <= d.first and d.last <= len(head) + len(code)
    ]
    found = _matching(task, inside, [*head, *code, *tail], header)
    return _Found(found, wrapped, len(head)) if found is not None else None


def _matching(
    task: EditTask, definitions: Sequence[Item], code: Sequence[str], header: str
) -> Item | None:
    """The definition of the same name (and kind, if several), else the one of the same
    kind whose header looks most like the file's and whose name the file does not use."""
    target = task.definition
    assert target is not None
    named = [d for d in definitions if target.name is not None and d.name == target.name]
    if named:
        return min(named, key=lambda d: (d.kind != target.kind, d.depth, d.start))
    best: tuple[float, Item] | None = None
    for candidate in definitions:
        if candidate.kind != target.kind:
            continue
        score = difflib.SequenceMatcher(None, header, key(code[candidate.start])).ratio()
        if score >= _HEADER_SIMILARITY and (best is None or score > best[0]):
            best = (score, candidate)
    if best is None or best[1].binds & _names(task.whole):
        return None  # nothing alike, or another definition of the file
    if task.pseudocode and _at_target_depth(task, code[best[1].start]):
        return None  # a helper written at the pseudocode's depth: a fragment of the body
    return best[1]


def _at_target_depth(task: EditTask, header: str) -> bool:
    """Whether a reply's definition header stands where the pseudocode does, deeper than
    the file's definition: the reply is the code for the pseudocode lines, not the whole
    definition renamed."""
    assert task.definition is not None
    depth = columns(task.contents[task.target[0]])
    return columns(header) == depth > columns(task.contents[task.definition.start])


def _wrapper(
    task: EditTask, file: Sequence[str], target: Item
) -> tuple[list[str], list[str]] | None:
    """The first and last lines of the class (or ``impl``) around the definition, to parse
    a bare method inside; None for a top-level definition."""
    whole = task.whole
    mine = whole.definition_at(target.start)
    container = whole.container(mine) if mine is not None else None
    if container is None:
        return None
    members = whole.members(container)
    opening = members[0].first if members else container.start + 1
    closing = members[-1].last if members else container.last - 1
    return list(file[container.start : opening]), list(file[closing : container.last])


def _names(code: CodeView) -> set[str]:
    """Every name the code's definitions and top-level statements bind."""
    return {n for m in (*code.definitions(), *code.members(None)) for n in m.binds}


class _Context:
    """What the reply holds around its definition, sorted: code it repeats from the file
    (changed or not), imports and definitions the new code needs, the rest."""

    def __init__(
        self,
        task: EditTask,
        file: Sequence[str],
        code: Sequence[str],
        reply: CodeView,
        item: Item,
        indenter: Indenter,
    ) -> None:
        self.task, self.file, self.code, self.reply = task, file, code, reply
        self.item, self.indenter = item, indenter
        self.item_row = task.definition.start if task.definition is not None else 0
        chain: list[Item] = []
        container = reply.container(item)
        while container is not None:
            chain.insert(0, container)
            container = reply.container(container)
        self.outer = chain[0] if chain else item  # the reply's top-level statement holding it
        # statements beside the definition in the reply's class, and at the reply's top level
        self.siblings = (
            [m for m in reply.members(chain[-1]) if m.start != item.start] if chain else []
        )
        self.top = [m for m in reply.members(None) if m.start != self.outer.start]
        self.uses = set(reply.uses(item))
        self.helpers: list[tuple[Item, bool]] = []  # (helper, at the top level)
        self._find_helpers()

    # --- what the file has ------------------------------------------------------------

    def _file_members(self, top: bool) -> list[Item]:
        whole = self.task.whole
        if top:
            return whole.members(None)
        mine = whole.definition_at(self.item_row)
        container = whole.container(mine) if mine is not None else None
        return whole.members(container) if container is not None else []

    def _file_anchor(self) -> Item | None:
        """The file's top-level statement that holds the definition."""
        whole = self.task.whole
        outer = whole.definition_at(self.item_row)
        while outer is not None and whole.container(outer) is not None:
            outer = whole.container(outer)
        return outer

    # --- sorting the reply's statements -----------------------------------------------

    def _named(self, top: bool) -> list[Item]:
        items = self.top if top else self.siblings
        return [m for m in items if m.category in ("definition", "assignment") and m.binds]

    def _find_helpers(self) -> None:
        """New definitions the new code uses (and what they use), in the reply's order."""
        candidates = [(m, True) for m in self._named(True)] + [
            (m, False) for m in self._named(False)
        ]
        if not candidates:
            return
        have_top = {n for m in self._file_members(True) for n in m.binds}
        have_here = {n for m in self._file_members(False) for n in m.binds}
        new = [
            (m, top)
            for m, top in candidates
            if not m.binds & (have_top if top else have_here | have_top)
            and self.item.name not in m.binds
            and self.item.name not in self.reply.uses(m)  # a usage example, not a helper
        ]
        added = True
        while added:
            added = False
            for m, top in new:
                if (m, top) not in self.helpers and m.binds & self.uses:
                    self.helpers.append((m, top))
                    self.uses |= self.reply.uses(m)
                    added = True
        self.helpers.sort(key=lambda pair: pair[0].first)

    def overlays(self) -> list[tuple[int, int, list[str]]]:
        """File lines the reply repeats with changes: (first, last, the reply's lines)."""
        found = []
        for top in (True, False):
            named = self._named(top)
            if not named:
                continue
            mine = {n: m for m in self._file_members(top) for n in m.binds}
            for item in named:
                theirs = next((mine[n] for n in sorted(item.binds) if n in mine), None)
                if theirs is None or theirs.category != item.category:
                    continue
                if theirs.first < self.task.shown[1] and self.task.shown[0] < theirs.last:
                    continue  # the definition itself, or what holds it
                if not self._seen(theirs):
                    continue  # the model wrote its own guess of it: the file's stays
                old = [key(x) for x in self.file[theirs.first : theirs.last] if key(x)]
                new = [key(x) for x in self.code[item.first : item.last] if key(x)]
                if old != new:
                    shift = columns(self.file[theirs.start]) - columns(self.code[item.start])
                    lines = [
                        self.indenter.shift(x, shift) for x in self.code[item.first : item.last]
                    ]
                    found.append((theirs.first, theirs.last, lines))
        return found

    def _seen(self, item: Item) -> bool:
        """Whether the prompt showed the model any of ``item``'s lines."""
        shown = self.task.visible
        return not shown or any(a < item.last and item.first < b for a, b in shown)

    def additions(self) -> list[Addition]:
        found = self._helper_additions()
        imports = self._imports()
        if imports:
            at = import_position(self.task.whole)
            for lines in imports:
                found.append(Addition(at, lines, f"added `{lines[0].strip()}`"))
        return found

    def _helper_additions(self) -> list[Addition]:
        if not self.helpers:
            return []
        anchor = self._file_anchor()
        found: list[Addition] = []
        for helper, top in self.helpers:
            if top:
                if anchor is None:
                    continue
                width, first, last = columns(self.file[anchor.start]), anchor.first, anchor.last
                before = helper.last <= self.outer.first
                gap = _TOP_LEVEL_GAP.get(self.task.language, 1)
            else:
                width, (first, last) = columns(self.file[self.item_row]), self.task.shown
                before = helper.last <= self.item.first
                gap = 1
            shift = width - columns(self.code[helper.start])
            lines = [self.indenter.shift(x, shift) for x in self.code[helper.first : helper.last]]
            spacing = [""] * gap
            name = ", ".join(f"`{n}`" for n in sorted(helper.binds))
            what = "helper" if helper.category == "definition" else "definition of"
            note = f"added the {what} {name} the new code uses"
            if before:
                found.append(Addition(first, (*lines, *spacing), note))
            else:
                found.append(Addition(last, (*spacing, *lines), note, after=True))
        return found

    def _imports(self) -> list[tuple[str, ...]]:
        """Imports the new code (or its helpers) needs that the file lacks."""
        imports = [m for m in self.top if m.category == "import" and m.binds]
        if not imports:
            return []
        have = {n for m in self._file_members(True) for n in m.binds}
        wanted: list[tuple[str, ...]] = []
        for item in imports:
            if item.binds & self.uses and not item.binds <= have:
                base = columns(self.code[item.start])
                lines = self.code[item.start : item.last]
                wanted.append(tuple(self.indenter.shift(x, -base) for x in lines))
                have |= item.binds
        return wanted


def import_position(whole: CodeView) -> int:
    """Where new imports go: after the file's first run of imports; with none, after the
    comments and docstring it starts with (shebang, coding cookie, licence, docstring) —
    never inside a statement."""
    last_import: int | None = None
    header_end = 0
    for item in whole.members(None):
        if item.category == "import":
            last_import = item.last
        elif item.category in ("comment", "doc") and last_import is None:
            header_end = item.last
        else:
            break
    return last_import if last_import is not None else header_end
