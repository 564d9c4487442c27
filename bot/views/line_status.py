"""``/durum``: package, remaining quotas with text bars, line status, renewal date."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from bot import texts
from bot.phone_numbers import display_phone_number
from bot.rendering import escape
from bot.views.quantities import format_number, format_share, share_bar
from core.turkish import format_day, format_money


def line_status_card(
    package: dict[str, Any], quotas: dict[str, Any], profile: dict[str, Any]
) -> str:
    """HTML from the results of get_customer_package, get_remaining_quotas, get_customer_profile."""
    fee = format_money(Decimal(str(package["monthly_fee"])))
    summary = [
        texts.STATUS_TITLE,
        texts.STATUS_PACKAGE.format(name=escape(package["package_name"]), fee=escape(fee)),
    ]
    line = _primary_line(profile)
    if line is not None:
        status = str(line.get("status", ""))
        summary.append(
            texts.STATUS_LINE.format(
                number=escape(display_phone_number(str(line["number"]))),
                status=escape(texts.LINE_STATUS_WORDS.get(status, status)),
            )
        )
    summary.append(texts.STATUS_RENEWAL.format(day=_day(package["renewal_date"])))
    return "\n\n".join(["\n".join(summary), _quota_block(package, quotas)])


def _quota_block(package: dict[str, Any], quotas: dict[str, Any]) -> str:
    features = package.get("features", {})
    used = quotas.get("usage_percentage", {})
    rows = [
        (
            texts.QUOTA_INTERNET,
            quotas["internet_remaining_gb"],
            features.get("internet_gb"),
            used.get("internet", 0.0),
        ),
        (
            texts.QUOTA_VOICE,
            quotas["voice_remaining_minutes"],
            features.get("voice_minutes"),
            used.get("voice", 0.0),
        ),
        (
            texts.QUOTA_SMS,
            quotas["sms_remaining"],
            features.get("sms_count"),
            used.get("sms", 0.0),
        ),
    ]
    lines = [texts.QUOTAS_TITLE.format(day=_day(quotas["period_end"]))]
    for template, remaining, total, used_percent in rows:
        left_percent = 100.0 - float(used_percent)
        lines.append(
            template.format(
                remaining=escape(format_number(remaining)),
                total=escape(format_number(total) if total is not None else "?"),
            )
        )
        lines.append(
            texts.QUOTA_BAR.format(bar=share_bar(left_percent), share=format_share(left_percent))
        )
    return "\n".join(lines)


def _primary_line(profile: dict[str, Any]) -> dict[str, Any] | None:
    lines = profile.get("phone_numbers") or []
    primary = [line for line in lines if line.get("type") == "primary"]
    first: dict[str, Any] | None = (primary or lines or [None])[0]
    return first


def _day(iso_day: str) -> str:
    return escape(format_day(date.fromisoformat(iso_day)))
