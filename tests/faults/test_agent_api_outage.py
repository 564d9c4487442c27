"""The agent API while its database is out: README's failure contract, over real HTTP.

A chat request the database's outage breaks (the caller cannot be checked,
the message cannot be stored, the turn cannot be finished) answers HTTP 503
with ``{"success": false, "error": {"code": "SERVICE_UNAVAILABLE", ...}}``,
never HTTP 200 ``success: true`` carrying an apology as the answer.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from agent.runtime import AgentRuntime
from agent.service.app import create_app
from core.settings import Settings
from db.database import open_database
from tests.faults.conftest import ProxiedPostgres, with_database
from tests.faults.outages import sqlite_write_lock
from tests.faults.test_database_faults import CutsTheDatabase
from tests.service.live_server import TOKEN, serve

# Short retries: the outage outlasts them at once.
RETRY_FOR_S = 1.0
QUESTION = {"message": "faturam ne kadar", "user_id": 1001, "session_id": "outage-1"}


@asynccontextmanager
async def agent_api(settings: Settings, url: str) -> AsyncIterator[tuple[httpx.AsyncClient, Any]]:
    """The agent service on ``url`` over HTTP, and its runtime."""
    configured = with_database(settings, url=url, retry_for_s=RETRY_FOR_S).model_copy(
        update={
            "model": settings.model.model_copy(update={"backend": "rules"}),
            "agent": settings.agent.model_copy(update={"api_token": SecretStr(TOKEN)}),
        }
    )
    async with open_database(configured) as database:
        runtime = AgentRuntime(configured, database)
        await runtime.start()
        try:
            async with (
                serve(create_app(configured, runtime, database=database)) as live,
                httpx.AsyncClient(
                    base_url=live.base_url,
                    headers={"Authorization": f"Bearer {TOKEN}"},
                    timeout=60,
                ) as client,
            ):
                yield client, runtime
        finally:
            await runtime.close()


def assert_service_unavailable(response: httpx.Response) -> None:
    assert response.status_code == 503, response.text
    body = response.json()
    assert body["success"] is False
    assert body["error"]["code"] == "SERVICE_UNAVAILABLE"
    assert body["error"]["message"].startswith("Hizmet şu anda yanıt veremiyor")
    assert "data" not in body


async def test_a_locked_sqlite_database_is_503_not_an_apology_as_the_answer(
    settings: Settings, database_url: str
) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite file locking (the SQLite pass of the suite runs it)")
    async with agent_api(settings, database_url) as (client, _runtime):
        # The caller can be checked (reads go on), the message cannot be stored.
        async with sqlite_write_lock(database_url):
            refused = await client.post("/api/v1/chat/", json=QUESTION)
        answered = await client.post("/api/v1/chat/", json=QUESTION)

    assert_service_unavailable(refused)
    assert answered.status_code == 200
    assert answered.json()["success"] is True


async def test_postgres_out_of_reach_is_503_for_chat_and_tools(
    settings: Settings, postgres_behind_proxy: ProxiedPostgres
) -> None:
    proxy = postgres_behind_proxy.proxy
    async with agent_api(settings, postgres_behind_proxy.url) as (client, _runtime):
        await proxy.cut()
        try:
            chat = await client.post("/api/v1/chat/", json=QUESTION)
            # An unlinked caller in a new conversation: nothing to check, nothing stored.
            anonymous = await client.post("/api/v1/chat/", json={"message": "merhaba"})
            tool = await client.post(
                "/api/v1/tools/get_current_bill", json={"user_id": 1001, "arguments": {}}
            )
        finally:
            await proxy.restore()
        answered = await client.post("/api/v1/chat/", json=QUESTION)

    for response in (chat, anonymous, tool):
        assert_service_unavailable(response)
    assert answered.status_code == 200
    assert answered.json()["success"] is True


async def test_postgres_lost_mid_turn_is_503(
    settings: Settings, postgres_behind_proxy: ProxiedPostgres
) -> None:
    proxy = postgres_behind_proxy.proxy
    async with agent_api(settings, postgres_behind_proxy.url) as (client, runtime):
        await runtime.backends.install(CutsTheDatabase(proxy))
        try:
            response = await asyncio.wait_for(
                client.post("/api/v1/chat/", json={**QUESTION, "message": "bir sorum var"}), 60
            )
        finally:
            await proxy.restore()

    assert_service_unavailable(response)
