"""The agent HTTP service served for real: uvicorn on a free loopback port.

Every test talks HTTP to ``create_app`` around the real ``AgentRuntime`` with
the ``rules`` backend on a freshly seeded database (``settings`` fixture).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from pydantic import SecretStr

from agent.runtime import AgentRuntime
from agent.service.app import create_app
from core.settings import Settings
from db.database import Database, open_database
from tests.service.live_server import TOKEN, LiveServer, serve


@pytest.fixture
def service_settings(settings: Settings) -> Settings:
    """The test settings with the rules backend (MODEL_BACKEND=rules) and a token."""
    return settings.model_copy(
        update={
            "model": settings.model.model_copy(update={"backend": "rules"}),
            "agent": settings.agent.model_copy(update={"api_token": SecretStr(TOKEN)}),
        }
    )


@pytest.fixture
async def database(service_settings: Settings) -> AsyncIterator[Database]:
    async with open_database(service_settings) as opened:
        yield opened


@pytest.fixture
async def runtime(service_settings: Settings, database: Database) -> AsyncIterator[AgentRuntime]:
    """The real agent runtime, rules backend, on the seeded test database."""
    agent = AgentRuntime(service_settings, database)
    await agent.start()
    yield agent
    await agent.close()


@pytest.fixture
async def live(
    service_settings: Settings, runtime: AgentRuntime, database: Database
) -> AsyncIterator[LiveServer]:
    """The service around the real runtime, listening on a free loopback port."""
    async with serve(create_app(service_settings, runtime, database=database)) as server:
        yield server


@pytest.fixture
async def api(live: LiveServer) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client for the live service, sending the right bearer token."""
    headers = {"Authorization": f"Bearer {TOKEN}"}
    async with httpx.AsyncClient(base_url=live.base_url, headers=headers, timeout=30) as client:
        yield client


@pytest.fixture
async def anonymous(live: LiveServer) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client for the live service without any token."""
    async with httpx.AsyncClient(base_url=live.base_url, timeout=30) as client:
        yield client
