"""Engines and sessions: the one place that knows about drivers and pragmas.

``DATABASE_URL`` may be written the usual way (``sqlite:///data/telekom.db``,
``postgresql://user@host/db``); the async driver is picked here.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from core.database_url import database_url_problem
from core.settings import Settings, SQLiteCalls
from db import sqlite_inline

log = logging.getLogger(__name__)

P = ParamSpec("P")
T = TypeVar("T")

# The folder of the default database (sqlite:///data/telekom.db) is created on
# first start; any other SQLite file must be in a folder that exists.
DEFAULT_SQLITE_FOLDER = "data"

_ASYNC_DRIVERS = {
    "sqlite": "sqlite+aiosqlite",
    "postgresql": "postgresql+asyncpg",
    "postgres": "postgresql+asyncpg",
}


class DatabaseURLError(ValueError):
    """``DATABASE_URL`` names a database this project cannot use."""


def async_url(url: str | URL, base_dir: Path | None = None) -> URL:
    """The async form of ``url``; a relative SQLite path is taken from ``base_dir``."""
    problem = database_url_problem(url)
    if problem is not None:
        raise DatabaseURLError(problem)
    parsed = make_url(url.strip()) if isinstance(url, str) else url
    backend = parsed.get_backend_name()
    parsed = parsed.set(drivername=_ASYNC_DRIVERS[backend])
    if backend == "sqlite" and parsed.database and parsed.database != ":memory:":
        path = Path(parsed.database).expanduser()
        if not path.is_absolute() and base_dir is not None:
            path = base_dir / path
        parsed = parsed.set(database=str(path))
    return parsed


def sync_url(url: str | URL) -> URL:
    """The same database through a synchronous driver (for tools like pg_dump)."""
    parsed = make_url(url) if isinstance(url, str) else url
    return parsed.set(drivername=parsed.get_backend_name())


def settings_url(settings: Settings) -> URL:
    return async_url(settings.database.url, settings.base_dir)


def create_engine(
    url: str | URL,
    *,
    echo: bool = False,
    busy_timeout_ms: int = 5000,
    pool_size: int = 10,
    sqlite_calls: SQLiteCalls = "inline",
    create_folder: bool = False,
) -> AsyncEngine:
    """An async engine; SQLite gets WAL, a busy timeout and foreign keys.

    A SQLite file's folder must exist (:class:`DatabaseURLError` otherwise),
    unless ``create_folder``: a mistyped path must not quietly become a new
    database.

    ``sqlite_calls`` says where SQLite's calls run: ``inline`` on the event
    loop's thread (:mod:`db.sqlite_inline`, its busy timeout capped; a bare
    ``AsyncConnection`` then runs statements only through ``run_sync``), or
    ``thread`` on aiosqlite's worker thread.
    """
    parsed = async_url(url)
    # A server connection can drop while pooled, so it is tested at checkout; a
    # SQLite file cannot, and the test would cost a round trip per session.
    is_sqlite = parsed.get_backend_name() == "sqlite"
    kwargs: dict[str, Any] = {"echo": echo, "pool_pre_ping": not is_sqlite}
    if is_sqlite:
        if parsed.database and parsed.database != ":memory:":
            _check_folder(Path(parsed.database).parent, create=create_folder)
        if sqlite_calls == "inline":
            busy_timeout_ms = min(busy_timeout_ms, sqlite_inline.BUSY_TIMEOUT_MS)
            parsed = parsed.set(drivername=sqlite_inline.DRIVER_NAME)
        kwargs["connect_args"] = {"timeout": busy_timeout_ms / 1000}
    else:
        kwargs["pool_size"] = pool_size
    engine = create_async_engine(parsed, **kwargs)
    if parsed.get_backend_name() == "sqlite":
        _install_sqlite_pragmas(engine, busy_timeout_ms)
    return engine


def engine_from_settings(settings: Settings) -> AsyncEngine:
    db = settings.database
    url = settings_url(settings)
    default_folder = settings.resolve_path(DEFAULT_SQLITE_FOLDER)
    return create_engine(
        url,
        echo=db.echo,
        busy_timeout_ms=db.busy_timeout_ms,
        pool_size=db.pool_size,
        sqlite_calls=db.sqlite_calls,
        create_folder=bool(url.database) and Path(str(url.database)).parent == default_folder,
    )


def _check_folder(folder: Path, *, create: bool) -> None:
    if folder.is_dir():
        return
    if create:
        folder.mkdir(parents=True, exist_ok=True)
        return
    what = "is not a folder" if folder.exists() else "does not exist"
    raise DatabaseURLError(
        f"the folder of the SQLite database, {folder}, {what}; create it or fix database.url"
    )


def _install_sqlite_pragmas(engine: AsyncEngine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        # WAL lets the bot and the agent service share one file: readers do
        # not block the writer. The busy timeout waits out a short lock.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


@asynccontextmanager
async def transaction(
    sessions: async_sessionmaker[AsyncSession],
) -> AsyncIterator[AsyncSession]:
    """A session inside one transaction: committed on success, rolled back on error.

    ``async with AsyncSession`` would close the session in a task of its own,
    shielded from cancellation: three trips through the event loop per
    transaction, behind every other ready task (BENCHMARKS.md, "The event
    loop and the tools"). Here the commit or rollback ends the transaction and hands the
    connection back to the pool first, so the close after it does no I/O and
    has no point at which a cancellation could land. Only when the transaction
    could not be ended (the rollback itself failed) is the close shielded.
    """
    session = sessions()
    try:
        async with session.begin():
            yield session
    finally:
        if session.in_transaction():
            await asyncio.shield(session.close())
        else:
            await session.close()


async def run_on_connection(
    session: AsyncSession,
    work: Callable[Concatenate[Connection, P], T],
    *args: P.args,
    **kwargs: P.kwargs,
) -> T:
    """``work(connection, *args, **kwargs)`` on the session's connection, in one greenlet.

    For the Core statements on every message's path (:mod:`db.chat_history`,
    the update's claim, the sender's link): ``work`` is a plain synchronous
    function, so its statements skip both the ORM session's execution layer
    and the asyncio layer's round trip per call, about a third of a small
    transaction's CPU (BENCHMARKS.md, "SQLite without greenlet round trips").
    """
    return await session.run_sync(
        lambda sync_session: work(sync_session.connection(), *args, **kwargs)
    )
