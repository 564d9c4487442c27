"""What a chat's conversation is about now: the entities follow-ups resolve against.

Customers hold conversations: after a bill, "peki bir önceki ay?"; after a
region's network status, "ya Bursa?"; after the package list, "ikincisine
geçeyim"; after a ticket was opened, "kaydım ne durumda". Each of these
refers to something an earlier answer established. :class:`DialogueState`
keeps those entities per chat:

- ``topic``: the tool behind the newest answer that used one;
- ``bills``: every bill seen in the chat (id, month, amount, status) and
  ``bill_id``, the one the conversation is about;
- ``packages``: package names in the order the newest list showed them, and
  ``package``, the one the conversation is about;
- ``region``: the region or city last asked about;
- ``ticket_id``: the customer's newest ticket in the chat;
- ``last_action``: the side-effecting tool that last ran, and its arguments;
- ``customer_city`` and ``customer_ticket_id``: the customer's own city and
  newest fault ticket, read from the operator's database for each turn
  (``agent.history.load_state``) and never stored with the chat.

The state is derived, turn by turn, from what the runtime already stores:
the tool calls, their real results, and the final answer's own words (a
package list is remembered in the order the answer showed it; a single bill
id named in the answer becomes the bill in focus). It does not depend on the
backend: the runtime advances it when it stores a turn (``agent.history``),
in the same transaction, so it survives a restart and always matches the
history. The rules backend reads it to resolve references; model backends
see the same conversation as history, in the training format, unchanged.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from agent.tools.telekom import default_registry
from agent.turns import ChatTurn, ToolCall
from core.turkish import fold

log = logging.getLogger(__name__)

# Bills remembered per chat (a year of history is 12; a few more for safety).
MAX_BILLS = 24

_BILL_ID = re.compile(r"\bF-\d{4}-\d{6}\b")
_TICKET_ID = re.compile(r"\bT-\d{4}-\d{6}\b")


class BillFact(BaseModel):
    """One bill as a tool result showed it."""

    model_config = ConfigDict(frozen=True)

    id: str
    month: str | None = None  # "2026-10", from the bill date
    amount: float | None = None
    status: str | None = None


class DialogueState(BaseModel):
    """The entities of a chat's recent answers (see the module docstring)."""

    model_config = ConfigDict(frozen=True)

    topic: str | None = None
    bills: dict[str, BillFact] = Field(default_factory=dict)
    bill_id: str | None = None
    packages: tuple[str, ...] = ()
    package: str | None = None
    region: str | None = None
    ticket_id: str | None = None
    last_action: str | None = None
    last_action_arguments: dict[str, Any] = Field(default_factory=dict)
    customer_city: str | None = Field(default=None, exclude=True)
    customer_ticket_id: str | None = Field(default=None, exclude=True)

    @property
    def bill(self) -> BillFact | None:
        """The bill the conversation is about, if any."""
        return self.bills.get(self.bill_id) if self.bill_id else None

    def to_json(self) -> dict[str, Any]:
        """The object stored with the chat."""
        return self.model_dump(mode="json", exclude_defaults=True)

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> DialogueState:
        """The stored object read back; an unreadable one starts afresh (logged)."""
        if not data:
            return cls()
        try:
            return cls.model_validate(data)
        except ValidationError as error:
            log.warning("stored dialogue state unreadable, starting afresh: %s", error)
            return cls()


def advance(state: DialogueState, turns: Sequence[ChatTurn]) -> DialogueState:
    """The state after the turn's assistant and tool ``turns`` (in stored order)."""
    updates: dict[str, Any] = {}
    bills = dict(state.bills)
    calls: list[ToolCall] = []
    for call, result in _calls_with_results(turns):
        calls.append(call)
        _learn(call, result, updates, bills)
    if len(bills) > MAX_BILLS:
        newest = sorted(bills.values(), key=lambda bill: bill.month or "", reverse=True)
        bills = {bill.id: bill for bill in newest[:MAX_BILLS]}
    answer = _final_answer(turns)
    if answer:
        _learn_from_answer(answer, updates, bills, state.packages)
    if calls:
        updates.setdefault("topic", calls[-1].name)
    updates["bills"] = bills
    return state.model_copy(update=updates)


def _calls_with_results(turns: Sequence[ChatTurn]) -> Iterable[tuple[ToolCall, dict[str, Any]]]:
    """Each tool call of ``turns`` with the result the next tool turns hold, in order."""
    for index, turn in enumerate(turns):
        if not turn.is_tool_call:
            continue
        results = []
        for later in turns[index + 1 :]:
            if later.role != "tool":
                break
            results.append(_json_object(later.content))
        yield from zip(turn.tool_calls, results, strict=False)


def _json_object(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _learn(
    call: ToolCall, result: dict[str, Any], updates: dict[str, Any], bills: dict[str, BillFact]
) -> None:
    """Record what one successful tool result establishes."""
    if result.get("success") is False or "error" in result:
        return
    name = call.name
    if name == "get_current_bill" and result.get("bill_id"):
        bill = _bill_fact(result)
        bills[bill.id] = bill
        updates["bill_id"] = bill.id
    elif name == "get_past_bills":
        for row in result.get("bills") or []:
            if isinstance(row, dict) and row.get("bill_id"):
                bill = _bill_fact(row)
                bills[bill.id] = bill
    elif name == "pay_bill" and result.get("bill_id"):
        paid = bills.get(str(result["bill_id"]))
        if paid is not None:
            bills[paid.id] = paid.model_copy(update={"status": "paid"})
        updates["bill_id"] = str(result["bill_id"])
    elif name == "get_available_packages":
        names = [row.get("name") for row in result.get("packages") or [] if isinstance(row, dict)]
        updates["packages"] = tuple(str(n) for n in names if n)
    elif name == "get_package_details" and result.get("name"):
        updates["package"] = str(result["name"])
    elif name == "get_customer_package" and result.get("package_name"):
        updates["package"] = str(result["package_name"])
    elif name == "change_package" and result.get("to_package"):
        updates["package"] = str(result["to_package"])
    elif name == "check_network_status" and result.get("region"):
        updates["region"] = str(call.arguments.get("region") or result["region"])
    elif name in ("create_fault_ticket", "get_fault_ticket_status") and result.get("ticket_id"):
        updates["ticket_id"] = str(result["ticket_id"])
    if _is_action(name) and not _is_proposal(result):
        updates["last_action"] = name
        updates["last_action_arguments"] = {
            key: value for key, value in call.arguments.items() if key != "user_id"
        }


def _is_action(name: str) -> bool:
    """Whether the tool ``name`` changes the customer's account (it runs only on consent)."""
    found = default_registry().get(name)
    return found is not None and found.side_effect


def _is_proposal(result: dict[str, Any]) -> bool:
    """Whether ``result`` only proposes the action (it waits for the customer's consent)."""
    return bool(result.get("confirmation_required") or result.get("confirmation_id"))


def _bill_fact(row: dict[str, Any]) -> BillFact:
    bill_date = str(row.get("bill_date") or "")
    amount = row.get("amount")
    return BillFact(
        id=str(row["bill_id"]),
        month=bill_date[:7] if re.match(r"\d{4}-\d{2}", bill_date) else None,
        amount=float(amount) if isinstance(amount, int | float) else None,
        status=str(row["status"]) if row.get("status") else None,
    )


def _final_answer(turns: Sequence[ChatTurn]) -> str:
    """The turn's closing assistant text (not a tool-call block)."""
    for turn in reversed(turns):
        if turn.role == "assistant" and not turn.tool_calls:
            return turn.content
    return ""


def _learn_from_answer(
    answer: str, updates: dict[str, Any], bills: dict[str, BillFact], known_packages: Sequence[str]
) -> None:
    """What the answer's own words put in focus: the one bill, ticket or package it names."""
    bill_ids = list(dict.fromkeys(_BILL_ID.findall(answer)))
    if len(bill_ids) == 1 and bill_ids[0] in bills:
        updates["bill_id"] = bill_ids[0]
    ticket_ids = list(dict.fromkeys(_TICKET_ID.findall(answer)))
    if len(ticket_ids) == 1:
        updates["ticket_id"] = ticket_ids[0]
    listed = updates.get("packages")
    if listed:
        shown = _names_in_order(answer, listed)
        if len(shown) >= 2:
            updates["packages"] = tuple(shown)
            # A list puts no one package in focus: "ona geçeyim" must say which.
            updates["package"] = None
        elif len(shown) == 1:
            # "En uygun paketimiz Öğrenci Dostu Tarife": the list answered with one package.
            updates["packages"] = known_packages or listed
            updates["package"] = shown[0]
    elif "package" not in updates:
        # "En ucuzu Öğrenci Dostu Tarife": one package of the list named alone.
        named = _names_in_order(answer, known_packages)
        if len(named) == 1:
            updates["package"] = named[0]


def _names_in_order(text: str, names: Sequence[str]) -> list[str]:
    """``names`` that occur in ``text``, in the order the text shows them."""
    folded = fold(text)
    found = [(folded.find(fold(name)), name) for name in names]
    return [name for position, name in sorted(found) if position >= 0]
