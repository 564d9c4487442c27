"""Common English requests run the same tools as their Turkish forms; answers stay Turkish."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from agent.rules import RulesEngine, RulesReply, texts
from agent.rules.english import is_english
from tests.rules.dialogues import UNPAID_BILL_RESULT as BILL
from tests.rules.dialogues import Conversation, args_of, only_call

Ask = Callable[..., RulesReply]


@pytest.mark.parametrize(
    ("text", "tool"),
    [
        ("what is my bill", "get_current_bill"),
        ("how much is my bill?", "get_current_bill"),
        ("how much internet do I have left", "get_remaining_quotas"),
        ("what's my remaining data", "get_remaining_quotas"),
        ("pay my bill", "pay_bill"),
        ("my internet is slow", "test_internet_speed"),
        ("show packages", "get_available_packages"),
        ("show me my past bills", "get_past_bills"),
        ("what is my current plan", "get_customer_package"),
        ("is there an outage in Izmir", "check_network_status"),
        ("show my payment history", "get_payment_history"),
        ("how many sms left", "get_remaining_quotas"),
    ],
)
def test_an_english_request_runs_the_tool_of_its_turkish_form(
    ask: Ask, text: str, tool: str
) -> None:
    assert only_call(ask(text)).name == tool


def test_turn_on_roaming_proposes_switching_it_on(ask: Ask) -> None:
    assert args_of(ask("turn on roaming")) == {"status": True}


def test_closing_the_line_in_english_asks_the_reason_in_turkish(ask: Ask) -> None:
    reply = ask("I want to cancel my line")
    assert reply.tool_calls == ()
    assert texts.ASK_SUSPEND_REASON in reply.text


def test_asking_for_a_human_gets_the_turkish_answer_about_agents(ask: Ask) -> None:
    reply = ask("I want to talk to a human")
    assert reply.tool_calls == ()
    assert texts.HUMAN_AGENT in reply.text
    assert texts.ANSWERING_IN_TURKISH in reply.text


def test_the_answer_is_turkish_and_says_so_once(engine: RulesEngine) -> None:
    chat = Conversation(engine)
    chat.say("what is my bill")
    first = chat.give(BILL).text
    assert first.startswith(texts.ANSWERING_IN_TURKISH)
    assert "129,22 TL" in first
    chat.say("show my bill again")
    second = chat.give(BILL).text
    assert texts.ANSWERING_IN_TURKISH not in second
    assert "129,22 TL" in second


@pytest.mark.parametrize(
    "text",
    ["internet paketim", "roaming aç", "past bills nedir?", "Mega İnternet", "hi"],
)
def test_turkish_with_english_words_is_not_taken_for_english(text: str) -> None:
    assert not is_english(text)
