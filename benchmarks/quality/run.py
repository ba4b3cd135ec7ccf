"""Quality benchmark: blitzls against one plain prompt to the same real model.

Starts ``llama_cpp.server`` (llama-cpp-python's OpenAI-compatible server) on a GGUF model, or
uses any OpenAI-compatible endpoint, puts a recording proxy in front of it, and runs every task
(``tasks/``) twice: through ``blitzls run`` and as one plain chat message. Both results are
tested; the results go to ``results/NAME.json`` and a summary table is printed.

  .venv/bin/python benchmarks/quality/run.py --gguf ~/models/qwen2.5-coder-1.5b.gguf
  .venv/bin/python benchmarks/quality/run.py --base-url https://api.x.ai/v1 \
      --model grok-code-fast-1 --api-key-env XAI_API_KEY

See README.md for the task format and docs/quality.md for results.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import os
import platform
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from arms import ArmResult, endpoint_env, run_baseline, run_blitzls
from proxy import RecordingProxy
from report import summary_table
from runs import load_run
from score import lines_beyond_needed, verdict
from tasks import HERE, Task, load_all

from blitzls.settings.keys import is_loopback

ARMS = ("baseline", "blitzls")
BLITZLS_VERSION = ""  # set in main


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_llama_server(gguf: Path, threads: int, ctx: int) -> tuple[subprocess.Popen[bytes], str]:
    """``python -m llama_cpp.server`` on ``gguf``; waits until it lists its model."""
    port = free_port()
    log = open(HERE / "results" / "llama-server.log", "wb")  # noqa: SIM115 - lives with the child
    child = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "llama_cpp.server",
            "--model",
            str(gguf),
            "--model_alias",
            gguf.stem,
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--n_ctx",
            str(ctx),
            "--n_threads",
            str(threads),
            "--n_threads_batch",
            str(threads),
            # A request waits its turn: by default a new one (the recording proxy counting
            # the last answer's tokens) ends the answer being generated, which left a repair
            # round or a second request right after an answer empty.
            "--interrupt_requests",
            "False",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    # The model server gets the CPU before other work on the machine (tests, builds): its
    # speed is what the benchmark times.
    with contextlib.suppress(OSError):
        os.setpriority(os.PRIO_PROCESS, child.pid, -5)
    url = f"http://127.0.0.1:{port}/v1"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if child.poll() is not None:
            raise SystemExit(f"llama_cpp.server exited; see {log.name}")
        try:
            with urllib.request.urlopen(url + "/models", timeout=2):
                return child, url
        except OSError:
            time.sleep(0.5)
    child.kill()
    raise SystemExit("llama_cpp.server did not start within 300 s")


def blitzls_settings(upstream: str, extra: list[str]) -> dict[str, str]:
    """The environment blitzls runs with: generous limits, and the model class of the real
    endpoint — blitzls talks to the recording proxy on loopback, which it would otherwise
    take for a local model, so a hosted URL is measured as a hosted user gets it (the file
    as context, SEARCH/REPLACE on long functions)."""
    # Generous limits: a loaded machine must not turn slow answers into refusals.
    env = {"BLITZLS_TIMEOUT": "900", "BLITZLS_ACTION_TIMEOUT": "3600"}
    env["BLITZLS_MODEL_CLASS"] = "small" if is_loopback(upstream) else "capable"
    env.update(item.split("=", 1) for item in extra)
    return env


def fills_in(blitzls_env: dict[str, str], model: str) -> bool:
    """Whether blitzls fills pseudocode in for ``model``, as its setting (or its default)
    and the model's name decide."""
    from blitzls.core.fill import template_for
    from blitzls.model.names import too_small_to_fill
    from blitzls.settings.keys import wraps_text_completions
    from blitzls.settings.schema import schema_fields

    default = next(f.default for f in schema_fields() if f.name == "fill_in_middle")
    setting = blitzls_env.get("BLITZLS_FILL_IN_MIDDLE", str(default))
    # blitzls reaches the model through the proxy, so only the name can say Ollama
    small = blitzls_env["BLITZLS_MODEL_CLASS"] == "small" and not too_small_to_fill(model)
    small = small and not wraps_text_completions("", model)
    return template_for(setting, model, small) is not None


def baseline_context(blitzls_env: dict[str, str], action: str = "", model: str = "") -> str:
    """What the baseline is shown besides the function: the file when blitzls sends it —
    for every action with ``context`` 'file', and for pseudocode filled in the middle
    (``fillInMiddle`` for ``model``), whose prompt is the file around the gap unless
    ``context`` is 'scope'."""
    context = blitzls_env.get("BLITZLS_CONTEXT", "auto")
    if action == "pseudocode" and context != "scope" and fills_in(blitzls_env, model):
        return "file"
    if context == "auto":
        return "file" if blitzls_env["BLITZLS_MODEL_CLASS"] == "capable" else "scope"
    return context


def run_task(
    task: Task,
    proxy: RecordingProxy,
    model: str,
    api_key: str,
    order: tuple[str, ...],
    blitzls_env: dict[str, str],
) -> dict[str, Any]:
    row: dict[str, Any] = {"task": task.id, "action": task.action, "language": task.language}
    for arm in order:
        proxy.label = f"{task.id}/{arm}"
        result: ArmResult
        if arm == "baseline":
            result = run_baseline(
                task,
                proxy.url,
                model,
                api_key,
                baseline_context(blitzls_env, task.action, model),
            )
        else:
            result = run_blitzls(task, {**endpoint_env(proxy.url, model, api_key), **blitzls_env})
        outcome, test_output = verdict(task, result.text)
        exchanges = proxy.take(proxy.label)
        row[arm] = {
            "verdict": outcome,
            "error": result.error,
            "exit_code": result.exit_code,
            "seconds": round(result.seconds, 2),
            "beyond": 0
            if result.text is None
            else lines_beyond_needed(task.source, result.text, task.solution),
            "requests": len(exchanges),
            "prompt_tokens": sum(int(x.usage.get("prompt_tokens") or 0) for x in exchanges),
            "output_tokens": sum(
                int(x.usage.get("completion_tokens") or x.chunks) for x in exchanges
            ),
            "max_tokens": [x.request.get("max_tokens") for x in exchanges],
            "exchanges": [x.as_dict() for x in exchanges],
            "test_output": test_output,
            "result": result.text,
        }
        print(
            f"  {arm:8} {outcome:9} {result.seconds:6.1f}s  beyond={row[arm]['beyond']}"
            + (f"  ({result.error})" if result.error else ""),
            flush=True,
        )
    return row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--gguf", type=Path, help="start llama_cpp.server on this GGUF file")
    where.add_argument("--base-url", help="an OpenAI-compatible endpoint (…/v1)")
    parser.add_argument("--model", help="model name at --base-url")
    parser.add_argument("--api-key-env", default="", help="environment variable with the key")
    parser.add_argument("--tasks", default="", help="only tasks whose id contains this")
    parser.add_argument("--arms", choices=("both", *ARMS), default="both")
    parser.add_argument("--name", help="results/NAME.json (default: the model name)")
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--ctx", type=int, default=8192)
    parser.add_argument(
        "--resume", action="store_true", help="keep the tasks results/NAME.json already has"
    )
    parser.add_argument(
        "--baseline-from",
        type=Path,
        help="run only blitzls; take the plain prompt's answers (same model, temperature 0) "
        "from this earlier run (results/ or runs/)",
    )
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="BLITZLS_X=value",
        help="extra environment for blitzls (repeatable)",
    )
    args = parser.parse_args()
    global BLITZLS_VERSION
    BLITZLS_VERSION = blitzls_version()

    (HERE / "results").mkdir(exist_ok=True)
    child = None
    if args.gguf:
        child, upstream = start_llama_server(args.gguf.resolve(), args.threads, args.ctx)
        model = args.gguf.stem
    else:
        upstream, model = args.base_url, args.model
        if not model:
            parser.error("--model is required with --base-url")
    api_key = os.environ.get(args.api_key_env, "") if args.api_key_env else "no-key"
    blitzls_env = blitzls_settings(upstream, args.set)
    proxy = RecordingProxy(upstream).start()
    tasks = load_all(args.tasks)
    arms = ARMS if args.arms == "both" else (args.arms,)
    earlier: dict[str, Any] = {}
    if args.baseline_from:
        arms = ("blitzls",)
        earlier = {row["task"]: row["baseline"] for row in load_run(args.baseline_from)["rows"]}
        tasks = [task for task in tasks if task.id in earlier]
    rows: list[dict[str, Any]] = []
    out = HERE / "results" / f"{args.name or model}.json"
    if args.resume and out.exists():
        rows = json.loads(out.read_text(encoding="utf-8"))["rows"]
        done = {row["task"] for row in rows}
        tasks = [task for task in tasks if task.id not in done]
    started = time.time()
    try:
        for index, task in enumerate(tasks):
            print(f"[{index + 1}/{len(tasks)}] {task.id}", flush=True)
            order = arms if index % 2 == 0 else tuple(reversed(arms))
            row = run_task(task, proxy, model, api_key, order, blitzls_env)
            if earlier:
                row["baseline"] = earlier[task.id]
            rows.append(row)
            _write(args, model, _results(args, model, upstream, blitzls_env, rows, started))
    finally:
        proxy.stop()
        if child is not None:
            child.terminate()
            child.wait(timeout=30)
    results = _results(args, model, upstream, blitzls_env, rows, started)
    out = _write(args, model, results)
    print(summary_table(results))
    print(f"results: {out}")
    return 0


def blitzls_version() -> str:
    """The commit of the blitzls that ``blitzls run`` imports here (``PYTHONPATH`` included),
    with ``+changes`` when its tree has uncommitted changes."""
    where = subprocess.run(
        [sys.executable, "-c", "import blitzls, os; print(os.path.dirname(blitzls.__file__))"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    git = ["git", "-C", where or ".", "rev-parse", "--short", "HEAD"]
    commit = subprocess.run(git, capture_output=True, text=True, check=False).stdout.strip()
    dirty = subprocess.run(
        ["git", "-C", where or ".", "status", "--porcelain", "--", "."],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return (commit or "unknown") + ("+changes" if dirty else "")


def _results(
    args: argparse.Namespace,
    model: str,
    upstream: str,
    blitzls_env: dict[str, str],
    rows: list[dict[str, Any]],
    started: float,
) -> dict[str, Any]:
    return {
        "model": model,
        "endpoint": "llama_cpp.server (llama-cpp-python)" if args.gguf else upstream,
        "date": datetime.date.today().isoformat(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.python_version()}",
        "threads": args.threads,
        "blitzls_env": blitzls_env,
        "baseline_context": baseline_context(blitzls_env),
        "baseline_context_pseudocode": baseline_context(blitzls_env, "pseudocode", model),
        "command": " ".join(sys.argv),
        "blitzls": BLITZLS_VERSION,
        "baseline_from": str(args.baseline_from or ""),
        "minutes": round((time.time() - started) / 60, 1),
        "rows": rows,
    }


def _write(args: argparse.Namespace, model: str, results: dict[str, Any]) -> Path:
    out = HERE / "results" / f"{args.name or model}.json"
    out.write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")
    return out


if __name__ == "__main__":
    sys.exit(main())
