"""The turn each chat is running now, so ``/iptal`` can stop it.

A handle for cancelling, not a lock: the chat's lane (``bot.update_order``)
already keeps one turn per chat, so there is at most one task per chat here.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any


class ActiveTurns:
    """Runs a chat's turn as its own task and cancels it on request."""

    def __init__(self) -> None:
        self._tasks: dict[int, asyncio.Task[None]] = {}

    async def run(self, chat_id: int, turn: Coroutine[Any, Any, None]) -> bool:
        """Run ``turn`` for ``chat_id``; False when :meth:`cancel` stopped it.

        An exception of the turn propagates; cancelling the caller cancels the turn.
        """
        task = asyncio.create_task(turn, name=f"turn:{chat_id}")
        self._tasks[chat_id] = task
        try:
            await asyncio.wait({task})
        except asyncio.CancelledError:
            task.cancel()
            raise
        finally:
            if self._tasks.get(chat_id) is task:
                del self._tasks[chat_id]
        if task.cancelled():
            return False
        task.result()
        return True

    def cancel(self, chat_id: int) -> bool:
        """Stop the chat's running turn; False when none is running."""
        task = self._tasks.get(chat_id)
        if task is None or task.done():
            return False
        task.cancel()
        return True

    def running(self, chat_id: int) -> bool:
        """Whether a turn is running in ``chat_id``."""
        task = self._tasks.get(chat_id)
        return task is not None and not task.done()
