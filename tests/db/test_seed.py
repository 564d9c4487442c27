"""The demo operator: the customers the README and tests rely on, and idempotence."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import selectinload

from db import migrate
from db.engine import create_engine, session_factory
from db.models import (
    Bill,
    Customer,
    FaultTicket,
    Outage,
    Package,
    Payment,
    PhoneLine,
    Province,
    Region,
    Subscription,
)
from db.reference_data import CATALOGUE
from db.seed import seed_database

ENGINES = [pytest.param("sqlite"), pytest.param("postgresql", marks=pytest.mark.postgres)]
TODAY = date(2026, 11, 26)


async def _count(session: AsyncSession, model: type) -> int:
    return await session.scalar(select(func.count()).select_from(model)) or 0


async def _latest_bill(session: AsyncSession, customer_id: int) -> Bill:
    bill = (
        await session.scalars(
            select(Bill).where(Bill.customer_id == customer_id).order_by(Bill.bill_date.desc())
        )
    ).first()
    assert bill is not None
    return bill


@pytest.mark.parametrize("any_database_url", ENGINES, indirect=True)
async def test_seed_builds_the_operator_and_is_idempotent(any_database_url: str) -> None:
    engine = create_engine(any_database_url)
    try:
        await migrate.upgrade(engine)
        sessions = session_factory(engine)
        first = await seed_database(sessions, today=TODAY)
        assert first.customers_added >= 50
        async with sessions() as session:
            counts = {
                m: await _count(session, m)
                for m in (Customer, Bill, Payment, Package, Region, Province, Outage)
            }
        second = await seed_database(sessions, today=TODAY)
        assert not second.changed
        async with sessions() as session:
            assert {m: await _count(session, m) for m in counts} == counts
        assert counts[Package] == len(CATALOGUE)
        assert counts[Region] == 7
        assert counts[Province] == 81
        assert counts[Bill] == 12 * first.customers_added
        await _check_fixed_customers(sessions)
    finally:
        await engine.dispose()


async def _check_fixed_customers(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions() as session:
        # 1001: Mega İnternet, unpaid current bill, due in the future.
        sub = await session.scalar(
            select(Subscription)
            .options(selectinload(Subscription.package))
            .where(Subscription.customer_id == 1001)
        )
        assert sub is not None
        assert sub.package.name == "Mega İnternet"
        assert 0 < sub.internet_used_mb < sub.package.internet_gb * 1024
        bill = await _latest_bill(session, 1001)
        assert bill.status_on(TODAY) == "unpaid"
        assert bill.amount > 0

        # 1002: Premium Paket, gold, every bill paid.
        customer = await session.get(Customer, 1002)
        assert customer is not None
        assert customer.tier == "gold"
        sub = await session.scalar(
            select(Subscription)
            .options(selectinload(Subscription.package))
            .where(Subscription.customer_id == 1002)
        )
        assert sub is not None
        assert sub.package.name == "Premium Paket"
        bills = (await session.scalars(select(Bill).where(Bill.customer_id == 1002))).all()
        assert len(bills) == 12
        assert all(b.status_on(TODAY) == "paid" for b in bills)

        # 1003: primary line suspended.
        line = await session.scalar(select(PhoneLine).where(PhoneLine.number == "+905320001003"))
        assert line is not None
        assert line.customer_id == 1003
        assert line.status == "suspended"
        assert line.suspended_at is not None

        # 1004: an overdue bill.
        statuses = [
            b.status_on(TODAY)
            for b in (await session.scalars(select(Bill).where(Bill.customer_id == 1004))).all()
        ]
        assert "overdue" in statuses


async def test_every_customer_has_a_primary_line_numbered_after_them(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session:
        customers = (
            await session.scalars(select(Customer).options(selectinload(Customer.lines)))
        ).all()
    assert len(customers) >= 50
    for customer in customers:
        primary = [line for line in customer.lines if line.line_type == "primary"]
        assert [line.number for line in primary] == [f"+90532000{customer.id:04d}"]


async def test_bills_add_up_and_paid_bills_have_payments(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session:
        bills = (
            await session.scalars(
                select(Bill).options(selectinload(Bill.items), selectinload(Bill.payments))
            )
        ).all()
    for bill in bills:
        assert isinstance(bill.amount, Decimal)
        assert bill.amount == sum(item.amount for item in bill.items)
        assert bill.id.startswith(f"F-{bill.bill_date.year}-")
        if bill.paid_at is None:
            assert bill.payments == []
        else:
            assert [p.amount for p in bill.payments] == [bill.amount]
    assert any(b.paid_at is None for b in bills)


async def test_a_few_outages_are_active_and_tickets_exist(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session:
        active = await session.scalar(
            select(func.count()).select_from(Outage).where(Outage.resolved_at.is_(None))
        )
        tickets = await session.scalar(select(func.count()).select_from(FaultTicket))
    assert active is not None
    assert 1 <= active <= 5
    assert tickets is not None
    assert tickets > 0
