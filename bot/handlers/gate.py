"""Screening before any handler: redelivered updates and the per-user rate limit.

The same transaction that claims the update reads the sender's link, which
the handler acting on the update then uses (``bot.accounts.linked_customer``).
"""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update
from telegram.ext import ApplicationHandlerStop

from bot import texts
from bot.addressing import is_addressed_to_bot
from bot.context import BotContext
from bot.handlers.replies import reply
from db.processed_updates import claim_update
from db.retries import retry_policy, run_in_transaction
from db.telegram_links import LinkedCustomer, find_linked_customer

log = logging.getLogger(__name__)


async def screen_update(update: Update, context: BotContext) -> None:
    """Stop an update seen before, or a message over the sender's rate limit."""
    message, user = update.message, update.effective_user
    if message is not None and not is_addressed_to_bot(message):
        return  # group chatter: no handler acts on it, so nothing to record
    services = context.services
    sender = update.effective_user

    async def claim(session: AsyncSession) -> tuple[bool, LinkedCustomer | None]:
        """Claim the update and, in the same transaction, read who sent it."""
        if not await claim_update(session, update.update_id):
            return False, None
        linked = await find_linked_customer(session, sender.id) if sender else None
        return True, linked

    first_time, linked = await run_in_transaction(
        services.database.sessions,
        claim,
        what=f"claim update {update.update_id}",
        policy=retry_policy(services.settings),
    )
    if not first_time:
        log.info("update %s delivered again: ignored", update.update_id)
        raise ApplicationHandlerStop
    if sender is not None:
        context.remember_link(sender.id, linked)
    if message is None or user is None:
        return
    decision = services.rate_limiter.check(user.id)
    if decision.allowed:
        return
    log.warning("telegram user %s is over the rate limit; message dropped", user.id)
    if decision.notify:
        await reply(update, context, texts.RATE_LIMITED.format(seconds=decision.retry_after_s))
    raise ApplicationHandlerStop
