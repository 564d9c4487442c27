"""Handoffs of a customer's chat to a person in the support group's forum topic."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, Timestamp, UTCDateTime, utcnow

OPEN = "open"
CLOSED = "closed"


class Handoff(Base):
    """One handoff: a customer's private chat relayed to a topic of the support group.

    While ``status`` is ``open`` the assistant stays silent in that chat and
    messages are relayed both ways (``bot.handoff``). At most one handoff per
    customer chat is open (a partial unique index). A later handoff of the same
    customer reuses the topic (``topic_id``, the topic's ``message_thread_id``)
    of the last one in the same support group.
    """

    __tablename__ = "handoffs"
    __table_args__ = (
        Index(
            "uq_handoffs_open_customer_chat",
            "customer_chat_id",
            unique=True,
            sqlite_where=text("status = 'open'"),
            postgresql_where=text("status = 'open'"),
        ),
        # A message in the support group is routed by its topic.
        Index("ix_handoffs_support_topic", "support_chat_id", "topic_id"),
        # The idle sweep: open handoffs by their last activity.
        Index("ix_handoffs_status_last_activity", "status", "last_activity_at"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    # The customer's private chat with the bot (its id equals the user's id).
    customer_chat_id: Mapped[int] = mapped_column(BigInteger)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"))
    support_chat_id: Mapped[int] = mapped_column(BigInteger)
    topic_id: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(16), default=OPEN)  # open | closed
    # requested (/temsilci or asked in words) | offered (accepted an offer)
    reason: Mapped[str] = mapped_column(String(16))
    opened_at: Mapped[Timestamp] = mapped_column(default=utcnow)
    last_activity_at: Mapped[Timestamp] = mapped_column(default=utcnow)
    # The first support agent who answered, and when.
    agent_user_id: Mapped[int | None] = mapped_column(BigInteger)
    agent_joined_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # agent (/bitir) | idle | customer | unreachable
    close_reason: Mapped[str | None] = mapped_column(String(16))


# Who wrote a relayed message (``handoff_messages.sender``).
FROM_CUSTOMER = "customer"
FROM_AGENT = "agent"


class HandoffMessage(Base):
    """One text relayed during a handoff: the customer's, or a support agent's reply.

    Kept apart from ``chat_messages`` on purpose: the model never reads what a
    person wrote as its own turns. The training export
    (``agent.training_export``) appends these to the conversation they followed,
    an agent's reply marked as written by a person.
    """

    __tablename__ = "handoff_messages"
    __table_args__ = (Index("ix_handoff_messages_handoff_id", "handoff_id", "id"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    handoff_id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"),
        ForeignKey("handoffs.id", ondelete="CASCADE"),
    )
    sender: Mapped[str] = mapped_column(String(16))  # customer | agent
    # The text as written (a support agent's without the "Müşteri temsilcisi" heading).
    text: Mapped[str] = mapped_column(Text)
    # The support agent's Telegram user id (None for the customer).
    agent_user_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[Timestamp] = mapped_column(default=utcnow)
