"""A tiny scripted OpenAI-compatible server on loopback, for failure cases a real one won't make.

Each request to ``/v1/completions`` or ``/v1/chat/completions`` takes the next
scripted ``Reply``: an HTTP error with headers, or a stream of Server-Sent
Events that may be cut off (the connection drops without the end of the
chunked body, as when a server process dies), or one JSON body (a request
with ``stream: false``, such as the header probe: ``probe_reply``). ``/v1/models`` lists the
configured models. Every request is recorded with its body and headers.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from tests.service.live_server import serve

_UNSET: Any = object()


class ConnectionDropped(Exception):  # noqa: N818 - it names what the test makes happen
    """Raised inside a streaming body: uvicorn then closes the connection mid-body."""


@dataclass
class Reply:
    """One scripted answer."""

    status: int = 200
    events: list[str] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    error: str = "scripted failure"
    # Drop the connection after this many events (None: finish normally with [DONE]).
    drop_after: int | None = None
    # Seconds to wait before each event.
    delay_s: float = 0.0
    send_done: bool = True
    # A whole JSON answer instead of a stream (for ``stream: false`` requests).
    body: dict[str, Any] | None = None
    # Filled in while serving: events written, and whether the stream ran to its end.
    sent: int = 0
    completed: bool = False


@dataclass(frozen=True)
class RecordedRequest:
    path: str
    body: dict[str, Any]
    headers: dict[str, str]


def completion_events(
    *pieces: str,
    finish_reason: str | None = "stop",
    stop_reason: Any = _UNSET,
) -> list[str]:
    """``/completions`` chunks for ``pieces``; ``stop_reason`` only when given (vLLM)."""
    events = [_chunk({"index": 0, "text": piece, "finish_reason": None}) for piece in pieces]
    final: dict[str, Any] = {"index": 0, "text": "", "finish_reason": finish_reason}
    if stop_reason is not _UNSET:
        final["stop_reason"] = stop_reason
    events.append(_chunk(final))
    return events


def probe_reply(named: str) -> Reply:
    """The non-streamed ``/completions`` answer of a header probe: the role the model names."""
    choice = {"index": 0, "text": named, "finish_reason": "stop"}
    return Reply(body={"id": "cmpl-probe", "object": "text_completion", "choices": [choice]})


def tool_call_events(
    *fragments: dict[str, Any], content: str = "", finish_reason: str = "tool_calls"
) -> list[str]:
    """``/chat/completions`` chunks streaming native tool calls, one fragment per chunk.

    Each fragment is a ``delta.tool_calls`` item (``index``, ``id``,
    ``function.name``, ``function.arguments`` pieces), as vLLM streams them.
    """
    events = [_chunk({"index": 0, "delta": {"role": "assistant"}, "finish_reason": None})]
    if content:
        delta = {"content": content}
        events.append(_chunk({"index": 0, "delta": delta, "finish_reason": None}))
    events += [
        _chunk({"index": 0, "delta": {"tool_calls": [fragment]}, "finish_reason": None})
        for fragment in fragments
    ]
    events.append(_chunk({"index": 0, "delta": {}, "finish_reason": finish_reason}))
    return events


def chat_events(*pieces: str, finish_reason: str | None = "stop") -> list[str]:
    """``/chat/completions`` chunks: a role delta, one content delta per piece, the finish."""
    events = [_chunk({"index": 0, "delta": {"role": "assistant"}, "finish_reason": None})]
    events += [
        _chunk({"index": 0, "delta": {"content": piece}, "finish_reason": None}) for piece in pieces
    ]
    events.append(_chunk({"index": 0, "delta": {}, "finish_reason": finish_reason}))
    return events


def _chunk(choice: dict[str, Any]) -> str:
    return json.dumps({"id": "cmpl-1", "object": "text_completion", "choices": [choice]})


class FakeOpenAIServer:
    """The Starlette app and its script."""

    def __init__(self, models: tuple[str, ...] = ("fake-model",)) -> None:
        self.models = models
        self.replies: list[Reply] = []
        self.requests: list[RecordedRequest] = []
        self.app = Starlette(
            routes=[
                Route("/v1/models", self._models, methods=["GET"]),
                Route("/v1/completions", self._generate, methods=["POST"]),
                Route("/v1/chat/completions", self._generate, methods=["POST"]),
            ]
        )

    def script(self, *replies: Reply) -> None:
        self.replies.extend(replies)

    async def _models(self, request: Request) -> Response:
        self.requests.append(RecordedRequest(request.url.path, {}, dict(request.headers)))
        data = [{"id": name, "object": "model"} for name in self.models]
        return JSONResponse({"object": "list", "data": data})

    async def _generate(self, request: Request) -> Response:
        body = await request.json()
        self.requests.append(RecordedRequest(request.url.path, body, dict(request.headers)))
        if not self.replies:
            return JSONResponse({"error": {"message": "no scripted reply left"}}, status_code=500)
        reply = self.replies.pop(0)
        if reply.status != 200:
            return JSONResponse(
                {"error": {"message": reply.error, "code": reply.status}},
                status_code=reply.status,
                headers=reply.headers,
            )
        if reply.body is not None:
            return JSONResponse(reply.body)
        return StreamingResponse(_sse(reply), media_type="text/event-stream")

    @property
    def generation_requests(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path != "/v1/models"]


async def _sse(reply: Reply) -> AsyncIterator[str]:
    for index, event in enumerate(reply.events):
        if reply.drop_after is not None and index >= reply.drop_after:
            raise ConnectionDropped("scripted connection drop")
        if reply.delay_s:
            await asyncio.sleep(reply.delay_s)
        yield f"data: {event}\n\n"
        reply.sent += 1
    if reply.drop_after is not None:
        raise ConnectionDropped("scripted connection drop")
    if reply.send_done:
        yield "data: [DONE]\n\n"
    reply.completed = True


@dataclass(frozen=True)
class RunningFake:
    fake: FakeOpenAIServer
    base_url: str  # ends with /v1


@asynccontextmanager
async def running_fake(models: tuple[str, ...] = ("fake-model",)) -> AsyncIterator[RunningFake]:
    """A ``FakeOpenAIServer`` served on 127.0.0.1 until the block ends."""
    fake = FakeOpenAIServer(models)
    async with serve(fake.app, graceful_shutdown_s=1) as live:  # type: ignore[arg-type]
        yield RunningFake(fake, f"{live.base_url}/v1")
