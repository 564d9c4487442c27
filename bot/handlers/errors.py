"""The error handler: a short Turkish apology with an incident id; the traceback to the log.

A database still locked or unreachable after the retries (``DatabaseBusyError``)
gets its own apology: the message was not taken, so the customer should send it again.
"""

from __future__ import annotations

import contextlib
import logging
import uuid

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop

from bot import texts
from bot.context import BotContext
from bot.delivery import UndeliverableError, send_html
from db.retries import DatabaseBusyError

log = logging.getLogger(__name__)


def new_incident_id() -> str:
    """A short id the customer can quote and the operator can find in the log."""
    return uuid.uuid4().hex[:8].upper()


async def report_error(update: object, context: BotContext) -> None:
    """Log the failure with an incident id and apologise in the chat, never with details.

    Later handler groups do not run for the failed update: one apology, no
    half-handled answer after it.
    """
    incident = new_incident_id()
    update_id = update.update_id if isinstance(update, Update) else None
    log.error(
        "incident %s: handling update %s failed",
        incident,
        update_id,
        exc_info=context.error,
    )
    if not isinstance(update, Update):
        return
    # A database out of reach means the message was not taken: ask for it again.
    apology = (
        texts.DATABASE_BUSY if isinstance(context.error, DatabaseBusyError) else texts.ERROR_APOLOGY
    )
    await _apologise(update, context, apology.format(incident=incident), incident)
    raise ApplicationHandlerStop


async def _apologise(update: Update, context: BotContext, apology: str, incident: str) -> None:
    if update.callback_query is not None:
        with contextlib.suppress(TelegramError):
            await update.callback_query.answer()
    chat = update.effective_chat
    if chat is None:
        return
    try:
        await send_html(context.bot, chat.id, apology)
    except UndeliverableError:
        log.error("incident %s: the apology could not be delivered either", incident)
