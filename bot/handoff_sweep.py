"""The sweep that hands idle chats back to the assistant.

A handoff with no message either way for ``telegram.handoff_idle_minutes``
is closed (``bot.handoff.close``): the customer is told the assistant
answers again, the topic that the conversation ended. The sweep runs every
quarter of the idle time (at most every minute), in a task started with the
application; any instance may close a handoff, and exactly one does (the
close is one conditional ``UPDATE``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from telegram.ext import ExtBot

from db.handoffs import idle_handoffs
from db.retries import run_sync_in_transaction

if TYPE_CHECKING:
    from bot.services import BotServices

log = logging.getLogger(__name__)

MAX_SWEEP_INTERVAL_S = 60.0


class HandoffSweeper:
    """Runs :func:`close_idle_handoffs` periodically until stopped."""

    def __init__(self) -> None:
        self._task: asyncio.Task[None] | None = None

    def start(self, bot: ExtBot[None], services: BotServices) -> None:
        """Start sweeping in a task of its own, only when a support group is configured."""
        if services.settings.telegram.support_chat_id is None:
            return
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(bot, services), name="handoff-sweep")

    async def stop(self) -> None:
        """Stop sweeping (a sweep under way is cancelled; the next start sweeps again)."""
        task, self._task = self._task, None
        if task is None:
            return
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    async def _run(self, bot: ExtBot[None], services: BotServices) -> None:
        idle_s = services.settings.telegram.handoff_idle_minutes * 60
        interval = min(MAX_SWEEP_INTERVAL_S, idle_s / 4)
        while True:
            await asyncio.sleep(interval)
            try:
                await close_idle_handoffs(bot, services)
            except Exception:
                log.exception("handoff sweep failed; trying again in %.0f s", interval)


async def close_idle_handoffs(bot: ExtBot[None], services: BotServices) -> int:
    """Close every handoff idle for ``telegram.handoff_idle_minutes``; how many closed."""
    from bot.handoff import CLOSED_IDLE, close

    idle = timedelta(minutes=services.settings.telegram.handoff_idle_minutes)
    silent_since = datetime.now(UTC) - idle
    handoffs = await run_sync_in_transaction(
        services.database.sessions,
        lambda connection: idle_handoffs(connection, silent_since),
        what="read idle handoffs",
        policy=services.database.retry,
    )
    for handoff in handoffs:
        await close(bot, services, handoff, CLOSED_IDLE)
    return len(handoffs)
