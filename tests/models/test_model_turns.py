"""A whole turn of the agent runtime on the transformers backend, with a scripted tiny model.

``ScriptedLlama`` (tests/models/tiny_models.py) stands in for the fine-tuned
model, which cannot run here: it writes what a test scripts, one sequence
after another, while the real backend (header probe, batching scheduler,
stop logic), the parser, the tools, the guard and the database run around it.
"""

from __future__ import annotations

from transformers import PreTrainedTokenizerFast

from agent import texts
from agent.backends.transformers import GenerationOptions, TransformersBackend
from agent.events import AgentEvent, ChatRequest, FinalAnswer, TextDelta, ToolStarted
from agent.runtime import AgentRuntime
from core.settings import Settings
from db.database import Database
from tests.models.tiny_models import scripted_model

BILL_BLOCK = "<|begin_of_tool_code|>\nprint(get_current_bill(user_id=1001))\n<|end_of_tool_code|>"
# As long as the longest wait messages of the training data (174 and 186 characters),
# which the old rule (a second message only after texts under 120 characters) missed.
LONG_WAIT = (
    "Anladım, güncel faturanızı ve son ödeme tarihini öğrenmek istiyorsunuz; bunun için "
    "hesabınızdaki son fatura kaydını kontrol etmem gerekiyor, lütfen kısa bir süre "
    "bekleyin, hemen bakıyorum."
)
NEXT_IS_ASSISTANT = "assistant<|end_header_id|>"


async def _turn(runtime: AgentRuntime, text: str) -> list[AgentEvent]:
    request = ChatRequest(message=text, chat_id="chat-model", customer_id=1001)
    return [event async for event in runtime.chat(request)]


async def test_a_long_wait_message_is_followed_by_its_call_and_a_repeat_never_runs_twice(
    settings: Settings, database: Database, tiny_tokenizer: PreTrainedTokenizerFast
) -> None:
    # Step 1: the wait message, the probe naming the assistant, the call.
    # Steps 2 and 3: the model calls the same tool again, twice.
    scripts = [LONG_WAIT, NEXT_IS_ASSISTANT, BILL_BLOCK, BILL_BLOCK, BILL_BLOCK]
    loaded = scripted_model(tiny_tokenizer, scripts)
    backend = TransformersBackend(
        "scripted", GenerationOptions(temperature=0.0, customer_hint="none")
    )
    backend.attach(loaded)
    runtime = AgentRuntime(settings, database)
    await runtime.start()
    try:
        await runtime.backends.install(backend)
        events = await _turn(runtime, "Faturam ne kadar, son ödeme günü ne zaman?")
    finally:
        await runtime.close()

    assert len(LONG_WAIT) > 180
    shown = "".join(event.text for event in events if isinstance(event, TextDelta))
    assert shown.startswith(LONG_WAIT)
    started = [event for event in events if isinstance(event, ToolStarted)]
    assert [event.name for event in started] == ["get_current_bill"]  # run once, not three times
    final = events[-1]
    assert isinstance(final, FinalAnswer)
    assert final.text == texts.REPEATED_CALLS
    assert len(loaded.model.prompts) == 5  # no sequence beyond the script
