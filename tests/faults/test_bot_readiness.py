"""``/readyz`` while PostgreSQL is out of reach: 503 with the reason, 200 again once it is back.

The bot runs for real against the Telegram stand-in with its health listener
on (polling mode); the database is PostgreSQL behind :class:`CuttableProxy`,
cut as a network failure or a server restart would. Skipped locally without
``TEST_POSTGRES_URL``; CI provides it.
"""

from __future__ import annotations

import httpx

from core.settings import Settings
from tests.bot.conftest import BotStarter, with_telegram
from tests.faults.conftest import ProxiedPostgres, with_database
from tests.service.live_server import free_port


async def test_readiness_is_503_while_the_database_is_unreachable(
    start_bot: BotStarter, bot_settings: Settings, postgres_behind_proxy: ProxiedPostgres
) -> None:
    port = free_port()
    settings = with_telegram(
        with_database(bot_settings, url=postgres_behind_proxy.url), health_port=port
    )
    proxy = postgres_behind_proxy.proxy

    async with start_bot(settings), httpx.AsyncClient(timeout=15) as client:
        before = await client.get(f"http://127.0.0.1:{port}/readyz")
        await proxy.cut()
        during = await client.get(f"http://127.0.0.1:{port}/readyz")
        alive_during = await client.get(f"http://127.0.0.1:{port}/healthz")
        await proxy.restore()
        after = await client.get(f"http://127.0.0.1:{port}/readyz")

    assert before.status_code == 200
    assert during.status_code == 503
    assert during.json() == {"status": "unavailable", "reason": "database does not answer"}
    assert alive_during.status_code == 200
    assert after.status_code == 200
