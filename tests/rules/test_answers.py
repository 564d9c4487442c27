"""Final answers composed from contract-shaped tool results, and from tool errors.

The results have the shapes of shared/reference/telekom-tools.md (the same
shapes the project's tools return: amounts as JSON numbers, days as ISO dates,
moments as ISO date-times with an offset).
"""

from __future__ import annotations

import pytest

from agent.rules import RulesEngine, texts
from agent.turns import ChatTurn, ToolCall
from tests.rules.dialogues import CUSTOMER, answer_for


def call(name: str, **arguments: object) -> ToolCall:
    return ToolCall(name, {"user_id": CUSTOMER, **arguments})


def test_current_bill(engine: RulesEngine) -> None:
    text = answer_for(
        engine,
        call("get_current_bill"),
        {
            "bill_id": "F-2026-000112",
            "user_id": CUSTOMER,
            "amount": 1234.56,
            "currency": "TRY",
            "due_date": "2026-12-15",
            "bill_date": "2026-11-20",
            "status": "unpaid",
            "services": [
                {"service_name": "Mega İnternet aylık ücreti", "amount": 69.5},
                {"service_name": "Ek paket: 5 GB internet", "amount": 1165.06},
            ],
        },
    )
    assert "F-2026-000112" in text
    assert "1.234,56 TL" in text
    assert "15 Aralık 2026" in text
    assert "20 Kasım 2026" in text
    assert "ödenmedi" in text
    assert "Mega İnternet aylık ücreti: 69,50 TL" in text
    assert "Ek paket: 5 GB internet: 1.165,06 TL" in text
    assert texts.CURRENT_BILL_PAY_HINT in text


def test_paid_current_bill_has_no_payment_hint(engine: RulesEngine) -> None:
    text = answer_for(
        engine,
        call("get_current_bill"),
        {"bill_id": "F-2026-000112", "amount": 90.35, "status": "paid", "due_date": "2026-12-10"},
    )
    assert "ödendi" in text
    assert texts.CURRENT_BILL_PAY_HINT not in text


def test_past_bills(engine: RulesEngine) -> None:
    text = answer_for(
        engine,
        call("get_past_bills", limit=3),
        {
            "bills": [
                {
                    "bill_id": "F-2026-000112",
                    "amount": 129.22,
                    "bill_date": "2026-11-20",
                    "status": "unpaid",
                },
                {
                    "bill_id": "F-2026-000111",
                    "amount": 1090.35,
                    "bill_date": "2026-10-20",
                    "status": "paid",
                    "paid_date": "2026-10-22",
                },
            ],
            "total_count": 2,
            "total_amount_paid": 1090.35,
        },
    )
    assert "Son 2 faturanız" in text
    assert "20 Kasım 2026 · F-2026-000112: 129,22 TL (ödenmedi)" in text
    assert "F-2026-000111: 1.090,35 TL (ödendi), ödeme tarihi 22 Ekim 2026" in text
    assert "Ödenen toplam tutar: 1.090,35 TL" in text


def test_no_past_bills(engine: RulesEngine) -> None:
    text = answer_for(engine, call("get_past_bills", limit=12), {"bills": [], "total_count": 0})
    assert text == texts.PAST_BILLS_NONE


def test_payment(engine: RulesEngine) -> None:
    text = answer_for(
        engine,
        ToolCall("pay_bill", {"method": "credit_card"}),
        {
            "transaction_id": "TXN-2026-010001",
            "bill_id": "F-2026-000112",
            "amount": 1129.2,
            "method": "credit_card",
            "status": "completed",
            "timestamp": "2026-11-26T09:27:18+03:00",
        },
    )
    assert "F-2026-000112" in text
    assert "1.129,20 TL" in text
    assert "kredi kartı" in text
    assert "TXN-2026-010001" in text
    assert "26 Kasım 2026 09:27" in text


def test_payment_history(engine: RulesEngine) -> None:
    text = answer_for(
        engine,
        call("get_payment_history"),
        {
            "payments": [
                {
                    "transaction_id": "TXN-2026-000108",
                    "amount": 90.35,
                    "method": "credit_card",
                    "date": "2026-08-05",
                    "bill_id": "F-2026-000108",
                },
                {
                    "transaction_id": "TXN-2026-000107",
                    "amount": 129.22,
                    "method": "bank_transfer",
                    "date": "2026-06-27",
                    "bill_id": "F-2026-000107",
                },
            ],
            "total_payments": 2,
            "total_amount": 219.57,
        },
    )
    assert "2 ödeme, toplam 219,57 TL" in text
    assert "5 Ağustos 2026 · 90,35 TL, kredi kartı (F-2026-000108)" in text
    assert "27 Haziran 2026 · 129,22 TL, havale/EFT (F-2026-000107)" in text


def test_autopay_on_and_off(engine: RulesEngine) -> None:
    on = answer_for(
        engine,
        call("setup_autopay", status=True),
        {
            "user_id": CUSTOMER,
            "autopay_enabled": True,
            "payment_method": "credit_card",
            "next_payment_date": "2026-12-14",
        },
    )
    assert "açıldı" in on
    assert "kredi kartı" in on
    assert "14 Aralık 2026" in on
    off = answer_for(
        engine,
        call("setup_autopay", status=False),
        {
            "user_id": CUSTOMER,
            "autopay_enabled": False,
            "payment_method": "credit_card",
            "next_payment_date": None,
        },
    )
    assert off == texts.AUTOPAY_OFF


def test_customer_package(engine: RulesEngine) -> None:
    text = answer_for(
        engine,
        call("get_customer_package"),
        {
            "package_name": "Süper Konuşma",
            "monthly_fee": 59.9,
            "features": {
                "internet_gb": 25,
                "voice_minutes": 2000,
                "sms_count": 1000,
                "roaming_enabled": True,
                "international_minutes": 100,
            },
            "activation_date": "2024-07-09",
            "renewal_date": "2026-12-14",
        },
    )
    assert "Süper Konuşma" in text
    assert "59,90 TL" in text
    assert "25 GB internet, 2.000 dakika, 1.000 SMS" in text
    assert "Roaming: açık" in text
    assert "Yurt dışı arama: 100 dakika" in text
    assert "9 Temmuz 2024" in text
    assert "14 Aralık 2026" in text


def test_remaining_quotas(engine: RulesEngine) -> None:
    text = answer_for(
        engine,
        call("get_remaining_quotas"),
        {
            "internet_remaining_gb": 31.5,
            "voice_remaining_minutes": 1590,
            "sms_remaining": 390,
            "period_end": "2026-12-13",
            "usage_percentage": {"internet": 37.0, "voice": 41.5, "sms": 22.0},
        },
    )
    assert "İnternet: 31,5 GB (%37 kullanıldı)" in text
    assert "Konuşma: 1.590 dakika (%41,5 kullanıldı)" in text
    assert "SMS: 390 adet (%22 kullanıldı)" in text
    assert "13 Aralık 2026" in text


@pytest.mark.parametrize(
    ("difference", "shown"),
    [(20.4, "20,40 TL daha fazla"), (-10, "10,00 TL daha az"), (0, texts.FEE_SAME)],
)
def test_package_change(engine: RulesEngine, difference: float, shown: str) -> None:
    text = answer_for(
        engine,
        call("change_package", new_package_name="Premium Paket"),
        {
            "change_id": "CHG-2026-000001",
            "from_package": "Mega İnternet",
            "to_package": "Premium Paket",
            "effective_date": "2026-12-14",
            "fee_difference": difference,
            "status": "scheduled",
        },
    )
    assert "Mega İnternet" in text
    assert "Premium Paket" in text
    assert "14 Aralık 2026" in text
    assert shown in text
    assert "CHG-2026-000001" in text


def test_available_packages(engine: RulesEngine) -> None:
    text = answer_for(
        engine,
        ToolCall("get_available_packages", {}),
        {
            "packages": [
                {
                    "name": "Memur Özel",
                    "monthly_fee": 55.0,
                    "features": {"internet_gb": 35, "voice_minutes": 1500, "sms_count": 750},
                    "target_audience": "Kamu çalışanları",
                },
                {
                    "name": "Gamer Pro",
                    "monthly_fee": 1099.9,
                    "features": {"internet_gb": 150, "voice_minutes": 1000, "sms_count": 500},
                },
            ]
        },
        asked="hangi paketler var",
    )
    assert "Memur Özel: aylık 55,00 TL · 35 GB, 1.500 dk, 750 SMS (Kamu çalışanları)" in text
    assert "Gamer Pro: aylık 1.099,90 TL · 150 GB, 1.000 dk, 500 SMS" in text
    assert text.endswith(texts.AVAILABLE_PACKAGES_CLOSING)


def test_package_details(engine: RulesEngine) -> None:
    text = answer_for(
        engine,
        ToolCall("get_package_details", {"package_name": "premium"}),
        {
            "name": "Premium Paket",
            "monthly_fee": 89.9,
            "setup_fee": 25.0,
            "features": {
                "internet_gb": 100,
                "voice_minutes": 3000,
                "sms_count": 1000,
                "roaming_enabled": True,
                "international_minutes": 100,
            },
            "contract_duration": 12,
            "cancellation_fee": 1250.0,
        },
    )
    assert text.startswith("Premium Paket")
    assert "Aylık ücret: 89,90 TL" in text
    assert "Kurulum ücreti: 25,00 TL" in text
    assert "100 GB internet, 3.000 dakika, 1.000 SMS" in text
    assert "Yurt dışı arama: 100 dakika" in text
    assert "Taahhüt süresi: 12 ay" in text
    assert "Cayma bedeli: 1.250,00 TL" in text


def test_roaming_on_and_off(engine: RulesEngine) -> None:
    on = answer_for(
        engine,
        call("enable_roaming", status=True),
        {
            "user_id": CUSTOMER,
            "roaming_enabled": True,
            "activation_time": "2026-11-26T09:27:40+03:00",
            "daily_fee": 25.0,
            "data_package": "1 GB/gün",
        },
    )
    assert "açıldı (26 Kasım 2026 09:27)" in on
    assert "25,00 TL" in on
    assert "1 GB/gün" in on
    off = answer_for(
        engine,
        call("enable_roaming", status=False),
        {
            "user_id": CUSTOMER,
            "roaming_enabled": False,
            "activation_time": None,
            "daily_fee": 25.0,
            "data_package": "1 GB/gün",
        },
    )
    assert off == texts.ROAMING_OFF


def test_network_status_with_outage_for_a_province(engine: RulesEngine) -> None:
    text = answer_for(
        engine,
        ToolCall("check_network_status", {"region": "İzmir"}),
        {
            "region": "Ege",
            "status": "degraded",
            "coverage_percentage": 98.4,
            "active_outages": [
                {
                    "area": "İzmir - Bornova",
                    "issue": "Fiber hat kesintisi",
                    "start_time": "2026-11-26T09:00:00+03:00",
                    "estimated_end": "2026-11-26T17:00:00+03:00",
                }
            ],
            "last_updated": "2026-11-26T12:00:00+03:00",
        },
    )
    assert "İzmir (Ege bölgesi)" in text
    assert "kısmi sorun var" in text
    assert "%98,4" in text
    assert "İzmir - Bornova: Fiber hat kesintisi" in text
    assert "26 Kasım 2026 09:00" in text
    assert "26 Kasım 2026 17:00" in text


def test_network_status_without_outage(engine: RulesEngine) -> None:
    text = answer_for(
        engine,
        ToolCall("check_network_status", {"region": "Marmara"}),
        {
            "region": "Marmara",
            "status": "operational",
            "coverage_percentage": 99.1,
            "active_outages": [],
            "last_updated": "2026-11-26T12:00:00Z",
        },
    )
    assert text.startswith("Marmara için şebeke durumu: normal.")
    assert texts.NETWORK_NO_OUTAGE in text
    assert "26 Kasım 2026 15:00" in text  # UTC shown in Istanbul time


def test_ticket_created(engine: RulesEngine) -> None:
    text = answer_for(
        engine,
        call("create_fault_ticket", issue_description="internet yok", category="internet"),
        {
            "ticket_id": "T-2026-000124",
            "user_id": CUSTOMER,
            "issue_description": "internet yok",
            "category": "internet",
            "priority": "high",
            "status": "open",
            "created_at": "2026-11-26T10:00:00+03:00",
            "estimated_resolution": "2026-11-26T14:00:00+03:00",
        },
    )
    assert "T-2026-000124" in text
    assert "yüksek" in text
    assert "26 Kasım 2026 14:00" in text


def test_ticket_status(engine: RulesEngine) -> None:
    text = answer_for(
        engine,
        ToolCall("get_fault_ticket_status", {"ticket_id": "T-2026-000123"}),
        {
            "ticket_id": "T-2026-000123",
            "status": "resolved",
            "resolution": "Modem yenilendi.",
            "created_at": "2026-11-20T10:00:00+03:00",
            "resolved_at": "2026-11-21T16:30:00+03:00",
            "technician_notes": "Saha ziyareti.",
        },
    )
    assert "T-2026-000123" in text
    assert "çözüldü" in text
    assert "Modem yenilendi." in text
    assert "20 Kasım 2026 10:00" in text
    assert "21 Kasım 2026 16:30" in text
    assert "Saha ziyareti." in text


def test_speed_test(engine: RulesEngine) -> None:
    text = answer_for(
        engine,
        call("test_internet_speed"),
        {
            "user_id": CUSTOMER,
            "download_speed_mbps": 97.0,
            "upload_speed_mbps": 25.9,
            "ping_ms": 50,
            "test_timestamp": "2026-11-26T09:26:53+03:00",
            "test_server": "Telekom İstanbul test sunucusu",
            "quality_rating": "good",
        },
    )
    assert "İndirme: 97 Mbps" in text
    assert "Yükleme: 25,9 Mbps" in text
    assert "50 ms" in text
    assert "iyi" in text
    assert "Telekom İstanbul test sunucusu" in text


def test_profile(engine: RulesEngine) -> None:
    text = answer_for(
        engine,
        call("get_customer_profile"),
        {
            "user_id": CUSTOMER,
            "name": "Ahmet Yılmaz",
            "phone_numbers": [
                {"number": "+905320001001", "type": "primary", "status": "active"},
                {"number": "+905551001001", "type": "data", "status": "suspended"},
            ],
            "email": "ahmet@example.com.tr",
            "address": "Fevzi Çakmak Sokak No: 159, Üsküdar, İstanbul",
            "registration_date": "2023-12-06",
            "customer_tier": "silver",
        },
    )
    assert "Ahmet Yılmaz" in text
    assert "+90 532 000 10 01 (ana hat, aktif)" in text
    assert "+90 555 100 10 01 (data hattı, askıda)" in text
    assert "ahmet@example.com.tr" in text
    assert "Üsküdar" in text
    assert "6 Aralık 2023" in text
    assert "Gümüş" in text


def test_contact_update_needing_verification(engine: RulesEngine) -> None:
    text = answer_for(
        engine,
        call("update_customer_contact", contact_type="phone", new_value="+905329876543"),
        {
            "user_id": CUSTOMER,
            "contact_type": "phone",
            "old_value": "+905320001001",
            "new_value": "+905329876543",
            "updated_at": "2026-11-26T09:27:53+03:00",
            "verification_required": True,
        },
    )
    assert text.startswith("Telefon numaranız güncellendi.")
    assert "Eski: +90 532 000 10 01" in text
    assert "Yeni: +90 532 987 65 43" in text
    assert texts.CONTACT_VERIFY["phone"] in text


def test_line_suspended_and_reactivated(engine: RulesEngine) -> None:
    suspended = answer_for(
        engine,
        call("suspend_line", reason="yurt dışı"),
        {
            "user_id": CUSTOMER,
            "line_number": "+905320001001",
            "suspension_reason": "yurt dışı",
            "suspended_at": "2026-11-26T09:28:01+03:00",
            "reactivation_fee": 25.0,
            "max_suspension_days": 90,
        },
    )
    assert "+90 532 000 10 01" in suspended
    assert "Neden: yurt dışı" in suspended
    assert "Yeniden açma ücreti: 25,00 TL" in suspended
    assert "90 gün" in suspended
    reactivated = answer_for(
        engine,
        call("reactivate_line"),
        {
            "user_id": CUSTOMER,
            "line_number": "+905320001001",
            "reactivated_at": "2026-12-06T10:00:00+03:00",
            "suspension_duration_days": 10,
            "reactivation_fee": 0.0,
        },
    )
    assert "6 Aralık 2026 10:00" in reactivated
    assert "10 gün" in reactivated
    assert "ücretsiz" in reactivated


def test_result_wrapped_in_success_and_data_is_read(engine: RulesEngine) -> None:
    text = answer_for(
        engine,
        call("get_remaining_quotas"),
        {"success": True, "data": {"internet_remaining_gb": 12, "period_end": "2026-12-13"}},
    )
    assert "İnternet: 12 GB" in text


# --- errors -----------------------------------------------------------------------


def error(code: str, message: str | None = None, **details: object) -> dict[str, object]:
    return {"success": False, "error": {"code": code, "message": message, "details": details}}


@pytest.mark.parametrize("code", sorted(texts.ERROR_EXPLANATIONS))
def test_every_known_error_code_is_explained_without_a_tool_message(
    engine: RulesEngine, code: str
) -> None:
    text = answer_for(engine, call("get_current_bill"), error(code))
    assert text.startswith(texts.ERROR_EXPLANATIONS[code])


def test_the_tools_own_turkish_message_comes_first(engine: RulesEngine) -> None:
    message = "Borçlu müşteri düşük pakete geçemez: ödenmemiş 129,22 TL borcunuz var."
    text = answer_for(
        engine,
        call("change_package", new_package_name="Memur Özel"),
        error("INELIGIBLE_FOR_PACKAGE", message),
    )
    assert text.startswith(message)
    assert texts.ERROR_NEXT_STEPS["INELIGIBLE_FOR_PACKAGE"] in text


def test_unknown_package_lists_the_catalogue_and_asks_again(engine: RulesEngine) -> None:
    text = answer_for(
        engine, call("change_package", new_package_name="Aile Paketi"), error("INVALID_PACKAGE")
    )
    assert "Öğrenci Dostu Tarife" in text
    assert "Yurt Dışı Avantaj" in text
    assert text.endswith(texts.ASK_PACKAGE_CHANGE)


def test_unknown_region_asks_again(engine: RulesEngine) -> None:
    text = answer_for(
        engine, ToolCall("check_network_status", {"region": "Kadıköy"}), error("INVALID_REGION")
    )
    assert text.endswith(texts.ASK_REGION)


def test_duplicate_ticket_names_the_existing_ticket(engine: RulesEngine) -> None:
    text = answer_for(
        engine,
        call("create_fault_ticket", issue_description="internet yok"),
        error("DUPLICATE_TICKET_FOUND", existing_ticket_id="T-2026-000042"),
    )
    assert "T-2026-000042" in text
    assert texts.TICKET_CREATED_CLOSING in text


def test_unknown_error_code_with_and_without_a_message(engine: RulesEngine) -> None:
    assert answer_for(engine, call("get_current_bill"), error("NEW_CODE", "Sistem bakımda.")) == (
        "Sistem bakımda."
    )
    assert answer_for(engine, call("get_current_bill"), error("NEW_CODE")) == texts.ERROR_GENERIC


@pytest.mark.parametrize("content", ["not json", "[1, 2]", "", "null", '{"success": false}'])
def test_unreadable_results_get_a_polite_answer(engine: RulesEngine, content: str) -> None:
    turns = [
        ChatTurn("user", "faturam"),
        ChatTurn("assistant", "<tool>", (call("get_current_bill"),)),
        ChatTurn("tool", content),
    ]
    reply = engine.respond(turns, CUSTOMER)
    assert reply.tool_calls == ()
    assert reply.text in (texts.ERROR_UNREADABLE, texts.ERROR_GENERIC)


def test_two_calls_in_one_block_get_one_answer_each(engine: RulesEngine) -> None:
    calls = (call("get_remaining_quotas"), ToolCall("get_package_details", {"package_name": "x"}))
    turns = [
        ChatTurn("user", "kotam ve gamer pro"),
        ChatTurn("assistant", "<tools>", calls),
        ChatTurn("tool", '{"internet_remaining_gb":12}'),
        ChatTurn("tool", '{"name":"Gamer Pro","monthly_fee":99.9}'),
    ]
    text = engine.respond(turns, CUSTOMER).text
    assert "İnternet: 12 GB" in text
    assert "Gamer Pro" in text
    assert "99,90 TL" in text
