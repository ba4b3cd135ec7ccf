"""The real-model check CI runs cannot pass by checking nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

QUALITY = Path(__file__).resolve().parents[2] / "benchmarks" / "quality"


def test_the_ci_check_fails_when_it_has_no_task_to_run() -> None:
    done = subprocess.run(
        [sys.executable, str(QUALITY / "ci_check.py"), "--tasks", ","],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert "no task to check" in done.stderr
