"""answer ratings: customers' 👍 / 👎 on the assistant's answers, and where each answer was shown

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 21:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.models.base

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "answer_messages",
        sa.Column("chat_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("message_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("question_id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", db.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["chat_messages.id"],
            name=op.f("fk_answer_messages_question_id_chat_messages"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("chat_id", "message_id", name=op.f("pk_answer_messages")),
    )
    with op.batch_alter_table("answer_messages", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_answer_messages_question_id"), ["question_id"], unique=False
        )
    op.create_table(
        "answer_ratings",
        sa.Column("answer_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("question_id", sa.BigInteger(), nullable=False),
        sa.Column("chat_id", sa.String(length=64), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("rating", sa.String(length=8), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("tools", sa.JSON(), nullable=False),
        sa.Column("topic", sa.String(length=64), nullable=True),
        sa.Column("rated_at", db.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["answer_id"],
            ["chat_messages.id"],
            name=op.f("fk_answer_ratings_answer_id_chat_messages"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_answer_ratings_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["chat_messages.id"],
            name=op.f("fk_answer_ratings_question_id_chat_messages"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("answer_id", name=op.f("pk_answer_ratings")),
    )
    with op.batch_alter_table("answer_ratings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_answer_ratings_question_id"), ["question_id"], unique=False
        )
        batch_op.create_index("ix_answer_ratings_rated_at", ["rated_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("answer_ratings", schema=None) as batch_op:
        batch_op.drop_index("ix_answer_ratings_rated_at")
        batch_op.drop_index(batch_op.f("ix_answer_ratings_question_id"))
    op.drop_table("answer_ratings")
    with op.batch_alter_table("answer_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_answer_messages_question_id"))
    op.drop_table("answer_messages")
