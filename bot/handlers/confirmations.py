"""Onayla / Vazgeç presses: run or drop a proposed action, exactly once.

The agent guarantees that a confirmation runs at most once, whoever presses
and however often. The bot adds: a press counts only in the presser's own
private chat with the bot (elsewhere it is refused with an alert and nothing
is read or changed); a press while the same confirmation is still running is
told to wait; the outcome is edited into the card, its buttons removed and
the card recorded closed (``bot.confirmation_cards``); a later press
(another device) is answered with the stored outcome and changes nothing. A
press that settles nothing (another customer's card, an agent error that
leaves the action pending) leaves the card as it was.
"""

from __future__ import annotations

import logging

from telegram import CallbackQuery, Message, Update

from agent.client import AgentUnavailableError
from agent.events import ActionOutcome
from bot import texts
from bot.accounts import linked_customer_id
from bot.confirmation_cards import (
    CLOSING_STATUSES,
    close_card_showing,
    stored_card,
)
from bot.context import BotContext
from bot.delivery import edit_html, remove_buttons
from bot.handlers.replies import answer_press, pressed_in_own_private_chat
from bot.keyboards import parse_confirmation_press
from bot.views.confirmation import resolved_card

log = logging.getLogger(__name__)


async def confirmation_pressed(update: Update, context: BotContext) -> None:
    """Confirm or cancel the action named by the button, for the presser's own account."""
    query = update.callback_query
    if query is None or query.data is None:
        return
    press = parse_confirmation_press(query.data)
    if press is None:
        await answer_press(query, texts.BUTTON_EXPIRED)
        return
    if not pressed_in_own_private_chat(query):
        log.warning(
            "confirmation %s pressed by telegram user %s outside their private chat: refused",
            press.confirmation_id,
            query.from_user.id,
        )
        await answer_press(query, texts.PRESS_PRIVATE_ONLY, alert=True)
        return
    services = context.services
    customer_id = await linked_customer_id(context, query.from_user.id)
    if customer_id is None:
        await answer_press(query, texts.CONFIRMATION_NOT_LINKED, alert=True)
        return
    if not services.confirmations.begin(press.confirmation_id):
        await answer_press(query, texts.CONFIRMATION_IN_PROGRESS)
        return
    # Held until the card shows the outcome, so the sweep leaves this card alone.
    try:
        chat_id = str(query.message.chat.id) if query.message is not None else None
        try:
            action = services.agent.confirm if press.approve else services.agent.cancel
            outcome = await action(press.confirmation_id, customer_id=customer_id, chat_id=chat_id)
        except AgentUnavailableError as error:
            log.warning("confirmation %s: agent unavailable: %s", press.confirmation_id, error)
            await answer_press(query, texts.CONFIRMATION_UNAVAILABLE, alert=True)
            return
        log.info(
            "confirmation %s (%s) by customer %s: %s",
            press.confirmation_id,
            "approve" if press.approve else "decline",
            customer_id,
            outcome.status,
        )
        if outcome.status not in CLOSING_STATUSES:
            # Nothing settled: the card keeps its text and its buttons.
            await answer_press(query, outcome.message, alert=True)
            return
        await answer_press(query, outcome.message)
        await _show_outcome(query, context, press.confirmation_id, outcome)
    finally:
        services.confirmations.end(press.confirmation_id)


async def unknown_button(update: Update, context: BotContext) -> None:
    """A button the bot no longer knows (an old message, an older bot version)."""
    if update.callback_query is not None:
        await answer_press(update.callback_query, texts.BUTTON_EXPIRED)


async def _show_outcome(
    query: CallbackQuery, context: BotContext, confirmation_id: str, outcome: ActionOutcome
) -> None:
    message = query.message
    if not isinstance(message, Message):
        return
    services = context.services
    card = await stored_card(services, confirmation_id)
    if card is not None and card.closed:
        # The card already shows its outcome; only make sure the buttons are gone.
        await remove_buttons(context.bot, message.chat.id, message.message_id)
        return
    if card is not None:
        await close_card_showing(context.bot, services, card, outcome)
        if card.message_id == message.message_id:
            return
    # A card sent before cards were recorded, or an older copy of one: its own text.
    await edit_html(
        context.bot,
        message.chat.id,
        message.message_id,
        resolved_card(message.text_html or "", outcome),
        reply_markup=None,
    )
