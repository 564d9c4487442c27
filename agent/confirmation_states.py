"""What became of proposed actions, for a front end that shows them as cards.

``AgentRuntime.confirmation_states`` is one line over
:func:`confirmation_states`; the HTTP service answers the same through
``POST /api/v1/chat/confirmation-states``. The bot asks for the actions of
its cards still open and edits each settled one to show its outcome.
"""

from __future__ import annotations

from collections.abc import Collection

from agent.events import ActionOutcome
from agent.tools import confirmations
from agent.tools.context import ToolContext


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
