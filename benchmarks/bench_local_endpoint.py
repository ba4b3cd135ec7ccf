"""What an OpenAI-compatible endpoint on this machine does for blitzls, measured.

Three properties that matter when a small model runs on the CPU next to the editor:

1. prompt-prefix reuse: two consecutive actions on the same file share the system prompt and
   the file; the second one's time to first token, warm (right after the first) and cold
   (after an unrelated request evicted the prefix);
2. a repetition loop: a request that makes the model repeat one line, with ``max_tokens``
   512 -- how long until the stream ends, how many tokens it produced and how it ended;
3. stopping when the client disconnects: a request closed after a few answer chunks (during
   generation) or after 1 s (while the prompt is still being read), then a tiny request --
   how long that tiny request waits, against the same request on an idle endpoint.

The endpoint is started from ``--command`` (its base URL given by ``--url``) or taken as
already running at ``--url``. Standard library only; temperature 0 everywhere.

Run: ``.venv/bin/python benchmarks/bench_local_endpoint.py --url http://127.0.0.1:8101/v1``
(``--json`` for machine output).
"""

from __future__ import annotations

import argparse
import http.client
import json
import platform
import shlex
import statistics
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
SYSTEM = (
    "You are a careful senior Python developer. You change only what you are asked to "
    "change, keep the surrounding code exactly as it is, follow the file's style, and reply "
    "with one fenced code block holding the code and nothing else."
)
FILE = ROOT / "server" / "blitzls" / "text" / "edits.py"
LONG_FILE = ROOT / "server" / "blitzls" / "engine.py"


@dataclass
class Streamed:
    """One streamed request, as the client saw it."""

    first_token: float | None  # seconds to the first answer text
    total: float  # seconds to the end of the stream (or to the close)
    chunks: int  # answer chunks received
    finish: str | None  # finish_reason, or what ended it
    text: str


def messages(task: str, source: Path = FILE) -> list[dict[str, str]]:
    code = source.read_text(encoding="utf-8")
    return [
        {"role": "system", "content": SYSTEM},
        {"role": "user", "content": f"File {source.name}:\n```python\n{code}```\n\n{task}"},
    ]


def stream(
    url: str,
    msgs: list[dict[str, str]],
    *,
    max_tokens: int,
    close_after_chunks: int | None = None,
    close_after_seconds: float | None = None,
) -> Streamed:
    """POST a streamed chat completion and read it (or hang up early)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=600)
    body = {
        "model": "local",
        "messages": msgs,
        "max_tokens": max_tokens,
        "temperature": 0,
        "stream": True,
    }
    started = time.perf_counter()
    connection.request(
        "POST",
        parts.path.rstrip("/") + "/chat/completions",
        json.dumps(body).encode(),
        {"Content-Type": "application/json"},
    )
    if close_after_seconds is not None:
        time.sleep(close_after_seconds)
        connection.close()
        return Streamed(None, time.perf_counter() - started, 0, "closed by the client", "")
    response = connection.getresponse()
    first: float | None = None
    chunks = 0
    finish: str | None = None
    text: list[str] = []
    while True:
        line = response.readline()
        if not line:
            finish = finish or "connection closed"
            break
        line = line.strip()
        if not line.startswith(b"data:"):
            continue
        data = line[5:].strip()
        if data == b"[DONE]":
            break
        event = json.loads(data)
        if "error" in event:
            finish = f"error: {event['error'].get('message', '')[:80]}"
            break
        for choice in event.get("choices") or []:
            piece = (choice.get("delta") or {}).get("content") or ""
            if piece:
                chunks += 1
                text.append(piece)
                if first is None:
                    first = time.perf_counter() - started
            finish = choice.get("finish_reason") or finish
        if close_after_chunks is not None and chunks >= close_after_chunks:
            connection.close()
            finish = "closed by the client"
            break
    return Streamed(first, time.perf_counter() - started, chunks, finish, "".join(text))


def tiny(url: str) -> float:
    """Seconds for a one-token answer to a short question."""
    done = stream(url, [{"role": "user", "content": "Say yes."}], max_tokens=1)
    return done.total


def prefix_reuse(url: str, runs: int) -> dict[str, Any]:
    warm, cold = [], []
    for _ in range(runs):
        stream(url, messages("Add a docstring to minimal_edits."), max_tokens=1)
        warm.append(stream(url, messages("Add type hints to common_ends."), max_tokens=1))
        stream(url, [{"role": "user", "content": "Name a colour."}], max_tokens=1)
        cold.append(stream(url, messages("Add type hints to common_ends."), max_tokens=1))
    return {
        "warm_first_token_s": statistics.median(s.first_token or s.total for s in warm),
        "cold_first_token_s": statistics.median(s.first_token or s.total for s in cold),
    }


def repetition_loop(url: str) -> dict[str, Any]:
    looping = [
        {
            "role": "user",
            "content": "Write the line `total += 1` on 1000 lines, one per line, nothing else.",
        }
    ]
    done = stream(url, looping, max_tokens=512)
    return {"seconds": done.total, "answer_chunks": done.chunks, "ended_by": done.finish}


def disconnect(url: str) -> dict[str, Any]:
    idle = statistics.median(tiny(url) for _ in range(3))
    story = [{"role": "user", "content": "Write a very long story about a lighthouse keeper."}]
    stream(url, story, max_tokens=2000, close_after_chunks=5)
    after_generation = tiny(url)
    stream(url, messages("Explain this file.", LONG_FILE), max_tokens=16, close_after_seconds=1.0)
    started = time.perf_counter()
    after_prompt = tiny(url)
    return {
        "tiny_request_idle_s": idle,
        "tiny_request_after_close_mid_generation_s": after_generation,
        "tiny_request_after_close_mid_prompt_s": after_prompt,
        "long_prompt_chars": len(LONG_FILE.read_text(encoding="utf-8")),
        "measured_at": started,
    }


def wait_ready(url: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url.rstrip("/") + "/models", timeout=5):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="the endpoint's base URL, ending in /v1")
    parser.add_argument("--command", help="start the endpoint with this command line first")
    parser.add_argument("--runs", type=int, default=3, help="runs of the prefix case (3)")
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args()
    process = None
    if args.command:
        process = subprocess.Popen(shlex.split(args.command), stdin=subprocess.DEVNULL)
    try:
        wait_ready(args.url, 300)
        tiny(args.url)  # the first request after loading pays for warm-up
        results = {
            "machine": f"{platform.machine()}, {platform.processor() or 'cpu'}",
            "prefix_reuse": prefix_reuse(args.url, args.runs),
            "repetition_loop": repetition_loop(args.url),
            "disconnect": disconnect(args.url),
        }
    finally:
        if process is not None:
            process.terminate()
            process.wait(30)
    results["disconnect"].pop("measured_at", None)
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        for section, values in results.items():
            if isinstance(values, dict):
                print(section)
                for key, value in values.items():
                    shown = f"{value:.2f}" if isinstance(value, float) else value
                    print(f"  {key}: {shown}")
            else:
                print(f"{section}: {values}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
