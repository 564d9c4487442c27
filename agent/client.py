"""The one interface the bot (and any other front end) uses to reach the agent.

Two implementations: ``agent.runtime.AgentRuntime`` runs in-process (the
embedded default), and ``agent.http_client.HTTPAgentClient`` talks to
``python -m agent serve`` on a GPU host. The bot picks one by configuration
(``agent.url``) and never knows which it has.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import datetime
from typing import Any, Protocol

from agent.events import ActionOutcome, AgentEvent, ChatRequest, ConfirmationRequested
from agent.status import SystemStatus


class AgentUnavailableError(RuntimeError):
    """The agent cannot be reached (remote service down, timed out)."""


class AgentClient(Protocol):
    def chat(self, request: ChatRequest) -> AsyncIterator[AgentEvent]:
        """Run one turn; yields events and always ends with a ``FinalAnswer``."""
        ...

    async def confirm(
        self, confirmation_id: str, *, customer_id: int, chat_id: str | None
    ) -> ActionOutcome:
        """Run a proposed action, at most once."""
        ...

    async def cancel(
        self, confirmation_id: str, *, customer_id: int, chat_id: str | None
    ) -> ActionOutcome: ...

    async def cancel_pending(self, *, customer_id: int, chat_id: str) -> ActionOutcome:
        """Cancel the chat's latest pending action (``/iptal``)."""
        ...

    async def confirmation_states(
        self, confirmation_ids: Sequence[str]
    ) -> dict[str, ActionOutcome]:
        """What became of each proposed action no longer waiting (the bot's open cards).

        ``done`` / ``cancelled`` / ``expired`` / ``not_found`` per id; an action
        still waiting is left out. A pending action past its time is expired.
        """
        ...

    async def waiting_confirmations(
        self, chat_id: str, *, proposed_from: datetime, proposed_before: datetime | None = None
    ) -> list[ConfirmationRequested]:
        """The chat's actions proposed in ``[proposed_from, proposed_before)`` still waiting.

        For the bot's recovery: the cards a crash kept from the customer.
        """
        ...

    async def call_tool(
        self, name: str, *, customer_id: int | None, arguments: dict[str, Any]
    ) -> dict[str, Any]:
        """Run a READ-ONLY tool directly (``/fatura``, ``/durum``): the contract result."""
        ...

    async def status(self) -> SystemStatus: ...

    async def swap_model(
        self, *, backend: str | None = None, model_name: str | None = None
    ) -> SystemStatus:
        """Load another model beside the current one and switch; the old one keeps
        serving if the new one fails to load."""
        ...

    async def close(self) -> None: ...
