"""Allocation of the public, year-scoped ids: ``F-2026-004217``, ``T-2026-000123`` ...

Each prefix and year has a counter row in ``id_sequences`` (``"F-2026"``). The
counter is bumped with one ``UPDATE ... SET value = value + 1 ... RETURNING``
inside the caller's transaction, so two transactions never get the same number:
PostgreSQL locks the row until the first commits, SQLite allows one writer at a
time. A missing counter row is created under a savepoint; if another
transaction created it first, the update is simply retried.
"""

from __future__ import annotations

from sqlalchemy import insert, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import IdSequence


async def next_public_id(session: AsyncSession, prefix: str, year: int, width: int = 6) -> str:
    """The next id ``PREFIX-YEAR-NNNNNN`` for ``prefix`` in ``year``, allocated in ``session``.

    Call it inside the transaction that stores the new row: if that
    transaction rolls back, the number is given back with it.
    """
    name = f"{prefix}-{year}"
    value = await _bump(session, name)
    if value is None:
        try:
            async with session.begin_nested():
                await session.execute(insert(IdSequence).values(name=name, value=1))
            value = 1
        except IntegrityError:
            # A concurrent transaction created the counter first: use it.
            value = await _bump(session, name)
            if value is None:  # pragma: no cover - the row was just seen to exist
                raise
    return f"{name}-{value:0{width}d}"


async def _bump(session: AsyncSession, name: str) -> int | None:
    """Increment the counter ``name`` and return its new value; None if it does not exist."""
    result = await session.execute(
        update(IdSequence)
        .where(IdSequence.name == name)
        .values(value=IdSequence.value + 1)
        .returning(IdSequence.value)
    )
    return result.scalar_one_or_none()
