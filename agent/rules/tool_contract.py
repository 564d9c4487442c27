"""What the rules engine needs to know about the 19 tools, read off the tool registry.

The ``@tool`` declarations (agent/tools/) are the one statement of the
contract (``shared/reference/telekom-tools.md``): parameter names, which
tools act for the linked customer and which change the account. The router
reads them from there; only its own policy lives here (``DEFAULTS``). The
tool layer owns validation; this is what the router needs to build a call
and to decide whether an unlinked chat may make it.
"""

from __future__ import annotations

from typing import Final

from agent.tools.telekom import default_registry

_REGISTRY: Final = default_registry()

# Defaults the router writes explicitly so the call shows what will happen.
DEFAULTS: Final[dict[str, dict[str, object]]] = {
    "get_past_bills": {"limit": 12},
    "pay_bill": {"method": "credit_card"},
}

# Each tool's parameter names, in the order of its signature.
PARAMETERS: Final[dict[str, tuple[str, ...]]] = {
    tool.name: tuple(tool.arguments_model.model_fields) for tool in _REGISTRY
}

# Tools an unlinked chat may use: they read only the operator's public data.
GENERAL_TOOLS: Final[frozenset[str]] = frozenset(
    tool.name for tool in _REGISTRY if not tool.needs_customer
)

# Tools that change the customer's account: proposed, and run only on consent.
ACTIONS: Final[frozenset[str]] = frozenset(tool.name for tool in _REGISTRY if tool.side_effect)

# Arguments the router must have before it calls the tool, in the order it asks:
# the tool's required ones, less the customer (bound by the chat) and the defaults.
REQUIRED: Final[dict[str, tuple[str, ...]]] = {
    tool.name: required
    for tool in _REGISTRY
    if (
        required := tuple(
            name
            for name, field in tool.arguments_model.model_fields.items()
            if field.is_required() and name != "user_id" and name not in DEFAULTS.get(tool.name, {})
        )
    )
}


def needs_customer(tool: str) -> bool:
    """Whether ``tool`` acts for a linked customer (and so is refused in unlinked chats)."""
    return tool not in GENERAL_TOOLS


def takes_user_id(tool: str) -> bool:
    """Whether ``tool`` has a ``user_id`` parameter."""
    return "user_id" in PARAMETERS.get(tool, ())
