"""Telegram calls at start-up that outlive a short outage of Telegram.

``getMe``, ``setWebhook``, ``deleteWebhook`` and ``setMyCommands`` at start
meet what any client of Telegram meets now and then: a 5xx from its front
end, a dropped connection, flood control (``RetryAfter``). Those pass by
themselves, so :func:`retry_at_start` tries again (``core.retrying``) with growing pauses (or the
pause Telegram asks for) until ``telegram.start_retry_for_s`` seconds have
gone by, then raises the last error; ``python -m bot`` turns it into one line
and exit status 2. A refusal (bad request, invalid token, forbidden) is
raised at once: trying again cannot change it.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TypeVar

from telegram.error import BadRequest, NetworkError, RetryAfter

from core.retrying import RetryPolicy, retrying, run_retrying

log = logging.getLogger(__name__)

T = TypeVar("T")

FIRST_DELAY_S = 0.5
MAX_DELAY_S = 8.0


def is_transient(error: BaseException) -> bool:
    """Whether ``error`` may pass by itself: flood control, 5xx, network trouble."""
    if isinstance(error, RetryAfter):
        return True
    # PTB raises NetworkError for 5xx answers and lost connections (TimedOut too);
    # BadRequest is a subclass of it but a refusal.
    return isinstance(error, NetworkError) and not isinstance(error, BadRequest)


def asked_wait(error: BaseException) -> float | None:
    """The pause Telegram asked for (flood control), if it asked."""
    if isinstance(error, RetryAfter):
        wait = error.retry_after
        return wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
    return None


async def retry_at_start(call: Callable[[], Awaitable[T]], what: str, retry_for_s: float) -> T:
    """``await call()``, tried again on transient Telegram errors for ``retry_for_s`` seconds."""
    policy = RetryPolicy(
        first_delay_s=FIRST_DELAY_S, max_delay_s=MAX_DELAY_S, retry_for_s=retry_for_s
    )
    # INFO: expected now and then; a refusal at the end is what an operator acts on,
    # and the caller says it, in one line (the last error is raised).
    retrier = retrying(
        policy,
        what=what,
        retry_on=is_transient,
        logger=log,
        asked_wait=asked_wait,
        describe=lambda error: f"failed ({error})",
        level=logging.INFO,
    )
    return await run_retrying(retrier, call)
