"""The FastAPI application of the agent HTTP service."""

from __future__ import annotations

import logging

from fastapi import FastAPI

from agent.client import AgentClient
from agent.service.errors import install_error_handlers
from agent.service.metrics import ServiceMetrics
from agent.service.middleware import (
    BodySizeLimitMiddleware,
    RequestMetricsMiddleware,
    UnexpectedErrorMiddleware,
)
from agent.service.routes import chat, health, system, tools
from agent.service.state import ServiceState
from agent.tools.registry import Registry
from agent.tools.telekom import default_registry
from core.settings import Settings
from db.database import Database

log = logging.getLogger(__name__)

DESCRIPTION = """\
Telekom Asistan's agent runtime over HTTP: chat turns (JSON or Server-Sent
Events), confirmations of proposed actions, read-only tools, status and
model swapping. Every `/api/v1` route needs `Authorization: Bearer <AGENT_API_TOKEN>`.
"""


def create_app(
    settings: Settings,
    agent: AgentClient,
    *,
    database: Database | None = None,
    registry: Registry | None = None,
) -> FastAPI:
    """The HTTP API serving ``agent``.

    ``registry`` tells read-only tools from side-effecting ones for
    ``/api/v1/tools``; by default the agent's own (``AgentRuntime.registry``),
    else the product's tool set. ``database`` (by default the agent's own,
    ``AgentRuntime.database``) is where the customer and the session of each
    request are checked (``agent.service.identity``), and the health check
    pings it. The caller owns ``agent`` and ``database``: the app neither
    starts nor closes them.
    """
    app = FastAPI(
        title="Telekom Asistan Agent API",
        version="1",
        description=DESCRIPTION,
    )
    metrics = ServiceMetrics()
    database = database or _database_of(agent)
    if database is None:
        log.warning("no database: user_id and session_id of requests cannot be checked")
    app.state.service = ServiceState(
        settings=settings,
        agent=agent,
        registry=registry or _registry_of(agent),
        metrics=metrics,
        database=database,
    )
    install_error_handlers(app)
    for router in (chat.router, tools.router, system.router, health.router):
        app.include_router(router)
    # Added last = outermost: metrics see the final status of every request,
    # including 413s and 500s produced by the inner two.
    app.add_middleware(UnexpectedErrorMiddleware)
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.service.max_body_bytes)
    app.add_middleware(RequestMetricsMiddleware, metrics=metrics)
    if not settings.agent.api_token.get_secret_value():
        log.warning("agent.api_token is not set: the API accepts every local caller")
    return app


def _database_of(agent: AgentClient) -> Database | None:
    database = getattr(agent, "database", None)
    return database if isinstance(database, Database) else None


def _registry_of(agent: AgentClient) -> Registry:
    registry = getattr(agent, "registry", None)
    return registry if isinstance(registry, Registry) else default_registry()
