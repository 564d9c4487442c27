"""SQLite calls on the event loop's thread (``db.sqlite_inline``), the default for SQLite.

What a user would notice if it went wrong: queries answered from the wrong
thread (sqlite3 refuses those), errors lost or turned into hangs, one chat
freezing every other chat while another process holds the database's lock,
or every message costing the CPU of the greenlet round trips this avoids.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator
from pathlib import Path

import greenlet
import pytest
from sqlalchemy import text
from sqlalchemy.exc import AwaitRequired, IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from db.engine import create_engine, session_factory, transaction
from db.retries import database_policy, run_in_transaction
from tests.faults.outages import sqlite_write_lock


@pytest.fixture
async def inline_engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(f"sqlite:///{tmp_path / 'inline.db'}")
    async with transaction(session_factory(engine)) as session:
        await session.execute(text("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)"))
    yield engine
    await engine.dispose()


async def test_statements_run_on_the_event_loops_thread(inline_engine: AsyncEngine) -> None:
    threads: list[int] = []

    def caller_thread() -> int:
        threads.append(threading.get_ident())
        return 1

    async with transaction(session_factory(inline_engine)) as session:
        raw = await (await session.connection()).get_raw_connection()
        assert raw.driver_connection is not None
        raw.driver_connection.create_function("caller_thread", 0, caller_thread)
        assert await session.scalar(text("SELECT caller_thread()")) == 1
    assert threads == [threading.get_ident()]


async def _greenlet_switches_for(statements: int, engine: AsyncEngine) -> int:
    """Greenlet switches in one transaction of ``statements`` reads."""
    switches = 0

    def count(event: str, _args: object) -> None:
        nonlocal switches
        switches += event == "switch"

    previous = greenlet.settrace(count)
    try:
        async with transaction(session_factory(engine)) as session:
            for _ in range(statements):
                (await session.execute(text("SELECT body FROM notes"))).all()
    finally:
        greenlet.settrace(previous)
    return switches


async def test_a_statement_costs_one_trip_into_its_greenlet_and_back(
    inline_engine: AsyncEngine, tmp_path: Path
) -> None:
    """What the inline dialect is for: no greenlet round trip per driver call.

    SQLAlchemy runs each session call in a greenlet; through aiosqlite, every
    cursor, execute, fetch and close inside it switches back to the loop and
    back again. Here a statement is the session call's own two switches.
    """
    extra = await _greenlet_switches_for(11, inline_engine)
    extra -= await _greenlet_switches_for(1, inline_engine)
    assert extra == 2 * 10

    threaded = create_engine(f"sqlite:///{tmp_path / 'inline.db'}", sqlite_calls="thread")
    try:
        threaded_extra = await _greenlet_switches_for(11, threaded)
        threaded_extra -= await _greenlet_switches_for(1, threaded)
    finally:
        await threaded.dispose()
    assert threaded_extra > 2 * extra  # aiosqlite: round trips per driver call


async def test_a_bare_connection_runs_statements_through_run_sync(
    inline_engine: AsyncEngine,
) -> None:
    """The dialect's one catch, and the way round it (Alembic already takes it)."""
    async with inline_engine.connect() as connection:
        with pytest.raises(AwaitRequired):
            await connection.execute(text("SELECT count(*) FROM notes"))
        count = await connection.run_sync(
            lambda sync: sync.execute(text("SELECT count(*) FROM notes")).scalar()
        )
    assert count == 0


async def test_writes_commit_and_errors_reach_the_caller(inline_engine: AsyncEngine) -> None:
    sessions = session_factory(inline_engine)
    async with sessions() as session, session.begin():
        await session.execute(text("INSERT INTO notes (id, body) VALUES (1, 'ilk')"))

    async def two_inserts(session: AsyncSession) -> None:
        await session.execute(text("INSERT INTO notes (id, body) VALUES (2, 'ikinci')"))
        await session.execute(text("INSERT INTO notes (id, body) VALUES (1, 'aynı')"))

    with pytest.raises(IntegrityError):
        await run_in_transaction(sessions, two_inserts, what="test write")
    async with sessions() as session:
        bodies = (await session.execute(text("SELECT body FROM notes ORDER BY id"))).scalars()
        assert list(bodies) == ["ilk"]  # the failed transaction left nothing behind


async def test_a_lock_held_elsewhere_is_waited_out_without_freezing_the_loop(
    inline_engine: AsyncEngine,
) -> None:
    """Another process holds the write lock for a second: other chats keep being served."""
    sessions = session_factory(inline_engine)
    gaps: list[float] = []

    async def ticker(stop: asyncio.Event) -> None:
        last = time.monotonic()
        while not stop.is_set():
            await asyncio.sleep(0.01)
            now = time.monotonic()
            gaps.append(now - last)
            last = now

    async def write(session: AsyncSession) -> None:
        await session.execute(text("INSERT INTO notes (body) VALUES ('kilitten sonra')"))

    stop = asyncio.Event()
    async with sqlite_write_lock(str(inline_engine.url)):
        ticks = asyncio.create_task(ticker(stop))
        writer = asyncio.create_task(
            run_in_transaction(sessions, write, what="test write", policy=database_policy(10.0))
        )
        await asyncio.sleep(1.0)
        assert not writer.done()  # still waiting for the lock, not failed
    await asyncio.wait_for(writer, timeout=10)
    stop.set()
    await ticks

    # The loop never stood still much longer than one short busy wait and a tick.
    assert max(gaps) < 0.5
    async with sessions() as session:
        count = (await session.execute(text("SELECT count(*) FROM notes"))).scalar()
    assert count == 1
