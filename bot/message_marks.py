"""Marking customer messages answered or failed, several in one transaction.

A message is marked once its answer (or an apology) has reached the
customer; until then ``bot.recovery`` would take it up at the next start.
Each mark was a transaction of its own, about 1.6 ms of the bot's CPU on
the benchmark machine (BENCHMARKS.md). Under load many turns end together,
so the marks asked for within one pass of the event loop are written
together: the first caller waits that one pass, then writes every mark
gathered so far in one statement; the others wait for it. Every caller
returns only once its own mark is committed, exactly as before.
"""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.chat_history import set_user_message_statuses
from db.retries import RetryPolicy, run_in_transaction

log = logging.getLogger(__name__)


class MessageMarks:
    """Gathers the marks of one event-loop pass into one transaction."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], policy: RetryPolicy) -> None:
        self._sessions = sessions
        self._policy = policy
        # Marks gathered for the next write, each with the future its caller
        # awaits (none for the caller that writes them).
        self._gathered: list[tuple[int, str, asyncio.Future[None] | None]] = []

    async def mark(self, message_id: int, status: str) -> None:
        """Set the message's status; returns once committed, raises what the write raised."""
        if self._gathered:  # a write is being gathered: join it
            written = asyncio.get_running_loop().create_future()
            self._gathered.append((message_id, status, written))
            await written
            return
        self._gathered.append((message_id, status, None))
        try:
            await asyncio.sleep(0)  # one pass of the loop for other turns to join
        finally:  # even when cancelled meanwhile: the others are waiting on this write
            gathered, self._gathered = self._gathered, []
            await self._write(gathered)

    async def _write(self, gathered: list[tuple[int, str, asyncio.Future[None] | None]]) -> None:
        # In the order asked: a message marked twice keeps its last status.
        statuses = {message_id: status for message_id, status, _ in gathered}

        async def write(session: AsyncSession) -> None:
            await set_user_message_statuses(session, statuses)

        waiting = [future for _, _, future in gathered if future is not None]
        try:
            await run_in_transaction(
                self._sessions,
                write,
                what=f"mark {len(statuses)} message(s)",
                policy=self._policy,
            )
        except Exception as error:
            for future in waiting:
                if not future.done():
                    future.set_exception(error)
            raise
        for future in waiting:
            if not future.done():
                future.set_result(None)
        log.debug("marked %d message(s) in one transaction", len(statuses))
