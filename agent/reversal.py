"""Taking back an action that has just run: the reverse call, or why there is none.

"onu iptal et", "geri al", "yanlış oldu" right after an action ran are
answered with the reverse action as a new card where one exists (roaming
off, autopay off, the line reactivated, the previous package, the previous
contact value); it runs only on the customer's consent, like any action.
Where none exists (a payment, a fault ticket) the customer is told so
plainly, with the way to reach the operator.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from agent import texts
from agent.turns import ToolCall


@dataclass(frozen=True)
class Reversal:
    """The call that undoes an action, or the Turkish reason none can be offered."""

    call: ToolCall | None
    explanation: str = ""


def reverse_of(
    tool_name: str, arguments: dict[str, Any], result: dict[str, Any], *, call_centre: str
) -> Reversal:
    """How to undo ``tool_name`` that ran with ``arguments`` and returned ``result``."""
    user = {"user_id": arguments["user_id"]} if "user_id" in arguments else {}
    if tool_name in ("enable_roaming", "setup_autopay"):
        return Reversal(ToolCall(tool_name, {**user, "status": not arguments.get("status")}))
    if tool_name == "suspend_line":
        return Reversal(ToolCall("reactivate_line", user))
    if tool_name == "change_package" and result.get("from_package"):
        return Reversal(
            ToolCall("change_package", {**user, "new_package_name": result["from_package"]})
        )
    if tool_name == "update_customer_contact" and result.get("old_value"):
        values = {"contact_type": arguments["contact_type"], "new_value": result["old_value"]}
        return Reversal(ToolCall(tool_name, {**user, **values}))
    if tool_name == "pay_bill":
        return Reversal(
            None,
            texts.PAYMENT_IRREVERSIBLE.format(
                reference=result.get("transaction_id", ""), call_centre=call_centre
            ),
        )
    if tool_name == "create_fault_ticket":
        return Reversal(
            None,
            texts.TICKET_IRREVERSIBLE.format(
                reference=result.get("ticket_id", ""), call_centre=call_centre
            ),
        )
    return Reversal(None, texts.NO_REVERSE_ACTION.format(call_centre=call_centre))
