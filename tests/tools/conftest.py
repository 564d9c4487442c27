"""Fixtures for the tool tests: a clock on the seeded day, contexts, and call helpers.

Every test runs the real tools on a fresh seeded database (``sessions`` from
tests/conftest.py). The clock is fixed at 12:00 Istanbul time on the day the
demo operator was seeded for, so bill states and outages are as db/seed.py
describes them.
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agent.tools import ToolContext, ToolOutcome, confirm, default_registry, execute
from agent.tools.registry import Registry
from agent.turns import ToolCall
from core.turkish import ISTANBUL
from tests.tools.harness import CallTool, Clock, ContextFactory, RunConfirmed


@pytest.fixture
def clock(seed_day: Any) -> Clock:
    return Clock(datetime.combine(seed_day.today, time(12), tzinfo=ISTANBUL).astimezone(UTC))


@pytest.fixture
def registry() -> Registry:
    return default_registry()


@pytest.fixture
def context(sessions: async_sessionmaker[AsyncSession], clock: Clock) -> ContextFactory:
    """``context(customer_id, chat_id="chat-<id>")``: a tool context on the test database."""

    def make(customer_id: int | None, chat_id: str | None = None) -> ToolContext:
        chat = chat_id if chat_id is not None else f"chat-{customer_id}"
        return ToolContext(sessions=sessions, customer_id=customer_id, chat_id=chat, now=clock)

    return make


@pytest.fixture
def call(registry: Registry, context: ContextFactory) -> CallTool:
    """``await call(customer_id, name, **arguments)``: run through the executor."""

    async def run(customer_id: int | None, name: str, **arguments: Any) -> ToolOutcome:
        return await execute(registry, ToolCall(name, arguments), context(customer_id))

    return run


@pytest.fixture
def run_confirmed(registry: Registry, context: ContextFactory) -> RunConfirmed:
    """``await run_confirmed(customer_id, name, **arguments)``: propose, confirm, return the result.

    A call refused at proposal time returns its error object, as the model would see it.
    """

    async def run(customer_id: int, name: str, **arguments: Any) -> dict[str, Any]:
        ctx = context(customer_id)
        outcome = await execute(registry, ToolCall(name, arguments), ctx)
        if outcome.proposal is None:
            return outcome.data
        confirmed = await confirm(outcome.proposal.id, ctx, registry)
        assert confirmed.result is not None, confirmed
        return confirmed.result

    return run
