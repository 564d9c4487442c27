"""Confirmation cards: where the bot showed each Onayla / Vazgeç card, and whether it is closed.

The bot (``bot.confirmation_cards``) records a card when it is sent and
closes it once the card shows the action's outcome without buttons; cards
still open are what its sweep and start-up recovery look at. Synchronous
Core functions on the transaction's connection: run them with
:func:`db.retries.run_sync_in_transaction` or :func:`db.engine.run_on_connection`.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Table, bindparam, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Row

from db.models import ConfirmationCard

_CARDS = ConfirmationCard.__table__


def _save_statement(
    insert: Callable[[Table], sqlite.Insert | postgresql.Insert],
) -> sqlite.Insert | postgresql.Insert:
    """INSERT ... ON CONFLICT DO UPDATE: a confirmation shown again (start-up
    recovery resends a card whose first sending was lost) keeps one record,
    the newest card, open."""
    statement = insert(_CARDS)
    return statement.on_conflict_do_update(
        index_elements=[ConfirmationCard.confirmation_id],
        set_={
            "chat_id": statement.excluded.chat_id,
            "message_id": statement.excluded.message_id,
            "card_html": statement.excluded.card_html,
            "created_at": statement.excluded.created_at,
            "closed_at": None,
        },
    )


_SAVE = {
    name: _save_statement(insert)
    for name, insert in (("sqlite", sqlite.insert), ("postgresql", postgresql.insert))
}
_COLUMNS = (
    ConfirmationCard.confirmation_id,
    ConfirmationCard.chat_id,
    ConfirmationCard.message_id,
    ConfirmationCard.card_html,
    ConfirmationCard.created_at,
    ConfirmationCard.closed_at,
)
_FIND = select(*_COLUMNS).where(ConfirmationCard.confirmation_id == bindparam("card_id"))
_OPEN = (
    select(*_COLUMNS)
    .where(ConfirmationCard.closed_at.is_(None))
    .order_by(ConfirmationCard.created_at, ConfirmationCard.confirmation_id)
    .limit(bindparam("limit"))
)
_CLOSE = (
    update(_CARDS)
    .where(
        ConfirmationCard.confirmation_id == bindparam("card_id"),
        ConfirmationCard.closed_at.is_(None),
    )
    .values(closed_at=bindparam("closed"))
)


@dataclass(frozen=True)
class StoredCard:
    """A confirmation card as the bot sent it."""

    confirmation_id: str
    chat_id: int
    # The message carrying the buttons (the last part of a card sent in parts).
    message_id: int
    card_html: str
    created_at: datetime
    closed: bool

    @classmethod
    def of(cls, row: Row[str, int, int, str, datetime, datetime | None]) -> StoredCard:
        return cls(
            confirmation_id=row.confirmation_id,
            chat_id=row.chat_id,
            message_id=row.message_id,
            card_html=row.card_html,
            created_at=row.created_at,
            closed=row.closed_at is not None,
        )


def save_card(
    connection: Connection,
    confirmation_id: str,
    *,
    chat_id: int,
    message_id: int,
    card_html: str,
    created_at: datetime,
) -> None:
    """Record the card just sent for ``confirmation_id``, open; a later card replaces it."""
    connection.execute(
        _SAVE[connection.dialect.name],
        {
            "confirmation_id": confirmation_id,
            "chat_id": chat_id,
            "message_id": message_id,
            "card_html": card_html,
            "created_at": created_at,
        },
    )


def find_card(connection: Connection, confirmation_id: str) -> StoredCard | None:
    """The card shown for ``confirmation_id``, open or closed; None when none was recorded."""
    row = connection.execute(_FIND, {"card_id": confirmation_id}).first()
    return None if row is None else StoredCard.of(row)


def open_cards(connection: Connection, *, limit: int) -> list[StoredCard]:
    """Cards still offering their buttons, oldest first, at most ``limit``."""
    return [StoredCard.of(row) for row in connection.execute(_OPEN, {"limit": limit})]


def shown_confirmations(connection: Connection, confirmation_ids: Collection[str]) -> set[str]:
    """Which of ``confirmation_ids`` already have a card, open or closed."""
    if not confirmation_ids:
        return set()
    found = connection.execute(
        select(ConfirmationCard.confirmation_id).where(
            ConfirmationCard.confirmation_id.in_(list(confirmation_ids))
        )
    )
    return set(found.scalars())


def close_card(connection: Connection, confirmation_id: str, closed_at: datetime) -> bool:
    """Mark the card closed; False when it was already closed or never recorded."""
    closed = connection.execute(_CLOSE, {"card_id": confirmation_id, "closed": closed_at})
    return bool(closed.rowcount)


def forget_closed_cards_before(connection: Connection, moment: datetime) -> int:
    """Delete cards closed before ``moment`` (no button is left on them to press)."""
    deleted = connection.execute(delete(_CARDS).where(ConfirmationCard.closed_at < moment))
    return deleted.rowcount or 0
