"""What became of proposed actions, for a front end that shows them as cards.

``AgentRuntime.confirmation_states`` is one line over
:func:`confirmation_states`; the HTTP service answers the same through
``POST /api/v1/chat/confirmation-states``. The bot asks for the actions of
its cards still open and edits each settled one to show its outcome.

:func:`waiting_confirmations` (``POST /api/v1/chat/waiting-confirmations``)
tells which actions a turn proposed still wait for the customer: the bot's
recovery sends their cards when a crash kept them from the customer. The
confirmations table is the agent's; the bot reads it only through these.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import select

from agent.events import ActionOutcome, ConfirmationRequested
from agent.tools import confirmations
from agent.tools.context import ToolContext
from db.models import PendingConfirmation


async def confirmation_states(
    context: ToolContext, confirmation_ids: Collection[str]
) -> dict[str, ActionOutcome]:
    """Confirmation id -> outcome, for each of ``confirmation_ids`` no longer waiting.

    ``done`` (with the action's result and its reference in the message),
    ``cancelled``, ``expired`` (a pending action past its time is expired
    now) or ``not_found``; an action still waiting is left out. ``context``
    needs no customer: the caller (the bot) only asks about its own cards.
    """
    outcomes = await confirmations.settled_outcomes(confirmation_ids, context)
    return {
        confirmation_id: ActionOutcome(
            status=outcome.status,
            message=outcome.message,
            result=outcome.result,
            confirmation_id=confirmation_id if outcome.status != "not_found" else None,
        )
        for confirmation_id, outcome in outcomes.items()
    }


async def waiting_confirmations(
    context: ToolContext,
    chat_id: str,
    *,
    proposed_from: datetime,
    proposed_before: datetime | None = None,
) -> list[ConfirmationRequested]:
    """The chat's actions proposed in ``[proposed_from, proposed_before)`` still waiting, in order.

    An action past its time is left out. ``context`` needs no customer.
    """
    query = select(PendingConfirmation).where(
        PendingConfirmation.chat_id == chat_id,
        PendingConfirmation.status == "pending",
        PendingConfirmation.created_at >= proposed_from,
        PendingConfirmation.expires_at > context.now(),
    )
    if proposed_before is not None:
        query = query.where(PendingConfirmation.created_at < proposed_before)
    async with context.transaction() as session:
        rows = await session.scalars(query.order_by(PendingConfirmation.created_at))
        return [
            ConfirmationRequested(
                confirmation_id=row.id,
                tool=row.tool_name,
                summary=row.summary,
                expires_at=row.expires_at,
            )
            for row in rows
        ]
