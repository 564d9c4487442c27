"""Every labelled reply through the agent's HTTP API: only consent runs an action.

A real uvicorn server around the real runtime (rules backend, seeded
database); each reply meets a freshly stored card of its kind in its own
conversation, as the API's callers hold them.
"""

from __future__ import annotations

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.models import Payment
from tests.consent.corpus import CUSTOMER, current_bill_id, fresh_card, load_corpus, statuses


async def test_no_reply_but_consent_runs_an_action_over_http(
    api: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession]
) -> None:
    bill_id = await current_bill_id(sessions, CUSTOMER)
    cards: dict[str, tuple[str, str]] = {}
    for number, item in enumerate(load_corpus()):
        if item.label == "consent":
            continue
        session_id = f"consent-http-{number}"
        card_id = await fresh_card(sessions, session_id, item.card, bill_id)
        response = await api.post(
            "/api/v1/chat/",
            json={"message": item.reply, "user_id": CUSTOMER, "session_id": session_id},
        )
        assert response.status_code == 200, response.text
        cards[card_id] = (item.card, item.reply)

    ran = {
        cards[card_id]
        for card_id, status in (await statuses(sessions, list(cards))).items()
        if status == "confirmed"
    }
    assert ran == set()
    async with sessions() as session:
        assert (
            await session.scalar(
                select(func.count()).select_from(Payment).where(Payment.bill_id == bill_id)
            )
            == 0
        )


async def test_a_typed_evet_over_http_runs_the_waiting_action_once(
    api: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession]
) -> None:
    bill_id = await current_bill_id(sessions, CUSTOMER)
    card_id = await fresh_card(sessions, "consent-http-yes", "pay_bill", bill_id)
    body = {"message": "evet öde", "user_id": CUSTOMER, "session_id": "consent-http-yes"}

    first = await api.post("/api/v1/chat/", json=body)
    second = await api.post("/api/v1/chat/", json=body)

    assert first.json()["data"]["response"].startswith("İşleminiz gerçekleştirildi.")
    assert not second.json()["data"]["response"].startswith("İşleminiz gerçekleştirildi.")
    assert (await statuses(sessions, [card_id]))[card_id] == "confirmed"
    async with sessions() as session:
        assert (
            await session.scalar(
                select(func.count()).select_from(Payment).where(Payment.bill_id == bill_id)
            )
            == 1
        )


async def test_an_amendment_over_http_offers_a_new_card_that_pays_by_transfer(
    api: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession]
) -> None:
    bill_id = await current_bill_id(sessions, CUSTOMER)
    old_id = await fresh_card(sessions, "consent-http-amend", "pay_bill", bill_id)
    body = {"user_id": CUSTOMER, "session_id": "consent-http-amend"}

    amended = (await api.post("/api/v1/chat/", json={**body, "message": "kartla değil EFT"})).json()

    offer = amended["data"]["onay"]
    assert offer is not None
    assert offer["id"] != old_id
    assert "havale" in offer["ozet"].lower()
    assert (await statuses(sessions, [old_id]))[old_id] == "cancelled"
    confirmed = await api.post(
        "/api/v1/chat/confirm", json={"confirmation_id": offer["id"], **body}
    )
    assert confirmed.json()["data"]["status"] == "done"
    async with sessions() as session:
        (payment,) = await session.scalars(select(Payment).where(Payment.bill_id == bill_id))
    assert payment.method == "bank_transfer"
