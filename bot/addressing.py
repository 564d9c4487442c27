"""Whether a message is meant for the bot, and its text without the bot's @mention.

In private chats every message is. In groups the bot answers only when it is
mentioned (``@TelekomAsistanBot``), replied to, or sent a command; everything
else is the members' own conversation.
"""

from __future__ import annotations

import re

from telegram import Message, MessageEntity
from telegram.constants import ChatType
from telegram.ext.filters import MessageFilter

_SPACE_RUN = re.compile(r"[ \t]{2,}")


def is_addressed_to_bot(message: Message) -> bool:
    """Private chat, a reply to the bot, a mention of it, or a bot command."""
    if message.chat.type == ChatType.PRIVATE:
        return True
    bot = message.get_bot()
    replied = message.reply_to_message
    if replied is not None and replied.from_user is not None and replied.from_user.id == bot.id:
        return True
    username = (bot.username or "").lower()
    for entity, text in message.parse_entities().items():
        if entity.type == MessageEntity.BOT_COMMAND:
            return True
        if entity.type == MessageEntity.MENTION and text.lower() == f"@{username}":
            return True
        if entity.type == MessageEntity.TEXT_MENTION and entity.user and entity.user.id == bot.id:
            return True
    return False


def without_mention(text: str, bot_username: str) -> str:
    """``"@TelekomAsistanBot kalan internetim?"`` -> ``"kalan internetim?"``."""
    if not bot_username:
        return text.strip()
    pattern = re.compile(rf"@{re.escape(bot_username)}\b", re.IGNORECASE)
    return _SPACE_RUN.sub(" ", pattern.sub("", text)).strip()


class AddressedToBot(MessageFilter):
    """``filters``-style check for :func:`is_addressed_to_bot`."""

    __slots__ = ()

    def filter(self, message: Message) -> bool:
        return is_addressed_to_bot(message)


ADDRESSED_TO_BOT = AddressedToBot(name="AddressedToBot")
