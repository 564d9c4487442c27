"""When to try a request to a model server again, and how long to wait first.

A request is retried only while nothing of its answer has been passed on
(the caller decides that); this module holds what is worth another try (the
statuses), the policies (``core.retrying``: exponential back-off with a
little jitter) and how to read the server's own ``Retry-After`` (429 Too
Many Requests, 503 Service Unavailable), honoured up to ``MAX_RETRY_AFTER_S``
so a confused server cannot park a turn for minutes.
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from core.retrying import RetryPolicy

# HTTP statuses worth another try: the server is overloaded or restarting.
RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})
# A server's Retry-After is honoured as sent (no jitter) up to this long.
MAX_RETRY_AFTER_S = 30.0
# A generation request: four tries, 0.5 s doubling up to 8 s, a quarter of
# jitter so replicas that failed together do not retry together.
SERVER_RETRY = RetryPolicy(attempts=4, first_delay_s=0.5, max_delay_s=8.0, jitter=0.25)
# load(): a few quick tries, so a server that is still starting gets a moment.
HEALTH_RETRY = RetryPolicy(attempts=3, first_delay_s=0.5, max_delay_s=2.0, jitter=0.25)


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
