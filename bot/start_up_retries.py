"""Telegram calls at start-up that outlive a short outage of Telegram.

``getMe``, ``setWebhook``, ``deleteWebhook`` and ``setMyCommands`` at start
meet what any client of Telegram meets now and then: a 5xx from its front
end, a dropped connection, flood control (``RetryAfter``). Those pass by
themselves, so :func:`retry_at_start` tries again with growing pauses (or the
pause Telegram asks for) until ``telegram.start_retry_for_s`` seconds have
gone by, then raises the last error; ``python -m bot`` turns it into one line
and exit status 2. A refusal (bad request, invalid token, forbidden) is
raised at once: trying again cannot change it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TypeVar

from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError

log = logging.getLogger(__name__)

T = TypeVar("T")

FIRST_DELAY_S = 0.5
MAX_DELAY_S = 8.0


def is_transient(error: TelegramError) -> bool:
    """Whether ``error`` may pass by itself: flood control, 5xx, network trouble."""
    if isinstance(error, RetryAfter):
        return True
    # PTB raises NetworkError for 5xx answers and lost connections (TimedOut too);
    # BadRequest is a subclass of it but a refusal.
    return isinstance(error, NetworkError) and not isinstance(error, BadRequest)


def pause_before_retry(error: TelegramError, attempt: int) -> float:
    """Seconds to wait after failed attempt number ``attempt`` (1-based)."""
    if isinstance(error, RetryAfter):
        wait = error.retry_after
        return wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
    return min(MAX_DELAY_S, FIRST_DELAY_S * 2 ** (attempt - 1))


async def retry_at_start(call: Callable[[], Awaitable[T]], what: str, retry_for_s: float) -> T:
    """``await call()``, tried again on transient Telegram errors for ``retry_for_s`` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + retry_for_s
    attempt = 0
    while True:
        attempt += 1
        try:
            return await call()
        except TelegramError as error:
            if not is_transient(error):
                raise
            pause = pause_before_retry(error, attempt)
            if loop.time() + pause > deadline:
                raise  # the caller says it, in one line
            # INFO: expected now and then; a refusal at the end is what an operator acts on.
            log.info("%s failed (%s); try %d in %.1f s", what, error, attempt + 1, pause)
            await asyncio.sleep(pause)
