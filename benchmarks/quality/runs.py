"""Benchmark runs as committed files: every answer of both arms kept, compactly.

``run.py`` writes ``results/NAME.json`` (everything, git-ignored). ``runs.py keep NAME``
writes ``runs/NAME.json``, which is committed: for every task and arm the prompt sent, every
reply, the verdict and reason, tokens and seconds, and the result as a unified diff against
the task's file — enough to re-score and audit any table in docs/quality.md:

  .venv/bin/python benchmarks/quality/runs.py keep results/fair-1.5b.json
  .venv/bin/python benchmarks/quality/runs.py rescore runs/fair-1.5b.json   # place and test again
  .venv/bin/python benchmarks/quality/report.py runs/fair-1.5b.json

``rescore`` puts every baseline answer in place again with the current ``placement.py`` and
runs the tests on both arms' results again, so a change to the baseline's placement (or to a
task's tests) shows in the numbers without asking the model again.
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from placement import place
from score import lines_beyond_needed, verdict
from tasks import HERE, TASKS_DIR, load

RUNS = HERE / "runs"
TEST_OUTPUT_CHARS = 800
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")
_HUNK = re.compile(r"@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")


def _lines(text: str) -> list[str]:
    """Lines with their endings, split only at ``\n``, ``\r\n`` and ``\r``."""
    return _LINE.findall(text)


def diff(before: str, after: str) -> str:
    """A unified diff of two texts (lines keep their endings; no timestamps)."""
    out = []
    for line in difflib.unified_diff(_lines(before), _lines(after), "a", "b", n=1):
        out.append(line)
        if not line.endswith(("\n", "\r")):
            out.append("\n\\ No newline at end of file\n")
    return "".join(out)


def patch(before: str, unified: str) -> str:
    """``before`` with a diff made by :func:`diff` applied."""
    old = _lines(before)
    out: list[str] = []
    at = 0
    lines = _lines(unified)
    index = 0
    last = ""
    while index < len(lines):
        match = _HUNK.match(lines[index])
        index += 1
        if not match:
            continue
        start = int(match.group(1)) - (0 if match.group(2) == "0" else 1)
        out += old[at:start]
        at = start
        while index < len(lines) and not lines[index].startswith("@@"):
            line = lines[index]
            index += 1
            if line.startswith("\\"):  # "\ No newline at end of file" for the line above
                if last in (" ", "+"):
                    out[-1] = out[-1][:-1]
                continue
            tag, text = line[:1], line[1:]
            last = tag
            if tag == " ":
                out.append(text)
                at += 1
            elif tag == "-":
                at += 1
            elif tag == "+":
                out.append(text)
    out += old[at:]
    return "".join(out)


def _exchange(x: dict[str, Any]) -> dict[str, Any]:
    request = x["request"]
    if "messages" in request or "prompt" not in request:
        sent = {"messages": request.get("messages")}
    else:  # a text completion (fill in the middle): its prompt, and the suffix if it has one
        sent = {key: request[key] for key in ("prompt", "suffix") if key in request}
    return {
        **sent,
        "max_tokens": request.get("max_tokens"),
        "reply": x["reply"],
        "finish_reason": x.get("finish_reason"),
        "seconds": round(float(x.get("seconds") or 0), 2),
        "usage": x.get("usage") or {},
    }


def compact_arm(source: str, arm: dict[str, Any]) -> dict[str, Any]:
    kept = {k: v for k, v in arm.items() if k not in ("result", "exchanges", "test_output")}
    kept["exchanges"] = [_exchange(x) if "request" in x else x for x in arm["exchanges"]]
    kept["test_output"] = (arm.get("test_output") or "")[-TEST_OUTPUT_CHARS:]
    kept["result_diff"] = None if arm.get("result") is None else diff(source, arm["result"])
    return kept


def expand_arm(source: str, arm: dict[str, Any]) -> dict[str, Any]:
    """A compact arm with its ``result`` text again (what report.py and show.py read)."""
    if "result_diff" not in arm:
        return arm
    result = None if arm["result_diff"] is None else patch(source, arm["result_diff"])
    return {**arm, "result": result}


def load_run(path: Path) -> dict[str, Any]:
    """A run, full or compact, with every arm's ``result`` text."""
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    for row in data["rows"]:
        source = load(TASKS_DIR / row["task"]).source
        for arm in ("baseline", "blitzls"):
            if arm in row:
                row[arm] = expand_arm(source, row[arm])
    return data


def keep(path: Path) -> Path:
    """Write the compact, committed form of a run to ``runs/``."""
    data = load_run(path)
    for row in data["rows"]:
        source = load(TASKS_DIR / row["task"]).source
        for arm in ("baseline", "blitzls"):
            if arm in row:
                row[arm] = compact_arm(source, row[arm])
    RUNS.mkdir(exist_ok=True)
    out = RUNS / path.name
    out.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return out


def rescore(path: Path, tasks: Sequence[str] = ()) -> dict[str, Any]:
    """Place every baseline answer again and test both arms' results again."""
    data = load_run(path)
    changed = 0
    for row in data["rows"]:
        if tasks and row["task"] not in tasks:
            continue
        task = load(TASKS_DIR / row["task"])
        base = row.get("baseline")
        if base and base["exchanges"]:
            reply = base["exchanges"][0]["reply"]
            try:
                base["result"], base["error"] = place(task, reply), ""
            except Exception as exc:  # a reply no one could place
                base["result"], base["error"] = None, f"could not place the answer: {exc}"
        for name in ("baseline", "blitzls"):
            arm = row.get(name)
            if not arm:
                continue
            before = arm["verdict"]
            arm["verdict"], arm["test_output"] = verdict(task, arm["result"])
            arm["beyond"] = (
                0
                if arm["result"] is None
                else lines_beyond_needed(task.source, arm["result"], task.solution)
            )
            if arm["verdict"] != before:
                changed += 1
                print(f"{row['task']:40} {name:8} {before} -> {arm['verdict']}", flush=True)
    print(f"{changed} verdicts changed")
    return data


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=("keep", "rescore"))
    parser.add_argument("run", type=Path, help="results/NAME.json or runs/NAME.json")
    parser.add_argument("--tasks", default="", help="comma-separated task ids (rescore)")
    args = parser.parse_args()
    if args.command == "keep":
        print(f"wrote {keep(args.run)}")
        return 0
    data = rescore(args.run, [t for t in args.tasks.split(",") if t])
    full = HERE / "results" / args.run.name
    full.parent.mkdir(exist_ok=True)
    full.write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")
    print(f"wrote {full}; `runs.py keep {full}` to commit it")
    return 0


if __name__ == "__main__":
    sys.exit(main())
