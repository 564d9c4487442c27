"""A model backend that misbehaves: garbage output, a stream that breaks or never ends.

A scripted or hand-written backend stands in for the language model (a real
one needs a GPU, and would not fail on demand). Whatever it does, the turn
ends with exactly one final answer in Turkish, the customer's message is kept
with a final status, the failure is logged, and the next turn works.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator

import pytest
from sqlalchemy import select

from agent.backends.base import BackendStatus, GenerationRequest
from agent.events import AgentEvent, ChatRequest, FinalAnswer, TextDelta
from agent.protocol.tags import TAG_PATTERN
from agent.runtime import AgentRuntime
from db.chat_history import ANSWERED, FAILED
from db.models import ChatMessage
from tests.agent.scripted import ScriptedBackend

BEGIN, END = "<|begin_of_tool_code|>", "<|end_of_tool_code|>"

GARBAGE = {
    "unterminated block": f"Bakıyorum {BEGIN}print(get_current_bill(user_id=1001",
    "only tags": f"{END}{BEGIN}{BEGIN}{END}{END}",
    "nonsense calls": f"{BEGIN}\n" + "print(((((((\n" * 200 + END,
    "thousand calls": f"{BEGIN}\n" + "print(check_network_status(region='Ege'))\n" * 1000 + END,
    "huge text": "ğüşıöç " * 30_000,
    "control characters": "\x00\x01\x1b[31m\x7f\u202e\ufeff\u200b metin",
    "lone surrogates": "yanıt \ud800 ve \udfff bitti",
    "whitespace only": " \n\t \n ",
    "json noise": '{"success": true, "data": {"amount": NaN}} ]]] }}}',
}


async def turn(runtime: AgentRuntime, text: str = "merhaba") -> list[AgentEvent]:
    request = ChatRequest(message=text, chat_id="chat-1", customer_id=1001)
    return [event async for event in runtime.chat(request)]


async def user_rows(runtime: AgentRuntime) -> list[ChatMessage]:
    async with runtime.database.sessions() as session:
        return list(
            await session.scalars(
                select(ChatMessage).where(ChatMessage.role == "user").order_by(ChatMessage.id)
            )
        )


@pytest.mark.parametrize("output", GARBAGE.values(), ids=GARBAGE.keys())
async def test_garbage_output_ends_in_one_final_answer_and_the_chat_goes_on(
    runtime: AgentRuntime, output: str
) -> None:
    await runtime.backends.install(ScriptedBackend(output, output, output, "Buyurun."))

    events = await turn(runtime, "faturam ne kadar")

    finals = [event for event in events if isinstance(event, FinalAnswer)]
    assert len(finals) == 1
    assert events[-1] is finals[0]
    assert finals[0].text.strip()
    shown = "".join(e.text for e in events if isinstance(e, TextDelta)) + finals[0].text
    assert TAG_PATTERN.search(shown) is None
    (row,) = await user_rows(runtime)
    assert row.content == "faturam ne kadar"
    assert row.status in (ANSWERED, FAILED)

    # The chat is not stuck: the next turn is answered normally.
    await runtime.backends.install(ScriptedBackend("Size nasıl yardımcı olabilirim?"))
    after = await turn(runtime, "merhaba")
    assert isinstance(after[-1], FinalAnswer)
    assert after[-1].text == "Size nasıl yardımcı olabilirim?"
    assert not after[-1].failed


class BreaksMidStream:
    """Writes a little, then fails the way a crashed model server does."""

    name = "breaks-mid-stream"

    def __init__(self, error: BaseException) -> None:
        self._error = error

    async def stream(self, request: GenerationRequest) -> AsyncGenerator[str, None]:
        yield "Faturanız şu an "
        raise self._error

    def status(self) -> BackendStatus:
        return BackendStatus(backend=self.name, model_name="broken", state="loaded")

    async def close(self) -> None:
        return None


class WritesNonText(BreaksMidStream):
    """Yields something that is not text at all."""

    async def stream(self, request: GenerationRequest) -> AsyncGenerator[str, None]:
        yield "Bir saniye"
        yield b"\xff\xfe bytes"  # type: ignore[misc]


@pytest.mark.parametrize(
    "backend",
    [
        BreaksMidStream(RuntimeError("CUDA error: device-side assert triggered")),
        BreaksMidStream(ConnectionResetError("model server went away")),
        BreaksMidStream(MemoryError()),
        WritesNonText(RuntimeError()),
    ],
    ids=["runtime-error", "connection-reset", "out-of-memory", "non-text"],
)
async def test_a_stream_that_breaks_gets_a_turkish_apology_with_an_incident_id(
    runtime: AgentRuntime, caplog: pytest.LogCaptureFixture, backend: BreaksMidStream
) -> None:
    await runtime.backends.install(backend)

    with caplog.at_level(logging.ERROR, logger="agent.runtime"):
        events = await turn(runtime)

    final = events[-1]
    assert isinstance(final, FinalAnswer)
    assert final.failed
    assert final.text.startswith("Üzgünüm, isteğinizi işlerken beklenmedik bir sorun oluştu.")
    incident = final.text.split("Olay kodu: ")[1].rstrip(")")
    (record,) = [r for r in caplog.records if incident in r.getMessage()]
    assert record.exc_info is not None  # the traceback is for the operator, not the customer
    assert "CUDA" not in final.text
    assert "Traceback" not in final.text
    (row,) = await user_rows(runtime)
    assert row.status == FAILED


class NeverAnswers:
    """Accepts the request, then waits forever (a hung GPU or server)."""

    name = "never-answers"

    def __init__(self) -> None:
        self.cancelled = asyncio.Event()

    async def stream(self, request: GenerationRequest) -> AsyncGenerator[str, None]:
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            self.cancelled.set()
            raise
        yield ""  # pragma: no cover - never reached

    def status(self) -> BackendStatus:
        return BackendStatus(backend=self.name, model_name="hung", state="loaded")

    async def close(self) -> None:
        return None


async def test_a_backend_that_never_answers_is_timed_out_and_released(
    runtime: AgentRuntime,
) -> None:
    runtime.settings.agent.timeout_s = 0.5
    hung = NeverAnswers()
    await runtime.backends.install(hung)

    events = await asyncio.wait_for(turn(runtime), timeout=10)

    final = events[-1]
    assert isinstance(final, FinalAnswer)
    assert final.failed
    assert final.text.startswith("Üzgünüm, yanıtım çok uzun sürdü")
    assert hung.cancelled.is_set()  # the generation was stopped, not left running
    (row,) = await user_rows(runtime)
    assert row.status == FAILED
