"""SQLite on the event loop's own thread: aiosqlite's interface without its worker thread.

aiosqlite runs every SQLite call on a thread of its own and hands each result
back through the event loop: about four hand-offs per statement, each a queue
put, a thread switch and a wake-up of the loop's selector. In an agent turn
(about six transactions, eight statements) those hand-offs were 40 % of the
CPU time (BENCHMARKS.md, "SQLite calls on the loop"). A statement on a local
SQLite file in WAL mode takes microseconds, less than one hand-off, so
:class:`InlineConnection` runs each call at once, on the calling thread,
behind aiosqlite's own interface: SQLAlchemy's ``sqlite+aiosqlite`` dialect
drives it unchanged through ``create_async_engine(async_creator=...)``.

The price is that while SQLite waits for a lock held by another connection,
the event loop waits too. The busy timeout is therefore short
(:data:`BUSY_TIMEOUT_MS`): a longer lock surfaces as "database is locked",
and :mod:`db.retries` waits it out between attempts with ``asyncio.sleep``,
the loop free. ``database.sqlite_calls: thread`` in ``config.yaml`` goes back
to aiosqlite's worker thread.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Awaitable, Callable, Generator
from typing import Any

import aiosqlite

# The longest the event loop waits for another connection's lock in one try.
BUSY_TIMEOUT_MS = 50


class _RunAtOnce:
    """Stands in for the queue to aiosqlite's worker thread: runs each call when it is put."""

    def put_nowait(self, item: tuple[asyncio.Future[Any] | None, Callable[[], Any]]) -> None:
        future, function = item
        try:
            result = function()
        except BaseException as error:
            if future is not None and not future.done():
                future.set_exception(error)
            return
        if future is not None and not future.done():
            future.set_result(result)


class InlineConnection(aiosqlite.Connection):
    """An ``aiosqlite.Connection`` whose calls run on the caller's thread."""

    def __init__(self, connector: Callable[[], sqlite3.Connection]) -> None:
        super().__init__(connector, iter_chunk_size=64)
        # Every call aiosqlite makes (connect, execute, fetch, commit, close,
        # and SQLAlchemy's isolation-level setter) goes through this queue.
        self._tx = _RunAtOnce()  # type: ignore[assignment]

    def __await__(self) -> Generator[Any, None, aiosqlite.Connection]:
        # aiosqlite starts its worker thread here; there is none to start.
        return self._connect().__await__()


def inline_creator(path: str, *, busy_timeout_ms: int) -> Callable[[], Awaitable[Any]]:
    """An ``async_creator`` for ``create_async_engine`` opening ``path`` inline."""
    timeout_s = min(busy_timeout_ms, BUSY_TIMEOUT_MS) / 1000

    def connector() -> sqlite3.Connection:
        # The pool may close a connection from another thread (at disposal),
        # so sqlite3's same-thread check is off; one caller at a time uses it.
        return sqlite3.connect(path, timeout=timeout_s, check_same_thread=False)

    async def create() -> aiosqlite.Connection:
        return await InlineConnection(connector)

    return create
