"""The message store: a customer message stored once, marked once, taken over after a crash."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.chat_history import NewTurn, add_turns
from db.message_store import ACCEPTED, ANSWERED, FAILED, MessageStore, NewMessage
from db.models import ChatMessage
from db.retries import run_sync_in_transaction
from db.turn_leases import Lease


async def _status(sessions: async_sessionmaker[AsyncSession], message_id: int) -> str | None:
    async with sessions() as session:
        return await session.scalar(select(ChatMessage.status).where(ChatMessage.id == message_id))


async def test_a_message_is_marked_once(sessions: async_sessionmaker[AsyncSession]) -> None:
    store = MessageStore(sessions)
    message_id = await store.add(NewMessage("chat-1", "merhaba", customer_id=None))
    assert await _status(sessions, message_id) == ACCEPTED

    assert await store.mark(message_id, ANSWERED) is True
    # A turn cancelled after its answer went out marks it again: nothing changes.
    assert await store.mark(message_id, FAILED) is False
    assert await _status(sessions, message_id) == ANSWERED


async def test_lapsed_messages_are_taken_over_with_what_the_agent_stored(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    store = MessageStore(sessions)
    gone = Lease("gone", datetime.now(UTC) - timedelta(seconds=1))
    answered_turn = await store.add(
        NewMessage("700", "faturam ne kadar?", customer_id=1001, update_id=1, lease=gone)
    )
    await run_sync_in_transaction(
        sessions,
        lambda connection: add_turns(
            connection, "700", [NewTurn("assistant", "Faturanız 250 TL.")], customer_id=1001
        ),
        what="store the answer",
    )
    later = await store.add(NewMessage("700", "peki geçen ay?", customer_id=1001, update_id=2))
    await store.mark(later, ANSWERED)
    interrupted = await store.add(
        NewMessage("701", "paketim?", customer_id=None, update_id=3, lease=gone)
    )
    live = Lease("alive", datetime.now(UTC) + timedelta(minutes=1))
    await store.add(NewMessage("702", "merhaba", customer_id=None, update_id=4, lease=live))
    # The HTTP API's messages carry no update: the bot never takes them over.
    await store.add(NewMessage("api-1", "merhaba", customer_id=None))

    taken = await store.take_over_lapsed(Lease("me", datetime.now(UTC) + timedelta(minutes=1)))

    assert [message.message_id for message in taken] == [answered_turn, interrupted]
    first, second = taken
    assert (first.answer, first.chat_id, first.update_id) == ("Faturanız 250 TL.", "700", 1)
    assert first.next_question_at is not None
    assert first.next_question_at >= first.received_at
    assert (second.answer, second.next_question_at) == (None, None)
    # Claimed: a second sweep (another instance) finds nothing to take.
    assert await store.take_over_lapsed(Lease("other", datetime.now(UTC))) == []
