"""The gate in front of account data: private chat and a verified link."""

from __future__ import annotations

from telegram import Update

from bot import texts
from bot.accounts import linked_customer_id
from bot.context import BotContext
from bot.handlers.replies import is_private, refuse_in_group, reply
from bot.keyboards import contact_request_keyboard


async def customer_or_refusal(update: Update, context: BotContext) -> int | None:
    """The linked customer of a private chat; otherwise tell the user why not and return None.

    In a group the answer is always None: account data is never shown there.
    """
    if not is_private(update):
        await refuse_in_group(update, context)
        return None
    user = update.effective_user
    customer_id = await linked_customer_id(context, user.id) if user else None
    if customer_id is None:
        await reply(update, context, texts.LINK_REQUIRED, reply_markup=contact_request_keyboard())
    return customer_id
