"""ASGI middleware of the service: request metrics, body size limit, last-resort errors.

They are plain ASGI (no ``BaseHTTPMiddleware``) so Server-Sent Event streams
pass through untouched.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from agent.service import messages
from agent.service.errors import INTERNAL_ERROR, PAYLOAD_TOO_LARGE, error_body
from agent.service.metrics import ServiceMetrics

log = logging.getLogger(__name__)


async def send_json(send: Send, status: int, body: dict[str, Any]) -> None:
    """Send a complete JSON response through a raw ASGI ``send``."""
    payload = json.dumps(body, ensure_ascii=False).encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(payload)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})


class RequestMetricsMiddleware:
    """Counts every HTTP request by its route template, method and final status."""

    def __init__(self, app: ASGIApp, metrics: ServiceMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def recording_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, recording_send)
        finally:
            route = getattr(scope.get("route"), "path", None) or "unmatched"
            self.metrics.observe(route, scope["method"], status, time.perf_counter() - started)


class BodySizeLimitMiddleware:
    """Answers 413 (JSON, Turkish) to a request body over ``max_bytes``.

    A declared ``Content-Length`` over the limit is refused before reading;
    a chunked body is counted as it arrives and cut off at the limit.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if _declared_length(scope) > self.max_bytes:
            await self._refuse(scope, send)
            return
        received = 0
        refused = False

        async def counting_receive() -> Message:
            nonlocal received, refused
            message = await receive()
            if message["type"] == "http.request" and not refused:
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    refused = True
                    await self._refuse(scope, send)
                    # The app sees a client that went away and stops reading.
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            if not refused:
                await send(message)

        await self.app(scope, counting_receive, guarded_send)

    async def _refuse(self, scope: Scope, send: Send) -> None:
        log.warning(
            "refused %s %s: body over %d bytes", scope["method"], scope["path"], self.max_bytes
        )
        body = error_body(PAYLOAD_TOO_LARGE, messages.BODY_TOO_LARGE.format(limit=self.max_bytes))
        await send_json(send, 413, body)


class UnexpectedErrorMiddleware:
    """The last resort: an exception no handler took becomes a 500 with an incident id.

    The traceback goes to the log under the incident id; the caller gets a
    Turkish apology naming the same id. A failure after the response started
    (mid-stream) can only end the connection, so it is logged and dropped.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception:
            incident = uuid.uuid4().hex[:8]
            log.exception(
                "unexpected error in %s %s (incident %s)", scope["method"], scope["path"], incident
            )
            if started:
                return
            message = messages.INTERNAL_ERROR.format(incident=incident)
            await send_json(send, 500, error_body(INTERNAL_ERROR, message, incident_id=incident))


def _declared_length(scope: Scope) -> int:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return 0
    return 0
