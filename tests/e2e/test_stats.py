"""Usage records, ``blitzls stats`` and the daily budget."""

from __future__ import annotations

import json
from pathlib import Path

from tests.e2e.samples import INVENTORY, REPLY_SHAPES
from tests.e2e.test_cli_run import LINES, blitzls
from tests.support.scripted_model import Reply, ScriptedModelServer


def test_stats_count_tokens_cost_and_cache_savings(
    tmp_path: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    path = tmp_path / "inventory.py"
    path.write_text(INVENTORY, encoding="utf-8")
    usage = {
        "prompt_tokens": 1000,
        "completion_tokens": 40,
        "prompt_tokens_details": {"cached_tokens": 800},
        "completion_tokens_details": {"reasoning_tokens": 60},
    }
    model_server.enqueue(Reply(content=REPLY_SHAPES["bare"], usage=usage))
    for _ in range(2):
        done = blitzls(server_env, "run", "pseudocode", str(path), "--lines", LINES)
        assert done.returncode == 0, done.stderr
    stats = blitzls(server_env, "stats", "--json")
    assert stats.returncode == 0, stats.stderr
    totals = json.loads(stats.stdout)
    assert totals["actions"] == 2 and totals["cache_hits"] == 1
    assert totals["prompt_tokens"] == 1000 and totals["cached_tokens"] == 800
    assert totals["completion_tokens"] == 40 and totals["reasoning_tokens"] == 60
    # grok-code-fast-1: 200 uncached x $0.20/M + 800 cached x $0.02/M + 100 output x $1.50/M
    expected = (200 * 0.20 + 800 * 0.02 + 100 * 1.50) / 1e6
    assert abs(totals["cost_usd"] - expected) < 1e-9
    assert abs(totals["saved_by_disk_cache_usd"] - expected) < 1e-9
    assert abs(totals["saved_by_provider_cache_usd"] - 800 * 0.18 / 1e6) < 1e-9
    assert totals["by_action"] == {"pseudocode": 2}
    human = blitzls(server_env, "stats")
    assert "cache hits         1 (50%)" in human.stdout


def test_daily_token_budget_stops_model_calls_but_not_cache_hits(
    tmp_path: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    path = tmp_path / "inventory.py"
    path.write_text(INVENTORY, encoding="utf-8")
    model_server.responder = lambda body: Reply(content=REPLY_SHAPES["fenced"])
    env = {**server_env, "BLITZLS_DAILY_TOKEN_BUDGET": "50"}
    first = blitzls(env, "run", "pseudocode", str(path), "--lines", LINES)
    assert first.returncode == 0, first.stderr
    over = blitzls(env, "run", "pseudocode", str(path), "--lines", LINES, "--no-cache")
    assert over.returncode == 13
    assert "token budget is spent" in over.stderr
    assert model_server.request_count == 1
    cached = blitzls(env, "run", "pseudocode", str(path), "--lines", LINES)
    assert cached.returncode == 0, cached.stderr
    assert path.read_text(encoding="utf-8") == INVENTORY
