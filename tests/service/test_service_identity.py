"""Who a request acts for, over real HTTP: the customer must exist, a session is one customer's.

Before issue 17: a ``user_id`` that names no customer (99999, ``true``,
2**63) answered 500 after trying to store the message, and a session opened
by one customer could be continued with another ``user_id``, putting the
first customer's tool results into the second customer's prompt.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agent.rules.texts import ACCOUNT_IN_PRIVATE, LINK_ACCOUNT
from db.models import ChatMessage, PendingConfirmation

OWNER, OTHER = 1001, 1002
PAYER = 1004  # seeded with an overdue bill, so a payment can be proposed
PAY_REQUEST = "faturamı kredi kartı ile ödemek istiyorum"


async def stored_messages(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with sessions() as session:
        return await session.scalar(select(func.count()).select_from(ChatMessage)) or 0


def failure(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """The error object of a failure envelope with ``status`` and ``code``, Turkish message."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["success"] is False
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    error: dict[str, Any] = body["error"]
    assert "Traceback" not in response.text
    return error


async def chat(api: httpx.AsyncClient, route: str, **fields: Any) -> httpx.Response:
    return await api.post(route, json={"message": "güncel faturam ne kadar", **fields})


CHAT_ROUTES = ["/api/v1/chat/", "/api/v1/chat/stream"]


# -- user_id ------------------------------------------------------------------------------------


@pytest.mark.parametrize("route", CHAT_ROUTES)
async def test_a_user_id_of_nobody_is_404_and_nothing_is_stored(
    api: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession], route: str
) -> None:
    before = await stored_messages(sessions)
    response = await chat(api, route, user_id=99999, session_id="nobody-1")
    error = failure(response, 404, "CUSTOMER_NOT_FOUND")
    assert "99999" in error["message"]
    assert await stored_messages(sessions) == before


@pytest.mark.parametrize("route", CHAT_ROUTES)
@pytest.mark.parametrize(
    "user_id",
    [True, False, 2**63, 2**64, -(2**63) - 1, "1001", 1001.0, 0, -5],
    ids=["true", "false", "2^63", "2^64", "below-int64", "text", "float", "zero", "negative"],
)
async def test_a_user_id_that_is_not_a_customer_number_is_422_and_nothing_is_stored(
    api: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession], route: str, user_id: Any
) -> None:
    before = await stored_messages(sessions)
    response = await chat(api, route, user_id=user_id)
    error = failure(response, 422, "VALIDATION_ERROR")
    assert [problem["field"] for problem in error["details"]] == ["user_id"]
    assert "user_id" in error["message"]
    assert await stored_messages(sessions) == before


@pytest.mark.parametrize("field", ["message_id", "update_id"])
async def test_ids_beyond_64_bits_are_422(api: httpx.AsyncClient, field: str) -> None:
    response = await chat(api, "/api/v1/chat/", user_id=OWNER, **{field: 2**63})
    error = failure(response, 422, "VALIDATION_ERROR")
    assert error["details"][0]["field"] == field
    assert "en fazla" in error["details"][0]["message"]


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/chat/confirm", {"confirmation_id": "C-1", "user_id": 99999}),
        ("/api/v1/chat/cancel", {"confirmation_id": "C-1", "user_id": 99999}),
        ("/api/v1/chat/cancel-pending", {"user_id": 99999, "session_id": "nobody-2"}),
        ("/api/v1/tools/get_current_bill", {"user_id": 99999, "arguments": {}}),
    ],
)
async def test_every_route_acting_for_a_customer_refuses_nobody(
    api: httpx.AsyncClient, path: str, body: dict[str, Any]
) -> None:
    failure(await api.post(path, json=body), 404, "CUSTOMER_NOT_FOUND")
    too_big = {**body, "user_id": 2**63}
    failure(await api.post(path, json=too_big), 422, "VALIDATION_ERROR")


# -- session_id -----------------------------------------------------------------------------------


@pytest.mark.parametrize("route", CHAT_ROUTES)
@pytest.mark.parametrize("intruder", [OTHER, None], ids=["another-customer", "unlinked"])
async def test_a_customers_session_is_not_continued_by_anyone_else(
    api: httpx.AsyncClient,
    sessions: async_sessionmaker[AsyncSession],
    route: str,
    intruder: int | None,
) -> None:
    first = await chat(api, "/api/v1/chat/", user_id=OWNER, session_id="owned-1")
    assert first.status_code == 200
    [call] = first.json()["data"]["tool_calls"]
    assert call["sonuc"]["user_id"] == OWNER  # the session now holds 1001's bill
    before = await stored_messages(sessions)

    response = await chat(api, route, user_id=intruder, session_id="owned-1")

    failure(response, 403, "SESSION_MISMATCH")
    assert call["sonuc"]["bill_id"] not in response.text
    assert await stored_messages(sessions) == before
    # The owner goes on as before.
    again = await chat(api, route, user_id=OWNER, session_id="owned-1")
    assert again.status_code == 200


async def test_an_unlinked_session_can_be_linked_later(api: httpx.AsyncClient) -> None:
    general = await api.post(
        "/api/v1/chat/", json={"message": "merhaba", "user_id": None, "session_id": "linked-1"}
    )
    assert general.status_code == 200
    linked = await chat(api, "/api/v1/chat/", user_id=OWNER, session_id="linked-1")
    assert linked.status_code == 200
    assert linked.json()["data"]["tool_calls"][0]["sonuc"]["user_id"] == OWNER


async def test_an_own_action_cannot_be_written_into_another_customers_session(
    api: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await chat(api, "/api/v1/chat/", user_id=OWNER, session_id="owned-2")
    proposed = await api.post(
        "/api/v1/chat/", json={"message": PAY_REQUEST, "user_id": PAYER, "session_id": "payer-2"}
    )
    offer = proposed.json()["data"]["onay"]
    assert offer is not None
    before = await stored_messages(sessions)

    for path in ("/api/v1/chat/confirm", "/api/v1/chat/cancel"):
        body = {"confirmation_id": offer["id"], "user_id": PAYER, "session_id": "owned-2"}
        failure(await api.post(path, json=body), 403, "SESSION_MISMATCH")
    body = {"user_id": PAYER, "session_id": "owned-2"}
    failure(await api.post("/api/v1/chat/cancel-pending", json=body), 403, "SESSION_MISMATCH")

    assert await stored_messages(sessions) == before
    async with sessions() as session:
        action = await session.get(PendingConfirmation, offer["id"])
    assert action is not None
    assert action.status == "pending"


async def test_a_group_turn_sends_account_questions_to_the_private_chat(
    api: httpx.AsyncClient,
) -> None:
    """``private: false`` (what the bot sends for a group) reaches the runtime over HTTP."""
    body = {"message": "güncel faturam ne kadar", "user_id": None, "session_id": "group-1"}
    group = await api.post("/api/v1/chat/", json={**body, "private": False})
    assert group.status_code == 200
    assert group.json()["data"]["response"] == ACCOUNT_IN_PRIVATE
    private = await api.post("/api/v1/chat/", json={**body, "session_id": "private-1"})
    assert private.json()["data"]["response"] == LINK_ACCOUNT
    failure(
        await api.post("/api/v1/chat/", json={**body, "private": "no"}), 422, "VALIDATION_ERROR"
    )
