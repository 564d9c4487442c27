"""Requests routed to what they need: a dead line checked first, named values proposed at once.

Facts from the demo operator (``tests/rules/demo_results.py``): customer 1003's
line is suspended; customer 1004's line is active and the address is in
Bursa; customer 1002 is on Premium Paket (89,90 TL), 1004 on Öğrenci Dostu
Tarife (49,90 TL), the cheapest package.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from agent.rules import RulesEngine, RulesReply, texts
from tests.rules import demo_results as demo
from tests.rules.dialogues import args_of, only_call
from tests.rules.tool_runs import Chat, Results

Ask = Callable[..., RulesReply]

BURSA_NORMAL: dict[str, Any] = {
    "region": "Marmara",
    "status": "operational",
    "coverage_percentage": 99.2,
    "active_outages": [],
    "last_updated": "2026-12-03T09:00:00+00:00",
}
BURSA_OUTAGE: dict[str, Any] = {
    **BURSA_NORMAL,
    "status": "partial_outage",
    "active_outages": [
        {
            "area": "Osmangazi",
            "issue": "Baz istasyonu bakımı",
            "start_time": "2026-12-03T08:00:00+00:00",
            "estimated_end": "2026-12-03T14:00:00+00:00",
        }
    ],
}


def _chat(engine: RulesEngine, customer: int, **results: dict[str, Any]) -> Chat:
    return Chat(engine, customer, dict(results.items()))


# --- a line that does not work ------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "hattım çekmiyor",
        "hattım neden kapalı",
        "arayamıyorum",
        "telefonum çalışmıyor",
        "internet yok arama yok ne oluyor",
    ],
)
def test_a_suspended_line_is_said_and_reactivation_offered(engine: RulesEngine, text: str) -> None:
    chat = _chat(engine, 1003, get_customer_profile=demo.PROFILE_1003)
    answer = chat.say(text)
    assert chat.tools == ["get_customer_profile"]
    assert "+90 532 000 10 03 numaralı hattınız şu anda askıda" in answer
    assert answer.endswith(texts.OFFER_REACTIVATE)
    chat.say("evet")
    assert chat.tools == ["reactivate_line"]


def test_an_active_line_is_checked_for_outages_in_the_customers_city(engine: RulesEngine) -> None:
    results: Results = {
        "get_customer_profile": demo.PROFILE_1004,
        ("check_network_status", "Bursa"): BURSA_NORMAL,
    }
    chat = Chat(engine, 1004, results)
    answer = chat.say("hattım çekmiyor")
    assert chat.tools == ["get_customer_profile", "check_network_status"]
    assert texts.LINE_ACTIVE in answer
    assert "bilinen bir kesinti yok" in answer
    assert answer.endswith(texts.OFFER_LINE_FAULT_TICKET)
    chat.say("evet, açın")
    assert chat.tools == ["create_fault_ticket"]
    assert chat.calls[0].arguments["issue_description"] == "hattım çekmiyor"


def test_an_outage_is_given_as_the_likely_cause_without_a_ticket(engine: RulesEngine) -> None:
    results: Results = {
        "get_customer_profile": demo.PROFILE_1004,
        ("check_network_status", "Bursa"): BURSA_OUTAGE,
    }
    chat = Chat(engine, 1004, results)
    answer = chat.say("arayamıyorum")
    assert "Osmangazi: Baz istasyonu bakımı" in answer
    assert texts.LINE_OUTAGE_CAUSE in answer
    assert texts.OFFER_LINE_FAULT_TICKET not in answer


def test_the_line_status_question_gets_the_status_only(engine: RulesEngine) -> None:
    chat = _chat(engine, 1004, get_customer_profile=demo.PROFILE_1004)
    answer = chat.say("hattımın durumu ne")
    assert chat.tools == ["get_customer_profile"]
    assert answer == texts.LINE_IS_ACTIVE.format(numbers="+90 532 000 10 04")


@pytest.mark.parametrize(
    ("text", "tool"),
    [
        ("Arama yapamıyorum, hattımda sorun var", "create_fault_ticket"),
        ("İnternetim çekmiyor", "create_fault_ticket"),
        ("Bursa'da hattım çekmiyor", "check_network_status"),
        ("hattımı kapatın, askere gidiyorum", "suspend_line"),
    ],
)
def test_other_complaints_keep_their_routes(ask: Ask, text: str, tool: str) -> None:
    assert only_call(ask(text)).name == tool


# --- action requests that name their value ------------------------------------------


@pytest.mark.parametrize(
    ("text", "package"),
    [
        ("tarifemi Süper Konuşma yapın", "Süper Konuşma"),
        ("paketimi Premium'a geçir", "Premium"),
        ("Mega İnternet paketine geçmek istiyorum", "Mega İnternet"),
        ("bunu gamer pro yapalım", "Gamer Pro"),
    ],
)
def test_a_named_package_goes_straight_to_the_change(ask: Ask, text: str, package: str) -> None:
    reply = ask(text)
    assert only_call(reply).name == "change_package"
    assert args_of(reply)["new_package_name"] == package


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("e-postamı ali@ornek.com olarak güncelle", "email", "ali@ornek.com"),
        (
            "adresim Atatürk Cad. No 5 Kadıköy İstanbul olarak değişsin",
            "address",
            "Atatürk Cad. No 5 Kadıköy İstanbul",
        ),
        (
            "adresim değişti: Kızılay Mah. Atatürk Bulvarı No: 45 D: 7, Çankaya, Ankara",
            "address",
            "Kızılay Mah. Atatürk Bulvarı No: 45 D: 7, Çankaya, Ankara",
        ),
    ],
)
def test_a_contact_value_in_the_request_is_used_at_once(
    ask: Ask, text: str, kind: str, value: str
) -> None:
    reply = ask(text)
    assert only_call(reply).name == "update_customer_contact"
    assert args_of(reply) == {"contact_type": kind, "new_value": value}


def test_the_cheapest_package_is_proposed(engine: RulesEngine) -> None:
    chat = _chat(
        engine,
        1002,
        get_available_packages=demo.PACKAGES,
        get_customer_package=demo.PACKAGE_1002,
    )
    chat.say("en ucuz pakete geçir beni")
    assert chat.tools == ["get_available_packages", "get_customer_package", "change_package"]
    # Öğrenci Dostu and Memur Özel are cheaper but reserved for students and civil servants.
    assert chat.calls[-1].arguments == {"user_id": 1002, "new_package_name": "Süper Konuşma"}


def test_cheaper_packages_are_listed_once_and_one_asked_for(engine: RulesEngine) -> None:
    chat = _chat(
        engine,
        1002,
        get_available_packages=demo.PACKAGES,
        get_customer_package=demo.PACKAGE_1002,
    )
    answer = chat.say("daha uygun bir pakete geçmek istiyorum")
    assert answer.startswith("Mevcut paketiniz Premium Paket (aylık 89,90 TL).")
    assert "Süper Konuşma: aylık 59,90 TL" in answer
    assert "Mega İnternet: aylık 69,50 TL" in answer
    assert "Gamer Pro" not in answer  # dearer packages are not offered
    assert answer.count(texts.ASK_PACKAGE_CHANGE) == 1
    chat.say("Mega İnternet olsun")
    assert chat.tools == ["change_package"]
    assert chat.calls[0].arguments["new_package_name"] == "Mega İnternet"


def test_the_cheapest_package_already_is_said(engine: RulesEngine) -> None:
    chat = _chat(
        engine,
        1004,
        get_available_packages=demo.PACKAGES,
        get_customer_package=demo.PACKAGE_1004,
    )
    answer = chat.say("daha ucuz bir pakete geçmek istiyorum")
    assert answer.startswith(
        texts.CHEAPER_NONE.format(package="Öğrenci Dostu Tarife", fee="49,90 TL")
    )


def test_asking_for_the_cheapest_package_only_lists_them(ask: Ask) -> None:
    assert only_call(ask("En uygun fiyatlı paketiniz hangisi?")).name == "get_available_packages"


@pytest.mark.parametrize(
    "text",
    ["Mega İnternet ile Süper Konuşma arasındaki fark ne", "mega internet mi süper konuşma mı"],
)
def test_a_comparison_shows_every_package_named(engine: RulesEngine, text: str) -> None:
    results: Results = {
        ("get_package_details", "Mega İnternet"): demo.DETAILS_MEGA,
        ("get_package_details", "Süper Konuşma"): demo.DETAILS_SUPER,
    }
    chat = Chat(engine, 1001, results)
    answer = chat.say(text)
    assert chat.tools == ["get_package_details", "get_package_details"]
    assert "Mega İnternet: aylık 69,50 TL · 50 GB, 1.000 dk, 500 SMS" in answer
    assert "Süper Konuşma: aylık 59,90 TL · 25 GB, 2.000 dk, 1.000 SMS" in answer
    assert answer.count(texts.PACKAGE_DETAILS_CLOSING) == 1
