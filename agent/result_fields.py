"""Reading and formatting the values of a tool result for a Turkish text.

Tool results arrive as JSON: money as a string or number, dates and times as
ISO 8601 strings. Each function returns display text in Turkish conventions,
or None when the value is missing or unreadable, so the answer can leave that
line out instead of failing.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from babel.numbers import format_decimal

from core.turkish import LOCALE, format_day, format_moment, format_money


def parse_result(content: str) -> dict[str, Any] | None:
    """The result object of a tool turn, unwrapped from ``{"success": true, "data": ...}``."""
    try:
        value = json.loads(content)
    except (TypeError, ValueError):
        return None
    if not isinstance(value, dict):
        return None
    data = value.get("data")
    if value.get("success") is True and isinstance(data, dict):
        return data
    return value


def error_of(result: dict[str, Any]) -> dict[str, Any] | None:
    """The ``error`` object of a failed call, or None for a success."""
    if result.get("success") is not False:
        return None
    error = result.get("error")
    return error if isinstance(error, dict) else {"code": str(error or "")}


def decimal_of(value: Any) -> Decimal | None:
    """A Decimal from a JSON number or numeric string."""
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def money(value: Any) -> str | None:
    """``"1234.5"`` -> ``"1.234,50 TL"``."""
    amount = decimal_of(value)
    return format_money(amount) if amount is not None else None


def number(value: Any) -> str | None:
    """A count or quantity in Turkish notation: ``12.5`` -> ``"12,5"``, ``1500`` -> ``"1.500"``."""
    amount = decimal_of(value)
    if amount is None:
        return None
    return format_decimal(amount, format="#,##0.##", locale=LOCALE)


def day(value: Any) -> str | None:
    """An ISO date or date-time -> ``"15 Aralık 2026"``."""
    parsed = _parse_moment(value)
    return format_day(parsed) if parsed is not None else None


def date_of(value: Any) -> date | None:
    """An ISO date or date-time as a date (a date-time's own day), or None."""
    parsed = _parse_moment(value)
    if isinstance(parsed, datetime):
        return parsed.date()
    return parsed


def moment(value: Any) -> str | None:
    """An ISO date-time -> ``"15 Aralık 2026 14:05"`` (Istanbul time); a bare date as a day."""
    parsed = _parse_moment(value)
    if parsed is None:
        return None
    if isinstance(parsed, datetime):
        return format_moment(parsed)
    return format_day(parsed)


def _parse_moment(value: Any) -> date | datetime | None:
    if isinstance(value, datetime | date):
        return value
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip().replace("Z", "+00:00")
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def text(value: Any) -> str | None:
    """A non-empty string value, stripped."""
    if value is None or isinstance(value, dict | list):
        return None
    shown = str(value).strip()
    return shown or None


def label(value: Any, labels: dict[str, str]) -> str | None:
    """A code such as ``"unpaid"`` shown through ``labels``; unknown codes as written."""
    code = text(value)
    if code is None:
        return None
    return labels.get(code.lower(), code)


def phone(value: Any) -> str | None:
    """``"+905320001001"`` -> ``"+90 532 000 10 01"``; other forms as written."""
    shown = text(value)
    if shown is None:
        return None
    digits = "".join(ch for ch in shown if ch.isdigit())
    if len(digits) == 12 and digits.startswith("905"):
        return f"+90 {digits[2:5]} {digits[5:8]} {digits[8:10]} {digits[10:]}"
    return shown
