"""``/healthz`` and ``/readyz`` of the bot, over real HTTP, in polling and webhook mode.

Liveness answers from the first moments of start-up; readiness only once the
bot takes updates and what it needs answers: the database and, when the agent
runs as a separate service (``agent.url``), that service (here the real agent
service on loopback). Telegram is the stand-in.
"""

from __future__ import annotations

import asyncio

import httpx
from pydantic import SecretStr

from agent.runtime import AgentRuntime
from agent.service.app import create_app
from bot.standin import StandinServer
from core.settings import Settings, WebhookSettings
from db.database import Database
from tests.bot.conftest import BotStarter, with_telegram
from tests.service.conftest import (  # noqa: F401 - fixtures used here
    database,
    runtime,
    service_settings,
)
from tests.service.live_server import TOKEN, free_port, serve

PUBLIC_URL = "https://bot.example.com/telegram/updates"


async def _get(port: int, path: str) -> httpx.Response:
    async with httpx.AsyncClient(timeout=10) as client:
        return await client.get(f"http://127.0.0.1:{port}{path}")


async def test_polling_mode_serves_health_on_the_health_port(
    start_bot: BotStarter, bot_settings: Settings
) -> None:
    port = free_port()
    settings = with_telegram(bot_settings, health_port=port)

    async with start_bot(settings):
        live = await _get(port, "/healthz")
        ready = await _get(port, "/readyz")
        elsewhere = await _get(port, "/telegram/updates")

    assert live.status_code == 200
    assert live.json() == {"status": "ok", "phase": "ready"}
    assert ready.status_code == 200
    assert ready.json() == {"status": "ok"}
    assert elsewhere.status_code == 404


async def test_polling_mode_without_a_health_port_opens_none(
    start_bot: BotStarter, bot_settings: Settings
) -> None:
    port = free_port()
    settings = with_telegram(bot_settings, health_port=0)

    async with start_bot(settings):
        try:
            await _get(port, "/healthz")
        except httpx.ConnectError:
            refused = True
        else:
            refused = False

    assert refused


async def test_webhook_mode_serves_health_on_the_webhook_port(
    start_bot: BotStarter, bot_settings: Settings
) -> None:
    port = free_port()
    webhook = WebhookSettings(url=PUBLIC_URL, listen="127.0.0.1", port=port)
    settings = with_telegram(bot_settings, mode="webhook", webhook=webhook)

    async with start_bot(settings):
        live = await _get(port, "/healthz")
        ready = await _get(port, "/readyz")

    assert live.status_code == 200
    assert ready.status_code == 200
    assert ready.json() == {"status": "ok"}


async def test_liveness_answers_during_start_up_and_readiness_waits_for_it(
    start_bot: BotStarter, bot_settings: Settings, standin: StandinServer
) -> None:
    port = free_port()
    settings = with_telegram(bot_settings, health_port=port, start_retry_for_s=120.0)
    # Telegram answers deleteWebhook with 502 for now: start-up waits in its retries.
    standin.inject_faults(1000, status=502, method="deleteWebhook")
    release = asyncio.Event()
    ready_seen = asyncio.Event()

    async def run_bot() -> None:
        async with start_bot(settings):
            ready_seen.set()
            await release.wait()

    running = asyncio.create_task(run_bot())
    try:
        while standin.state.faults.armed() == 1000:
            assert not running.done(), "the bot stopped before calling deleteWebhook"
            await asyncio.sleep(0.05)
        live = await _get(port, "/healthz")
        not_ready = await _get(port, "/readyz")
        standin.state.faults.clear()
        await asyncio.wait_for(ready_seen.wait(), 30)
        ready = await _get(port, "/readyz")
    finally:
        release.set()
        await running

    assert live.status_code == 200
    assert live.json() == {"status": "ok", "phase": "starting"}
    assert not_ready.status_code == 503
    assert not_ready.json() == {"status": "unavailable", "reason": "starting"}
    assert ready.status_code == 200


async def test_readiness_follows_the_agent_service_when_split(
    start_bot: BotStarter,
    bot_settings: Settings,
    service_settings: Settings,  # noqa: F811 - the fixture
    runtime: AgentRuntime,  # noqa: F811 - the fixture
    database: Database,  # noqa: F811 - the fixture
) -> None:
    port = free_port()
    async with serve(create_app(service_settings, runtime, database=database)) as agent_service:
        agent = bot_settings.agent.model_copy(
            update={"url": agent_service.base_url, "api_token": SecretStr(TOKEN)}
        )
        settings = with_telegram(bot_settings.model_copy(update={"agent": agent}), health_port=port)
        async with start_bot(settings):
            ready = await _get(port, "/readyz")
            await agent_service.stop()
            agent_gone = await _get(port, "/readyz")
            live = await _get(port, "/healthz")

    assert ready.status_code == 200
    assert agent_gone.status_code == 503
    assert agent_gone.json() == {"status": "unavailable", "reason": "agent service does not answer"}
    assert live.status_code == 200  # the process itself is alive
