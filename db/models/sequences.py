"""Counters for the public, year-scoped ids (F-2026-000123, T-2026-000045, ...)."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base


class IdSequence(Base):
    __tablename__ = "id_sequences"

    # e.g. "F-2026", "T-2026", "TXN-2026", "CHG-2026"
    name: Mapped[str] = mapped_column(String(24), primary_key=True)
    value: Mapped[int] = mapped_column(default=0)
