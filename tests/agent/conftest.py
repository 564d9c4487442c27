"""Fixtures for agent tests: a runtime on the seeded test database."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from agent.runtime import AgentRuntime
from core.settings import Settings
from db.database import Database, open_database


@pytest.fixture
async def database(settings: Settings) -> AsyncIterator[Database]:
    async with open_database(settings) as opened:
        yield opened


@pytest.fixture
async def runtime(settings: Settings, database: Database) -> AsyncIterator[AgentRuntime]:
    """The real runtime with the configured backend (rules here: no GPU)."""
    agent = AgentRuntime(settings, database)
    await agent.start()
    yield agent
    await agent.close()
