"""Each Telegram update is claimed once, so a redelivered update is not answered twice."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.chat_history import add_user_message
from db.models import ChatMessage, ProcessedUpdate
from db.processed_updates import claim_update


async def test_an_update_is_claimed_once(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions() as session, session.begin():
        assert await claim_update(session, 555_001) is True
    async with sessions() as session, session.begin():
        assert await claim_update(session, 555_001) is False
        assert await claim_update(session, 555_002) is True
    async with sessions() as session:
        claimed = await session.scalar(select(func.count()).select_from(ProcessedUpdate))
    assert claimed == 2


async def test_a_duplicate_leaves_the_transaction_usable(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session, session.begin():
        await claim_update(session, 555_010)
    async with sessions() as session, session.begin():
        assert await claim_update(session, 555_010) is False
        await add_user_message(session, "chat-9", "merhaba", customer_id=None)
    async with sessions() as session:
        stored = await session.scalar(
            select(func.count()).select_from(ChatMessage).where(ChatMessage.chat_id == "chat-9")
        )
    assert stored == 1
