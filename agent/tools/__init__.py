"""The operator's 19 telecom tools, their registry, guard, executor and confirmations.

The agent loop calls :func:`execute`; the bot calls :func:`confirm`,
:func:`cancel` and :func:`latest_pending` for the customer's yes or no.
"""

from agent.tools.confirmations import (
    ConfirmationOutcome,
    Proposal,
    cancel,
    confirm,
    latest_pending,
    propose,
)
from agent.tools.context import ToolContext
from agent.tools.errors import ToolError
from agent.tools.executor import ToolOutcome, call_read_only, execute
from agent.tools.registry import Preview, Registry, Tool, tool
from agent.tools.telekom import TELEKOM_TOOLS, default_registry

__all__ = [
    "TELEKOM_TOOLS",
    "ConfirmationOutcome",
    "Preview",
    "Proposal",
    "Registry",
    "Tool",
    "ToolContext",
    "ToolError",
    "ToolOutcome",
    "call_read_only",
    "cancel",
    "confirm",
    "default_registry",
    "execute",
    "latest_pending",
    "propose",
    "tool",
]
