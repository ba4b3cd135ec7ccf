"""Which lines an action works on, from an editor range or a CLI ``--lines`` value."""

from __future__ import annotations

from collections.abc import Sequence

from blitzls.languages.comments import comment_block_around, placeholder_hint


def lines_for_range(
    lines: Sequence[str],
    start: tuple[int, int],
    end: tuple[int, int],
    prefixes: tuple[str, ...],
    *,
    is_point: bool,
) -> tuple[int, int] | None:
    """The [start, end) line span an editor range selects, or None when nothing applies.

    ``start``/``end`` are (line, character) pairs; ``is_point`` is true for an empty or
    one-character range (a cursor; Helix sends one character), which selects the block of
    comment lines around the cursor. A real selection selects every line it touches, except
    a last line it only reaches at column 0.
    """
    count = len(lines)
    start_line = min(max(start[0], 0), count - 1)
    if is_point:
        return comment_block_around(lines, start_line, prefixes)
    if end[0] >= count:  # past the end: through the last line
        end_line = count - 1
    else:
        end_line = max(end[0], start_line)
        if end_line > start_line and end[1] == 0:
            end_line -= 1
    if not any(line.strip() for line in lines[start_line : end_line + 1]):
        return None
    return start_line, end_line + 1


def parse_line_spec(spec: str) -> tuple[int, int | None]:
    """Parse a 1-based CLI ``--lines`` value: ``12-15`` or a single ``12``.

    Returns 0-based (start, end_exclusive) or (start, None) for a single line.
    """
    text = spec.strip()
    first_text, dash, last_text = text.partition("-")
    try:
        first = int(first_text)
        last = int(last_text) if dash else None
    except ValueError:
        raise ValueError(f"--lines must look like 12 or 12-15, got {spec!r}") from None
    if first < 1:
        raise ValueError(f"--lines counts from 1, got {spec!r}")
    if last is not None and last < first:
        raise ValueError(f"--lines {spec}: the range ends before it starts")
    return (first - 1, last) if last is not None else (first - 1, None)


def with_placeholder(
    lines: Sequence[str], span: tuple[int, int] | None, language_id: str
) -> tuple[int, int] | None:
    """A pseudocode span with the placeholder statement right after it (``pass``,
    ``todo!()``), which the code it describes replaces too. A cheap look at one line: the
    action checks it on the syntax tree when it runs."""
    if span is None or span[1] >= len(lines):
        return span
    if placeholder_hint(lines[span[1]], language_id):
        return span[0], span[1] + 1
    return span
