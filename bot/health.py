"""Readiness of the bot: what it needs to answer a customer answers itself.

``GET /readyz`` asks :class:`ReadinessProbe`: the database runs a statement,
and, when the agent runs as a separate service (``agent.url``), that
service's own ``/healthz`` answers 200. Each check is bounded by
:data:`CHECK_TIMEOUT_S`, so a balancer's probe never hangs on an outage.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

import httpx
from sqlalchemy import text

from db.database import Database

log = logging.getLogger(__name__)

CHECK_TIMEOUT_S = 3.0
AGENT_HEALTH_PATH = "/healthz"


@dataclass(frozen=True)
class ReadinessProbe:
    """Checks the database and, when split, the agent service."""

    database: Database
    agent_url: str = ""
    timeout_s: float = CHECK_TIMEOUT_S

    async def problem(self) -> str | None:
        """None when ready, else a short reason for the 503."""
        if not await self._database_answers():
            return "database does not answer"
        if self.agent_url and not await self._agent_answers():
            return "agent service does not answer"
        return None

    async def _database_answers(self) -> bool:
        try:
            async with asyncio.timeout(self.timeout_s), self.database.sessions() as session:
                await session.execute(text("SELECT 1"))
        except Exception as error:  # any failure means "not ready"
            log.warning("readiness: the database does not answer: %s", _first_line(error))
            return False
        return True

    async def _agent_answers(self) -> bool:
        url = self.agent_url.rstrip("/") + AGENT_HEALTH_PATH
        try:
            async with httpx.AsyncClient(timeout=self.timeout_s) as client:
                response = await client.get(url)
        except httpx.HTTPError as error:
            log.warning("readiness: the agent service at %s does not answer: %r", url, error)
            return False
        if response.status_code != httpx.codes.OK:
            log.warning("readiness: the agent service at %s answered %d", url, response.status_code)
            return False
        return True


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__
