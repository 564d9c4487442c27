"""Linking a Telegram account to a customer through the user's own contact share."""

from __future__ import annotations

from telegram import ReplyKeyboardRemove, Update

from bot import texts
from bot.accounts import LinkRefusal, link_from_contact
from bot.context import BotContext
from bot.handlers.replies import is_private, refuse_in_group, reply
from bot.keyboards import contact_request_keyboard
from bot.rendering import escape
from db.telegram_links import LinkedCustomer


async def contact_shared(update: Update, context: BotContext) -> None:
    """Link on the sender's own, on-file number; refuse anything else, in Turkish."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None or message.contact is None:
        return
    if not is_private(update):
        await refuse_in_group(update, context)
        return
    result = await link_from_contact(
        context.services.database,
        user.id,
        message.contact,
        forwarded=message.forward_origin is not None,
    )
    if result.refusal is LinkRefusal.NOT_OWN_CONTACT:
        await reply(
            update, context, texts.LINK_NOT_OWN_CONTACT, reply_markup=contact_request_keyboard()
        )
    elif result.refusal is LinkRefusal.FORWARDED:
        await reply(
            update, context, texts.LINK_FORWARDED_CONTACT, reply_markup=contact_request_keyboard()
        )
    elif result.refusal is LinkRefusal.UNKNOWN_NUMBER:
        await reply(update, context, texts.LINK_UNKNOWN_NUMBER, reply_markup=ReplyKeyboardRemove())
    else:
        assert result.customer_id is not None
        context.remember_link(user.id, LinkedCustomer(result.customer_id, result.full_name))
        await reply(
            update,
            context,
            texts.LINKED.format(name=escape(result.full_name)),
            reply_markup=ReplyKeyboardRemove(),
        )
