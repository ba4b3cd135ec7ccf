"""Summary tables of benchmark results (Markdown), per action and in total."""

from __future__ import annotations

import statistics
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from runs import load_run
from score import lines_beyond_needed
from tasks import ACTIONS, TASKS_DIR, load

NO_CHANGE = 16  # blitzls run's exit code for an answer that changes nothing


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}" if b else ("=" if a == b else "∞")


def _beyond(row: dict[str, Any], arm: str) -> int:
    """Lines beyond need, scored now (so a scoring fix applies to earlier runs too)."""
    text = row[arm].get("result")
    if text is None:
        return 0
    task = load(TASKS_DIR / row["task"])
    return lines_beyond_needed(task.source, text, task.solution)


def _verdict(arm: dict[str, Any]) -> str:
    """The arm's verdict; blitzls's "the model made no change" (exit 16) counts as unchanged."""
    if arm["verdict"] == "refused" and arm.get("exit_code") == NO_CHANGE:
        return "unchanged"
    return str(arm["verdict"])


def _model_seconds(arm: dict[str, Any]) -> float:
    """Seconds the endpoint spent on the arm's requests (as the recording proxy saw them)."""
    return float(sum(x["seconds"] for x in arm["exchanges"]))


def summary_table(results: dict[str, Any]) -> str:
    """Per action: verdict counts per arm, lines beyond need, tokens, seconds and ratios."""
    by_action: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in results["rows"]:
        by_action[row["action"]].append(row)
    head = (
        "| action | tasks | baseline pass | blitzls pass | baseline wrong / unplaced / unchanged "
        "| blitzls wrong / refused / unchanged "
        "| beyond: passed / all applied (base; blitzls) "
        "| prompt tok (base / blitzls) | output tok (base / blitzls) "
        "| median s (base / blitzls) | pass ratio | time ratio | model-time ratio |\n"
        "| --- | ---: | ---: | ---: | --- | --- | --- | --- | --- | --- | ---: | ---: | ---: |"
    )
    lines = [head]
    groups = [(a, by_action[a]) for a in ACTIONS if by_action.get(a)]
    groups.append(("**all**", [r for _, rows in groups for r in rows]))
    for action, rows in groups:
        if not all("baseline" in r and "blitzls" in r for r in rows):
            continue
        base = Counter(_verdict(r["baseline"]) for r in rows)
        mine = Counter(_verdict(r["blitzls"]) for r in rows)

        def med(arm: str, key: str, rows: list[dict[str, Any]] = rows) -> float:
            return _median([float(r[arm][key]) for r in rows])

        def beyond(arm: str, passed: bool, rows: list[dict[str, Any]] = rows) -> int:
            return sum(_beyond(r, arm) for r in rows if not passed or r[arm]["verdict"] == "passed")

        model_ratios = [
            _model_seconds(r["blitzls"]) / _model_seconds(r["baseline"])
            for r in rows
            if _model_seconds(r["baseline"]) > 0 and _model_seconds(r["blitzls"]) > 0
        ]
        ratios = [
            r["blitzls"]["seconds"] / r["baseline"]["seconds"]
            for r in rows
            if r["baseline"]["seconds"] > 0
        ]
        lines.append(
            f"| {action} | {len(rows)} | {base['passed']} | {mine['passed']} "
            f"| {base['wrong']} / {base['refused']} / {base['unchanged']} "
            f"| {mine['wrong']} / {mine['refused']} / {mine['unchanged']} "
            f"| {beyond('baseline', True)} / {beyond('baseline', False)}; "
            f"{beyond('blitzls', True)} / {beyond('blitzls', False)} "
            f"| {med('baseline', 'prompt_tokens'):.0f} / {med('blitzls', 'prompt_tokens'):.0f} "
            f"| {med('baseline', 'output_tokens'):.0f} / {med('blitzls', 'output_tokens'):.0f} "
            f"| {med('baseline', 'seconds'):.1f} / {med('blitzls', 'seconds'):.1f} "
            f"| {_ratio(mine['passed'], base['passed'])} | ×{_median(ratios):.2f} "
            f"| ×{_median(model_ratios):.2f} |"
        )
    overhead = [r["blitzls"]["seconds"] - _model_seconds(r["blitzls"]) for r in results["rows"]]
    lines.append("")
    lines.append(
        f"blitzls time outside the model (process start, `import openai`, checks, write): "
        f"median {_median(overhead):.2f} s per task"
    )
    refusals = Counter(
        r["blitzls"]["error"] for r in results["rows"] if r.get("blitzls", {}).get("error")
    )
    if refusals:
        lines.append("")
        lines.append("blitzls refusals: " + "; ".join(f"{n}× {e}" for e, n in refusals.items()))
    return "\n".join(lines)


if __name__ == "__main__":
    for name in sys.argv[1:]:
        data = load_run(Path(name))
        print(f"### {data['model']} — {data['date']}, {data['machine']}\n")
        print(summary_table(data))
        print()
