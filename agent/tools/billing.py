"""Billing tools: current and past bills, paying a bill, payment history, autopay."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import CursorResult, bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from agent.tools import errors, lookups
from agent.tools.context import ToolContext
from agent.tools.errors import ToolError
from agent.tools.params import BillLimit, Flag, OptionalBillId, PaymentMethod, UserId
from agent.tools.registry import Preview, tool
from agent.tools.results import day_of, iso_day, iso_moment, money
from core.turkish import format_day, format_money
from db.ids import next_public_id
from db.models import Bill, Customer, Payment, Subscription

PAYMENT_HISTORY_LIMIT = 50

METHOD_LABELS = {"credit_card": "kredi kartı", "bank_transfer": "banka havalesi"}

# Built once: the most asked-for bill (see agent.tools.lookups).
_LATEST_BILL = (
    select(Bill)
    .where(Bill.customer_id == bindparam("customer_id"))
    .order_by(Bill.bill_date.desc(), Bill.id.desc())
    .options(selectinload(Bill.items))
    .limit(1)
)


@tool(needs_customer=True)
async def get_current_bill(ctx: ToolContext, user_id: UserId) -> dict[str, Any]:
    """Müşterinin en son kesilen faturasını ve kalemlerini getirir."""
    async with ctx.transaction() as session:
        await lookups.require_customer(session, user_id)
        bill = await session.scalar(_LATEST_BILL, {"customer_id": user_id})
        if bill is None:
            raise ToolError(errors.NO_BILL, "Hesabınıza kesilmiş bir fatura bulunmuyor.")
        return {
            "bill_id": bill.id,
            "user_id": user_id,
            "amount": money(bill.amount),
            "currency": bill.currency,
            "due_date": iso_day(bill.due_date),
            "bill_date": iso_day(bill.bill_date),
            "status": bill.status_on(ctx.today()),
            "services": [
                {"service_name": item.service_name, "amount": money(item.amount)}
                for item in bill.items
            ],
        }


@tool(needs_customer=True)
async def get_past_bills(
    ctx: ToolContext, user_id: UserId, limit: BillLimit = 12
) -> dict[str, Any]:
    """Müşterinin geçmiş faturalarını en yeniden eskiye listeler.

    ``total_count`` and ``total_amount_paid`` are over the listed bills.
    Extension of the contract: each bill also carries its ``due_date`` (a key
    the model may ignore), so an older unpaid bill's deadline can be told.
    """
    async with ctx.transaction() as session:
        await lookups.require_customer(session, user_id)
        bills = list(
            await session.scalars(
                select(Bill)
                .where(Bill.customer_id == user_id)
                .order_by(Bill.bill_date.desc(), Bill.id.desc())
                .limit(limit)
            )
        )
    today = ctx.today()
    listed = [_past_bill(bill, today) for bill in bills]
    paid_total = sum((bill.amount for bill in bills if bill.paid_at is not None), Decimal(0))
    return {
        "bills": listed,
        "total_count": len(listed),
        "total_amount_paid": money(paid_total),
    }


def _past_bill(bill: Bill, today: date) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "bill_id": bill.id,
        "amount": money(bill.amount),
        "bill_date": iso_day(bill.bill_date),
        "due_date": iso_day(bill.due_date),
        "status": bill.status_on(today),
    }
    if bill.paid_at is not None:
        entry["paid_date"] = day_of(bill.paid_at)
    return entry


async def _payable_bill(session: AsyncSession, customer_id: int, bill_id: str | None) -> Bill:
    """The bill to pay: the named one if it is the customer's and unpaid, else the oldest unpaid."""
    await lookups.require_customer(session, customer_id)
    if bill_id is None:
        unpaid = await lookups.unpaid_bills(session, customer_id)
        if not unpaid:
            raise ToolError(errors.NO_BILL, "Ödenmemiş faturanız bulunmuyor.")
        return unpaid[0]
    wanted = bill_id.strip().upper()
    bill = await session.get(Bill, wanted)
    if bill is None or bill.customer_id != customer_id:
        # Someone else's bill is reported exactly like a missing one.
        raise ToolError(
            errors.BILL_NOT_FOUND,
            f"{wanted} numaralı bir faturanız bulunamadı.",
            {"bill_id": wanted},
        )
    if bill.paid_at is not None:
        raise ToolError(
            errors.BILL_ALREADY_PAID,
            f"{bill.id} numaralı fatura {format_day(bill.paid_at)} tarihinde zaten ödenmiş.",
            {"bill_id": bill.id, "paid_date": day_of(bill.paid_at)},
        )
    return bill


async def preview_pay_bill(
    ctx: ToolContext, *, bill_id: OptionalBillId = None, method: PaymentMethod
) -> Preview:
    customer_id = ctx.require_customer()
    async with ctx.transaction() as session:
        bill = await _payable_bill(session, customer_id, bill_id)
    today = ctx.today()
    due = "son ödeme tarihi geçmiş" if bill.status_on(today) == "overdue" else "son ödeme tarihi"
    summary = (
        f"{bill.id} numaralı, {due} {format_day(bill.due_date)} olan "
        f"{format_money(bill.amount)} tutarındaki faturanız {METHOD_LABELS[method]} ile "
        "ödenecek."
    )
    return Preview(summary, {"bill_id": bill.id, "method": method})


@tool(needs_customer=True, confirm_with=preview_pay_bill)
async def pay_bill(
    ctx: ToolContext, *, bill_id: OptionalBillId = None, method: PaymentMethod
) -> dict[str, Any]:
    """Müşterinin faturasını kredi kartı veya banka havalesiyle öder.

    Extension of the contract: ``bill_id`` may be omitted; the customer's
    oldest unpaid bill (the most overdue) is paid then, and NO_BILL is the
    answer when nothing is unpaid.
    """
    customer_id = ctx.require_customer()
    now = ctx.now()
    async with ctx.transaction() as session:
        bill = await _payable_bill(session, customer_id, bill_id)
        # Conditional on "still unpaid", so two payments of one bill cannot both succeed.
        # A DML statement's result is a CursorResult (rowcount); execute is typed Result.
        marked = cast(
            CursorResult[Any],
            await session.execute(
                update(Bill)
                .where(Bill.id == bill.id, Bill.paid_at.is_(None))
                .values(paid_at=now)
                .execution_options(synchronize_session=False)
            ),
        )
        if marked.rowcount != 1:
            raise ToolError(
                errors.BILL_ALREADY_PAID,
                f"{bill.id} numaralı fatura zaten ödenmiş.",
                {"bill_id": bill.id},
            )
        payment = Payment(
            id=await next_public_id(session, "TXN", ctx.today().year),
            customer_id=customer_id,
            bill_id=bill.id,
            amount=bill.amount,
            method=method,
            status="completed",
            created_at=now,
        )
        session.add(payment)
    return {
        "transaction_id": payment.id,
        "bill_id": bill.id,
        "amount": money(bill.amount),
        "method": method,
        "status": payment.status,
        "timestamp": iso_moment(now),
    }


@tool(needs_customer=True)
async def get_payment_history(ctx: ToolContext, user_id: UserId) -> dict[str, Any]:
    """Müşterinin yaptığı ödemeleri en yeniden eskiye listeler.

    Lists the latest ``PAYMENT_HISTORY_LIMIT`` payments; the totals are over them.
    """
    async with ctx.transaction() as session:
        await lookups.require_customer(session, user_id)
        payments = list(
            await session.scalars(
                select(Payment)
                .where(Payment.customer_id == user_id)
                .order_by(Payment.created_at.desc(), Payment.id.desc())
                .limit(PAYMENT_HISTORY_LIMIT)
            )
        )
    return {
        "payments": [
            {
                "transaction_id": payment.id,
                "amount": money(payment.amount),
                "method": payment.method,
                "date": day_of(payment.created_at),
                "bill_id": payment.bill_id,
            }
            for payment in payments
        ],
        "total_payments": len(payments),
        "total_amount": money(sum((payment.amount for payment in payments), Decimal(0))),
    }


async def _autopay_account(session: AsyncSession, customer_id: int, status: bool) -> Customer:
    """The customer whose autopay is to be set to ``status``; an error if it already is."""
    account = await lookups.customer(session, customer_id)
    if account.autopay_enabled == status:
        if status:
            raise ToolError(
                errors.AUTOPAY_ALREADY_ENABLED, "Otomatik ödeme talimatınız zaten açık."
            )
        raise ToolError(errors.AUTOPAY_ALREADY_DISABLED, "Otomatik ödeme talimatınız zaten kapalı.")
    return account


async def _next_payment_date(session: AsyncSession, customer_id: int, today: date) -> date | None:
    """When autopay next charges.

    The first unpaid bill's due date (today if it is overdue), else the day the
    next bill is issued.
    """
    unpaid = await lookups.unpaid_bills(session, customer_id)
    if unpaid:
        return max(unpaid[0].due_date, today)
    return await session.scalar(
        select(func.min(Subscription.renewal_date)).where(
            Subscription.customer_id == customer_id, Subscription.status == "active"
        )
    )


async def preview_setup_autopay(ctx: ToolContext, user_id: UserId, status: Flag) -> Preview:
    async with ctx.transaction() as session:
        account = await _autopay_account(session, user_id, status)
        next_date = await _next_payment_date(session, user_id, ctx.today())
    if not status:
        summary = (
            "Otomatik ödeme talimatınız iptal edilecek. Bundan sonra faturalarınızı son ödeme "
            "tarihine kadar kendiniz ödemeniz gerekecek."
        )
    else:
        summary = (
            "Otomatik ödeme talimatı verilecek: faturalarınız son ödeme tarihinde kayıtlı "
            f"{METHOD_LABELS.get(account.autopay_method, account.autopay_method)} ile "
            "otomatik olarak ödenecek."
        )
        if next_date is not None:
            summary += f" İlk ödeme tarihi: {format_day(next_date)}."
    return Preview(summary, {"user_id": user_id, "status": status})


@tool(needs_customer=True, confirm_with=preview_setup_autopay)
async def setup_autopay(ctx: ToolContext, user_id: UserId, status: Flag) -> dict[str, Any]:
    """Otomatik fatura ödeme talimatını açar (status=true) veya kapatır (status=false)."""
    async with ctx.transaction() as session:
        account = await _autopay_account(session, user_id, status)
        account.autopay_enabled = status
        next_date = await _next_payment_date(session, user_id, ctx.today()) if status else None
    return {
        "user_id": user_id,
        "autopay_enabled": status,
        "payment_method": account.autopay_method,
        "next_payment_date": None if next_date is None else iso_day(next_date),
    }
