"""A whole turn of the agent runtime on the transformers backend, with a scripted tiny model.

``ScriptedLlama`` (tests/models/tiny_models.py) stands in for the fine-tuned
model, which cannot run here: it writes what a test scripts, one sequence
after another, while the real backend (header probe, batching scheduler,
stop logic), the parser, the tools, the guard and the database run around it.
"""

from __future__ import annotations

from transformers import PreTrainedTokenizerFast

from agent import texts
from agent.backends.batch_scheduler import BatchingOptions
from agent.backends.transformers import GenerationOptions, TransformersBackend
from agent.events import AgentEvent, ChatRequest, FinalAnswer, TextDelta, ToolStarted
from agent.prompt import estimate_tokens, render_prompt
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
# Each prefill given in full (the scripted model records what it is given).
_NO_REUSE = BatchingOptions(kv_reuse_mb=0)


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


async def test_the_history_budget_is_counted_in_the_model_s_own_tokens(
    settings: Settings, database: Database, tiny_tokenizer: PreTrainedTokenizerFast
) -> None:
    # A reference code the tokenizer has never seen costs a token a character, three
    # times the 3-characters-a-token estimate (Llama-3 splits rare Turkish words
    # finely too): estimated, the whole history would seem to fit and the model's
    # context would overflow the budget.
    budget = 256
    questions = ["Faturam ne kadar?", "Paketim ne?", "İnternetim yavaş.", "Teşekkürler."]
    answer = "Kayıt kodunuz: " + "QZXJ" * 15
    scripts = [script for _ in questions for script in (answer, "user<|end_header_id|>")]
    loaded = scripted_model(tiny_tokenizer, scripts)
    backend = TransformersBackend(
        "scripted", GenerationOptions(temperature=0.0, customer_hint="none"), _NO_REUSE
    )
    backend.attach(loaded)
    agent = settings.agent.model_copy(
        update={"history_token_budget": budget, "customer_hint": "none"}
    )
    runtime = AgentRuntime(settings.model_copy(update={"agent": agent}), database)
    await runtime.start()
    try:
        await runtime.backends.install(backend)
        for question in questions:
            await _turn(runtime, question)
    finally:
        await runtime.close()

    whole = render_prompt(
        [
            message
            for question in questions
            for message in (
                {"role": "user", "content": question},
                {"role": "assistant", "content": answer},
            )
        ][:-1],
        tiny_tokenizer,
    )
    assert estimate_tokens(whole) <= budget < len(tiny_tokenizer.encode(whole))
    last_prompt = loaded.model.prompts[-2]  # the last answer's prompt (the probe follows)
    assert len(last_prompt) <= budget
    assert tiny_tokenizer.decode(last_prompt).count("<|start_header_id|>user") < len(questions)
