"""Another person's data is refused plainly; an upset customer is heard, not echoed."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from agent.rules import RulesEngine, RulesReply, texts
from agent.rules.tone import calm
from agent.turns import ChatTurn
from tests.rules.dialogues import CUSTOMER, Conversation, args_of, only_call
from tests.rules.dialogues import UNPAID_BILL_RESULT as BILL

Ask = Callable[..., RulesReply]


@pytest.mark.parametrize(
    "text",
    [
        "eşimin faturası ne kadar",
        "annemin hattı",
        "kardeşimin paketini değiştir",
        "babamın faturasını ödemek istiyorum",
        "annemin hattı 05320001003 onun borcu var mı",
        "0532 000 10 05 numaralı hattın faturası",
        "1002 numaralı müşterinin ödemelerini göster",
        "7306 nolu müşterinin paket bilgisi nedir?",
        "oğlumun kalan internetini öğrenebilir miyim",
        "what is my wife's bill",
    ],
)
def test_another_persons_account_is_refused_without_showing_anything(ask: Ask, text: str) -> None:
    reply = ask(text)
    assert reply.tool_calls == ()
    assert texts.OTHER_PERSON_DATA in reply.text
    assert "kendi hesab" in reply.text
    assert "/start" in reply.text


@pytest.mark.parametrize(
    ("text", "tool"),
    [
        ("eşimle yurt dışına gidiyorum roaming açar mısınız", "enable_roaming"),
        ("0532 123 45 67 numaralı hattımın faturası", "get_current_bill"),
        ("telefon numaramı 0532 123 45 67 olarak güncelleyin", "update_customer_contact"),
        ("annem için hangi paketler var", "get_available_packages"),
    ],
)
def test_own_requests_that_mention_others_are_served(ask: Ask, text: str, tool: str) -> None:
    assert only_call(ask(text)).name == tool


def test_after_the_refusal_the_customers_own_bill_is_shown(engine: RulesEngine) -> None:
    chat = Conversation(engine)
    assert texts.OTHER_PERSON_DATA in chat.say("eşimin faturası ne kadar").text
    assert only_call(chat.say("peki benim faturam")).name == "get_current_bill"


def test_after_the_refusal_mine_instead_asks_the_same_about_the_own_account(
    engine: RulesEngine,
) -> None:
    chat = Conversation(engine)
    assert texts.OTHER_PERSON_DATA in chat.say("eşimin faturası ne kadar").text
    assert only_call(chat.say("tamam benimkini söyle")).name == "get_current_bill"


@pytest.mark.parametrize(
    "text",
    ["rezalet!!", "üç gündür arıyorum kimse ilgilenmiyor", "yeter artık, hala çözülmedi"],
)
def test_an_upset_customer_without_a_request_gets_an_apology(ask: Ask, text: str) -> None:
    reply = ask(text)
    assert reply.tool_calls == ()
    assert "üzgünüm" in reply.text


def test_an_upset_question_is_acknowledged_once_then_answered(engine: RulesEngine) -> None:
    chat = Conversation(engine)
    chat.say("FATURAM NEDEN BU KADAR YÜKSEK!!!")
    first = chat.give(BILL).text
    assert first.startswith(texts.UPSET_ACKNOWLEDGED)
    assert "129,22 TL" in first
    chat.say("faturam ne kadar!!")
    second = chat.give(BILL).text
    assert texts.UPSET_ACKNOWLEDGED not in second
    assert "129,22 TL" in second


def test_an_indignant_question_is_acknowledged(engine: RulesEngine) -> None:
    chat = Conversation(engine)
    chat.say("faturam 232 lira mı olur ya saçmalık")
    assert chat.give(BILL).text.startswith(texts.UPSET_ACKNOWLEDGED)


def test_a_calm_question_gets_no_apology(engine: RulesEngine) -> None:
    turns = [ChatTurn("user", "faturam ne kadar")]
    call = engine.respond(turns, CUSTOMER).tool_calls
    turns += [ChatTurn("assistant", "<tool>", call), ChatTurn("tool", json.dumps(BILL))]
    assert "üzgünüm" not in engine.respond(turns, CUSTOMER).text


def test_a_shouted_fault_is_recorded_in_sentence_case(ask: Ask) -> None:
    description = args_of(ask("BIKTIM ARTIK İNTERNETİM YİNE YOK!!!"))["issue_description"]
    assert description == "Bıktım artık internetim yine yok!"


@pytest.mark.parametrize(
    ("shouted", "calmed"),
    [
        ("İNTERNET ÇALIŞMIYOR!!!", "İnternet çalışmıyor!"),
        ("hattım   çekmiyor??", "hattım çekmiyor?"),
        ("Modem ışığı yanmıyor.", "Modem ışığı yanmıyor."),
    ],
)
def test_calm_keeps_the_words_and_drops_the_shouting(shouted: str, calmed: str) -> None:
    assert calm(shouted) == calmed
