"""Screening before any handler: redelivered updates and the per-user rate limit."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import ApplicationHandlerStop

from bot import texts
from bot.addressing import is_addressed_to_bot
from bot.context import BotContext
from bot.handlers.replies import reply
from db.processed_updates import claim_update
from db.retries import retry_policy, run_in_transaction

log = logging.getLogger(__name__)


async def screen_update(update: Update, context: BotContext) -> None:
    """Stop an update seen before, or a message over the sender's rate limit."""
    message, user = update.message, update.effective_user
    if message is not None and not is_addressed_to_bot(message):
        return  # group chatter: no handler acts on it, so nothing to record
    services = context.services
    first_time = await run_in_transaction(
        services.database.sessions,
        lambda session: claim_update(session, update.update_id),
        what=f"claim update {update.update_id}",
        policy=retry_policy(services.settings),
    )
    if not first_time:
        log.info("update %s delivered again: ignored", update.update_id)
        raise ApplicationHandlerStop
    if message is None or user is None:
        return
    decision = services.rate_limiter.check(user.id)
    if decision.allowed:
        return
    log.warning("telegram user %s is over the rate limit; message dropped", user.id)
    if decision.notify:
        await reply(update, context, texts.RATE_LIMITED.format(seconds=decision.retry_after_s))
    raise ApplicationHandlerStop
