"""The two ways a task is put to the model: through ``blitzls run``, and as one plain prompt."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from baseline import baseline_prompt
from placement import place
from tasks import Task, copy_task

BASELINE_MAX_TOKENS = 2048


@dataclass
class ArmResult:
    """What one arm did with one task."""

    text: str | None  # the file afterwards; None when nothing was applied (refused)
    seconds: float
    error: str = ""
    exit_code: int = 0
    details: dict[str, Any] = field(default_factory=dict)


def apply_baseline(task: Task, reply: str) -> str:
    """The file after the answer is pasted as a careful person would (``placement.py``)."""
    return place(task, reply)


def run_baseline(
    task: Task, base_url: str, model: str, api_key: str, context: str = "scope"
) -> ArmResult:
    body = {
        "model": model,
        "messages": [{"role": "user", "content": baseline_prompt(task, context)}],
        "temperature": 0,
        "max_tokens": BASELINE_MAX_TOKENS,
        "stream": True,
        "stream_options": {"include_usage": True},
    }
    request = urllib.request.Request(
        base_url.rstrip("/") + "/chat/completions",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {api_key}"},
    )
    started = time.perf_counter()
    parts: list[str] = []
    try:
        with urllib.request.urlopen(request, timeout=900) as response:
            for raw in response:
                line = raw.decode("utf-8", "replace").strip()
                if not line.startswith("data:") or line == "data: [DONE]":
                    continue
                chunk = json.loads(line[5:])
                for choice in chunk.get("choices") or []:
                    parts.append((choice.get("delta") or {}).get("content") or "")
    except Exception as exc:  # the endpoint failed: the baseline applies nothing
        return ArmResult(None, time.perf_counter() - started, error=f"request failed: {exc}")
    seconds = time.perf_counter() - started
    reply = "".join(parts)
    try:
        placed: str | None = apply_baseline(task, reply)
        error = ""
    except Exception as exc:  # an answer no one could place
        placed, error = None, f"could not place the answer: {exc}"
    return ArmResult(placed, seconds, error=error, details={"reply": reply})


def endpoint_env(base_url: str, model: str, api_key: str) -> dict[str, str]:
    """The settings that point blitzls at one OpenAI-compatible endpoint and model."""
    return {
        "BLITZLS_BASE_URL": base_url,
        "BLITZLS_MODEL": model,
        "BLITZLS_API_KEY_ENV": "BLITZLS_BENCH_KEY",
        "BLITZLS_BENCH_KEY": api_key,
    }


def run_blitzls(task: Task, extra_env: dict[str, str]) -> ArmResult:
    """``blitzls run`` on a copy of the task folder, ``--write``; the file afterwards.

    ``extra_env`` says where the model is (:func:`endpoint_env`, or the embedded model's
    ``BLITZLS_PROVIDER=local``) and any other settings.
    """
    with tempfile.TemporaryDirectory(prefix="blitzls-quality-") as tmp:
        work = copy_task(task, Path(tmp))
        command = [
            sys.executable,
            "-m",
            "blitzls",
            "run",
            task.action,
            task.file,
            "--write",
            "--json",
            "--no-cache",
        ]
        if task.lines:
            command += ["--lines", task.lines]
        if task.instruction:
            command += ["--instruction", task.instruction]
        if task.message:
            command += ["--message", task.message]
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("BLITZLS_", "OPENAI_", "XAI_", "OPENROUTER_"))
        }
        env["BLITZLS_CACHE_DIR"] = str(Path(tmp) / "cache")
        env.update(extra_env)
        started = time.perf_counter()
        done = subprocess.run(
            command, cwd=work, env=env, capture_output=True, text=True, timeout=1800
        )
        seconds = time.perf_counter() - started
        try:
            report = json.loads(done.stdout.strip().splitlines()[-1])
        except (ValueError, IndexError):
            report = {}
        if done.returncode != 0:
            error = report.get("error") or done.stderr.strip().splitlines()[-1:] or ["?"]
            return ArmResult(
                None,
                seconds,
                error=str(error if isinstance(error, str) else error[0]),
                exit_code=done.returncode,
                details={"stderr": done.stderr[-2000:]},
            )
        text = (work / task.file).read_text(encoding="utf-8")
        return ArmResult(text, seconds, details={"report": report, "stderr": done.stderr[-2000:]})
