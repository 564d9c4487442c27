"""The one entry point the agent loop calls for a tool call: it never raises.

Read-only tools run at once; side-effecting ones become a proposal the
customer confirms (``agent.tools.confirmations``). Every failure, expected or
not, comes back as the contract's error object for the model to read.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from agent.tools import errors
from agent.tools.confirmations import Proposal, create_proposal
from agent.tools.context import ToolContext
from agent.tools.errors import INTERNAL_ERROR_MESSAGE, ToolError
from agent.tools.guard import admit
from agent.tools.registry import Registry
from agent.turns import ToolCall
from db.retries import retry_transient

log = logging.getLogger(__name__)

CONFIRMATION_REQUIRED_MESSAGE = (
    "Bu işlem yalnızca sohbette sizin onayınızla yapılabilir; lütfen isteğinizi yazın."
)


@dataclass(frozen=True)
class ToolOutcome:
    """What a tool call produced.

    - ``result``: ``data`` is the contract's result object.
    - ``error``: ``data`` is ``{"success": false, "error": {code, message, details}}``.
    - ``proposal``: ``data`` is :meth:`Proposal.for_model`; ``proposal`` holds
      the stored action to show with "Onayla"/"Vazgeç" buttons.
    """

    kind: Literal["result", "error", "proposal"]
    data: dict[str, Any]
    proposal: Proposal | None = None

    @property
    def error_code(self) -> str | None:
        return self.data["error"]["code"] if self.kind == "error" else None


async def execute(registry: Registry, call: ToolCall, ctx: ToolContext) -> ToolOutcome:
    """Run (or propose) ``call`` for the chat's linked customer; never raises."""
    try:
        found, arguments = admit(registry, call, ctx)
        # A locked or unreachable database is waited out: a read, or a
        # proposal that was rolled back, is safe to run again.
        if found.side_effect:
            proposal = await retry_transient(
                lambda: create_proposal(found, arguments, ctx),
                what=f"propose {call.name}",
                policy=ctx.retry,
            )
            return ToolOutcome("proposal", proposal.for_model(), proposal)
        data = await retry_transient(
            lambda: found.run(ctx, arguments), what=f"tool {call.name}", policy=ctx.retry
        )
        log.info("ran %s for customer %s", call.name, ctx.customer_id)
        return ToolOutcome("result", data)
    except ToolError as exc:
        log.info("%s for customer %s: %s", call.name, ctx.customer_id, exc.code)
        return ToolOutcome("error", exc.to_result())
    except Exception:
        log.exception("tool %s failed for customer %s", call.name, ctx.customer_id)
        failure = ToolError(errors.INTERNAL_ERROR, INTERNAL_ERROR_MESSAGE)
        return ToolOutcome("error", failure.to_result())


async def call_read_only(
    registry: Registry, name: str, arguments: Mapping[str, Any], ctx: ToolContext
) -> dict[str, Any]:
    """Run a read-only tool directly (slash commands, the HTTP API); never raises.

    Returns the result or the error object. A side-effecting tool is refused
    with CONFIRMATION_REQUIRED: it only ever runs through a confirmation.
    """
    found = registry.get(name)
    if found is not None and found.side_effect:
        return ToolError(errors.CONFIRMATION_REQUIRED, CONFIRMATION_REQUIRED_MESSAGE).to_result()
    return (await execute(registry, ToolCall(name, dict(arguments)), ctx)).data
