"""Schema migrations through Alembic, callable from a running event loop.

Upgrades and downgrades run under the database's schema lock
(:func:`db.advisory_locks.schema_lock`): processes started together on one
database migrate it one after the other, the later ones finding it current.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from db.advisory_locks import schema_lock

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


class MigrationError(ValueError):
    """Alembic refused: an unknown revision asked for, or found in the database."""


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


async def current_revision(engine: AsyncEngine) -> str | None:
    def _read(connection: Connection) -> str | None:
        return MigrationContext.configure(connection).get_current_revision()

    async with engine.connect() as connection:
        return await connection.run_sync(_read)


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Bring the schema up to ``revision`` (the newest by default), under the schema lock."""
    async with schema_lock(engine):
        before = await current_revision(engine)
        async with engine.begin() as connection:
            await connection.run_sync(lambda sync: _alembic(command.upgrade, sync, revision))
        after = await current_revision(engine)
    if before != after:
        log.info("database migrated from %s to %s", before or "empty", after)


async def downgrade(engine: AsyncEngine, revision: str) -> None:
    async with schema_lock(engine), engine.begin() as connection:
        await connection.run_sync(lambda sync: _alembic(command.downgrade, sync, revision))
    log.info("database downgraded to %s", revision)


def _alembic(step: Callable[[Config, str], None], connection: Connection, revision: str) -> None:
    try:
        step(alembic_config(connection), revision)
    except CommandError as exc:
        raise MigrationError(f"{step.__name__} to {revision!r}: {exc}") from exc
