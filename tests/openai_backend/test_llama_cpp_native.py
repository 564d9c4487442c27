"""Native tool calling against a real server: llama-cpp-python serving Qwen2.5-Coder-0.5B.

The server renders the 19 tools with the chat template of the model's GGUF
and streams the call as ``delta.tool_calls``; the backend assembles it, the
agent loop runs it against the demo database for the linked customer, the
result goes back as a ``role: tool`` message with the call's id, and the
model answers.

llama-cpp-python's server streams tool calls only for a named
``tool_choice`` (with ``auto`` its template path returns the model's text,
and its ``chatml-function-calling`` format refuses to stream an automatic
choice), and a 0.5B model would not choose reliably anyway: so the first
step forces ``get_current_bill`` (``ServerOptions.tool_choice``), and the
step after the result is sent with ``auto``. The first request fills the
server's cache with the tools' prompt (about a minute and a half on two
shared cores); the answer step reuses it.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from agent.backends import openai_compat
from agent.backends.openai_compat import ServerOptions
from agent.events import ChatRequest, FinalAnswer, ToolFinished, ToolStarted
from agent.runtime import AgentRuntime
from core.settings import Settings
from db.database import open_database
from tests.openai_backend.conftest import openai_settings_for
from tests.openai_backend.llama_server import LlamaServer

pytestmark = pytest.mark.slow

FORCED = {"type": "function", "function": {"name": "get_current_bill"}}


@pytest.fixture
def native_settings(settings: Settings, qwen_server: LlamaServer) -> Settings:
    configured = openai_settings_for(settings, qwen_server.base_url, qwen_server.model_alias)
    server = configured.model.openai.model_copy(update={"tool_mode": "native", "timeout_s": 400})
    model = configured.model.model_copy(update={"openai": server, "max_new_tokens": 48})
    return configured.model_copy(update={"model": model})


async def test_a_native_tool_call_runs_against_the_database_and_is_answered(
    native_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from_settings = ServerOptions.from_settings

    def forcing(*args: Any, **kwargs: Any) -> ServerOptions:
        return dataclasses.replace(from_settings(*args, **kwargs), tool_choice=FORCED)

    monkeypatch.setattr(openai_compat.ServerOptions, "from_settings", forcing)
    async with open_database(native_settings) as database:
        runtime = AgentRuntime(native_settings, database)
        await runtime.start()
        try:
            status = runtime.backends.status()
            request = ChatRequest(message="Faturam ne kadar?", chat_id="qwen-1", customer_id=1001)
            events = [event async for event in runtime.chat(request)]
        finally:
            await runtime.close()

    assert (status.backend, status.extra["tool_mode"]) == ("openai", "native")
    started = [e for e in events if isinstance(e, ToolStarted)]
    finished = [e for e in events if isinstance(e, ToolFinished)]
    assert started[0].name == "get_current_bill"
    assert started[0].arguments.get("user_id", 1001) == 1001
    assert finished[0].status == "tamamlandi"  # ran against the demo database
    assert "bill_id" in finished[0].result or "amount" in str(finished[0].result)
    final = events[-1]
    assert isinstance(final, FinalAnswer)
    assert not final.failed
    assert final.text.strip()
    assert final.tool_calls[0].arac_adi == "get_current_bill"
