"""Show what happened in a benchmark run: for each task, the replies and the result's diff.

.venv/bin/python benchmarks/quality/show.py results/NAME.json [--task PART] [--arm blitzls]
    [--failed]
"""

from __future__ import annotations

import argparse
import difflib
from pathlib import Path
from typing import Any

from runs import load_run
from tasks import TASKS_DIR, load


def prompts(exchange: dict[str, Any]) -> list[tuple[str, str]]:
    """What an exchange (full or compact) sent, as (role, text): its messages, or a text
    completion's prompt and suffix."""
    sent = exchange.get("request", exchange)
    messages = sent.get("messages")
    if messages:
        return [(m["role"], m["content"]) for m in messages]
    return [(key, sent[key]) for key in ("prompt", "suffix") if sent.get(key) is not None]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("results", type=Path)
    parser.add_argument("--task", default="")
    parser.add_argument("--arm", default="blitzls", choices=("blitzls", "baseline"))
    parser.add_argument("--failed", action="store_true", help="only tasks the arm did not pass")
    parser.add_argument("--prompt", action="store_true", help="show the prompts too")
    args = parser.parse_args()
    results = load_run(args.results)
    for row in results["rows"]:
        data = row.get(args.arm)
        if data is None or args.task not in row["task"]:
            continue
        if args.failed and data["verdict"] == "passed":
            continue
        task = load(TASKS_DIR / row["task"])
        print(f"=== {row['task']} [{args.arm}] {data['verdict']} {data['error']}")
        for number, exchange in enumerate(data["exchanges"], 1):
            if args.prompt:
                for part, text in prompts(exchange):
                    print(f"--- prompt {number} ({part}):\n{text}")
            print(f"--- reply {number} ({exchange['finish_reason']}):\n{exchange['reply']}")
        if data["result"] is not None and data["result"] != task.source:
            diff = difflib.unified_diff(
                task.source.splitlines(),
                data["result"].splitlines(),
                "before",
                "after",
                lineterm="",
                n=1,
            )
            print("--- result diff:\n" + "\n".join(diff))
        if data["test_output"]:
            print("--- tests:\n" + data["test_output"][-800:])


if __name__ == "__main__":
    main()
