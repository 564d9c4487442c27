"""Screening before any handler: the per-user rate limit and redelivered updates.

An update is accepted in one transaction: its claim (a redelivered update is
ignored), the sender's link, which the handler acting on the update then
uses (``bot.accounts.linked_customer``), and, for a question to the agent,
the question itself, stored ``accepted`` (``bot.questions``,
``db.message_store``). A crash can therefore never leave an update claimed
whose question was not stored.
"""

from __future__ import annotations

import logging
from typing import NamedTuple

from sqlalchemy.engine import Connection
from telegram import Update
from telegram.ext import ApplicationHandlerStop

from agent.person_requests import asks_for_person
from bot import texts
from bot.addressing import is_addressed_to_bot
from bot.context import BotContext
from bot.handlers.replies import answer_press, is_private, reply
from bot.questions import QUESTION_MESSAGES, read_question
from db.handoffs import OpenHandoff, open_handoff_of_chat
from db.message_store import MessageStore, NewMessage
from db.processed_updates import claim_update
from db.retries import run_sync_in_transaction
from db.telegram_links import LinkedCustomer, find_linked_customer

log = logging.getLogger(__name__)


class _Accepted(NamedTuple):
    first_time: bool
    linked: LinkedCustomer | None = None
    stored_question_id: int | None = None
    handoff: OpenHandoff | None = None


async def screen_update(update: Update, context: BotContext) -> None:
    """Stop an update over the sender's rate limit (telling them once), or one seen before.

    The rate limit itself is applied as updates arrive (``bot.rate_limit``):
    updates over it never get here, except the one per window let on to say so.
    """
    message, sender = update.message, update.effective_user
    services = context.services
    wait_s = services.admission.over_limit(update.update_id)
    if wait_s is not None:
        notice = texts.RATE_LIMITED.format(seconds=wait_s)
        if update.callback_query is not None:
            await answer_press(update.callback_query, notice, alert=True)
        else:
            await reply(update, context, notice)
        raise ApplicationHandlerStop
    support_chat = services.settings.telegram.support_chat_id
    in_support_group = message is not None and message.chat.id == support_chat
    if message is not None and not in_support_group and not is_addressed_to_bot(message):
        return  # group chatter: no handler acts on it, so nothing to record
    # The support group's messages are relayed (bot.handlers.handoff), never asked.
    question = None if in_support_group else _question_text(update, context)
    private = is_private(update)
    # A request for a person goes to the support team, not to the agent.
    wants_person = question is not None and private and asks_for_person(question)
    if wants_person:
        question = None

    def accept(connection: Connection) -> _Accepted:
        if not claim_update(connection, update.update_id):
            return _Accepted(first_time=False)
        linked = find_linked_customer(connection, sender.id) if sender else None
        handoff = (
            open_handoff_of_chat(connection, message.chat.id)
            if message is not None and private
            else None
        )
        if question is None or message is None or handoff is not None:
            # A handed-off chat's message goes to the support team, not the agent.
            return _Accepted(True, linked, handoff=handoff)
        stored_id = MessageStore.add_in(
            connection,
            NewMessage(
                str(message.chat.id),
                question,
                # Groups never get account data: the agent works there for no customer.
                customer_id=linked.customer_id if linked is not None and private else None,
                update_id=update.update_id,
                # This instance answers it (bot.turn_leases).
                lease=services.turn_leases.new_lease(),
            ),
        )
        return _Accepted(True, linked, stored_id)

    accepted = await run_sync_in_transaction(
        services.database.sessions,
        accept,
        what=f"accept update {update.update_id}",
        policy=services.database.retry,
    )
    if not accepted.first_time:
        log.info("update %s delivered again: ignored", update.update_id)
        raise ApplicationHandlerStop
    if sender is not None:
        context.remember_link(sender.id, accepted.linked)
    context.stored_question_id = accepted.stored_question_id
    context.handoff = accepted.handoff
    context.wants_person = wants_person and accepted.handoff is None
    context.in_support_group = in_support_group


def _question_text(update: Update, context: BotContext) -> str | None:
    """The question to store with the claim, when the update is one for the agent."""
    message = update.message
    if message is None or not QUESTION_MESSAGES.check_update(update):
        return None
    question = read_question(
        message,
        bot_username=context.bot.username,
        max_chars=context.services.settings.telegram.max_message_chars,
    )
    return question.text if question.refusal is None else None
