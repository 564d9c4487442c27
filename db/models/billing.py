"""Bills with their line items, and payments."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.models.base import Base, Money, Timestamp, UTCDateTime, utcnow

if TYPE_CHECKING:
    from db.models.customers import PhoneLine


class Bill(Base):
    """A monthly bill; ``id`` is the public bill number (``F-2026-004217``).

    Whether an unpaid bill is overdue depends on the day you ask, so it is not
    stored: see :meth:`status_on`.
    """

    __tablename__ = "bills"
    # Hot path: a customer's latest bill, and the customer's bill history.
    __table_args__ = (Index("ix_bills_customer_bill_date", "customer_id", "bill_date"),)

    id: Mapped[str] = mapped_column(String(24), primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    line_id: Mapped[int | None] = mapped_column(ForeignKey("phone_lines.id"))
    period_start: Mapped[date]
    period_end: Mapped[date]
    bill_date: Mapped[date]
    due_date: Mapped[date]
    amount: Mapped[Money]
    currency: Mapped[str] = mapped_column(String(3), default="TRY")
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    items: Mapped[list[BillItem]] = relationship(
        back_populates="bill", order_by="BillItem.id", cascade="all, delete-orphan"
    )
    payments: Mapped[list[Payment]] = relationship(back_populates="bill")
    line: Mapped[PhoneLine | None] = relationship()

    def status_on(self, today: date) -> str:
        """``paid``, ``overdue`` (unpaid after the due date) or ``unpaid``."""
        if self.paid_at is not None:
            return "paid"
        return "overdue" if today > self.due_date else "unpaid"


class BillItem(Base):
    __tablename__ = "bill_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    bill_id: Mapped[str] = mapped_column(ForeignKey("bills.id"), index=True)
    service_name: Mapped[str] = mapped_column(String(120))
    amount: Mapped[Money]

    bill: Mapped[Bill] = relationship(back_populates="items")


class Payment(Base):
    """A payment of one bill (``TXN-...``)."""

    __tablename__ = "payments"
    __table_args__ = (Index("ix_payments_customer_created", "customer_id", "created_at"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    bill_id: Mapped[str] = mapped_column(ForeignKey("bills.id"), index=True)
    amount: Mapped[Money]
    method: Mapped[str] = mapped_column(String(20))  # credit_card | bank_transfer | autopay
    status: Mapped[str] = mapped_column(String(16), default="completed")
    created_at: Mapped[Timestamp] = mapped_column(default=utcnow)

    bill: Mapped[Bill] = relationship(back_populates="payments")
