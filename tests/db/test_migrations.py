"""Alembic migrations on SQLite and PostgreSQL: upgrade from empty, downgrade, drift."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from db import migrate
from db.engine import create_engine
from db.models import Base

ENGINES = [pytest.param("sqlite"), pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.mark.parametrize("any_database_url", ENGINES, indirect=True)
async def test_upgrade_from_empty_creates_every_table_then_downgrade_removes_them(
    any_database_url: str,
) -> None:
    engine = create_engine(any_database_url)
    try:
        assert await migrate.current_revision(engine) is None
        await migrate.upgrade(engine)
        assert await migrate.current_revision(engine) == migrate.head_revision()
        async with engine.connect() as connection:
            tables = await connection.run_sync(lambda c: set(inspect(c).get_table_names()))
        assert set(Base.metadata.tables) <= tables

        await migrate.downgrade(engine, "base")
        assert await migrate.current_revision(engine) is None
        async with engine.connect() as connection:
            tables = await connection.run_sync(lambda c: set(inspect(c).get_table_names()))
        assert tables <= {"alembic_version"}
    finally:
        await engine.dispose()


@pytest.mark.parametrize("any_database_url", ENGINES, indirect=True)
async def test_migrations_match_the_models(any_database_url: str) -> None:
    """A model change without a migration shows up here as a difference."""
    engine = create_engine(any_database_url)
    try:
        await migrate.upgrade(engine)
        async with engine.connect() as connection:
            diff = await connection.run_sync(
                lambda c: compare_metadata(
                    MigrationContext.configure(c, opts={"compare_type": True}), Base.metadata
                )
            )
        assert diff == []
    finally:
        await engine.dispose()


@pytest.mark.parametrize("any_database_url", ENGINES, indirect=True)
async def test_upgrade_twice_is_harmless(any_database_url: str) -> None:
    engine = create_engine(any_database_url)
    try:
        await migrate.upgrade(engine)
        await migrate.upgrade(engine)
        assert await migrate.current_revision(engine) == migrate.head_revision()
    finally:
        await engine.dispose()
