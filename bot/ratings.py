"""Customers rate the assistant's answers 👍 / 👎: by message reaction or by button.

Two ways in, one record. Telegram's message reactions are the natural
gesture and add nothing to the chat, but the bot cannot tell whether a
client offers them (older and third-party clients do not, and a reaction is
easy to miss as feedback), so each answer in a private chat also carries
one small row of two buttons, 👍 and 👎, and both are accepted:

- a reaction arrives as a ``message_reaction`` update (the bot asks for
  them in ``allowed_updates``; ``bot.runner``); 👍 and a few clearly
  positive emoji count as good, 👎 and a few clearly negative ones as bad,
  anything else is not a rating; removing the reaction withdraws the rating;
- a button press arrives as a callback query (``r:good`` / ``r:bad``); the
  chosen button then shows a check mark, and both stay pressable.

Either way the answer is found from the chat and the message
(``db.answer_ratings``: every part of every answer is recorded when sent),
and the last rating wins. Only answers get the buttons: confirmation cards
keep their own Onayla / Vazgeç keyboard alone, and groups, apologies and
the acknowledgement before a card get none. A bad rating (a change to bad,
not a repeat) offers the customer a person (``bot.handoff.offer_person``).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy.engine import Connection
from telegram import Message, ReactionType, ReactionTypeEmoji
from telegram.error import TelegramError
from telegram.ext import ExtBot

from bot.delivery import with_retries
from bot.keyboards import rating_keyboard
from bot.services import BotServices
from db.answer_ratings import RatedAnswer, rate_answer, remember_answer_messages, withdraw_rating
from db.models.ratings import BAD, GOOD
from db.retries import run_sync_in_transaction

log = logging.getLogger(__name__)

# Reactions read as a rating; any other emoji (or a custom one) rates nothing.
REACTION_RATINGS: dict[str, str] = {
    "👍": GOOD,
    "❤": GOOD,
    "🔥": GOOD,
    "👏": GOOD,
    "🙏": GOOD,
    "👌": GOOD,
    "🏆": GOOD,
    "💯": GOOD,
    "👎": BAD,
    "💩": BAD,
    "😡": BAD,
    "🤬": BAD,
    "🤮": BAD,
    "😢": BAD,
}
# A reaction list that holds both good and bad emoji says nothing clear.
MIXED = "mixed"


def rating_of_reactions(reactions: Sequence[ReactionType]) -> str | None:
    """``good``, ``bad``, :data:`MIXED`, or None (no rating emoji) for a reaction list."""
    found = {
        REACTION_RATINGS.get(reaction.emoji.removesuffix("\ufe0f"))
        for reaction in reactions
        if isinstance(reaction, ReactionTypeEmoji)
    }
    found.discard(None)
    if len(found) > 1:
        return MIXED
    return found.pop() if found else None


async def remember_answer(
    services: BotServices, chat_id: int, question_id: int, parts: Sequence[Message]
) -> None:
    """Record the messages showing the answer to ``question_id``; a failure is only logged.

    An unrecorded answer cannot be rated, which costs less than failing a delivered turn.
    """

    def remember(connection: Connection) -> None:
        remember_answer_messages(
            connection,
            chat_id,
            [part.message_id for part in parts],
            question_id=question_id,
            shown_at=datetime.now(UTC),
        )

    try:
        await run_sync_in_transaction(
            services.database.sessions,
            remember,
            what=f"chat {chat_id}: remember answer",
            policy=services.database.retry,
        )
    except Exception:
        log.exception("chat %s: answer to %s not recorded for ratings", chat_id, question_id)


async def store_rating(
    services: BotServices, chat_id: int, message_id: int, rating: str | None, source: str
) -> RatedAnswer | None:
    """Store ``rating`` (None: withdraw it) of the answer message ``message_id`` shows.

    None when the message shows no answer on record (or, for a withdrawal, no rating).
    """

    def store(connection: Connection) -> RatedAnswer | None:
        if rating is None:
            return withdraw_rating(connection, chat_id, message_id)
        return rate_answer(
            connection,
            chat_id,
            message_id,
            rating=rating,
            source=source,
            rated_at=datetime.now(UTC),
        )

    rated = await run_sync_in_transaction(
        services.database.sessions,
        store,
        what=f"chat {chat_id}: rate message {message_id}",
        policy=services.database.retry,
    )
    if rated is not None:
        log.info(
            "chat %s: answer %s rated %s by %s (was %s)",
            chat_id,
            rated.answer_id,
            rated.rating or "nothing",
            source,
            rated.previous or "unrated",
        )
    return rated


async def show_rating(bot: ExtBot[None], chat_id: int, message_id: int, rating: str | None) -> None:
    """Mark the chosen button under the answer; best effort (the rating is stored already)."""
    try:
        await with_retries(
            lambda: bot.edit_message_reply_markup(
                chat_id=chat_id, message_id=message_id, reply_markup=rating_keyboard(rating)
            ),
            what="editMessageReplyMarkup",
        )
    except TelegramError as error:
        # "message is not modified" included: the buttons already show it.
        log.info("chat %s: rating buttons of %s not updated: %s", chat_id, message_id, error)


def is_new_bad_rating(rated: RatedAnswer) -> bool:
    """Whether the answer was just rated bad (not bad before): time to offer a person."""
    return rated.rating == BAD and rated.previous != BAD
