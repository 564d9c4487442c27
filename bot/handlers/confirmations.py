"""Onayla / Vazgeç presses: run or drop a proposed action, exactly once.

The agent guarantees that a confirmation runs at most once, whoever presses
and however often. The bot adds: a press while the same confirmation is
still running is told to wait; the outcome is edited into the card and its
buttons removed; a later press (another device) is answered with the stored
outcome and changes nothing.
"""

from __future__ import annotations

import logging

from telegram import CallbackQuery, Message, Update

from agent.client import AgentUnavailableError
from agent.events import ActionOutcome
from bot import texts
from bot.accounts import linked_customer_id
from bot.context import BotContext
from bot.delivery import edit_html, remove_buttons
from bot.handlers.replies import answer_press
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
    services = context.services
    customer_id = await linked_customer_id(context, query.from_user.id)
    if customer_id is None:
        await answer_press(query, texts.CONFIRMATION_NOT_LINKED, alert=True)
        return
    if not services.confirmations.begin(press.confirmation_id):
        await answer_press(query, texts.CONFIRMATION_IN_PROGRESS)
        return
    chat_id = str(query.message.chat.id) if query.message is not None else None
    try:
        action = services.agent.confirm if press.approve else services.agent.cancel
        outcome = await action(press.confirmation_id, customer_id=customer_id, chat_id=chat_id)
    except AgentUnavailableError as error:
        log.warning("confirmation %s: agent unavailable: %s", press.confirmation_id, error)
        await answer_press(query, texts.CONFIRMATION_UNAVAILABLE, alert=True)
        return
    finally:
        services.confirmations.end(press.confirmation_id)
    services.confirmation_cards.settled(press.confirmation_id)  # this press closes the card
    log.info(
        "confirmation %s (%s) by customer %s: %s",
        press.confirmation_id,
        "approve" if press.approve else "decline",
        customer_id,
        outcome.status,
    )
    await answer_press(query, outcome.message)
    await _show_outcome(query, context, outcome)


async def unknown_button(update: Update, context: BotContext) -> None:
    """A button the bot no longer knows (an old message, an older bot version)."""
    if update.callback_query is not None:
        await answer_press(update.callback_query, texts.BUTTON_EXPIRED)


async def _show_outcome(query: CallbackQuery, context: BotContext, outcome: ActionOutcome) -> None:
    message = query.message
    if not isinstance(message, Message):
        return
    if outcome.status == "already_done":
        # The first press already wrote its outcome here; only make sure the buttons are gone.
        await remove_buttons(context.bot, message.chat.id, message.message_id)
        return
    await edit_html(
        context.bot,
        message.chat.id,
        message.message_id,
        resolved_card(message.text_html or "", outcome),
        reply_markup=None,
    )
