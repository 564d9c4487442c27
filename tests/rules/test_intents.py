"""First-turn routing: the tool and arguments a customer's message leads to."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from agent.rules import RulesReply, texts
from tests.rules.dialogues import CUSTOMER, args_of, only_call

Ask = Callable[..., RulesReply]

# (message, tool, arguments besides user_id that must be present)
ROUTES: list[tuple[str, str, dict[str, Any]]] = [
    ("Faturam ne kadar?", "get_current_bill", {}),
    ("bu ayın faturası geldi mi", "get_current_bill", {}),
    ("borcum ne kadar acaba", "get_current_bill", {}),
    ("Faturam neden bu kadar yüksek geldi?", "get_current_bill", {}),
    ("Son faturamı görebilir miyim?", "get_current_bill", {}),
    ("son 4 faturamı göster", "get_past_bills", {"limit": 4}),
    ("son beş ayın faturaları", "get_past_bills", {"limit": 5}),
    # All bills: last month's is the one before the newest, which a limit of 1 would miss.
    ("geçen ayki faturam ne kadardı", "get_past_bills", {"limit": 12}),
    ("önceki faturalarımı listele", "get_past_bills", {"limit": 12}),
    ("faturayı ödeyelim", "pay_bill", {"method": "credit_card"}),
    ("Borcumu kartımla ödemek istiyorum", "pay_bill", {"method": "credit_card"}),
    ("faturami havaleyle odeyecegim", "pay_bill", {"method": "bank_transfer"}),
    ("Lütfen faturamı çekin", "pay_bill", {"method": "credit_card"}),
    (
        "F-2026-000777 nolu faturayı EFT ile ödemek istiyorum",
        "pay_bill",
        {"bill_id": "F-2026-000777", "method": "bank_transfer"},
    ),
    ("en son ne zaman ödeme yaptım", "get_payment_history", {}),
    ("ödemelerimi görebilir miyim", "get_payment_history", {}),
    ("otomatik ödeme talimatı oluştur", "setup_autopay", {"status": True}),
    ("faturam otomatik ödensin", "setup_autopay", {"status": True}),
    ("otomatik odeme istemiyorum", "setup_autopay", {"status": False}),
    ("hangi tarifedeyim", "get_customer_package", {}),
    ("paketimin detaylarını göster", "get_customer_package", {}),
    ("Roaming açık mı?", "get_customer_package", {}),
    ("internetimin ne kadarı kaldı", "get_remaining_quotas", {}),
    ("kaç sms hakkım kaldı", "get_remaining_quotas", {}),
    ("KALAN KOTAMI GÖSTER", "get_remaining_quotas", {}),
    ("gamer pro'ya geçir beni", "change_package", {"new_package_name": "Gamer Pro"}),
    ("memur ozele gecmek istiyorum", "change_package", {"new_package_name": "Memur Özel"}),
    (
        "Selam, Süper Konuşma kampanyasından yararlanmak istiyorum",
        "change_package",
        {"new_package_name": "Süper Konuşma"},
    ),
    ("kampanyalarınız neler", "get_available_packages", {}),
    ("available packages göster", "get_available_packages", {}),
    ("gamer pro nedir", "get_package_details", {"package_name": "Gamer Pro"}),
    (
        "Mega internet paketine geçiş ücreti var mı",
        "get_package_details",
        {"package_name": "Mega İnternet"},
    ),
    ("roaming aç", "enable_roaming", {"status": True}),
    ("yurtdışında internet kullanmak istiyorum", "enable_roaming", {"status": True}),
    ("roaming kapatılsın", "enable_roaming", {"status": False}),
    ("izmirde kesinti var mı", "check_network_status", {"region": "İzmir"}),
    ("Bursa'da şebeke yok", "check_network_status", {"region": "Bursa"}),
    ("Akdeniz bölgesinde arıza var mı", "check_network_status", {"region": "Akdeniz"}),
    (
        "internetim çalışmıyor",
        "create_fault_ticket",
        {"issue_description": "internetim çalışmıyor", "category": "internet"},
    ),
    (
        "Karşı taraf beni duymuyor",
        "create_fault_ticket",
        {"issue_description": "Karşı taraf beni duymuyor", "category": "voice"},
    ),
    (
        "Sinyalim çok zayıf",
        "create_fault_ticket",
        {"issue_description": "Sinyalim çok zayıf", "category": "coverage"},
    ),
    ("T-2026-000123 ne durumda", "get_fault_ticket_status", {"ticket_id": "T-2026-000123"}),
    ("internet yavaş", "test_internet_speed", {}),
    ("İnternet hızım yerlerde sürünüyor, bıktım!", "test_internet_speed", {}),
    ("test_internet_speed fonksiyonunu çalıştır.", "test_internet_speed", {}),
    ("profilim", "get_customer_profile", {}),
    ("Bana customer profile analizi yap.", "get_customer_profile", {}),
    (
        "email adresimi ali@test.com yapın",
        "update_customer_contact",
        {"contact_type": "email", "new_value": "ali@test.com"},
    ),
    (
        "yeni numaram 0533 444 55 66, güncelleyin",
        "update_customer_contact",
        {"contact_type": "phone", "new_value": "+905334445566"},
    ),
    ("askere gidiyorum hattımı kapatın", "suspend_line", {"reason": "askerlik"}),
    (
        "Hattımı askıya alın, telefonum çalındı",
        "suspend_line",
        {"reason": "kayıp veya çalıntı"},
    ),
    ("Bu ay ne kadar ödemem gerekiyor?", "get_current_bill", {}),
    ("Ağustos ayı faturamı görmek istiyorum", "get_past_bills", {}),
    ("Tarifemde kaç dakika var", "get_customer_package", {}),
    ("Mart ayında ne kadar ödedim", "get_payment_history", {}),
    (
        "Öğrenci paketine geçmek istiyorum",
        "change_package",
        {"new_package_name": "Öğrenci Dostu Tarife"},
    ),
    (
        "İnternetim kesildi",
        "create_fault_ticket",
        {"issue_description": "İnternetim kesildi", "category": "internet"},
    ),
    ("Telefonum şebeke bulamıyor", "create_fault_ticket", {"category": "coverage"}),
    ("Telefonum çalındı", "suspend_line", {"reason": "kayıp veya çalıntı"}),
    ("hattımı aç", "reactivate_line", {}),
    ("Hattımın dondurulmasını kaldırın", "reactivate_line", {}),
    ("dondurulmuş hattımı aktif edin", "reactivate_line", {}),
]


@pytest.mark.parametrize(("text", "tool", "expected"), ROUTES)
def test_message_routes_to_tool(ask: Ask, text: str, tool: str, expected: dict[str, Any]) -> None:
    reply = ask(text)
    call = only_call(reply)
    assert call.name == tool
    args = args_of(reply)
    for key, value in expected.items():
        assert args[key] == value


@pytest.mark.parametrize(
    "text",
    ["paketimi yükseltmek istiyorum", "daha çok internetli paket var mı", "daha büyük paket öner"],
)
def test_an_upgrade_reads_the_packages_with_the_customers_own(ask: Ask, text: str) -> None:
    # The answer lists only those that give more than the own package (``answers``).
    names = [call.name for call in ask(text).tool_calls]
    assert names == ["get_available_packages", "get_customer_package"]


def test_customer_tools_carry_the_linked_customer_not_the_number_in_the_text(ask: Ask) -> None:
    call = only_call(ask("7306 nolu müşteriyim, paket bilgim nedir?"))
    assert call.name == "get_customer_package"
    assert call.arguments == {"user_id": CUSTOMER}
    call = only_call(ask("Faturamı ödemek istiyorum. ID: 4609, Tutar: 202.06 TL."))
    assert call.arguments == {"method": "credit_card"}  # pay_bill takes no user_id


def test_general_tools_take_no_user_id(ask: Ask) -> None:
    assert only_call(ask("hangi paketler var")).arguments == {}
    assert only_call(ask("İzmir'de kesinti var mı")).arguments == {"region": "İzmir"}


def test_greeting_before_a_request_does_not_hide_it(ask: Ask) -> None:
    call = only_call(ask("Nasılsınız? Merhaba, 'Gamer Pro' paketine geçmek istiyorum. ID: 3312"))
    assert call.name == "change_package"
    assert call.arguments["new_package_name"] == "Gamer Pro"


@pytest.mark.parametrize(
    ("text", "question"),
    [
        ("hattımı dondurmak istiyorum", texts.ASK_SUSPEND_REASON),
        ("şebeke durumu nedir", texts.ASK_REGION),
        ("Ardanuç'ta kesinti var mı", texts.ASK_REGION),
        ("arıza kaydım ne oldu", texts.ASK_TICKET_ID),
        ("fault ticket status göster", texts.ASK_TICKET_ID),
        ("arıza kaydı açmak istiyorum", texts.ASK_FAULT_DESCRIPTION),
        ("e-postamı değiştir", texts.ASK_NEW_EMAIL),
        ("adresimi değiştirmek istiyorum", texts.ASK_NEW_ADDRESS),
        ("iletişim bilgimi güncellemek istiyorum", texts.ASK_CONTACT_TYPE),
        ("otomatik ödeme", texts.ASK_AUTOPAY_STATUS),
        ("roaming", texts.ASK_ROAMING_STATUS),
    ],
)
def test_missing_required_argument_is_asked_not_invented(
    ask: Ask, text: str, question: str
) -> None:
    reply = ask(text)
    assert reply.tool_calls == ()
    assert reply.text == question


def test_package_request_without_a_name_lists_the_packages(ask: Ask) -> None:
    for text in ("paketimi değiştirmek istiyorum", "package details nedir?"):
        assert only_call(ask(text)).name == "get_available_packages"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("merhaba", texts.GREETING),
        ("Selam", texts.GREETING),
        ("naber", texts.HOW_ARE_YOU),
        ("Teşekkür ederim, sorunum çözüldü.", texts.THANKS),
        ("sağ ol", texts.THANKS),
        ("görüşürüz", texts.GOODBYE),
        ("ne yapabilirsin", texts.CAPABILITIES),
        ("tamam", texts.ACKNOWLEDGED),
        ("vazgeçtim", texts.NOTHING_TO_CANCEL),  # nothing was pending
        ("Yarın hava nasıl olacak?", texts.OUT_OF_SCOPE),
        ("Bana bir şiir yaz", texts.OUT_OF_SCOPE),
        ("Numara taşıma yapmak istiyorum", texts.OUT_OF_SCOPE),
        ("Canlı temsilciye bağlar mısın", texts.HUMAN_AGENT),
        ("Berbat bir hizmet", texts.COMPLAINT),
        ("Bu faturalar neden hep bu kadar karışık oluyor?", texts.OUT_OF_SCOPE),
    ],
)
def test_small_talk_and_out_of_scope_get_a_polite_answer(
    ask: Ask, text: str, expected: str
) -> None:
    reply = ask(text)
    assert reply.tool_calls == ()
    assert reply.text == expected


def test_travel_plans_get_roaming_terms_and_an_offer(ask: Ask) -> None:
    reply = ask("Portekiz seyahati planlıyorum. ID: 2392")
    assert reply.tool_calls == ()
    assert "25,00 TL" in reply.text
    assert reply.text.endswith(texts.OFFER_ROAMING)


def test_how_roaming_works_is_explained_not_switched(ask: Ask) -> None:
    reply = ask("Roaming tam olarak nasıl çalışıyor?")
    assert reply.tool_calls == ()
    assert "günlük 25,00 TL" in reply.text


def test_autopay_questions_are_explained_not_switched(ask: Ask) -> None:
    reply = ask("Otomatik ödeme talimatı vermek güvenli mi?")
    assert reply.tool_calls == ()
    assert reply.text.endswith(texts.OFFER_AUTOPAY)
    # Whether it is on is read from the profile, never switched.
    reply = ask("Otomatik ödemem açık mı?")
    assert [call.name for call in reply.tool_calls] == ["get_customer_profile"]
