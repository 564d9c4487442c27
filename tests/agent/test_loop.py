"""The agent loop around a scripted model: tools, guard, confirmations, history, failures.

``ScriptedBackend`` stands in for the language model (no GPU here); the
parser, the customer guard, the 19 tools, the database and the history are
the real ones.
"""

from __future__ import annotations

import asyncio
import json

from sqlalchemy import select

from agent import texts
from agent.backends.base import GenerationRequest
from agent.events import (
    AgentEvent,
    ChatRequest,
    ConfirmationRequested,
    FinalAnswer,
    TextDelta,
    ToolFinished,
    ToolStarted,
)
from agent.runtime import AgentRuntime
from core.turkish import format_money
from db.models import Bill, ChatMessage, PackageChange
from tests.agent.scripted import ScriptedBackend

BILL_CALL = (
    "Bir saniye, kontrol ediyorum.<|begin_of_tool_code|>\n"
    "print(get_current_bill(user_id=1001))\n<|end_of_tool_code|>"
)


def _answer_from_bill(request: GenerationRequest) -> str:
    result = json.loads(request.turns[-1].content)
    return f"Güncel faturanız {format_money(result['amount'])}."


async def _turn(
    runtime: AgentRuntime, text: str, *, chat: str = "chat-1", customer: int | None = 1001
) -> list[AgentEvent]:
    request = ChatRequest(message=text, chat_id=chat, customer_id=customer)
    return [event async for event in runtime.chat(request)]


async def test_tool_call_then_answer_streams_events_in_order_and_stores_history(
    runtime: AgentRuntime,
) -> None:
    model = ScriptedBackend(BILL_CALL, _answer_from_bill)
    await runtime.backends.install(model)
    events = await _turn(runtime, "faturam ne kadar")

    kinds = [type(event).__name__ for event in events]
    assert kinds[0] == "TextDelta"
    assert kinds.index("ToolStarted") < kinds.index("ToolFinished") < kinds.index("FinalAnswer")
    assert kinds[-1] == "FinalAnswer"
    assert "".join(e.text for e in events if isinstance(e, TextDelta)).startswith("Bir saniye")
    finished = next(e for e in events if isinstance(e, ToolFinished))
    assert finished.status == "tamamlandi"

    async with runtime.database.sessions() as session:
        bill = (
            await session.scalars(
                select(Bill).where(Bill.customer_id == 1001).order_by(Bill.bill_date.desc())
            )
        ).first()
        rows = (
            await session.scalars(
                select(ChatMessage).where(ChatMessage.chat_id == "chat-1").order_by(ChatMessage.id)
            )
        ).all()
    final = events[-1]
    assert isinstance(final, FinalAnswer)
    assert bill is not None
    assert final.text == f"Güncel faturanız {format_money(bill.amount)}."
    assert final.tool_calls[0].arac_adi == "get_current_bill"
    # user, assistant text, tool call, tool result, answer: in training order.
    assert [r.role for r in rows] == ["user", "assistant", "assistant", "tool", "assistant"]
    assert rows[0].status == "answered"
    assert rows[2].tool_calls == [{"name": "get_current_bill", "arguments": {"user_id": 1001}}]
    assert json.loads(rows[3].content)["bill_id"] == bill.id
    # The second model step saw the tool result as the newest turn.
    assert model.requests[1].turns[-1].role == "tool"


async def test_another_customers_user_id_is_refused(runtime: AgentRuntime) -> None:
    call = "<|begin_of_tool_code|>print(get_current_bill(user_id=1002))<|end_of_tool_code|>"
    await runtime.backends.install(ScriptedBackend(call, "Bu bilgiye erişemiyorum."))
    events = await _turn(runtime, "1002 numaralı müşterinin faturası ne kadar")
    finished = next(e for e in events if isinstance(e, ToolFinished))
    assert finished.status == "hata"
    assert finished.result["error"]["code"] == "FORBIDDEN"
    assert "1002" not in json.dumps(finished.result.get("data", {}))


async def test_side_effect_is_proposed_then_confirmed_by_typed_yes(
    runtime: AgentRuntime,
) -> None:
    call = (
        "<|begin_of_tool_code|>\nprint(change_package(user_id=1001, "
        'new_package_name="Premium Paket"))\n<|end_of_tool_code|>'
    )
    await runtime.backends.install(ScriptedBackend(call))
    events = await _turn(runtime, "Premium pakete geçmek istiyorum")
    proposal = next(e for e in events if isinstance(e, ConfirmationRequested))
    assert "Premium Paket" in proposal.summary
    final = events[-1]
    assert isinstance(final, FinalAnswer)
    assert final.text.endswith("Onaylıyor musunuz?")
    async with runtime.database.sessions() as session:
        assert (await session.scalars(select(PackageChange))).all() == []

    events = await _turn(runtime, "evet")
    assert isinstance(events[-1], FinalAnswer)
    async with runtime.database.sessions() as session:
        changes = (await session.scalars(select(PackageChange))).all()
    assert [c.customer_id for c in changes] == [1001]

    again = await runtime.confirm(proposal.confirmation_id, customer_id=1001, chat_id="chat-1")
    assert again.status == "already_done"
    async with runtime.database.sessions() as session:
        assert len((await session.scalars(select(PackageChange))).all()) == 1


def _past_bills_call(limit: int) -> str:
    return (
        f"<|begin_of_tool_code|>\nprint(get_past_bills(user_id=1001, limit={limit}))\n"
        "<|end_of_tool_code|>"
    )


async def test_endless_tool_calls_stop_at_the_step_limit(runtime: AgentRuntime) -> None:
    steps = runtime.settings.agent.max_steps
    calls = [_past_bills_call(limit) for limit in range(1, steps + 1)]
    await runtime.backends.install(ScriptedBackend(*calls))
    events = await _turn(runtime, "faturam")
    assert sum(isinstance(e, ToolStarted) for e in events) == steps
    final = events[-1]
    assert isinstance(final, FinalAnswer)
    assert final.text == texts.TOO_MANY_STEPS


async def test_a_call_repeated_in_one_turn_runs_once_and_the_model_rereads_its_result(
    runtime: AgentRuntime,
) -> None:
    model = ScriptedBackend(BILL_CALL, BILL_CALL, _answer_from_bill)
    await runtime.backends.install(model)

    events = await _turn(runtime, "faturam ne kadar")

    assert sum(isinstance(e, ToolStarted) for e in events) == 1
    first_result = model.requests[1].turns[-1]
    repeated_result = model.requests[2].turns[-1]
    assert repeated_result.role == "tool"
    assert repeated_result.content == first_result.content
    final = events[-1]
    assert isinstance(final, FinalAnswer)
    assert final.text.startswith("Güncel faturanız")


async def test_a_model_that_keeps_repeating_a_call_gets_an_apology_not_the_step_limit(
    runtime: AgentRuntime,
) -> None:
    # The offline Qwen model called get_current_bill five times in one turn.
    steps = runtime.settings.agent.max_steps
    model = ScriptedBackend(*[BILL_CALL] * steps)
    await runtime.backends.install(model)

    events = await _turn(runtime, "faturam")

    assert sum(isinstance(e, ToolStarted) for e in events) == 1
    assert len(model.requests) == 3  # the call, one repeat answered from its result, a second
    final = events[-1]
    assert isinstance(final, FinalAnswer)
    assert final.text == texts.REPEATED_CALLS
    async with runtime.database.sessions() as session:
        rows = (
            await session.scalars(
                select(ChatMessage).where(ChatMessage.chat_id == "chat-1").order_by(ChatMessage.id)
            )
        ).all()
    # Every stored call has its result, and the turn ends with the apology.
    roles = [row.role for row in rows]
    assert roles.count("tool") == 3
    assert rows[-1].content == texts.REPEATED_CALLS


async def test_the_same_payment_proposed_twice_in_one_block_gives_one_card(
    runtime: AgentRuntime,
) -> None:
    twice = (
        "<|begin_of_tool_code|>\n"
        'print(pay_bill(method="credit_card"))\n'
        'print(pay_bill(method="credit_card"))\n'
        "<|end_of_tool_code|>"
    )
    await runtime.backends.install(ScriptedBackend(twice))

    events = await _turn(runtime, "faturamı kredi kartıyla öde")

    # The current unpaid bill of 1001 is proposed once: one card, one call.
    assert sum(isinstance(e, ConfirmationRequested) for e in events) == 1
    assert sum(isinstance(e, ToolStarted) for e in events) == 1


async def test_malformed_tool_call_goes_back_to_the_model_as_an_error(
    runtime: AgentRuntime,
) -> None:
    broken = "<|begin_of_tool_code|>print(get_current_bill(user_id=))<|end_of_tool_code|>"
    model = ScriptedBackend(broken, "Tekrar dener misiniz?")
    await runtime.backends.install(model)
    events = await _turn(runtime, "fatura")
    assert isinstance(events[-1], FinalAnswer)
    error = json.loads(model.requests[1].turns[-1].content)
    assert error["success"] is False


async def test_a_backend_that_raises_gets_an_apology_and_the_message_is_kept(
    runtime: AgentRuntime,
) -> None:
    await runtime.backends.install(ScriptedBackend())  # no output: raises
    events = await _turn(runtime, "merhaba")
    final = events[-1]
    assert isinstance(final, FinalAnswer)
    assert final.failed
    assert "Olay kodu" in final.text
    assert "Traceback" not in final.text
    async with runtime.database.sessions() as session:
        row = await session.scalar(select(ChatMessage).where(ChatMessage.role == "user"))
    assert row is not None
    assert (row.content, row.status) == ("merhaba", "failed")


async def test_a_hanging_backend_times_out(runtime: AgentRuntime) -> None:
    runtime.settings.agent.timeout_s = 0.3
    await runtime.backends.install(ScriptedBackend("x" * 1000, delay_s=0.05, chunk=1))
    events = await _turn(runtime, "merhaba")
    final = events[-1]
    assert isinstance(final, FinalAnswer)
    assert final.failed
    assert "uzun sürdü" in final.text


async def test_turns_of_one_chat_run_one_at_a_time_in_order(runtime: AgentRuntime) -> None:
    await runtime.backends.install(
        ScriptedBackend("birinci", "ikinci", "üçüncü", delay_s=0.01, chunk=2)
    )
    results = await asyncio.gather(*(_turn(runtime, f"mesaj {n}") for n in range(3)))
    finals = [r[-1].text if isinstance(r[-1], FinalAnswer) else r[-1] for r in results]
    assert finals == ["birinci", "ikinci", "üçüncü"]
    async with runtime.database.sessions() as session:
        rows = (await session.scalars(select(ChatMessage).order_by(ChatMessage.id))).all()
    assert [r.content for r in rows] == [
        "mesaj 0",
        "birinci",
        "mesaj 1",
        "ikinci",
        "mesaj 2",
        "üçüncü",
    ]


async def test_a_turn_that_fails_half_way_leaves_no_half_turn_in_the_history(
    runtime: AgentRuntime,
) -> None:
    """The model breaks after a tool call: the next turn must not see a call without its end."""
    model = ScriptedBackend(BILL_CALL)  # nothing scripted for the step after the tool result
    await runtime.backends.install(model)
    events = await _turn(runtime, "faturam ne kadar")

    final = events[-1]
    assert isinstance(final, FinalAnswer)
    assert final.failed
    async with runtime.database.sessions() as session:
        rows = (
            await session.scalars(
                select(ChatMessage).where(ChatMessage.chat_id == "chat-1").order_by(ChatMessage.id)
            )
        ).all()
    assert [(r.role, r.status) for r in rows] == [("user", "failed")]
