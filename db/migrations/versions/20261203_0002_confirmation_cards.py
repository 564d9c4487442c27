"""confirmation cards: where the bot showed each Onayla / Vazgeç card, and whether it is closed

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03 12:56:56.023275
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.models.base

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "confirmation_cards",
        sa.Column("confirmation_id", sa.String(length=32), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=False),
        sa.Column("card_html", sa.Text(), nullable=False),
        sa.Column("created_at", db.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("closed_at", db.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("confirmation_id", name=op.f("pk_confirmation_cards")),
    )
    with op.batch_alter_table("confirmation_cards", schema=None) as batch_op:
        batch_op.create_index("ix_confirmation_cards_closed_at", ["closed_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("confirmation_cards", schema=None) as batch_op:
        batch_op.drop_index("ix_confirmation_cards_closed_at")

    op.drop_table("confirmation_cards")
