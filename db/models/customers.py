"""Customers, their phone lines and contact-change requests."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.models.base import Base, Timestamp, UTCDateTime, utcnow

if TYPE_CHECKING:
    from db.models.subscriptions import Subscription


class Customer(Base):
    """A customer account; ``id`` is the customer number (1001, 1002, ...)."""

    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    first_name: Mapped[str] = mapped_column(String(80))
    last_name: Mapped[str] = mapped_column(String(80))
    email: Mapped[str | None] = mapped_column(String(254))
    address: Mapped[str | None] = mapped_column(String(300))
    city: Mapped[str] = mapped_column(String(40))
    # standard | silver | gold | platinum
    tier: Mapped[str] = mapped_column(String(16), default="standard")
    # Eligibility for targeted packages: student | civil_servant | business | None
    segment: Mapped[str | None] = mapped_column(String(20))
    registration_date: Mapped[date]
    autopay_enabled: Mapped[bool] = mapped_column(default=False)
    # credit_card | bank_transfer, the method autopay charges
    autopay_method: Mapped[str] = mapped_column(String(20), default="credit_card")

    lines: Mapped[list[PhoneLine]] = relationship(
        back_populates="customer", order_by="PhoneLine.id"
    )
    subscriptions: Mapped[list[Subscription]] = relationship(back_populates="customer")

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class PhoneLine(Base):
    """A mobile line (MSISDN in E.164 form, ``+905320001001``)."""

    __tablename__ = "phone_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    # primary | secondary | data
    line_type: Mapped[str] = mapped_column(String(16), default="primary")
    # active | suspended | cancelled
    status: Mapped[str] = mapped_column(String(16), default="active")
    suspended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    suspension_reason: Mapped[str | None] = mapped_column(String(200))
    roaming_enabled: Mapped[bool] = mapped_column(default=False)
    roaming_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Line profile the speed-test simulation draws on.
    technology: Mapped[str] = mapped_column(String(10), default="4.5G")
    signal_quality: Mapped[int] = mapped_column(default=80)  # 0-100
    activated_at: Mapped[Timestamp] = mapped_column(default=utcnow)

    customer: Mapped[Customer] = relationship(back_populates="lines")


class ContactChange(Base):
    """A requested change of phone, e-mail or address, pending verification."""

    __tablename__ = "contact_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    contact_type: Mapped[str] = mapped_column(String(10))  # phone | email | address
    old_value: Mapped[str | None] = mapped_column(String(300))
    new_value: Mapped[str] = mapped_column(String(300))
    verification_required: Mapped[bool]
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[Timestamp] = mapped_column(default=utcnow)
