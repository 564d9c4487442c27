"""``/iptal``: stop the answer being written, or cancel the pending action.

``/iptal`` passes the chat's queue (``bot.update_order``): it must act while
a turn is still running. A cancelled action's card is edited to show it
(``bot.confirmation_cards``).
"""

from __future__ import annotations

import logging

from telegram import Update

from agent.client import AgentUnavailableError
from bot import texts
from bot.accounts import linked_customer_id
from bot.confirmation_cards import settle_card
from bot.context import BotContext
from bot.handlers.replies import is_private, reply
from bot.rendering import escape

log = logging.getLogger(__name__)

CANCEL_COMMAND = "iptal"


def is_cancel_command(update: Update) -> bool:
    """Whether the update is ``/iptal`` (or ``/iptal@Bot``)."""
    message = update.message
    if message is None or not message.text or not message.text.startswith("/"):
        return False
    command = message.text.split(maxsplit=1)[0][1:].split("@", 1)[0]
    return command.lower() == CANCEL_COMMAND


async def cancel(update: Update, context: BotContext) -> None:
    """Cancel the running turn if there is one, else the chat's pending action."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return
    services = context.services
    if services.turns.cancel(chat.id):
        log.info("chat %s: running turn cancelled by /iptal", chat.id)
        await reply(update, context, texts.TURN_CANCELLED)
        return
    customer_id = await linked_customer_id(context, user.id) if is_private(update) else None
    if customer_id is None:
        await reply(update, context, texts.NOTHING_TO_CANCEL)
        return
    try:
        outcome = await services.agent.cancel_pending(customer_id=customer_id, chat_id=str(chat.id))
    except AgentUnavailableError as error:
        log.warning("/iptal: agent unavailable: %s", error)
        await reply(update, context, texts.AGENT_UNAVAILABLE)
        return
    await reply(update, context, escape(outcome.message))
    if outcome.confirmation_id is not None:
        await settle_card(context.bot, services, outcome.confirmation_id, outcome)
