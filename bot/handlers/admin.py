"""``/admin``: system status, answer quality and model swaps, for ``telegram.admin_ids`` only.

Anyone else gets the same answer as for an unknown command, so the command's
existence is not revealed; the attempt is logged at WARNING.
"""

from __future__ import annotations

import logging

from telegram import Update

from agent.client import AgentUnavailableError
from agent.status import SystemStatus
from bot import texts
from bot.answer_quality import quality_report
from bot.context import BotContext
from bot.handlers.replies import is_private, refuse_in_group, reply
from bot.rendering import escape
from bot.views.admin import admin_card
from bot.views.answer_quality import quality_section
from db.retries import DatabaseBusyError

log = logging.getLogger(__name__)

# The values of ``model.backend`` (core.settings.ModelSettings).
BACKENDS = ("auto", "transformers", "openai", "rules")


async def admin(update: Update, context: BotContext) -> None:
    """``/admin``, ``/admin reload``, ``/admin model NAME``, ``/admin backend NAME``."""
    user = update.effective_user
    services = context.services
    if user is None or not services.is_admin(user.id):
        log.warning("/admin refused for telegram user %s", user.id if user else None)
        await reply(update, context, texts.UNKNOWN_COMMAND)
        return
    if not is_private(update):
        await refuse_in_group(update, context)
        return
    arguments = context.args or []
    try:
        match arguments:
            case []:
                card = admin_card(await services.agent.status())
                await reply(update, context, f"{card}\n\n{await _quality(context)}")
            case ["reload"]:
                await _swap(update, context, user.id, backend=None, model_name=None)
            case ["model", name]:
                await _swap(update, context, user.id, backend=None, model_name=name)
            case ["backend", name] if name in BACKENDS:
                await _swap(update, context, user.id, backend=name, model_name=None)
            case _:
                await reply(update, context, texts.ADMIN_USAGE)
    except AgentUnavailableError as error:
        log.warning("/admin: agent unavailable: %s", error)
        await reply(update, context, texts.ADMIN_UNAVAILABLE)


async def _quality(context: BotContext) -> str:
    """The answer-quality section; a database out of reach says so instead."""
    try:
        return quality_section(await quality_report(context.services))
    except DatabaseBusyError as error:
        log.warning("/admin: answer ratings unreadable: %s", error)
        return texts.ADMIN_RATINGS_UNAVAILABLE


async def _swap(
    update: Update,
    context: BotContext,
    admin_id: int,
    *,
    backend: str | None,
    model_name: str | None,
) -> None:
    log.info("admin %s swaps model: backend=%s model=%s", admin_id, backend, model_name)
    await reply(update, context, texts.ADMIN_SWAPPING)
    status: SystemStatus = await context.services.agent.swap_model(
        backend=backend, model_name=model_name
    )
    error = status.model_hizmeti.error
    headline = texts.ADMIN_SWAP_FAILED.format(error=escape(error)) if error else texts.ADMIN_SWAPPED
    await reply(update, context, f"{headline}\n\n{admin_card(status)}")
