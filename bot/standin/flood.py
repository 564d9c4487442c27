"""Telegram's flood control: per-chat, per-group and overall send limits.

Telegram does not publish exact numbers; its FAQ gives "about one message per
second" per chat with short bursts, 20 messages a minute in a group and about
30 a second overall. The stand-in models that with token buckets (capacity =
the burst, refilled at the steady rate) and a sliding one-minute window for
groups. Every message the bot sends or edits counts; chat actions and drafts
do not. A refused call costs nothing and is answered 429 with the whole
seconds to wait in ``retry_after``.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.standin.api_error import too_many_requests

GROUP_WINDOW_SECONDS = 60.0


@dataclass(frozen=True)
class FloodPolicy:
    """Limits to enforce; ``FloodPolicy(enabled=False)`` switches them all off."""

    chat_burst: int = 3
    chat_per_second: float = 1.0
    group_per_minute: int = 20
    global_burst: int = 30
    global_per_second: float = 30.0
    enabled: bool = True


@dataclass
class _TokenBucket:
    capacity: float
    rate: float
    tokens: float
    updated: float

    def wait_seconds(self, now: float) -> float:
        """Refill to ``now`` and say how long until one token is available."""
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate

    def take(self) -> None:
        self.tokens -= 1


@dataclass
class _SlidingWindow:
    limit: int
    seconds: float
    times: deque[float] = field(default_factory=deque)

    def wait_seconds(self, now: float) -> float:
        while self.times and self.times[0] <= now - self.seconds:
            self.times.popleft()
        return 0.0 if len(self.times) < self.limit else self.times[0] + self.seconds - now

    def take(self, now: float) -> None:
        self.times.append(now)


class FloodControl:
    """Admits or refuses each counted call under a :class:`FloodPolicy`."""

    def __init__(self, policy: FloodPolicy, clock: Callable[[], float]) -> None:
        self.policy = policy
        self._clock = clock
        self._chat_buckets: dict[int, _TokenBucket] = {}
        self._group_windows: dict[int, _SlidingWindow] = {}
        self._global = self._bucket(policy.global_burst, policy.global_per_second)

    def _bucket(self, capacity: int, rate: float) -> _TokenBucket:
        return _TokenBucket(float(capacity), rate, float(capacity), self._clock())

    def admit(self, chat_id: int, *, is_group: bool) -> None:
        """Count one message to ``chat_id`` or raise the 429 ``ApiError``."""
        if not self.policy.enabled:
            return
        now = self._clock()
        chat = self._chat_buckets.get(chat_id)
        if chat is None:
            chat = self._chat_buckets[chat_id] = self._bucket(
                self.policy.chat_burst, self.policy.chat_per_second
            )
        waits = [chat.wait_seconds(now), self._global.wait_seconds(now)]
        window: _SlidingWindow | None = None
        if is_group:
            window = self._group_windows.setdefault(
                chat_id, _SlidingWindow(self.policy.group_per_minute, GROUP_WINDOW_SECONDS)
            )
            waits.append(window.wait_seconds(now))
        wait = max(waits)
        if wait > 0:
            raise too_many_requests(max(1, math.ceil(wait)))
        chat.take()
        self._global.take()
        if window is not None:
            window.take(now)
