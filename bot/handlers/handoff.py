"""Human handoff: ``/temsilci``, the offer button, and the relays both ways.

:func:`route` runs right after the gate (``bot.handlers.gate``), which has
read the chat's open handoff with the update's claim: it relays a handed-off
customer's messages to their topic, a support agent's topic messages to the
customer (``/bitir`` closes), and hands over a message asking for a person.
Whatever it handles stops there; everything else goes on to the other handlers.
"""

from __future__ import annotations

import logging

from telegram import Message, Update
from telegram.ext import ApplicationHandlerStop

from bot import handoff
from bot import handoff_texts as texts
from bot.accounts import linked_customer_id
from bot.context import BotContext
from bot.handlers.replies import answer_press, is_private, pressed_in_own_private_chat, reply
from db.handoffs import open_handoff_of_topic
from db.retries import run_sync_in_transaction

log = logging.getLogger(__name__)

CLOSE_COMMAND = "/bitir"
# Commands that still work while a person answers (they read the account, not the assistant).
_COMMANDS_DURING_HANDOFF = frozenset({"/start", "/help", "/fatura", "/durum", "/iptal"})


async def route(update: Update, context: BotContext) -> None:
    """Relay or hand over what belongs to the handoff; stop the update if handled."""
    message = update.message
    if message is None:
        return
    if context.in_support_group:
        await _from_support_group(context, message)
        raise ApplicationHandlerStop
    if context.handoff is not None and not _command_for_bot(message):
        await handoff.relay_from_customer(context.bot, context.services, context.handoff, message)
        raise ApplicationHandlerStop
    if context.wants_person:
        await _hand_over(update, context, handoff.REQUESTED)
        raise ApplicationHandlerStop


async def ask_for_person(update: Update, context: BotContext) -> None:
    """``/temsilci``: hand the private chat to the support team."""
    if not is_private(update):
        await reply(update, context, texts.OFFER_ONLY_PRIVATE)
        return
    await _hand_over(update, context, handoff.REQUESTED)


async def offer_pressed(update: Update, context: BotContext) -> None:
    """**Temsilciye bağlan** pressed: hand over the presser's own private chat."""
    query = update.callback_query
    if query is None:
        return
    if not pressed_in_own_private_chat(query):
        await answer_press(query, texts.OFFER_ONLY_PRIVATE, alert=True)
        return
    await answer_press(query, texts.OFFER_PRESSED)
    await _hand_over(update, context, handoff.OFFERED)


async def _hand_over(update: Update, context: BotContext, reason: str) -> None:
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return
    if context.handoff is not None:
        await reply(update, context, texts.ALREADY_CONNECTED)
        return
    customer = handoff.HandoffCustomer(
        chat_id=chat.id,
        customer_id=await linked_customer_id(context, user.id),
        name=user.first_name,
    )
    await handoff.request_person(context.bot, context.services, customer, reason=reason)


def _command_for_bot(message: Message) -> bool:
    """A command the customer may still use while handed off (``/temsilci`` included)."""
    text = (message.text or "").strip()
    if not text.startswith("/"):
        return False
    command = text.split(maxsplit=1)[0].split("@", 1)[0].lower()
    return command in _COMMANDS_DURING_HANDOFF or command == f"/{texts.COMMAND_NAME}"


async def _from_support_group(context: BotContext, message: Message) -> None:
    """An agent's message in a topic: relay it (members only), or ``/bitir`` closes."""
    services, bot = context.services, context.bot
    thread_id = message.message_thread_id if message.is_topic_message else None
    sender = message.from_user
    if thread_id is None or sender is None or sender.is_bot or message.text is None:
        return  # the general topic, service messages, media: nothing to relay
    open_one = await run_sync_in_transaction(
        services.database.sessions,
        lambda c: open_handoff_of_topic(c, message.chat.id, thread_id),
        what=f"support topic {thread_id}: read handoff",
        policy=services.database.retry,
    )
    if open_one is None:
        log.info("support topic %s: no open handoff; message not relayed", thread_id)
        return
    if not await handoff.is_support_member(bot, message.chat.id, sender.id):
        log.warning(
            "support topic %s: user %s is not a member of the support group; nothing relayed",
            thread_id,
            sender.id,
        )
        return
    command = message.text.strip().split(maxsplit=1)[0].split("@", 1)[0].lower()
    if command == CLOSE_COMMAND:
        await handoff.close(bot, services, open_one, handoff.CLOSED_BY_AGENT)
        return
    await handoff.relay_from_agent(bot, services, open_one, message)
