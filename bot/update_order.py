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

Across instances (webhook replicas on one PostgreSQL database), the chat's
lane is followed by the chat's database lock (``db.advisory_locks.ChatLocks``),
held while the update is handled: a contact handled by one replica and
``/fatura`` posted to another right after are answered in that order. Only
the chat's own updates wait for it. On SQLite (one bot process by design)
there are no such locks and the lanes alone order a chat's updates. A lock
that cannot be taken (the database out of reach) is logged and the update
handled without it: the handler meets the outage itself and says so.

The lanes are :class:`core.keyed_locks.KeyedLocks` (one lock per chat with
its users counted). How many turns run at once is the turn slots' business
(``bot.conversation``), not this processor's, whose slots cap all updates.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from core.keyed_locks import KeyedLocks
from db.advisory_locks import ChatLocks

log = logging.getLogger(__name__)


class ChatOrderedUpdateProcessor(BaseUpdateProcessor):
    """Serialises updates per chat; ``passes_lane(update)`` exempts an update.

    ``admit(update)`` False sheds the update before it waits anywhere.
    ``chat_locks`` (PostgreSQL) orders a chat's updates across instances too;
    the processor closes them at shutdown.
    """

    def __init__(
        self,
        max_concurrent_updates: int,
        *,
        passes_lane: Callable[[Update], bool],
        admit: Callable[[Update], bool] = lambda update: True,
        chat_locks: ChatLocks | None = None,
    ) -> None:
        super().__init__(max_concurrent_updates)
        self._passes_lane = passes_lane
        self._admit = admit
        self._chat_locks = chat_locks
        self._slots = asyncio.BoundedSemaphore(max_concurrent_updates)
        self._lanes: KeyedLocks[int] = KeyedLocks()

    # PTB marks process_update final (slot first, then do_process_update); the order
    # here is the point of this class, so it replaces the method on purpose.
    async def process_update(self, update: object, coroutine: Awaitable[Any]) -> None:  # type: ignore[misc]
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
        try:
            async with self._lanes.hold(chat_id), self._across_instances(chat_id), self._slots:
                await coroutine
        finally:
            _close_unstarted(coroutine)

    def waiting(self, chat_id: int) -> int:
        """Updates of ``chat_id`` being processed or waiting (for tests and status)."""
        return self._lanes.users(chat_id)

    @asynccontextmanager
    async def _across_instances(self, chat_id: int) -> AsyncIterator[None]:
        """The chat's database lock for the block, when there are such locks."""
        async with AsyncExitStack() as stack:
            if self._chat_locks is not None:
                try:
                    await stack.enter_async_context(self._chat_locks.hold(chat_id))
                except Exception as error:
                    log.warning(
                        "chat %s: handled without its database lock, which could not be taken: %s",
                        chat_id,
                        error,
                    )
            yield

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Close the chat locks' connections."""
        if self._chat_locks is not None:
            await self._chat_locks.close()


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
