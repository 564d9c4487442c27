"""Per-user rate limit: at most N messages in a sliding window of S seconds.

Kept in memory: a limit that forgets on restart costs nothing, and a bot
replica per process still bounds each user. The notice is sent once per
window, so a flooding user does not make the bot flood back.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

# Idle users are forgotten every so many checks, so memory follows active users only.
PRUNE_EVERY_CHECKS = 1000


@dataclass(frozen=True)
class RateDecision:
    """Whether a message is admitted; if not, when to retry and whether to say so."""

    allowed: bool
    retry_after_s: int = 0
    notify: bool = False


@dataclass
class _Window:
    times: deque[float] = field(default_factory=deque)
    notified: bool = False


class UserRateLimiter:
    """Sliding-window counter per Telegram user id."""

    def __init__(
        self,
        messages: int,
        per_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.messages = messages
        self.per_seconds = per_seconds
        self._clock = clock
        self._windows: dict[int, _Window] = {}
        self._checks = 0

    def check(self, user_id: int) -> RateDecision:
        """Count one message from ``user_id`` if it is within the limit."""
        self._checks += 1
        if self._checks % PRUNE_EVERY_CHECKS == 0:
            self.forget_idle()
        now = self._clock()
        window = self._windows.setdefault(user_id, _Window())
        while window.times and window.times[0] <= now - self.per_seconds:
            window.times.popleft()
        if len(window.times) < self.messages:
            window.times.append(now)
            window.notified = False
            return RateDecision(allowed=True)
        retry_after = max(1, math.ceil(window.times[0] + self.per_seconds - now))
        notify = not window.notified
        window.notified = True
        return RateDecision(allowed=False, retry_after_s=retry_after, notify=notify)

    def forget_idle(self) -> None:
        """Drop users with no message in the current window (bounds memory)."""
        horizon = self._clock() - self.per_seconds
        idle = [uid for uid, w in self._windows.items() if not w.times or w.times[-1] <= horizon]
        for user_id in idle:
            del self._windows[user_id]
