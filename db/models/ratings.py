"""Customers' ratings of the assistant's answers, and where each answer was shown."""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, Timestamp, utcnow

GOOD = "good"
BAD = "bad"
# How the customer rated: a message reaction (👍 / 👎) or a button under the answer.
REACTION = "reaction"
BUTTON = "button"


class AnswerMessage(Base):
    """A Telegram message that shows an assistant answer, and the turn it answers.

    A reaction or a button press names only the chat and the message; this
    finds the stored turn. Every part of an answer sent in parts is recorded.
    """

    __tablename__ = "answer_messages"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    message_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    # The customer's message (``chat_messages``, role user) the answer replied to.
    question_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("chat_messages.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[Timestamp] = mapped_column(default=utcnow)


class AnswerRating(Base):
    """A customer's rating of one stored assistant answer; the last rating wins.

    ``answer_id`` is the assistant turn the customer read (the turn's final
    text), ``question_id`` the customer's message that began the turn. What
    the turn did is kept with the rating, read from the stored turns when it
    was rated: ``tools``, the tools it called in order, and ``topic``, the
    conversation's intent as ``agent.dialogue_state`` defines it (the tool
    behind the newest answer that used one, this turn's or an earlier one's).
    """

    __tablename__ = "answer_ratings"
    # /admin reads the ratings of the last days.
    __table_args__ = (Index("ix_answer_ratings_rated_at", "rated_at"),)

    answer_id: Mapped[int] = mapped_column(
        BigInteger,
        ForeignKey("chat_messages.id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
    )
    question_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("chat_messages.id", ondelete="CASCADE"), index=True
    )
    chat_id: Mapped[str] = mapped_column(String(64))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"))
    rating: Mapped[str] = mapped_column(String(8))  # good | bad
    source: Mapped[str] = mapped_column(String(16))  # reaction | button
    tools: Mapped[list[Any]]
    topic: Mapped[str | None] = mapped_column(String(64))
    rated_at: Mapped[Timestamp] = mapped_column(default=utcnow)
