"""Plain-text formatting for terminal output: wrapping, indenting and truncating."""

from __future__ import annotations

DEFAULT_WIDTH = 72
ELLIPSIS = "…"


def truncate(text: str, width: int) -> str:
    """`text` cut to at most `width` characters, ending in an ellipsis when it was cut."""
    if len(text) <= width:
        return text
    return text[: max(width - 1, 0)] + ELLIPSIS


def wrap(text: str, width: int = DEFAULT_WIDTH) -> list[str]:
    """Greedy word wrap: lines of at most `width` characters (longer words stand alone)."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        if current and len(current) + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    if current:
        lines.append(current)
    return lines


def indent_block(text: str, prefix: str = "    ", width: int = DEFAULT_WIDTH) -> str:
    """Wrap `text` so that with `prefix` in front each line still fits in `width`."""
    return "\n".join(prefix + line for line in wrap(text, width - len(prefix)))


def bullet_list(items: list[str], width: int = DEFAULT_WIDTH) -> str:
    out = []
    for item in items:
        first, *rest = wrap(item, width - 2) or [""]
        out.append(f"- {first}")
        out.extend(f"  {line}" for line in rest)
    return "\n".join(out)
