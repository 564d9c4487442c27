"""Which package a customer is on, quota usage, and scheduled package changes."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.models.base import Base, Money, Timestamp, utcnow
from db.models.catalogue import Package

if TYPE_CHECKING:
    from db.models.customers import Customer, PhoneLine


class Subscription(Base):
    """A customer's package on a line, with the current period's usage."""

    __tablename__ = "subscriptions"
    __table_args__ = (Index("ix_subscriptions_customer_status", "customer_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    line_id: Mapped[int] = mapped_column(ForeignKey("phone_lines.id"))
    package_id: Mapped[int] = mapped_column(ForeignKey("packages.id"))
    status: Mapped[str] = mapped_column(String(16), default="active")  # active | ended
    activation_date: Mapped[date]
    renewal_date: Mapped[date]
    period_start: Mapped[date]
    period_end: Mapped[date]
    internet_used_mb: Mapped[int] = mapped_column(default=0)
    voice_used_minutes: Mapped[int] = mapped_column(default=0)
    sms_used: Mapped[int] = mapped_column(default=0)

    customer: Mapped[Customer] = relationship(back_populates="subscriptions")
    line: Mapped[PhoneLine] = relationship()
    package: Mapped[Package] = relationship()


class PackageChange(Base):
    """A package change scheduled for the next renewal (``CHG-...``)."""

    __tablename__ = "package_changes"

    id: Mapped[str] = mapped_column(String(24), primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("subscriptions.id"))
    from_package_id: Mapped[int] = mapped_column(ForeignKey("packages.id"))
    to_package_id: Mapped[int] = mapped_column(ForeignKey("packages.id"))
    effective_date: Mapped[date]
    fee_difference: Mapped[Money]
    status: Mapped[str] = mapped_column(String(16), default="scheduled")
    created_at: Mapped[Timestamp] = mapped_column(default=utcnow)

    from_package: Mapped[Package] = relationship(foreign_keys=[from_package_id])
    to_package: Mapped[Package] = relationship(foreign_keys=[to_package_id])
