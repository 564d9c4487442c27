"""How values appear in tool results (JSON the model reads).

- Money is a JSON number in lira with at most two decimals (``69.5``,
  ``1234.56``), as in the training data; it is computed as ``Decimal`` and
  converted only here.
- Dates are ISO days (``"2026-12-15"``).
- Moments are ISO 8601 in Istanbul time with the offset
  (``"2026-11-26T14:05:00+03:00"``), so the model quotes the clock the
  customer lives by.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from core.turkish import quantize_money, to_istanbul


def money(amount: Decimal) -> float:
    """A lira amount as a JSON number rounded to kuruş."""
    return float(quantize_money(amount))


def iso_day(day: date) -> str:
    return day.isoformat()


def iso_moment(moment: datetime) -> str:
    """An aware datetime as ISO 8601 in Istanbul time, to the second."""
    return to_istanbul(moment).isoformat(timespec="seconds")


def day_of(moment: datetime) -> str:
    """The Istanbul calendar day of an aware datetime, as an ISO day."""
    return iso_day(to_istanbul(moment).date())


def optional_moment(moment: datetime | None) -> str | None:
    return None if moment is None else iso_moment(moment)
