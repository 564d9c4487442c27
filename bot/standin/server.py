"""A Telegram Bot API server on loopback for tests and the sandbox.

Telegram's servers cannot be reached from a test machine, so the real
python-telegram-bot is pointed at this server instead::

    async with StandinServer() as server:
        application = (
            ApplicationBuilder()
            .token("123456:TEST")
            .base_url(server.base_url)
            .base_file_url(server.base_file_url)
            .build()
        )
        driver = StandinDriver(server)

Requests travel over real HTTP and are answered with Telegram's rules and
Telegram's error texts (see :mod:`bot.standin.api_methods`). The server runs
on the caller's event loop (uvicorn) and leaves signal handling to the host
application.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import Iterator
from types import TracebackType

import uvicorn

from bot.standin.asgi_app import build_app
from bot.standin.state import StandinSettings, StandinState

logger = logging.getLogger(__name__)

# Seconds uvicorn waits for open requests when the server stops; long polls
# are released before that, so this is only a safety net.
_SHUTDOWN_GRACE = 2


class _EmbeddedUvicorn(uvicorn.Server):
    """uvicorn that reports when it listens and leaves signals to its host."""

    def __init__(self, config: uvicorn.Config, listening: asyncio.Event) -> None:
        super().__init__(config)
        self._listening = listening

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        """Do not take over SIGINT/SIGTERM: the bot or the test runner owns them."""
        yield

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        """Start serving, then announce it."""
        await super().startup(sockets=sockets)
        self._listening.set()


class StandinServer:
    """The stand-in Bot API server; use as ``async with StandinServer() as server``."""

    def __init__(
        self,
        settings: StandinSettings | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.settings = settings or StandinSettings()
        self.state = StandinState(self.settings)
        self._host = host
        self._requested_port = port
        self._socket: socket.socket | None = None
        self._uvicorn: _EmbeddedUvicorn | None = None
        self._serve_task: asyncio.Task[None] | None = None

    # -- addresses --------------------------------------------------------

    @property
    def port(self) -> int:
        """The TCP port the server listens on (chosen free at start)."""
        if self._socket is None:
            raise RuntimeError("the stand-in server is not running")
        return int(self._socket.getsockname()[1])

    @property
    def base_url(self) -> str:
        """For ``ApplicationBuilder().base_url(...)``: the bot token is appended to it."""
        return f"http://{self._host}:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        """For ``ApplicationBuilder().base_file_url(...)``."""
        return f"http://{self._host}:{self.port}/file/bot"

    # -- test controls ----------------------------------------------------

    def inject_faults(
        self,
        count: int = 1,
        *,
        status: int = 500,
        method: str | None = None,
        retry_after: int = 1,
        applied: bool = False,
    ) -> None:
        """Make the next ``count`` calls (of ``method``, if given) fail with ``status``.

        ``status`` is a 5xx code or 429 (then ``retry_after`` seconds are asked
        for). With ``applied=True`` the call still takes effect and only its
        answer is an error, like a response lost on the way back.
        """
        self.state.faults.arm(
            count, status=status, method=method, retry_after=retry_after, applied=applied
        )

    # -- lifecycle --------------------------------------------------------

    async def start(self) -> None:
        """Bind a port on loopback and start answering."""
        if self._serve_task is not None:
            raise RuntimeError("the stand-in server is already running")
        # IPPROTO_TCP named explicitly: asyncio turns Nagle's algorithm off only on
        # sockets that say they are TCP, and accepted sockets copy the listener's
        # protocol; with proto 0 every response waited ~40 ms for a delayed ACK.
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((self._host, self._requested_port))
        listener.listen()
        listener.setblocking(False)
        config = uvicorn.Config(
            build_app(self.state),
            log_level="warning",
            access_log=False,
            lifespan="off",
            timeout_graceful_shutdown=_SHUTDOWN_GRACE,
        )
        listening = asyncio.Event()
        self._socket = listener
        self._uvicorn = _EmbeddedUvicorn(config, listening)
        self._serve_task = asyncio.create_task(
            self._uvicorn.serve(sockets=[listener]), name="standin-bot-api"
        )
        listening_task = asyncio.create_task(listening.wait())
        await asyncio.wait({listening_task, self._serve_task}, return_when=asyncio.FIRST_COMPLETED)
        if not listening.is_set():
            listening_task.cancel()
            await self._serve_task  # re-raises the startup failure
            raise RuntimeError("the stand-in server stopped during start-up")
        logger.info("Telegram stand-in listening on %s", self.base_url)

    async def stop(self) -> None:
        """Release waiting long polls and stop the server."""
        if self._serve_task is None or self._uvicorn is None:
            return
        self.state.close()
        self._uvicorn.should_exit = True
        try:
            await self._serve_task
        finally:
            self._serve_task = None
            self._uvicorn = None
            if self._socket is not None:
                self._socket.close()
                self._socket = None
        logger.info("Telegram stand-in stopped")

    async def __aenter__(self) -> StandinServer:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()
