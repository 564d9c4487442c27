"""The dialogue state follows what the answers showed: the bill, list and ticket in focus."""

from __future__ import annotations

from typing import Any

from agent.dialogue_state import DialogueState, advance
from agent.protocol.render import render_tool_block, render_tool_result
from agent.turns import ChatTurn, ToolCall


def _turn(call: ToolCall, result: dict[str, Any], answer: str) -> list[ChatTurn]:
    return [
        ChatTurn("assistant", render_tool_block([call]), (call,)),
        ChatTurn("tool", render_tool_result(result)),
        ChatTurn("assistant", answer),
    ]


PAST_BILLS = {
    "bills": [
        {"bill_id": "F-2026-000412", "amount": 64.87, "bill_date": "2026-11-27", "status": "paid"},
        {
            "bill_id": "F-2026-000411",
            "amount": 64.87,
            "bill_date": "2026-10-27",
            "status": "overdue",
        },
    ],
    "total_count": 2,
}


def test_the_one_bill_an_answer_names_becomes_the_bill_in_focus() -> None:
    call = ToolCall("get_past_bills", {"user_id": 1004, "limit": 12})

    state = advance(
        DialogueState(), _turn(call, PAST_BILLS, "Ekim faturanız F-2026-000411: gecikmiş")
    )

    assert state.topic == "get_past_bills"
    assert state.bill is not None
    assert (state.bill.id, state.bill.month, state.bill.status) == (
        "F-2026-000411",
        "2026-10",
        "overdue",
    )


def test_a_list_of_bills_remembers_them_all_without_choosing_one() -> None:
    call = ToolCall("get_past_bills", {"user_id": 1004, "limit": 12})

    state = advance(DialogueState(), _turn(call, PAST_BILLS, "F-2026-000412 ve F-2026-000411"))

    assert state.bill_id is None
    assert set(state.bills) == {"F-2026-000412", "F-2026-000411"}


def test_packages_are_remembered_in_the_order_the_answer_showed_them() -> None:
    call = ToolCall("get_available_packages", {})
    result = {"packages": [{"name": "Mega İnternet"}, {"name": "Süper Konuşma"}]}

    state = advance(DialogueState(), _turn(call, result, "• Süper Konuşma: …\n• Mega İnternet: …"))

    assert state.packages == ("Süper Konuşma", "Mega İnternet")


def test_a_proposal_is_not_an_action_run_and_an_error_establishes_nothing() -> None:
    proposal = {"confirmation_required": True, "confirmation_id": "c1", "action": "pay_bill"}
    error = {"success": False, "error": {"code": "INVALID_REGION", "message": "…"}}
    state = advance(
        DialogueState(), _turn(ToolCall("pay_bill", {"method": "credit_card"}), proposal, "?")
    )
    state = advance(state, _turn(ToolCall("check_network_status", {"region": "Mars"}), error, "…"))

    assert state.last_action is None
    assert state.region is None


def test_the_stored_form_reads_back_and_an_unreadable_one_starts_afresh() -> None:
    call = ToolCall("check_network_status", {"region": "Bursa"})
    state = advance(DialogueState(), _turn(call, {"region": "Marmara", "status": "normal"}, "…"))

    assert DialogueState.from_json(state.to_json()) == state
    assert state.region == "Bursa"
    assert DialogueState.from_json({"packages": 5}) == DialogueState()


def test_a_list_answered_with_one_package_puts_that_package_in_focus() -> None:
    call = ToolCall("get_available_packages", {})
    result = {"packages": [{"name": "Mega İnternet"}, {"name": "Öğrenci Dostu Tarife"}]}

    state = advance(
        DialogueState(), _turn(call, result, "En uygun paketimiz Öğrenci Dostu Tarife: 49,90 TL")
    )

    assert state.package == "Öğrenci Dostu Tarife"
    assert state.packages == ("Mega İnternet", "Öğrenci Dostu Tarife")
