"""Telegram update ids already handled, so a redelivered update is ignored.

Telegram may deliver an update again (a webhook retried after a timeout, a
restart before the polling offset was confirmed). The bot claims each
``update_id`` once; a second claim fails.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import ProcessedUpdate

# Both dialects write "INSERT ... ON CONFLICT DO NOTHING"; built once per
# dialect, since a claim is on every update's path.
_CLAIM = {
    name: insert(ProcessedUpdate.__table__)
    .values(update_id=bindparam("update_id"))
    .on_conflict_do_nothing(index_elements=[ProcessedUpdate.update_id])
    for name, insert in (("sqlite", sqlite.insert), ("postgresql", postgresql.insert))
}


def claim_update(connection: Connection, update_id: int) -> bool:
    """Record ``update_id`` as handled; False when it was already recorded.

    One statement that skips a duplicate instead of failing on it, so the
    caller's transaction stays usable either way. Synchronous, on a
    connection: on every update's path (:func:`db.engine.run_on_connection`).
    """
    claim = _CLAIM[connection.dialect.name]
    return bool(connection.execute(claim, {"update_id": update_id}).rowcount)


async def forget_updates_before(session: AsyncSession, moment: datetime) -> int:
    """Delete records older than ``moment`` (Telegram never redelivers that late)."""
    result = await session.execute(
        delete(ProcessedUpdate).where(ProcessedUpdate.processed_at < moment)
    )
    return result.rowcount or 0
