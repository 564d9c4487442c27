"""Database URLs, SQLite pragmas, and the hot-path indexes."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Select, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from db.engine import DatabaseURLError, async_url, create_engine, transaction
from db.models import Bill, ChatMessage
from db.sqlite_inline import BUSY_TIMEOUT_MS


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("sqlite:///data/x.db", "sqlite+aiosqlite:////base/data/x.db"),
        ("sqlite:////abs/x.db", "sqlite+aiosqlite:////abs/x.db"),
        ("postgresql://user@host/db", "postgresql+asyncpg://user@host/db"),
        ("postgres://user:pw@host:5433/db", "postgresql+asyncpg://user:***@host:5433/db"),
        ("postgresql+asyncpg://user@host/db", "postgresql+asyncpg://user@host/db"),
        ("postgresql+psycopg2://user@host/db", "postgresql+asyncpg://user@host/db"),
    ],
)
def test_usual_url_forms_get_the_async_driver(given: str, expected: str) -> None:
    assert str(async_url(given, Path("/base"))) == expected


def test_unsupported_database_is_a_clear_error() -> None:
    with pytest.raises(DatabaseURLError, match="unsupported database 'mysql'"):
        async_url("mysql://u@h/db")


async def _pragma(engine: AsyncEngine, name: str) -> object:
    async with AsyncSession(engine) as session:
        return await session.scalar(text(f"PRAGMA {name}"))


async def _query_plan(engine: AsyncEngine, query: Select[Any]) -> str:
    compiled = query.compile(engine.sync_engine, compile_kwargs={"literal_binds": True})
    async with AsyncSession(engine) as session:
        plan = (await session.execute(text(f"EXPLAIN QUERY PLAN {compiled}"))).all()
    return " ".join(str(row[-1]) for row in plan)


async def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(engine: AsyncEngine) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite pragmas")
    assert await _pragma(engine, "journal_mode") == "wal"
    # Calls run on the event loop (the default), so one wait there is short.
    assert await _pragma(engine, "busy_timeout") == BUSY_TIMEOUT_MS
    assert await _pragma(engine, "foreign_keys") == 1


async def test_sqlite_on_a_worker_thread_keeps_the_configured_busy_timeout(
    tmp_path: Path,
) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'x.db'}", sqlite_calls="thread")
    try:
        assert await _pragma(engine, "busy_timeout") == 5000
    finally:
        await engine.dispose()


async def test_money_comes_back_as_decimal_and_times_as_aware_utc(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    istanbul_noon = datetime(2026, 11, 20, 12, 0, tzinfo=timezone(timedelta(hours=3)))
    async with sessions() as session, session.begin():
        bill = await session.scalar(select(Bill).where(Bill.customer_id == 1001).limit(1))
        assert bill is not None
        bill_id = bill.id
        bill.amount = Decimal("1234.56")
        bill.paid_at = istanbul_noon
    async with sessions() as session:
        bill = await session.get(Bill, bill_id)
    assert bill is not None
    assert bill.amount == Decimal("1234.56")
    assert isinstance(bill.amount, Decimal)
    assert bill.paid_at == istanbul_noon
    assert bill.paid_at.tzinfo is not None
    assert bill.paid_at.utcoffset() == timedelta(0)


async def test_naive_datetimes_are_refused(sessions: async_sessionmaker[AsyncSession]) -> None:
    with pytest.raises(Exception, match="naive datetime"):
        async with sessions() as session, session.begin():
            session.add(
                ChatMessage(chat_id="c", role="user", content="x", created_at=datetime(2026, 1, 1))
            )


async def test_last_messages_of_a_chat_use_the_chat_index(engine: AsyncEngine) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("EXPLAIN QUERY PLAN is SQLite's")
    query = (
        select(ChatMessage)
        .where(ChatMessage.chat_id == "42")
        .order_by(ChatMessage.id.desc())
        .limit(20)
    )
    detail = await _query_plan(engine, query)
    assert "ix_chat_messages_chat_id_id" in detail
    assert "TEMP B-TREE" not in detail  # no sort of the whole chat


async def test_current_bill_lookup_uses_the_customer_index(engine: AsyncEngine) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("EXPLAIN QUERY PLAN is SQLite's")
    query = select(Bill).where(Bill.customer_id == 1001).order_by(Bill.bill_date.desc()).limit(1)
    detail = await _query_plan(engine, query)
    assert "ix_bills_customer_bill_date" in detail
    assert "TEMP B-TREE" not in detail


async def test_a_transaction_does_not_hand_the_event_loop_to_other_tasks(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """SQLite's calls run on the loop, so a transaction is one step of its task.

    SQLAlchemy's ``async with AsyncSession`` closes in a task of its own: three
    trips through the event loop per transaction, each behind every other
    ready task (BENCHMARKS.md, "The event loop and the tools"). ``transaction`` must not.
    """
    if sessions.kw["bind"].dialect.name != "sqlite":
        pytest.skip("a server database's calls wait for the network")
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0)

    running = asyncio.create_task(ticker())
    await asyncio.sleep(0)
    try:
        before = ticks
        for _ in range(20):
            async with transaction(sessions) as session:
                await session.execute(select(ChatMessage.id).limit(1))
        assert ticks == before
    finally:
        running.cancel()


async def test_a_cancelled_transaction_rolls_back_and_returns_its_connection(
    sessions: async_sessionmaker[AsyncSession], engine: AsyncEngine
) -> None:
    """``/iptal`` cancels a turn wherever it is, a transaction included."""
    inside = asyncio.Event()

    async def interrupted() -> None:
        async with transaction(sessions) as session:
            session.add(ChatMessage(chat_id="cancelled", role="user", content="x"))
            await session.flush()
            inside.set()
            await asyncio.sleep(30)

    task = asyncio.create_task(interrupted())
    await inside.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert engine.pool.checkedout() == 0  # type: ignore[attr-defined]
    async with transaction(sessions) as session:
        stored = await session.scalar(
            select(ChatMessage.id).where(ChatMessage.chat_id == "cancelled")
        )
    assert stored is None
