"""One asyncio lock per key (a chat), created on first use and dropped when nobody holds it.

:class:`KeyedLocks` counts its holders and waiters itself, so it never reads
``asyncio.Lock``'s private waiter list to know when a key's lock can go. Two
users, each for its own guarantee (README, *Concurrency*):

- the bot's per-chat update lanes (``bot.update_order``): a chat's updates
  one at a time, in arrival order;
- the agent runtime (``agent.runtime``): one turn at a time per conversation
  for every caller of one runtime (the bot embedded, or the HTTP API's callers
  of one ``agent serve`` process).

A free lock is taken without yielding to the event loop, and waiters are
served first come, first served (``asyncio.Lock``), which keeps arrival order.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Hashable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)


@dataclass
class _Entry:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    # Tasks holding or waiting for ``lock``.
    users: int = 0


class KeyedLocks(Generic[K]):
    """``async with locks.hold(key):`` runs one block per key at a time, many keys at once."""

    def __init__(self) -> None:
        self._entries: dict[K, _Entry] = {}

    @asynccontextmanager
    async def hold(self, key: K) -> AsyncIterator[None]:
        """Hold ``key``'s lock for the block, waiting behind earlier holders of the same key."""
        entry = self._entries.setdefault(key, _Entry())
        entry.users += 1
        try:
            async with entry.lock:
                yield
        finally:
            entry.users -= 1
            if entry.users == 0:
                del self._entries[key]

    def users(self, key: K) -> int:
        """Blocks of ``key`` running or waiting (for status and tests)."""
        entry = self._entries.get(key)
        return entry.users if entry is not None else 0

    def __len__(self) -> int:
        """Keys with a block running or waiting."""
        return len(self._entries)
