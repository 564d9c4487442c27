"""Answered/failed marks of customer messages, gathered into one transaction per loop pass."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import event, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.message_marks import MessageMarks
from db.chat_history import ANSWERED, FAILED, add_user_message
from db.engine import transaction
from db.models import ChatMessage
from db.retries import RetryPolicy

# A database that stays broken fails the marks at once instead of after 10 s.
NO_RETRIES = RetryPolicy(retry_for_s=0)


async def _store(sessions: async_sessionmaker[AsyncSession], count: int) -> list[int]:
    async with transaction(sessions) as session:
        return [
            await add_user_message(session, f"chat-{n}", f"soru {n}", customer_id=None)
            for n in range(count)
        ]


async def _statuses(sessions: async_sessionmaker[AsyncSession], ids: list[int]) -> list[str]:
    async with transaction(sessions) as session:
        rows = await session.execute(
            select(ChatMessage.status).where(ChatMessage.id.in_(ids)).order_by(ChatMessage.id)
        )
        return [status for (status,) in rows]


async def test_marks_asked_together_are_committed_in_one_transaction(
    sessions: async_sessionmaker[AsyncSession], engine: AsyncEngine
) -> None:
    ids = await _store(sessions, 12)
    commits = 0

    def count(_connection: object) -> None:
        nonlocal commits
        commits += 1

    event.listen(engine.sync_engine, "commit", count)
    marks = MessageMarks(sessions, NO_RETRIES)
    await asyncio.gather(
        *(marks.mark(message_id, ANSWERED if n % 3 else FAILED) for n, message_id in enumerate(ids))
    )
    event.remove(engine.sync_engine, "commit", count)

    assert commits == 1
    assert await _statuses(sessions, ids) == [ANSWERED if n % 3 else FAILED for n in range(12)]
    await marks.mark(ids[0], ANSWERED)  # alone, later: a transaction of its own
    assert await _statuses(sessions, ids[:1]) == [ANSWERED]


async def test_the_others_are_written_when_the_first_caller_is_cancelled(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    ids = await _store(sessions, 3)
    marks = MessageMarks(sessions, NO_RETRIES)
    first = asyncio.create_task(marks.mark(ids[0], ANSWERED))
    await asyncio.sleep(0)  # the first caller now waits for the others to join
    others = asyncio.gather(marks.mark(ids[1], ANSWERED), marks.mark(ids[2], FAILED))
    first.cancel()
    await others
    with pytest.raises(asyncio.CancelledError):
        await first
    assert await _statuses(sessions, ids) == [ANSWERED, ANSWERED, FAILED]


async def test_a_failed_write_reaches_every_caller(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    ids = await _store(sessions, 2)
    async with transaction(sessions) as session:
        await session.execute(text("DROP TABLE chat_messages"))
    marks = MessageMarks(sessions, NO_RETRIES)
    outcomes = await asyncio.gather(
        marks.mark(ids[0], ANSWERED), marks.mark(ids[1], ANSWERED), return_exceptions=True
    )
    assert all(isinstance(outcome, Exception) for outcome in outcomes)
