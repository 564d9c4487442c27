"""SQLite on the event loop's own thread, without greenlet round trips.

SQLAlchemy's asyncio layer runs the ORM's synchronous code in a greenlet and,
for an async driver such as aiosqlite, switches back to the event loop for
every driver call: a cursor, an execute, a fetch, a commit, each a coroutine
awaited through two greenlet switches, on top of aiosqlite's hand-off to its
worker thread. A statement on a local SQLite file in WAL mode takes
microseconds, so that machinery cost more than SQLite's own work
(BENCHMARKS.md, "The database path" and "SQLite without greenlet round trips").

:class:`SQLiteInlineDialect` is SQLAlchemy's own ``pysqlite`` dialect,
declared async. The asyncio layer then runs each session call (an execute, a
flush, a commit) in one greenlet that never has to switch: sqlite3 is called
directly, on the event loop's thread. URL: ``sqlite+inline:///path``
(:mod:`db.engine` picks it for ``database.sqlite_calls: inline``, the
default).

Two consequences, both checked by ``tests/db/test_sqlite_inline.py``:

- While SQLite waits for a lock held by another connection, the event loop
  waits too. The busy timeout is therefore short (:data:`BUSY_TIMEOUT_MS`): a
  longer lock surfaces as "database is locked", and :mod:`db.retries` waits it
  out between attempts with ``asyncio.sleep``, the loop free.
- ``AsyncConnection.execute``, ``scalar``, ``exec_driver_sql`` and ``stream``
  insist that the driver awaited something and raise ``AwaitRequired`` here.
  Statements go through sessions (:func:`db.engine.transaction`), as
  everywhere in this project; code that needs a bare connection (Alembic,
  the inspector) hands it a synchronous one with ``AsyncConnection.run_sync``.

``database.sqlite_calls: thread`` in ``config.yaml`` goes back to aiosqlite
and its worker thread.
"""

from __future__ import annotations

import sqlite3

from sqlalchemy import pool
from sqlalchemy.dialects import registry
from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite
from sqlalchemy.engine import URL
from sqlalchemy.engine.interfaces import ConnectArgsType

# The longest the event loop waits for another connection's lock in one try.
BUSY_TIMEOUT_MS = 50

DRIVER_NAME = "sqlite+inline"


class _Cursor(sqlite3.Cursor):
    async def _async_soft_close(self) -> None:
        """Called by SQLAlchemy's asyncio layer on every result it hands back.

        An async driver's cursor is closed here and its rows kept in memory;
        sqlite3's rows can be fetched later without waiting for anything, so
        the cursor stays as it is.
        """


class _Connection(sqlite3.Connection):
    # typeshed's cursor() is generic over the factory; this one always builds _Cursor.
    def cursor(self, factory: type[sqlite3.Cursor] = _Cursor) -> sqlite3.Cursor:  # type: ignore[override]
        return super().cursor(factory)


class SQLiteInlineDialect(SQLiteDialect_pysqlite):
    """pysqlite, run by SQLAlchemy's asyncio layer without switching greenlets."""

    driver = "inline"
    is_async = True
    supports_statement_cache = True

    @classmethod
    def get_pool_class(cls, url: URL) -> type[pool.Pool]:
        # As for aiosqlite: a queue of connections to a file, one shared
        # connection to an in-memory database (each connection would be a
        # database of its own).
        if cls._is_url_file_db(url):
            return pool.AsyncAdaptedQueuePool
        return pool.StaticPool

    def create_connect_args(self, url: URL) -> ConnectArgsType:
        args, kwargs = super().create_connect_args(url)
        # The pool hands connections to one task at a time, but may close one
        # from another thread (at disposal), so sqlite3's thread check is off.
        kwargs["check_same_thread"] = False
        kwargs["factory"] = _Connection
        return args, kwargs


# SQLAlchemy looks dialects up as "backend.driver" for a URL's "backend+driver".
registry.register(DRIVER_NAME.replace("+", "."), __name__, SQLiteInlineDialect.__name__)
