"""Handoffs repository: plain synchronous functions over ``Handoff`` on a connection.

Run them with :func:`db.retries.run_sync_in_transaction` (or
:func:`db.engine.run_on_connection`). A customer chat has at most one open
handoff (a partial unique index); a new one for the same chat reuses the
topic of the last one in the same support group (:func:`last_topic_of`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, literal_column, select, update
from sqlalchemy.engine import Connection

from db.chat_history import FAILED
from db.models import ChatMessage, FaultTicket, Handoff, HandoffMessage
from db.models.base import utcnow
from db.models.handoffs import CLOSED, OPEN

OPEN_TICKET_STATUSES = ("open", "in_progress")
# Written out (not a bound parameter) so SQLite can use the partial index on open handoffs.
_IS_OPEN = Handoff.status == literal_column(f"'{OPEN}'")


@dataclass(frozen=True)
class OpenHandoff:
    """An open handoff: which customer chat is relayed to which topic."""

    id: int
    customer_chat_id: int
    customer_id: int | None
    support_chat_id: int
    topic_id: int
    agent_user_id: int | None


_COLUMNS = (
    Handoff.id,
    Handoff.customer_chat_id,
    Handoff.customer_id,
    Handoff.support_chat_id,
    Handoff.topic_id,
    Handoff.agent_user_id,
)


def _open_handoff(row: Sequence[Any]) -> OpenHandoff:
    """A row of ``_COLUMNS``, in OpenHandoff's field order."""
    return OpenHandoff(*row)


def open_handoff_of_chat(connection: Connection, customer_chat_id: int) -> OpenHandoff | None:
    """The customer chat's open handoff, or None (the assistant answers)."""
    row = connection.execute(
        select(*_COLUMNS).where(Handoff.customer_chat_id == customer_chat_id, _IS_OPEN)
    ).first()
    return _open_handoff(row) if row is not None else None


def open_handoff_of_topic(
    connection: Connection, support_chat_id: int, topic_id: int
) -> OpenHandoff | None:
    """The open handoff relayed to this topic of the support group, or None."""
    row = connection.execute(
        select(*_COLUMNS)
        .where(
            Handoff.support_chat_id == support_chat_id,
            Handoff.topic_id == topic_id,
            Handoff.status == OPEN,
        )
        .order_by(Handoff.id.desc())
        .limit(1)
    ).first()
    return _open_handoff(row) if row is not None else None


def last_topic_of(
    connection: Connection, customer_chat_id: int, support_chat_id: int
) -> int | None:
    """The topic of the chat's latest handoff in this support group (to reuse), or None."""
    return connection.execute(
        select(Handoff.topic_id)
        .where(
            Handoff.customer_chat_id == customer_chat_id,
            Handoff.support_chat_id == support_chat_id,
        )
        .order_by(Handoff.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def open_handoff(
    connection: Connection,
    *,
    customer_chat_id: int,
    customer_id: int | None,
    support_chat_id: int,
    topic_id: int,
    reason: str,
) -> int:
    """Record an open handoff; its id. The unique index refuses a second open one."""
    now = utcnow()
    return connection.execute(
        insert(Handoff)
        .values(
            customer_chat_id=customer_chat_id,
            customer_id=customer_id,
            support_chat_id=support_chat_id,
            topic_id=topic_id,
            status=OPEN,
            reason=reason,
            opened_at=now,
            last_activity_at=now,
        )
        .returning(Handoff.id)
    ).scalar_one()


def note_activity(
    connection: Connection, handoff_id: int, *, agent_user_id: int | None = None
) -> bool:
    """A message went through: push back the idle time; True on the agent's first answer.

    ``agent_user_id``: the support agent who wrote (None for the customer).
    """
    now = utcnow()
    connection.execute(update(Handoff).where(Handoff.id == handoff_id).values(last_activity_at=now))
    if agent_user_id is None:
        return False
    joined = connection.execute(
        update(Handoff)
        .where(Handoff.id == handoff_id, Handoff.agent_user_id.is_(None))
        .values(agent_user_id=agent_user_id, agent_joined_at=now)
    )
    return joined.rowcount == 1


def close_handoff(connection: Connection, handoff_id: int, reason: str) -> bool:
    """Close an open handoff (``agent``, ``idle``, ``unreachable``); False if already closed."""
    closed = connection.execute(
        update(Handoff)
        .where(Handoff.id == handoff_id, Handoff.status == OPEN)
        .values(status=CLOSED, closed_at=utcnow(), close_reason=reason)
    )
    return closed.rowcount == 1


def idle_handoffs(connection: Connection, silent_since: datetime) -> list[OpenHandoff]:
    """Open handoffs with no message either way since ``silent_since``, oldest first."""
    rows = connection.execute(
        select(*_COLUMNS)
        .where(Handoff.status == OPEN, Handoff.last_activity_at < silent_since)
        .order_by(Handoff.last_activity_at)
    ).all()
    return [_open_handoff(row) for row in rows]


def record_relayed(
    connection: Connection,
    handoff_id: int,
    *,
    sender: str,
    text: str,
    agent_user_id: int | None = None,
) -> None:
    """Keep a text relayed during the handoff (``customer`` or ``agent``), for the export."""
    connection.execute(
        insert(HandoffMessage).values(
            handoff_id=handoff_id,
            sender=sender,
            text=text,
            agent_user_id=agent_user_id,
            created_at=utcnow(),
        )
    )


@dataclass(frozen=True)
class RelayedMessage:
    """A text relayed during a handoff, with the handoff it belongs to."""

    handoff_id: int
    customer_chat_id: int
    customer_id: int | None
    opened_at: datetime
    sender: str  # customer | agent
    text: str
    created_at: datetime


def relayed_messages_since(connection: Connection, since: datetime) -> list[RelayedMessage]:
    """The texts relayed in handoffs opened at or after ``since``, by handoff, in order."""
    rows = connection.execute(
        select(
            Handoff.id,
            Handoff.customer_chat_id,
            Handoff.customer_id,
            Handoff.opened_at,
            HandoffMessage.sender,
            HandoffMessage.text,
            HandoffMessage.created_at,
        )
        .join(HandoffMessage, HandoffMessage.handoff_id == Handoff.id)
        .where(Handoff.opened_at >= since)
        .order_by(Handoff.id, HandoffMessage.id)
    ).all()
    return [RelayedMessage(*row) for row in rows]


def handoffs_opened_since(connection: Connection, since: datetime) -> list[datetime]:
    """When each handoff opened at or after ``since`` was opened, oldest first (for ``/admin``)."""
    return list(
        connection.execute(
            select(Handoff.opened_at).where(Handoff.opened_at >= since).order_by(Handoff.opened_at)
        ).scalars()
    )


@dataclass(frozen=True)
class OpenTicket:
    """A fault ticket still being worked on, as the support summary lists it."""

    id: str
    category: str
    status: str
    created_at: datetime


def open_fault_tickets(connection: Connection, customer_id: int) -> list[OpenTicket]:
    """The customer's open and in-progress fault tickets, newest first."""
    rows = connection.execute(
        select(FaultTicket.id, FaultTicket.category, FaultTicket.status, FaultTicket.created_at)
        .where(
            FaultTicket.customer_id == customer_id,
            FaultTicket.status.in_(OPEN_TICKET_STATUSES),
        )
        .order_by(FaultTicket.created_at.desc())
    ).all()
    return [OpenTicket(*row) for row in rows]


def failed_turns_in_a_row(connection: Connection, chat_id: str, at_most: int) -> int:
    """How many of the chat's latest customer messages failed in a row (up to ``at_most``)."""
    statuses = connection.execute(
        select(ChatMessage.status)
        .where(ChatMessage.chat_id == chat_id, ChatMessage.role == "user")
        .order_by(ChatMessage.id.desc())
        .limit(at_most)
    ).scalars()
    count = 0
    for status in statuses:
        if status != FAILED:
            break
        count += 1
    return count
