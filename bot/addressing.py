"""Whether a message is meant for the bot, and its text without the bot's @mention.

In private chats every message is. In groups the bot answers only when it is
mentioned (``@TelekomAsistanBot``), replied to, or sent a command; everything
else is the members' own conversation. A command addressed to another bot
(``/fatura@OtherBot``) is never for this bot, in any chat: it gets no answer,
not even "unknown command".
"""

from __future__ import annotations

import re

from telegram import Message, MessageEntity
from telegram.constants import ChatType
from telegram.ext.filters import MessageFilter

_SPACE_RUN = re.compile(r"[ \t]{2,}")


def is_addressed_to_bot(message: Message) -> bool:
    """Private chat, a reply to the bot, a mention of it, or a command for it.

    A message that starts with a command for another bot is not.
    """
    bot = message.get_bot()
    username = (bot.username or "").lower()
    if _starts_with_command_for_another_bot(message, username):
        return False
    if message.chat.type == ChatType.PRIVATE:
        return True
    replied = message.reply_to_message
    if replied is not None and replied.from_user is not None and replied.from_user.id == bot.id:
        return True
    for entity, text in message.parse_entities().items():
        if entity.type == MessageEntity.BOT_COMMAND and _command_bot(text) in ("", username):
            return True
        if entity.type == MessageEntity.MENTION and text.lower() == f"@{username}":
            return True
        if entity.type == MessageEntity.TEXT_MENTION and entity.user and entity.user.id == bot.id:
            return True
    return False


def _command_bot(command: str) -> str:
    """``"/fatura@OtherBot"`` -> ``"otherbot"``; ``"/fatura"`` -> ``""`` (any bot)."""
    _, _, target = command.partition("@")
    return target.lower()


def _starts_with_command_for_another_bot(message: Message, username: str) -> bool:
    """Whether the message opens with ``/command@SomeOtherBot``."""
    if not (message.text or "").startswith("/"):
        return False
    for entity, text in message.parse_entities([MessageEntity.BOT_COMMAND]).items():
        if entity.offset == 0:
            return _command_bot(text) not in ("", username)
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
