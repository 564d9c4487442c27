"""When to try a request to a model server again, and how long to wait first.

A request is retried only while nothing of its answer has been passed on
(the caller decides that); this module only says how long to wait before the
next try: exponential back-off with a little jitter, or the server's own
``Retry-After`` when it sent one (429 Too Many Requests, 503 Service
Unavailable), capped so a confused server cannot park a turn for minutes.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

# HTTP statuses worth another try: the server is overloaded or restarting.
RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential back-off: ``base_delay_s * 2**retry``, at most ``max_delay_s``.

    ``attempts`` counts every try, the first included. ``jitter`` shortens
    each back-off by a random fraction up to that much, so replicas that
    failed together do not retry together. A server's ``Retry-After`` is
    honoured as sent (no jitter) up to ``max_retry_after_s``.
    """

    attempts: int = 4
    base_delay_s: float = 0.5
    max_delay_s: float = 8.0
    max_retry_after_s: float = 30.0
    jitter: float = 0.25

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError("a retry policy needs at least one attempt")
        if not 0.0 <= self.jitter < 1.0:
            raise ValueError("jitter is a fraction in [0, 1)")

    def delay_s(
        self,
        retry: int,
        retry_after_s: float | None = None,
        random_fraction: Callable[[], float] = random.random,
    ) -> float:
        """Seconds to wait before retry number ``retry`` (0 for the first retry)."""
        if retry_after_s is not None:
            return min(max(retry_after_s, 0.0), self.max_retry_after_s)
        backoff = min(self.base_delay_s * (2**retry), self.max_delay_s)
        return backoff * (1.0 - self.jitter * random_fraction())


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks to wait, or None when absent or unreadable.

    The header holds either a number of seconds or an HTTP date; a date in
    the past means "now" (0 seconds).
    """
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        pass
    else:
        return seconds if seconds >= 0 else None
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    current = now or datetime.now(UTC)
    return max((moment - current).total_seconds(), 0.0)
