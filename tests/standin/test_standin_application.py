"""A real python-telegram-bot Application polling the stand-in.

The stand-in stands in for Telegram's servers. These tests run the whole PTB
stack (getUpdates long polling, handler dispatch, replies over HTTP) the way
the product's bot runs it, with the driver playing the users.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.standin import StandinDriver, StandinServer


async def _echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None
    await update.message.reply_text(f"Yankı: {update.message.text}")


async def _start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None
    await update.message.reply_text(
        "Paket değişikliğini onaylıyor musunuz?",
        reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("Onayla", callback_data="onay")]]),
    )


async def _confirm(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer("Onaylandı")
    await query.edit_message_text("Paketiniz değiştirildi.")


async def _stream(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat = update.effective_chat
    assert chat is not None
    for partial in ("Kalan", "Kalan kotanız", "Kalan kotanız 5 GB"):
        await context.bot.send_message_draft(chat.id, 1, partial)
    await context.bot.send_message(chat.id, "Kalan kotanız 5 GB.")


@asynccontextmanager
async def _polling(
    server: StandinServer, token: str
) -> AsyncIterator[Application[Any, Any, Any, Any, Any, Any]]:
    application = (
        ApplicationBuilder()
        .token(token)
        .base_url(server.base_url)
        .base_file_url(server.base_file_url)
        .build()
    )
    application.add_handler(CommandHandler("start", _start))
    application.add_handler(CommandHandler("kota", _stream))
    application.add_handler(CallbackQueryHandler(_confirm))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, _echo))
    async with application:
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(poll_interval=0, timeout=10)
        try:
            yield application
        finally:
            await application.updater.stop()
            await application.stop()


async def test_an_echo_bot_answers_an_injected_message(
    server: StandinServer, driver: StandinDriver, token: str
) -> None:
    user = driver.create_user("Ayşe")
    async with _polling(server, token):
        sent = driver.send_text(user, "Merhaba, faturam geldi mi?")
        reply = await driver.wait_for_bot_message(user, after=sent.message_id or 0)
        assert reply.text == "Yankı: Merhaba, faturam geldi mi?"
        await driver.wait_until_consumed()
    assert driver.pending_update_ids() == []


async def test_a_button_press_is_answered_and_the_message_edited(
    server: StandinServer, driver: StandinDriver, token: str
) -> None:
    user = driver.create_user("Ayşe")
    async with _polling(server, token):
        driver.send_command(user, "start")
        question = await driver.wait_for_bot_message(user)
        assert [b.text for b in question.buttons] == ["Onayla"]
        press = driver.press_button(user, question.message_id, text="Onayla")
        assert press.callback_query_id is not None
        query_id = press.callback_query_id
        await driver.wait_for(
            lambda: driver.message(user, question.message_id).text == "Paketiniz değiştirildi."
        )
    answer = driver.callback_answer(query_id)
    assert answer is not None
    assert answer.text == "Onaylandı"
    edited = driver.message(user, question.message_id)
    assert edited.buttons == ()
    assert edited.text_history == (
        "Paket değişikliğini onaylıyor musunuz?",
        "Paketiniz değiştirildi.",
    )


async def test_a_streamed_answer_shows_drafts_then_the_final_message(
    server: StandinServer, driver: StandinDriver, token: str
) -> None:
    user = driver.create_user("Ayşe")
    async with _polling(server, token):
        sent = driver.send_command(user, "kota")
        final = await driver.wait_for_bot_message(user, after=sent.message_id or 0)
    assert final.text == "Kalan kotanız 5 GB."
    [draft] = driver.drafts(user)
    assert draft.texts == ("Kalan", "Kalan kotanız", "Kalan kotanız 5 GB")
    assert draft.final_message_id == final.message_id


async def test_updates_from_many_chats_are_all_answered(
    server: StandinServer, driver: StandinDriver, token: str
) -> None:
    users = [driver.create_user(name) for name in ("Ayşe", "Mehmet", "Zeynep", "Can")]
    async with _polling(server, token):
        for user in users:
            driver.send_text(user, f"Ben {user.first_name}")
        await driver.wait_for(lambda: all(driver.bot_messages(user) for user in users))
    for user in users:
        assert [m.text for m in driver.bot_messages(user)] == [f"Yankı: Ben {user.first_name}"]
