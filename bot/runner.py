"""Running the bot: database, agent (embedded or remote), polling or webhook, clean stop.

``running_bot`` is shared by ``python -m bot`` and the sandbox. It first
refuses what cannot work (``bot.start_up_checks``: a webhook URL Telegram
cannot post to, a bad secret, a busy port) before anything reaches Telegram,
and opens the HTTP listener (``bot.http_listener``: the webhook, ``/healthz``
and ``/readyz``) at once, so liveness answers during start-up. Transient
Telegram errors at start are retried (``bot.start_up_retries``). Before taking
updates it answers what a crash interrupted (``bot.recovery``) and closes the
confirmation cards whose actions were settled meanwhile, telling the result a
crash kept from the customer (``bot.card_sweep``). Stopping finishes the turns
in flight: PTB's ``Application.stop`` waits for every update being processed,
and the agent is closed only after that.

``serve`` runs it until SIGTERM or SIGINT, which may come at any moment:
during start-up it cancels the start, while running it stops receiving and
lets the turns in flight finish, and the process is gone within
``telegram.shutdown_timeout_s`` in every case.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

from telegram.error import BadRequest

from agent.connect import connect_agent
from bot.application import ALLOWED_UPDATES, build_application
from bot.card_sweep import sweep_cards
from bot.context import SERVICES_KEY, BotApplication
from bot.health import ReadinessProbe
from bot.http_listener import HTTPListener, ListenerState
from bot.recovery import recover_unfinished_turns
from bot.start_up_checks import (
    StartUpRefusedError,
    bind_listener,
    check_receiving_settings,
    webhook_path,
)
from bot.start_up_retries import retry_at_start
from bot.webhook_secret import webhook_secret
from core.memory import freeze_start_up_objects
from core.settings import Settings
from db.database import open_database

log = logging.getLogger(__name__)

# How long one long poll waits at Telegram for new updates.
POLL_TIMEOUT = timedelta(seconds=10)
# PTB's own start_polling deletes the webhook once more; its retries for that.
POLLING_BOOTSTRAP_RETRIES = 3
# Of telegram.shutdown_timeout_s, the part kept for closing after turns still in
# flight are cancelled (the rest is theirs to finish).
CLOSING_RESERVE_S = 5.0
# Exit status when the stop overran telegram.shutdown_timeout_s.
EXIT_STOP_OVERRAN = 1


@asynccontextmanager
async def running_bot(settings: Settings) -> AsyncIterator[BotApplication]:
    """The bot receiving updates (polling or webhook) until the block ends.

    Raises :class:`StartUpRefusedError` for a misconfiguration, before anything
    is registered with Telegram.
    """
    check_receiving_settings(settings)
    state = ListenerState()
    listener = _bind(settings, state)
    if listener is not None:
        await listener.start()
        host, port = listener.address
        log.info("listening on %s:%s (/healthz, /readyz)", host, port)
    try:
        async with open_database(settings) as database:
            state.probe = ReadinessProbe(database, settings.agent.url)
            agent = await connect_agent(settings, database)
            try:
                application = build_application(settings, database, agent)
                retry_for_s = settings.telegram.start_retry_for_s
                await retry_at_start(application.initialize, "getMe", retry_for_s)
                try:
                    # What run_polling/run_webhook would do between initialize and start.
                    if application.post_init is not None:
                        await application.post_init(application)
                    try:
                        await application.start()
                        try:
                            await _recover(application)
                            await _start_receiving(application, settings, state)
                            state.phase = "ready"
                            yield application
                        finally:
                            state.phase = "stopping"
                            log.info("stopping: finishing the turns in flight")
                            if application.updater is not None and application.updater.running:
                                await application.updater.stop()
                            if application.running:
                                await application.stop()
                    finally:
                        if application.post_stop is not None:
                            await application.post_stop(application)
                finally:
                    await application.shutdown()
            finally:
                await agent.close()
    finally:
        state.phase = "stopping"
        if listener is not None:
            await listener.stop()


def _bind(settings: Settings, state: ListenerState) -> HTTPListener | None:
    """The listener on its port (webhook, or health in polling mode), or None when off."""
    telegram = settings.telegram
    if telegram.mode == "webhook":
        webhook = telegram.webhook
        state.webhook_path = webhook_path(settings)
        socket = bind_listener(webhook.listen, webhook.port, "telegram.webhook.port")
        return HTTPListener(socket, state)
    if telegram.health_port:
        socket = bind_listener(telegram.health_listen, telegram.health_port, "telegram.health_port")
        return HTTPListener(socket, state)
    return None


async def serve(settings: Settings) -> None:
    """Run the bot until SIGINT or SIGTERM, which may come at any moment."""
    stop_requested = asyncio.Event()
    loop = asyncio.get_running_loop()
    for stop_signal in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(stop_signal, stop_requested.set)
    started = asyncio.Event()
    run = asyncio.create_task(_run_until(settings, started, stop_requested), name="bot")
    signalled = asyncio.create_task(stop_requested.wait())
    await asyncio.wait({run, signalled}, return_when=asyncio.FIRST_COMPLETED)
    if run.done():
        signalled.cancel()
        run.result()  # a start-up failure, raised to python -m bot
        return
    limit = settings.telegram.shutdown_timeout_s
    _exit_when_overdue(limit)
    if not started.is_set():
        log.info("stop requested during start-up: cancelling the start")
        run.cancel()
    else:
        log.info("stop requested: stopping within %.0f s (telegram.shutdown_timeout_s)", limit)
    reserve = min(CLOSING_RESERVE_S, limit / 4)
    done, _ = await asyncio.wait({run}, timeout=limit - reserve)
    if not done:
        log.warning("turns still running after %.0f s: cancelling them", limit - reserve)
        run.cancel()
        await asyncio.wait({run}, timeout=reserve)
    if run.done() and not run.cancelled() and run.exception() is not None:
        error = run.exception()
        log.error("while stopping: %s", error, exc_info=error)


async def _run_until(
    settings: Settings, started: asyncio.Event, stop_requested: asyncio.Event
) -> None:
    async with running_bot(settings):
        started.set()
        freeze_start_up_objects()
        await stop_requested.wait()


def _exit_when_overdue(limit_s: float) -> None:
    """End the process ``limit_s`` seconds from now if it has not ended by itself.

    A thread, not a task: it fires even when the event loop or the interpreter's
    exit waits on something stuck (a model still loading in a worker thread).
    """

    def overdue() -> None:
        message = (
            f"error: stopping took longer than telegram.shutdown_timeout_s ({limit_s:g} s); "
            "exiting now\n"
        )
        os.write(2, message.encode())
        os._exit(EXIT_STOP_OVERRAN)

    timer = threading.Timer(limit_s, overdue)
    timer.daemon = True
    timer.start()


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


async def _start_receiving(
    application: BotApplication, settings: Settings, state: ListenerState
) -> None:
    """Take updates: register the webhook (the listener already serves it), or poll."""
    updater = application.updater
    if updater is None:
        raise RuntimeError("the application was built without an updater")
    telegram = settings.telegram
    bot = application.bot
    retry_for_s = telegram.start_retry_for_s
    if telegram.mode == "webhook":
        webhook = telegram.webhook
        secret, generated = webhook_secret(settings)
        state.secret = secret
        # Posts are taken from now on: Telegram may post as soon as setWebhook returns.
        state.application = application
        try:
            await retry_at_start(
                lambda: bot.set_webhook(
                    url=webhook.url.strip(), secret_token=secret, allowed_updates=ALLOWED_UPDATES
                ),
                "setWebhook",
                retry_for_s,
            )
        except BadRequest as error:
            raise StartUpRefusedError(f"Telegram refused the webhook URL: {error}") from None
        log.info(
            "receiving updates by webhook on %s:%s%s (%s secret token)",
            webhook.listen,
            webhook.port,
            state.webhook_path,
            "a random" if generated else "the configured",
        )
        return
    await retry_at_start(bot.delete_webhook, "deleteWebhook", retry_for_s)
    await updater.start_polling(
        timeout=POLL_TIMEOUT,
        bootstrap_retries=POLLING_BOOTSTRAP_RETRIES,
        allowed_updates=ALLOWED_UPDATES,
    )
    log.info("receiving updates by long polling")
