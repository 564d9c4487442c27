"""Start-up recovery: what a crash left ``accepted`` is answered or apologised for.

The crash itself is reproduced in ``test_sigkill_recovery.py`` with a real
SIGKILL. Here the database is put into each state a crash can leave (the
agent had not started, was half-way, had finished but the bot had not sent
the answer, had proposed an action) and the real bot is started against the
Telegram stand-in: before taking any update it must answer or apologise for
every such message, exactly once.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agent.events import ChatRequest
from agent.runtime import AgentRuntime
from bot import texts
from bot.handlers import chat as chat_handler
from bot.standin import StandinDriver, UserView
from db.chat_history import (
    ACCEPTED,
    ANSWERED,
    FAILED,
    NewTurn,
    add_turns,
    add_user_message,
)
from db.engine import run_on_connection, transaction
from db.models import ChatMessage, Payment
from db.processed_updates import claim_update
from db.retries import run_sync_in_transaction
from tests.bot.conftest import BotStarter

# process-kill faults: real processes started and killed (`make test-fast` leaves them out).
pytestmark = pytest.mark.slow

NETWORK_QUESTION = "Ege bölgesinde şebeke durumu nedir"


async def accept(
    runtime: AgentRuntime,
    chat_id: int | str,
    text: str,
    *,
    customer: int | None = None,
    update_id: int | None = None,
) -> int:
    """Claim the update and store the message, as the bot does before calling the agent."""

    def claim_and_store(connection: Connection) -> int:
        if update_id is not None:
            claim_update(connection, update_id)
        return add_user_message(
            connection, str(chat_id), text, customer_id=customer, update_id=update_id
        )

    return await run_sync_in_transaction(
        runtime.database.sessions, claim_and_store, what="accept message"
    )


async def customer_writes(
    runtime: AgentRuntime,
    driver: StandinDriver,
    user: UserView,
    text: str,
    *,
    customer: int | None = None,
) -> int:
    """``user`` sends ``text`` and the bot takes it, then dies (the update is already claimed)."""
    injected = driver.send_text(user, text)
    return await accept(runtime, user.id, text, customer=customer, update_id=injected.update_id)


async def agent_finishes(
    runtime: AgentRuntime, chat_id: int, message_id: int, text: str, customer: int | None = None
) -> None:
    """The agent's whole turn for a stored message; the bot then died before sending."""
    request = ChatRequest(
        message=text, chat_id=str(chat_id), customer_id=customer, message_id=message_id
    )
    async for _ in runtime.chat(request):
        pass


async def statuses(sessions: async_sessionmaker[AsyncSession]) -> dict[int, str | None]:
    async with sessions() as session:
        rows = await session.execute(
            select(ChatMessage.id, ChatMessage.status).where(ChatMessage.role == "user")
        )
        return {message_id: status for message_id, status in rows}


async def test_every_interrupted_message_is_answered_or_apologised_for_once(
    runtime: AgentRuntime,
    start_bot: BotStarter,
    driver: StandinDriver,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    finished_user = driver.create_user("Ahmet")
    unstarted_user = driver.create_user("Mehmet")
    halfway_user = driver.create_user("Zeynep")
    finished = await customer_writes(runtime, driver, finished_user, NETWORK_QUESTION)
    await agent_finishes(runtime, finished_user.id, finished, NETWORK_QUESTION)
    long_question = "Faturamdaki ek paket ücreti neden bu kadar yüksek, " * 4
    unstarted = await customer_writes(runtime, driver, unstarted_user, long_question)
    halfway = await customer_writes(
        runtime, driver, halfway_user, "kalan internetim", customer=1001
    )
    async with transaction(runtime.database.sessions) as session:
        # The model's tool call was stored; then the process died.
        call = {"name": "get_remaining_quotas", "arguments": {"user_id": 1001}}
        tool_call = NewTurn("assistant", "print(get_remaining_quotas(user_id=1001))", [call])
        await run_on_connection(
            session, add_turns, str(halfway_user.id), [tool_call], customer_id=1001
        )
    api_chat = await accept(runtime, "api-3f9c", "merhaba")

    async with start_bot() as bot:
        await bot.settle()
        recovered = {
            user.first_name: [m.text for m in driver.bot_messages(user)]
            for user in (finished_user, unstarted_user, halfway_user)
        }
    async with start_bot() as again:  # a second start finds nothing left to do
        await again.settle()

    (resent,) = recovered["Ahmet"]
    assert resent is not None
    assert resent.startswith(f"Bir kesinti nedeniyle geciken yanıtınız (“{NETWORK_QUESTION}”):")
    assert "Ege için şebeke durumu" in resent
    (apology,) = recovered["Mehmet"]
    assert apology is not None
    assert apology.startswith("Üzgünüm, sistemimizdeki bir kesinti nedeniyle “Faturamdaki ek")
    assert "…” mesajınızı yanıtlayamadım. Lütfen sorunuzu yeniden yazar mısınız?" in apology
    assert recovered["Zeynep"] == [texts.RECOVERY_APOLOGY.format(question="kalan internetim")]
    assert [m.text for m in driver.bot_messages(finished_user)] == [resent]
    assert await statuses(sessions) == {
        finished: ANSWERED,
        unstarted: FAILED,
        halfway: FAILED,
        api_chat: ACCEPTED,  # the HTTP API's callers own their messages
    }


async def test_a_proposal_interrupted_before_its_card_was_sent_can_still_be_confirmed(
    runtime: AgentRuntime,
    start_bot: BotStarter,
    driver: StandinDriver,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with start_bot() as bot:
        user = await bot.linked_customer(1001)
    question = "faturamı kredi kartıyla ödemek istiyorum"
    message_id = await customer_writes(runtime, driver, user, question, customer=1001)
    await agent_finishes(runtime, user.id, message_id, question, customer=1001)
    async with sessions() as session:
        payments_before = len(list(await session.scalars(select(Payment.id))))

    async with start_bot() as restarted:
        await restarted.settle()
        card = restarted.driver.bot_messages(user)[-1]
        assert (card.text or "").startswith("Onayınız gerekiyor")
        answer = await restarted.press(user, card, "Onayla")

    assert answer is not None
    assert answer.startswith("İşleminiz gerçekleştirildi.")
    async with sessions() as session:
        payments_after = len(list(await session.scalars(select(Payment.id))))
    assert payments_after == payments_before + 1
    assert (await statuses(sessions))[message_id] == ANSWERED


async def test_old_or_unreachable_chats_are_closed_without_a_message(
    runtime: AgentRuntime,
    start_bot: BotStarter,
    driver: StandinDriver,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    old_user = driver.create_user("Ali")
    old = await customer_writes(runtime, driver, old_user, "geçen haftaki sorum")
    async with transaction(runtime.database.sessions) as session:
        await session.execute(
            update(ChatMessage)
            .where(ChatMessage.id == old)
            .values(created_at=datetime.now(UTC) - timedelta(days=3))
        )
    # A chat Telegram no longer knows (the account was deleted).
    gone = await accept(runtime, 987_654_321, "bu sohbet artık yok", update_id=10**6)

    async with start_bot() as bot:
        await bot.settle()

    assert driver.bot_messages(old_user) == []
    assert await statuses(sessions) == {old: FAILED, gone: FAILED}


async def test_a_question_is_stored_with_its_claim_so_dying_right_after_loses_nothing(
    start_bot: BotStarter,
    driver: StandinDriver,
    sessions: async_sessionmaker[AsyncSession],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The gate claims the update and stores the question in one transaction.

    The chat handler failing at once stands in for the process dying between
    the update's claim and the agent's turn: the question must be waiting,
    ``accepted``, and be taken up at the next start (a question whose turn
    never began is apologised for, quoting it, so the customer can ask again).
    """
    user = driver.create_user("Ayşe")

    async def dies(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("the process died after accepting the update")

    monkeypatch.setattr(chat_handler, "answer_customer", dies)
    async with start_bot() as bot:
        (incident,) = await bot.say(user, NETWORK_QUESTION)
    assert "olay numarası" in (incident.text or "")
    (waiting,) = (await statuses(sessions)).items()
    assert waiting[1] == ACCEPTED

    monkeypatch.undo()
    async with start_bot() as bot:
        await bot.settle()
    assert driver.bot_messages(user)[-1].text == texts.RECOVERY_APOLOGY.format(
        question=NETWORK_QUESTION
    )
    assert await statuses(sessions) == {waiting[0]: FAILED}
