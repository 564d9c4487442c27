"""Two webhook replicas on one PostgreSQL database answer one chat's updates in order.

A customer shares their contact; the update reaches replica A, which links
the account and answers, but Telegram holds A's answer back for a few
seconds (429, flood control). ``/fatura`` from the same customer reaches
replica B meanwhile. Before per-chat database locks, B answered it at once:
the bill arrived before "linked" (or, a moment earlier, "link your account
first" arrived). Now B waits for A to finish the chat's update.
"""

from __future__ import annotations

import asyncio
import socket

import httpx
from pydantic import SecretStr

from bot.standin import StandinDriver, StandinServer
from core.settings import Settings, WebhookSettings
from db.seed import primary_number
from tests.bot.conftest import BotStarter, with_telegram
from tests.faults.conftest import ProxiedPostgres, with_database

SECRET = "replica-secret-for-tests"
PUBLIC_URL = "https://bot.example.com/telegram/updates"
# How long Telegram holds replica A's answer back.
HELD_BACK_S = 3


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _replica(settings: Settings, port: int) -> Settings:
    webhook = WebhookSettings(
        url=PUBLIC_URL, listen="127.0.0.1", port=port, secret_token=SecretStr(SECRET)
    )
    return with_telegram(settings, mode="webhook", webhook=webhook)


async def _post_last_update(standin: StandinServer, port: int) -> None:
    """Post the update the stand-in queued last to the replica on ``port``, as Telegram would."""
    queued = standin.state.updates.pending[-1]
    async with httpx.AsyncClient() as telegram:
        response = await telegram.post(
            f"http://127.0.0.1:{port}/telegram/updates",
            json=queued.payload,
            headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
        )
    assert response.status_code == 200


async def _until_consumed(standin: StandinServer) -> None:
    """Until the armed fault met its call (polled: consuming it notifies no one)."""
    async with asyncio.timeout(60):
        while standin.state.faults.armed():  # noqa: ASYNC110 - nothing to wait on
            await asyncio.sleep(0.05)


async def test_a_contact_on_one_replica_and_fatura_on_the_other_are_answered_in_order(
    start_bot: BotStarter,
    bot_settings: Settings,
    driver: StandinDriver,
    standin: StandinServer,
    postgres_behind_proxy: ProxiedPostgres,
) -> None:
    shared = with_database(bot_settings, url=postgres_behind_proxy.url)
    port_a, port_b = _free_port(), _free_port()
    ayse = driver.create_user("Ayşe")

    async with start_bot(_replica(shared, port_a)), start_bot(_replica(shared, port_b)):
        # Replica A's answer to the contact waits HELD_BACK_S seconds at Telegram.
        standin.inject_faults(1, status=429, method="sendMessage", retry_after=HELD_BACK_S)
        driver.share_contact(ayse, primary_number(1002))
        await _post_last_update(standin, port_a)
        await _until_consumed(standin)
        # A has linked the account and is waiting to say so: /fatura goes to B.
        driver.send_command(ayse, "fatura")
        await _post_last_update(standin, port_b)
        await driver.wait_for(lambda: len(driver.bot_messages(ayse)) >= 2, timeout=60)

    linked, bill = (message.text or "" for message in driver.bot_messages(ayse))
    assert "hesabınız bu telegram hesabına bağlandı" in linked.lower()
    assert bill.startswith("Güncel faturanız")
