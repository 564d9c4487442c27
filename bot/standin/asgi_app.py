"""The stand-in's HTTP face: Bot API routes and file downloads, as an ASGI app.

``POST|GET /bot{token}/{method}`` answers ``{"ok": true, "result": ...}`` or
Telegram's error body; ``GET /file/bot{token}/{file_path}`` serves a stored
file. Any token is accepted and remembered.
"""

from __future__ import annotations

import logging
import time

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.standin.api_error import ApiError, not_found, server_error
from bot.standin.api_methods import call_method
from bot.standin.request_params import read_params
from bot.standin.state import StandinState

logger = logging.getLogger(__name__)


def _bot_label(token: str) -> str:
    """The part of a token that is safe to log: the bot id before the colon."""
    return token.split(":", 1)[0]


class _Endpoints:
    def __init__(self, state: StandinState) -> None:
        self.state = state

    async def bot_api(self, request: Request) -> Response:
        token = request.path_params["token"]
        method = request.path_params["method"]
        started = time.perf_counter()
        self.state.note_token(token)
        parameter_names: list[str] = []
        try:
            params = await read_params(request)
            parameter_names = params.names()
            result = await call_method(self.state, method, params)
            status, body = 200, {"ok": True, "result": result}
        except ApiError as error:
            status, body = error.status, error.body()
        except Exception:
            logger.exception("stand-in failed on %s", method)
            failure = server_error(500)
            status, body = failure.status, failure.body()
        logger.debug(
            "%s %s bot=%s params=%s -> %d in %.1f ms",
            request.method,
            method,
            _bot_label(token),
            ",".join(parameter_names),
            status,
            (time.perf_counter() - started) * 1000,
        )
        return JSONResponse(body, status_code=status)

    async def file_download(self, request: Request) -> Response:
        stored = self.state.file_by_path(request.path_params["file_path"])
        if stored is None:
            error = not_found()
            return JSONResponse(error.body(), status_code=error.status)
        return Response(stored.content, media_type=stored.mime_type or "application/octet-stream")


def build_app(state: StandinState) -> Starlette:
    """The ASGI application serving ``state``."""
    endpoints = _Endpoints(state)
    return Starlette(
        routes=[
            Route("/bot{token}/{method}", endpoints.bot_api, methods=["GET", "POST"]),
            Route("/file/bot{token}/{file_path:path}", endpoints.file_download, methods=["GET"]),
        ]
    )
