"""Latency percentiles and the figures a benchmark prints."""

from __future__ import annotations

import math
from collections.abc import Sequence

PERCENTILES = (50, 95, 99)


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0-100), interpolating between the nearest ranks."""
    if not values:
        return math.nan
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def latency_ms(latencies_s: Sequence[float]) -> dict[int, float]:
    """p50, p95 and p99 in milliseconds, rounded to 0.1 ms."""
    return {q: round(percentile(latencies_s, q) * 1000, 1) for q in PERCENTILES}
