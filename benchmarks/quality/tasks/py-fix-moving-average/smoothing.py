"""Smoothing for noisy sensor readings: outlier clipping and moving averages."""

from __future__ import annotations

from collections.abc import Sequence
from statistics import mean, pstdev

DEFAULT_WINDOW = 3
OUTLIER_SIGMAS = 3.0


def clip_outliers(values: Sequence[float], sigmas: float = OUTLIER_SIGMAS) -> list[float]:
    """Pull readings over `sigmas` standard deviations from the mean back to that limit."""
    if len(values) < 2:
        return list(values)
    centre, spread = mean(values), pstdev(values)
    low, high = centre - sigmas * spread, centre + sigmas * spread
    return [min(max(value, low), high) for value in values]


def moving_average(values: Sequence[float], window: int = DEFAULT_WINDOW) -> list[float]:
    """The mean of every run of `window` consecutive values, in order."""
    if window < 1:
        raise ValueError("window must be at least 1")
    return [mean(values[i : i + window]) for i in range(len(values) - window)]


def smooth(values: Sequence[float], window: int = DEFAULT_WINDOW) -> list[float]:
    """Clip outliers, then average; shorter than the input by window - 1 values."""
    return moving_average(clip_outliers(values), window)


def trend(values: Sequence[float]) -> str:
    if len(values) < 2:
        return "flat"
    change = values[-1] - values[0]
    if abs(change) < 1e-9:
        return "flat"
    return "rising" if change > 0 else "falling"
