"""``/fatura``: the current bill with its line items, as a Turkish HTML card."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from bot import texts
from bot.rendering import escape
from core.turkish import format_day, format_money


def is_payable(bill: dict[str, Any]) -> bool:
    """Whether the bill can still be paid (unpaid or overdue)."""
    return bill.get("status") in ("unpaid", "overdue")


def bill_card(bill: dict[str, Any]) -> str:
    """The ``get_current_bill`` result as HTML: number, dates, status, items, total."""
    status = str(bill.get("status", ""))
    header = [
        texts.BILL_TITLE,
        texts.BILL_NUMBER.format(bill_id=escape(bill["bill_id"])),
        texts.BILL_DATE.format(day=_day(bill["bill_date"])),
        texts.BILL_DUE_DATE.format(day=_day(bill["due_date"])),
        texts.BILL_STATUS.format(status=escape(texts.BILL_STATUS_WORDS.get(status, status))),
    ]
    items = [texts.BILL_ITEMS_TITLE] + [
        texts.BILL_ITEM.format(name=escape(item["service_name"]), amount=_money(item["amount"]))
        for item in bill.get("services", [])
    ]
    total = texts.BILL_TOTAL.format(amount=_money(bill["amount"]))
    return "\n\n".join(["\n".join(header), "\n".join(items), total])


def _day(iso_day: str) -> str:
    return escape(format_day(date.fromisoformat(iso_day)))


def _money(amount: float | int | str) -> str:
    # Tool results carry lira as JSON numbers; str() keeps the two decimals exact.
    return escape(format_money(Decimal(str(amount))))
