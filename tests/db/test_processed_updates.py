"""Each Telegram update is claimed once, so a redelivered update is not answered twice."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.chat_history import add_user_message
from db.models import ChatMessage, ProcessedUpdate
from db.processed_updates import DUPLICATE_WINDOW, claim_update, last_update_id
from db.retries import run_sync_in_transaction


def _claims(*update_ids: int) -> Callable[[Connection], list[bool]]:
    return lambda connection: [claim_update(connection, update_id) for update_id in update_ids]


async def test_an_update_is_claimed_once(sessions: async_sessionmaker[AsyncSession]) -> None:
    assert await run_sync_in_transaction(sessions, _claims(555_001), what="claim") == [True]
    assert await run_sync_in_transaction(sessions, _claims(555_001, 555_002), what="claim") == [
        False,
        True,
    ]
    async with sessions() as session:
        claimed = await session.scalar(select(func.count()).select_from(ProcessedUpdate))
    assert claimed == 2


async def test_a_duplicate_leaves_the_transaction_usable(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await run_sync_in_transaction(sessions, _claims(555_010), what="claim")

    def claim_again_then_store(connection: Connection) -> None:
        assert claim_update(connection, 555_010) is False
        add_user_message(connection, "chat-9", "merhaba", customer_id=None)

    await run_sync_in_transaction(sessions, claim_again_then_store, what="claim and store")
    async with sessions() as session:
        stored = await session.scalar(
            select(func.count()).select_from(ChatMessage).where(ChatMessage.chat_id == "chat-9")
        )
    assert stored == 1


async def test_an_update_is_a_duplicate_only_within_the_window(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    claimed_at = datetime(2026, 1, 1, 12, tzinfo=UTC)
    inside = claimed_at + DUPLICATE_WINDOW - timedelta(seconds=1)
    after = claimed_at + DUPLICATE_WINDOW + timedelta(seconds=1)

    def claim_at(moment: datetime, *update_ids: int) -> Callable[[Connection], list[bool]]:
        return lambda connection: [
            claim_update(connection, update_id, now=moment) for update_id in update_ids
        ]

    first = await run_sync_in_transaction(sessions, claim_at(claimed_at, 555_020), what="claim")
    redelivered = await run_sync_in_transaction(sessions, claim_at(inside, 555_020), what="claim")
    # Telegram numbering anew (after a week without updates, or a restarted stand-in):
    # the same id, long after, is a new update.
    renumbered = await run_sync_in_transaction(sessions, claim_at(after, 555_020), what="claim")
    again = await run_sync_in_transaction(sessions, claim_at(after, 555_020), what="claim")

    assert (first, redelivered, renumbered, again) == ([True], [False], [True], [False])
    async with sessions() as session:
        assert await last_update_id(session) is not None
