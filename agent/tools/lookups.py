"""Database look-ups several tools share; each missing thing is a Turkish ToolError."""

from __future__ import annotations

from sqlalchemy import case, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from agent.tools import errors
from agent.tools.errors import ToolError
from db.models import Bill, Customer, Package, PhoneLine, Subscription
from db.reference_data import package_match_key


async def customer(session: AsyncSession, customer_id: int) -> Customer:
    """The customer, or INVALID_USER."""
    found = await session.get(Customer, customer_id)
    if found is None:
        raise ToolError(
            errors.INVALID_USER,
            "Bu müşteri numarasına ait bir kayıt bulunamadı.",
            {"user_id": customer_id},
        )
    return found


async def main_line(session: AsyncSession, customer_id: int) -> PhoneLine:
    """The customer's primary line (else their first line that is not cancelled), or NO_LINE."""
    primary_first = case((PhoneLine.line_type == "primary", 0), else_=1)
    line = await session.scalar(
        select(PhoneLine)
        .where(PhoneLine.customer_id == customer_id, PhoneLine.status != "cancelled")
        .order_by(primary_first, PhoneLine.id)
        .limit(1)
    )
    if line is None:
        raise ToolError(errors.NO_LINE, "Hesabınıza bağlı kullanımda bir hat bulunamadı.")
    return line


async def active_subscription(session: AsyncSession, customer_id: int) -> Subscription:
    """The active subscription of the main line (package loaded), or NO_ACTIVE_PACKAGE."""
    primary_first = case((PhoneLine.line_type == "primary", 0), else_=1)
    subscription = await session.scalar(
        select(Subscription)
        .join(PhoneLine, Subscription.line_id == PhoneLine.id)
        .where(Subscription.customer_id == customer_id, Subscription.status == "active")
        .order_by(primary_first, Subscription.id)
        .options(selectinload(Subscription.package))
        .limit(1)
    )
    if subscription is None:
        raise ToolError(errors.NO_ACTIVE_PACKAGE, "Hesabınızda etkin bir paket bulunmuyor.")
    return subscription


async def active_packages(session: AsyncSession) -> list[Package]:
    """The packages on sale, cheapest first."""
    result = await session.scalars(
        select(Package)
        .where(Package.is_active.is_(True))
        .order_by(Package.monthly_fee, Package.name)
    )
    return list(result)


async def package_by_name(session: AsyncSession, name: str) -> Package:
    """A package on sale, matched forgivingly, or INVALID_PACKAGE listing what exists.

    Case, Turkish letters and a "Paket"/"Tarife" suffix do not matter; a
    name that starts only one package's name ("öğrenci") also matches.
    """
    key = package_match_key(name)
    packages = await active_packages(session)
    exact = [package for package in packages if package.match_key == key]
    if exact:
        return exact[0]
    prefixed = [package for package in packages if package.match_key.startswith(key + " ")]
    if key and len(prefixed) == 1:
        return prefixed[0]
    raise ToolError(
        errors.INVALID_PACKAGE,
        f"'{name}' adında bir paketimiz bulunmuyor.",
        {"available_packages": [package.name for package in packages]},
    )


async def unpaid_bills(session: AsyncSession, customer_id: int) -> list[Bill]:
    """The customer's unpaid bills, the one due first (so the most overdue) first."""
    result = await session.scalars(
        select(Bill)
        .where(Bill.customer_id == customer_id, Bill.paid_at.is_(None))
        .order_by(Bill.due_date, Bill.bill_date, Bill.id)
    )
    return list(result)
