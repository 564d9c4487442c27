"""Small helpers every handler uses to answer in the chat an update came from."""

from __future__ import annotations

import logging

from telegram import CallbackQuery, Update
from telegram.constants import ChatType
from telegram.error import TelegramError

from bot import texts
from bot.context import BotContext
from bot.delivery import ReplyMarkup, UndeliverableError, send_html
from bot.keyboards import private_chat_keyboard

log = logging.getLogger(__name__)

# answerCallbackQuery shows at most 200 characters.
CALLBACK_ANSWER_CHARS = 200


def is_private(update: Update) -> bool:
    """Whether the update comes from a private chat with the bot."""
    chat = update.effective_chat
    return chat is not None and chat.type == ChatType.PRIVATE


def pressed_in_own_private_chat(query: CallbackQuery) -> bool:
    """Whether a button was pressed in the presser's own private chat with the bot.

    Pay and confirm buttons act only there: a press in a group (a forwarded
    card, a modified client) or on a message of another chat is refused
    before anything is read or changed.
    """
    message = query.message
    return (
        message is not None
        and message.chat.type == ChatType.PRIVATE
        and message.chat.id == query.from_user.id
    )


async def reply(
    update: Update,
    context: BotContext,
    html_text: str,
    *,
    reply_markup: ReplyMarkup | None = None,
) -> None:
    """Send ``html_text`` to the update's chat (as a reply in groups).

    Delivery failures are logged by ``bot.delivery`` and end here: there is
    no one left to tell.
    """
    chat = update.effective_chat
    if chat is None:
        return
    message = update.effective_message
    reply_to = message.message_id if message is not None and not is_private(update) else None
    try:
        await send_html(
            context.bot, chat.id, html_text, reply_markup=reply_markup, reply_to=reply_to
        )
    except UndeliverableError:
        return


async def answer_press(
    query: CallbackQuery, text: str | None = None, *, alert: bool = False
) -> None:
    """Answer a button press (the client stops its spinner); a late answer is only logged."""
    try:
        await query.answer(text[:CALLBACK_ANSWER_CHARS] if text else None, show_alert=alert)
    except TelegramError as error:
        # Telegram refuses answers to presses older than a few seconds; nothing is lost.
        log.info("callback query %s not answered: %s", query.id, error)


async def refuse_in_group(update: Update, context: BotContext) -> None:
    """Tell a group that account matters are handled in the private chat."""
    await reply(
        update,
        context,
        texts.PRIVATE_ONLY,
        reply_markup=private_chat_keyboard(context.bot.username),
    )
