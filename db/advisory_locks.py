"""Locks the database enforces across processes: the schema lock and per-chat locks.

:func:`schema_lock` serialises migrations and the demo seed, so any number of
processes may start together on an empty database: the first migrates and
seeds, the others wait, then find the schema current and the data there.

- PostgreSQL: a session-level advisory lock (``pg_advisory_lock``) on a
  connection of its own, held for the block. A process that dies lets go of it
  with its connection.
- SQLite: an exclusive ``flock`` on a file beside the database
  (``<database>.lock``); the kernel lets go of it when the process dies. An
  in-memory database belongs to one process and needs no lock.

The lock is re-entrant within one task (and the tasks it starts): a block that
holds it may call code that takes it again.

:class:`ChatLocks` orders one chat's updates across bot instances
(``bot.update_order``): on PostgreSQL, a session-level advisory lock per chat
(:func:`chat_lock_key`), held on a connection of its own while the chat's
update is handled, so a replica handling the next update of that chat waits
for it. Other chats never wait: the key is the chat's. The connections come
from a pool of their own, never the one the handlers' work needs. On SQLite
(one bot process by design: the file is not for several hosts) there is
nothing to order across processes, and the in-process per-chat lanes suffice:
:func:`chat_locks_for` gives None.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

log = logging.getLogger(__name__)

# Advisory-lock keys are 64-bit; each use takes its own namespace, so the
# schema lock never collides with a chat's lock.
_SCHEMA_NAMESPACE = "telekom:schema"
_CHAT_NAMESPACE = "telekom:chat"

# The engines whose schema lock the current task already holds.
_held_schema_locks: ContextVar[frozenset[int]] = ContextVar(
    "held_schema_locks", default=frozenset()
)


def lock_key(namespace: str, name: str) -> int:
    """A stable signed 64-bit advisory-lock key for ``name`` in ``namespace``."""
    digest = hashlib.blake2b(f"{namespace}:{name}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def chat_lock_key(chat_id: int | str) -> int:
    """The advisory-lock key that orders one chat's updates across instances."""
    return lock_key(_CHAT_NAMESPACE, str(chat_id))


SCHEMA_LOCK_KEY = lock_key(_SCHEMA_NAMESPACE, "migrate-and-seed")


@asynccontextmanager
async def schema_lock(engine: AsyncEngine) -> AsyncIterator[None]:
    """Hold the database's schema lock for the block (waiting for another process's)."""
    held = _held_schema_locks.get()
    if id(engine) in held:
        yield
        return
    token = _held_schema_locks.set(held | {id(engine)})
    try:
        if engine.dialect.name == "postgresql":
            async with _postgres_lock(engine, SCHEMA_LOCK_KEY):
                yield
        else:
            async with _sqlite_file_lock(engine):
                yield
    finally:
        _held_schema_locks.reset(token)


@asynccontextmanager
async def _postgres_lock(engine: AsyncEngine, key: int) -> AsyncIterator[None]:
    async with engine.connect() as connection:
        # Autocommit: the lock is the session's, not a transaction's, and no
        # transaction stays open (idle in transaction) while it is held.
        connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
        waited = not await connection.scalar(
            text("SELECT pg_try_advisory_lock(:key)"), {"key": key}
        )
        if waited:
            log.info("another process is migrating or seeding the database; waiting for it")
            await connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": key})
        try:
            yield
        finally:
            with contextlib.suppress(Exception):  # a lost connection has let go already
                await connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})


@asynccontextmanager
async def _sqlite_file_lock(engine: AsyncEngine) -> AsyncIterator[None]:
    name = engine.url.database
    if not name or name == ":memory:" or name.startswith("file:"):
        yield
        return
    import fcntl  # POSIX only, like the deployments this project supports

    path = Path(name + ".lock")
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log.info("another process is migrating or seeding %s; waiting for it", name)
            await asyncio.to_thread(fcntl.flock, descriptor, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(descriptor, fcntl.LOCK_UN)
    finally:
        os.close(descriptor)


class ChatLocks:
    """Per-chat PostgreSQL advisory locks on a connection pool of their own."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    @asynccontextmanager
    async def hold(self, chat_id: int | str) -> AsyncIterator[None]:
        """Hold ``chat_id``'s lock for the block, waiting while another instance holds it."""
        key = chat_lock_key(chat_id)
        async with self._engine.connect() as connection:
            connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
            await connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": key})
            try:
                yield
            finally:
                await _unlock(connection, key)

    async def close(self) -> None:
        await self._engine.dispose()


async def _unlock(connection: AsyncConnection, key: int) -> None:
    """Let go of ``key``; a connection that cannot say so is closed, which lets go too."""
    try:
        await asyncio.shield(
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
        )
    except asyncio.CancelledError:
        with contextlib.suppress(Exception):
            await connection.invalidate()
        raise
    except Exception as error:
        log.warning("could not release a chat lock (%s); its connection is closed", error)
        with contextlib.suppress(Exception):
            await connection.invalidate()


def chat_locks_for(engine: AsyncEngine, *, pool_size: int, max_overflow: int) -> ChatLocks | None:
    """Per-chat locks for the database of ``engine``; None on SQLite (one process)."""
    if engine.dialect.name != "postgresql":
        return None
    own = create_async_engine(
        engine.url, pool_size=pool_size, max_overflow=max_overflow, pool_pre_ping=True
    )
    return ChatLocks(own)
