"""Place a rewritten definition (or whole file) from a reply over the code it replaces.

Small models reliably answer with the whole function, at any indentation, sometimes with
imports above it, a usage example below it, or the whole file around it. This module finds
the definition in the reply by its header line, cuts it out by indentation and brackets,
re-indents it to the file and returns the file as it would read with it in place. Lines the
reply repeats from around the definition are compared with the file: unchanged they are
dropped, changed they stay in the result (so the caller's scope check refuses them).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from blitzls.core.lines import Indenter, columns, is_blank, key

# Lines above a header that belong to the definition: decorators, attributes, doc comments.
_PREAMBLE = re.compile(r"(?:@|#\[|#!\[|///|//!|/\*|\*|//|#(?![\[!]))")
# Lines that only close a block.
_CLOSER = re.compile(r"(?:[)\]}]|end\b|fi\b|done\b|esac\b)")
# Import statements in the languages blitzls knows.
_IMPORT = re.compile(
    r"(?:import\s+[\w.{*]|from\s+[\w.]+\s+import\s|use\s+[\w:{]+|#include\s|"
    r"(?:const|let|var)\s+\w+\s*=\s*require\()"
)
_NAME = re.compile(r"([A-Za-z_$][\w$]*)\s*(?:<[^>()]*>\s*)?\(")
_CLASS_NAME = re.compile(r"\b(?:class|struct|enum|trait|impl|interface|type|mod)\s+([A-Za-z_]\w*)")
_QUOTED = re.compile(r"\"(?:\\.|[^\"\\])*\"|'(?:\\.|[^'\\])*'|`(?:\\.|[^`\\])*`")
# A header in the reply must look this much like the file's to count as the same one.
_HEADER_SIMILARITY = 0.6


@dataclass(frozen=True)
class Placed:
    """The file with the reply's definition in place; ``block`` is where it went."""

    lines: list[str]  # the whole file, lines without terminators
    block: tuple[int, int]  # the definition's lines in ``lines``
    imports: list[str]  # import lines the reply added above the definition, new to the file


def header_index(lines: Sequence[str], span: tuple[int, int]) -> int | None:
    """The definition's header in ``lines[span]``: its first line that is not a decorator,
    attribute or comment. None when there is no such line."""
    for index in range(*span):
        text = key(lines[index])
        if text and not _PREAMBLE.match(text):
            return index
    return None


def definition_name(header: str) -> str | None:
    """The name a header defines: ``def total(`` → total, ``class Cart`` → Cart."""
    found = _CLASS_NAME.search(header) or _NAME.search(header)
    return found.group(1) if found else None


def find_header(code: Sequence[str], header: str) -> int | None:
    """Where the reply's code holds ``header``: the same line, or one defining the same name
    that looks like it (a changed signature). The least indented candidate wins."""
    wanted = key(header)
    exact = [i for i, line in enumerate(code) if key(line) == wanted]
    if exact:
        return min(exact, key=lambda i: (columns(code[i]), i))
    name = definition_name(wanted)
    keyword = wanted.split()[0]
    best: tuple[float, int] | None = None
    for index, line in enumerate(code):
        text = key(line)
        if not text or _PREAMBLE.match(text):
            continue
        if name is not None and definition_name(text) != name:
            continue
        score = difflib.SequenceMatcher(None, wanted, text).ratio()
        # Annotations can double a header's length; the same keyword and name still make it
        # the same definition (a call ``x = total(...)`` has neither).
        alike = score >= _HEADER_SIMILARITY or (name is not None and text.split()[0] == keyword)
        if alike and (best is None or score > best[0]):
            best = (score, index)
    return None if best is None else best[1]


def _bracket_delta(line: str) -> int:
    text = _QUOTED.sub("", line)
    comment = text.find("#") if text.lstrip().startswith("#") else -1
    if comment >= 0:
        return 0
    return sum(text.count(c) for c in "([{") - sum(text.count(c) for c in ")]}")


def block_end(code: Sequence[str], header: int) -> int:
    """Where the definition that starts at ``code[header]`` ends (exclusive).

    It runs while lines are indented deeper than the header or brackets opened on the way are
    still open; a closing line at the header's indentation (``}``, ``end``) is its last line.
    """
    base = columns(code[header])
    depth = _bracket_delta(code[header])
    opened = depth > 0 or key(code[header]).endswith(":")
    end = header + 1
    for index in range(header + 1, len(code)):
        line = code[index]
        if is_blank(line):
            continue
        text = key(line)
        if columns(line) <= base:
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


def _preamble_start(code: Sequence[str], header: int) -> int:
    start = header
    while start > 0:
        line = code[start - 1]
        if is_blank(line) or columns(line) != columns(code[header]):
            break
        if not _PREAMBLE.match(key(line)):
            break
        start -= 1
    return start


def _significant(text: str) -> bool:
    return len(text) >= 4 and not _CLOSER.fullmatch(text.rstrip(";,"))


@dataclass(frozen=True)
class _Echo:
    """Where extra reply lines repeat file lines: ``context[c0:c1]`` ↔ ``extra[e0:e1]``."""

    c0: int
    c1: int
    e0: int
    e1: int


def _similar(a: str, b: str) -> bool:
    a, b = key(a), key(b)
    if not a or not b:
        return a == b
    return difflib.SequenceMatcher(None, a, b).ratio() >= _HEADER_SIMILARITY


def _echo(context: Sequence[str], extra: Sequence[str]) -> _Echo | None:
    """The span of ``extra`` that repeats file lines of ``context``, from its first to its
    last significant matching line, widened over neighbouring lines that look alike (changed
    lines). None when ``extra`` repeats nothing significant."""
    matcher = difflib.SequenceMatcher(
        None, [key(x) for x in context], [key(x) for x in extra], autojunk=False
    )
    blocks = [
        b
        for b in matcher.get_matching_blocks()
        if b.size and any(_significant(key(x)) for x in context[b.a : b.a + b.size])
    ]
    if not blocks:
        return None
    c0, e0 = blocks[0].a, blocks[0].b
    c1, e1 = blocks[-1].a + blocks[-1].size, blocks[-1].b + blocks[-1].size
    while c0 > 0 and e0 > 0 and _similar(context[c0 - 1], extra[e0 - 1]):
        c0, e0 = c0 - 1, e0 - 1
    while c1 < len(context) and e1 < len(extra) and _similar(context[c1], extra[e1]):
        c1, e1 = c1 + 1, e1 + 1
    return _Echo(c0, c1, e0, e1)


def place_definition(
    file: Sequence[str], shown: tuple[int, int], code: Sequence[str], indenter: Indenter
) -> Placed | None:
    """The file with the definition from ``code`` in place of ``file[shown]``.

    ``file`` and ``code`` are lines without terminators. None when the reply's code does not
    contain the definition's header (the caller then treats it as a fragment).
    """
    header_at = header_index(file, shown)
    if header_at is None:
        return None
    found = find_header(code, file[header_at])
    if found is None:
        return None
    start, end = _preamble_start(code, found), block_end(code, found)
    shift = columns(file[header_at]) - columns(code[found])
    block = [indenter.shift(line, shift) for line in code[start:end]]
    if start == found and header_at > shown[0]:  # the reply left out decorators/comments
        block = list(file[shown[0] : header_at]) + block
    head, tail = code[:start], code[end:]
    before, after = list(file[: shown[0]]), list(file[shown[1] :])
    echo = _echo(before, head)
    if echo is not None:  # the reply repeats code above the definition
        echoed = [indenter.shift(x, shift) for x in head[echo.e0 : echo.e1]]
        before = before[: echo.c0] + echoed + before[echo.c1 :]
        block = [indenter.shift(x, shift) for x in head[echo.e1 :]] + block
        head = head[: echo.e0]
    else:  # new code above the definition (a helper it calls) belongs with it
        first_code = next(
            (i for i, x in enumerate(head) if key(x) and not _IMPORT.match(key(x))), len(head)
        )
        block = [indenter.shift(x, shift) for x in _trim_blank(head[first_code:])] + block
        head = head[:first_code]
    imports = _new_imports(head, block, file)
    echo = _echo(after, tail)
    if echo is not None:  # the reply repeats code below the definition
        echoed = [indenter.shift(x, shift) for x in tail[echo.e0 : echo.e1]]
        after = after[: echo.c0] + echoed + after[echo.c1 :]
    lines = before + block + after
    return Placed(lines, (len(before), len(before) + len(block)), imports)


_IMPORTED = re.compile(
    r"(?:from\s+\S+\s+)?import\s+(?P<py>[\w.,\s*()]+?(?:\s+as\s+\w+)?)\s*$"
    r"|import\s+(?:type\s+)?(?P<js>.+?)\s+from\s"
    r"|use\s+(?P<rs>[\w:{}, *]+);"
    r"|(?:const|let|var)\s+(?P<req>[\w{}, ]+?)\s*=\s*require\("
)


def imported_names(line: str) -> set[str]:
    """The names an import line binds (``from a import b as c`` → {c}); empty if unsure."""
    found = _IMPORTED.match(key(line))
    if found is None:
        return set()
    text = next(group for group in found.groups() if group)
    names = set()
    for item in re.split(r"[,{}()]", text):
        words = item.replace("::", " ").replace(".", " ").split()
        if words and words[-1] not in ("*", "self"):
            names.add(words[-1])
    return names


def _new_imports(head: Sequence[str], block: Sequence[str], file: Sequence[str]) -> list[str]:
    """Import lines above the reply's definition worth adding to the file: new to it, and
    binding a name the definition uses that the file does not import already."""
    have: set[str] = set()
    for line in file[:300]:
        if columns(line) == 0 and _IMPORT.match(key(line)):
            have |= imported_names(line)
    words = set(re.findall(r"[A-Za-z_$][\w$]*", "\n".join(block)))
    wanted = []
    for line in head:
        if columns(line) != 0 or not _IMPORT.match(key(line)):
            continue
        names = imported_names(line)
        if names and names & words and not names <= have:
            wanted.append(key(line))
            have |= names
    return wanted


def _trim_blank(lines: Sequence[str]) -> list[str]:
    start, end = 0, len(lines)
    while start < end and is_blank(lines[start]):
        start += 1
    while end > start and is_blank(lines[end - 1]):
        end -= 1
    return list(lines[start:end])


def import_position(file: Sequence[str]) -> int:
    """Where new imports go: after the last top-level import among the file's first lines,
    else before the first line of code."""
    last = None
    for index, line in enumerate(file[:300]):
        if columns(line) == 0 and _IMPORT.match(key(line)):
            last = index
    if last is not None:
        while last + 1 < len(file) and _bracket_delta("".join(file[: last + 1])) > 0:
            last += 1  # a parenthesised import list
        return last + 1
    return 0
