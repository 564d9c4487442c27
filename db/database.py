"""Open the operator's database the way every entry point does.

``async with open_database(settings) as database:`` gives an engine and a
session factory, with the schema migrated to the newest revision first (the
default SQLite file is created on first start).
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from sqlalchemy import func, select, text
from sqlalchemy.exc import DatabaseError, OperationalError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from core.retrying import RetryPolicy
from core.settings import Settings
from db import migrate
from db.advisory_locks import schema_lock
from db.engine import engine_from_settings, session_factory
from db.models import Customer
from db.retries import database_policy, retry_policy
from db.seed import SeedReport, seed_database

log = logging.getLogger(__name__)


class DatabaseUnavailableError(RuntimeError):
    """The database cannot be reached or opened; the message is one line."""


@dataclass(frozen=True)
class Database:
    """The opened database: its engine, its sessions, and how its transactions retry.

    ``retry`` is the one retry policy of every transaction on it
    (``database.retry_for_s``, ``db.retries``); callers pass it on instead of
    building their own from the settings.
    """

    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    retry: RetryPolicy = field(default_factory=database_policy)
    # What opening it built: the demo operator, seeded into an empty database.
    seeded_at_open: SeedReport | None = None

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    async def size_bytes(self) -> int | None:
        """Size of the database on disk (SQLite file + WAL, or PostgreSQL's figure)."""
        if self.dialect == "sqlite":
            name = self.engine.url.database
            if not name or name == ":memory:":
                return None
            files = [Path(name), Path(name + "-wal")]
            return sum(f.stat().st_size for f in files if f.exists())
        try:
            async with self.engine.connect() as connection:
                size: int | None = await connection.scalar(
                    text("SELECT pg_database_size(current_database())")
                )
                return size
        except SQLAlchemyError:
            log.warning("could not read the database size", exc_info=True)
            return None


@asynccontextmanager
async def open_database(
    settings: Settings, *, migrate_schema: bool | None = None
) -> AsyncIterator[Database]:
    """Engine + sessions for ``settings``.

    The schema is migrated unless ``database.auto_migrate`` is off; an empty
    database then gets the demo operator when ``database.seed_demo`` is on.
    Both run under the schema lock (``db.advisory_locks``), so any number of
    processes may open one empty database at once.
    """
    engine = engine_from_settings(settings)
    database = Database(
        engine=engine, sessions=session_factory(engine), retry=retry_policy(settings)
    )
    try:
        if settings.database.auto_migrate if migrate_schema is None else migrate_schema:
            # One process at a time migrates and seeds; the others wait, then
            # find the schema current and the demo data there.
            with open_failures(engine):
                async with schema_lock(engine):
                    try:
                        await migrate.upgrade(engine)
                    except migrate.MigrationError as exc:
                        raise DatabaseUnavailableError(_cannot_open(engine, exc)) from exc
                    if settings.database.seed_demo and await _is_empty(database):
                        log.info("empty database: building the demo operator (database.seed_demo)")
                        report = await seed_database(database.sessions)
                        database = replace(database, seeded_at_open=report)
        yield database
    finally:
        await engine.dispose()


@contextmanager
def open_failures(engine: AsyncEngine) -> Iterator[None]:
    """Turn "cannot reach or open this database" into one-line :class:`DatabaseUnavailableError`.

    A server that refuses or cannot be resolved, a SQLite file that cannot be
    opened or is not a database at all. Other errors (bugs) pass unchanged.
    """
    try:
        yield
    except (OperationalError, OSError) as exc:
        raise DatabaseUnavailableError(_cannot_open(engine, exc)) from exc
    except DatabaseError as exc:
        # SQLite's own "file is not a database" (a text file given as the database).
        if type(exc.orig) is not sqlite3.DatabaseError:
            raise
        raise DatabaseUnavailableError(_cannot_open(engine, exc)) from exc


def _cannot_open(engine: AsyncEngine, exc: BaseException) -> str:
    where = engine.url.render_as_string(hide_password=True)
    return f"cannot open database {where}: {_first_line(exc)}"


async def _is_empty(database: Database) -> bool:
    async with database.sessions() as session:
        return await session.scalar(select(func.count()).select_from(Customer)) == 0


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc)
    return text.strip().splitlines()[0] if text.strip() else type(exc).__name__
