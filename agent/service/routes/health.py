"""Unauthenticated operations routes: liveness and Prometheus metrics."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Depends, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST
from sqlalchemy import text

from agent.service.schemas import Health
from agent.service.state import ServiceState, service_state
from db.engine import transaction

log = logging.getLogger(__name__)

router = APIRouter(tags=["operations"])
State = Annotated[ServiceState, Depends(service_state)]


@router.get(
    "/healthz",
    summary="Liveness (and the database, when the service has one)",
    response_model=Health,
    responses={503: {"model": Health, "description": "The database does not answer"}},
)
async def healthz(state: State) -> Health | JSONResponse:
    """200 ``{"status": "ok"}`` while the service and its database answer."""
    if state.database is not None:
        try:
            async with transaction(state.database.sessions) as session:
                await session.execute(text("SELECT 1"))
        except Exception as exc:
            log.error("health check: database does not answer: %s", exc)
            return JSONResponse({"status": "unavailable"}, status_code=503)
    return Health(status="ok")


@router.get(
    "/metrics",
    summary="Prometheus metrics (text exposition format)",
    response_class=Response,
    responses={200: {"content": {CONTENT_TYPE_LATEST: {}}}},
)
async def metrics(state: State) -> Response:
    """HTTP request series and the agent's turn, token, tool and queue series."""
    return Response(state.metrics.exposition(state.agent), media_type=CONTENT_TYPE_LATEST)
