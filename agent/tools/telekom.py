"""The 19 tools of the operator's contract, in the contract's order."""

from __future__ import annotations

from functools import cache

from agent.tools import account, billing, network, packages, support
from agent.tools.registry import Registry, Tool

TELEKOM_TOOLS: tuple[Tool, ...] = (
    billing.get_current_bill,
    billing.get_past_bills,
    billing.pay_bill,
    billing.get_payment_history,
    billing.setup_autopay,
    packages.get_customer_package,
    packages.get_remaining_quotas,
    packages.change_package,
    packages.get_available_packages,
    packages.get_package_details,
    account.enable_roaming,
    network.check_network_status,
    support.create_fault_ticket,
    support.get_fault_ticket_status,
    network.test_internet_speed,
    account.get_customer_profile,
    account.update_customer_contact,
    account.suspend_line,
    account.reactivate_line,
)


@cache
def default_registry() -> Registry:
    """The registry of the 19 telecom tools (built once; it is immutable)."""
    return Registry.of(*TELEKOM_TOOLS)
