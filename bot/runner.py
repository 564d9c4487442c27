"""Running the bot: database, agent (embedded or remote), polling or webhook, clean stop.

``running_bot`` is shared by ``python -m bot`` and the sandbox. Before taking
updates it answers what a crash interrupted (``bot.recovery``) and closes
the confirmation cards whose actions were settled meanwhile, telling the
result a crash kept from the customer (``bot.card_sweep``). Stopping
finishes the turns in flight: PTB's ``Application.stop`` waits for every
update being processed, and the agent is closed only after that.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from urllib.parse import urlsplit

from agent.connect import connect_agent
from bot.application import build_application
from bot.card_sweep import sweep_cards
from bot.context import SERVICES_KEY, BotApplication
from bot.recovery import recover_unfinished_turns
from core.memory import freeze_start_up_objects
from core.settings import Settings
from db.database import open_database

log = logging.getLogger(__name__)

# How long one long poll waits at Telegram for new updates.
POLL_TIMEOUT = timedelta(seconds=10)


@asynccontextmanager
async def running_bot(settings: Settings) -> AsyncIterator[BotApplication]:
    """The bot receiving updates (polling or webhook) until the block ends."""
    async with open_database(settings) as database:
        agent = await connect_agent(settings, database)
        try:
            application = build_application(settings, database, agent)
            async with application:
                # What run_polling/run_webhook would do between initialize and start.
                if application.post_init is not None:
                    await application.post_init(application)
                try:
                    await application.start()
                    try:
                        await _recover(application)
                        await _start_receiving(application, settings)
                        yield application
                    finally:
                        log.info("stopping: finishing the turns in flight")
                        if application.updater is not None and application.updater.running:
                            await application.updater.stop()
                        if application.running:
                            await application.stop()
                finally:
                    if application.post_stop is not None:
                        await application.post_stop(application)
        finally:
            await agent.close()


async def serve(settings: Settings) -> None:
    """Run the bot until SIGINT or SIGTERM."""
    async with running_bot(settings):
        freeze_start_up_objects()
        await wait_for_stop_signal()


async def wait_for_stop_signal() -> None:
    """Return on SIGINT or SIGTERM (Ctrl-C, ``docker stop``, systemd)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    signals = (signal.SIGINT, signal.SIGTERM)
    for stop_signal in signals:
        loop.add_signal_handler(stop_signal, stop.set)
    try:
        await stop.wait()
    finally:
        for stop_signal in signals:
            loop.remove_signal_handler(stop_signal)


async def _recover(application: BotApplication) -> None:
    """Answer what a crash interrupted before taking new updates (``bot.recovery``),
    then close the cards of actions settled meanwhile (``bot.card_sweep``)."""
    services = application.bot_data[SERVICES_KEY]
    answered_chats: list[int] = []
    try:
        report = await recover_unfinished_turns(application.bot, services)
        answered_chats = report.resent_chats
    except Exception:
        # The bot still starts; the messages stay accepted for the next start.
        log.exception("recovery of interrupted messages failed")
    try:
        await sweep_cards(
            application.bot, services, after_restart=True, answered_chats=answered_chats
        )
    except Exception:
        # The cards stay open for the next sweep (telegram.card_sweep_interval_s).
        log.exception("start-up sweep of confirmation cards failed")


async def _start_receiving(application: BotApplication, settings: Settings) -> None:
    updater = application.updater
    if updater is None:
        raise RuntimeError("the application was built without an updater")
    telegram = settings.telegram
    if telegram.mode == "webhook":
        webhook = telegram.webhook
        if not webhook.url:
            raise ValueError("telegram.mode is webhook but telegram.webhook.url is empty")
        await updater.start_webhook(
            listen=webhook.listen,
            port=webhook.port,
            url_path=urlsplit(webhook.url).path.lstrip("/"),
            webhook_url=webhook.url,
            secret_token=webhook.secret_token.get_secret_value() or None,
        )
        log.info("receiving updates by webhook on %s:%s", webhook.listen, webhook.port)
        return
    await updater.start_polling(timeout=POLL_TIMEOUT)
    log.info("receiving updates by long polling")
