"""The reply format "auto" chooses: measured on the code the model is shown."""

from __future__ import annotations

from typing import Literal

from blitzls.actions import BUILTIN_ACTIONS
from blitzls.core.request import ActionRequest, Snapshot
from blitzls.core.task import SEARCH_REPLACE_ABOVE, prepare
from blitzls.text.lines import split_lines


def module(body_lines: int) -> str:
    body = "".join(f"    total += {i}  # ünïcode 😀\n" for i in range(body_lines))
    return (
        "import math\n\n\ndef f(x):\n    # add them all\n    total = 0\n"
        + body
        + "    return total\n"
    )


def request(
    text: str, action: str, start: int, end: int, scope: Literal["target", "enclosing"]
) -> ActionRequest:
    snapshot = Snapshot(tuple(split_lines(text)), 1, "python", "m.py")
    return ActionRequest(BUILTIN_ACTIONS[action], snapshot, start, end, scope=scope)


def test_a_cursor_in_a_long_definition_gets_search_replace() -> None:
    task = prepare(request(module(100), "simplify", 50, 51, "enclosing"), "auto")
    assert task.shown[1] - task.shown[0] > SEARCH_REPLACE_ABOVE
    assert task.reply_format == "search-replace"


def test_a_short_definition_and_pseudocode_get_a_rewrite() -> None:
    assert prepare(request(module(10), "simplify", 8, 9, "enclosing"), "auto").reply_format == (
        "rewrite"
    )
    pseudo = prepare(request(module(100), "pseudocode", 4, 5, "target"), "auto")
    assert (pseudo.shown_kind, pseudo.reply_format) == ("definition", "rewrite")


def test_a_long_selection_gets_search_replace_and_a_setting_wins() -> None:
    assert prepare(request(module(60), "simplify", 5, 60, "target"), "auto").reply_format == (
        "search-replace"
    )
    chosen = prepare(request(module(100), "simplify", 50, 51, "enclosing"), "rewrite")
    assert chosen.reply_format == "rewrite"
