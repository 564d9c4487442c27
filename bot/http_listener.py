"""The bot's HTTP listener: Telegram's webhook posts, ``/healthz`` and ``/readyz``.

One small ASGI app on uvicorn (already the project's HTTP server), started on
a socket :func:`bot.start_up_checks.bind_listener` has bound, as early as
start-up allows, so liveness answers while the model loads:

- ``GET /healthz``: 200 ``{"status": "ok", "phase": ...}`` while the process runs.
- ``GET /readyz``: 200 ``{"status": "ok"}`` once the bot takes updates and the
  database (and the agent service, when split) answers; otherwise 503
  ``{"status": "unavailable", "reason": ...}`` (``starting``, ``stopping``,
  ``database does not answer``, ``agent service does not answer``).
- ``POST <path of telegram.webhook.url>`` (webhook mode): an update from
  Telegram. Without the secret token in ``X-Telegram-Bot-Api-Secret-Token``
  403, never processed; a body that is not JSON or not an update 400; over
  :data:`MAX_UPDATE_BYTES` 413; before the bot takes updates (or once it
  stops) 503, so Telegram delivers it again later. The log never holds a body.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from telegram import Update

from bot.context import BotApplication
from bot.health import ReadinessProbe
from bot.webhook_secret import SECRET_HEADER, secret_matches

log = logging.getLogger(__name__)

# Telegram's updates are a few kilobytes; a larger body is not one of them.
MAX_UPDATE_BYTES = 1_000_000
# Seconds uvicorn waits for open requests when the listener stops.
SHUTDOWN_GRACE_S = 2
Phase = Literal["starting", "ready", "stopping"]


@dataclass
class ListenerState:
    """What the routes answer from; the runner moves it along as the bot starts and stops."""

    webhook_path: str | None = None
    secret: str = ""
    phase: Phase = "starting"
    application: BotApplication | None = None
    probe: ReadinessProbe | None = None

    @property
    def takes_updates(self) -> bool:
        return self.application is not None and self.phase != "stopping"


def build_listener_app(state: ListenerState) -> Starlette:
    """The ASGI app of the listener."""
    routes = [
        Route("/healthz", _Endpoints(state).healthz, methods=["GET"]),
        Route("/readyz", _Endpoints(state).readyz, methods=["GET"]),
        Route("/{anything:path}", _Endpoints(state).anything_else, methods=["GET", "POST", "PUT"]),
    ]
    return Starlette(routes=routes)


class _Endpoints:
    def __init__(self, state: ListenerState) -> None:
        self.state = state

    async def healthz(self, request: Request) -> Response:
        return JSONResponse({"status": "ok", "phase": self.state.phase})

    async def readyz(self, request: Request) -> Response:
        state = self.state
        reason: str | None = None
        if state.phase != "ready":
            reason = state.phase
        elif state.probe is not None:
            reason = await state.probe.problem()
        if reason is not None:
            return JSONResponse({"status": "unavailable", "reason": reason}, status_code=503)
        return JSONResponse({"status": "ok"})

    async def anything_else(self, request: Request) -> Response:
        if self.state.webhook_path is None or request.url.path != self.state.webhook_path:
            return JSONResponse({"error": "not found"}, status_code=404)
        if request.method != "POST":
            return JSONResponse({"error": "method not allowed"}, status_code=405)
        return await self.webhook(request)

    async def webhook(self, request: Request) -> Response:
        state = self.state
        client = request.client.host if request.client else "?"
        if not secret_matches(request.headers.get(SECRET_HEADER), state.secret):
            log.warning("webhook: refused a post from %s without the right secret token", client)
            return JSONResponse({"error": "forbidden"}, status_code=403)
        application = state.application
        if application is None or not state.takes_updates:
            # Telegram delivers the update again later (to this bot or another replica).
            return JSONResponse({"error": state.phase}, status_code=503)
        body = await _body_up_to(request, MAX_UPDATE_BYTES)
        if body is None:
            log.warning("webhook: refused a body over %d bytes from %s", MAX_UPDATE_BYTES, client)
            return JSONResponse({"error": "body too large"}, status_code=413)
        update = _update_from(body, application, client)
        if update is None:
            return JSONResponse({"error": "not a Telegram update"}, status_code=400)
        await application.update_queue.put(update)
        return Response(status_code=200)


async def _body_up_to(request: Request, limit: int) -> bytes | None:
    """The request body, or None when it is longer than ``limit`` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return None
    received = bytearray()
    async for chunk in request.stream():
        received += chunk
        if len(received) > limit:
            return None
    return bytes(received)


def _update_from(body: bytes, application: BotApplication, client: str) -> Update | None:
    """The update a body holds, or None (logged by size and reason, never by content)."""
    try:
        data = json.loads(body)
    except ValueError:
        log.warning(
            "webhook: refused a body that is not JSON (%d bytes) from %s", len(body), client
        )
        return None
    update_id = data.get("update_id") if isinstance(data, dict) else None
    if not isinstance(update_id, int) or isinstance(update_id, bool):
        log.warning(
            "webhook: refused JSON without an update_id (%d bytes) from %s", len(body), client
        )
        return None
    try:
        return Update.de_json(data, application.bot)
    except Exception as error:  # any malformed field: not an update
        log.warning(
            "webhook: refused update %d, not a valid update (%s)", update_id, type(error).__name__
        )
        return None


class _EmbeddedUvicorn(uvicorn.Server):
    """uvicorn that leaves SIGINT/SIGTERM to the bot (``bot.runner``)."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


class HTTPListener:
    """The listener on a bound socket: ``await start()``, then ``await stop()``."""

    def __init__(self, listener: socket.socket, state: ListenerState) -> None:
        self.state = state
        self._socket = listener
        config = uvicorn.Config(
            build_listener_app(state),
            log_config=None,  # uvicorn's own records go through the bot's logging
            log_level="warning",
            access_log=False,
            lifespan="off",
            timeout_graceful_shutdown=SHUTDOWN_GRACE_S,
        )
        self._server = _EmbeddedUvicorn(config)
        self._task: asyncio.Task[None] | None = None

    @property
    def address(self) -> tuple[str, int]:
        host, port = self._socket.getsockname()[:2]
        return str(host), int(port)

    async def start(self) -> None:
        """Serve on the socket; returns once it answers."""
        self._task = asyncio.create_task(
            self._server.serve(sockets=[self._socket]), name="bot-http-listener"
        )
        while not self._server.started:
            if self._task.done():
                await self._task  # re-raises what stopped it
                raise RuntimeError("the HTTP listener stopped during start-up")
            await asyncio.sleep(0.01)

    async def stop(self) -> None:
        """Stop answering (open requests get :data:`SHUTDOWN_GRACE_S`) and close the socket."""
        try:
            if self._task is not None:
                self._server.should_exit = True
                await self._task
        finally:
            self._task = None
            self._socket.close()
