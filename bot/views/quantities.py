"""Numbers, shares and durations written the Turkish way (``32,5``, ``%52``, ``2 saat``)."""

from __future__ import annotations

from babel.numbers import format_decimal, format_percent

from bot import texts
from core.turkish import LOCALE

BAR_CELLS = 10
FILLED_CELL = "▓"
EMPTY_CELL = "░"


def format_number(value: float | int, *, decimals: int = 1) -> str:
    """``32.5`` -> ``"32,5"``, ``2000`` -> ``"2.000"``; at most ``decimals`` places."""
    pattern = "#,##0" + ("." + "#" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=LOCALE)


def format_share(percent: float) -> str:
    """``52.4`` -> ``"%52"``: Turkish writes the percent sign first."""
    return format_percent(max(0.0, min(percent, 100.0)) / 100, locale=LOCALE)


def share_bar(percent: float) -> str:
    """``52`` -> ``"▓▓▓▓▓░░░░░"``: ten cells, filled in proportion (rounded)."""
    filled = round(max(0.0, min(percent, 100.0)) / 100 * BAR_CELLS)
    return FILLED_CELL * filled + EMPTY_CELL * (BAR_CELLS - filled)


def format_bytes(size: int) -> str:
    """``1_234_567`` -> ``"1,2 MB"`` (powers of 1024, as file managers show)."""
    units = ("B", "KB", "MB", "GB")
    value, index = float(size), 0
    while value >= 1024 and index < len(units) - 1:
        value, index = value / 1024, index + 1
    return f"{format_number(value, decimals=1 if index else 0)} {units[index]}"


def format_duration(seconds: float) -> str:
    """``93784`` -> ``"1 gün 2 saat 3 dakika"``; under a minute in seconds."""
    total = int(seconds)
    if total < 60:
        return texts.DURATION_SECONDS.format(seconds=total)
    days, rest = divmod(total, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes = rest // 60
    parts = []
    if days:
        parts.append(texts.DURATION_DAYS.format(days=days))
    if hours:
        parts.append(texts.DURATION_HOURS.format(hours=hours))
    if minutes or not parts:
        parts.append(texts.DURATION_MINUTES.format(minutes=minutes))
    return " ".join(parts)
