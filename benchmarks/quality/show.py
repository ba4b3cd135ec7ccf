"""Show what happened in a benchmark run: for each task, the replies and the result's diff.

.venv/bin/python benchmarks/quality/show.py results/NAME.json [--task PART] [--arm blitzls]
    [--failed]
"""

from __future__ import annotations

import argparse
import difflib
from pathlib import Path

from runs import load_run
from tasks import TASKS_DIR, load


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
                messages = exchange.get("messages") or exchange["request"]["messages"]
                for message in messages:
                    print(f"--- prompt {number} ({message['role']}):\n{message['content']}")
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
