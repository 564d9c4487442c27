"""Making the database unavailable on purpose: a held SQLite lock, a cut network path.

- :func:`sqlite_write_lock` holds SQLite's write lock from another connection,
  as a second process writing a long transaction (or a backup) would: every
  other writer gets "database is locked" once its busy timeout runs out.
- :class:`CuttableProxy` sits between the application and PostgreSQL on
  loopback. ``cut()`` drops every open connection and refuses new ones, as a
  server restart or a network failure does; ``restore()`` lets them through again.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from sqlalchemy import make_url


@asynccontextmanager
async def sqlite_write_lock(database_url: str) -> AsyncIterator[None]:
    """Hold the write lock of the SQLite database at ``database_url`` until the block ends."""
    path = Path(make_url(database_url).database or "")
    acquired, release, released = threading.Event(), threading.Event(), threading.Event()

    def hold() -> None:
        connection = sqlite3.connect(path, timeout=10, isolation_level=None)
        try:
            connection.execute("BEGIN EXCLUSIVE")
            acquired.set()
            release.wait()
            connection.execute("ROLLBACK")
        finally:
            connection.close()
            released.set()

    thread = threading.Thread(target=hold, name="sqlite-lock-holder", daemon=True)
    thread.start()
    await asyncio.to_thread(acquired.wait, 10)
    try:
        yield
    finally:
        release.set()
        await asyncio.to_thread(released.wait, 10)


class CuttableProxy:
    """A TCP proxy on loopback whose path to the server can be cut and restored."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self._target = (target_host, target_port)
        self._server: asyncio.Server | None = None
        self._port = 0
        self._pipes: set[asyncio.Task[None]] = set()

    @property
    def port(self) -> int:
        return self._port

    async def start(self) -> None:
        """Listen (again) on the same port, or on a free one the first time."""
        self._server = await asyncio.start_server(self._connect, "127.0.0.1", self._port)
        self._port = self._server.sockets[0].getsockname()[1]

    async def cut(self) -> None:
        """Close every connection and stop listening: new connections are refused."""
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        for pipe in list(self._pipes):
            pipe.cancel()
        await asyncio.gather(*self._pipes, return_exceptions=True)

    async def restore(self) -> None:
        """Accept connections again."""
        await self.start()

    async def _connect(
        self, client_in: asyncio.StreamReader, client_out: asyncio.StreamWriter
    ) -> None:
        try:
            server_in, server_out = await asyncio.open_connection(*self._target)
        except OSError:
            client_out.close()
            return
        for source, sink in ((client_in, server_out), (server_in, client_out)):
            pipe = asyncio.create_task(self._pipe(source, sink))
            self._pipes.add(pipe)
            pipe.add_done_callback(self._pipes.discard)

    @staticmethod
    async def _pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
        try:
            while data := await source.read(65536):
                sink.write(data)
                await sink.drain()
        except OSError:
            pass
        finally:
            with contextlib.suppress(Exception):
                sink.close()
