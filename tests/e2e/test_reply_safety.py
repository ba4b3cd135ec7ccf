"""Answers that must never be applied, and what every paid call costs, through the real CLI.

Each case streams a hostile or broken answer from the scripted endpoint on 127.0.0.1 into
``blitzls run --write``: the file stays untouched, the exit code says why, and nothing is
cached. Model calls are counted even when their answer was refused.
"""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import pytest

from tests.e2e.samples import INVENTORY, PSEUDOCODE_LINES, REPLY_SHAPES, expected_inventory
from tests.support.cli import run_blitzls
from tests.support.scripted_model import Reply, ScriptedModelServer

LINES = f"{PSEUDOCODE_LINES[0] + 1}-{PSEUDOCODE_LINES[1]}"  # 1-based inclusive

MODULE = '''\
def total(items):
    """Add up the items."""
    # start at zero and add every item
    return result


def other():
    return 1
'''


@pytest.fixture
def inventory(tmp_path: Path) -> Path:
    path = tmp_path / "inventory.py"
    path.write_text(INVENTORY, encoding="utf-8")
    return path


def blitzls(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return run_blitzls(env, *args, timeout=180)


def _chunk(delta: dict[str, str], finish: str | None = None) -> str:
    return json.dumps(
        {
            "id": "c1",
            "object": "chat.completion.chunk",
            "created": 1,
            "model": "m",
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        }
    )


def test_a_stream_that_ends_without_finishing_is_refused_and_not_cached(
    inventory: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    before = inventory.read_bytes()
    # part of the code, then a clean end of the body: no finish_reason, no [DONE]
    partial = [
        _chunk({"role": "assistant", "content": ""}),
        _chunk({"content": "```python\n    total = 0\n"}),
    ]
    model_server.enqueue(Reply(raw_events=partial))
    done = blitzls(server_env, "run", "pseudocode", str(inventory), "--lines", LINES, "--write")
    assert done.returncode == 15, done.stderr
    assert "cut off" in done.stderr and "no finish_reason" in done.stderr
    assert inventory.read_bytes() == before
    # nothing was cached: the same request goes to the model again
    model_server.enqueue(Reply(content=REPLY_SHAPES["fenced"]))
    done = blitzls(server_env, "run", "pseudocode", str(inventory), "--lines", LINES, "--write")
    assert done.returncode == 0, done.stderr
    assert len(model_server.chat_requests) == 2
    assert inventory.read_text(encoding="utf-8") == expected_inventory()


def test_an_answer_cut_at_the_output_limit_is_refused_with_the_setting_named(
    inventory: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    before = inventory.read_bytes()
    model_server.enqueue(
        Reply(content="```python\n    total = 0\n    for item", finish_reason="length")
    )
    done = blitzls(server_env, "run", "pseudocode", str(inventory), "--lines", LINES, "--write")
    assert done.returncode == 15, done.stderr
    assert "cut off at the output limit" in done.stderr and "maxTokens" in done.stderr
    assert inventory.read_bytes() == before


def test_keep_alives_do_not_extend_the_action_past_its_deadline(
    inventory: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    before = inventory.read_bytes()
    model_server.enqueue(
        Reply(
            content="```python\n    total = 0\n```\n",
            chunk_chars=4,
            keepalive_every=1.0,
            keepalive_for=60.0,
        )
    )
    env = {**server_env, "BLITZLS_TIMEOUT": "3", "BLITZLS_ACTION_TIMEOUT": "4"}
    started = time.monotonic()
    done = blitzls(env, "run", "pseudocode", str(inventory), "--lines", LINES, "--write")
    elapsed = time.monotonic() - started
    assert done.returncode == 7, done.stderr
    assert "within 4 s" in done.stderr and "actionTimeout" in done.stderr
    assert elapsed < 30  # about 5 s on an idle machine: the deadline, not 60 s of keep-alives
    assert inventory.read_bytes() == before


def test_a_whole_file_answer_that_changes_other_code_is_refused(
    tmp_path: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    path = tmp_path / "module.py"
    path.write_text(MODULE, encoding="utf-8")
    whole = MODULE.replace(
        "    # start at zero and add every item\n    return result\n",
        "    result = sum(items)\n    return result\n",
    ).replace("    return 1\n", "    return 2\n")
    model_server.enqueue(
        Reply(content=f"```python\n{whole}```\n"), Reply(content=f"```python\n{whole}```\n")
    )
    # shown the whole file, the model changed `other` on purpose: refused
    shown_all = {**server_env, "BLITZLS_CONTEXT": "file"}
    done = blitzls(shown_all, "run", "pseudocode", str(path), "--lines", "3", "--write")
    assert done.returncode == 10, done.stderr
    assert "also changes `return 1`" in done.stderr
    assert path.read_text(encoding="utf-8") == MODULE
    assert path.read_text(encoding="utf-8").count("def other") == 1
    # shown only `total`, its `other` is a guess at code it never saw: the file's stays
    model_server.enqueue(Reply(content=f"```python\n{whole}```\n"))
    done = blitzls(server_env, "run", "pseudocode", str(path), "--lines", "3", "--write")
    assert done.returncode == 0, done.stderr
    assert path.read_text(encoding="utf-8") == whole.replace("    return 2\n", "    return 1\n")


def test_an_enormous_answer_is_refused(
    inventory: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    before = inventory.read_bytes()
    huge = "```python\n" + "    total = 0\n" * 374_497 + "```\n"  # about 5 MB
    model_server.enqueue(Reply(content=huge, chunk_chars=65536))
    done = blitzls(server_env, "run", "pseudocode", str(inventory), "--lines", LINES, "--write")
    assert done.returncode == 10, done.stderr
    assert "the stream was stopped" in done.stderr or "would add" in done.stderr
    assert inventory.read_bytes() == before


def test_control_characters_are_never_written(
    tmp_path: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    path = tmp_path / "app.js"
    source = "function total(items) {\n  // add up the items\n  return 0;\n}\n"
    path.write_text(source, encoding="utf-8")
    reply = "```js\n  let t = 0;\u0000\n  for (const i of items) t += i;\n```\n"
    model_server.enqueue(Reply(content=reply), Reply(content=reply))
    done = blitzls(server_env, "run", "pseudocode", str(path), "--lines", "2", "--write")
    assert done.returncode == 10, done.stderr
    assert "control characters (U+0000)" in done.stderr
    assert path.read_bytes() == source.encode()


def test_only_the_instruction_acted_on_is_removed(
    tmp_path: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    path = tmp_path / "two.py"
    source = (
        "def first(x):\n    # ai! add type hints\n    return x\n\n\n"
        "def second(y):\n    # ai! add type hints\n    return y\n"
    )
    path.write_text(source, encoding="utf-8")
    # the model already dropped the comment from the function it rewrote
    model_server.enqueue(Reply(content="```python\ndef first(x: int) -> int:\n    return x\n```"))
    done = blitzls(server_env, "run", "instruction", str(path), "--lines", "2", "--write")
    assert done.returncode == 0, done.stderr
    assert path.read_text(encoding="utf-8") == (
        "def first(x: int) -> int:\n    return x\n\n\n"
        "def second(y):\n    # ai! add type hints\n    return y\n"
    )


def test_every_paid_call_counts_toward_the_budget_even_when_refused(
    inventory: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    usage = {"prompt_tokens": 1000, "completion_tokens": 50, "total_tokens": 1050}
    # a syntax error, unfenced so that the stream runs to its usage report
    bad = Reply(content="    total = (\n", usage=usage)
    model_server.enqueue(bad, bad)  # the answer and its repair: two paid calls, no edit
    done = blitzls(server_env, "run", "pseudocode", str(inventory), "--lines", LINES, "--write")
    assert done.returncode == 10, done.stderr
    stats = blitzls(server_env, "stats", "--today", "--json")
    totals = json.loads(stats.stdout)
    assert (totals["prompt_tokens"], totals["completion_tokens"]) == (2000, 100)
    # and the budget sees them: a budget of 2,100 tokens is spent
    env = {**server_env, "BLITZLS_DAILY_TOKEN_BUDGET": "2100"}
    done = blitzls(env, "run", "pseudocode", str(inventory), "--lines", LINES)
    assert done.returncode == 13, done.stderr
    assert "2100 of 2100" in done.stderr
    assert len(model_server.chat_requests) == 2
