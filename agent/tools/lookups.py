"""Database look-ups several tools share; each missing thing is a Turkish ToolError.

The look-ups on the path of everyday questions are statements built once,
with bind parameters: building and keying a statement costs SQLAlchemy more
than SQLite's work for it (BENCHMARKS.md, "The event loop and the tools").
"""

from __future__ import annotations

from sqlalchemy import bindparam, case, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from agent.tools import errors
from agent.tools.errors import ToolError
from db.models import Bill, Customer, Package, PhoneLine, Subscription
from db.reference_data import package_match_key

_PRIMARY_FIRST = case((PhoneLine.line_type == "primary", 0), else_=1)
_CUSTOMER_EXISTS = select(Customer.id).where(Customer.id == bindparam("customer_id"))
_MAIN_LINE = (
    select(PhoneLine)
    .where(PhoneLine.customer_id == bindparam("customer_id"), PhoneLine.status != "cancelled")
    .order_by(_PRIMARY_FIRST, PhoneLine.id)
    .limit(1)
)
# The package comes in the same statement (a subscription always has one).
_ACTIVE_SUBSCRIPTION = (
    select(Subscription)
    .join(PhoneLine, Subscription.line_id == PhoneLine.id)
    .where(Subscription.customer_id == bindparam("customer_id"), Subscription.status == "active")
    .order_by(_PRIMARY_FIRST, Subscription.id)
    .options(joinedload(Subscription.package, innerjoin=True))
    .limit(1)
)


def _no_such_customer(customer_id: int) -> ToolError:
    return ToolError(
        errors.INVALID_USER,
        "Bu müşteri numarasına ait bir kayıt bulunamadı.",
        {"user_id": customer_id},
    )


async def customer(session: AsyncSession, customer_id: int) -> Customer:
    """The customer, or INVALID_USER."""
    found = await session.get(Customer, customer_id)
    if found is None:
        raise _no_such_customer(customer_id)
    return found


async def require_customer(session: AsyncSession, customer_id: int) -> None:
    """INVALID_USER unless the customer exists (for tools that read only their records)."""
    if await session.scalar(_CUSTOMER_EXISTS, {"customer_id": customer_id}) is None:
        raise _no_such_customer(customer_id)


async def main_line(session: AsyncSession, customer_id: int) -> PhoneLine:
    """The customer's primary line (else their first line that is not cancelled), or NO_LINE."""
    line = await session.scalar(_MAIN_LINE, {"customer_id": customer_id})
    if line is None:
        raise ToolError(errors.NO_LINE, "Hesabınıza bağlı kullanımda bir hat bulunamadı.")
    return line


async def active_subscription(session: AsyncSession, customer_id: int) -> Subscription:
    """The active subscription of the main line (package loaded), or NO_ACTIVE_PACKAGE."""
    subscription = await session.scalar(_ACTIVE_SUBSCRIPTION, {"customer_id": customer_id})
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
