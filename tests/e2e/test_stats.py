"""Usage records, ``blitzls stats`` and the daily budget."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from tests.e2e.samples import INVENTORY, PSEUDOCODE_LINES, REPLY_SHAPES
from tests.e2e.test_cli_run import LINES, blitzls
from tests.e2e.test_lsp_pseudocode import actions_at, open_document
from tests.support.lsp import capabilities, lsp_session
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


async def test_editor_is_told_tokens_cost_and_cache_hit_after_each_action(
    tmp_path: Path, server_env: dict[str, str], model_server: ScriptedModelServer
) -> None:
    usage = {"prompt_tokens": 1000, "completion_tokens": 40}
    model_server.enqueue(Reply(content=REPLY_SHAPES["bare"], usage=usage))
    uri = (tmp_path / "inventory.py").as_uri()
    async with lsp_session(server_env, capabilities("vscode")) as client:
        open_document(client, uri, INVENTORY)
        for _ in range(2):  # the second time from the disk cache
            (action,) = await actions_at(client, uri, (PSEUDOCODE_LINES[0], 0))
            assert (await client.code_action_resolve_async(action)).edit is not None
        for _ in range(100):
            if len(client.actions_done) == 2:
                break
            await asyncio.sleep(0.02)
        first, second = (p if isinstance(p, dict) else p._asdict() for p in client.actions_done)
    assert (first["action"], first["tokens"], first["cacheHit"]) == ("pseudocode", 1040, False)
    assert abs(first["cost"] - (1000 * 0.20 + 40 * 1.50) / 1e6) < 1e-9
    assert (second["cacheHit"], second["cost"]) == (True, 0.0)
    assert model_server.request_count == 1
