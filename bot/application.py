"""The one place the Telegram application is wired: :func:`build_application`."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from functools import partial

from telegram import BotCommand, BotCommandScopeChat, BotCommandScopeDefault, Update
from telegram.error import TelegramError
from telegram.ext import AIORateLimiter, ApplicationBuilder

from agent.client import AgentClient
from bot import texts
from bot.context import CONTEXT_TYPES, SERVICES_KEY, BotApplication
from bot.handlers import register_handlers
from bot.handlers.cancel import is_cancel_command
from bot.keyboards import CONFIRMATION_PREFIX, RATING_PREFIX
from bot.services import BotServices
from bot.start_up_retries import retry_at_start
from bot.update_order import ChatOrderedUpdateProcessor
from core.settings import Settings
from db.advisory_locks import chat_locks_for
from db.confirmation_cards import forget_closed_cards_before
from db.database import Database
from db.engine import run_on_connection, transaction
from db.processed_updates import DUPLICATE_WINDOW, forget_updates_before

log = logging.getLogger(__name__)

# Updates processed at once across all chats; a chat's later updates wait in
# its lane and hold a slot meanwhile, so this is generous.
MAX_CONCURRENT_UPDATES = 256
# Telegram never redelivers an update this late.
PROCESSED_UPDATE_RETENTION = DUPLICATE_WINDOW
# A closed confirmation card's record is kept this long (it has no buttons left).
CLOSED_CARD_RETENTION = timedelta(days=7)
API_PATH_SUFFIX = "/bot"
FILE_PATH_SUFFIX = "/file/bot"
RATE_LIMITER_LOGGER = "telegram.ext.AIORateLimiter"
# What the bot asks Telegram for: its default set (everything but member
# changes and reactions) plus ``message_reaction``, a customer's 👍 / 👎 on an
# answer (bot.ratings). Telegram sends reactions only when asked by name.
ALLOWED_UPDATES: list[str] = [
    kind for kind in Update.ALL_TYPES if kind not in ("chat_member", "message_reaction_count")
]


def build_application(settings: Settings, database: Database, agent: AgentClient) -> BotApplication:
    """The bot, ready for ``initialize``/``start`` and polling or a webhook.

    The caller owns ``database`` and ``agent`` and closes them after the
    application has stopped.
    """
    token = settings.telegram.bot_token.get_secret_value()
    if not token:
        raise ValueError("telegram.bot_token is empty (set TELEGRAM_BOT_TOKEN)")
    services = BotServices.create(settings, database, agent)
    builder = (
        ApplicationBuilder()
        .token(token)
        .context_types(CONTEXT_TYPES)
        .concurrent_updates(
            ChatOrderedUpdateProcessor(
                MAX_CONCURRENT_UPDATES,
                passes_lane=passes_chat_lane,
                admit=services.admission.admit,
                # PostgreSQL: a chat's updates in order across instances too.
                chat_locks=chat_locks_for(
                    database.engine,
                    pool_size=settings.database.pool_size,
                    max_overflow=2 * settings.telegram.max_concurrent_turns,
                ),
            )
        )
        # Proactive pacing (telegram.max_messages_per_s overall, 20/min per group).
        # Retries after a 429 are the bot's own (bot.delivery): final answers wait
        # as long as Telegram asks, streaming previews skip instead.
        .rate_limiter(
            AIORateLimiter(overall_max_rate=settings.telegram.max_messages_per_s, max_retries=0)
        )
        .post_init(_on_start)
        .post_stop(_on_stop)
    )
    if settings.telegram.api_base_url:
        api_url, file_url = bot_api_urls(settings.telegram.api_base_url)
        builder = builder.base_url(api_url).base_file_url(file_url)
    # With AIORateLimiter PTB types the bot ExtBot[int]; BotContext and the services
    # take the plain ExtBot[None] (the rate limiter's argument type is not used).
    application: BotApplication = builder.build()  # type: ignore[assignment]
    application.bot_data[SERVICES_KEY] = services
    register_handlers(application)
    _quiet_limiter_log()
    return application


class _CallerRetriesFilter(logging.Filter):
    """Hides PTB's error line for a 429 handed back to the bot, which retries and logs it.

    With ``max_retries=0`` ``AIORateLimiter`` logs every 429 as an error with a
    traceback although nothing failed yet; ``bot.delivery`` logs the wait instead.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Rate limit hit after maximum of 0 retries")


def _quiet_limiter_log() -> None:
    limiter_log = logging.getLogger(RATE_LIMITER_LOGGER)
    if not any(isinstance(f, _CallerRetriesFilter) for f in limiter_log.filters):
        limiter_log.addFilter(_CallerRetriesFilter())


def passes_chat_lane(update: Update) -> bool:
    """Updates that act at once instead of waiting for the chat's running turn."""
    query = update.callback_query
    if query is not None:
        return (query.data or "").startswith((CONFIRMATION_PREFIX, RATING_PREFIX))
    # A rating needs nothing of the turn running in the chat.
    return update.message_reaction is not None or is_cancel_command(update)


def bot_api_urls(api_base_url: str) -> tuple[str, str]:
    """PTB's ``base_url`` and ``base_file_url`` for a Bot API server.

    ``http://host:8081`` and ``http://host:8081/bot`` both give
    ``("http://host:8081/bot", "http://host:8081/file/bot")``, the layout of
    Telegram's own server and of ``telegram-bot-api``; PTB appends the token.
    """
    root = api_base_url.strip().rstrip("/").removesuffix(API_PATH_SUFFIX)
    return root + API_PATH_SUFFIX, root + FILE_PATH_SUFFIX


async def _on_start(application: BotApplication) -> None:
    """``post_init``: the command menus, old records forgotten, the card sweep started."""
    services: BotServices = application.bot_data[SERVICES_KEY]
    await _publish_commands(application, services)
    await _forget_old_records(services)
    services.card_sweeper.start(application.bot, services)
    services.turn_leases.start(application.bot, services)
    services.handoff_sweeper.start(application.bot, services)


async def _on_stop(application: BotApplication) -> None:
    """``post_stop``: the card sweep stopped (the next start sweeps at once)."""
    services: BotServices = application.bot_data[SERVICES_KEY]
    await services.card_sweeper.stop()
    await services.handoff_sweeper.stop()
    await services.turn_leases.stop(services)


async def _publish_commands(application: BotApplication, services: BotServices) -> None:
    """Menu commands for everyone, plus /admin for the admins.

    Transient errors are retried (``bot.start_up_retries``); a menu that still
    fails is only a warning: the commands work without it.
    """
    bot = application.bot
    retry_for_s = services.settings.telegram.start_retry_for_s
    commands = [BotCommand(name, text) for name, text in texts.COMMAND_DESCRIPTIONS.items()]
    try:
        await retry_at_start(
            lambda: bot.set_my_commands(commands, scope=BotCommandScopeDefault()),
            "setMyCommands",
            retry_for_s,
        )
    except TelegramError as error:
        log.warning("could not publish the command menu: %s", error)
    admin_commands = [*commands, BotCommand("admin", texts.ADMIN_COMMAND_DESCRIPTION)]
    for admin_id in services.settings.telegram.admin_ids:
        try:
            await retry_at_start(
                partial(bot.set_my_commands, admin_commands, scope=BotCommandScopeChat(admin_id)),
                "setMyCommands (admin)",
                retry_for_s,
            )
        except TelegramError as error:
            # Telegram knows the chat only once the admin has written to the bot.
            log.info("admin menu for %s not published yet: %s", admin_id, error)


async def _forget_old_records(services: BotServices) -> None:
    """Processed update ids Telegram can no longer redeliver, and long-closed cards."""
    now = datetime.now(UTC)
    async with transaction(services.database.sessions) as session:
        forgotten = await forget_updates_before(session, now - PROCESSED_UPDATE_RETENTION)
        cards = await run_on_connection(
            session, forget_closed_cards_before, now - CLOSED_CARD_RETENTION
        )
    if forgotten:
        log.info("forgot %d processed update ids older than two days", forgotten)
    if cards:
        log.info("forgot %d confirmation cards closed over a week ago", cards)
