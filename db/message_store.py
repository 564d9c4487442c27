"""The one home of a customer message's bookkeeping: stored once, marked once, taken over.

A customer's message is stored ``accepted`` before any model work, marked
``answered`` or ``failed`` once its reply reached the customer, and, when a
crash interrupted its turn, taken over by the next sweep (``bot.recovery``).
:class:`MessageStore` does each of these in its own transaction with the
configured retries (``database.retry_for_s``, :mod:`db.retries`), so no
caller builds one:

- :meth:`MessageStore.add`: store a message (the agent runtime for the HTTP
  API's callers; the bot for a message the gate did not store);
- :meth:`MessageStore.add_in`: the same inside a caller's transaction, for
  the gate, which stores the question together with the update's claim so
  that an update is never claimed without its question;
- :meth:`MessageStore.mark`: ``answered`` or ``failed``, exactly once: only
  an ``accepted`` message changes, so a second mark (a turn cancelled after
  its answer went out) changes nothing;
- :meth:`MessageStore.take_over_lapsed`: claim the accepted messages whose
  turn lease lapsed (``db.turn_leases``), with what the agent stored for them.

The rows and statements are those of :mod:`db.chat_history`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.chat_history import (
    ACCEPTED,
    ANSWERED,
    FAILED,
    add_user_message,
    set_user_message_status,
)
from db.database import Database
from db.models import ChatMessage
from db.retries import RetryPolicy, run_sync_in_transaction
from db.turn_leases import Lease, claim_lapsed_turns

__all__ = ["ACCEPTED", "ANSWERED", "FAILED", "LapsedMessage", "MessageStore", "NewMessage"]

log = logging.getLogger(__name__)

# More rows than one turn ever stores (a few per model step).
_REPLY_ROWS = 200


@dataclass(frozen=True)
class NewMessage:
    """A customer's message to store ``accepted``."""

    chat_id: str
    text: str
    # The chat's verified customer; None in groups and unlinked chats.
    customer_id: int | None
    # The Telegram update it came in (None for the HTTP API's callers).
    update_id: int | None = None
    # The bot instance that answers it (``db.turn_leases``).
    lease: Lease | None = None


@dataclass(frozen=True)
class LapsedMessage:
    """An accepted message whose turn lease lapsed, and what the agent stored for it."""

    message_id: int
    chat_id: str
    question: str
    received_at: datetime
    update_id: int | None
    # The agent's final answer, when it finished the turn; None otherwise.
    answer: str | None
    # When the chat's next customer message arrived (bounds the turn's proposals).
    next_question_at: datetime | None


class MessageStore:
    """Customer messages of one database, with its retry policy."""

    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], policy: RetryPolicy | None = None
    ) -> None:
        self._sessions = sessions
        self._policy = policy

    @classmethod
    def of(cls, database: Database) -> MessageStore:
        """The store of ``database``, retried by its policy (``database.retry_for_s``)."""
        return cls(database.sessions, database.retry)

    @staticmethod
    def add_in(connection: Connection, message: NewMessage) -> int:
        """Store ``message`` within the caller's transaction; its id."""
        return add_user_message(
            connection,
            message.chat_id,
            message.text,
            customer_id=message.customer_id,
            update_id=message.update_id,
            lease=message.lease,
        )

    async def add(self, message: NewMessage) -> int:
        """Store ``message`` in a transaction of its own; its id.

        Raises ``DatabaseBusyError`` when the database stays out of reach.
        """
        return await run_sync_in_transaction(
            self._sessions,
            lambda connection: self.add_in(connection, message),
            what=f"chat {message.chat_id}: store message",
            policy=self._policy,
        )

    async def mark(self, message_id: int, status: str) -> bool:
        """Mark an accepted message ``answered`` or ``failed``; whether this call marked it.

        Never raises: a message that cannot be marked stays ``accepted``, and
        the sweep of lapsed turns (``bot.recovery``) finishes it.
        """
        if status not in (ANSWERED, FAILED):
            raise ValueError(f"not a final status: {status!r}")
        try:
            return await run_sync_in_transaction(
                self._sessions,
                lambda connection: set_user_message_status(connection, message_id, status),
                what=f"mark message {message_id} {status}",
                policy=self._policy,
            )
        except Exception:
            log.exception("could not mark message %s as %s", message_id, status)
            return False

    async def take_over_lapsed(self, lease: Lease) -> list[LapsedMessage]:
        """Claim the accepted Telegram messages whose lease lapsed, under ``lease``; oldest first.

        Two instances claiming at once get disjoint sets (``db.turn_leases``).
        """
        return await run_sync_in_transaction(
            self._sessions,
            lambda connection: _take_over_lapsed(connection, lease, datetime.now(UTC)),
            what="recovery: claim interrupted messages",
            policy=self._policy,
        )


def _take_over_lapsed(connection: Connection, lease: Lease, now: datetime) -> list[LapsedMessage]:
    claimed = claim_lapsed_turns(connection, lease, now)
    if not claimed:
        return []
    rows = connection.execute(
        select(
            ChatMessage.id,
            ChatMessage.chat_id,
            ChatMessage.content,
            ChatMessage.created_at,
            ChatMessage.telegram_update_id,
        )
        .where(ChatMessage.id.in_(claimed))
        .order_by(ChatMessage.id)
    ).all()
    lapsed: list[LapsedMessage] = []
    for row in rows:
        answer, next_question_at = _what_followed(connection, row.chat_id, row.id)
        lapsed.append(
            LapsedMessage(
                message_id=row.id,
                chat_id=row.chat_id,
                question=row.content,
                received_at=row.created_at,
                update_id=row.telegram_update_id,
                answer=answer,
                next_question_at=next_question_at,
            )
        )
    return lapsed


def _what_followed(
    connection: Connection, chat_id: str, message_id: int
) -> tuple[str | None, datetime | None]:
    """The turn's final answer (if it finished) and when the next customer message came."""
    later = connection.execute(
        select(
            ChatMessage.role, ChatMessage.content, ChatMessage.tool_calls, ChatMessage.created_at
        )
        .where(ChatMessage.chat_id == chat_id, ChatMessage.id > message_id)
        .order_by(ChatMessage.id)
        .limit(_REPLY_ROWS)
    ).all()
    last_reply = None
    next_question_at = None
    for row in later:
        if row.role == "user":
            next_question_at = row.created_at
            break
        last_reply = row
    finished = (
        last_reply is not None and last_reply.role == "assistant" and not last_reply.tool_calls
    )
    if next_question_at is None and len(later) == _REPLY_ROWS:
        next_question_at = _next_question_at(connection, chat_id, message_id)
    answer: str | None = last_reply.content if finished and last_reply is not None else None
    return answer, next_question_at


def _next_question_at(connection: Connection, chat_id: str, message_id: int) -> datetime | None:
    return connection.execute(
        select(ChatMessage.created_at)
        .where(
            ChatMessage.chat_id == chat_id,
            ChatMessage.role == "user",
            ChatMessage.id > message_id,
        )
        .order_by(ChatMessage.id)
        .limit(1)
    ).scalar()
