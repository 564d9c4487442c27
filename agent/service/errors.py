"""Every failure of the API as a JSON envelope with a Turkish message.

Routes raise :class:`ApiError`; FastAPI's own failures (validation, unknown
route, wrong method) and a database out of reach through every retry
(``DatabaseBusyError``: 503 ``SERVICE_UNAVAILABLE``) are translated by the
handlers installed with :func:`install_error_handlers`. Unexpected exceptions are handled by
``agent.service.middleware.UnexpectedErrorMiddleware``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from agent.service import messages
from agent.service.schemas import ErrorInfo, Failure
from db.retries import DatabaseBusyError

log = logging.getLogger(__name__)

UNAUTHORIZED = "UNAUTHORIZED"
VALIDATION_ERROR = "VALIDATION_ERROR"
PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"
NOT_FOUND = "NOT_FOUND"
METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"
BAD_REQUEST = "BAD_REQUEST"
INTERNAL_ERROR = "INTERNAL_ERROR"
SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"

_HTTP_CODES = {
    400: (BAD_REQUEST, messages.BAD_REQUEST),
    404: (NOT_FOUND, messages.NOT_FOUND),
    405: (METHOD_NOT_ALLOWED, messages.METHOD_NOT_ALLOWED),
}


class ApiError(Exception):
    """A refusal the caller should see: HTTP status, stable code, Turkish message."""

    def __init__(
        self,
        status_code: int,
        code: str,
        message: str,
        *,
        details: Any = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(f"{status_code} {code}: {message}")
        self.status_code = status_code
        self.code = code
        self.message = message
        self.details = details
        self.headers = headers


def error_body(
    code: str, message: str, *, details: Any = None, incident_id: str | None = None
) -> dict[str, Any]:
    """The JSON of a failure envelope (keys without a value left out)."""
    info = ErrorInfo(code=code, message=message, details=details, incident_id=incident_id)
    return Failure(error=info).model_dump(mode="json", exclude_none=True)


def error_response(
    status_code: int,
    code: str,
    message: str,
    *,
    details: Any = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    """A failure envelope as a response."""
    return JSONResponse(
        error_body(code, message, details=details), status_code=status_code, headers=headers
    )


def install_error_handlers(app: FastAPI) -> None:
    """Make ApiError, validation errors and Starlette's HTTP errors JSON envelopes."""
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(DatabaseBusyError, _database_unavailable)


def database_unavailable() -> ApiError:
    """503 ``SERVICE_UNAVAILABLE``: the database stayed out of reach through the retries."""
    return ApiError(503, SERVICE_UNAVAILABLE, messages.SERVICE_UNAVAILABLE)


async def _api_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return error_response(
        exc.status_code, exc.code, exc.message, details=exc.details, headers=exc.headers
    )


async def _database_unavailable(request: Request, exc: Exception) -> JSONResponse:
    log.error("%s: the database is out of reach: %s", request.url.path, exc)
    return await _api_error(request, database_unavailable())


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = [_problem(error) for error in exc.errors()]
    log.info("invalid request to %s: %s", request.url.path, [p["type"] for p in problems])
    first = problems[0]["message"] if problems else messages.BODY_NOT_JSON
    return error_response(
        422,
        VALIDATION_ERROR,
        messages.VALIDATION_FAILED.format(problem=first),
        details=problems,
    )


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code, message = _HTTP_CODES.get(exc.status_code, (BAD_REQUEST, messages.BAD_REQUEST))
    return error_response(exc.status_code, code, message, headers=exc.headers)


def _problem(error: dict[str, Any]) -> dict[str, Any]:
    """One validation problem: field path, pydantic's type, Turkish sentence."""
    field = _field_name(error.get("loc", ()))
    kind = str(error.get("type", ""))
    return {"field": field, "type": kind, "message": _turkish(kind, field, error.get("ctx") or {})}


def _field_name(loc: Sequence[Any]) -> str:
    parts = loc[1:] if loc and loc[0] == "body" else loc
    return ".".join(str(part) for part in parts)


def _turkish(kind: str, field: str, ctx: dict[str, Any]) -> str:
    """The Turkish sentence for one pydantic error type."""
    if kind == "json_invalid":
        return messages.BODY_NOT_JSON
    if not field:
        return messages.BODY_MISSING if kind == "missing" else messages.BODY_NOT_OBJECT
    simple = {
        "missing": messages.FIELD_MISSING,
        "string_type": messages.FIELD_NOT_TEXT,
        "int_type": messages.FIELD_NOT_INTEGER,
        "int_parsing": messages.FIELD_NOT_INTEGER,
        "int_from_float": messages.FIELD_NOT_INTEGER,
        "dict_type": messages.FIELD_NOT_OBJECT,
        "model_attributes_type": messages.FIELD_NOT_OBJECT,
        "string_pattern_mismatch": messages.FIELD_BAD_FORMAT,
    }
    if kind in simple:
        return simple[kind].format(field=field)
    if kind == "string_too_short":
        return messages.FIELD_EMPTY.format(field=field)
    if kind == "string_too_long":
        return messages.FIELD_TOO_LONG.format(field=field, limit=ctx.get("max_length", "?"))
    if kind in ("greater_than_equal", "greater_than"):
        limit = ctx.get("ge", ctx.get("gt", "?"))
        return messages.FIELD_TOO_SMALL.format(field=field, limit=limit)
    if kind in ("less_than_equal", "less_than"):
        limit = ctx.get("le", ctx.get("lt", "?"))
        return messages.FIELD_TOO_LARGE.format(field=field, limit=limit)
    if kind == "literal_error":
        choices = str(ctx.get("expected", "")).replace(" or ", " veya ")
        return messages.FIELD_NOT_ALLOWED.format(field=field, choices=choices)
    return messages.FIELD_INVALID.format(field=field)
