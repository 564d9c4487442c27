"""The executor and the customer guard: own data only, linked chats, never an exception."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from agent.tools import ToolContext, ToolOutcome, call_read_only, execute
from agent.tools.registry import Registry
from agent.turns import ToolCall
from db.engine import create_engine, session_factory
from tests.tools.harness import CallTool, ContextFactory


async def test_a_user_id_naming_another_customer_is_forbidden_and_logged(
    call: CallTool, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="agent.tools.guard"):
        outcome = await call(1001, "get_current_bill", user_id=1002)
    assert outcome.kind == "error"
    assert outcome.error_code == "FORBIDDEN"
    assert "kendi hesabınız" in outcome.data["error"]["message"]
    assert "1002" not in outcome.data["error"]["message"]
    assert any("get_current_bill" in record.getMessage() for record in caplog.records)


async def test_a_side_effect_for_another_customer_is_forbidden(call: CallTool) -> None:
    outcome = await call(1001, "suspend_line", user_id="1004", reason="askerlik")
    assert outcome.error_code == "FORBIDDEN"
    assert outcome.proposal is None


async def test_a_missing_or_textual_user_id_means_the_linked_customer(call: CallTool) -> None:
    missing = await call(1002, "get_customer_profile")
    as_text = await call(1002, "get_customer_profile", user_id="1002")
    assert missing.data["user_id"] == 1002
    assert as_text.data == missing.data
    nonsense = await call(1002, "get_customer_profile", user_id="ben")
    assert nonsense.error_code == "INVALID_USER"


async def test_customer_id_is_read_as_user_id_and_guarded_the_same_way(
    registry: Registry, context: ContextFactory
) -> None:
    # Small models write customer_id (the model-format reference saw
    # get_current_bill(customer_id=1001)); it means the same customer number.
    async def bill(**arguments: object) -> ToolOutcome:
        return await execute(registry, ToolCall("get_current_bill", arguments), context(1001))

    own = await bill(customer_id=1001)
    assert own.kind == "result"
    assert own.data["user_id"] == 1001
    assert (await bill(customer_id=1002)).error_code == "FORBIDDEN"
    assert (await bill(user_id=1001, customer_id="1002")).error_code == "FORBIDDEN"


async def test_an_unlinked_chat_is_asked_to_share_its_phone_number(call: CallTool) -> None:
    for name in ("get_current_bill", "get_fault_ticket_status", "pay_bill"):
        outcome = await call(None, name, ticket_id="T-1", method="credit_card")
        assert outcome.error_code == "LINK_REQUIRED", name
        assert "/start" in outcome.data["error"]["message"]
        assert "telefon numaranızı paylaşın" in outcome.data["error"]["message"]


async def test_in_a_group_the_customer_is_sent_to_the_private_chat(
    registry: Registry, context: ContextFactory
) -> None:
    group = context(None).in_chat(False)
    outcome = await execute(registry, ToolCall("get_current_bill", {}), group)
    assert outcome.error_code == "LINK_REQUIRED"
    assert "özelden yazın" in outcome.data["error"]["message"]
    assert "/start" not in outcome.data["error"]["message"]


async def test_general_tools_answer_an_unlinked_chat(call: CallTool) -> None:
    assert (await call(None, "get_available_packages")).kind == "result"
    assert (await call(None, "check_network_status", region="Ege")).kind == "result"


async def test_an_unknown_tool_is_a_structured_error(call: CallTool) -> None:
    outcome = await call(1001, "delete_all_bills")
    assert outcome.kind == "error"
    assert outcome.error_code == "UNKNOWN_TOOL"
    assert "delete_all_bills" in outcome.data["error"]["message"]


async def test_an_unknown_argument_is_an_error_not_ignored(call: CallTool) -> None:
    outcome = await call(1001, "get_current_bill", month="Ocak")
    assert outcome.error_code == "INVALID_ARGUMENT"
    assert outcome.data["error"]["details"] == {"argument": "month"}


async def test_a_broken_database_is_an_error_result_not_an_exception(
    registry: Registry, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # A real, empty SQLite file: every query fails with "no such table".
    engine = create_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    try:
        ctx = ToolContext(sessions=session_factory(engine), customer_id=1001)
        with caplog.at_level(logging.ERROR, logger="agent.tools.executor"):
            outcome = await execute(registry, ToolCall("get_current_bill", {}), ctx)
    finally:
        await engine.dispose()
    assert outcome.kind == "error"
    assert outcome.error_code == "INTERNAL_ERROR"
    assert "biraz sonra" in outcome.data["error"]["message"]
    assert any(record.exc_info for record in caplog.records)


async def test_direct_calls_run_read_only_tools_and_refuse_side_effects(
    registry: Registry, context: ContextFactory
) -> None:
    bill = await call_read_only(registry, "get_current_bill", {}, context(1001))
    assert bill["user_id"] == 1001
    refused = await call_read_only(registry, "pay_bill", {"method": "credit_card"}, context(1001))
    assert refused["error"]["code"] == "CONFIRMATION_REQUIRED"
    still_unpaid = await call_read_only(registry, "get_current_bill", {}, context(1001))
    assert still_unpaid["status"] == "unpaid"
