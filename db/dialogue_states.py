"""Per-chat dialogue state rows: read and write one JSON object per chat.

Synchronous functions on the transaction's connection, like the chat
history's hot path, so a turn's messages and the state they lead to are
written in one transaction (``agent.history.store_turns``). The shape of the
object belongs to ``agent.dialogue_state``; this module only stores it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.engine import Connection

from db.models import DialogueStateRow
from db.models.base import utcnow

_READ = select(DialogueStateRow.state).where(DialogueStateRow.chat_id == bindparam("chat_id"))
_UPDATE = (
    update(DialogueStateRow)
    .where(DialogueStateRow.chat_id == bindparam("b_chat_id"))
    .values(state=bindparam("b_state"), updated_at=bindparam("b_updated_at"))
)


def read_state(connection: Connection, chat_id: str) -> dict[str, Any] | None:
    """The chat's stored state object, or None before its first answer."""
    state = connection.execute(_READ, {"chat_id": chat_id}).scalar_one_or_none()
    return state if isinstance(state, dict) else None


def write_state(connection: Connection, chat_id: str, state: dict[str, Any]) -> None:
    """Store ``state`` as the chat's state (insert or replace).

    Callers hold the chat's turn (one turn per chat at a time), so the
    update-then-insert cannot race with another writer of the same chat.
    """
    now = utcnow()
    updated = connection.execute(
        _UPDATE, {"b_chat_id": chat_id, "b_state": state, "b_updated_at": now}
    ).rowcount
    if not updated:
        connection.execute(
            insert(DialogueStateRow).values(chat_id=chat_id, state=state, updated_at=now)
        )
