"""Inline buttons and their presses, through python-telegram-bot and the driver.

The stand-in stands in for Telegram's servers: callback_data must be 1-64
bytes of UTF-8 (Turkish letters take two), a press arrives as a callback_query
update carrying the message, and each press can be answered once.
"""

from __future__ import annotations

import pytest
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from telegram.error import BadRequest

from bot.standin import FloodPolicy, StandinDriver, StandinServer, StandinSettings, UserView


def _one_button(data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton("Onayla", callback_data=data)]])


async def test_callback_data_of_64_bytes_is_accepted(bot: Bot, customer: UserView) -> None:
    sent = await bot.send_message(customer.id, "Onay?", reply_markup=_one_button("x" * 64))
    assert sent.reply_markup is not None
    assert sent.reply_markup.inline_keyboard[0][0].callback_data == "x" * 64


async def test_callback_data_of_65_bytes_is_refused(
    bot: Bot, driver: StandinDriver, customer: UserView
) -> None:
    with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
        await bot.send_message(customer.id, "Onay?", reply_markup=_one_button("x" * 65))
    assert driver.bot_messages(customer) == []


async def test_turkish_letters_count_two_bytes(bot: Bot, customer: UserView) -> None:
    await bot.send_message(customer.id, "Onay?", reply_markup=_one_button("ö" * 32))
    with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
        # 33 characters, but 66 bytes.
        await bot.send_message(customer.id, "Onay?", reply_markup=_one_button("ö" * 33))


async def test_edits_check_callback_data_too(bot: Bot, customer: UserView) -> None:
    sent = await bot.send_message(customer.id, "Onay?")
    with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
        await bot.edit_message_reply_markup(
            customer.id, sent.message_id, reply_markup=_one_button("ş" * 40)
        )


async def test_a_press_arrives_with_its_message_and_can_be_answered_once(
    bot: Bot, driver: StandinDriver, customer: UserView
) -> None:
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("Onayla", callback_data="onay:42"),
                InlineKeyboardButton("Vazgeç", callback_data="iptal:42"),
            ]
        ]
    )
    sent = await bot.send_message(customer.id, "Paketi değiştirelim mi?", reply_markup=keyboard)
    press = driver.press_button(customer, sent.message_id, text="Vazgeç")
    updates = await bot.get_updates(timeout=1)
    query = updates[-1].callback_query
    assert query is not None
    assert query.data == "iptal:42"
    assert query.from_user.id == customer.id
    assert query.message is not None
    assert query.message.message_id == sent.message_id
    assert isinstance(query.message, Message)
    assert query.message.text == "Paketi değiştirelim mi?"
    assert updates[-1].update_id == press.update_id

    assert driver.callback_answer(query.id) is None
    assert await query.answer("İşlem iptal edildi.")
    answer = driver.callback_answer(query.id)
    assert answer is not None
    assert answer.text == "İşlem iptal edildi."
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await query.answer("tekrar")


async def test_the_driver_refuses_to_press_a_button_that_is_not_there(
    bot: Bot, driver: StandinDriver, customer: UserView
) -> None:
    sent = await bot.send_message(customer.id, "Onay?", reply_markup=_one_button("ok"))
    with pytest.raises(LookupError):
        driver.press_button(customer, sent.message_id, data="başka")
    await bot.edit_message_reply_markup(customer.id, sent.message_id, reply_markup=None)
    with pytest.raises(LookupError):
        driver.press_button(customer, sent.message_id, data="ok")


async def test_a_press_must_be_answered_in_time(token: str) -> None:
    settings = StandinSettings(flood=FloodPolicy(enabled=False), callback_answer_window=0.0)
    async with StandinServer(settings) as server, Bot(token, base_url=server.base_url) as bot:
        driver = StandinDriver(server)
        user = driver.create_user("Mehmet")
        driver.send_command(user, "start")
        sent = await bot.send_message(user.id, "Onay?", reply_markup=_one_button("ok"))
        press = driver.press_button(user, sent.message_id, data="ok")
        assert press.callback_query_id is not None
        with pytest.raises(BadRequest, match=r"(?i)query is too old"):
            await bot.answer_callback_query(press.callback_query_id)


async def test_a_reply_keyboard_stays_with_the_chat_until_removed(
    bot: Bot, driver: StandinDriver, customer: UserView
) -> None:
    share = ReplyKeyboardMarkup([[KeyboardButton("Numaramı paylaş", request_contact=True)]])
    sent = await bot.send_message(customer.id, "Numaranızı paylaşın.", reply_markup=share)
    assert sent.reply_markup is None  # a message object carries inline keyboards only
    keyboard = driver.reply_keyboard(customer)
    assert keyboard is not None
    assert keyboard["keyboard"][0][0]["request_contact"] is True
    await bot.send_message(customer.id, "Teşekkürler.", reply_markup=ReplyKeyboardRemove())
    assert driver.reply_keyboard(customer) is None


async def test_an_inline_button_needs_an_action(bot: Bot, customer: UserView) -> None:
    with pytest.raises(BadRequest, match=r"(?i)text buttons are unallowed"):
        await bot.send_message(
            customer.id,
            "Onay?",
            reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("Sadece metin")]]),
        )
