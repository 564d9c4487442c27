"""What every route of one app works with, kept on ``app.state`` (no module globals)."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request

from agent.client import AgentClient
from agent.service.metrics import ServiceMetrics
from agent.tools.registry import Registry
from core.settings import Settings
from db.database import Database


@dataclass(frozen=True)
class ServiceState:
    """The settings, the agent served, its tool registry, metrics and database."""

    settings: Settings
    agent: AgentClient
    registry: Registry
    metrics: ServiceMetrics
    database: Database | None = None


def service_state(request: Request) -> ServiceState:
    """The state of the app that is serving ``request``."""
    state = request.app.state.service
    assert isinstance(state, ServiceState)
    return state
