"""``/durum``: package, remaining quotas, line status and renewal date, from the tools."""

from __future__ import annotations

import asyncio
import logging

from telegram import Update

from agent.client import AgentUnavailableError
from bot import texts
from bot.context import BotContext
from bot.handlers.account_access import customer_or_refusal
from bot.handlers.replies import reply
from bot.rendering import escape
from bot.views.line_status import line_status_card
from bot.views.tool_errors import tool_error

log = logging.getLogger(__name__)

STATUS_TOOLS = ("get_customer_package", "get_remaining_quotas", "get_customer_profile")


async def line_status(update: Update, context: BotContext) -> None:
    """The line at a glance, with a text bar per quota."""
    customer_id = await customer_or_refusal(update, context)
    if customer_id is None:
        return
    agent = context.services.agent
    try:
        package, quotas, profile = await asyncio.gather(
            *(
                agent.call_tool(name, customer_id=customer_id, arguments={"user_id": customer_id})
                for name in STATUS_TOOLS
            )
        )
    except AgentUnavailableError as error:
        log.warning("/durum for customer %s: agent unavailable: %s", customer_id, error)
        await reply(update, context, texts.AGENT_UNAVAILABLE)
        return
    for result in (package, quotas, profile):
        failure = tool_error(result)
        if failure is not None:
            code, message = failure
            log.info("/durum for customer %s: %s", customer_id, code)
            await reply(update, context, escape(message) if message else texts.STATUS_UNAVAILABLE)
            return
    await reply(update, context, line_status_card(package, quotas, profile))
