"""Telegram update ids already handled, so a redelivered update is ignored.

Telegram may deliver an update again (a webhook retried after a timeout, a
restart before the polling offset was confirmed). The bot claims each
``update_id`` once; a second claim fails.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import ProcessedUpdate


async def claim_update(session: AsyncSession, update_id: int) -> bool:
    """Record ``update_id`` as handled; False when it was already recorded.

    Runs under a savepoint, so a duplicate leaves the caller's transaction usable.
    """
    try:
        async with session.begin_nested():
            await session.execute(insert(ProcessedUpdate).values(update_id=update_id))
    except IntegrityError:
        return False
    return True


async def forget_updates_before(session: AsyncSession, moment: datetime) -> int:
    """Delete records older than ``moment`` (Telegram never redelivers that late)."""
    result = await session.execute(
        delete(ProcessedUpdate).where(ProcessedUpdate.processed_at < moment)
    )
    return result.rowcount or 0
