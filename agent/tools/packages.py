"""Package tools: the customer's package and quotas, the catalogue, changing package."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from agent.tools import errors, lookups
from agent.tools.context import ToolContext
from agent.tools.errors import ToolError
from agent.tools.params import PackageName, UserId
from agent.tools.registry import Preview, tool
from agent.tools.results import iso_day, money
from core.turkish import format_day, format_money
from db.ids import next_public_id
from db.models import Customer, Package, PackageChange, Subscription

MB_PER_GB = 1024
DEBTOR_DOWNGRADE_REASON = "Borçlu müşteri düşük pakete geçemez"
SEGMENT_AUDIENCES = {
    "student": "öğrencilere",
    "civil_servant": "kamu çalışanlarına",
    "business": "esnaf ve işletmelere",
}


@tool(needs_customer=True)
async def get_customer_package(ctx: ToolContext, user_id: UserId) -> dict[str, Any]:
    """Müşterinin kullandığı paketi, özelliklerini ve yenileme tarihini getirir."""
    async with ctx.transaction() as session:
        await lookups.require_customer(session, user_id)
        subscription = await lookups.active_subscription(session, user_id)
    package = subscription.package
    features: dict[str, Any] = {
        "internet_gb": package.internet_gb,
        "voice_minutes": package.voice_minutes,
        "sms_count": package.sms_count,
        "roaming_enabled": package.roaming_enabled,
    }
    if package.international_minutes:
        features["international_minutes"] = package.international_minutes
    return {
        "package_name": package.name,
        "monthly_fee": money(package.monthly_fee),
        "features": features,
        "activation_date": iso_day(subscription.activation_date),
        "renewal_date": iso_day(subscription.renewal_date),
    }


@tool(needs_customer=True)
async def get_remaining_quotas(ctx: ToolContext, user_id: UserId) -> dict[str, Any]:
    """Müşterinin bu dönem kalan internet, dakika ve SMS haklarını getirir."""
    async with ctx.transaction() as session:
        await lookups.require_customer(session, user_id)
        subscription = await lookups.active_subscription(session, user_id)
    package = subscription.package
    internet_total_mb = package.internet_gb * MB_PER_GB
    internet_left_mb = max(internet_total_mb - subscription.internet_used_mb, 0)
    return {
        "internet_remaining_gb": round(internet_left_mb / MB_PER_GB, 2),
        "voice_remaining_minutes": max(package.voice_minutes - subscription.voice_used_minutes, 0),
        "sms_remaining": max(package.sms_count - subscription.sms_used, 0),
        "period_end": iso_day(subscription.period_end),
        "usage_percentage": {
            "internet": _percentage(subscription.internet_used_mb, internet_total_mb),
            "voice": _percentage(subscription.voice_used_minutes, package.voice_minutes),
            "sms": _percentage(subscription.sms_used, package.sms_count),
        },
    }


def _percentage(used: int, total: int) -> float:
    """Share of a quota used, 0-100 with one decimal (a zero quota counts as used up)."""
    if total <= 0:
        return 100.0
    return round(min(used / total, 1.0) * 100, 1)


@tool(needs_customer=False)
async def get_available_packages(ctx: ToolContext) -> dict[str, Any]:
    """Satıştaki tüm paketleri ücret ve özellikleriyle listeler.

    Extension of the contract: in a chat with a linked customer, a package
    reserved for a group (``target_audience``) also carries ``eligible``:
    whether that customer belongs to the group (a key the model may ignore).
    Other rules (a debtor may not move to a cheaper package) are checked by
    ``change_package`` when the change is proposed.
    """
    async with ctx.transaction() as session:
        packages = await lookups.active_packages(session)
        account = None
        if ctx.customer_id is not None:
            account = await session.get(Customer, ctx.customer_id)
    listed = []
    for package in packages:
        entry: dict[str, Any] = {
            "name": package.name,
            "monthly_fee": money(package.monthly_fee),
            "features": {
                "internet_gb": package.internet_gb,
                "voice_minutes": package.voice_minutes,
                "sms_count": package.sms_count,
            },
        }
        if package.target_audience:
            entry["target_audience"] = package.target_audience
        if package.eligibility is not None and account is not None:
            entry["eligible"] = account.segment == package.eligibility
        listed.append(entry)
    return {"packages": listed}


@tool(needs_customer=False)
async def get_package_details(ctx: ToolContext, package_name: PackageName) -> dict[str, Any]:
    """Bir paketin ücret, kurulum, taahhüt ve cayma bedeli dahil tüm ayrıntılarını getirir."""
    async with ctx.transaction() as session:
        package = await lookups.package_by_name(session, package_name)
    return {
        "name": package.name,
        "monthly_fee": money(package.monthly_fee),
        "setup_fee": money(package.setup_fee),
        "features": {
            "internet_gb": package.internet_gb,
            "voice_minutes": package.voice_minutes,
            "sms_count": package.sms_count,
            "roaming_enabled": package.roaming_enabled,
            "international_minutes": package.international_minutes,
        },
        "contract_duration": package.contract_duration_months,
        "cancellation_fee": money(package.cancellation_fee),
    }


@dataclass(frozen=True)
class _PackageChangePlan:
    subscription: Subscription
    current: Package
    new: Package
    replaces: PackageChange | None

    @property
    def fee_difference(self) -> Decimal:
        return self.new.monthly_fee - self.current.monthly_fee


async def _plan_package_change(
    session: AsyncSession, customer_id: int, new_package_name: str
) -> _PackageChangePlan:
    """Check the operator's rules for a package change; ToolError when it is not allowed."""
    account = await lookups.customer(session, customer_id)
    subscription = await lookups.active_subscription(session, customer_id)
    current = subscription.package
    new = await lookups.package_by_name(session, new_package_name)
    if new.id == current.id:
        raise ToolError(
            errors.SAME_PACKAGE,
            f"Zaten {current.name} paketini kullanıyorsunuz.",
            {"package_name": current.name},
        )
    if new.eligibility is not None and account.segment != new.eligibility:
        audience = SEGMENT_AUDIENCES.get(new.eligibility, "belirli bir müşteri grubuna")
        raise ToolError(
            errors.INELIGIBLE_FOR_PACKAGE,
            f"{new.name} yalnızca {audience} açık bir pakettir.",
            {"reason": "eligibility", "required_segment": new.eligibility},
        )
    if new.monthly_fee < current.monthly_fee:
        unpaid = await lookups.unpaid_bills(session, customer_id)
        if unpaid:
            debt = sum((bill.amount for bill in unpaid), Decimal(0))
            raise ToolError(
                errors.INELIGIBLE_FOR_PACKAGE,
                f"{DEBTOR_DOWNGRADE_REASON}: ödenmemiş {format_money(debt)} borcunuz var. "
                "Borcunuzu ödedikten sonra daha uygun pakete geçebilirsiniz.",
                {"reason": DEBTOR_DOWNGRADE_REASON, "unpaid_amount": money(debt)},
            )
    replaces = await session.scalar(
        select(PackageChange)
        .where(
            PackageChange.subscription_id == subscription.id,
            PackageChange.status == "scheduled",
        )
        .limit(1)
    )
    return _PackageChangePlan(subscription, current, new, replaces)


async def preview_change_package(
    ctx: ToolContext, user_id: UserId, new_package_name: PackageName
) -> Preview:
    async with ctx.transaction() as session:
        plan = await _plan_package_change(session, user_id, new_package_name)
        replaced_name = None
        if plan.replaces is not None:
            replaced = await session.get(Package, plan.replaces.to_package_id)
            replaced_name = replaced.name if replaced else None
    difference = plan.fee_difference
    if difference > 0:
        fee_text = f"Aylık ücretiniz {format_money(difference)} artacak."
    elif difference < 0:
        fee_text = f"Aylık ücretiniz {format_money(-difference)} azalacak."
    else:
        fee_text = "Aylık ücretiniz değişmeyecek."
    summary = (
        f"Paketiniz {plan.current.name} ({format_money(plan.current.monthly_fee)}/ay) yerine "
        f"{plan.new.name} ({format_money(plan.new.monthly_fee)}/ay) olacak. {fee_text} "
        f"Değişiklik bir sonraki yenilemede, {format_day(plan.subscription.renewal_date)} "
        "tarihinde geçerli olur."
    )
    if replaced_name:
        summary += f" Daha önce planlanan {replaced_name} geçişi iptal edilecek."
    return Preview(summary, {"user_id": user_id, "new_package_name": plan.new.name})


@tool(needs_customer=True, confirm_with=preview_change_package)
async def change_package(
    ctx: ToolContext, user_id: UserId, new_package_name: PackageName
) -> dict[str, Any]:
    """Müşterinin paketini bir sonraki yenileme tarihinden geçerli olacak şekilde değiştirir."""
    async with ctx.transaction() as session:
        plan = await _plan_package_change(session, user_id, new_package_name)
        if plan.replaces is not None:
            await session.execute(
                update(PackageChange)
                .where(PackageChange.id == plan.replaces.id)
                .values(status="cancelled")
            )
        change = PackageChange(
            id=await next_public_id(session, "CHG", ctx.today().year),
            customer_id=user_id,
            subscription_id=plan.subscription.id,
            from_package_id=plan.current.id,
            to_package_id=plan.new.id,
            effective_date=plan.subscription.renewal_date,
            fee_difference=plan.fee_difference,
            status="scheduled",
            created_at=ctx.now(),
        )
        session.add(change)
    return {
        "change_id": change.id,
        "from_package": plan.current.name,
        "to_package": plan.new.name,
        "effective_date": iso_day(change.effective_date),
        "fee_difference": money(change.fee_difference),
        "status": change.status,
    }
