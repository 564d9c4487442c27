"""Chat history repository: plain functions over ``ChatMessage``, sessions passed in.

The functions every message calls (store, read recent turns, store turns,
mark) are synchronous and take the transaction's connection; callers run
them with :func:`db.engine.run_on_connection` or
:func:`db.retries.run_sync_in_transaction`. The rest take an ``AsyncSession``.
A customer message's own bookkeeping (store, mark, take over after a crash)
goes through :class:`db.message_store.MessageStore`, with its retries.

The agent stores a customer's message before any model work
(:func:`add_user_message`, status ``accepted``), the assistant's turns and
tool results after, and finally marks the user message ``answered`` or
``failed``. Nothing accepted is ever lost: :func:`unfinished_user_messages`
finds what a crash left behind.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import ChatMessage
from db.turn_leases import Lease

ACCEPTED, ANSWERED, FAILED = "accepted", "answered", "failed"


@dataclass(frozen=True)
class NewTurn:
    """An assistant or tool turn to append to a chat."""

    role: str  # "assistant" | "tool"
    content: str
    tool_calls: list[dict[str, Any]] | None = None


# The writes and the reads below are on every turn's path, so they are Core
# statements built once (building and keying a statement costs more than
# SQLite's work for it), run by synchronous functions on the transaction's
# connection: no ORM unit of work, identity map or session execution layer
# for rows nobody edits, and one greenlet for the whole unit of work
# (db.engine.run_on_connection).
# Only an accepted message is marked: a message is marked once.
_SET_STATUS = (
    update(ChatMessage.__table__)
    .where(ChatMessage.id == bindparam("message_id"), ChatMessage.status == ACCEPTED)
    .values(status=bindparam("new_status"))
)
_ADD_USER_MESSAGE = (
    insert(ChatMessage.__table__).values(role="user", status=ACCEPTED).returning(ChatMessage.id)
)
# Every key given for every row: one executemany of the same statement.
_ADD_TURN = insert(ChatMessage.__table__)
_RECENT_TURNS = (
    select(ChatMessage.role, ChatMessage.content, ChatMessage.tool_calls)
    .where(ChatMessage.chat_id == bindparam("chat_id"))
    .order_by(ChatMessage.id.desc())
    .limit(bindparam("limit"))
)


def add_user_message(
    connection: Connection,
    chat_id: str,
    text: str,
    *,
    customer_id: int | None,
    update_id: int | None = None,
    lease: Lease | None = None,
) -> int:
    """Store a customer's message as ``accepted``; its id.

    ``lease``: the bot instance that will answer it (``db.turn_leases``).
    """
    stored = connection.execute(
        _ADD_USER_MESSAGE,
        {
            "chat_id": chat_id,
            "customer_id": customer_id,
            "content": text,
            "telegram_update_id": update_id,
            "lease_owner": lease.owner if lease is not None else None,
            "lease_expires_at": lease.expires_at if lease is not None else None,
        },
    )
    return stored.scalar_one()  # RETURNING of the row just inserted


def add_turns(
    connection: Connection, chat_id: str, turns: Sequence[NewTurn], *, customer_id: int | None
) -> None:
    """Append assistant and tool turns to the chat, in order."""
    if not turns:
        return
    connection.execute(
        _ADD_TURN,
        [
            {
                "chat_id": chat_id,
                "customer_id": customer_id,
                "role": turn.role,
                "content": turn.content,
                "tool_calls": turn.tool_calls,
            }
            for turn in turns
        ],
    )


def set_user_message_status(connection: Connection, message_id: int, status: str) -> bool:
    """Mark an ``accepted`` message ``status``; False when it was marked before (or is gone)."""
    marked = connection.execute(_SET_STATUS, {"message_id": message_id, "new_status": status})
    return marked.rowcount == 1


class StoredTurn(NamedTuple):
    """What the model's history needs of a stored message."""

    role: str
    content: str
    tool_calls: list[Any] | None


def recent_turns(connection: Connection, chat_id: str, limit: int) -> list[StoredTurn]:
    """The chat's last ``limit`` messages, oldest first (one index range scan)."""
    newest_first = connection.execute(_RECENT_TURNS, {"chat_id": chat_id, "limit": limit})
    return [StoredTurn(*row) for row in reversed(newest_first.all())]


async def unfinished_user_messages(session: AsyncSession) -> list[ChatMessage]:
    """User messages accepted but never answered nor failed (e.g. a crash mid-turn)."""
    return list(
        (
            await session.scalars(
                select(ChatMessage)
                .where(ChatMessage.role == "user", ChatMessage.status == ACCEPTED)
                .order_by(ChatMessage.id)
            )
        ).all()
    )


async def count_messages(session: AsyncSession, chat_id: str | None = None) -> int:
    query = select(func.count()).select_from(ChatMessage)
    if chat_id is not None:
        query = query.where(ChatMessage.chat_id == chat_id)
    return await session.scalar(query) or 0
