"""What became of proposed actions, as the bot's cards ask (agent.confirmation_states)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agent.confirmation_states import confirmation_states
from agent.tools import cancel, confirm
from db.models import PendingConfirmation
from tests.tools.harness import CallTool, Clock, ContextFactory


async def test_settled_actions_come_back_with_their_outcome_and_waiting_ones_do_not(
    call: CallTool,
    context: ContextFactory,
    clock: Clock,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    paid = (await call(1001, "pay_bill", method="credit_card")).proposal
    dropped = (await call(1001, "enable_roaming", status=True)).proposal
    waiting = (await call(1002, "enable_roaming", status=True)).proposal
    assert paid is not None
    assert dropped is not None
    assert waiting is not None
    done = await confirm(paid.id, context(1001))
    await cancel(dropped.id, context(1001))

    # The bot asks without a customer: it asks only about its own cards.
    states = await confirmation_states(context(None), [paid.id, dropped.id, waiting.id, "nope"])

    assert set(states) == {paid.id, dropped.id, "nope"}
    assert done.result is not None
    assert states[paid.id].status == "done"
    # The same words the customer read when the action ran.
    assert states[paid.id].message == done.message
    assert f"İşlem numarası: {done.result['transaction_id']}" in done.message
    assert states[paid.id].confirmation_id == paid.id
    assert states[dropped.id].status == "cancelled"
    assert states[dropped.id].message == "İşlem iptal edildi; hesabınızda bir değişiklik yapılmadı."
    assert states["nope"].status == "not_found"
    assert states["nope"].confirmation_id is None


async def test_a_waiting_action_past_its_time_is_expired_when_asked(
    call: CallTool,
    context: ContextFactory,
    clock: Clock,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    proposal = (await call(1001, "pay_bill", method="credit_card")).proposal
    assert proposal is not None
    clock.advance(seconds=601)  # the default confirmation_ttl_s is 600

    states = await confirmation_states(context(None), [proposal.id])

    assert states[proposal.id].status == "expired"
    assert "onay süresi doldu" in states[proposal.id].message
    async with sessions() as session:
        row = await session.get(PendingConfirmation, proposal.id)
    assert row is not None
    assert row.status == "expired"
    assert row.resolved_at == clock.moment
