"""Photos, voice, stickers, files...: the bot says what it can do instead."""

from __future__ import annotations

import logging

from telegram import Update

from bot import texts
from bot.context import BotContext
from bot.handlers.replies import reply

log = logging.getLogger(__name__)


async def unsupported_media(update: Update, context: BotContext) -> None:
    """Answer a non-text message with the bot's capabilities."""
    message = update.effective_message
    kind = type(message.effective_attachment).__name__ if message else "?"
    log.info("chat %s: %s message answered with capabilities", update.effective_chat.id, kind)
    await reply(update, context, texts.UNSUPPORTED_MEDIA)
