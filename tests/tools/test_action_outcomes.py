"""After yes, the customer reads what the action did: amounts, dates, fees, references."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from agent.tools import confirm, execute
from agent.tools.registry import Registry
from agent.turns import ToolCall
from core.turkish import format_money
from tests.tools.harness import CallTool, ContextFactory

DONE = "İşleminiz gerçekleştirildi."
# A Turkish day as the customer reads it: "21 Aralık 2026".
TURKISH_DAY = re.compile(
    r"\d{1,2} (Ocak|Şubat|Mart|Nisan|Mayıs|Haziran|Temmuz|Ağustos|Eylül|Ekim|Kasım|Aralık) \d{4}"
)


async def _confirmed_message(
    registry: Registry, context: ContextFactory, customer_id: int, tool: str, **arguments: Any
) -> str:
    ctx = context(customer_id)
    proposed = await execute(registry, ToolCall(tool, {"user_id": customer_id, **arguments}), ctx)
    assert proposed.proposal is not None, proposed.data
    outcome = await confirm(proposed.proposal.id, ctx, registry)
    assert outcome.status == "done", outcome
    assert outcome.succeeded, outcome
    assert outcome.message.startswith(DONE)
    return outcome.message


async def test_a_payment_says_which_bill_how_much_how_and_its_reference(
    registry: Registry, context: ContextFactory, call: CallTool
) -> None:
    bill = (await call(1001, "get_current_bill")).data
    ctx = context(1001)
    proposed = await execute(registry, ToolCall("pay_bill", {"method": "bank_transfer"}), ctx)
    assert proposed.proposal is not None
    outcome = await confirm(proposed.proposal.id, ctx, registry)
    assert outcome.result is not None
    amount = format_money(Decimal(str(bill["amount"])))
    for fact in (bill["bill_id"], amount, "havale/EFT", outcome.result["transaction_id"]):
        assert fact in outcome.message


async def test_a_package_change_says_from_and_to_when_and_the_fee_difference(
    registry: Registry, context: ContextFactory
) -> None:
    message = await _confirmed_message(
        registry, context, 1002, "change_package", new_package_name="Mega İnternet"
    )
    assert "Premium Paket → Mega İnternet" in message
    assert TURKISH_DAY.search(message.split("Geçerlilik tarihi:")[1])
    assert re.search(r"Aylık ücret farkı: [\d.,]+ TL daha (az|fazla)", message)
    assert "CHG-" in message


async def test_roaming_on_tells_the_daily_fee_and_allowance_and_off_says_it_is_off(
    registry: Registry, context: ContextFactory
) -> None:
    on = await _confirmed_message(registry, context, 1001, "enable_roaming", status=True)
    assert "Roaming hattınızda açıldı" in on
    assert "25,00 TL" in on
    assert "1 GB/gün" in on

    off = await _confirmed_message(registry, context, 1001, "enable_roaming", status=False)
    assert "Roaming hattınızda kapatıldı" in off
    assert "25,00 TL" not in off


async def test_autopay_on_names_the_method_and_next_date_and_off_says_to_pay_by_hand(
    registry: Registry, context: ContextFactory
) -> None:
    on = await _confirmed_message(registry, context, 1001, "setup_autopay", status=True)
    assert "Otomatik ödeme talimatınız açıldı" in on
    assert "kredi kartı" in on
    assert TURKISH_DAY.search(on.split("Bir sonraki otomatik ödeme tarihi:")[1])

    off = await _confirmed_message(registry, context, 1001, "setup_autopay", status=False)
    assert "Otomatik ödeme talimatınız kapatıldı" in off
    assert "kendiniz ödemeniz" in off


async def test_a_fault_ticket_gives_its_number_priority_and_estimated_resolution(
    registry: Registry, context: ContextFactory
) -> None:
    message = await _confirmed_message(
        registry,
        context,
        1002,
        "create_fault_ticket",
        issue_description="Evde internet sürekli kopuyor",
        category="internet",
    )
    assert re.search(r"Kayıt numarası: T-\d{4}-\d+", message)
    assert re.search(r"Öncelik: (düşük|orta|yüksek|acil)", message)
    assert TURKISH_DAY.search(message.split("Tahmini çözüm zamanı:")[1])


async def test_an_email_change_shows_old_and_new_and_asks_for_verification(
    registry: Registry, context: ContextFactory, call: CallTool
) -> None:
    old = (await call(1001, "get_customer_profile")).data["email"]
    message = await _confirmed_message(
        registry,
        context,
        1001,
        "update_customer_contact",
        contact_type="email",
        new_value="ahmet.yeni@example.com",
    )
    assert f"Eski: {old}" in message
    assert "Yeni: ahmet.yeni@example.com" in message
    assert "doğrulama" in message


async def test_an_address_change_applies_at_once_without_verification(
    registry: Registry, context: ContextFactory
) -> None:
    message = await _confirmed_message(
        registry,
        context,
        1002,
        "update_customer_contact",
        contact_type="address",
        new_value="Kültür Mahallesi 1456 Sokak No 8, Konyaaltı, Antalya",
    )
    assert "Adresiniz güncellendi." in message
    assert "Yeni: Kültür Mahallesi 1456 Sokak No 8" in message
    assert "doğrula" not in message


async def test_suspending_says_suspended_with_the_reactivation_fee_and_limit(
    registry: Registry, context: ContextFactory
) -> None:
    message = await _confirmed_message(registry, context, 1002, "suspend_line", reason="askerlik")
    assert "Hattınız askıya alındı" in message
    assert "Yeniden açma ücreti:" in message
    assert re.search(r"en fazla \d+ gün", message)


async def test_reactivating_says_the_line_is_open_and_its_fee(
    registry: Registry, context: ContextFactory
) -> None:
    message = await _confirmed_message(registry, context, 1003, "reactivate_line")
    assert "Hattınız yeniden açıldı." in message
    assert "Yeniden açma ücreti:" in message
    assert "+90 532 000 10 03" in message
