"""Webhook mode: Telegram POSTs updates to the bot; the secret token is always checked.

The stand-in records ``setWebhook`` but does not POST updates itself (it
cannot reach an HTTPS URL), so the test posts the update the stand-in queued,
as Telegram would, over real HTTP to the bot's listener.
"""

from __future__ import annotations

import logging
import re
import socket

import httpx
import pytest
from pydantic import SecretStr

from bot.standin import StandinDriver, StandinServer
from core.settings import Settings, WebhookSettings
from tests.bot.conftest import BotStarter, with_telegram

SECRET = "webhook-secret-for-tests"
PUBLIC_URL = "https://bot.example.com/telegram/updates"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_webhook_mode_answers_posted_updates_with_the_right_secret(
    start_bot: BotStarter, bot_settings: Settings, driver: StandinDriver, standin: StandinServer
) -> None:
    port = _free_port()
    webhook = WebhookSettings(
        url=PUBLIC_URL, listen="127.0.0.1", port=port, secret_token=SecretStr(SECRET)
    )
    settings = with_telegram(bot_settings, mode="webhook", webhook=webhook)
    user = driver.create_user("Ahmet")

    async with start_bot(settings) as bot, httpx.AsyncClient() as telegram:
        assert standin.state.webhook.url == PUBLIC_URL
        assert standin.state.webhook.secret_token == SECRET
        driver.send_command(user, "help")
        (queued,) = standin.state.updates.pending
        endpoint = f"http://127.0.0.1:{port}/telegram/updates"

        forged = await telegram.post(
            endpoint,
            json=queued.payload,
            headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"},
        )
        genuine = await telegram.post(
            endpoint,
            json=queued.payload,
            headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
        )
        await bot.application.update_queue.join()

    assert forged.status_code == 403
    assert genuine.status_code == 200
    (answer,) = driver.bot_messages(user)
    assert (answer.text or "").startswith("Neler yapabilirim?")


def _webhook_settings(bot_settings: Settings, port: int, secret: str = "") -> Settings:
    webhook = WebhookSettings(
        url=PUBLIC_URL, listen="127.0.0.1", port=port, secret_token=SecretStr(secret)
    )
    return with_telegram(bot_settings, mode="webhook", webhook=webhook)


async def test_without_a_configured_secret_a_random_one_is_registered_and_forgeries_refused(
    start_bot: BotStarter, bot_settings: Settings, driver: StandinDriver, standin: StandinServer
) -> None:
    port = _free_port()
    settings = _webhook_settings(bot_settings, port)
    user = driver.create_user("Ayşe")
    endpoint = f"http://127.0.0.1:{port}/telegram/updates"

    async with start_bot(settings) as bot, httpx.AsyncClient() as telegram:
        registered = standin.state.webhook.secret_token
        driver.send_command(user, "help")
        (queued,) = standin.state.updates.pending
        unsigned = await telegram.post(endpoint, json=queued.payload)
        guessed = await telegram.post(
            endpoint, json=queued.payload, headers={"X-Telegram-Bot-Api-Secret-Token": ""}
        )
        await bot.application.update_queue.join()
        answers_to_forgeries = list(driver.bot_messages(user))
        genuine = await telegram.post(
            endpoint,
            json=queued.payload,
            headers={"X-Telegram-Bot-Api-Secret-Token": registered or ""},
        )
        await bot.application.update_queue.join()

    assert registered is not None
    # Telegram's rule for secret tokens, and long enough that nobody guesses it.
    assert re.fullmatch(r"[A-Za-z0-9_-]{32,256}", registered)
    assert unsigned.status_code == 403
    assert guessed.status_code == 403
    assert answers_to_forgeries == []
    assert genuine.status_code == 200
    (answer,) = driver.bot_messages(user)
    assert (answer.text or "").startswith("Neler yapabilirim?")


async def test_each_start_without_a_configured_secret_registers_another_one(
    start_bot: BotStarter, bot_settings: Settings, standin: StandinServer
) -> None:
    settings = _webhook_settings(bot_settings, _free_port())
    async with start_bot(settings):
        first = standin.state.webhook.secret_token
    async with start_bot(settings):
        second = standin.state.webhook.secret_token

    assert first is not None
    assert second is not None
    assert first != second


MARKER = "gizli-icerik-7731"


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (f"not json {MARKER}".encode(), 400),
        (f'["{MARKER}"]'.encode(), 400),
        (f'{{"message": "{MARKER}"}}'.encode(), 400),
        (f'{{"update_id": "{MARKER}"}}'.encode(), 400),
        (f'{{"update_id": 5, "message": {{"text": "{MARKER}"}}}}'.encode(), 400),
        (b'{"update_id": 5, "x": "' + b"a" * 1_100_000 + b'"}', 413),
    ],
    ids=["not-json", "a-list", "no-update-id", "text-update-id", "broken-message", "too-large"],
)
async def test_a_malformed_body_is_a_4xx_and_the_log_never_holds_it(
    start_bot: BotStarter,
    bot_settings: Settings,
    driver: StandinDriver,
    standin: StandinServer,
    caplog: pytest.LogCaptureFixture,
    body: bytes,
    status: int,
) -> None:
    port = _free_port()
    settings = _webhook_settings(bot_settings, port, SECRET)
    endpoint = f"http://127.0.0.1:{port}/telegram/updates"
    user = driver.create_user("Mehmet")
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"}

    with caplog.at_level(logging.DEBUG):
        async with start_bot(settings) as bot, httpx.AsyncClient() as telegram:
            refused = await telegram.post(endpoint, content=body, headers=headers)
            driver.send_command(user, "help")
            (queued,) = standin.state.updates.pending
            genuine = await telegram.post(endpoint, json=queued.payload, headers=headers)
            await bot.application.update_queue.join()

    assert refused.status_code == status
    assert MARKER not in caplog.text
    assert "aaaaaaaaaa" not in caplog.text
    assert genuine.status_code == 200  # the bot serves on
    assert len(driver.bot_messages(user)) == 1


async def test_a_502_on_set_webhook_at_start_is_retried_and_the_bot_serves(
    start_bot: BotStarter, bot_settings: Settings, driver: StandinDriver, standin: StandinServer
) -> None:
    port = _free_port()
    settings = _webhook_settings(bot_settings, port, SECRET)
    standin.inject_faults(2, status=502, method="setWebhook")
    user = driver.create_user("Zeynep")

    async with start_bot(settings) as bot, httpx.AsyncClient() as telegram:
        assert standin.state.faults.armed() == 0  # both 502s were met
        assert standin.state.webhook.url == PUBLIC_URL
        driver.send_command(user, "help")
        (queued,) = standin.state.updates.pending
        answered = await telegram.post(
            f"http://127.0.0.1:{port}/telegram/updates",
            json=queued.payload,
            headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
        )
        await bot.application.update_queue.join()

    assert answered.status_code == 200
    (answer,) = driver.bot_messages(user)
    assert (answer.text or "").startswith("Neler yapabilirim?")
