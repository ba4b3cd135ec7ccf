"""The files tests/e2e/test_vscode.py edits in VS Code, and what the scripted model answers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from tests.conftest import ROOT
from tests.support.scripted_model import Reply


@dataclass(frozen=True)
class Change:
    """What the scripted model answers for one file: OLD lines become NEW lines."""

    old: str
    new: str
    first_token_delay: float = 0.5
    tokens_per_second: float = 40  # slow enough that the progress shows on a screenshot

    def reply(self, prompt: str) -> Reply:
        """Answer in the format the prompt asks for, as a model that follows it would."""
        if "Reply with SEARCH/REPLACE blocks" in prompt:
            content = f"<<<<<<< SEARCH\n{self.old}\n=======\n{self.new}\n>>>>>>> REPLACE\n"
        else:  # the code the prompt shows last, in a fenced block, rewritten whole
            shown = prompt.rsplit("```", 2)[-2].split("\n", 1)[-1].rstrip("\n")
            replaced = shown.replace(self.old, self.new) if self.old in shown else "(no match)"
            content = f"```\n{replaced}\n```\n"
        return Reply(
            content=content,
            first_token_delay=self.first_token_delay,
            tokens_per_second=self.tokens_per_second,
        )

    def applied_to(self, text: str) -> str:
        """TEXT with this change made, nothing else."""
        assert text.count(self.old) == 1, self.old
        return text.replace(self.old, self.new)


CONVERT = "Convert pseudocode to code"

INVENTORY = (ROOT / "examples" / "inventory.py").read_text("utf-8")  # lines 6-8: pseudocode
PSEUDOCODE = Change(
    old="    # start a running total at zero\n"
    "    # for each item add its price times its quantity\n"
    "    # skip items whose quantity is negative",
    new='    total = 0\n    for item in items:\n        if item["qty"] < 0:\n            continue\n'
    '        total += item["price"] * item["qty"]',
)

ORDERS = '''\
"""Order totals."""


def total_price(items):
    """Sum price times quantity over all items."""
    total = 0
    for item in items:
        total += item["price"] * item["qty"]
    return total


def count_items(items):
    """How many items there are."""
    return len(items)
'''
INSTRUCTION = "skip items whose quantity is negative"
EDIT = Change(  # lines 6-8 of orders.py, the selection
    old='    total = 0\n    for item in items:\n        total += item["price"] * item["qty"]',
    new=PSEUDOCODE.new,
)

CALC = """\
export function area(width: number, height: number): number {
  const scale: number = "2";
  return width * height * scale;
}
"""
TYPE_ERROR = "Type 'string' is not assignable to type 'number'."  # TypeScript's, on line 2
FIX = Change(old='  const scale: number = "2";', new="  const scale: number = 2;")

SLOW = """\
def shipping_cost(weight_kg):
    # charge 5 for the first kilogram
    # and 2 for every further kilogram, rounded up
    return cost
"""
SLOW_CHANGE = Change(  # about a minute of output at 4 tokens a second: only a cancel ends it
    old="    # charge 5 for the first kilogram\n    # and 2 for every further kilogram, rounded up",
    new="\n".join(f"    cost = 5 + 2 * {n}  # a slow model's answer" for n in range(30)),
    tokens_per_second=4,
)

NOTES = """\
def greeting(name):
    # build "Hello, NAME!" with the name capitalised
    return text
"""
NOTES_CHANGE = Change(
    old='    # build "Hello, NAME!" with the name capitalised',
    new='    text = f"Hello, {name.capitalize()}!"',
)

TRUSTED_FILES = {"inventory.py": INVENTORY, "orders.py": ORDERS, "calc.ts": CALC, "slow.py": SLOW}
UNTRUSTED_FILES = {"notes.py": NOTES}
CHANGES = {
    "inventory.py": PSEUDOCODE,
    "orders.py": EDIT,
    "calc.ts": FIX,
    "slow.py": SLOW_CHANGE,
    "notes.py": NOTES_CHANGE,
}


def prompt_of(body: Any) -> str:
    """All the text of a chat request's messages."""
    messages = body.get("messages", []) if isinstance(body, dict) else []
    return "\n".join(str(m.get("content", "")) for m in messages if isinstance(m, dict))


def file_of(body: Any) -> str:
    """The file a chat request is about (the prompt names it: "… function from inventory.py")."""
    prompt = prompt_of(body)
    return next((name for name in CHANGES if re.search(rf"\b{re.escape(name)}\b", prompt)), "")


def respond(body: dict[str, Any]) -> Reply:
    """The scripted model: each file's change, in the format the prompt asks for."""
    change = CHANGES.get(file_of(body))
    return change.reply(prompt_of(body)) if change else Reply(content="no reply for this file")
