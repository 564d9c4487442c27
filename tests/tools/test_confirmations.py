"""Confirmations: nothing happens before yes, an action runs once, cancel and expiry are final."""

from __future__ import annotations

import asyncio
import re

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agent.tools import Proposal, ToolOutcome, cancel, confirm, latest_pending, propose
from agent.tools.registry import Registry
from agent.turns import ToolCall
from db.models import Bill, Payment, PendingConfirmation
from tests.tools.harness import CallTool, Clock, ContextFactory


async def _count_payments(sessions: async_sessionmaker[AsyncSession], bill_id: str) -> int:
    async with sessions() as session:
        count = await session.scalar(
            select(func.count()).select_from(Payment).where(Payment.bill_id == bill_id)
        )
    return count or 0


async def _bill_paid(sessions: async_sessionmaker[AsyncSession], bill_id: str) -> bool:
    async with sessions() as session:
        bill = await session.get(Bill, bill_id)
    assert bill is not None
    return bill.paid_at is not None


def _proposal(outcome: ToolOutcome) -> Proposal:
    assert outcome.kind == "proposal", outcome.data
    assert outcome.proposal is not None
    return outcome.proposal


async def _current_bill_id(call: CallTool) -> str:
    bill_id: str = (await call(1001, "get_current_bill")).data["bill_id"]
    return bill_id


async def test_a_proposal_changes_nothing_until_confirmed(
    call: CallTool, context: ContextFactory, sessions: async_sessionmaker[AsyncSession]
) -> None:
    bill_id = await _current_bill_id(call)
    proposal = _proposal(await call(1001, "pay_bill", method="credit_card"))
    assert not await _bill_paid(sessions, bill_id)
    assert re.fullmatch(r"[A-Za-z0-9_-]{1,20}", proposal.id)
    assert proposal.arguments == {"bill_id": bill_id, "method": "credit_card"}

    outcome = await confirm(proposal.id, context(1001))

    assert outcome.status == "done"
    assert outcome.succeeded
    assert outcome.result is not None
    transaction_id = outcome.result["transaction_id"]
    assert outcome.message.startswith("İşleminiz gerçekleştirildi.")
    # The customer reads what was paid, how, and the reference to quote later.
    for fact in (bill_id, "kredi kartı", f"İşlem numarası: {transaction_id}"):
        assert fact in outcome.message
    assert await _bill_paid(sessions, bill_id)


async def test_a_second_confirmation_returns_the_first_result(
    call: CallTool, context: ContextFactory, sessions: async_sessionmaker[AsyncSession]
) -> None:
    bill_id = await _current_bill_id(call)
    proposal = _proposal(await call(1001, "pay_bill", method="credit_card"))
    first = await confirm(proposal.id, context(1001))
    second = await confirm(proposal.id, context(1001))
    assert second.status == "already_done"
    assert second.result == first.result
    assert "tekrar yapılmadı" in second.message
    assert await _count_payments(sessions, bill_id) == 1


async def test_concurrent_confirmations_run_the_action_once(
    call: CallTool, context: ContextFactory, sessions: async_sessionmaker[AsyncSession]
) -> None:
    bill_id = await _current_bill_id(call)
    proposal = _proposal(await call(1001, "pay_bill", method="credit_card"))

    outcomes = await asyncio.gather(
        *(confirm(proposal.id, context(1001, f"chat-{n}")) for n in range(4))
    )

    statuses = sorted(outcome.status for outcome in outcomes)
    assert statuses == ["already_done", "already_done", "already_done", "done"]
    assert len({outcome.result["transaction_id"] for outcome in outcomes if outcome.result}) == 1
    assert await _count_payments(sessions, bill_id) == 1


async def test_a_cancelled_action_can_never_run(
    call: CallTool, context: ContextFactory, sessions: async_sessionmaker[AsyncSession]
) -> None:
    bill_id = await _current_bill_id(call)
    proposal = _proposal(await call(1001, "pay_bill", method="credit_card"))
    cancelled = await cancel(proposal.id, context(1001))
    assert cancelled.status == "cancelled"
    assert "iptal edildi" in cancelled.message

    late = await confirm(proposal.id, context(1001))

    assert late.status == "cancelled"
    assert "iptal edilmişti" in late.message
    assert not await _bill_paid(sessions, bill_id)
    assert (await cancel(proposal.id, context(1001))).message == "Bu işlem zaten iptal edilmişti."


async def test_a_done_action_cannot_be_cancelled(
    call: CallTool, context: ContextFactory, sessions: async_sessionmaker[AsyncSession]
) -> None:
    bill_id = await _current_bill_id(call)
    proposal = _proposal(await call(1001, "pay_bill", method="credit_card"))
    await confirm(proposal.id, context(1001))
    outcome = await cancel(proposal.id, context(1001))
    assert outcome.status == "already_done"
    assert "iptal edilemez" in outcome.message
    assert await _bill_paid(sessions, bill_id)


async def test_an_expired_action_can_never_run(
    call: CallTool,
    context: ContextFactory,
    clock: Clock,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    bill_id = await _current_bill_id(call)
    proposal = _proposal(await call(1001, "pay_bill", method="credit_card"))
    clock.advance(seconds=601)  # the default confirmation_ttl_s is 600

    outcome = await confirm(proposal.id, context(1001))

    assert outcome.status == "expired"
    assert "süresi doldu" in outcome.message
    assert not await _bill_paid(sessions, bill_id)
    async with sessions() as session:
        row = await session.get(PendingConfirmation, proposal.id)
    assert row is not None
    assert row.status == "expired"
    clock.advance(seconds=-601)  # even back within the lifetime, expiry stays final
    assert (await confirm(proposal.id, context(1001))).status == "expired"


async def test_only_the_proposing_customer_can_confirm_or_cancel(
    call: CallTool, context: ContextFactory, sessions: async_sessionmaker[AsyncSession]
) -> None:
    bill_id = await _current_bill_id(call)
    proposal = _proposal(await call(1001, "pay_bill", method="credit_card"))

    stranger = await confirm(proposal.id, context(1002))
    unlinked = await confirm(proposal.id, context(None))
    stranger_cancel = await cancel(proposal.id, context(1002))

    assert stranger.status == unlinked.status == stranger_cancel.status == "not_found"
    assert not await _bill_paid(sessions, bill_id)
    assert (await confirm(proposal.id, context(1001))).succeeded


async def test_an_unknown_confirmation_is_not_found(context: ContextFactory) -> None:
    assert (await confirm("nope", context(1001))).status == "not_found"
    assert (await confirm("x" * 500, context(1001))).status == "not_found"
    assert (await cancel("", context(1001))).status == "not_found"


async def test_an_impossible_action_is_refused_without_a_proposal(
    call: CallTool, sessions: async_sessionmaker[AsyncSession]
) -> None:
    outcome = await call(1003, "suspend_line", reason="tatil")
    assert outcome.error_code == "LINE_ALREADY_SUSPENDED"
    async with sessions() as session:
        pending = await session.scalar(select(func.count()).select_from(PendingConfirmation))
    assert pending == 0


async def test_the_latest_pending_action_of_the_chat_is_found(
    call: CallTool, context: ContextFactory, registry: Registry, clock: Clock
) -> None:
    assert await latest_pending(context(1001)) is None
    first = await propose(ToolCall("enable_roaming", {"status": True}), context(1001), registry)
    clock.advance(seconds=5)
    second = _proposal(await call(1001, "pay_bill", method="credit_card"))
    assert first.id != second.id

    found = await latest_pending(context(1001))

    assert found is not None
    assert found.id == second.id
    assert await latest_pending(context(1001, "another-chat")) is None
    await cancel(second.id, context(1001))
    still = await latest_pending(context(1001))
    assert still is not None
    assert still.id == first.id
