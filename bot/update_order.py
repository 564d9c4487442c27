"""One update at a time per chat, many chats in parallel, order kept, floods shed.

PTB's ``concurrent_updates`` runs every update as its own task; nothing keeps
a chat's messages in order. This processor gives each chat a lane: an update
waits until the chat's earlier updates are done. Updates that must act at
once (``/iptal`` while a turn runs, a press of Onayla) pass the lane.

Fairness: an update is first admitted against its sender's budget
(``bot.rate_limit.UpdateAdmission``; the excess of a flood is shed here), then
waits for its chat's lane, and only then takes one of the shared concurrency
slots. PTB's own processor takes the slot first, so a chat's backlog waiting
in its lane held slots that every other chat needed.

Ordering holds because the application hands updates to the processor in
arrival order and a free lane is taken without yielding to the event loop.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor


@dataclass
class _Lane:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    holders: int = 0


class ChatOrderedUpdateProcessor(BaseUpdateProcessor):
    """Serialises updates per chat; ``passes_lane(update)`` exempts an update.

    ``admit(update)`` False sheds the update before it waits anywhere.
    """

    def __init__(
        self,
        max_concurrent_updates: int,
        *,
        passes_lane: Callable[[Update], bool],
        admit: Callable[[Update], bool] = lambda update: True,
    ) -> None:
        super().__init__(max_concurrent_updates)
        self._passes_lane = passes_lane
        self._admit = admit
        self._slots = asyncio.BoundedSemaphore(max_concurrent_updates)
        self._lanes: dict[int, _Lane] = {}

    async def process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Admission, then the chat's lane, then a shared slot (not PTB's slot-first order)."""
        if isinstance(update, Update) and not self._admit(update):
            _close_unstarted(coroutine)
            return
        await self.do_process_update(update, coroutine)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat_id = _chat_id(update)
        if chat_id is None or (isinstance(update, Update) and self._passes_lane(update)):
            async with self._slots:
                await coroutine
            return
        lane = self._lanes.setdefault(chat_id, _Lane())
        lane.holders += 1
        try:
            async with lane.lock, self._slots:
                await coroutine
        finally:
            lane.holders -= 1
            if lane.holders == 0:
                del self._lanes[chat_id]
            _close_unstarted(coroutine)

    def waiting(self, chat_id: int) -> int:
        """Updates of ``chat_id`` being processed or waiting (for tests and status)."""
        lane = self._lanes.get(chat_id)
        return lane.holders if lane else 0

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to free."""


def _chat_id(update: object) -> int | None:
    if isinstance(update, Update) and update.effective_chat is not None:
        return update.effective_chat.id
    return None


def _close_unstarted(coroutine: Awaitable[Any]) -> None:
    """Close an update's coroutine that never ran (cancelled while waiting for the lane)."""
    if (
        inspect.iscoroutine(coroutine)
        and inspect.getcoroutinestate(coroutine) == inspect.CORO_CREATED
    ):
        coroutine.close()
