"""The package catalogue."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, Money


class Package(Base):
    __tablename__ = "packages"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    # fold()ed name without "paket"/"tarife" suffix, for forgiving look-ups.
    match_key: Mapped[str] = mapped_column(String(80), unique=True)
    monthly_fee: Mapped[Money]
    setup_fee: Mapped[Money]
    internet_gb: Mapped[int]
    voice_minutes: Mapped[int]
    sms_count: Mapped[int]
    international_minutes: Mapped[int] = mapped_column(default=0)
    roaming_enabled: Mapped[bool] = mapped_column(default=False)
    contract_duration_months: Mapped[int] = mapped_column(default=12)
    cancellation_fee: Mapped[Money]
    target_audience: Mapped[str | None] = mapped_column(String(120))
    # Segment a customer must belong to (student, civil_servant, business).
    eligibility: Mapped[str | None] = mapped_column(String(20))
    is_active: Mapped[bool] = mapped_column(default=True)
