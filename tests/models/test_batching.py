"""Concurrent requests share the model's forward passes, and each keeps its own stream.

The models are real ``LlamaForCausalLM``s on CPU, decoded by the backend's
batching scheduler: the random tiny Llama (greedy, so a request's output is
known from running it alone) and ``ScriptedLlama`` (tests/models/tiny_models.py)
where a request must say something specific, such as close a tool block.
The scripted backends here do not ask the model who speaks next
(``ask_next_speaker=False``): a header probe would take the next script of
another request; the probe is tested in test_transformers_stream.py.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from contextlib import aclosing, contextmanager

import pytest
import torch
from transformers import PreTrainedTokenizerFast

from agent.backends.base import GenerationRequest
from agent.backends.model_loading import LoadedModel
from agent.backends.transformers import (
    GenerationStats,
    GenerationTimeoutError,
    TransformersBackend,
)
from agent.protocol import parse_output
from agent.turns import ChatTurn, ToolCall
from tests.models.tiny_models import BackendFactory, scripted_model

QUESTIONS = (
    "Faturam ne kadar?",
    "İnternet paketim bitti, ek paket alabilir miyim?",
    "Şebeke çalışmıyor.",
    "Merhaba, faturamı öğrenmek istiyorum.",
)
TOOL_BLOCK = "<|begin_of_tool_code|>\nprint(get_current_bill(user_id=1001))\n<|end_of_tool_code|>"
LONG_ANSWER = (
    "Güncel faturanız 1.234,56 TL ve son ödeme tarihi 15 Aralık 2026. Faturanızı mobil "
    "uygulamadan, internet şubesinden ya da bayilerimizden ödeyebilirsiniz."
)


def ask(text: str, max_new_tokens: int = 256) -> GenerationRequest:
    return GenerationRequest([ChatTurn("user", text)], None, max_new_tokens=max_new_tokens)


async def collect(
    backend: TransformersBackend, request: GenerationRequest, stats: GenerationStats | None = None
) -> str:
    async with aclosing(backend.stream(request, stats=stats)) as stream:
        return "".join([piece async for piece in stream])


@contextmanager
def rows_per_forward_pass(model: torch.nn.Module) -> Iterator[list[int]]:
    """The number of rows of every forward pass of ``model`` while the block runs."""
    seen: list[int] = []

    def record(
        _module: torch.nn.Module, args: tuple[object, ...], kwargs: dict[str, object]
    ) -> None:
        input_ids = kwargs.get("input_ids", args[0] if args else None)
        assert isinstance(input_ids, torch.Tensor)
        seen.append(int(input_ids.shape[0]))

    handle = model.register_forward_pre_hook(record, with_kwargs=True)
    try:
        yield seen
    finally:
        handle.remove()


# -- shared forward passes, unchanged results ---------------------------------------------------


async def test_concurrent_requests_share_forward_passes(
    tiny_tokenizer: PreTrainedTokenizerFast, make_backend: BackendFactory
) -> None:
    replies = [LONG_ANSWER, LONG_ANSWER.replace("Güncel", "Önceki"), "Kısa bir yanıt.", "Tamam."]
    loaded = scripted_model(tiny_tokenizer, replies, delay_s=0.002)
    backend = make_backend(loaded, max_batch_size=4, window_s=0.05, ask_next_speaker=False)

    answers = await asyncio.gather(*(collect(backend, ask(q)) for q in QUESTIONS))

    assert sorted(answers) == sorted(replies)  # each request got one whole reply
    assert max(loaded.model.batch_sizes) == 4  # all four in one forward pass
    longest = max(len(tiny_tokenizer.encode(reply)) for reply in replies)
    # One at a time would take a pass per token of every reply; together, about the longest.
    assert loaded.model.forward_passes <= longest + 3
    assert backend.status().extra["largest_batch"] == "4"


async def test_each_batched_stream_equals_its_greedy_output_alone(
    tiny_llama: LoadedModel, make_backend: BackendFactory
) -> None:
    alone = make_backend(tiny_llama, max_batch_size=1, max_new_tokens=24, kv_reuse_mb=0)
    expected = [await collect(alone, ask(q)) for q in QUESTIONS]
    await alone.close()
    batched = make_backend(tiny_llama, max_batch_size=4, max_new_tokens=24, kv_reuse_mb=0)

    async def late(question: str, delay_s: float) -> str:
        await asyncio.sleep(delay_s)  # joins a batch that is already decoding
        return await collect(batched, ask(question))

    with rows_per_forward_pass(tiny_llama.model) as rows:
        answers = await asyncio.gather(
            collect(batched, ask(QUESTIONS[0])),
            collect(batched, ask(QUESTIONS[1])),
            late(QUESTIONS[2], 0.02),
            late(QUESTIONS[3], 0.05),
        )

    assert list(answers) == expected
    assert len(set(expected)) == len(expected)  # the check would catch swapped answers
    assert max(rows) >= 3


async def test_a_request_joins_while_a_batch_is_decoding(
    tiny_tokenizer: PreTrainedTokenizerFast, make_backend: BackendFactory
) -> None:
    first, second = LONG_ANSWER * 2, "Önceki faturanız ödendi."
    loaded = scripted_model(tiny_tokenizer, [first, second], delay_s=0.01)
    backend = make_backend(loaded, max_batch_size=4, ask_next_speaker=False)
    first_done: list[float] = []

    async def long_one() -> str:
        answer = await collect(backend, ask(QUESTIONS[0]))
        first_done.append(time.monotonic())
        return answer

    running = asyncio.create_task(long_one())
    await asyncio.sleep(0.1)
    second_answer = await collect(backend, ask(QUESTIONS[1]))
    second_done = time.monotonic()

    assert await running == first
    assert second_answer == second
    assert second_done < first_done[0]  # it did not wait for the long answer to end
    assert max(loaded.model.batch_sizes) == 2


# -- each request's own stop, cancellation and time limit ---------------------------------------


async def test_a_closed_tool_block_stops_only_its_own_request(
    tiny_tokenizer: PreTrainedTokenizerFast, make_backend: BackendFactory
) -> None:
    calling = f"Bakıyorum. {TOOL_BLOCK}\nBu metin asla üretilmemeli, blok bitince durur."
    replies = [calling, LONG_ANSWER, LONG_ANSWER.replace("Güncel", "Önceki")]
    loaded = scripted_model(tiny_tokenizer, replies, delay_s=0.002)
    backend = make_backend(loaded, max_batch_size=3, window_s=0.05, ask_next_speaker=False)
    stats = [GenerationStats() for _ in replies]

    answers = await asyncio.gather(
        *(collect(backend, ask(q), s) for q, s in zip(QUESTIONS, stats, strict=False))
    )

    by_reason = {s.stop_reason: a for s, a in zip(stats, answers, strict=True)}
    assert set(by_reason) == {"tool_block", "end_of_turn"}
    tool_answer = next(
        a for s, a in zip(stats, answers, strict=True) if s.stop_reason == "tool_block"
    )
    assert tool_answer == f"Bakıyorum. {TOOL_BLOCK}"
    assert parse_output(tool_answer).calls == (ToolCall("get_current_bill", {"user_id": 1001}),)
    others = sorted(
        a for s, a in zip(stats, answers, strict=True) if s.stop_reason == "end_of_turn"
    )
    assert others == sorted(replies[1:])
    assert max(loaded.model.batch_sizes) == 3


async def test_cancelling_one_request_leaves_the_others_running(
    tiny_tokenizer: PreTrainedTokenizerFast, make_backend: BackendFactory
) -> None:
    replies = [LONG_ANSWER * 3, LONG_ANSWER, LONG_ANSWER.replace("Güncel", "Önceki")]
    loaded = scripted_model(tiny_tokenizer, replies, delay_s=0.005)
    backend = make_backend(
        loaded, max_batch_size=3, max_new_tokens=1000, window_s=0.05, ask_next_speaker=False
    )
    cancelled_stats = GenerationStats()

    async def read_a_little() -> None:
        async with aclosing(backend.stream(ask(QUESTIONS[0], 1000), stats=cancelled_stats)) as s:
            pieces = 0
            async for _ in s:
                pieces += 1
                if pieces == 5:
                    return  # the reader leaves: the stream closes

    others = asyncio.gather(
        collect(backend, ask(QUESTIONS[1])), collect(backend, ask(QUESTIONS[2]))
    )
    await read_a_little()
    answers = await others

    assert cancelled_stats.stop_reason == "cancelled"
    assert cancelled_stats.new_tokens < len(tiny_tokenizer.encode(replies[0])) // 2
    assert sorted(answers) == sorted(replies[1:])


async def test_each_request_has_its_own_time_limit(
    tiny_tokenizer: PreTrainedTokenizerFast, make_backend: BackendFactory
) -> None:
    replies = [LONG_ANSWER * 5, "Faturanız ödendi."]
    loaded = scripted_model(tiny_tokenizer, replies, delay_s=0.02)
    backend = make_backend(
        loaded, max_new_tokens=1000, timeout_s=0.6, window_s=0.05, ask_next_speaker=False
    )
    slow_stats, quick_stats = GenerationStats(), GenerationStats()
    started = time.monotonic()

    slow, quick = await asyncio.gather(
        collect(backend, ask(QUESTIONS[0], 1000), slow_stats),
        collect(backend, ask(QUESTIONS[1]), quick_stats),
        return_exceptions=True,
    )

    assert isinstance(slow, GenerationTimeoutError)
    assert slow_stats.stop_reason == "timeout"
    assert time.monotonic() - started < 3.0
    assert quick == "Faturanız ödendi."
    assert quick_stats.stop_reason == "end_of_turn"


# -- the bound on waiting requests --------------------------------------------------------------


async def test_requests_beyond_the_batch_and_queue_wait_for_a_place(
    tiny_tokenizer: PreTrainedTokenizerFast, make_backend: BackendFactory
) -> None:
    replies = [LONG_ANSWER, LONG_ANSWER.replace("Güncel", "Önceki"), "Tamam.", "Peki."]
    loaded = scripted_model(tiny_tokenizer, replies, delay_s=0.005)
    backend = make_backend(loaded, max_batch_size=1, max_queued=1, ask_next_speaker=False)
    stats = [GenerationStats() for _ in replies]
    admitted_seen: list[int] = []  # requests in a row or waiting for one

    async def watch() -> None:
        while True:
            extra = backend.status().extra
            rows = int(extra["batch_rows"].split("/")[0])
            admitted_seen.append(rows + int(extra["queued"]))
            await asyncio.sleep(0.002)

    watcher = asyncio.create_task(watch())
    answers = await asyncio.gather(
        *(collect(backend, ask(q), s) for q, s in zip(QUESTIONS, stats, strict=True))
    )
    watcher.cancel()

    assert sorted(answers) == sorted(replies)
    assert set(loaded.model.batch_sizes) == {1}
    assert max(admitted_seen) == 2  # max_batch_size + max_queued, never more
    waits = sorted(s.queue_wait_s for s in stats)
    assert waits[1] < 0.05  # the first two got a place at once (a row and the queue)
    assert waits[2] > 0.05  # the third waited for the first to finish


async def test_a_request_that_cannot_get_a_place_in_time_times_out(
    tiny_tokenizer: PreTrainedTokenizerFast, make_backend: BackendFactory
) -> None:
    loaded = scripted_model(tiny_tokenizer, [LONG_ANSWER, "Tamam."])
    backend = make_backend(
        loaded, max_batch_size=1, max_queued=0, timeout_s=0.3, ask_next_speaker=False
    )
    holder = backend.stream(ask(QUESTIONS[0]))
    await anext(holder)  # a reader in the middle of its answer holds the only place

    with pytest.raises(GenerationTimeoutError, match="waiting for the model"):
        await collect(backend, ask(QUESTIONS[1]))

    await holder.aclose()
    assert len(loaded.model.prompts) == 1  # the second request never reached the model
    assert await collect(backend, ask(QUESTIONS[1])) == "Tamam."  # the place is free again
