"""Multi-turn slot filling: the engine asks, the customer answers, the call follows."""

from __future__ import annotations

from agent.rules import RulesEngine, texts
from agent.turns import ChatTurn
from tests.rules.dialogues import CUSTOMER, Conversation, args_of, only_call

PACKAGES = {
    "packages": [
        {
            "name": "Mega İnternet",
            "monthly_fee": 69.5,
            "features": {"internet_gb": 50, "voice_minutes": 1000, "sms_count": 500},
        },
        {
            "name": "Premium Paket",
            "monthly_fee": 89.9,
            "features": {"internet_gb": 100, "voice_minutes": 3000, "sms_count": 1000},
        },
    ]
}


def test_change_package_asks_which_then_reads_a_short_answer(engine: RulesEngine) -> None:
    chat = Conversation(engine)
    assert only_call(chat.say("paketimi değiştirmek istiyorum")).name == "get_available_packages"
    listed = chat.give(PACKAGES)
    assert listed.text.endswith(texts.ASK_PACKAGE_CHANGE)
    reply = chat.say("premium olsun")
    assert only_call(reply).name == "change_package"
    assert args_of(reply) == {"new_package_name": "Premium"}
    assert only_call(reply).arguments["user_id"] == CUSTOMER


def test_package_details_without_a_name_asks_which_details(engine: RulesEngine) -> None:
    chat = Conversation(engine)
    chat.say("paket detayları nedir")
    assert chat.give(PACKAGES).text.endswith(texts.ASK_PACKAGE_DETAILS)
    reply = chat.say("mega internet")
    assert only_call(reply).name == "get_package_details"
    assert args_of(reply) == {"package_name": "Mega İnternet"}


def test_region_question_then_city_with_suffix(engine: RulesEngine) -> None:
    chat = Conversation(engine)
    assert chat.say("internet kesintisi var mı").text == texts.ASK_REGION
    reply = chat.say("İzmir'de")
    assert only_call(reply).name == "check_network_status"
    assert args_of(reply) == {"region": "İzmir"}


def test_suspension_reason_recognised_or_taken_as_written(engine: RulesEngine) -> None:
    chat = Conversation(engine)
    assert chat.say("hattımı dondurmak istiyorum").text == texts.ASK_SUSPEND_REASON
    assert args_of(chat.say("askere gidiyorum")) == {"reason": "askerlik"}

    chat = Conversation(engine)
    chat.say("hattımı dondurun")
    assert args_of(chat.say("Bir süre başka şehirde olacağım.")) == {
        "reason": "Bir süre başka şehirde olacağım"
    }


def test_new_contact_value_is_asked_for_the_right_type(engine: RulesEngine) -> None:
    chat = Conversation(engine)
    assert chat.say("e-posta adresimi değiştirmek istiyorum").text == texts.ASK_NEW_EMAIL
    reply = chat.say("yeni adresim ayse@example.com")
    assert args_of(reply) == {"contact_type": "email", "new_value": "ayse@example.com"}

    chat = Conversation(engine)
    assert chat.say("adresimi güncellemem lazım").text == texts.ASK_NEW_ADDRESS
    reply = chat.say("Kızılay Mah. Atatürk Bulvarı No 10 Çankaya Ankara")
    assert args_of(reply) == {
        "contact_type": "address",
        "new_value": "Kızılay Mah. Atatürk Bulvarı No 10 Çankaya Ankara",
    }


def test_contact_type_then_value_over_three_turns(engine: RulesEngine) -> None:
    chat = Conversation(engine)
    assert chat.say("iletişim bilgimi güncellemek istiyorum").text == texts.ASK_CONTACT_TYPE
    assert chat.say("telefon").text == texts.ASK_NEW_PHONE
    reply = chat.say("0532 987 65 43")
    assert args_of(reply) == {"contact_type": "phone", "new_value": "+905329876543"}


def test_unreadable_answer_repeats_the_question(engine: RulesEngine) -> None:
    chat = Conversation(engine)
    chat.say("arıza kaydımın durumu ne")
    reply = chat.say("bilmiyorum ki")
    assert reply.tool_calls == ()
    assert reply.text == f"{texts.NOT_UNDERSTOOD} {texts.ASK_TICKET_ID}"
    # The question is still recognised after the repeat.
    assert args_of(chat.say("T-2026-000321")) == {"ticket_id": "T-2026-000321"}


def test_new_request_instead_of_an_answer_is_served(engine: RulesEngine) -> None:
    chat = Conversation(engine)
    chat.say("hattımı dondurmak istiyorum")
    assert only_call(chat.say("faturam ne kadar")).name == "get_current_bill"


def test_cancel_ends_the_question(engine: RulesEngine) -> None:
    chat = Conversation(engine)
    chat.say("hattımı dondurmak istiyorum")
    reply = chat.say("vazgeçtim")
    assert reply.tool_calls == ()
    assert reply.text == texts.CANCELLED


def test_status_question_reads_on_and_off(engine: RulesEngine) -> None:
    chat = Conversation(engine)
    assert chat.say("otomatik ödeme").text == texts.ASK_AUTOPAY_STATUS
    assert args_of(chat.say("iptal edin")) == {"status": False}

    chat = Conversation(engine)
    assert chat.say("roaming").text == texts.ASK_ROAMING_STATUS
    assert args_of(chat.say("aç")) == {"status": True}


def test_roaming_offer_after_travel_plans(engine: RulesEngine) -> None:
    chat = Conversation(engine)
    chat.say("Japonya seyahati planlıyorum")
    reply = chat.say("evet")
    assert only_call(reply).name == "enable_roaming"
    assert args_of(reply) == {"status": True}

    chat = Conversation(engine)
    chat.say("Japonya seyahati planlıyorum")
    declined = chat.say("hayır gerek yok")
    assert declined.tool_calls == ()
    assert declined.text == texts.DECLINED


def test_autopay_offer_after_the_explanation(engine: RulesEngine) -> None:
    chat = Conversation(engine)
    chat.say("Otomatik ödeme güvenli mi?")
    assert args_of(chat.say("olur, açalım")) == {"status": True}


def test_fault_ticket_offer_after_a_poor_speed_test_uses_the_complaint(
    engine: RulesEngine,
) -> None:
    chat = Conversation(engine)
    assert only_call(chat.say("internetim çok yavaş")).name == "test_internet_speed"
    result = chat.give(
        {
            "user_id": CUSTOMER,
            "download_speed_mbps": 2.1,
            "upload_speed_mbps": 0.4,
            "ping_ms": 180,
            "test_timestamp": "2026-11-26T09:26:53+03:00",
            "test_server": "Telekom İstanbul test sunucusu",
            "quality_rating": "poor",
        }
    )
    assert result.text.endswith(texts.OFFER_FAULT_TICKET)
    reply = chat.say("evet")
    assert only_call(reply).name == "create_fault_ticket"
    assert args_of(reply) == {"issue_description": "internetim çok yavaş", "category": "internet"}


def test_a_good_speed_test_offers_nothing(engine: RulesEngine) -> None:
    chat = Conversation(engine)
    chat.say("hız testi yap")
    result = chat.give({"download_speed_mbps": 97.0, "quality_rating": "good"})
    assert texts.OFFER_FAULT_TICKET not in result.text


def test_question_is_only_remembered_for_one_turn(engine: RulesEngine) -> None:
    turns = [
        ChatTurn("user", "hattımı dondurmak istiyorum"),
        ChatTurn("assistant", texts.ASK_SUSPEND_REASON),
        ChatTurn("user", "merhaba"),
        ChatTurn("assistant", texts.GREETING),
        ChatTurn("user", "askere gidiyorum"),
    ]
    reply = engine.respond(turns, CUSTOMER)
    assert reply.tool_calls == ()  # no suspension from an answer to an older question


def test_small_talk_is_not_taken_as_a_free_text_answer(engine: RulesEngine) -> None:
    chat = Conversation(engine)
    chat.say("hattımı dondurmak istiyorum")
    reply = chat.say("teşekkürler")
    assert reply.tool_calls == ()
    assert reply.text == texts.THANKS
