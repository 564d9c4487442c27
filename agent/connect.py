"""Pick the agent a front end talks to: in-process, or the HTTP service."""

from __future__ import annotations

from agent.client import AgentClient
from core.settings import Settings
from db.database import Database


async def connect_agent(settings: Settings, database: Database) -> AgentClient:
    """The remote agent when ``agent.url`` is set, else an embedded, started runtime."""
    if settings.agent.url:
        from agent.http_client import HTTPAgentClient

        return HTTPAgentClient.from_settings(settings)
    from agent.runtime import AgentRuntime

    runtime = AgentRuntime(settings, database)
    await runtime.start()
    return runtime
