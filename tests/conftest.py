"""Shared fixtures: settings and a freshly seeded database for every test.

The database is SQLite by default. Set ``TEST_DATABASE_URL`` to a PostgreSQL
server (``postgresql://user@host/postgres``) to run the whole suite there;
``.ci/run`` does both. Tests that must cover both engines use the
``any_database_url`` fixture, which takes PostgreSQL from ``TEST_POSTGRES_URL``
(skipped with a reason locally when unset; CI refuses to skip).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from sqlalchemy import make_url, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from core.config_loader import load_settings
from core.settings import Settings
from db import migrate
from db.engine import create_engine, session_factory
from db.seed import istanbul_today, seed_database

PROJECT_ROOT = Path(__file__).resolve().parents[1]

# Property tests check behaviour, not speed: on a loaded 2-core CI machine a
# per-example deadline only produces flaky failures (speed has benchmarks).
hypothesis_settings.register_profile(
    "telekom", deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True
)
hypothesis_settings.load_profile("telekom")


def postgres_admin_url() -> str | None:
    """The PostgreSQL server for tests, or None; in CI a missing server is an error."""
    url = os.environ.get("TEST_POSTGRES_URL") or _postgres_from_test_database_url()
    if url is None and os.environ.get("CI"):
        pytest.fail("CI must provide TEST_POSTGRES_URL (.ci/run starts PostgreSQL)")
    return url


def _postgres_from_test_database_url() -> str | None:
    url = os.environ.get("TEST_DATABASE_URL")
    return url if url and url.startswith("postgres") else None


def require_postgres() -> str:
    url = postgres_admin_url()
    if url is None:
        pytest.skip("no PostgreSQL server: set TEST_POSTGRES_URL (CI starts one)")
    return url


@dataclass(frozen=True)
class SeedDay:
    today: date


@pytest.fixture(scope="session")
def seed_day() -> SeedDay:
    """The day the demo operator was seeded for (Istanbul time, at session start)."""
    return SeedDay(istanbul_today())


async def _build(url: str, today: date) -> None:
    engine = create_engine(url)
    try:
        await migrate.upgrade(engine)
        await seed_database(session_factory(engine), today=today)
    finally:
        await engine.dispose()


class PostgresDatabases:
    """Creates throw-away databases on a PostgreSQL server, from a seeded template."""

    def __init__(self, admin_url: str) -> None:
        self.admin_url = make_url(admin_url)
        self.template = f"telekom_tpl_{uuid.uuid4().hex[:8]}"

    async def _admin(self, statement: str) -> None:
        engine = create_engine(self.admin_url.set(database="postgres"))
        try:
            async with engine.connect() as connection:
                connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
                await connection.execute(text(statement))
        finally:
            await engine.dispose()

    def url_for(self, name: str) -> str:
        return self.admin_url.set(database=name).render_as_string(hide_password=False)

    async def create(self, name: str, template: str | None = None) -> str:
        suffix = f" TEMPLATE {template}" if template else ""
        await self._admin(f'CREATE DATABASE "{name}"{suffix}')
        return self.url_for(name)

    async def drop(self, name: str) -> None:
        await self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def seeded_template(
    tmp_path_factory: pytest.TempPathFactory, seed_day: SeedDay
) -> Iterator[tuple[str, object]]:
    """A migrated, seeded database built once; tests get copies of it."""
    test_url = os.environ.get("TEST_DATABASE_URL")
    if test_url and test_url.startswith("postgres"):
        pg = PostgresDatabases(test_url)
        url = asyncio.run(pg.create(pg.template))
        asyncio.run(_build(url, seed_day.today))
        yield ("postgresql", pg)
        asyncio.run(pg.drop(pg.template))
    else:
        path = tmp_path_factory.mktemp("template") / "seeded.db"
        asyncio.run(_build(f"sqlite:///{path}", seed_day.today))
        yield ("sqlite", path)


@pytest.fixture
async def database_url(seeded_template: tuple[str, object], tmp_path: Path) -> AsyncIterator[str]:
    """URL of a private, migrated and seeded database for one test."""
    kind, source = seeded_template
    if kind == "sqlite":
        assert isinstance(source, Path)
        target = tmp_path / "telekom.db"
        shutil.copyfile(source, target)
        yield f"sqlite:///{target}"
        return
    assert isinstance(source, PostgresDatabases)
    name = f"telekom_test_{uuid.uuid4().hex[:10]}"
    yield await source.create(name, template=source.template)
    await source.drop(name)


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    """Settings from the committed config.yaml, pointed at the test database."""
    environ = {"DATABASE_URL": database_url}
    loaded = load_settings(PROJECT_ROOT / "config.yaml", environ=environ)
    logging = loaded.logging.model_copy(update={"file": str(tmp_path / "logs" / "app.log")})
    return loaded.model_copy(update={"logging": logging})


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)
    yield engine
    await engine.dispose()


@pytest.fixture
def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions on a fresh seeded database (customers 1001.. as in db/seed.py)."""
    return session_factory(engine)


@pytest.fixture
async def any_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """An EMPTY database, SQLite or PostgreSQL by ``request.param``."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    pg = PostgresDatabases(require_postgres())
    name = f"telekom_empty_{uuid.uuid4().hex[:10]}"
    yield await pg.create(name)
    await pg.drop(name)


@pytest.fixture(scope="session")
def project_root() -> Path:
    return PROJECT_ROOT
