"""Each Telegram update is claimed once, so a redelivered update is not answered twice."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import func, select
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.chat_history import add_user_message
from db.models import ChatMessage, ProcessedUpdate
from db.processed_updates import claim_update
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
