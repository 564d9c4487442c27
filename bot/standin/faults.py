"""Fault injection: make the next calls fail the way a troubled Telegram does.

A test arms a fault ("the next 2 sendMessage calls answer 502") and checks the
bot copes: retries, keeps the answer, tells the user. By default a faulted call
has no effect, as when Telegram's front end fails before the request reaches
it. With ``applied=True`` the call takes effect and only the answer is lost,
as when a response times out on the way back: the classic source of
duplicate messages.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.standin.api_error import ApiError, server_error, too_many_requests


@dataclass
class Fault:
    """One armed fault; ``method`` None matches every method."""

    remaining: int
    status: int
    method: str | None
    retry_after: int
    applied: bool

    def error(self) -> ApiError:
        """The answer this fault gives."""
        if self.status == 429:
            return too_many_requests(self.retry_after)
        return server_error(self.status)


class FaultInjector:
    """Armed faults, consumed first-armed first by matching calls."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []

    def arm(
        self,
        count: int = 1,
        *,
        status: int = 500,
        method: str | None = None,
        retry_after: int = 1,
        applied: bool = False,
    ) -> None:
        """Make the next ``count`` calls (of ``method``, if given) answer ``status``.

        ``status`` is 429 or a 5xx code; ``retry_after`` is used for 429.
        """
        if count < 1:
            raise ValueError("count must be at least 1")
        if status != 429 and not 500 <= status <= 599:
            raise ValueError("status must be 429 or 5xx")
        self._faults.append(
            Fault(count, status, method.lower() if method else None, retry_after, applied)
        )

    def take(self, method: str) -> Fault | None:
        """Consume and return the fault for this call of ``method``, if one is armed."""
        for fault in self._faults:
            if fault.method in (None, method.lower()):
                fault.remaining -= 1
                if fault.remaining == 0:
                    self._faults.remove(fault)
                return fault
        return None

    def clear(self) -> None:
        """Disarm every fault."""
        self._faults.clear()

    def armed(self) -> int:
        """How many faulted calls are still to come (0: every armed fault has struck)."""
        return sum(fault.remaining for fault in self._faults)
