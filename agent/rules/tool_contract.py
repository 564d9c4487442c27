"""What the rules engine needs to know about the 19 tools' contract.

Parameter names and which tools act for the linked customer, as in
``shared/reference/telekom-tools.md``. The tool layer owns validation; this is
only what the router needs to build a call and to decide whether an unlinked
chat may make it.
"""

from __future__ import annotations

from typing import Final

PARAMETERS: Final[dict[str, tuple[str, ...]]] = {
    "get_current_bill": ("user_id",),
    "get_past_bills": ("user_id", "limit"),
    "pay_bill": ("bill_id", "method"),
    "get_payment_history": ("user_id",),
    "setup_autopay": ("user_id", "status"),
    "get_customer_package": ("user_id",),
    "get_remaining_quotas": ("user_id",),
    "change_package": ("user_id", "new_package_name"),
    "get_available_packages": (),
    "get_package_details": ("package_name",),
    "enable_roaming": ("user_id", "status"),
    "check_network_status": ("region",),
    "create_fault_ticket": ("user_id", "issue_description", "category", "priority"),
    "get_fault_ticket_status": ("ticket_id",),
    "test_internet_speed": ("user_id",),
    "get_customer_profile": ("user_id",),
    "update_customer_contact": ("user_id", "contact_type", "new_value"),
    "suspend_line": ("user_id", "reason"),
    "reactivate_line": ("user_id",),
}

# Tools an unlinked chat may use: they read only the operator's public data.
GENERAL_TOOLS: Final[frozenset[str]] = frozenset(
    {"get_available_packages", "get_package_details", "check_network_status"}
)

# Tools that change the customer's account: proposed, and run only on consent.
ACTIONS: Final[frozenset[str]] = frozenset(
    {
        "pay_bill",
        "setup_autopay",
        "change_package",
        "enable_roaming",
        "create_fault_ticket",
        "update_customer_contact",
        "suspend_line",
        "reactivate_line",
    }
)

# Arguments the router must have before it calls the tool, in the order it asks.
REQUIRED: Final[dict[str, tuple[str, ...]]] = {
    "change_package": ("new_package_name",),
    "get_package_details": ("package_name",),
    "check_network_status": ("region",),
    "create_fault_ticket": ("issue_description",),
    "get_fault_ticket_status": ("ticket_id",),
    "update_customer_contact": ("contact_type", "new_value"),
    "suspend_line": ("reason",),
    "setup_autopay": ("status",),
    "enable_roaming": ("status",),
}

# Defaults the router writes explicitly so the call shows what will happen.
DEFAULTS: Final[dict[str, dict[str, object]]] = {
    "get_past_bills": {"limit": 12},
    "pay_bill": {"method": "credit_card"},
}


def needs_customer(tool: str) -> bool:
    """Whether ``tool`` acts for a linked customer (and so is refused in unlinked chats)."""
    return tool not in GENERAL_TOOLS


def takes_user_id(tool: str) -> bool:
    """Whether ``tool`` has a ``user_id`` parameter."""
    return "user_id" in PARAMETERS.get(tool, ())
