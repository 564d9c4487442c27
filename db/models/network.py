"""Network regions, provinces, outages and speed-test results."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.models.base import Base, Timestamp, UTCDateTime, utcnow


class Region(Base):
    """One of Türkiye's seven geographical regions (Marmara, Ege, ...)."""

    __tablename__ = "regions"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    match_key: Mapped[str] = mapped_column(String(40), unique=True)
    coverage_percentage: Mapped[float]
    updated_at: Mapped[Timestamp] = mapped_column(default=utcnow)

    provinces: Mapped[list[Province]] = relationship(back_populates="region")
    outages: Mapped[list[Outage]] = relationship(back_populates="region")


class Province(Base):
    """One of the 81 provinces, so a city name resolves to its region."""

    __tablename__ = "provinces"

    id: Mapped[int] = mapped_column(primary_key=True)  # plate code 1..81
    name: Mapped[str] = mapped_column(String(40), unique=True)
    match_key: Mapped[str] = mapped_column(String(40), unique=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)

    region: Mapped[Region] = relationship(back_populates="provinces")


class Outage(Base):
    __tablename__ = "outages"
    __table_args__ = (Index("ix_outages_region_resolved", "region_id", "resolved_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    area: Mapped[str] = mapped_column(String(80))
    issue: Mapped[str] = mapped_column(String(200))
    start_time: Mapped[Timestamp]
    estimated_end: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    region: Mapped[Region] = relationship(back_populates="outages")


class SpeedTest(Base):
    __tablename__ = "speed_tests"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("phone_lines.id"))
    download_speed_mbps: Mapped[float]
    upload_speed_mbps: Mapped[float]
    ping_ms: Mapped[int]
    test_server: Mapped[str] = mapped_column(String(80))
    quality_rating: Mapped[str] = mapped_column(String(20))
    tested_at: Mapped[Timestamp] = mapped_column(default=utcnow)
