"""Free text: the customer's question goes to the agent."""

from __future__ import annotations

import logging

from telegram import Update

from bot import texts
from bot.accounts import linked_customer_id
from bot.context import BotContext
from bot.conversation import CustomerMessage, answer_customer
from bot.handlers.replies import is_private, reply
from bot.questions import Refusal, read_question
from bot.views.quantities import format_number

log = logging.getLogger(__name__)


async def chat_message(update: Update, context: BotContext) -> None:
    """Answer a text message through the agent (account data only in a linked private chat)."""
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    if message is None or chat is None or user is None or message.text is None:
        return
    services = context.services
    private = is_private(update)
    limit = services.settings.telegram.max_message_chars
    question = read_question(message, bot_username=context.bot.username, max_chars=limit)
    if question.refusal is Refusal.EMPTY:
        await reply(update, context, texts.HELP if private else texts.GROUP_INTRO)
        return
    if question.refusal is Refusal.TOO_LONG:
        log.info("chat %s: message of %d characters refused", chat.id, len(question.text))
        await reply(
            update,
            context,
            texts.MESSAGE_TOO_LONG.format(
                limit=format_number(limit), length=format_number(len(question.text))
            ),
        )
        return
    # Groups never get account data: the agent works there for no customer.
    customer_id = await linked_customer_id(context, user.id) if private else None
    await answer_customer(
        context.bot,
        services,
        CustomerMessage(
            chat_id=chat.id,
            private=private,
            text=question.text,
            customer_id=customer_id,
            update_id=update.update_id,
            telegram_message_id=message.message_id,
            stored_id=context.stored_question_id,
        ),
    )
