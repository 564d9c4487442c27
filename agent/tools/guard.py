"""Admission of a tool call: known tool, linked customer, own data only, valid arguments.

The customer comes from the chat's verified link (``ToolContext.customer_id``),
never from the model's text: a ``user_id`` naming anyone else is refused with
FORBIDDEN and logged for the operator; a missing one is filled in.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from agent.tools import errors
from agent.tools.context import ToolContext
from agent.tools.errors import ToolError
from agent.tools.registry import Registry, Tool
from agent.turns import ToolCall

log = logging.getLogger(__name__)

FORBIDDEN_MESSAGE = (
    "Yalnızca kendi hesabınızla ilgili işlem yapabilirim; başka bir müşterinin "
    "bilgilerine erişemem."
)


def admit(registry: Registry, call: ToolCall, ctx: ToolContext) -> tuple[Tool, dict[str, Any]]:
    """The tool and its validated arguments, or a ToolError saying why the call cannot run."""
    found = registry.get(call.name)
    if found is None:
        log.warning(
            "refused unknown tool %r for customer %s (chat %s)",
            call.name[:80],
            ctx.customer_id,
            ctx.chat_id,
        )
        raise ToolError(
            errors.UNKNOWN_TOOL,
            f"'{call.name}' adında bir işlem bulunmuyor.",
            {"tool": call.name, "available_tools": list(registry.names)},
        )
    if found.needs_customer:
        ctx.require_customer()
    arguments = bind_customer(found, call.arguments, ctx)
    return found, found.validate(arguments)


# Other names models use for the customer number (the contract says user_id;
# small models write customer_id). They are checked like user_id, then renamed.
USER_ID_ALIASES: tuple[str, ...] = ("customer_id",)


def bind_customer(tool: Tool, arguments: Mapping[str, Any], ctx: ToolContext) -> dict[str, Any]:
    """``arguments`` with ``user_id`` set to the linked customer; FORBIDDEN for anyone else."""
    bound = dict(arguments)
    if not tool.takes_user_id or ctx.customer_id is None:
        return bound
    claims = [bound.pop(name) for name in ("user_id", *USER_ID_ALIASES) if name in bound]
    for claimed in claims:
        if claimed is not None and claimed != "":
            _check_own(tool, claimed, ctx)
    bound["user_id"] = ctx.customer_id
    return bound


def _check_own(tool: Tool, claimed: Any, ctx: ToolContext) -> None:
    number = _as_customer_number(claimed)
    if number is None:
        raise ToolError(
            errors.INVALID_USER, "Müşteri numarası bir sayı olmalı.", {"user_id": claimed}
        )
    if number != ctx.customer_id:
        log.warning(
            "refused %s: user_id %r is not the linked customer %s (chat %s)",
            tool.name,
            claimed,
            ctx.customer_id,
            ctx.chat_id,
        )
        raise ToolError(errors.FORBIDDEN, FORBIDDEN_MESSAGE, {"user_id": claimed})


def _as_customer_number(value: Any) -> int | None:
    """A customer number written as 1001, "1001" or 1001.0; None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None
