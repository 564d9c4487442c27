"""dialogue states: what each chat's conversation is about now (one JSON row per chat)

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03 16:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.models.base

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "dialogue_states",
        sa.Column("chat_id", sa.String(length=64), nullable=False),
        sa.Column("state", sa.JSON(), nullable=False),
        sa.Column("updated_at", db.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("chat_id", name=op.f("pk_dialogue_states")),
    )


def downgrade() -> None:
    op.drop_table("dialogue_states")
