"""The labelled corpus of typed replies to a pending action, and cards to reply to.

``tests/data/consent_replies.jsonl`` holds short Turkish replies customers
type while a card waits (consent, refusal, amendment, other), written from
how customers talk, not from the classifier's word lists. Each test module
here replays it at another depth: the reader alone, the agent's HTTP API,
the bot through the Telegram stand-in.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.models import Bill, PendingConfirmation

CORPUS = Path(__file__).resolve().parents[1] / "data" / "consent_replies.jsonl"
CUSTOMER = 1001  # seeded: an unpaid current bill, an active line

# The proposal each kind of card makes (pay_bill's bill id is the customer's current bill).
CARD_ARGUMENTS: dict[str, dict[str, Any]] = {
    "pay_bill": {"method": "credit_card"},
    "change_package": {"user_id": CUSTOMER, "new_package_name": "Süper Konuşma"},
    "enable_roaming": {"user_id": CUSTOMER, "status": True},
    "setup_autopay": {"user_id": CUSTOMER, "status": True},
    "suspend_line": {"user_id": CUSTOMER, "reason": "kayıp veya çalıntı"},
    "reactivate_line": {"user_id": CUSTOMER},
    "create_fault_ticket": {"user_id": CUSTOMER, "issue_description": "İnternetim çok yavaş."},
    "update_customer_contact": {
        "user_id": CUSTOMER,
        "contact_type": "email",
        "new_value": "ali.veli@ornek.com",
    },
}
LABELS = ("consent", "refusal", "amendment", "other")


@dataclass(frozen=True)
class LabelledReply:
    card: str
    reply: str
    label: str
    amend: dict[str, Any] = field(default_factory=dict)


def load_corpus() -> list[LabelledReply]:
    rows = [json.loads(line) for line in CORPUS.read_text("utf-8").splitlines() if line.strip()]
    return [
        LabelledReply(row["card"], row["reply"], row["label"], row.get("amend", {})) for row in rows
    ]


async def current_bill_id(sessions: async_sessionmaker[AsyncSession], customer_id: int) -> str:
    async with sessions() as session:
        bill_id = await session.scalar(
            select(Bill.id)
            .where(Bill.customer_id == customer_id)
            .order_by(Bill.bill_date.desc(), Bill.id.desc())
            .limit(1)
        )
    assert bill_id is not None
    return bill_id


async def fresh_card(
    sessions: async_sessionmaker[AsyncSession], chat_id: str, card: str, bill_id: str
) -> str:
    """Close whatever waits in ``chat_id`` and store one new pending ``card``; its id.

    Stored directly (as the agent stores a proposal) so every reply of the
    corpus meets exactly one waiting card of its kind.
    """
    now = datetime.now(UTC)
    arguments = dict(CARD_ARGUMENTS[card])
    if card == "pay_bill":
        arguments["bill_id"] = bill_id
    confirmation_id = secrets.token_urlsafe(12)
    async with sessions() as session, session.begin():
        await session.execute(
            update(PendingConfirmation)
            .where(PendingConfirmation.chat_id == chat_id, PendingConfirmation.status == "pending")
            .values(status="cancelled", resolved_at=now)
        )
        session.add(
            PendingConfirmation(
                id=confirmation_id,
                customer_id=CUSTOMER,
                chat_id=chat_id,
                tool_name=card,
                arguments=arguments,
                summary=f"Test kartı: {card}.",
                status="pending",
                created_at=now,
                expires_at=now + timedelta(minutes=10),
            )
        )
    return confirmation_id


async def statuses(sessions: async_sessionmaker[AsyncSession], ids: list[str]) -> dict[str, str]:
    async with sessions() as session:
        rows = await session.execute(
            select(PendingConfirmation.id, PendingConfirmation.status).where(
                PendingConfirmation.id.in_(ids)
            )
        )
        return {row.id: row.status for row in rows}
