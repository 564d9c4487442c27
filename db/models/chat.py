"""Telegram links, chat history and dialogue state, confirmations and their cards, updates."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, Timestamp, UTCDateTime, utcnow


class TelegramLink(Base):
    """A Telegram user verified as a customer through their own contact share."""

    __tablename__ = "telegram_links"

    telegram_user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    phone_number: Mapped[str] = mapped_column(String(20))
    linked_at: Mapped[Timestamp] = mapped_column(default=utcnow)


class ChatMessage(Base):
    """One turn of a chat: user text, assistant text or tool call, tool result.

    A user message is stored before any model work (``status="accepted"``) and
    marked ``answered`` or ``failed`` afterwards, so a crash loses nothing.
    While accepted, the bot instance running its turn holds a lease on it
    (``lease_owner`` until ``lease_expires_at``, ``db.turn_leases``).
    """

    __tablename__ = "chat_messages"
    __table_args__ = (
        # Hot path: the last N messages of one chat, whatever other chats hold.
        Index("ix_chat_messages_chat_id_id", "chat_id", "id"),
        # The lease sweep: accepted messages among all the answered ones.
        Index("ix_chat_messages_status", "status"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    chat_id: Mapped[str] = mapped_column(String(64))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"))
    role: Mapped[str] = mapped_column(String(16))  # user | assistant | tool
    content: Mapped[str] = mapped_column(Text)
    # For an assistant tool-call turn: [{"name": ..., "arguments": {...}}, ...]
    tool_calls: Mapped[list[Any] | None]
    status: Mapped[str | None] = mapped_column(String(16))  # user turns only
    telegram_update_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[Timestamp] = mapped_column(default=utcnow)
    # The bot instance answering an accepted message, and until when (renewed
    # while the turn runs); None for messages no instance owns.
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class DialogueStateRow(Base):
    """What a chat's conversation is about now (``agent.dialogue_state``), one row per chat.

    Written in the same transaction as the turns that changed it, so it
    always matches the stored history and survives a restart.
    """

    __tablename__ = "dialogue_states"

    chat_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    state: Mapped[dict[str, Any]]
    updated_at: Mapped[Timestamp] = mapped_column(default=utcnow, onupdate=utcnow)


class PendingConfirmation(Base):
    """A side-effecting tool call waiting for the customer's yes or no.

    Confirming runs it at most once: the result is stored and returned again
    on a second confirmation.
    """

    __tablename__ = "pending_confirmations"
    __table_args__ = (Index("ix_pending_confirmations_chat_status", "chat_id", "status"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    chat_id: Mapped[str | None] = mapped_column(String(64))
    tool_name: Mapped[str] = mapped_column(String(40))
    arguments: Mapped[dict[str, Any]]
    summary: Mapped[str] = mapped_column(Text)
    # pending | confirmed | cancelled | expired
    status: Mapped[str] = mapped_column(String(16), default="pending")
    result: Mapped[dict[str, Any] | None]
    created_at: Mapped[Timestamp] = mapped_column(default=utcnow)
    expires_at: Mapped[Timestamp]
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ConfirmationCard(Base):
    """Where the bot showed a confirmation's Onayla / Vazgeç card, and whether it is closed.

    Owned by the bot (``bot.confirmation_cards``), not the agent: no foreign
    key to ``pending_confirmations``, whose rows may live in an agent service's
    database. ``message_id`` is the part of the card that carries the buttons
    and ``card_html`` its text as sent; ``closed_at`` is set once the card
    shows the action's outcome without buttons.
    """

    __tablename__ = "confirmation_cards"
    # The sweep reads the open cards (closed_at IS NULL), oldest first.
    __table_args__ = (Index("ix_confirmation_cards_closed_at", "closed_at"),)

    confirmation_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[int] = mapped_column(BigInteger)
    card_html: Mapped[str] = mapped_column(Text)
    created_at: Mapped[Timestamp] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ProcessedUpdate(Base):
    """A Telegram ``update_id`` already handled, so redelivery is ignored."""

    __tablename__ = "processed_updates"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    processed_at: Mapped[Timestamp] = mapped_column(default=utcnow)
