"""The real-model check CI runs: a few tasks per action through ``blitzls run`` on the
embedded model, each of which passed before and must still pass.

  .venv/bin/python benchmarks/quality/ci_check.py            # the tasks in ci.toml
  .venv/bin/python benchmarks/quality/ci_check.py --tasks py-fix-leap-year,js-...

Needs ``blitzls[local]``. Exit 1 when a task that must pass does not, with the reply the
model gave, so a change to prompts or reply handling that stops applying a reply shape real
models produce fails CI, not a user.
"""

from __future__ import annotations

import argparse
import sys
import time
import tomllib

from arms import run_blitzls
from score import verdict
from tasks import HERE, TASKS_DIR, load

SUBSET = HERE / "ci.toml"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tasks", help="comma-separated task ids (default: ci.toml)")
    parser.add_argument("--set", action="append", default=[], metavar="BLITZLS_X=value")
    args = parser.parse_args()
    ids = (
        args.tasks.split(",")
        if args.tasks
        else tomllib.loads(SUBSET.read_text(encoding="utf-8"))["must_pass"]
    )
    ids = [task_id for task_id in ids if task_id.strip()]
    if not ids:
        print("no task to check: ci.toml lists none", file=sys.stderr)
        return 1
    env = {"BLITZLS_PROVIDER": "local", "BLITZLS_TIMEOUT": "600", "BLITZLS_ACTION_TIMEOUT": "900"}
    env.update(item.split("=", 1) for item in args.set)
    failed = []
    started = time.monotonic()
    for task_id in ids:
        task = load(TASKS_DIR / task_id)
        result = run_blitzls(task, env)
        outcome, tests = verdict(task, result.text)
        print(
            f"{outcome:9} {result.seconds:6.1f}s  {task_id}"
            + (f"  ({result.error})" if result.error else ""),
            flush=True,
        )
        if outcome != "passed":
            failed.append(task_id)
            print(result.details.get("stderr", "")[-1500:], tests[-1500:], sep="\n", flush=True)
    minutes = (time.monotonic() - started) / 60
    print(f"{len(ids) - len(failed)} of {len(ids)} passed in {minutes:.1f} min")
    if failed:
        print("no longer passing: " + ", ".join(failed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
