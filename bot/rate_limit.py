"""Per-user rate limit: at most N updates in a sliding window of S seconds.

Messages to the bot and button presses share one budget per Telegram user.
It is applied when an update arrives, before the update takes one of the
bot's shared concurrency slots or waits in its chat's lane
(``bot.update_order``), so a flooding user's excess is shed at once and
never delays anyone else. The first update over the limit in a window still
goes on, marked, so the gate can tell the user once (``bot.handlers.gate``).

Kept in memory: a limit that forgets on restart costs nothing, and a bot
replica per process still bounds each user (README says so). The notice is
sent once per window, so a flooding user does not make the bot flood back.
"""

from __future__ import annotations

import logging
import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from telegram import Update

from bot.addressing import is_addressed_to_bot

log = logging.getLogger(__name__)

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


class UpdateAdmission:
    """The per-user budget applied to updates as they arrive.

    Counts messages addressed to the bot and button presses; other updates
    (group chatter, edits, membership changes) pass uncounted.
    """

    def __init__(self, limiter: UserRateLimiter) -> None:
        self._limiter = limiter
        # Update id -> seconds to wait, for the one update per window let on to say so.
        self._notices: dict[int, int] = {}

    def admit(self, update: Update) -> bool:
        """Whether ``update`` may be processed; False sheds it before it takes a slot."""
        user = update.effective_user
        if user is None or not _counted(update):
            return True
        decision = self._limiter.check(user.id)
        if decision.allowed:
            return True
        if decision.notify:
            log.warning("telegram user %s is over the rate limit; its updates are shed", user.id)
            self._notices[update.update_id] = decision.retry_after_s
            return True
        log.debug("telegram user %s over the rate limit: update %s shed", user.id, update.update_id)
        return False

    def over_limit(self, update_id: int) -> int | None:
        """Seconds to wait when ``update_id`` was let on only to tell its sender; else None."""
        return self._notices.pop(update_id, None)


def _counted(update: Update) -> bool:
    if update.callback_query is not None:
        return True
    message = update.message
    return message is not None and is_addressed_to_bot(message)
