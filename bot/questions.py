"""A text message for the agent: the question it asks, or why it is refused.

The gate (``bot.handlers.gate``) stores a question in the same transaction
as the update's claim, so an update is never claimed without its question;
the chat handler (``bot.handlers.chat``) then answers it, or tells the
customer why not. Both read the message through :func:`read_question`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from telegram import Message
from telegram.constants import ChatType
from telegram.ext import filters

from bot.addressing import ADDRESSED_TO_BOT, without_mention
from core.invisible import remove_format_characters

# New text messages meant for the bot that are not commands.
QUESTION_MESSAGES = filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND & ADDRESSED_TO_BOT


class Refusal(Enum):
    """Why a text message is not passed to the agent."""

    EMPTY = "empty"  # only the bot's @mention (groups), or only spaces
    TOO_LONG = "too_long"  # over telegram.max_message_chars


@dataclass(frozen=True)
class Question:
    """The text the agent is asked (the @mention taken out), or the refusal."""

    text: str
    refusal: Refusal | None = None


def read_question(message: Message, *, bot_username: str, max_chars: int) -> Question:
    """What ``message`` asks the agent; check ``refusal`` before using ``text``.

    Invisible format characters (zero-width spaces and the like) are taken out
    here, where the customer's text enters: the stored question, the history
    and every backend see "faturam", not "fa\u200btu\u200bram".
    """
    raw = remove_format_characters(message.text or "")
    if message.chat.type == ChatType.PRIVATE:
        text = raw.strip()
    else:
        text = without_mention(raw, bot_username)
    if not text:
        return Question(text, Refusal.EMPTY)
    if len(text) > max_chars:
        return Question(text, Refusal.TOO_LONG)
    return Question(text)
