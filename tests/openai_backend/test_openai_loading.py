"""Loading the openai backend through the manager, and the runtime around it (fake server).

``MODEL_BACKEND=openai`` settings go through the real ``BackendManager``;
the server is the scripted fake on loopback, or nobody at all.
"""

from __future__ import annotations

from sqlalchemy import select

from agent.backends.manager import BackendManager
from agent.events import ChatRequest, FinalAnswer, TextDelta
from agent.runtime import AgentRuntime
from agent.texts import TURN_FAILED
from core.settings import Settings
from db.chat_history import FAILED
from db.database import open_database
from db.models import ChatMessage
from tests.openai_backend.conftest import openai_settings_for
from tests.openai_backend.fake_openai_server import (
    Reply,
    RunningFake,
    completion_events,
    probe_reply,
    running_fake,
)
from tests.service.live_server import free_port


async def test_manager_loads_the_openai_backend_and_status_shows_the_server(
    settings: Settings, fake: RunningFake
) -> None:
    manager = BackendManager(openai_settings_for(settings, fake.base_url, "fake-model"))
    await manager.start()
    try:
        status = manager.status()
    finally:
        await manager.close()

    assert (status.backend, status.state, status.model_name) == ("openai", "loaded", "fake-model")
    assert status.device == "remote"
    assert status.error is None
    assert status.extra["base_url"] == fake.base_url
    assert status.extra["health"].startswith("ok")


async def test_an_unreachable_server_falls_back_to_rules_with_the_reason_in_status(
    settings: Settings,
) -> None:
    nobody = f"http://127.0.0.1:{free_port()}/v1"
    manager = BackendManager(openai_settings_for(settings, nobody, "telekom"))
    await manager.start()
    try:
        status = manager.status()
    finally:
        await manager.close()

    assert status.backend == "rules"
    assert status.error is not None
    assert status.error.startswith("openai backend failed to load:")
    assert nobody in status.error
    assert "ConnectError" in status.error
    assert "\n" not in status.error
    assert status.extra["reason"] == status.error


async def test_a_server_without_the_configured_model_falls_back_naming_what_it_serves(
    settings: Settings,
) -> None:
    async with running_fake(models=("llama-a", "llama-b")) as other:
        manager = BackendManager(openai_settings_for(settings, other.base_url, "telekom"))
        await manager.start()
        status = manager.status()
        await manager.close()

    assert status.backend == "rules"
    assert status.error is not None
    assert "does not serve 'telekom'" in status.error
    assert "llama-a, llama-b" in status.error


async def test_a_malformed_base_url_falls_back_with_a_clear_reason(settings: Settings) -> None:
    manager = BackendManager(openai_settings_for(settings, "vllm-host:8000", "telekom"))
    await manager.start()
    status = manager.status()
    await manager.close()

    assert status.backend == "rules"
    assert status.error is not None
    assert "must be an http:// or https:// URL" in status.error


async def test_the_runtime_answers_through_the_server_and_stores_the_turn(
    settings: Settings, fake: RunningFake
) -> None:
    fake.fake.script(
        Reply(events=completion_events("Merhaba! ", "Size nasıl yardımcı olabilirim?")),
        # The header probe: the model names the customer as the next speaker.
        probe_reply("user"),
    )
    configured = openai_settings_for(settings, fake.base_url, "fake-model")
    async with open_database(configured) as database:
        runtime = AgentRuntime(configured, database)
        await runtime.start()
        try:
            request = ChatRequest(message="Merhaba", chat_id="openai-1", customer_id=1001)
            events = [event async for event in runtime.chat(request)]
        finally:
            await runtime.close()
        async with database.sessions() as session:
            rows = (
                await session.scalars(
                    select(ChatMessage)
                    .where(ChatMessage.chat_id == "openai-1")
                    .order_by(ChatMessage.id)
                )
            ).all()

    assert len(fake.fake.generation_requests) == 2
    final = events[-1]
    assert isinstance(final, FinalAnswer)
    assert not final.failed
    assert final.text == "Merhaba! Size nasıl yardımcı olabilirim?"
    assert [(row.role, row.content) for row in rows] == [
        ("user", "Merhaba"),
        ("assistant", "Merhaba! Size nasıl yardımcı olabilirim?"),
    ]


async def test_a_stream_broken_mid_answer_ends_in_an_apology_and_keeps_the_message(
    settings: Settings, fake: RunningFake
) -> None:
    fake.fake.script(
        Reply(events=completion_events("Faturanız ", "şu an ", "hesaplanıyor"), drop_after=2)
    )
    configured = openai_settings_for(settings, fake.base_url, "fake-model")
    async with open_database(configured) as database:
        runtime = AgentRuntime(configured, database)
        await runtime.start()
        try:
            request = ChatRequest(message="Faturam ne kadar?", chat_id="openai-2", customer_id=1001)
            events = [event async for event in runtime.chat(request)]
        finally:
            await runtime.close()
        async with database.sessions() as session:
            rows = (
                await session.scalars(select(ChatMessage).where(ChatMessage.chat_id == "openai-2"))
            ).all()

    assert "".join(e.text for e in events if isinstance(e, TextDelta)) == "Faturanız şu an "
    final = events[-1]
    assert isinstance(final, FinalAnswer)
    assert final.failed
    assert final.text.startswith(TURN_FAILED.split("(")[0].strip())
    assert len(fake.fake.generation_requests) == 1  # never re-sent
    assert [(row.role, row.content, row.status) for row in rows] == [
        ("user", "Faturam ne kadar?", FAILED)
    ]
