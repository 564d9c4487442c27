"""Sending and editing messages so that an answer is never lost.

Telegram refuses calls for reasons the bot can outlive: flood control (429
with ``retry_after``), a front end in trouble (5xx, time-outs), or HTML it
cannot parse. Here every message that must arrive is retried after the time
Telegram asks for, and falls back to plain text rather than disappearing.
Streaming previews do not come through here: they may be dropped
(``bot.streaming``).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from enum import Enum
from typing import TypeVar

from telegram import (
    InlineKeyboardMarkup,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    ReplyParameters,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import ExtBot

from bot.rendering import html_to_plain, split_message
from core.retrying import RetryPolicy, retrying, run_retrying

log = logging.getLogger(__name__)

T = TypeVar("T")

ReplyMarkup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove

# Flood control may refuse a message several times in a row; each refusal
# names its wait, so these attempts can span minutes, as Telegram asks.
MAX_FLOOD_WAITS = 8
# A failing front end (5xx, time-out) gets a few quick retries: 0.5, 1 and 1.5 s.
MAX_NETWORK_RETRIES = 3
NETWORK_RETRY = RetryPolicy(first_delay_s=0.5, max_delay_s=1.5)


class UndeliverableError(Exception):
    """Telegram would not take a message even after retries; the log says why."""


def retry_after_seconds(error: RetryAfter) -> float:
    """The wait Telegram asked for, in seconds."""
    value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def is_parse_error(error: BadRequest) -> bool:
    """Whether Telegram refused the text's markup ("can't parse entities")."""
    return "can't parse entities" in error.message.lower()


def is_not_modified(error: BadRequest) -> bool:
    """Whether an edit was refused because nothing changed (harmless)."""
    return "message is not modified" in error.message.lower()


def _retryable(error: BaseException) -> bool:
    """Flood control and network trouble pass; a refusal (BadRequest, Forbidden) does not."""
    if isinstance(error, RetryAfter):
        return True
    return isinstance(error, NetworkError) and not isinstance(error, BadRequest | Forbidden)


def _asked_wait(error: BaseException) -> float | None:
    return retry_after_seconds(error) if isinstance(error, RetryAfter) else None


def _describe(error: BaseException) -> str:
    if isinstance(error, RetryAfter):
        return f"flood control, waiting {retry_after_seconds(error):.1f} s as asked"
    return f"failed ({error})"


def _limits() -> Callable[[BaseException], bool]:
    """Counts flood waits and network retries apart: each has its own limit."""
    counts = {"flood": 0, "network": 0}

    def exhausted(error: BaseException) -> bool:
        kind = "flood" if isinstance(error, RetryAfter) else "network"
        counts[kind] += 1
        limit = MAX_FLOOD_WAITS if kind == "flood" else MAX_NETWORK_RETRIES
        return counts[kind] > limit

    return exhausted


async def with_retries(operation: Callable[[], Awaitable[T]], *, what: str) -> T:
    """Run a Bot API call, waiting out flood control and retrying network failures.

    ``BadRequest`` and ``Forbidden`` are raised at once: retrying cannot help.
    When the retries run out, the last error is raised.
    """
    retrier = retrying(
        NETWORK_RETRY,
        what=what,
        retry_on=_retryable,
        logger=log,
        asked_wait=_asked_wait,
        exhausted=_limits(),
        describe=_describe,
    )
    return await run_retrying(retrier, operation)


async def send_html(
    bot: ExtBot[None],
    chat_id: int,
    html_text: str,
    *,
    reply_markup: ReplyMarkup | None = None,
    reply_to: int | None = None,
    message_thread_id: int | None = None,
) -> list[Message]:
    """Send ``html_text`` as one or more messages; the markup goes on the last one.

    ``message_thread_id``: into that forum topic of a supergroup.

    Raises :class:`UndeliverableError` only when Telegram keeps refusing
    (the chat is gone, the bot was blocked, the network is down).
    """
    parts = split_message(html_text)
    sent: list[Message] = []
    for index, part in enumerate(parts):
        markup = reply_markup if index == len(parts) - 1 else None
        reply = ReplyParameters(reply_to, allow_sending_without_reply=True) if reply_to else None
        sent.append(await _send_part(bot, chat_id, part, markup, reply, message_thread_id))
        reply_to = None
    return sent


async def _send_part(
    bot: ExtBot[None],
    chat_id: int,
    part: str,
    markup: ReplyMarkup | None,
    reply: ReplyParameters | None,
    message_thread_id: int | None = None,
) -> Message:
    async def send(text: str, parse_mode: str | None) -> Message:
        return await bot.send_message(
            chat_id,
            text,
            parse_mode=parse_mode,
            reply_markup=markup,
            reply_parameters=reply,
            message_thread_id=message_thread_id,
        )

    try:
        try:
            return await with_retries(lambda: send(part, ParseMode.HTML), what="sendMessage")
        except BadRequest as error:
            if not is_parse_error(error):
                raise
            log.warning(
                "chat %s: Telegram could not parse HTML (%s); sending plain", chat_id, error
            )
            plain = html_to_plain(part)
            return await with_retries(lambda: send(plain, None), what="sendMessage")
    except TelegramError as error:
        log.error("chat %s: message undeliverable: %s", chat_id, error)
        raise UndeliverableError(str(error)) from error


class EditResult(Enum):
    """How an edit ended: done, never possible (message or chat gone), or worth another try."""

    EDITED = "edited"
    GONE = "gone"
    FAILED = "failed"


async def edit_html(
    bot: ExtBot[None],
    chat_id: int,
    message_id: int,
    html_text: str,
    *,
    reply_markup: InlineKeyboardMarkup | None = None,
) -> bool:
    """Replace a message's text (and buttons); False when Telegram would not.

    An edit to identical text counts as done. ``html_text`` must fit one
    message.
    """
    edited = await edit_message(bot, chat_id, message_id, html_text, reply_markup=reply_markup)
    return edited is EditResult.EDITED


async def edit_message(
    bot: ExtBot[None],
    chat_id: int,
    message_id: int,
    html_text: str,
    *,
    reply_markup: InlineKeyboardMarkup | None = None,
) -> EditResult:
    """:func:`edit_html`, telling a refusal for good (``GONE``: the message was
    deleted, the bot blocked) from one that may pass (``FAILED``: flood
    control or the network beyond the retries)."""

    async def edit(text: str, parse_mode: str | None) -> object:
        return await bot.edit_message_text(
            text,
            chat_id=chat_id,
            message_id=message_id,
            parse_mode=parse_mode,
            reply_markup=reply_markup,
        )

    try:
        try:
            await with_retries(lambda: edit(html_text, ParseMode.HTML), what="editMessageText")
        except BadRequest as error:
            if not is_parse_error(error):
                raise
            log.warning(
                "chat %s: Telegram could not parse HTML (%s); editing plain", chat_id, error
            )
            plain = html_to_plain(html_text)
            await with_retries(lambda: edit(plain, None), what="editMessageText")
    except BadRequest as error:
        if is_not_modified(error):
            return EditResult.EDITED
        log.warning("chat %s: could not edit message %s: %s", chat_id, message_id, error)
        return EditResult.GONE
    except Forbidden as error:
        log.warning("chat %s: could not edit message %s: %s", chat_id, message_id, error)
        return EditResult.GONE
    except TelegramError as error:
        log.warning("chat %s: could not edit message %s: %s", chat_id, message_id, error)
        return EditResult.FAILED
    return EditResult.EDITED


async def remove_buttons(bot: ExtBot[None], chat_id: int, message_id: int) -> bool:
    """Take the inline buttons off a message; False when Telegram would not."""
    try:
        await with_retries(
            lambda: bot.edit_message_reply_markup(
                chat_id=chat_id, message_id=message_id, reply_markup=None
            ),
            what="editMessageReplyMarkup",
        )
    except BadRequest as error:
        if is_not_modified(error):
            return True
        log.info("chat %s: buttons of message %s not removed: %s", chat_id, message_id, error)
        return False
    except TelegramError as error:
        log.info("chat %s: buttons of message %s not removed: %s", chat_id, message_id, error)
        return False
    return True
