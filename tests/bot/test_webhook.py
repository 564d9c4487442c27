"""Webhook mode: Telegram POSTs updates to the bot; the secret token is checked.

The stand-in records ``setWebhook`` but does not POST updates itself (it
cannot reach an HTTPS URL), so the test posts the update the stand-in queued,
as Telegram would.
"""

from __future__ import annotations

import socket

import httpx
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
