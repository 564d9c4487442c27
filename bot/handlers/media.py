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
    chat = update.effective_chat
    log.info("chat %s: non-text message answered with capabilities", chat.id if chat else None)
    await reply(update, context, texts.UNSUPPORTED_MEDIA)
