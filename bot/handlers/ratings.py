"""👍 / 👎 on an answer, by button or by message reaction (``bot.ratings`` says why both)."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ChatType

from bot import texts
from bot.context import BotContext
from bot.handlers.replies import answer_press, pressed_in_own_private_chat
from bot.handoff import offer_person
from bot.keyboards import parse_rating_press
from bot.ratings import (
    MIXED,
    is_new_bad_rating,
    rating_of_reactions,
    show_rating,
    store_rating,
)
from db.models.ratings import BUTTON, GOOD, REACTION
from db.retries import DatabaseBusyError

log = logging.getLogger(__name__)


async def rating_pressed(update: Update, context: BotContext) -> None:
    """Store the pressed rating of the answer the buttons sit under; a 👎 offers a person."""
    query = update.callback_query
    if query is None or query.data is None:
        return
    rating = parse_rating_press(query.data)
    message = query.message
    if rating is None or message is None or not pressed_in_own_private_chat(query):
        await answer_press(query, texts.RATING_UNAVAILABLE)
        return
    chat_id = message.chat.id
    try:
        rated = await store_rating(context.services, chat_id, message.message_id, rating, BUTTON)
    except DatabaseBusyError:
        await answer_press(query, texts.RATING_NOT_SAVED, alert=True)
        return
    if rated is None:
        await answer_press(query, texts.RATING_UNAVAILABLE)
        return
    thanks = texts.RATING_THANKS_GOOD if rating == GOOD else texts.RATING_THANKS_BAD
    await answer_press(query, thanks)
    if rated.previous != rating:
        await show_rating(context.bot, chat_id, message.message_id, rating)
    if is_new_bad_rating(rated):
        await offer_person(context.bot, context.services, chat_id, after_bad_rating=True)


async def reaction_changed(update: Update, context: BotContext) -> None:
    """A reaction on an answer in a private chat: 👍-like is good, 👎-like bad, none withdraws."""
    reaction = update.message_reaction
    if reaction is None or reaction.chat.type != ChatType.PRIVATE:
        return
    if reaction.user is None or reaction.user.id != reaction.chat.id:
        return  # only the customer of a private chat rates its answers
    before = rating_of_reactions(reaction.old_reaction)
    after = rating_of_reactions(reaction.new_reaction)
    if after in (before, MIXED):
        return  # e.g. 😀 added beside 👍: the rating stands
    chat_id, message_id = reaction.chat.id, reaction.message_id
    try:
        rated = await store_rating(context.services, chat_id, message_id, after, REACTION)
    except DatabaseBusyError:
        log.warning("chat %s: reaction on %s not stored: database busy", chat_id, message_id)
        return
    if rated is None:
        return  # not an answer on record (or nothing to withdraw)
    if rated.previous != rated.rating:
        await show_rating(context.bot, chat_id, message_id, rated.rating)
    if is_new_bad_rating(rated):
        await offer_person(context.bot, context.services, chat_id, after_bad_rating=True)
