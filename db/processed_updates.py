"""Telegram update ids handled recently, so an update redelivered soon after is ignored.

Telegram may deliver an update again (a webhook retried after a timeout, a
restart before the polling offset was confirmed), but only within a bounded
time: it keeps an update at most 24 hours. An update is therefore a duplicate
only when its ``update_id`` was claimed within :data:`DUPLICATE_WINDOW`. An
id claimed longer ago is claimed afresh: Telegram may number updates anew
(after a week without updates the next id is chosen at random and can be
lower than ids already stored), and a stand-in restarted on the same database
may too, so an old record must never swallow a new message. The records
themselves are pruned to the window at every start (``bot.application``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, bindparam, delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import ProcessedUpdate

# How long a claimed update_id counts: longer than Telegram ever redelivers.
DUPLICATE_WINDOW = timedelta(days=2)


def _claim(insert: Callable[..., Any]) -> Any:
    """The claim statement written with one dialect's ``insert``."""
    statement = insert(ProcessedUpdate.__table__).values(
        update_id=bindparam("update_id"), processed_at=bindparam("now")
    )
    return statement.on_conflict_do_update(
        index_elements=[ProcessedUpdate.update_id],
        set_={"processed_at": statement.excluded.processed_at},
        # Only a record older than the window is taken over; a recent one stays,
        # and the statement changes no row (a duplicate).
        where=ProcessedUpdate.__table__.c.processed_at < bindparam("stale_before"),
    )


# Both dialects write "INSERT ... ON CONFLICT DO UPDATE ... WHERE"; built once
# per dialect, since a claim is on every update's path.
_CLAIM = {
    name: _claim(insert)
    for name, insert in (("sqlite", sqlite.insert), ("postgresql", postgresql.insert))
}


def claim_update(
    connection: Connection,
    update_id: int,
    *,
    now: datetime | None = None,
    window: timedelta = DUPLICATE_WINDOW,
) -> bool:
    """Record ``update_id`` as handled; False when it was already claimed within ``window``.

    One statement that skips a duplicate instead of failing on it, so the
    caller's transaction stays usable either way. Synchronous, on a
    connection: on every update's path (:func:`db.engine.run_on_connection`).
    """
    moment = now or datetime.now(UTC)
    claim = _CLAIM[connection.dialect.name]
    parameters = {"update_id": update_id, "now": moment, "stale_before": moment - window}
    return bool(connection.execute(claim, parameters).rowcount)


async def forget_updates_before(session: AsyncSession, moment: datetime) -> int:
    """Delete records older than ``moment`` (Telegram never redelivers that late)."""
    # A DML statement's result is a CursorResult (rowcount); Session.execute is typed Result.
    result = cast(
        CursorResult[Any],
        await session.execute(delete(ProcessedUpdate).where(ProcessedUpdate.processed_at < moment)),
    )
    return result.rowcount or 0


async def last_update_id(session: AsyncSession) -> int | None:
    """The highest ``update_id`` on record (where a restarted stand-in continues)."""
    return await session.scalar(select(func.max(ProcessedUpdate.update_id)))
