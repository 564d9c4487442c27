"""Support tools: opening a fault ticket and following it up."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from agent.tools import errors, lookups
from agent.tools.context import ToolContext
from agent.tools.errors import ToolError
from agent.tools.params import (
    IssueDescription,
    TicketCategory,
    TicketCategoryName,
    TicketId,
    TicketPriority,
    TicketPriorityName,
    UserId,
)
from agent.tools.registry import Preview, tool
from agent.tools.results import iso_moment, optional_moment
from core.turkish import fold, format_day
from db.ids import next_public_id
from db.models import FaultTicket

OPEN_STATUSES = ("open", "in_progress")

# Folded word stems that point to a category; the category with most hits wins,
# ties go to the one listed first.
CATEGORY_KEYWORDS: dict[TicketCategoryName, tuple[str, ...]] = {
    "billing": ("fatura", "ucret", "odeme", "borc", "tahsil", "kesinti", "para"),
    "sms": ("sms", "mesaj"),
    "coverage": ("cekmiyor", "sinyal", "kapsama", "sebeke", "anten", "servis yok"),
    "voice": ("arama", "aray", "ses", "konusma", "cagri", "hat dus", "duyam", "duyul"),
    "internet": ("internet", "wifi", "modem", "hiz", "yavas", "baglan", "mobil veri", "4g", "5g"),
    "device": ("cihaz", "telefonum", "sim", "sarj", "ekran"),
}
CATEGORY_LABELS: dict[str, str] = {
    "internet": "İnternet",
    "voice": "Sesli arama",
    "sms": "SMS",
    "billing": "Fatura",
    "device": "Cihaz",
    "coverage": "Şebeke kapsaması",
    "other": "Diğer",
}
PRIORITY_ORDER: tuple[TicketPriorityName, ...] = ("low", "medium", "high", "urgent")
PRIORITY_LABELS = {"low": "Düşük", "medium": "Normal", "high": "Yüksek", "urgent": "Acil"}
RESOLUTION_HOURS = {"low": 72, "medium": 24, "high": 4, "urgent": 2}
# Gold and platinum customers are never served below "high" (about 4 h instead of 24 h).
TIER_MINIMUM_PRIORITY: dict[str, TicketPriorityName] = {"gold": "high", "platinum": "high"}


def infer_category(description: str) -> TicketCategoryName:
    """The ticket category a Turkish fault description most likely belongs to."""
    text = fold(description)
    words = text.split()

    def hits(stem: str) -> int:
        if " " in stem:
            return text.count(stem)
        return sum(word.startswith(stem) for word in words)

    best: TicketCategoryName = "other"
    best_hits = 0
    for category, stems in CATEGORY_KEYWORDS.items():
        count = sum(hits(stem) for stem in stems)
        if count > best_hits:
            best, best_hits = category, count
    return best


def effective_priority(requested: TicketPriorityName | None, tier: str) -> TicketPriorityName:
    """The requested priority (``medium`` if none), raised to the tier's minimum."""
    chosen = requested or "medium"
    floor = TIER_MINIMUM_PRIORITY.get(tier, "low")
    return max(chosen, floor, key=PRIORITY_ORDER.index)


@dataclass(frozen=True)
class _TicketPlan:
    category: TicketCategoryName
    priority: TicketPriorityName

    @property
    def resolution_hours(self) -> int:
        return RESOLUTION_HOURS[self.priority]


async def _plan_ticket(
    session: AsyncSession,
    customer_id: int,
    description: str,
    category: TicketCategoryName | None,
    priority: TicketPriorityName | None,
) -> _TicketPlan:
    """Category and priority of the new ticket; DUPLICATE_TICKET_FOUND if one is open."""
    account = await lookups.customer(session, customer_id)
    plan = _TicketPlan(
        category=category or infer_category(description),
        priority=effective_priority(priority, account.tier),
    )
    existing = await session.scalar(
        select(FaultTicket)
        .where(
            FaultTicket.customer_id == customer_id,
            FaultTicket.category == plan.category,
            FaultTicket.status.in_(OPEN_STATUSES),
        )
        .order_by(FaultTicket.created_at.desc())
        .limit(1)
    )
    if existing is not None:
        raise ToolError(
            errors.DUPLICATE_TICKET_FOUND,
            f"Bu konuda {format_day(existing.created_at)} tarihinde açılmış ve hâlâ süren "
            f"{existing.id} numaralı bir arıza kaydınız var; yeni kayıt açmak yerine onu "
            "takip edebilirsiniz.",
            {"existing_ticket_id": existing.id, "category": plan.category},
        )
    return plan


def _duration_text(hours: int) -> str:
    return f"{hours // 24} gün" if hours >= 24 and hours % 24 == 0 else f"{hours} saat"


async def preview_create_fault_ticket(
    ctx: ToolContext,
    user_id: UserId,
    issue_description: IssueDescription,
    category: TicketCategory = None,
    priority: TicketPriority = None,
) -> Preview:
    async with ctx.transaction() as session:
        plan = await _plan_ticket(session, user_id, issue_description, category, priority)
    summary = (
        f"Yeni bir arıza kaydı açılacak. Konu: {CATEGORY_LABELS[plan.category]}, "
        f"öncelik: {PRIORITY_LABELS[plan.priority]}, tahmini çözüm süresi yaklaşık "
        f"{_duration_text(plan.resolution_hours)}. Açıklama: “{issue_description}”"
    )
    arguments = {
        "user_id": user_id,
        "issue_description": issue_description,
        "category": plan.category,
        "priority": plan.priority,
    }
    return Preview(summary, arguments)


@tool(needs_customer=True, confirm_with=preview_create_fault_ticket)
async def create_fault_ticket(
    ctx: ToolContext,
    user_id: UserId,
    issue_description: IssueDescription,
    category: TicketCategory = None,
    priority: TicketPriority = None,
) -> dict[str, Any]:
    """Müşterinin bildirdiği arıza için kayıt açar; tür verilmezse açıklamadan çıkarılır.

    Gold and platinum customers get at least "high" priority (about 4 hours
    instead of 24).
    """
    now = ctx.now()
    async with ctx.transaction() as session:
        plan = await _plan_ticket(session, user_id, issue_description, category, priority)
        ticket = FaultTicket(
            id=await next_public_id(session, "T", ctx.today().year),
            customer_id=user_id,
            category=plan.category,
            priority=plan.priority,
            issue_description=issue_description,
            status="open",
            created_at=now,
            estimated_resolution=now + timedelta(hours=plan.resolution_hours),
        )
        session.add(ticket)
    return {
        "ticket_id": ticket.id,
        "user_id": user_id,
        "issue_description": ticket.issue_description,
        "category": ticket.category,
        "priority": ticket.priority,
        "status": ticket.status,
        "created_at": iso_moment(now),
        "estimated_resolution": optional_moment(ticket.estimated_resolution),
    }


@tool(needs_customer=True)
async def get_fault_ticket_status(ctx: ToolContext, ticket_id: TicketId) -> dict[str, Any]:
    """Müşterinin bir arıza kaydının durumunu ve teknisyen notlarını getirir.

    Extension of the contract: ``estimated_resolution`` (the expected
    resolution time, when the ticket has one), a key the model may ignore, so a
    customer waiting on an open ticket can be told when to expect it.
    """
    customer_id = ctx.require_customer()
    wanted = ticket_id.strip().upper()
    async with ctx.transaction() as session:
        ticket = await session.get(FaultTicket, wanted)
    if ticket is None or ticket.customer_id != customer_id:
        # Someone else's ticket is reported exactly like a missing one.
        raise ToolError(
            errors.TICKET_NOT_FOUND,
            f"{wanted} numaralı bir arıza kaydınız bulunamadı.",
            {"ticket_id": wanted},
        )
    result: dict[str, Any] = {
        "ticket_id": ticket.id,
        "status": ticket.status,
        "created_at": iso_moment(ticket.created_at),
        "technician_notes": ticket.technician_notes,
    }
    if ticket.estimated_resolution is not None:
        result["estimated_resolution"] = iso_moment(ticket.estimated_resolution)
    if ticket.resolution is not None:
        result["resolution"] = ticket.resolution
    if ticket.resolved_at is not None:
        result["resolved_at"] = iso_moment(ticket.resolved_at)
    return result
