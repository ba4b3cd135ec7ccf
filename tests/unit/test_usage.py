"""Prices, usage records and totals."""

from __future__ import annotations

from pathlib import Path

from blitzls import usage_log
from blitzls.pricing import cost, price_for
from blitzls.provider import provider_headers


def test_prices_ignore_provider_prefix_and_bill_reasoning_as_output() -> None:
    price = price_for("x-ai/grok-code-fast-1")
    assert price is not None and price == price_for("grok-code-fast-1")
    usage = {"prompt_tokens": 1_000_000, "cached_tokens": 500_000, "completion_tokens": 0}
    assert abs(cost(usage, price) - (0.5 * 0.20 + 0.5 * 0.02)) < 1e-12
    assert abs(cost({"reasoning_tokens": 1_000_000}, price) - 1.50) < 1e-12
    assert price_for("my-local-model") is None
    assert cost({"prompt_tokens": 10}, None) == 0.0


def test_records_round_trip_and_totals_skip_garbage(tmp_path: Path) -> None:
    usage_log.record(
        tmp_path,
        {
            "action": "fix",
            "model": "grok-code-fast-1",
            "cache_hit": False,
            "usage": {"prompt_tokens": 100, "completion_tokens": 10},
        },
    )
    usage_log.record(
        tmp_path,
        {
            "action": "fix",
            "model": "grok-code-fast-1",
            "cache_hit": True,
            "usage": {"prompt_tokens": 100, "completion_tokens": 10},
        },
    )
    with (tmp_path / usage_log.FILE_NAME).open("a") as handle:
        handle.write("not json\n")
    totals = usage_log.totals(usage_log.entries(tmp_path))
    assert totals.actions == 2 and totals.cache_hits == 1 and totals.hit_rate == 0.5
    assert totals.prompt_tokens == 100
    assert totals.saved_by_disk_cache == totals.cost > 0
    assert usage_log.totals(usage_log.entries(tmp_path), since=4e9).actions == 0


def test_provider_headers_are_stable_per_workspace_and_only_for_known_hosts() -> None:
    a = provider_headers("https://api.x.ai/v1", "/home/me/project")
    assert a == provider_headers("https://api.x.ai/v1", "/home/me/project")
    assert a != provider_headers("https://api.x.ai/v1", "/home/me/other")
    assert list(a) == ["x-grok-conv-id"]
    assert provider_headers("https://openrouter.ai/api/v1", "/p")["X-Title"] == "blitzls"
    assert provider_headers("http://localhost:11434/v1", "/p") == {}


def test_price_overrides_from_settings() -> None:
    from blitzls.config import Settings, merge
    from blitzls.pricing import price_table

    settings, problems = merge(
        Settings(), {"prices": {"local-coder": {"input": 1.0, "output": 2.0}}}
    )
    assert not problems
    price = price_for("local-coder", price_table(settings.prices))
    assert price is not None and price.cached_input == 1.0 and price.output == 2.0
    _, bad = merge(Settings(), {"prices": {"m": {"input": "cheap"}}})
    assert bad and "setting 'prices'" in bad[0]
