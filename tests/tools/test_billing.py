"""Billing tools on the seeded demo customers: bills, payment, history, autopay."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agent.tools import confirm
from db.models import Bill, Customer, Payment
from tests.tools.harness import CallTool, ContextFactory, RunConfirmed

CURRENT_BILL_KEYS = {
    "bill_id",
    "user_id",
    "amount",
    "currency",
    "due_date",
    "bill_date",
    "status",
    "services",
}
PAY_KEYS = {"transaction_id", "bill_id", "amount", "method", "status", "timestamp"}


async def _bill(sessions: async_sessionmaker[AsyncSession], bill_id: str) -> Bill:
    async with sessions() as session:
        bill = await session.get(Bill, bill_id)
    assert bill is not None
    return bill


async def _payments(sessions: async_sessionmaker[AsyncSession], bill_id: str) -> int:
    async with sessions() as session:
        count = await session.scalar(
            select(func.count()).select_from(Payment).where(Payment.bill_id == bill_id)
        )
    return count or 0


async def test_current_bill_has_the_contract_shape_and_adds_up(call: CallTool) -> None:
    outcome = await call(1001, "get_current_bill")
    assert outcome.kind == "result"
    bill = outcome.data
    assert set(bill) == CURRENT_BILL_KEYS
    assert bill["user_id"] == 1001
    assert bill["currency"] == "TRY"
    assert bill["status"] == "unpaid"
    assert bill["bill_id"].startswith("F-")
    assert {"service_name", "amount"} == set(bill["services"][0])
    items_total = sum(Decimal(str(item["amount"])) for item in bill["services"])
    assert items_total == Decimal(str(bill["amount"]))
    assert date.fromisoformat(bill["due_date"]) > date.fromisoformat(bill["bill_date"])


async def test_current_bill_of_a_customer_without_bills_is_no_bill(
    call: CallTool, sessions: async_sessionmaker[AsyncSession]
) -> None:
    async with sessions() as session, session.begin():
        session.add(
            Customer(
                id=9001,
                first_name="Deniz",
                last_name="Ak",
                city="Ankara",
                registration_date=date(2026, 1, 5),
            )
        )
    outcome = await call(9001, "get_current_bill")
    assert outcome.error_code == "NO_BILL"
    assert "fatura" in outcome.data["error"]["message"]


async def test_a_customer_number_not_on_file_is_invalid_user(call: CallTool) -> None:
    outcome = await call(8888, "get_current_bill")
    assert outcome.error_code == "INVALID_USER"


async def test_past_bills_list_newest_first_with_paid_dates(call: CallTool) -> None:
    outcome = await call(1002, "get_past_bills", limit=5)
    data = outcome.data
    assert set(data) == {"bills", "total_count", "total_amount_paid"}
    assert data["total_count"] == 5
    dates = [bill["bill_date"] for bill in data["bills"]]
    assert dates == sorted(dates, reverse=True)
    for bill in data["bills"]:
        assert set(bill) == {"bill_id", "amount", "bill_date", "due_date", "status", "paid_date"}
        assert bill["status"] == "paid"
        assert bill["due_date"] > bill["bill_date"]
    paid = sum(Decimal(str(bill["amount"])) for bill in data["bills"])
    assert Decimal(str(data["total_amount_paid"])) == paid


async def test_an_overdue_older_bill_keeps_its_due_date_in_the_list(call: CallTool) -> None:
    bills = (await call(1004, "get_past_bills")).data["bills"]
    (overdue,) = [bill for bill in bills if bill["status"] == "overdue"]
    current = (await call(1004, "get_current_bill")).data
    assert overdue["bill_id"] != current["bill_id"]
    assert overdue["due_date"] < current["due_date"]


async def test_paying_the_current_bill_shows_in_every_billing_tool(
    call: CallTool, run_confirmed: RunConfirmed
) -> None:
    before = (await call(1001, "get_current_bill")).data
    history_before = (await call(1001, "get_payment_history")).data
    past_before = (await call(1001, "get_past_bills")).data

    paid = await run_confirmed(1001, "pay_bill", bill_id=before["bill_id"], method="credit_card")

    assert set(paid) == PAY_KEYS
    assert paid["transaction_id"].startswith("TXN-")
    assert paid["amount"] == before["amount"]
    assert paid["status"] == "completed"
    assert (await call(1001, "get_current_bill")).data["status"] == "paid"
    past = (await call(1001, "get_past_bills")).data
    newest = past["bills"][0]
    assert newest["bill_id"] == before["bill_id"]
    assert newest["status"] == "paid"
    assert "paid_date" in newest
    assert past["total_amount_paid"] == round(past_before["total_amount_paid"] + paid["amount"], 2)
    history = (await call(1001, "get_payment_history")).data
    assert history["total_payments"] == history_before["total_payments"] + 1
    assert history["payments"][0] == {
        "transaction_id": paid["transaction_id"],
        "amount": paid["amount"],
        "method": "credit_card",
        "date": paid["timestamp"][:10],
        "bill_id": before["bill_id"],
    }


async def test_a_paid_bill_cannot_be_paid_again(call: CallTool) -> None:
    bill = (await call(1002, "get_current_bill")).data
    outcome = await call(1002, "pay_bill", bill_id=bill["bill_id"], method="credit_card")
    assert outcome.kind == "error"
    assert outcome.error_code == "BILL_ALREADY_PAID"
    assert "zaten ödenmiş" in outcome.data["error"]["message"]


async def test_two_proposals_for_one_bill_pay_it_once(
    call: CallTool, context: ContextFactory, sessions: async_sessionmaker[AsyncSession]
) -> None:
    bill_id = (await call(1001, "get_current_bill")).data["bill_id"]
    first = await call(1001, "pay_bill", bill_id=bill_id, method="credit_card")
    second = await call(1001, "pay_bill", bill_id=bill_id, method="bank_transfer")
    assert first.proposal is not None
    assert second.proposal is not None

    done = await confirm(first.proposal.id, context(1001))
    assert done.succeeded
    refused = await confirm(second.proposal.id, context(1001))

    assert not refused.succeeded
    assert refused.result is not None
    assert refused.result["error"]["code"] == "BILL_ALREADY_PAID"
    assert "zaten ödenmiş" in refused.message
    assert await _payments(sessions, bill_id) == 1


async def test_someone_elses_bill_is_reported_as_not_found(call: CallTool) -> None:
    other = (await call(1002, "get_current_bill")).data["bill_id"]
    outcome = await call(1001, "pay_bill", bill_id=other, method="credit_card")
    assert outcome.error_code == "BILL_NOT_FOUND"
    assert other in outcome.data["error"]["message"]
    missing = await call(1001, "pay_bill", bill_id="F-1999-000001", method="credit_card")
    assert missing.error_code == "BILL_NOT_FOUND"


async def test_only_card_or_bank_transfer_is_accepted(call: CallTool) -> None:
    outcome = await call(1001, "pay_bill", method="nakit")
    assert outcome.error_code == "INVALID_METHOD"


async def test_without_a_bill_id_the_most_overdue_bill_is_paid(
    call: CallTool, run_confirmed: RunConfirmed, sessions: async_sessionmaker[AsyncSession]
) -> None:
    past = (await call(1001, "get_past_bills", limit=2)).data["bills"]
    current_id, previous_id = past[0]["bill_id"], past[1]["bill_id"]
    async with sessions() as session, session.begin():
        await session.execute(update(Bill).where(Bill.id == previous_id).values(paid_at=None))

    proposal = await call(1001, "pay_bill", method="credit_card")
    assert proposal.kind == "proposal"
    assert proposal.proposal is not None
    assert proposal.proposal.arguments["bill_id"] == previous_id
    assert "son ödeme tarihi geçmiş" in proposal.proposal.summary

    paid = await run_confirmed(1001, "pay_bill", method="credit_card")
    assert paid["bill_id"] == previous_id
    assert (await _bill(sessions, current_id)).paid_at is None
    second = await run_confirmed(1001, "pay_bill", method="credit_card")
    assert second["bill_id"] == current_id
    nothing_left = await call(1001, "pay_bill", method="credit_card")
    assert nothing_left.error_code == "NO_BILL"


async def test_the_payment_proposal_names_amount_bill_and_due_date(call: CallTool) -> None:
    outcome = await call(1001, "pay_bill", method="bank_transfer")
    assert outcome.proposal is not None
    summary = outcome.proposal.summary
    bill = (await call(1001, "get_current_bill")).data
    assert bill["bill_id"] in summary
    assert "TL" in summary
    assert "banka havalesi" in summary
    assert outcome.data["confirmation_required"] is True
    assert outcome.data["summary"] == summary


async def test_autopay_is_switched_on_and_off_once(
    call: CallTool, run_confirmed: RunConfirmed, sessions: async_sessionmaker[AsyncSession]
) -> None:
    due = (await call(1001, "get_current_bill")).data["due_date"]
    enabled = await run_confirmed(1001, "setup_autopay", status="evet")
    assert enabled == {
        "user_id": 1001,
        "autopay_enabled": True,
        "payment_method": "credit_card",
        "next_payment_date": due,
    }
    async with sessions() as session:
        customer = await session.get(Customer, 1001)
    assert customer is not None
    assert customer.autopay_enabled is True
    again = await call(1001, "setup_autopay", status=True)
    assert again.error_code == "AUTOPAY_ALREADY_ENABLED"
    disabled = await run_confirmed(1001, "setup_autopay", status=False)
    assert disabled["autopay_enabled"] is False
    assert disabled["next_payment_date"] is None
