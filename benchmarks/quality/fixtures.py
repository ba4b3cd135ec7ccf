"""Turn real replies from a benchmark run into test fixtures, and check what blitzls makes of them.

  .venv/bin/python benchmarks/quality/fixtures.py check results/NAME.json
  .venv/bin/python benchmarks/quality/fixtures.py export results/NAME.json
  .venv/bin/python benchmarks/quality/fixtures.py refresh [FIXTURE_NAME ...]

Both replay every recorded reply through ``blitzls run`` (this checkout) against the scripted
endpoint and run the task's tests on the result. Replayed are the replies blitzls got in the
run (in order, repair rounds included) and the plain baseline's whole-function answer, which
is the shape blitzls asks real models for. ``check`` prints what happens; ``export`` writes
``tests/fixtures/real_replies/`` entries for the replies blitzls failed to use in the run
and for every baseline answer that passed its tests, each with the result this checkout
gives, so the normal test suite notices when a real reply stops applying. ``refresh``
records anew what this checkout makes of existing fixtures (all, or those named), after a
deliberate change in reply handling: review the diff of ``tests/fixtures/`` before committing.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "server"))

from placement import place  # noqa: E402
from tasks import TASKS_DIR, Task, load, run_tests  # noqa: E402
from tests.support.replay import FIXTURES, replay  # noqa: E402
from tests.support.scripted_model import ScriptedModelServer  # noqa: E402

from blitzls.core.fill import family_of  # noqa: E402


def candidates(results: dict[str, Any], run: str) -> list[dict[str, Any]]:
    """One replayable fixture per blitzls attempt and per baseline answer of the run."""
    found = []
    for row in results["rows"]:
        task = load(TASKS_DIR / row["task"])
        for arm in ("blitzls", "baseline"):
            data = row.get(arm)
            if not data or not data["exchanges"]:
                continue
            replies = [x["reply"] for x in data["exchanges"]]
            if arm == "baseline":
                replies = replies[:1]
            # a middle filled in, or an answer started, on /completions is replayed that way
            completed = any("prompt" in (x.get("request") or {}) for x in data["exchanges"])
            setting = (
                "BLITZLS_FILL_IN_MIDDLE"
                if task.action == "pseudocode"
                else "BLITZLS_PREFILL_ANSWER"
            )
            family = family_of(results["model"]) or "qwen"
            found.append(
                {
                    "task": task.id,
                    "model": results["model"],
                    "run": run,
                    "recorded": results["date"],
                    "source_arm": arm,
                    "verdict_then": data["verdict"],
                    "action": task.action,
                    "file": task.file,
                    "lines": task.lines,
                    "instruction": task.instruction,
                    "message": task.message,
                    "source": task.source,
                    "replies": replies,
                    # the family, not 'auto': replayed so whatever the model's size
                    **({"settings": {setting: family}} if completed else {}),
                }
            )
    return found


def judge(fixture: dict[str, Any], server: ScriptedModelServer) -> dict[str, Any]:
    """Replay one fixture; its exit code, result, and whether the result passes the tests."""
    task: Task = load(TASKS_DIR / fixture["task"])
    with tempfile.TemporaryDirectory(prefix="blitzls-fixture-") as tmp:
        done = replay(fixture, server, Path(tmp))
    passes = done.exit_code == 0 and run_tests(task, done.text).passed
    return {
        "exit_code": done.exit_code,
        "text": done.text,
        "error": done.error,
        "requests": done.requests,
        "passes": passes,
    }


def _name(fixture: dict[str, Any]) -> str:
    model = re.sub(r"[^a-z0-9.]+", "-", fixture["model"].lower()).strip("-")
    return f"{fixture['task']}--{model}--{fixture['run']}--{fixture['source_arm']}"


def _first_failure(output: str) -> str:
    """The line of a test run's output that best says what failed."""
    lines = [re.sub(r"/tmp/[\w.-]+/[\w.-]+/", "", x.strip()) for x in output.splitlines()]
    lines = [x for x in lines if x]
    for index, line in enumerate(lines):  # node's test runner: "not ok N - title", "error: …"
        if line.startswith("not ok"):
            error = next((x for x in lines[index:] if x.startswith("error:")), "")
            title = line.split(" - ", 1)[-1]
            return f"{title}: {error.removeprefix('error:').strip()}"[:200]
    preferences = (
        lambda x: x.startswith("E ") and len(x) > 3,  # pytest
        lambda x: re.search(r"\w+Error\b[^:]*: \S", x) is not None and "code:" not in x,
        lambda x: "panicked" in x or "assertion" in x.lower(),  # rustc, pytest
        lambda x: "error" in x.lower(),  # node, tsc
        lambda x: x.startswith("not ok"),
    )
    for wanted in preferences:
        for line in lines:
            if wanted(line):
                return line.removeprefix("E ").strip()[:200]
    return lines[-1][:200] if lines else "the tests fail"


UNCHANGED = "the answer is the code as it was"


def by_hand(fixture: dict[str, Any]) -> tuple[bool, str]:
    """Whether one of the fixture's answers, pasted as a careful person would
    (``placement.py``), passes the task's tests; and what it gives when none does."""
    task = load(TASKS_DIR / fixture["task"])
    if task.source != fixture["source"]:
        return False, "the task's file changed since the recording"
    reasons = []
    for reply in dict.fromkeys(fixture["replies"]):
        if not reply.strip():
            reasons.append("the answer is empty")
            continue
        try:
            text = place(task, reply)
        except Exception as exc:  # an answer no one could place
            reasons.append(f"no one could place the answer ({exc})")
            continue
        if text == task.source:
            reasons.append(UNCHANGED)
            continue
        tests = run_tests(task, text)
        if tests.passed:
            return True, ""
        reasons.append(_first_failure(tests.output))
    # UNCHANGED only when every answer is the code as it was
    return False, next((r for r in reasons if r != UNCHANGED), UNCHANGED)


def expectation(fixture: dict[str, Any], now: dict[str, Any]) -> dict[str, Any]:
    """What the fixture asserts: the right outcome, and a known failure where this checkout
    does otherwise.

    The right outcome is read from the task's tests: an answer that works when pasted by
    hand must pass (``outcome: passes``; a refusal or a wrong placement of it is a known
    failure); an answer that does not work is applied exactly as recorded, refused with the
    recorded reason, or reported as no change — what blitzls does with it is the expectation,
    with the reason the answer itself is wrong. A change that is only blank lines is no
    change (exit 16).
    """
    got = {"exit_code": now["exit_code"], "error": now["error"], "text": now["text"]}
    works, why_wrong = by_hand(fixture)
    only_blank = now["exit_code"] == 0 and _blank_only(fixture["source"], now["text"])
    if why_wrong == UNCHANGED and now["exit_code"] == 0 and now["text"] != fixture["source"]:
        return {
            "expect": {"outcome": "no change", "exit_code": 16},
            "known_failure": {
                "why": "the answer is the code as it was, but blitzls reports an edit "
                "(it removed what the answer kept)",
                **got,
            },
        }
    if now["passes"] and not only_blank:
        return {"expect": {"outcome": "passes", **got}}
    if works:
        return {
            "expect": {"outcome": "passes"},
            "known_failure": {
                "why": f"{_state(now)}, but the answer pasted by hand passes the task's tests",
                **got,
            },
        }
    if only_blank:
        return {
            "expect": {"outcome": "no change", "exit_code": 16},
            "known_failure": {
                "why": "a change of blank lines only is reported as an edit, not as no change",
                **got,
            },
        }
    outcome = {0: "applied", 16: "no change"}.get(now["exit_code"], "refused")
    if not why_wrong.startswith("the answer is"):
        why_wrong = f"the answer is wrong: {why_wrong}"
    return {"expect": {"outcome": outcome, **got, "why": why_wrong}}


def _state(now: dict[str, Any]) -> str:
    if now["exit_code"] == 0:
        return "blitzls applies it so that the tests fail"
    return f"blitzls exits {now['exit_code']} ({now['error']})"


def _blank_only(before: str, after: str) -> bool:
    return before != after and [x for x in before.splitlines() if x.strip()] == [
        x for x in after.splitlines() if x.strip()
    ]


def refresh(names: list[str]) -> int:
    """Record again what this checkout makes of the fixtures (all, or the named ones)."""
    paths = [FIXTURES / f"{n}.json" for n in names] or sorted(FIXTURES.glob("*.json"))
    with ScriptedModelServer() as server:
        for path in paths:
            fixture = json.loads(path.read_text(encoding="utf-8"))
            before = fixture.get("expect", {}).get("outcome", "?")
            fixture.pop("known_failure", None)
            fixture.update(expectation(fixture, judge(fixture, server)))
            path.write_text(json.dumps(fixture, indent=1, ensure_ascii=False) + "\n", "utf-8")
            known = " (known failure)" if "known_failure" in fixture else ""
            print(f"{path.stem:80} {before} -> {fixture['expect']['outcome']}{known}", flush=True)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=("check", "export", "refresh"))
    parser.add_argument("results", nargs="*", help="results/NAME.json files, or fixture names")
    args = parser.parse_args()
    if args.command == "refresh":
        return refresh(args.results)
    outcomes: Counter[str] = Counter()
    written = 0
    with ScriptedModelServer() as server:
        for path in map(Path, args.results):
            results = json.loads(path.read_text(encoding="utf-8"))
            for fixture in candidates(results, path.stem):
                now = judge(fixture, server)
                state = "passes" if now["passes"] else f"exit {now['exit_code']}"
                if now["exit_code"] == 0 and not now["passes"]:
                    state = "applied, tests fail"
                outcomes[f"{fixture['source_arm']}: {state}"] += 1
                then = fixture["verdict_then"]
                print(
                    f"{fixture['task']:40} {fixture['source_arm']:8} then={then:9} now={state}"
                    + (f" ({now['error']})" if now["error"] else ""),
                    flush=True,
                )
                keep = (
                    fixture["source_arm"] == "blitzls" and fixture["verdict_then"] != "passed"
                ) or (fixture["source_arm"] == "baseline" and fixture["verdict_then"] == "passed")
                if args.command == "export" and keep:
                    fixture.update(expectation(fixture, now))
                    FIXTURES.mkdir(parents=True, exist_ok=True)
                    target = FIXTURES / f"{_name(fixture)}.json"
                    target.write_text(
                        json.dumps(fixture, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
                    )
                    written += 1
    for outcome, count in sorted(outcomes.items()):
        print(f"{count:4}  {outcome}")
    if args.command == "export":
        print(f"wrote {written} fixtures to {FIXTURES}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
