"""Secret redaction on real 1,200-line files: how long ``secrets.redact`` takes.

    python benchmarks/bench_redaction.py [--before OLD_SECRETS_PY] [--rounds N] [--json]

Each file of the standard library below is cut (or repeated) to 1,200 lines, and redacted
as code (``quotes_required=True``, what a Python file gets) and as configuration or prose
(what a YAML file, an instruction or diagnostics get). ``--before`` loads another version
of ``server/blitzls/secrets.py`` (``git show REV:server/blitzls/secrets.py > old.py``) and
times it in the same rounds, interleaved, so that both see the same machine load. The
median and the fastest round are printed; on a busy machine the fastest is the steadier.
Only stdlib and blitzls.
"""

from __future__ import annotations

import argparse
import importlib.util
import inspect
import json
import statistics
import sys
import sysconfig
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

from blitzls import secrets

STDLIB = Path(sysconfig.get_paths()["stdlib"])
FILES = ["smtplib.py", "http/client.py", "urllib/request.py", "typing.py"]
LINES = 1200


def sample(path: Path, count: int = LINES) -> str:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    while len(lines) < count:
        lines += lines
    return "".join(lines[:count])


def load(path: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location("secrets_before", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["secrets_before"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def runners(before: ModuleType | None) -> dict[str, Callable[[str], Any]]:
    found: dict[str, Callable[[str], Any]] = {}
    if before is not None:
        if "quotes_required" in inspect.signature(before.redact).parameters:
            found["before, code"] = lambda text: before.redact(text, quotes_required=True)
            found["before, prose"] = before.redact
        else:
            found["before"] = before.redact
    found["code"] = lambda text: secrets.redact(text, quotes_required=True)
    found["prose"] = secrets.redact
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", help="another version of secrets.py to time alongside")
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--json", action="store_true", help="print machine-readable results")
    args = parser.parse_args()
    timed = runners(load(args.before) if args.before else None)
    results: dict[str, dict[str, dict[str, float]]] = {}
    for name in FILES:
        text = sample(STDLIB / name)
        times: dict[str, list[float]] = {label: [] for label in timed}
        for _ in range(args.rounds):
            for label, redact in timed.items():
                started = time.perf_counter()
                redact(text)
                times[label].append(time.perf_counter() - started)
        results[name] = {
            label: {"median_ms": statistics.median(t) * 1000, "min_ms": min(t) * 1000}
            for label, t in times.items()
        }
    if args.json:
        print(json.dumps({"lines": LINES, "rounds": args.rounds, "results": results}, indent=2))
        return 0
    print(f"redact() on {LINES}-line files, {args.rounds} rounds: median / fastest, ms")
    print(f"{'file':20}" + "".join(f"{label:>20}" for label in timed))
    for name, row in results.items():
        cells = "".join(
            f"{row[label]['median_ms']:>10.2f} / {row[label]['min_ms']:5.2f}" for label in timed
        )
        print(f"{name:20}{cells}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
