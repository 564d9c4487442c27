"""What the tool tests share: the contract's tools, a settable clock, the helpers' types."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from agent.tools import ToolContext, ToolOutcome


@dataclass
class Clock:
    """A settable UTC clock for ``ToolContext.now``."""

    moment: datetime

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, **delta: float) -> None:
        self.moment += timedelta(**delta)


# context(customer_id, chat_id=None) -> ToolContext
ContextFactory = Callable[..., ToolContext]
# await call(customer_id, name, **arguments) -> ToolOutcome
CallTool = Callable[..., Awaitable[ToolOutcome]]
# await run_confirmed(customer_id, name, **arguments) -> result or error object
RunConfirmed = Callable[..., Awaitable[dict[str, Any]]]

# The contract's 19 tools and their parameters (../shared/reference/telekom-tools.md).
CONTRACT_PARAMETERS: dict[str, set[str]] = {
    "get_current_bill": {"user_id"},
    "get_past_bills": {"user_id", "limit"},
    "pay_bill": {"bill_id", "method"},
    "get_payment_history": {"user_id"},
    "setup_autopay": {"user_id", "status"},
    "get_customer_package": {"user_id"},
    "get_remaining_quotas": {"user_id"},
    "change_package": {"user_id", "new_package_name"},
    "get_available_packages": set(),
    "get_package_details": {"package_name"},
    "enable_roaming": {"user_id", "status"},
    "check_network_status": {"region"},
    "create_fault_ticket": {"user_id", "issue_description", "category", "priority"},
    "get_fault_ticket_status": {"ticket_id"},
    "test_internet_speed": {"user_id"},
    "get_customer_profile": {"user_id"},
    "update_customer_contact": {"user_id", "contact_type", "new_value"},
    "suspend_line": {"user_id", "reason"},
    "reactivate_line": {"user_id"},
}
