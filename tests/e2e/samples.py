"""Sample files and the model reply shapes the end-to-end tests replay."""

from __future__ import annotations

from typing import Any

# Non-ASCII text (accents, CJK, an astral emoji) sits before the pseudocode range.
INVENTORY = '''\
"""Inventory helpers — Grüße aus München, 東京 😀."""

GREETING = "héllo wörld 🌍"


def total_price(items):
    """Sum price × quantity — ✓ for every item 😀."""
    # add up price times qty for every item in items 😀
    # keep the result in total
    return total


def label(name):
    return f"{GREETING}: {name}"
'''
PSEUDOCODE_LINES = (7, 9)  # 0-based [start, end) of the two comment lines
ITEMS = [{"price": 2, "qty": 3}, {"price": 1.5, "qty": 2}]
EXPECTED_TOTAL = 9.0

LOOP_BODY = """\
total = 0
for item in items:
    total += item["price"] * item["qty"]"""

INDENTED_LOOP = "\n".join("    " + line for line in LOOP_BODY.splitlines())

REPLY_SHAPES: dict[str, str] = {
    "fenced": f"```python\n{INDENTED_LOOP}\n```\n",
    "bare": INDENTED_LOOP + "\n",
    "chatter": (
        "Here's the implementation:\n\n"
        f"```python\n{INDENTED_LOOP}\n```\n\n"
        "This walks the items once and accumulates the products."
    ),
    "think": (
        "<think>The user wants the sum of price*qty. A loop is clear.</think>\n"
        f"```py\n{INDENTED_LOOP}\n```"
    ),
    "dedented": f"```python\n{LOOP_BODY}\n```",
    "whole_function": (
        "```python\n"
        "def total_price(items):\n"
        '    """Sum price × quantity — ✓ for every item 😀."""\n'
        f"{INDENTED_LOOP}\n"
        "    return total\n"
        "```"
    ),
}


def expected_inventory() -> str:
    """The sample with the pseudocode replaced by the loop, nothing else changed."""
    lines = INVENTORY.splitlines(keepends=True)
    start, end = PSEUDOCODE_LINES
    return "".join(lines[:start]) + INDENTED_LOOP + "\n" + "".join(lines[end:])


def run_total_price(source: str) -> Any:
    """Execute the edited module and call its function."""
    namespace: dict[str, Any] = {}
    exec(compile(source, "<edited>", "exec"), namespace)
    return namespace["total_price"](ITEMS)


def pseudocode_budget(text: str, lines: tuple[int, int], cap: int = 4096) -> int:
    """The max_tokens blitzls asks for when converting ``lines`` (0-based, end exclusive) of
    ``text``: sized from the task, never above ``cap`` (the maxTokens setting)."""
    from blitzls.actions import BUILTIN_ACTIONS
    from blitzls.core.request import ActionRequest, Snapshot
    from blitzls.core.task import prepare
    from blitzls.prompts import max_tokens_for
    from blitzls.text.lines import split_lines

    snapshot = Snapshot(tuple(split_lines(text)), 1, "python", "inventory.py")
    request = ActionRequest(BUILTIN_ACTIONS["pseudocode"], snapshot, *lines)
    return max_tokens_for(prepare(request, "rewrite"), cap)
