"""The bot's ``HTTPAgentClient`` against the real service, and the service going away."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import fastapi.routing
import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agent.client import AgentUnavailableError
from agent.connect import connect_agent
from agent.events import (
    AgentEvent,
    ChatRequest,
    ConfirmationRequested,
    ConfirmationSettled,
    FinalAnswer,
    TextDelta,
    ToolFinished,
    ToolStarted,
)
from agent.http_client import HTTPAgentClient
from agent.runtime import AgentRuntime
from agent.service.app import create_app
from core.settings import Settings
from db.database import Database
from db.models import ChatMessage, Payment
from tests.service.live_server import TOKEN, LiveServer, free_port, serve

CUSTOMER = 1001
PAY_REQUEST = "faturamı kredi kartı ile ödemek istiyorum"


@pytest.fixture
async def client(live: LiveServer) -> AsyncIterator[HTTPAgentClient]:
    agent = HTTPAgentClient(live.base_url, TOKEN, timeout_s=10, retries=2, backoff_s=0.01)
    yield agent
    await agent.close()


def ask(message: str, chat_id: str, customer_id: int | None = CUSTOMER) -> ChatRequest:
    return ChatRequest(message=message, chat_id=chat_id, customer_id=customer_id)


async def run_turn(agent: HTTPAgentClient | AgentRuntime, request: ChatRequest) -> list[AgentEvent]:
    return [event async for event in agent.chat(request)]


class SlowModelRuntime(AgentRuntime):
    """The real runtime, slowed down after each event as a big model on a GPU would be.

    Stands in for a slow generation, which cannot run here: ``pause_s`` waits
    after every event; ``stall`` never continues after the first one;
    ``explode`` raises after the first one (a planted bug).
    """

    def __init__(
        self,
        settings: Settings,
        database: Database,
        *,
        pause_s: float = 0.0,
        stall: bool = False,
        explode: bool = False,
    ) -> None:
        super().__init__(settings, database)
        self.pause_s, self.stall, self.explode = pause_s, stall, explode
        self.first_event_sent = asyncio.Event()

    async def chat(self, request: ChatRequest) -> AsyncIterator[AgentEvent]:
        async for event in super().chat(request):
            yield event
            self.first_event_sent.set()
            if self.explode:
                raise RuntimeError("planted bug: the model crashed mid-turn")
            if self.stall:
                await asyncio.Event().wait()
            await asyncio.sleep(self.pause_s)


# -- the AgentClient interface over HTTP -------------------------------------------------------


async def test_chat_over_http_yields_the_same_turn_as_in_process(
    client: HTTPAgentClient, runtime: AgentRuntime
) -> None:
    message = "kalan internetim ne kadar"
    remote = await run_turn(
        client, ChatRequest(message=message, chat_id="c1", customer_id=CUSTOMER)
    )
    local = await run_turn(
        runtime, ChatRequest(message=message, chat_id="c2", customer_id=CUSTOMER)
    )

    assert [type(event) for event in remote] == [type(event) for event in local]
    assert isinstance(remote[0], ToolStarted)
    assert isinstance(remote[1], ToolFinished)
    assert remote[1].name == "get_remaining_quotas"
    final = remote[-1]
    assert isinstance(final, FinalAnswer)
    assert final.chat_id == "c1"
    local_final = local[-1]
    assert isinstance(local_final, FinalAnswer)
    assert final.text == local_final.text
    assert final.tool_calls == local_final.tool_calls
    assert "".join(e.text for e in remote if isinstance(e, TextDelta)) == final.text


async def test_confirmation_over_http_runs_once(
    client: HTTPAgentClient, sessions: async_sessionmaker[AsyncSession]
) -> None:
    events = await run_turn(client, ask(PAY_REQUEST, "c3"))
    [offer] = [event for event in events if isinstance(event, ConfirmationRequested)]
    assert offer.tool == "pay_bill"
    async with sessions() as session:
        payments_before = await session.scalar(select(func.count()).select_from(Payment))

    first, second = await asyncio.gather(
        client.confirm(offer.confirmation_id, customer_id=CUSTOMER, chat_id="c3"),
        client.confirm(offer.confirmation_id, customer_id=CUSTOMER, chat_id="c3"),
    )

    assert sorted([first.status, second.status]) == ["already_done", "done"]
    async with sessions() as session:
        payments_after = await session.scalar(select(func.count()).select_from(Payment))
    assert payments_before is not None
    assert payments_after == payments_before + 1


async def test_a_typed_evet_over_http_says_which_action_it_settled(
    client: HTTPAgentClient,
) -> None:
    """The bot closes the card of the action a typed answer settled, so it must learn which."""
    events = await run_turn(client, ask(PAY_REQUEST, "c5"))
    [offer] = [event for event in events if isinstance(event, ConfirmationRequested)]

    events = await run_turn(client, ask("evet", "c5"))

    [settled] = [event for event in events if isinstance(event, ConfirmationSettled)]
    assert (settled.confirmation_id, settled.status) == (offer.confirmation_id, "done")
    # The payment ran in this turn, so the turn reports it as its tool.
    assert [e.name for e in events if isinstance(e, ToolStarted)] == ["pay_bill"]
    final = events[-1]
    assert isinstance(final, FinalAnswer)
    assert final.text.startswith("İşleminiz gerçekleştirildi.")


async def test_cancel_and_cancel_pending_over_http(client: HTTPAgentClient) -> None:
    for chat_id in ("c4", "c5"):
        await run_turn(client, ask(PAY_REQUEST, chat_id))
    outcome = await client.cancel_pending(customer_id=CUSTOMER, chat_id="c4")
    assert outcome.status == "cancelled"
    assert outcome.message
    again = await client.cancel_pending(customer_id=CUSTOMER, chat_id="c4")
    assert again.status == "not_found"
    unknown = await client.cancel("no-such-id", customer_id=CUSTOMER, chat_id="c5")
    assert unknown.status == "not_found"


async def test_confirmation_states_over_http_name_each_settled_action(
    client: HTTPAgentClient,
) -> None:
    """The bot's sweep asks what became of the actions its open cards offer."""
    offers = []
    for chat_id in ("c6", "c7", "c8"):
        events = await run_turn(client, ask(PAY_REQUEST, chat_id))
        offers += [event for event in events if isinstance(event, ConfirmationRequested)]
    paid, dropped, waiting = (offer.confirmation_id for offer in offers)
    done = await client.confirm(paid, customer_id=CUSTOMER, chat_id="c6")
    await client.cancel(dropped, customer_id=CUSTOMER, chat_id="c7")

    states = await client.confirmation_states([paid, dropped, waiting, "no-such-id"])

    assert set(states) == {paid, dropped, "no-such-id"}
    assert (states[paid].status, states[paid].message) == ("done", done.message)
    assert states[paid].result == done.result
    assert states[dropped].status == "cancelled"
    assert states["no-such-id"].status == "not_found"


async def test_waiting_confirmations_over_http_name_the_actions_still_waiting(
    client: HTTPAgentClient, runtime: AgentRuntime
) -> None:
    """The bot's recovery asks the agent (not its table) which proposals still wait."""
    before = datetime.now(UTC) - timedelta(seconds=1)
    events = await run_turn(client, ask(PAY_REQUEST, "c9"))
    offer = next(event for event in events if isinstance(event, ConfirmationRequested))

    waiting = await client.waiting_confirmations("c9", proposed_from=before)

    assert waiting == await runtime.waiting_confirmations("c9", proposed_from=before)
    assert [action.confirmation_id for action in waiting] == [offer.confirmation_id]
    assert (waiting[0].tool, waiting[0].summary) == (offer.tool, offer.summary)
    assert (
        await client.waiting_confirmations("c9", proposed_from=before, proposed_before=before) == []
    )
    await client.cancel(offer.confirmation_id, customer_id=CUSTOMER, chat_id="c9")
    assert await client.waiting_confirmations("c9", proposed_from=before) == []


async def test_call_tool_over_http_returns_the_contract_result(
    client: HTTPAgentClient, runtime: AgentRuntime
) -> None:
    remote = await client.call_tool("get_current_bill", customer_id=CUSTOMER, arguments={})
    local = await runtime.call_tool("get_current_bill", customer_id=CUSTOMER, arguments={})
    assert remote == local
    assert remote["user_id"] == CUSTOMER


async def test_call_tool_over_http_keeps_refusals_in_the_contract_shape(
    client: HTTPAgentClient, runtime: AgentRuntime
) -> None:
    arguments = {"method": "credit_card"}
    remote = await client.call_tool("pay_bill", customer_id=CUSTOMER, arguments=arguments)
    local = await runtime.call_tool("pay_bill", customer_id=CUSTOMER, arguments=arguments)
    assert remote["success"] is False
    assert remote["error"]["code"] == local["error"]["code"] == "CONFIRMATION_REQUIRED"
    ticket = await client.call_tool(
        "get_fault_ticket_status", customer_id=CUSTOMER, arguments={"ticket_id": "T-2000-000001"}
    )
    assert ticket["error"]["code"] == "TICKET_NOT_FOUND"


async def test_status_and_swap_over_http(client: HTTPAgentClient) -> None:
    status = await client.status()
    assert status.model_hizmeti.backend == "rules"
    assert status.arac_sayisi == 19
    swapped = await client.swap_model(backend="rules")
    assert swapped.model_hizmeti.state == "loaded"


async def test_a_wrong_token_makes_the_agent_unavailable(
    live: LiveServer, caplog: pytest.LogCaptureFixture
) -> None:
    agent = HTTPAgentClient(live.base_url, "not-the-token", retries=0)
    try:
        with pytest.raises(AgentUnavailableError):
            await agent.status()
        with pytest.raises(AgentUnavailableError):
            await run_turn(agent, ask("merhaba", "c6", None))
    finally:
        await agent.close()
    assert "token rejected" in caplog.text


# -- the service going away ----------------------------------------------------------------------


async def test_a_service_that_is_down_is_unavailable_after_the_retries(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="agent.http_client")
    agent = HTTPAgentClient(f"http://127.0.0.1:{free_port()}", TOKEN, retries=2, backoff_s=0.01)
    try:
        with pytest.raises(AgentUnavailableError):
            await run_turn(agent, ask("merhaba", "c7", None))
        retries = [r for r in caplog.records if "retry" in r.getMessage()]
        assert len(retries) == 2
        with pytest.raises(AgentUnavailableError):
            await agent.status()
        assert len([r for r in caplog.records if "retry" in r.getMessage()]) == 4
    finally:
        await agent.close()


async def test_a_service_that_comes_back_during_the_back_off_is_reached(
    service_settings: Settings, runtime: AgentRuntime
) -> None:
    port = free_port()
    agent = HTTPAgentClient(f"http://127.0.0.1:{port}", TOKEN, retries=6, backoff_s=0.1)
    try:
        asking = asyncio.create_task(agent.status())
        await asyncio.sleep(0.15)  # the first attempts fail: nothing listens yet
        assert not asking.done()
        async with serve(create_app(service_settings, runtime), port=port):
            status = await asking
        assert status.model_hizmeti.backend == "rules"
    finally:
        await agent.close()


async def test_the_service_stopping_mid_turn_makes_the_agent_unavailable(
    service_settings: Settings, database: Database, sessions: async_sessionmaker[AsyncSession]
) -> None:
    runtime = SlowModelRuntime(service_settings, database, stall=True)
    await runtime.start()
    agent = HTTPAgentClient("http://unused", TOKEN, retries=0)
    try:
        app = create_app(service_settings, runtime)
        async with serve(app, graceful_shutdown_s=0) as live:
            agent = HTTPAgentClient(live.base_url, TOKEN, timeout_s=10, retries=2)
            request = ChatRequest(
                message="kalan internetim ne kadar", chat_id="c8", customer_id=CUSTOMER
            )
            events = agent.chat(request)
            first = await anext(events)
            assert isinstance(first, ToolStarted)
            await live.stop()  # the agent goes away while the turn streams
            with pytest.raises(AgentUnavailableError):
                await anext(events)
    finally:
        await agent.close()
        await runtime.close()
    # The customer's message was accepted before the model ran, and stays stored.
    async with sessions() as session:
        stored = (
            await session.scalars(
                select(ChatMessage.content).where(
                    ChatMessage.chat_id == "c8", ChatMessage.role == "user"
                )
            )
        ).all()
    assert stored == ["kalan internetim ne kadar"]


async def test_a_turn_that_breaks_on_the_server_makes_the_agent_unavailable(
    service_settings: Settings, database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    runtime = SlowModelRuntime(service_settings, database, explode=True)
    await runtime.start()
    try:
        async with serve(create_app(service_settings, runtime)) as live:
            agent = HTTPAgentClient(live.base_url, TOKEN, retries=0)
            request = ChatRequest(
                message="kalan internetim ne kadar", chat_id="c9", customer_id=CUSTOMER
            )
            try:
                with pytest.raises(AgentUnavailableError):
                    await run_turn(agent, request)
            finally:
                await agent.close()
    finally:
        await runtime.close()
    # The server logged the traceback under an incident id; the client logged the error event.
    assert "planted bug" in caplog.text
    assert "could not finish the turn" in caplog.text or "broken turn" in caplog.text


async def test_keep_alive_pings_during_a_slow_turn_do_not_disturb_the_client(
    service_settings: Settings, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    # FastAPI pings every 15 s; a slow stand-in model and a short interval show the same.
    monkeypatch.setattr(fastapi.routing, "_PING_INTERVAL", 0.05)
    runtime = SlowModelRuntime(service_settings, database, pause_s=0.2)
    await runtime.start()
    try:
        async with serve(create_app(service_settings, runtime)) as live:
            headers = {"Authorization": f"Bearer {TOKEN}"}
            body = {"message": "güncel faturam ne kadar", "user_id": CUSTOMER, "session_id": "p1"}
            async with httpx.AsyncClient(base_url=live.base_url, headers=headers) as raw:
                response = await raw.post("/api/v1/chat/stream", json=body)
            assert ": ping" in response.text
            agent = HTTPAgentClient(live.base_url, TOKEN, timeout_s=10)
            try:
                events = await run_turn(
                    agent,
                    ChatRequest(
                        message="güncel faturam ne kadar", chat_id="p2", customer_id=CUSTOMER
                    ),
                )
            finally:
                await agent.close()
    finally:
        await runtime.close()
    assert isinstance(events[-1], FinalAnswer)
    assert events[-1].tool_calls[0].arac_adi == "get_current_bill"


async def test_connect_agent_picks_the_http_client_when_agent_url_is_set(
    live: LiveServer, service_settings: Settings, database: Database
) -> None:
    agent_settings = service_settings.agent.model_copy(update={"url": live.base_url})
    agent = await connect_agent(
        service_settings.model_copy(update={"agent": agent_settings}), database
    )
    try:
        assert isinstance(agent, HTTPAgentClient)
        events = await run_turn(agent, ask("kalan internetim ne kadar", "c10"))
        assert isinstance(events[-1], FinalAnswer)
        assert events[-1].tool_calls[0].arac_adi == "get_remaining_quotas"
    finally:
        await agent.close()
