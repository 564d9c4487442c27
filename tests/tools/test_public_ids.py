"""Public ids from id_sequences: format, per-year counters, no duplicates under concurrency."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.engine import transaction
from db.ids import next_public_id
from db.seed import SEEDED_ID_CEILING


async def _allocate(
    sessions: async_sessionmaker[AsyncSession], prefix: str, year: int, width: int = 6
) -> str:
    async with transaction(sessions) as session:
        return await next_public_id(session, prefix, year, width)


async def test_ids_continue_above_the_seeded_ones(
    sessions: async_sessionmaker[AsyncSession], seed_day: Any
) -> None:
    year = seed_day.today.year
    first = await _allocate(sessions, "T", year)
    second = await _allocate(sessions, "T", year)
    assert first == f"T-{year}-{SEEDED_ID_CEILING + 1:06d}"
    assert second == f"T-{year}-{SEEDED_ID_CEILING + 2:06d}"


async def test_a_new_prefix_or_year_starts_its_own_counter(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    assert await _allocate(sessions, "ZZ", 2031) == "ZZ-2031-000001"
    assert await _allocate(sessions, "ZZ", 2032, width=4) == "ZZ-2032-0001"
    assert await _allocate(sessions, "ZZ", 2031) == "ZZ-2031-000002"


async def test_a_rolled_back_transaction_gives_its_number_back(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session:
        await session.begin()
        await next_public_id(session, "RB", 2030)
        await session.rollback()
    assert await _allocate(sessions, "RB", 2030) == "RB-2030-000001"


async def test_concurrent_transactions_never_share_an_id(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    ids = await asyncio.gather(*(_allocate(sessions, "CC", 2030) for _ in range(12)))
    assert len(set(ids)) == 12
    assert sorted(ids) == [f"CC-2030-{n:06d}" for n in range(1, 13)]
