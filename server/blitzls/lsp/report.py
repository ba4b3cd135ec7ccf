"""What an action cost and how long it took, for progress, the log and status bars."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from blitzls.engine import Outcome

ACTION_DONE = "blitzls/actionDone"  # {action, model, tokens, cost, cacheHit, seconds}


def summary(outcome: Outcome, prices: Mapping[str, Any] | None = None) -> str:
    """``from cache in 3 ms`` or ``120 output tokens, $0.0002, 0.9 s``."""
    from blitzls.pricing import describe, price_for, price_table

    if outcome.cache_hit:
        return f"from cache in {outcome.seconds * 1000:.0f} ms"
    price = price_for(outcome.model, price_table(prices or {}))
    return f"{describe(outcome.usage, price)}, {outcome.seconds:.1f} s"


def action_done(
    action_id: str, outcome: Outcome, prices: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The ``blitzls/actionDone`` notification editors' status items show (cost 0 when cached)."""
    from blitzls.pricing import cost, price_for, price_table

    usage = outcome.usage
    price = price_for(outcome.model, price_table(prices or {}))
    spent = 0.0 if outcome.cache_hit else cost(usage, price)
    return {
        "action": action_id,
        "model": outcome.model,
        "tokens": sum(
            int(usage.get(name, 0))
            for name in ("prompt_tokens", "completion_tokens", "reasoning_tokens")
        ),
        "cost": round(spent, 6) if price is not None or outcome.cache_hit else None,
        "cacheHit": outcome.cache_hit,
        "seconds": round(outcome.seconds, 3),
    }
