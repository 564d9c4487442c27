"""What the model reads after an action: its tool call and real result, in training form.

The real runtime (rules backend) on the seeded database; the history is read
back as the prompt builder reads it (``agent.history.load_turns``).
"""

from __future__ import annotations

import json

from agent.events import (
    AgentEvent,
    ChatRequest,
    ConfirmationRequested,
    FinalAnswer,
    ToolFinished,
    ToolStarted,
)
from agent.history import load_turns
from agent.protocol.render import render_tool_block
from agent.runtime import AgentRuntime
from agent.turns import ChatTurn
from db.database import Database
from db.retries import run_sync_in_transaction
from tests.consent.corpus import CUSTOMER


async def _turn(runtime: AgentRuntime, chat_id: str, text: str) -> list[AgentEvent]:
    request = ChatRequest(message=text, chat_id=chat_id, customer_id=CUSTOMER)
    return [event async for event in runtime.chat(request)]


async def _history(database: Database, chat_id: str) -> list[ChatTurn]:
    return await run_sync_in_transaction(
        database.sessions, lambda connection: load_turns(connection, chat_id), what="read"
    )


def _after_last_user(turns: list[ChatTurn]) -> list[ChatTurn]:
    last_user = max(index for index, turn in enumerate(turns) if turn.role == "user")
    return turns[last_user + 1 :]


async def test_a_typed_yes_leaves_the_tool_call_and_its_result_in_the_history(
    runtime: AgentRuntime, database: Database
) -> None:
    await _turn(runtime, "history-yes", "roamingi açın")

    events = await _turn(runtime, "history-yes", "evet")

    final = events[-1]
    assert isinstance(final, FinalAnswer)
    call_turn, tool_turn, answer = _after_last_user(await _history(database, "history-yes"))
    assert call_turn.is_tool_call
    (call,) = call_turn.tool_calls
    assert call.name == "enable_roaming"
    assert call.arguments == {"user_id": CUSTOMER, "status": True}
    assert call_turn.content == render_tool_block([call])
    result = json.loads(tool_turn.content)
    assert tool_turn.role == "tool"
    assert result["roaming_enabled"] is True
    assert answer == ChatTurn("assistant", final.text)


async def test_an_onayla_press_leaves_the_same_turns(
    runtime: AgentRuntime, database: Database
) -> None:
    events = await _turn(runtime, "history-press", "roamingi açın")
    (card,) = [event for event in events if isinstance(event, ConfirmationRequested)]

    outcome = await runtime.confirm(
        card.confirmation_id, customer_id=CUSTOMER, chat_id="history-press"
    )

    assert outcome.status == "done"
    turns = await _history(database, "history-press")
    call_turn, tool_turn, answer = turns[-3:]
    assert call_turn.tool_calls[0].name == "enable_roaming"
    assert json.loads(tool_turn.content)["roaming_enabled"] is True
    assert answer.content == outcome.message


async def test_a_typed_yes_reports_the_action_it_ran_as_this_turns_tool(
    runtime: AgentRuntime,
) -> None:
    await _turn(runtime, "events-yes", "roamingi açın")

    events = await _turn(runtime, "events-yes", "evet")

    started = [e for e in events if isinstance(e, ToolStarted)]
    finished = [e for e in events if isinstance(e, ToolFinished)]
    assert [(e.name, e.arguments) for e in started] == [
        ("enable_roaming", {"user_id": CUSTOMER, "status": True})
    ]
    assert finished[0].status == "tamamlandi"
    assert finished[0].result["roaming_enabled"] is True
    final = events[-1]
    assert isinstance(final, FinalAnswer)
    assert [record.arac_adi for record in final.tool_calls] == ["enable_roaming"]


async def test_an_amendment_reports_the_new_proposal_as_this_turns_tool(
    runtime: AgentRuntime,
) -> None:
    await _turn(runtime, "events-amend", "faturamı kredi kartıyla ödemek istiyorum")

    events = await _turn(runtime, "events-amend", "havale ile olsun")

    (started,) = [e for e in events if isinstance(e, ToolStarted)]
    assert started.name == "pay_bill"
    assert started.arguments["method"] == "bank_transfer"
    assert any(isinstance(e, ConfirmationRequested) for e in events)
