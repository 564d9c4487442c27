"""Two requests in one message: both answered, or the second offered, never dropped."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from agent.rules import RulesEngine, RulesReply, texts
from agent.turns import ChatTurn, ToolCall
from tests.rules.dialogues import CUSTOMER
from tests.rules.dialogues import UNPAID_BILL_RESULT as BILL

Ask = Callable[..., RulesReply]

QUOTAS = {
    "success": True,
    "data": {
        "internet_remaining_gb": 31.5,
        "internet_total_gb": 50,
        "minutes_remaining": 590,
        "minutes_total": 1000,
        "sms_remaining": 390,
        "sms_total": 500,
        "period_end": "2026-12-20",
    },
}


def _names(reply: RulesReply) -> list[str]:
    return [call.name for call in reply.tool_calls]


def _answered(
    engine: RulesEngine, asked: str, calls: tuple[ToolCall, ...], results: list[dict[str, Any]]
) -> tuple[list[ChatTurn], str]:
    turns = [ChatTurn("user", asked), ChatTurn("assistant", "<tool>", calls)]
    turns += [ChatTurn("tool", json.dumps(result, ensure_ascii=False)) for result in results]
    answer = engine.respond(turns, CUSTOMER).text
    return [*turns, ChatTurn("assistant", answer)], answer


@pytest.mark.parametrize(
    ("text", "tools"),
    [
        (
            "faturamı göster bir de kalan internetim ne kadar",
            ["get_current_bill", "get_remaining_quotas"],
        ),
        ("kalan dakikam ve paketim", ["get_remaining_quotas", "get_customer_package"]),
        (
            "faturam ne kadar, kalan internetim ne kadar",
            ["get_current_bill", "get_remaining_quotas"],
        ),
        ("faturamı ve kalan internetimi göster", ["get_current_bill", "get_remaining_quotas"]),
    ],
)
def test_two_questions_are_looked_up_together(ask: Ask, text: str, tools: list[str]) -> None:
    assert _names(ask(text)) == tools


def test_both_answers_reach_the_customer(engine: RulesEngine) -> None:
    asked = "faturamı göster bir de kalan internetim ne kadar"
    calls = engine.respond([ChatTurn("user", asked)], CUSTOMER).tool_calls
    _, answer = _answered(engine, asked, calls, [BILL, QUOTAS])
    assert "129,22 TL" in answer
    assert "31,5 GB" in answer


def test_two_actions_are_both_proposed(ask: Ask) -> None:
    assert _names(ask("roaming aç ve faturamı öde")) == ["enable_roaming", "pay_bill"]


@pytest.mark.parametrize(
    ("asked", "reading", "results", "shown", "action"),
    [
        (
            "kalan internetim ne kadar ve roaming aç",
            "get_remaining_quotas",
            [QUOTAS],
            "31,5 GB",
            "enable_roaming",
        ),
        (
            "roaming aç ayrıca faturamı da söyle",
            "get_current_bill",
            [BILL],
            "129,22 TL",
            "enable_roaming",
        ),
        ("faturamı göster sonra da öde", "get_current_bill", [BILL], "129,22 TL", "pay_bill"),
        (
            "fatuam ne kadar bir de odeyim hemen",
            "get_current_bill",
            [BILL],
            "129,22 TL",
            "pay_bill",
        ),
        (
            "yurt disi kullanimimi ac, ayrica kalan gb mi soyle",
            "get_remaining_quotas",
            [QUOTAS],
            "31,5 GB",
            "enable_roaming",
        ),
    ],
)
def test_a_question_and_an_action_answer_the_question_and_propose_the_action(
    engine: RulesEngine,
    asked: str,
    reading: str,
    results: list[dict[str, Any]],
    shown: str,
    action: str,
) -> None:
    reply = engine.respond([ChatTurn("user", asked)], CUSTOMER)
    assert _names(reply) == [reading]
    turns = [ChatTurn("user", asked), ChatTurn("assistant", "<tool>", reply.tool_calls)]
    turns += [ChatTurn("tool", json.dumps(result, ensure_ascii=False)) for result in results]
    answered = engine.respond(turns, CUSTOMER)
    # The answer comes first (the loop shows it before the card), the action as its card.
    assert shown in answered.text
    assert _names(answered) == [action]
    assert "başlatayım mı?" not in answered.text


def test_an_action_that_needs_a_question_is_offered_after_the_answer(
    engine: RulesEngine,
) -> None:
    asked = "kalan internetim ne kadar ve iletişim bilgilerimi güncellemek istiyorum"
    reply = engine.respond([ChatTurn("user", asked)], CUSTOMER)
    assert _names(reply) == ["get_remaining_quotas"]
    turns, answer = _answered(engine, asked, reply.tool_calls, [QUOTAS])
    assert "31,5 GB" in answer
    assert "başlatayım mı?" in answer
    # A no leaves the account as it is.
    no = engine.respond([*turns, ChatTurn("user", "hayır gerek yok")], CUSTOMER)
    assert no.tool_calls == ()
    assert no.text == texts.DECLINED


def test_an_answer_to_one_request_offers_nothing(engine: RulesEngine) -> None:
    asked = "faturam ne kadar"
    reply = engine.respond([ChatTurn("user", asked)], CUSTOMER)
    _, answer = _answered(engine, asked, reply.tool_calls, [BILL])
    assert "başlatayım mı" not in answer


@pytest.mark.parametrize(
    "text",
    [
        "internetim yavaş ve sürekli kopuyor",
        "Şu anki paketim ne, kaç GB veriyordu?",
        "Arama yapamıyorum, hattımda sorun var",
        "telefonum kayıp ve çalıntı, hattımı dondurun",
    ],
)
def test_one_request_told_in_two_parts_stays_one(ask: Ask, text: str) -> None:
    assert len(ask(text).tool_calls) <= 1


@pytest.mark.parametrize(
    ("text", "tools"),
    [
        (
            "bu ayın faturasını kartla ödeyip otomatik ödeme talimatı da vermek istiyorum",
            ["pay_bill", "setup_autopay"],
        ),
        ("roamingi açıp paketimi Premium yapın", ["enable_roaming", "change_package"]),
        ("faturami odeyip otomatik odemeyi de acin", ["pay_bill", "setup_autopay"]),
    ],
)
def test_two_actions_joined_by_a_converb_are_both_proposed(
    engine: RulesEngine, text: str, tools: list[str]
) -> None:
    reply = engine.respond([ChatTurn("user", text)], CUSTOMER)

    assert [call.name for call in reply.tool_calls] == tools
