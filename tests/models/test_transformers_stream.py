"""Streaming, stopping, continuation, cancellation and timeouts of the transformers backend.

The models are real ``LlamaForCausalLM``s run by the real ``generate()`` on CPU:
a random tiny Llama loaded from disk, and ``ScriptedLlama`` (the same tiny
model with its next token taken from a script, see tests/models/tiny_models.py)
where a test needs the model to say something specific.
"""

from __future__ import annotations

import asyncio
import time
from contextlib import aclosing

import pytest
from transformers import PreTrainedTokenizerFast

from agent.backends.base import GenerationRequest
from agent.backends.model_loading import LoadedModel
from agent.backends.transformers import (
    BackendUnavailableError,
    GenerationStats,
    GenerationTimeoutError,
    TransformersBackend,
)
from agent.prompt import render_prompt, turns_to_messages
from agent.protocol import parse_output
from agent.turns import ChatTurn, ToolCall
from tests.models.tiny_models import BackendFactory, scripted_model, train_tokenizer

TOOL_BLOCK = "<|begin_of_tool_code|>\nprint(get_current_bill(user_id=1001))\n<|end_of_tool_code|>"
LONG_ANSWER = (
    "Güncel faturanız 1.234,56 TL ve son ödeme tarihi 15 Aralık 2026. Faturanızı mobil "
    "uygulamadan, internet şubesinden ya da bayilerimizden ödeyebilirsiniz."
)

# What the model writes after the header opener when it goes on speaking, or hands over.
NEXT_IS_ASSISTANT = "assistant<|end_header_id|>"
NEXT_IS_USER = "user<|end_header_id|>"
WAIT = "Bir saniye, kontrol ediyorum."
# The training data's wait messages run to 186 characters (this one: 187).
LONG_WAIT = (
    "Anladım, paket değişikliği için önce mevcut paketinizi ve size uygun olan "
    "paketleri kontrol etmem gerekiyor; bu birkaç saniye sürebilir, lütfen kısa bir süre "
    "bekleyin, hemen listeliyorum."
)


def question(text: str = "Faturam ne kadar?", customer_id: int | None = None) -> GenerationRequest:
    return GenerationRequest([ChatTurn("user", text)], customer_id, max_new_tokens=256)


async def collect(
    backend: TransformersBackend, request: GenerationRequest, stats: GenerationStats | None = None
) -> list[str]:
    async with aclosing(backend.stream(request, stats=stats)) as stream:
        return [piece async for piece in stream]


def encoded_length(tokenizer: PreTrainedTokenizerFast, text: str) -> int:
    return len(tokenizer.encode(text, add_special_tokens=False))


# -- streaming ------------------------------------------------------------------


async def test_text_arrives_while_the_model_is_still_generating(
    tiny_tokenizer: PreTrainedTokenizerFast, make_backend: BackendFactory
) -> None:
    loaded = scripted_model(tiny_tokenizer, [LONG_ANSWER], delay_s=0.01)
    backend = make_backend(loaded)
    passes_at_first_piece: int | None = None
    pieces = []
    async with aclosing(backend.stream(question())) as stream:
        async for piece in stream:
            if passes_at_first_piece is None:
                passes_at_first_piece = loaded.model.forward_passes
            pieces.append(piece)

    assert "".join(pieces) == LONG_ANSWER
    assert len(pieces) > 10
    assert passes_at_first_piece is not None
    assert passes_at_first_piece < loaded.model.forward_passes / 2


async def test_streamed_text_equals_the_model_output_in_one_piece(
    tiny_llama: LoadedModel, make_backend: BackendFactory
) -> None:
    backend = make_backend(tiny_llama, max_new_tokens=40)
    stats = GenerationStats()
    streamed = "".join(await collect(backend, question(), stats))

    tokenizer = tiny_llama.tokenizer
    prompt = render_prompt(
        turns_to_messages(question().turns, customer_id=None, customer_hint="none"), tokenizer
    )
    inputs = tokenizer(prompt, add_special_tokens=False, return_tensors="pt")
    output = tiny_llama.model.generate(**inputs, max_new_tokens=40, do_sample=False)
    expected = tokenizer.decode(output[0, inputs["input_ids"].shape[1] :], skip_special_tokens=True)

    assert streamed == expected
    assert stats.new_tokens == 40
    assert stats.stop_reason == "max_tokens"
    assert stats.prompt_tokens == inputs["input_ids"].shape[1]


async def test_turkish_letters_split_over_byte_tokens_are_never_shown_broken(
    tiny_tokenizer: PreTrainedTokenizerFast, make_backend: BackendFactory
) -> None:
    reply = "Iğdır, Ağrı ve Şırnak'ta öğleden sonra çalışma var; İnternet ğ ş ı ç ö ü düzelecek."
    backend = make_backend(scripted_model(tiny_tokenizer, [reply]))

    pieces = await collect(backend, question())

    assert "".join(pieces) == reply
    assert not any("\ufffd" in piece for piece in pieces)


async def test_prompt_is_the_llama3_format_with_the_customer_hint(
    tiny_tokenizer: PreTrainedTokenizerFast, make_backend: BackendFactory
) -> None:
    loaded = scripted_model(tiny_tokenizer, [LONG_ANSWER])
    backend = make_backend(loaded, customer_hint="system")
    turns = [
        ChatTurn("user", "Faturam ne kadar?"),
        ChatTurn("assistant", "Kontrol ediyorum."),
        ChatTurn("user", "Teşekkürler, bekliyorum."),
    ]

    await collect(backend, GenerationRequest(turns, 1001))

    seen = tiny_tokenizer.decode(loaded.model.prompts[0])
    assert seen == (
        "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n"
        "Bu sohbette 1001 numaralı müşteriye hizmet veriyorsun. "
        "Araç çağrılarında user_id her zaman 1001 olmalıdır.<|eot_id|>"
        "<|start_header_id|>user<|end_header_id|>\n\nFaturam ne kadar?<|eot_id|>"
        "<|start_header_id|>assistant<|end_header_id|>\n\nKontrol ediyorum.<|eot_id|>"
        "<|start_header_id|>user<|end_header_id|>\n\nTeşekkürler, bekliyorum.<|eot_id|>"
        "<|start_header_id|>assistant<|end_header_id|>\n\n"
    )


async def test_a_tokenizer_without_chat_template_gets_the_same_llama3_prompt(
    make_backend: BackendFactory,
) -> None:
    plain = train_tokenizer(chat_template=False)
    templated = train_tokenizer(chat_template=True)
    prompts: list[str] = []
    for tokenizer in (plain, templated):
        loaded = scripted_model(tokenizer, [LONG_ANSWER])
        await collect(make_backend(loaded, customer_hint="system"), question(customer_id=1001))
        prompt = tokenizer.decode(loaded.model.prompts[0])
        assert isinstance(prompt, str)
        prompts.append(prompt)

    assert prompts[0] == prompts[1]
    assert prompts[0].startswith("<|begin_of_text|><|start_header_id|>system<|end_header_id|>")


# -- stopping -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("begin", "end"),
    [
        ("<|begin_of_tool_code|>", "<|end_of_tool_code|>"),
        ("<begin_of_tool_code|>", "<end_of_tool_code|>"),
        ("<|begin_of_tool_code|>", "<|end_of_tool_code>"),
    ],
)
async def test_generation_stops_at_the_end_of_a_tool_block(
    tiny_tokenizer: PreTrainedTokenizerFast, make_backend: BackendFactory, begin: str, end: str
) -> None:
    wanted = f"Bakıyorum. {begin}\nprint(get_current_bill(user_id=1001))\n{end}"
    reply = wanted + "\nBu metin asla üretilmemeli, model blok bitince durur."
    backend = make_backend(scripted_model(tiny_tokenizer, [reply]), max_new_tokens=200)
    stats = GenerationStats()

    output = "".join(await collect(backend, question(), stats))

    assert output == wanted
    assert stats.stop_reason == "tool_block"
    assert stats.new_tokens <= encoded_length(tiny_tokenizer, wanted) + 1
    assert parse_output(output).calls == (ToolCall("get_current_bill", {"user_id": 1001}),)


async def test_an_end_tag_outside_a_block_does_not_stop_the_answer(
    tiny_tokenizer: PreTrainedTokenizerFast, make_backend: BackendFactory
) -> None:
    reply = "Metinde <|end_of_tool_code|> geçiyor ama bir blok açılmadı, yanıt devam ediyor."
    backend = make_backend(scripted_model(tiny_tokenizer, [reply]), max_new_tokens=200)
    stats = GenerationStats()

    output = "".join(await collect(backend, question(), stats))

    assert output == reply
    assert stats.stop_reason == "end_of_turn"


async def test_generation_stops_at_the_end_of_the_turn(
    tiny_tokenizer: PreTrainedTokenizerFast, make_backend: BackendFactory
) -> None:
    loaded = scripted_model(
        tiny_tokenizer, [LONG_ANSWER, NEXT_IS_USER, "Bu ikinci mesaj hiç istenmemeli."]
    )
    stats = GenerationStats()

    output = "".join(await collect(make_backend(loaded, max_new_tokens=200), question(), stats))

    assert output == LONG_ANSWER
    assert stats.stop_reason == "end_of_turn"
    # The answer and its <|eot_id|>, then the probe's "user<|end_header_id|>".
    assert stats.new_tokens == encoded_length(tiny_tokenizer, LONG_ANSWER) + 1 + 2
    assert len(loaded.model.prompts) == 2  # the customer speaks next: no third message


# -- the model says who speaks next: a tool call in the next assistant message ---------


@pytest.mark.parametrize("wait", [WAIT, LONG_WAIT], ids=["short-wait", "187-character-wait"])
async def test_a_tool_call_in_the_next_assistant_message_is_passed_on(
    tiny_tokenizer: PreTrainedTokenizerFast, make_backend: BackendFactory, wait: str
) -> None:
    loaded = scripted_model(tiny_tokenizer, [wait, NEXT_IS_ASSISTANT, TOOL_BLOCK])
    stats = GenerationStats()

    output = "".join(
        await collect(make_backend(loaded, max_new_tokens=400), question(customer_id=1001), stats)
    )

    assert output == wait + TOOL_BLOCK
    parsed = parse_output(output)
    assert parsed.visible_text == wait
    assert parsed.calls == (ToolCall("get_current_bill", {"user_id": 1001}),)
    assert stats.next_speaker == "assistant"
    assert stats.continued
    assert stats.continuation_kept
    assert stats.stop_reason == "tool_block"
    # The probe's prompt is the first prompt, the message, its end and the header
    # opener; the cached start is reused, so only the new tokens are prefilled.
    assert tiny_tokenizer.decode(loaded.model.prompts[1]) == "<|eot_id|><|start_header_id|>"
    # The continuation reuses the probe's keys: only the header's end is prefilled.
    assert tiny_tokenizer.decode(loaded.model.prompts[2]) == "<|end_header_id|>\n\n"
    assert len(loaded.model.prompts) == 3


async def test_a_short_answer_handed_to_the_customer_gets_no_second_message(
    tiny_tokenizer: PreTrainedTokenizerFast, make_backend: BackendFactory
) -> None:
    # The old rule opened another assistant message after any answer under 120
    # characters, which primed the model to call a tool again.
    answer = "Faturanız ödenmiş görünüyor."
    loaded = scripted_model(tiny_tokenizer, [answer, NEXT_IS_USER, TOOL_BLOCK])
    stats = GenerationStats()

    output = "".join(await collect(make_backend(loaded, max_new_tokens=200), question(), stats))

    assert output == answer
    assert stats.next_speaker == "user"
    assert not stats.continued
    assert stats.stop_reason == "end_of_turn"
    assert len(loaded.model.prompts) == 2  # the message and the probe, no third sequence


async def test_a_probe_that_names_no_role_ends_the_step(
    tiny_tokenizer: PreTrainedTokenizerFast, make_backend: BackendFactory
) -> None:
    loaded = scripted_model(tiny_tokenizer, [WAIT, "Merhaba", TOOL_BLOCK])
    stats = GenerationStats()

    output = "".join(await collect(make_backend(loaded, max_new_tokens=200), question(), stats))

    assert output == WAIT
    assert stats.next_speaker == "other"
    assert len(loaded.model.prompts) == 2


async def test_a_second_text_message_is_not_passed_on(
    tiny_tokenizer: PreTrainedTokenizerFast, make_backend: BackendFactory
) -> None:
    first = "Faturanız ödenmiş görünüyor."
    second = "Başka bir konuda yardımcı olabileceğim bir şey var mı acaba, lütfen yazın."
    loaded = scripted_model(tiny_tokenizer, [first, NEXT_IS_ASSISTANT, second])
    stats = GenerationStats()

    output = "".join(await collect(make_backend(loaded, max_new_tokens=200), question(), stats))

    assert output == first
    assert stats.continued
    assert not stats.continuation_kept
    assert stats.stop_reason == "end_of_turn"


async def test_a_model_that_skips_its_end_of_turn_stops_at_the_next_header(
    tiny_tokenizer: PreTrainedTokenizerFast, make_backend: BackendFactory
) -> None:
    answer = "Faturanız ödenmiş görünüyor."
    runaway = answer + "<|start_header_id|>user<|end_header_id|>\n\nTeşekkürler"
    loaded = scripted_model(tiny_tokenizer, [runaway, NEXT_IS_USER])
    stats = GenerationStats()

    output = "".join(await collect(make_backend(loaded, max_new_tokens=200), question(), stats))

    assert output == answer
    assert stats.stop_reason == "end_of_turn"


@pytest.mark.parametrize(
    ("reply", "max_new_tokens"),
    [
        pytest.param("<|begin_of_tool_code|>\nprint(get_current_bill(", 200, id="holds-a-tag"),
        pytest.param("Bir saniye, kontrol ediyorum.", 4, id="hit-the-token-limit"),
        pytest.param("   ", 200, id="blank"),
    ],
)
async def test_the_next_speaker_is_not_asked_after(
    tiny_tokenizer: PreTrainedTokenizerFast,
    make_backend: BackendFactory,
    reply: str,
    max_new_tokens: int,
) -> None:
    loaded = scripted_model(tiny_tokenizer, [reply, NEXT_IS_ASSISTANT, TOOL_BLOCK])
    stats = GenerationStats()

    await collect(make_backend(loaded, max_new_tokens=max_new_tokens), question(), stats)

    assert len(loaded.model.prompts) == 1
    assert stats.next_speaker is None
    assert not stats.continued


async def test_asking_the_next_speaker_can_be_switched_off(
    tiny_tokenizer: PreTrainedTokenizerFast, make_backend: BackendFactory
) -> None:
    loaded = scripted_model(tiny_tokenizer, [WAIT, NEXT_IS_ASSISTANT, TOOL_BLOCK])
    backend = make_backend(loaded, ask_next_speaker=False)

    output = "".join(await collect(backend, question()))

    assert output == WAIT
    assert len(loaded.model.prompts) == 1


# -- cancellation, timeout, one generation at a time, close ---------------------


async def test_closing_the_stream_stops_the_generation_promptly(
    tiny_llama: LoadedModel, make_backend: BackendFactory
) -> None:
    backend = make_backend(tiny_llama, max_new_tokens=3000)
    stats = GenerationStats()
    stream = backend.stream(question(), stats=stats)
    for _ in range(3):
        await anext(stream)

    started = time.monotonic()
    await stream.aclose()

    assert time.monotonic() - started < 2.0
    assert stats.stop_reason == "cancelled"
    assert stats.new_tokens < 1000
    assert backend.status().extra["busy"] == "no"
    follow_up = GenerationStats()
    await collect(backend, question(), follow_up)
    assert follow_up.queue_wait_s < 0.5


async def test_a_cancelled_consumer_stops_the_generation(
    tiny_tokenizer: PreTrainedTokenizerFast, make_backend: BackendFactory
) -> None:
    loaded = scripted_model(tiny_tokenizer, [LONG_ANSWER * 5], delay_s=0.02)
    backend = make_backend(loaded, max_new_tokens=1000)
    stats = GenerationStats()

    with pytest.raises(TimeoutError):
        async with asyncio.timeout(0.3):
            await collect(backend, question(), stats)

    passes = loaded.model.forward_passes
    await asyncio.sleep(0.2)
    assert loaded.model.forward_passes == passes  # the worker really stopped
    assert stats.stop_reason == "cancelled"
    assert stats.new_tokens < encoded_length(tiny_tokenizer, LONG_ANSWER * 5) // 2


async def test_a_generation_past_the_time_limit_raises_a_timeout(
    tiny_tokenizer: PreTrainedTokenizerFast, make_backend: BackendFactory
) -> None:
    loaded = scripted_model(tiny_tokenizer, [LONG_ANSWER * 5], delay_s=0.02)
    backend = make_backend(loaded, max_new_tokens=1000, timeout_s=0.4)
    stats = GenerationStats()
    pieces: list[str] = []
    started = time.monotonic()

    async def read() -> None:
        async with aclosing(backend.stream(question(), stats=stats)) as stream:
            async for piece in stream:
                pieces.append(piece)

    with pytest.raises(GenerationTimeoutError):
        await read()

    assert time.monotonic() - started < 3.0
    assert stats.stop_reason == "timeout"
    assert pieces  # what was generated in time was streamed
    assert "".join(pieces) != LONG_ANSWER * 5


async def test_with_a_batch_of_one_concurrent_requests_take_turns_on_the_model(
    tiny_tokenizer: PreTrainedTokenizerFast, make_backend: BackendFactory
) -> None:
    first, second = LONG_ANSWER, LONG_ANSWER.replace("Güncel", "Önceki")
    loaded = scripted_model(tiny_tokenizer, [first, second], delay_s=0.005)
    backend = make_backend(loaded, max_batch_size=1, ask_next_speaker=False)

    async def timed() -> tuple[float, float, str, GenerationStats]:
        stats = GenerationStats()
        pieces: list[str] = []
        async with aclosing(backend.stream(question(), stats=stats)) as stream:
            async for piece in stream:
                pieces.append(piece)
                if len(pieces) == 1:
                    began = time.monotonic()
        return began, time.monotonic(), "".join(pieces), stats

    one, two = await asyncio.gather(timed(), timed())

    assert {one[2], two[2]} == {first, second}  # whole answers, never interleaved
    earlier, later = sorted([one, two])
    assert later[0] >= earlier[1]  # the second started streaming after the first ended
    assert set(loaded.model.batch_sizes) == {1}


async def test_close_stops_a_running_generation_and_frees_the_model(
    tiny_tokenizer: PreTrainedTokenizerFast, make_backend: BackendFactory
) -> None:
    loaded = scripted_model(tiny_tokenizer, [LONG_ANSWER * 5], delay_s=0.02)
    backend = make_backend(loaded, max_new_tokens=1000)
    first_piece = asyncio.Event()
    pieces: list[str] = []

    async def consume() -> None:
        async with aclosing(backend.stream(question())) as stream:
            async for piece in stream:
                pieces.append(piece)
                first_piece.set()

    consumer = asyncio.create_task(consume())
    await first_piece.wait()
    started = time.monotonic()
    await backend.close()
    await asyncio.wait_for(consumer, 2.0)

    assert time.monotonic() - started < 2.0
    assert "".join(pieces) != LONG_ANSWER * 5
    status = backend.status()
    assert status.state == "not_loaded"
    assert status.memory_mb == 0.0
    with pytest.raises(BackendUnavailableError):
        await collect(backend, question())
