"""Fixtures for the fault tests: the bot and runtime fixtures, and a PostgreSQL behind a proxy.

The bot (real, over HTTP, against the Telegram stand-in) and the runtime come
from the bot and agent tests' fixtures. ``postgres_behind_proxy`` gives a
seeded PostgreSQL database reached through :class:`CuttableProxy`, so a test
can take the database away and give it back; without a PostgreSQL server
(``TEST_POSTGRES_URL``) those tests are skipped locally and fail in CI.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from sqlalchemy import make_url

from core.settings import Settings
from db import migrate
from db.engine import create_engine, session_factory
from db.seed import seed_database
from tests.agent.conftest import database, runtime  # noqa: F401 - fixtures used here
from tests.bot.conftest import (  # noqa: F401 - fixtures used here
    bot,
    bot_settings,
    driver,
    standin,
    standin_settings,
    start_bot,
)
from tests.conftest import PostgresDatabases, SeedDay, require_postgres
from tests.faults.outages import CuttableProxy

# Short SQLite busy timeout: a held lock surfaces quickly, so the retries do the waiting.
BUSY_TIMEOUT_MS = 100


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The test settings with a short SQLite busy timeout."""
    return with_database(settings, busy_timeout_ms=BUSY_TIMEOUT_MS)


def with_database(settings: Settings, **changes: object) -> Settings:
    """``settings`` with some ``database`` settings changed."""
    return settings.model_copy(update={"database": settings.database.model_copy(update=changes)})


@dataclass(frozen=True)
class ProxiedPostgres:
    """A seeded PostgreSQL database and the proxy every connection to it goes through."""

    url: str  # through the proxy
    proxy: CuttableProxy


@pytest.fixture
async def postgres_behind_proxy(
    database_url: str, seed_day: SeedDay
) -> AsyncIterator[ProxiedPostgres]:
    """The test database when it is PostgreSQL, else a new seeded one, behind a proxy."""
    databases: PostgresDatabases | None = None
    name = ""
    if database_url.startswith("postgresql"):
        direct = database_url
    else:
        databases = PostgresDatabases(require_postgres())
        name = f"telekom_fault_{uuid.uuid4().hex[:10]}"
        direct = await databases.create(name)
        engine = create_engine(direct)
        try:
            await migrate.upgrade(engine)
            await seed_database(session_factory(engine), today=seed_day.today)
        finally:
            await engine.dispose()
    target = make_url(direct)
    proxy = CuttableProxy(target.host or "127.0.0.1", target.port or 5432)
    await proxy.start()
    try:
        proxied = target.set(host="127.0.0.1", port=proxy.port)
        yield ProxiedPostgres(proxied.render_as_string(hide_password=False), proxy)
    finally:
        await proxy.cut()
        if databases is not None:
            await databases.drop(name)
