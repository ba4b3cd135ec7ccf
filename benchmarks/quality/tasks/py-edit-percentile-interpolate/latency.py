"""Latency statistics for request logs, in milliseconds."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

SLO_MS = 250.0


@dataclass(frozen=True)
class Summary:
    count: int
    p50: float
    p95: float
    worst: float

    def meets_slo(self) -> bool:
        return self.p95 <= SLO_MS


def parse_log_line(line: str) -> float:
    """The latency in a line like "GET /api/items 200 123.4ms"."""
    *_, latency = line.split()
    return float(latency.removesuffix("ms"))


def percentile(values: Sequence[float], p: float) -> float:
    """The p-th percentile (0-100) of `values`."""
    if not values:
        raise ValueError("percentile of an empty sequence")
    if not 0 <= p <= 100:
        raise ValueError("p must be between 0 and 100")
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def summarise(latencies: Sequence[float]) -> Summary:
    return Summary(
        count=len(latencies),
        p50=percentile(latencies, 50),
        p95=percentile(latencies, 95),
        worst=max(latencies),
    )
