"""Chat routes over real HTTP: answers, proposals, confirmations, Server-Sent Events."""

from __future__ import annotations

import json
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.models import Bill, ChatMessage, Payment

CUSTOMER = 1001  # seeded: Mega İnternet, one unpaid current bill
PAY_REQUEST = "faturamı kredi kartı ile ödemek istiyorum"


async def post_chat(api: httpx.AsyncClient, message: str, **fields: Any) -> dict[str, Any]:
    response = await api.post("/api/v1/chat/", json={"message": message, **fields})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["success"] is True
    data: dict[str, Any] = body["data"]
    return data


async def read_stream(
    api: httpx.AsyncClient, body: dict[str, Any]
) -> list[tuple[str, dict[str, Any]]]:
    """(event name, decoded data) of every event of one streamed turn, parsed by hand."""
    events: list[tuple[str, dict[str, Any]]] = []
    async with api.stream("POST", "/api/v1/chat/stream", json=body) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        raw = (await response.aread()).decode("utf-8")
    for block in raw.split("\n\n"):
        lines = [line for line in block.splitlines() if not line.startswith(":")]
        if not lines:
            continue
        name = next(line[len("event: ") :] for line in lines if line.startswith("event: "))
        data = "\n".join(line[len("data: ") :] for line in lines if line.startswith("data: "))
        events.append((name, json.loads(data)))
    return events


async def test_chat_answers_from_a_tool_in_the_original_api_shape(api: httpx.AsyncClient) -> None:
    data = await post_chat(api, "kalan internetim ne kadar", user_id=CUSTOMER, session_id="web-1")
    assert set(data) == {"response", "confidence", "tool_calls", "session_id", "onay"}
    assert data["session_id"] == "web-1"
    assert data["onay"] is None
    assert 0 < data["confidence"] <= 1
    [call] = data["tool_calls"]
    assert call["arac_adi"] == "get_remaining_quotas"
    assert call["durum"] == "tamamlandi"
    # The answer states what the tool returned, in Turkish number format.
    remaining = call["sonuc"]["internet_remaining_gb"]
    direct = await api.post(
        "/api/v1/tools/get_remaining_quotas", json={"user_id": CUSTOMER, "arguments": {}}
    )
    assert direct.json()["data"]["internet_remaining_gb"] == remaining
    assert f"{remaining:.1f}".replace(".", ",") in data["response"]


async def test_a_missing_session_id_opens_a_new_conversation(api: httpx.AsyncClient) -> None:
    first = await post_chat(api, "paketleri listeler misin")
    second = await post_chat(api, "paketleri listeler misin")
    assert first["session_id"]
    assert second["session_id"]
    assert first["session_id"] != second["session_id"]


async def test_the_message_is_stored_under_the_session(
    api: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await post_chat(api, "kalan internetim ne kadar", user_id=CUSTOMER, session_id="web-2")
    async with sessions() as session:
        rows = (
            await session.scalars(select(ChatMessage).where(ChatMessage.chat_id == "web-2"))
        ).all()
    assert [row.content for row in rows if row.role == "user"] == ["kalan internetim ne kadar"]
    assert any(row.role == "assistant" for row in rows)


async def test_a_proposal_is_confirmed_exactly_once(
    api: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession]
) -> None:
    data = await post_chat(api, PAY_REQUEST, user_id=CUSTOMER, session_id="web-3")
    offer = data["onay"]
    assert offer is not None
    assert offer["arac_adi"] == "pay_bill"
    assert "TL" in offer["ozet"]
    assert offer["son_gecerlilik"]
    assert [c["durum"] for c in data["tool_calls"]] == ["onay_bekliyor"]
    async with sessions() as session:
        payments_before = await session.scalar(select(func.count()).select_from(Payment))

    body = {"confirmation_id": offer["id"], "user_id": CUSTOMER, "session_id": "web-3"}
    first = await api.post("/api/v1/chat/confirm", json=body)
    second = await api.post("/api/v1/chat/confirm", json=body)

    assert first.status_code == second.status_code == 200
    assert first.json()["data"]["status"] == "done"
    assert first.json()["data"]["message"]
    assert second.json()["data"]["status"] == "already_done"
    async with sessions() as session:
        payments_after = await session.scalar(select(func.count()).select_from(Payment))
        bill_id = first.json()["data"]["result"]["bill_id"]
        bill = await session.get(Bill, bill_id)
    assert payments_before is not None
    assert payments_after == payments_before + 1
    assert bill is not None
    assert bill.paid_at is not None


async def test_someone_else_cannot_confirm_a_proposal(
    api: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession]
) -> None:
    data = await post_chat(api, PAY_REQUEST, user_id=CUSTOMER, session_id="web-4")
    # From 1002's own session: 1001's session is refused outright (test_session_binding.py).
    body = {"confirmation_id": data["onay"]["id"], "user_id": 1002, "session_id": "web-4-1002"}
    response = await api.post("/api/v1/chat/confirm", json=body)
    assert response.status_code == 200
    assert response.json()["data"]["status"] == "not_found"
    async with sessions() as session:
        paid = await session.scalar(
            select(func.count()).select_from(Payment).where(Payment.customer_id == CUSTOMER)
        )
        seeded = await session.scalar(
            select(func.count())
            .select_from(Bill)
            .where(Bill.customer_id == CUSTOMER, Bill.paid_at.is_not(None))
        )
    assert paid == seeded  # no payment beyond the seeded history


async def test_a_cancelled_proposal_cannot_be_confirmed(api: httpx.AsyncClient) -> None:
    data = await post_chat(api, PAY_REQUEST, user_id=CUSTOMER, session_id="web-5")
    body = {"confirmation_id": data["onay"]["id"], "user_id": CUSTOMER, "session_id": "web-5"}
    cancelled = await api.post("/api/v1/chat/cancel", json=body)
    confirmed = await api.post("/api/v1/chat/confirm", json=body)
    assert cancelled.json()["data"]["status"] == "cancelled"
    assert confirmed.json()["data"]["status"] == "cancelled"


async def test_cancel_pending_cancels_the_conversations_proposal(api: httpx.AsyncClient) -> None:
    nothing = await api.post(
        "/api/v1/chat/cancel-pending", json={"user_id": CUSTOMER, "session_id": "web-6"}
    )
    assert nothing.json()["data"]["status"] == "not_found"
    data = await post_chat(api, PAY_REQUEST, user_id=CUSTOMER, session_id="web-6")
    cancelled = await api.post(
        "/api/v1/chat/cancel-pending", json={"user_id": CUSTOMER, "session_id": "web-6"}
    )
    assert cancelled.json()["data"]["status"] == "cancelled"
    body = {"confirmation_id": data["onay"]["id"], "user_id": CUSTOMER, "session_id": "web-6"}
    confirmed = await api.post("/api/v1/chat/confirm", json=body)
    assert confirmed.json()["data"]["status"] == "cancelled"


async def test_stream_sends_tool_events_and_text_before_the_final_answer(
    api: httpx.AsyncClient,
) -> None:
    events = await read_stream(
        api, {"message": "güncel faturam ne kadar", "user_id": CUSTOMER, "session_id": "sse-1"}
    )
    names = [name for name, _ in events]
    assert names[-1] == "final"
    assert names.count("final") == 1
    assert names.index("tool_started") < names.index("tool_finished") < names.index("final")
    assert "text" in names
    # Every event's data is the agent event itself, named by its type.
    assert all(data["type"] == name for name, data in events)
    final = events[-1][1]
    streamed = "".join(data["text"] for name, data in events if name == "text")
    assert streamed == final["text"]
    assert final["tool_calls"][0]["arac_adi"] == "get_current_bill"
    assert final["chat_id"] == "sse-1"


async def test_stream_of_a_proposal_carries_the_confirmation_before_final(
    api: httpx.AsyncClient,
) -> None:
    events = await read_stream(
        api, {"message": PAY_REQUEST, "user_id": CUSTOMER, "session_id": "sse-2"}
    )
    names = [name for name, _ in events]
    assert names.index("confirmation") < names.index("final") == len(names) - 1
    confirmation = dict(events)["confirmation"]
    assert confirmation["tool"] == "pay_bill"
    assert confirmation["confirmation_id"]
    assert "TL" in confirmation["summary"]


async def test_unlinked_chat_gets_a_general_answer_without_account_data(
    api: httpx.AsyncClient,
) -> None:
    data = await post_chat(api, "güncel faturam ne kadar", session_id="guest-1")
    assert "/start" in data["response"]
    assert all(call["durum"] != "tamamlandi" for call in data["tool_calls"])


async def test_invisible_characters_inside_words_do_not_hide_the_question(
    api: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession]
) -> None:
    """Zero-width spaces pasted inside "faturam": every backend reads the clean question."""
    data = await post_chat(
        api, "fa\u200btu\u200bra\u200bm ne kadar", user_id=CUSTOMER, session_id="web-invisible"
    )
    assert [call["arac_adi"] for call in data["tool_calls"]] == ["get_current_bill"]
    async with sessions() as session:
        stored = await session.scalar(
            select(ChatMessage.content).where(
                ChatMessage.chat_id == "web-invisible", ChatMessage.role == "user"
            )
        )
    # The history the model backends are prompted with holds the question without them.
    assert stored == "faturam ne kadar"
