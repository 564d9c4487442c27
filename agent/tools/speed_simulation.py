"""The operator-side internet speed test, simulated deterministically.

There is no real probe in this product: the result follows from the line's
profile (radio technology, signal quality) and the time of day (evening
congestion), with a small variation derived from the line and the minute,
so the same line tested in the same minute always gives the same figures.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from core.turkish import to_istanbul

# Technology -> (peak download Mbps, peak upload Mbps, best ping ms).
TECHNOLOGY_PEAKS: dict[str, tuple[float, float, int]] = {
    "5G": (600.0, 80.0, 12),
    "4.5G": (150.0, 40.0, 25),
    "4G": (60.0, 20.0, 35),
    "3G": (8.0, 2.0, 70),
}
DEFAULT_TECHNOLOGY = "4G"


@dataclass(frozen=True)
class SpeedMeasurement:
    download_speed_mbps: float
    upload_speed_mbps: float
    ping_ms: int
    quality_rating: str  # excellent | good | fair | poor


def simulate_speed_test(
    line_id: int, technology: str, signal_quality: int, moment: datetime
) -> SpeedMeasurement:
    """The measurement a test of this line at ``moment`` (aware) gives."""
    peak_down, peak_up, best_ping = TECHNOLOGY_PEAKS.get(
        technology, TECHNOLOGY_PEAKS[DEFAULT_TECHNOLOGY]
    )
    signal = min(max(signal_quality, 0), 100) / 100
    # A weak signal still carries some traffic: 15% of the peak at zero signal.
    reach = 0.15 + 0.85 * signal
    load = _network_load_factor(to_istanbul(moment).hour)
    jitter = 0.9 + 0.2 * _unit_fraction(f"{line_id}:{moment:%Y-%m-%dT%H:%M}")
    download = round(peak_down * reach * load * jitter, 1)
    upload = round(peak_up * reach * load * jitter, 1)
    ping = round(best_ping * (1 + 2 * (1 - signal)) / load)
    return SpeedMeasurement(download, upload, ping, _quality(download, ping))


def _network_load_factor(hour: int) -> float:
    """Share of peak speed left by other users at this hour (Istanbul time)."""
    if 20 <= hour < 24:
        return 0.65
    if 17 <= hour < 20:
        return 0.8
    if 8 <= hour < 17:
        return 0.9
    return 1.0


def _unit_fraction(seed: str) -> float:
    """A stable number in [0, 1) derived from ``seed``."""
    digest = hashlib.sha256(seed.encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def _quality(download_mbps: float, ping_ms: int) -> str:
    if download_mbps >= 50 and ping_ms <= 40:
        return "excellent"
    if download_mbps >= 20 and ping_ms <= 80:
        return "good"
    if download_mbps >= 5:
        return "fair"
    return "poor"
