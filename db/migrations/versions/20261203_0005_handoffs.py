"""handoffs: customer chats relayed to a person in the support group's forum topics

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 20:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.models.base

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "handoffs",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("customer_chat_id", sa.BigInteger(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("support_chat_id", sa.BigInteger(), nullable=False),
        sa.Column("topic_id", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("opened_at", db.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_activity_at", db.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("agent_user_id", sa.BigInteger(), nullable=True),
        sa.Column("agent_joined_at", db.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("closed_at", db.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("close_reason", sa.String(length=16), nullable=True),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_handoffs_customer_id_customers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handoffs")),
    )
    with op.batch_alter_table("handoffs", schema=None) as batch_op:
        batch_op.create_index(
            "ix_handoffs_status_last_activity", ["status", "last_activity_at"], unique=False
        )
        batch_op.create_index(
            "ix_handoffs_support_topic", ["support_chat_id", "topic_id"], unique=False
        )
        batch_op.create_index(
            "uq_handoffs_open_customer_chat",
            ["customer_chat_id"],
            unique=True,
            sqlite_where=sa.text("status = 'open'"),
            postgresql_where=sa.text("status = 'open'"),
        )


def downgrade() -> None:
    with op.batch_alter_table("handoffs", schema=None) as batch_op:
        batch_op.drop_index("uq_handoffs_open_customer_chat")
        batch_op.drop_index("ix_handoffs_support_topic")
        batch_op.drop_index("ix_handoffs_status_last_activity")
    op.drop_table("handoffs")
