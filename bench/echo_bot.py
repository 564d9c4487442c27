"""The baseline: a bare python-telegram-bot echo bot, plumbed like ours.

It receives the same updates through the same long polling and answers each
with one Bot API call, so its throughput is what the Telegram plumbing alone
allows. Like our bot it processes updates concurrently. Every echo carries
one inline button, so the customers' button presses have something to press;
a press is answered and the pressed message edited, as our bot does with a
confirmation.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.application import MAX_CONCURRENT_UPDATES, bot_api_urls
from bot.runner import POLL_TIMEOUT

ECHO_KEYBOARD = InlineKeyboardMarkup([[InlineKeyboardButton("Tamam", callback_data="tamam")]])
PRESSED_MARK = " ✓"


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send the text back."""
    message = update.effective_message
    if message is not None and message.text is not None:
        await message.reply_text(message.text, reply_markup=ECHO_KEYBOARD)


async def acknowledge(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer the press and mark the pressed message.

    Telegram refuses an answer to a press older than about 15 s; under a
    heavy load that happens, and the message is marked all the same, as our
    bot does.
    """
    query = update.callback_query
    if query is None:
        return
    with contextlib.suppress(TelegramError):
        await query.answer()
    text = getattr(query.message, "text", None) or ""
    await query.edit_message_text(text + PRESSED_MARK)


def build_echo_application(
    token: str, api_base_url: str
) -> Application[Any, Any, Any, Any, Any, Any]:
    """The echo bot, pointed at the Bot API server at ``api_base_url``."""
    api_url, file_url = bot_api_urls(api_base_url)
    application = (
        ApplicationBuilder()
        .token(token)
        .base_url(api_url)
        .base_file_url(file_url)
        .concurrent_updates(MAX_CONCURRENT_UPDATES)
        .build()
    )
    application.add_handler(MessageHandler(filters.TEXT, echo))
    application.add_handler(CallbackQueryHandler(acknowledge))
    return application


@asynccontextmanager
async def running_echo_bot(token: str, api_base_url: str) -> AsyncIterator[None]:
    """The echo bot long-polling until the block ends."""
    application = build_echo_application(token, api_base_url)
    async with application:
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(timeout=POLL_TIMEOUT)
        try:
            yield
        finally:
            await application.updater.stop()
            await application.stop()
