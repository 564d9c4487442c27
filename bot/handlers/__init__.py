"""Update handlers, one module per feature; :func:`register_handlers` wires them in order."""

from __future__ import annotations

from telegram import Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    MessageReactionHandler,
    TypeHandler,
    filters,
)

from bot.addressing import ADDRESSED_TO_BOT
from bot.context import BotApplication
from bot.handlers import (
    admin,
    billing,
    cancel,
    chat,
    confirmations,
    errors,
    gate,
    handoff,
    linking,
    media,
    ratings,
    start,
    status,
    typed_commands,
)
from bot.handoff import OFFER_CALLBACK_DATA
from bot.handoff_texts import COMMAND_NAME as HANDOFF_COMMAND
from bot.keyboards import CONFIRMATION_PREFIX, PAY_PREFIX, RATING_PREFIX
from bot.questions import QUESTION_MESSAGES

# Screening (duplicates, rate limit) runs before every other handler.
SCREENING_GROUP = -2
# Then the human handoff takes what it relays or hands over (bot.handlers.handoff).
HANDOFF_GROUP = -1

# Only new messages: an edited message is not a new question.
NEW_MESSAGES = filters.UpdateType.MESSAGE


def register_handlers(application: BotApplication) -> None:
    """Add every handler and the error handler to ``application``."""
    application.add_handler(TypeHandler(Update, gate.screen_update), group=SCREENING_GROUP)
    application.add_handler(TypeHandler(Update, handoff.route), group=HANDOFF_GROUP)
    commands = {
        "start": start.start,
        "help": start.show_help,
        "fatura": billing.current_bill,
        "durum": status.line_status,
        "iptal": cancel.cancel,
        "admin": admin.admin,
        HANDOFF_COMMAND: handoff.ask_for_person,
    }
    for name, callback in commands.items():
        application.add_handler(CommandHandler(name, callback, filters=NEW_MESSAGES))
    application.add_handler(
        MessageHandler(NEW_MESSAGES & filters.CONTACT & ADDRESSED_TO_BOT, linking.contact_shared)
    )
    application.add_handler(
        CallbackQueryHandler(confirmations.confirmation_pressed, pattern=f"^{CONFIRMATION_PREFIX}")
    )
    application.add_handler(CallbackQueryHandler(billing.pay_pressed, pattern=f"^{PAY_PREFIX}"))
    application.add_handler(
        CallbackQueryHandler(handoff.offer_pressed, pattern=f"^{OFFER_CALLBACK_DATA}$")
    )
    application.add_handler(
        CallbackQueryHandler(ratings.rating_pressed, pattern=f"^{RATING_PREFIX}")
    )
    application.add_handler(
        MessageReactionHandler(
            ratings.reaction_changed,
            message_reaction_types=MessageReactionHandler.MESSAGE_REACTION_UPDATED,
        )
    )
    application.add_handler(CallbackQueryHandler(confirmations.unknown_button))
    application.add_handler(
        # A command of ours spelled with invisible characters, or an unknown one.
        MessageHandler(
            NEW_MESSAGES & filters.COMMAND & ADDRESSED_TO_BOT,
            typed_commands.command_dispatcher(commands),
        )
    )
    application.add_handler(
        # Text that is not a command: what the gate stored as the question.
        MessageHandler(QUESTION_MESSAGES, chat.chat_message)
    )
    application.add_handler(
        MessageHandler(NEW_MESSAGES & ADDRESSED_TO_BOT & ~filters.TEXT, media.unsupported_media)
    )
    application.add_error_handler(errors.report_error)
