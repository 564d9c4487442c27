"""Fault tickets."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, Timestamp, UTCDateTime, utcnow


class FaultTicket(Base):
    """A customer's fault report; ``id`` is the public number (``T-2026-000123``)."""

    __tablename__ = "fault_tickets"
    __table_args__ = (
        # Duplicate check: an open ticket of the same category for the customer.
        Index("ix_fault_tickets_customer_status", "customer_id", "status", "category"),
    )

    id: Mapped[str] = mapped_column(String(24), primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    # internet | voice | sms | billing | device | coverage | other
    category: Mapped[str] = mapped_column(String(20))
    priority: Mapped[str] = mapped_column(String(10))  # low | medium | high | urgent
    issue_description: Mapped[str] = mapped_column(Text)
    # open | in_progress | resolved | closed
    status: Mapped[str] = mapped_column(String(16), default="open")
    resolution: Mapped[str | None] = mapped_column(Text)
    technician_notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[Timestamp] = mapped_column(default=utcnow)
    estimated_resolution: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
