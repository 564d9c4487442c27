"""A real uvicorn server in the test's event loop, on a free loopback port."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import uvicorn
from fastapi import FastAPI

TOKEN = "test-token-0123456789"


@dataclass(frozen=True)
class LiveServer:
    """A running uvicorn server and where to reach it."""

    base_url: str
    port: int
    server: uvicorn.Server
    task: asyncio.Task[None]

    async def stop(self) -> None:
        """Ask uvicorn to shut down and wait until it has."""
        self.server.should_exit = True
        await self.task


def free_port() -> int:
    """A loopback port nobody listens on (at the time of asking)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@asynccontextmanager
async def serve(
    app: FastAPI, *, port: int = 0, graceful_shutdown_s: int | None = None
) -> AsyncIterator[LiveServer]:
    """Serve ``app`` on 127.0.0.1 in this event loop until the block ends."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    bound = sock.getsockname()[1]
    config = uvicorn.Config(
        app, log_config=None, lifespan="off", timeout_graceful_shutdown=graceful_shutdown_s
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    live = LiveServer(f"http://127.0.0.1:{bound}", bound, server, task)
    try:
        yield live
    finally:
        if not task.done():
            await live.stop()
        sock.close()
