"""``/start``, ``/help`` and commands the bot does not know."""

from __future__ import annotations

from telegram import Update

from bot import texts
from bot.accounts import linked_customer
from bot.context import BotContext
from bot.handlers.replies import is_private, reply
from bot.keyboards import contact_request_keyboard
from bot.rendering import escape


async def start(update: Update, context: BotContext) -> None:
    """Welcome; offer the contact button until the account is linked."""
    if not is_private(update):
        await reply(update, context, texts.GROUP_INTRO)
        return
    user = update.effective_user
    linked = await linked_customer(context, user.id) if user else None
    if linked is None:
        await reply(
            update, context, texts.WELCOME_UNLINKED, reply_markup=contact_request_keyboard()
        )
        return
    await reply(update, context, texts.WELCOME_LINKED.format(name=escape(linked.full_name)))


async def show_help(update: Update, context: BotContext) -> None:
    """What the bot can do."""
    await reply(update, context, texts.HELP if is_private(update) else texts.GROUP_INTRO)


async def unknown_command(update: Update, context: BotContext) -> None:
    """A command the bot does not have."""
    await reply(update, context, texts.UNKNOWN_COMMAND)
