"""Wake-ups on state changes, so waiting code never sleep-polls.

Long-polling ``getUpdates`` calls and the test driver's ``wait_for`` both
block on a condition over the stand-in's state. Every change to that state
calls :meth:`ChangeNotifier.notify`, which wakes all waiters; each re-checks
its own condition.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable


class ChangeNotifier:
    """Lets coroutines wait until a predicate over shared state holds."""

    def __init__(self) -> None:
        self._waiters: set[asyncio.Future[None]] = set()

    def notify(self) -> None:
        """Wake every waiter (safe to call from synchronous code on the loop)."""
        waiters, self._waiters = self._waiters, set()
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)

    async def wait_until(self, predicate: Callable[[], bool], within: float) -> bool:
        """Wait until ``predicate()`` is true or ``within`` seconds pass.

        Returns the predicate's final value, so ``False`` means the time ran out.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + max(within, 0.0)
        while not predicate():
            remaining = deadline - loop.time()
            if remaining <= 0:
                return False
            waiter: asyncio.Future[None] = loop.create_future()
            self._waiters.add(waiter)
            try:
                await asyncio.wait({waiter}, timeout=remaining)
            finally:
                self._waiters.discard(waiter)
                if not waiter.done():
                    waiter.cancel()
        return True
