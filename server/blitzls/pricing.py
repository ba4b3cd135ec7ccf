"""What a model call costs, from a per-model price table (USD per million tokens)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Price:
    """USD per million tokens."""

    input: float
    cached_input: float
    output: float


# Public list prices; override or extend with the ``prices`` setting.
PRICES: dict[str, Price] = {
    "grok-code-fast-1": Price(input=0.20, cached_input=0.02, output=1.50),
    "grok-4-fast": Price(input=0.20, cached_input=0.05, output=0.50),
    "gpt-4.1-mini": Price(input=0.40, cached_input=0.10, output=1.60),
    "gpt-4.1": Price(input=2.00, cached_input=0.50, output=8.00),
}


def price_table(rows: Mapping[str, Mapping[str, Any]]) -> dict[str, Price]:
    """Price overrides from the ``prices`` setting: model → {input, cached_input, output}."""
    return {
        model: Price(float(v["input"]), float(v["cached_input"]), float(v["output"]))
        for model, v in rows.items()
    }


def price_for(model: str, overrides: Mapping[str, Price] | None = None) -> Price | None:
    """The price of ``model``; a provider prefix (``x-ai/``) is ignored. None when unknown."""
    table = {**PRICES, **(overrides or {})}
    if model in table:
        return table[model]
    return table.get(model.rsplit("/", 1)[-1])


def cost(usage: Mapping[str, int], price: Price | None) -> float:
    """USD for one call; reasoning tokens are billed as output."""
    if price is None:
        return 0.0
    prompt = usage.get("prompt_tokens", 0)
    cached = min(usage.get("cached_tokens", 0), prompt)
    output = usage.get("completion_tokens", 0) + usage.get("reasoning_tokens", 0)
    return (
        (prompt - cached) * price.input + cached * price.cached_input + output * price.output
    ) / 1e6


def describe(usage: Mapping[str, int], price: Price | None) -> str:
    """``312 tokens, $0.0004`` — for progress and log lines."""
    tokens = usage.get("completion_tokens", 0) + usage.get("reasoning_tokens", 0)
    text = f"{tokens} output tokens"
    if price is not None:
        text += f", ${cost(usage, price):.4f}"
    return text
