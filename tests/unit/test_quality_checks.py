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


def filled_args() -> list[str]:
    return ["BLITZLS_FILL_IN_MIDDLE=auto"]


def test_a_hosted_url_is_measured_as_a_hosted_user_gets_it() -> None:
    sys.path.insert(0, str(QUALITY))
    from baseline import baseline_prompt
    from run import baseline_context, blitzls_settings
    from tasks import load_all

    hosted = blitzls_settings("https://api.x.ai/v1", [])
    local = blitzls_settings("http://127.0.0.1:8080/v1", [])
    # blitzls reaches either through the recording proxy on loopback: the model class says
    # which configuration it measures, and the baseline is shown what blitzls is shown
    assert (hosted["BLITZLS_MODEL_CLASS"], baseline_context(hosted)) == ("capable", "file")
    assert (local["BLITZLS_MODEL_CLASS"], baseline_context(local)) == ("small", "scope")
    forced = blitzls_settings("http://127.0.0.1:8080/v1", ["BLITZLS_CONTEXT=file"])
    assert baseline_context(forced) == "file"
    # pseudocode filled in the middle is sent the file around the gap; other actions are not
    qwen, tiny = "qwen2.5-coder-1.5b-instruct-q4", "qwen2.5-coder-0.5b-instruct-q4"
    assert baseline_context(local, "pseudocode", qwen) == "file"  # the default fills in
    assert baseline_context(local, "pseudocode", tiny) == "scope"  # below a billion: chat
    assert baseline_context(local, "pseudocode", "grok-code-fast-1") == "scope"
    filled = blitzls_settings("http://127.0.0.1:8080/v1", ["BLITZLS_FILL_IN_MIDDLE=qwen"])
    assert baseline_context(filled, "pseudocode", tiny) == "file"
    assert baseline_context(filled, "fix", qwen) == "scope"
    off = blitzls_settings("http://127.0.0.1:8080/v1", ["BLITZLS_FILL_IN_MIDDLE=off"])
    assert baseline_context(off, "pseudocode", qwen) == "scope"
    scoped = [*filled_args(), "BLITZLS_CONTEXT=scope"]
    scoped_env = blitzls_settings("http://127.0.0.1:8080/v1", scoped)
    assert baseline_context(scoped_env, "pseudocode", qwen) == "scope"
    task = load_all("py-pseudocode-inventory")[0]
    assert task.source.rstrip() in baseline_prompt(task, "file")
    assert task.source.rstrip() not in baseline_prompt(task, "scope")
