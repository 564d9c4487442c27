"""Edits, deletions and message drafts, through python-telegram-bot and the driver.

The stand-in stands in for Telegram's servers: an edit to identical content is
refused as "message is not modified", drafts work only in private chats, and
the driver shows each message's current text with its history.
"""

from __future__ import annotations

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.error import BadRequest

from bot.standin import StandinDriver, UserView

CONFIRM = InlineKeyboardMarkup(
    [
        [
            InlineKeyboardButton("Onayla", callback_data="ok"),
            InlineKeyboardButton("Vazgeç", callback_data="no"),
        ]
    ]
)


async def test_edits_are_visible_with_their_history(
    bot: Bot, driver: StandinDriver, customer: UserView
) -> None:
    sent = await bot.send_message(customer.id, "Yanıt hazırlanıyor")
    await bot.edit_message_text("Yanıt hazırlanıyor...", customer.id, sent.message_id)
    edited = await bot.edit_message_text(
        "<b>Faturanız</b> 1.234,56 TL", customer.id, sent.message_id, parse_mode="HTML"
    )
    assert isinstance(edited, Message)
    assert edited.edit_date is not None
    [shown] = driver.bot_messages(customer)
    assert shown.text == "Faturanız 1.234,56 TL"
    assert shown.entities == ({"type": "bold", "offset": 0, "length": 9},)
    assert shown.text_history == (
        "Yanıt hazırlanıyor",
        "Yanıt hazırlanıyor...",
        "Faturanız 1.234,56 TL",
    )


async def test_editing_to_the_same_text_and_markup_is_not_modified(
    bot: Bot, customer: UserView
) -> None:
    sent = await bot.send_message(customer.id, "Onaylıyor musunuz?", reply_markup=CONFIRM)
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text(
            "Onaylıyor musunuz?", customer.id, sent.message_id, reply_markup=CONFIRM
        )


async def test_same_text_through_different_markup_is_the_same_content(
    bot: Bot, customer: UserView
) -> None:
    sent = await bot.send_message(customer.id, "<b>Kota</b>", parse_mode="HTML")
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text(
            " <b>Kota</b> ", customer.id, sent.message_id, parse_mode="HTML"
        )


async def test_same_text_with_other_formatting_is_an_edit(bot: Bot, customer: UserView) -> None:
    sent = await bot.send_message(customer.id, "Kota")
    edited = await bot.edit_message_text(
        "<b>Kota</b>", customer.id, sent.message_id, parse_mode="HTML"
    )
    assert isinstance(edited, Message)
    assert edited.entities[0].type == "bold"


async def test_edit_without_markup_removes_the_inline_keyboard(
    bot: Bot, driver: StandinDriver, customer: UserView
) -> None:
    sent = await bot.send_message(customer.id, "Onaylıyor musunuz?", reply_markup=CONFIRM)
    assert [b.text for b in driver.bot_messages(customer)[0].buttons] == ["Onayla", "Vazgeç"]
    await bot.edit_message_text("Onaylıyor musunuz?", customer.id, sent.message_id)
    assert driver.bot_messages(customer)[0].buttons == ()


async def test_reply_markup_edits_follow_the_same_rules(
    bot: Bot, driver: StandinDriver, customer: UserView
) -> None:
    sent = await bot.send_message(customer.id, "Onaylıyor musunuz?", reply_markup=CONFIRM)
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_reply_markup(customer.id, sent.message_id, reply_markup=CONFIRM)
    await bot.edit_message_reply_markup(customer.id, sent.message_id, reply_markup=None)
    shown = driver.bot_messages(customer)[0]
    assert shown.buttons == ()
    assert shown.text == "Onaylıyor musunuz?"
    assert len(shown.edits) == 1


async def test_editing_a_message_that_does_not_exist(bot: Bot, customer: UserView) -> None:
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("yeni", customer.id, 999)


async def test_the_bot_cannot_edit_a_users_message(
    bot: Bot, driver: StandinDriver, customer: UserView
) -> None:
    users_message = driver.send_text(customer, "merhaba")
    assert users_message.message_id is not None
    with pytest.raises(BadRequest, match=r"(?i)message can't be edited"):
        await bot.edit_message_text("değişti", customer.id, users_message.message_id)


async def test_deleted_messages_disappear_from_the_chat(
    bot: Bot, driver: StandinDriver, customer: UserView
) -> None:
    first = await bot.send_message(customer.id, "bir")
    await bot.send_message(customer.id, "iki")
    assert await bot.delete_message(customer.id, first.message_id)
    assert [m.text for m in driver.bot_messages(customer)] == ["iki"]
    assert driver.message(customer, first.message_id).deleted
    with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
        await bot.delete_message(customer.id, first.message_id)
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("geri", customer.id, first.message_id)


async def test_drafts_stream_in_private_chats_and_end_with_the_message(
    bot: Bot, driver: StandinDriver, customer: UserView
) -> None:
    assert await bot.send_message_draft(customer.id, 7, "")
    assert await bot.send_message_draft(customer.id, 7, "Fatura")
    assert await bot.send_message_draft(customer.id, 7, "Faturanız <b>hazır</b>", parse_mode="HTML")
    final = await bot.send_message(customer.id, "Faturanız hazır.")
    [draft] = driver.drafts(customer)
    assert draft.draft_id == 7
    assert draft.texts == ("", "Fatura", "Faturanız hazır")
    assert draft.final_message_id == final.message_id


async def test_a_new_draft_after_the_final_message_is_a_new_draft(
    bot: Bot, driver: StandinDriver, customer: UserView
) -> None:
    await bot.send_message_draft(customer.id, 1, "ilk")
    await bot.send_message(customer.id, "ilk yanıt")
    await bot.send_message_draft(customer.id, 1, "ikinci")
    assert [(d.texts, d.final_message_id is None) for d in driver.drafts(customer)] == [
        (("ilk",), False),
        (("ikinci",), True),
    ]


async def test_drafts_are_refused_in_groups(
    bot: Bot, driver: StandinDriver, customer: UserView
) -> None:
    group = driver.create_group("Aile", [customer])
    with pytest.raises(BadRequest, match=r"(?i)TEXTDRAFT_PEER_INVALID"):
        await bot.send_message_draft(group.id, 1, "taslak")
    assert driver.drafts(group) == []


async def test_drafts_follow_the_text_rules(bot: Bot, customer: UserView) -> None:
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message_draft(customer.id, 1, "x" * 4097)
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await bot.send_message_draft(customer.id, 1, "<b>yarım", parse_mode="HTML")
    with pytest.raises(BadRequest, match=r"(?i)DRAFT_ID_INVALID"):
        await bot.send_message_draft(customer.id, 0, "sıfır")


async def test_chat_actions_are_recorded(
    bot: Bot, driver: StandinDriver, customer: UserView
) -> None:
    await bot.send_chat_action(customer.id, "typing")
    await bot.send_chat_action(customer.id, "upload_document")
    assert driver.chat_actions(customer) == ["typing", "upload_document"]
    with pytest.raises(BadRequest, match=r"(?i)wrong parameter action"):
        await bot.send_chat_action(customer.id, "dancing")
