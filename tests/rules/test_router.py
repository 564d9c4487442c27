"""Unlinked chats, odd dialogues and arbitrary input: the engine always answers."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agent.rules import RulesEngine, RulesReply, texts
from agent.rules.tool_contract import PARAMETERS
from agent.turns import ChatTurn, ToolCall
from tests.rules.dialogues import CUSTOMER, Conversation, only_call

Ask = Callable[..., RulesReply]


@pytest.mark.parametrize(
    "text",
    [
        "faturam ne kadar",
        "faturamı ödemek istiyorum",
        "kalan internetim",
        "premium pakete geçmek istiyorum",
        "roaming aç",
        "internetim çekmiyor",
        "T-2026-000123 ne durumda",
        "hattımı dondurmak istiyorum",
        "profilim",
    ],
)
def test_unlinked_chat_is_asked_to_link_instead_of_calling(ask: Ask, text: str) -> None:
    reply = ask(text, customer_id=None)
    assert reply.tool_calls == ()
    assert reply.text == texts.LINK_ACCOUNT
    assert "/start" in reply.text


@pytest.mark.parametrize(
    ("text", "tool"),
    [
        ("hangi paketler var", "get_available_packages"),
        ("gamer pro nedir", "get_package_details"),
        ("Ankara'da kesinti var mı", "check_network_status"),
    ],
)
def test_unlinked_chat_still_gets_general_information(ask: Ask, text: str, tool: str) -> None:
    call = only_call(ask(text, customer_id=None))
    assert call.name == tool
    assert "user_id" not in call.arguments


def test_unlinked_chat_answers_a_pending_question_with_the_link_request(
    engine: RulesEngine,
) -> None:
    chat = Conversation(engine, customer_id=None)
    assert chat.say("internet kesintisi var mı").text == texts.ASK_REGION
    assert only_call(chat.say("izmir")).arguments == {"region": "İzmir"}
    chat = Conversation(engine, customer_id=None)
    chat.say("Japonya seyahati planlıyorum")
    assert chat.say("evet").text == texts.LINK_ACCOUNT


@pytest.mark.parametrize("text", ["faturam ne kadar", "hattımı dondurmak istiyorum", "profilim"])
def test_in_a_group_an_account_question_is_sent_to_the_private_chat(
    engine: RulesEngine, text: str
) -> None:
    reply = engine.respond([ChatTurn("user", text)], None, private=False)
    assert reply.tool_calls == ()
    assert reply.text == texts.ACCOUNT_IN_PRIVATE
    assert "/start" not in reply.text
    general = engine.respond([ChatTurn("user", "hangi paketler var")], None, private=False)
    assert only_call(general).name == "get_available_packages"


def test_every_call_uses_only_contract_parameters(ask: Ask) -> None:
    for text in (
        "F-2026-000001 faturamı havale ile öde",
        "son 3 faturam",
        "askere gidiyorum hattımı dondurun",
        "internetim çekmiyor",
        "email adresimi a@b.co yapın",
    ):
        call = only_call(ask(text))
        assert set(call.arguments) <= set(PARAMETERS[call.name])


def test_empty_dialogue_and_empty_message(engine: RulesEngine) -> None:
    assert engine.respond([], CUSTOMER).text == texts.GREETING
    assert engine.respond([ChatTurn("user", "   ")], CUSTOMER).text == texts.EMPTY_MESSAGE


def test_dialogue_ending_with_an_assistant_turn_gets_no_output(engine: RulesEngine) -> None:
    turns = [ChatTurn("user", "merhaba"), ChatTurn("assistant", texts.GREETING)]
    assert engine.respond(turns, CUSTOMER) == RulesReply("")


def test_tool_turn_without_a_call_is_answered_politely(engine: RulesEngine) -> None:
    reply = engine.respond([ChatTurn("user", "x"), ChatTurn("tool", "{}")], CUSTOMER)
    assert reply == RulesReply(texts.ERROR_UNREADABLE)


def test_unknown_tool_result_is_answered_politely(engine: RulesEngine) -> None:
    turns = [
        ChatTurn("user", "x"),
        ChatTurn("assistant", "<tool>", (ToolCall("launch_rocket", {}),)),
        ChatTurn("tool", "{}"),
    ]
    assert engine.respond(turns, CUSTOMER).text == texts.ERROR_UNREADABLE


def test_the_engine_is_stateless(engine: RulesEngine) -> None:
    turns = [ChatTurn("user", "son 3 faturam")]
    assert engine.respond(turns, CUSTOMER) == engine.respond(turns, CUSTOMER)
    assert RulesEngine().respond(turns, CUSTOMER) == engine.respond(turns, CUSTOMER)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300))
def test_any_text_gets_a_reply_and_never_raises(text: str) -> None:
    reply = RulesEngine().respond([ChatTurn("user", text)], CUSTOMER)
    assert reply.text or reply.tool_calls
    for call in reply.tool_calls:
        assert set(call.arguments) <= set(PARAMETERS[call.name])


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200), st.sampled_from(sorted(PARAMETERS)))
def test_any_tool_content_gets_a_text_answer(content: str, tool: str) -> None:
    turns = [
        ChatTurn("user", "soru"),
        ChatTurn("assistant", "<tool>", (ToolCall(tool, {}),)),
        ChatTurn("tool", content),
    ]
    reply = RulesEngine().respond(turns, CUSTOMER)
    assert reply.tool_calls == ()
    assert reply.text


def test_a_very_long_message_is_still_routed(ask: Ask) -> None:
    reply = ask("faturam ne kadar " * 400)
    assert only_call(reply).name == "get_current_bill"
