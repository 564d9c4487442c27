"""Opening the database as the entry points do: created, migrated, demo data."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from core.config_loader import load_settings
from db import migrate
from db.database import DatabaseUnavailableError, open_database
from db.models import Customer

ROOT = Path(__file__).resolve().parents[2]


async def test_first_start_creates_migrates_and_seeds_the_sqlite_file(tmp_path: Path) -> None:
    # The default database (sqlite:///data/telekom.db beside the config file): its
    # folder is created on first start; any other folder must exist
    # (tests/core/test_entry_point_refusals.py).
    config = tmp_path / "config.yaml"
    config.write_text("database:\n  seed_demo: true\n", encoding="utf-8")
    path = tmp_path / "data" / "telekom.db"
    settings = load_settings(config, environ={})
    async with open_database(settings) as database:
        assert await migrate.current_revision(database.engine) == migrate.head_revision()
        async with database.sessions() as session:
            customers = await session.scalar(select(func.count()).select_from(Customer))
    assert path.exists()
    assert customers is not None
    assert customers >= 50
    # A second start finds everything in place and adds nothing.
    async with open_database(settings) as database, database.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Customer)) == customers


async def test_unreachable_postgres_is_one_clear_error(tmp_path: Path) -> None:
    settings = load_settings(
        ROOT / "config.yaml",
        environ={"DATABASE_URL": "postgresql://nobody:secret@127.0.0.1:1/none"},
    )
    with pytest.raises(DatabaseUnavailableError) as caught:
        async with open_database(settings):
            pass
    message = str(caught.value)
    assert message.startswith("cannot open database postgresql+asyncpg://nobody:***@127.0.0.1:1/")
    assert "secret" not in message
