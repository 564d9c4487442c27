"""Account tools: profile, contact details, roaming, suspending and reactivating the line."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from agent.tools import errors, lookups
from agent.tools.contact_values import MIN_ADDRESS_CHARS, format_mobile, is_email, normalize_mobile
from agent.tools.context import ToolContext
from agent.tools.errors import ToolError
from agent.tools.params import (
    ContactType,
    ContactTypeName,
    ContactValue,
    Flag,
    SuspensionReason,
    UserId,
)
from agent.tools.registry import Preview, tool
from agent.tools.results import iso_day, iso_moment, money
from core.turkish import fold, format_day, format_money, to_istanbul
from db.models import ContactChange, Customer, PhoneLine
from db.reference_data import (
    MAX_SUSPENSION_DAYS,
    REACTIVATION_FEE,
    ROAMING_DAILY_FEE,
    ROAMING_DAILY_GB,
)

ROAMING_DATA_PACKAGE = f"{ROAMING_DAILY_GB} GB/gün"
# Military service ("askerlik", "askere gidiyorum" ...) suspends the line free of charge.
FEE_FREE_REASON_STEM = "asker"


def reactivation_fee(reason: str | None) -> Decimal:
    """What reactivating costs: nothing after military service, else the standard fee."""
    return Decimal("0.00") if reason and FEE_FREE_REASON_STEM in fold(reason) else REACTIVATION_FEE


@tool(needs_customer=True)
async def get_customer_profile(ctx: ToolContext, user_id: UserId) -> dict[str, Any]:
    """Müşterinin adını, hatlarını, iletişim bilgilerini ve müşteri seviyesini getirir.

    Extension of the contract: ``autopay_enabled`` (whether bills are paid by
    automatic payment) and ``autopay_method`` (``credit_card`` or
    ``bank_transfer``, the method autopay charges when on), keys the model may
    ignore, so "otomatik ödemem açık mı" can be answered.
    """
    async with ctx.transaction() as session:
        account = await lookups.customer(session, user_id)
        lines = list(
            await session.scalars(
                select(PhoneLine).where(PhoneLine.customer_id == user_id).order_by(PhoneLine.id)
            )
        )
    return {
        "user_id": user_id,
        "name": account.full_name,
        "phone_numbers": [
            {"number": line.number, "type": line.line_type, "status": line.status} for line in lines
        ],
        "email": account.email,
        "address": account.address,
        "registration_date": iso_day(account.registration_date),
        "customer_tier": account.tier,
        "autopay_enabled": account.autopay_enabled,
        "autopay_method": account.autopay_method,
    }


# --- contact details ---------------------------------------------------------


@dataclass(frozen=True)
class _ContactPlan:
    account: Customer
    contact_type: ContactTypeName
    old_value: str | None
    new_value: str

    @property
    def verification_required(self) -> bool:
        return self.contact_type != "address"


async def _plan_contact_change(
    session: AsyncSession, customer_id: int, contact_type: ContactTypeName, new_value: str
) -> _ContactPlan:
    """The normalised new value and the current one; ToolError if the value is unusable."""
    account = await lookups.customer(session, customer_id)
    old_value: str | None
    if contact_type == "phone":
        normalized = normalize_mobile(new_value)
        if normalized is None:
            raise ToolError(
                errors.INVALID_ARGUMENT,
                "Geçerli bir cep telefonu numarası yazın (örneğin 0532 123 45 67).",
                {"argument": "new_value"},
            )
        old_value = (await lookups.main_line(session, customer_id)).number
        unchanged = normalized == old_value
    elif contact_type == "email":
        normalized = new_value.strip()
        if not is_email(normalized):
            raise ToolError(
                errors.INVALID_ARGUMENT,
                "Geçerli bir e-posta adresi yazın (örneğin ad.soyad@ornek.com).",
                {"argument": "new_value"},
            )
        old_value = account.email
        unchanged = old_value is not None and old_value.lower() == normalized.lower()
    else:
        normalized = " ".join(new_value.split())
        if len(normalized) < MIN_ADDRESS_CHARS:
            raise ToolError(
                errors.INVALID_ARGUMENT,
                "Adresinizi mahalle, sokak, kapı numarası ve ilçe/il ile birlikte eksiksiz yazın.",
                {"argument": "new_value"},
            )
        old_value = account.address
        unchanged = old_value is not None and fold(old_value) == fold(normalized)
    if unchanged:
        raise ToolError(errors.CONTACT_UNCHANGED, "Yazdığınız bilgi kayıtlı bilginizle zaten aynı.")
    return _ContactPlan(account, contact_type, old_value, normalized)


def _contact_summary(plan: _ContactPlan) -> str:
    if plan.contact_type == "phone":
        old = format_mobile(plan.old_value) if plan.old_value else "kayıtlı numaranız"
        return (
            f"İletişim telefon numaranız {old} yerine {format_mobile(plan.new_value)} olarak "
            "değiştirilecek. Değişiklik, yeni numaraya gönderilecek doğrulama kodunu "
            "onayladığınızda geçerli olur."
        )
    if plan.contact_type == "email":
        old = f"{plan.old_value} yerine " if plan.old_value else ""
        return (
            f"E-posta adresiniz {old}{plan.new_value} olarak değiştirilecek. Değişiklik, yeni "
            "adrese gönderilecek doğrulama bağlantısını onayladığınızda geçerli olur."
        )
    return f"Adresiniz hemen “{plan.new_value}” olarak güncellenecek."


async def preview_update_customer_contact(
    ctx: ToolContext, user_id: UserId, contact_type: ContactType, new_value: ContactValue
) -> Preview:
    async with ctx.transaction() as session:
        plan = await _plan_contact_change(session, user_id, contact_type, new_value)
    arguments = {"user_id": user_id, "contact_type": contact_type, "new_value": plan.new_value}
    return Preview(_contact_summary(plan), arguments)


@tool(needs_customer=True, confirm_with=preview_update_customer_contact)
async def update_customer_contact(
    ctx: ToolContext, user_id: UserId, contact_type: ContactType, new_value: ContactValue
) -> dict[str, Any]:
    """Müşterinin telefon, e-posta veya adres bilgisini günceller; telefon ve e-posta doğrulanır.

    Phone and e-mail changes are stored as a ContactChange awaiting
    verification and do not change the account yet; an address applies at once.
    """
    now = ctx.now()
    async with ctx.transaction() as session:
        plan = await _plan_contact_change(session, user_id, contact_type, new_value)
        if not plan.verification_required:
            plan.account.address = plan.new_value
        session.add(
            ContactChange(
                customer_id=user_id,
                contact_type=contact_type,
                old_value=plan.old_value,
                new_value=plan.new_value,
                verification_required=plan.verification_required,
                verified_at=None if plan.verification_required else now,
                created_at=now,
            )
        )
    return {
        "user_id": user_id,
        "contact_type": contact_type,
        "old_value": plan.old_value,
        "new_value": plan.new_value,
        "updated_at": iso_moment(now),
        "verification_required": plan.verification_required,
    }


# --- roaming -----------------------------------------------------------------


async def _line_for_roaming(session: AsyncSession, customer_id: int, status: bool) -> PhoneLine:
    await lookups.require_customer(session, customer_id)
    line = await lookups.main_line(session, customer_id)
    if line.roaming_enabled == status:
        if status:
            raise ToolError(
                errors.ROAMING_ALREADY_ENABLED, "Hattınızda yurt dışı kullanımı zaten açık."
            )
        raise ToolError(
            errors.ROAMING_ALREADY_DISABLED, "Hattınızda yurt dışı kullanımı zaten kapalı."
        )
    if status and line.status == "suspended":
        raise ToolError(
            errors.LINE_SUSPENDED,
            "Hattınız askıda olduğu için yurt dışı kullanımı açılamaz; önce hattınızı "
            "yeniden açtırmanız gerekir.",
        )
    return line


async def preview_enable_roaming(ctx: ToolContext, user_id: UserId, status: Flag) -> Preview:
    async with ctx.transaction() as session:
        line = await _line_for_roaming(session, user_id, status)
    number = format_mobile(line.number)
    if status:
        summary = (
            f"{number} numaralı hattınızda yurt dışı kullanımı (roaming) açılacak. Günlük ücret "
            f"{format_money(ROAMING_DAILY_FEE)}; her gün 1 GB internet dahildir."
        )
    else:
        summary = (
            f"{number} numaralı hattınızda yurt dışı kullanımı (roaming) kapatılacak; yurt "
            "dışında hattınızla arama yapamaz ve mobil internet kullanamazsınız."
        )
    return Preview(summary, {"user_id": user_id, "status": status})


@tool(needs_customer=True, confirm_with=preview_enable_roaming)
async def enable_roaming(ctx: ToolContext, user_id: UserId, status: Flag) -> dict[str, Any]:
    """Hatta yurt dışı kullanımını (roaming) açar veya kapatır; günlük ücret 25 TL, günde 1 GB."""
    now = ctx.now()
    async with ctx.transaction() as session:
        line = await _line_for_roaming(session, user_id, status)
        line.roaming_enabled = status
        line.roaming_enabled_at = now if status else None
    return {
        "user_id": user_id,
        "roaming_enabled": status,
        "activation_time": iso_moment(now) if status else None,
        "daily_fee": money(ROAMING_DAILY_FEE if status else Decimal(0)),
        "data_package": ROAMING_DATA_PACKAGE if status else None,
    }


# --- suspension --------------------------------------------------------------


async def _line_to_suspend(session: AsyncSession, customer_id: int) -> PhoneLine:
    await lookups.require_customer(session, customer_id)
    line = await lookups.main_line(session, customer_id)
    if line.status == "suspended":
        since = f" {format_day(line.suspended_at)} tarihinden beri" if line.suspended_at else ""
        raise ToolError(errors.LINE_ALREADY_SUSPENDED, f"Hattınız{since} zaten askıda.")
    if line.status != "active":
        raise ToolError(
            errors.SUSPEND_FAILED, "Hattınızın şu anki durumunda askıya alma yapılamıyor."
        )
    return line


async def preview_suspend_line(
    ctx: ToolContext, user_id: UserId, reason: SuspensionReason
) -> Preview:
    async with ctx.transaction() as session:
        line = await _line_to_suspend(session, user_id)
    fee = reactivation_fee(reason)
    fee_text = (
        "Askerlik nedeniyle yeniden açma ücretsizdir."
        if fee == 0
        else f"Hattı yeniden açtırırken {format_money(fee)} ücret alınır."
    )
    summary = (
        f"{format_mobile(line.number)} numaralı hattınız “{reason}” nedeniyle askıya alınacak "
        f"(dondurulacak). Hat en fazla {MAX_SUSPENSION_DAYS} gün askıda kalabilir. {fee_text}"
    )
    return Preview(summary, {"user_id": user_id, "reason": reason})


@tool(needs_customer=True, confirm_with=preview_suspend_line)
async def suspend_line(
    ctx: ToolContext, user_id: UserId, reason: SuspensionReason
) -> dict[str, Any]:
    """Müşterinin hattını en fazla 90 gün askıya alır (askerlik için yeniden açma ücretsiz)."""
    now = ctx.now()
    async with ctx.transaction() as session:
        line = await _line_to_suspend(session, user_id)
        line.status = "suspended"
        line.suspended_at = now
        line.suspension_reason = reason
    return {
        "user_id": user_id,
        "line_number": line.number,
        "suspension_reason": reason,
        "suspended_at": iso_moment(now),
        "reactivation_fee": money(reactivation_fee(reason)),
        "max_suspension_days": MAX_SUSPENSION_DAYS,
    }


async def _suspended_line(session: AsyncSession, customer_id: int) -> PhoneLine:
    await lookups.require_customer(session, customer_id)
    line = await lookups.main_line(session, customer_id)
    if line.status != "suspended":
        raise ToolError(errors.LINE_NOT_SUSPENDED, "Hattınız askıda değil; zaten kullanıma açık.")
    return line


def _suspension_days(ctx: ToolContext, line: PhoneLine) -> int:
    if line.suspended_at is None:
        return 0
    return max((ctx.today() - to_istanbul(line.suspended_at).date()).days, 0)


async def preview_reactivate_line(ctx: ToolContext, user_id: UserId) -> Preview:
    async with ctx.transaction() as session:
        line = await _suspended_line(session, user_id)
    fee = reactivation_fee(line.suspension_reason)
    fee_text = (
        "Askerlik nedeniyle yeniden açma ücretsizdir."
        if fee == 0
        else f"Yeniden açma ücreti {format_money(fee)}."
    )
    summary = (
        f"{_suspension_days(ctx, line)} gündür askıda olan {format_mobile(line.number)} "
        f"numaralı hattınız yeniden açılacak. {fee_text}"
    )
    return Preview(summary, {"user_id": user_id})


@tool(needs_customer=True, confirm_with=preview_reactivate_line)
async def reactivate_line(ctx: ToolContext, user_id: UserId) -> dict[str, Any]:
    """Askıdaki hattı yeniden açar ve askıda kalınan gün sayısını hesaplar."""
    now = ctx.now()
    async with ctx.transaction() as session:
        line = await _suspended_line(session, user_id)
        days = _suspension_days(ctx, line)
        fee = reactivation_fee(line.suspension_reason)
        line.status = "active"
        line.suspended_at = None
        line.suspension_reason = None
    return {
        "user_id": user_id,
        "line_number": line.number,
        "reactivated_at": iso_moment(now),
        "suspension_duration_days": days,
        "reactivation_fee": money(fee),
    }
