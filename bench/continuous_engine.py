"""The same measurement on transformers' own continuous batching, for comparison.

transformers 5.x ships ``ContinuousBatchingManager`` (``model.init_continuous_batching``):
a background thread with a paged KV cache that admits and retires requests
between steps, streams each request's tokens and cancels on request. Our
backend uses its own scheduler (``agent.backends.batch_scheduler``) instead;
``python -m bench model --engine continuous`` runs this module to show why on
the machine at hand (BENCHMARKS.md has both figures).

The prompts are the backend's own (same messages, same template), decoding
is greedy with the model's end-of-turn tokens, and each request streams; a
level's timings mean what they mean for the backend rows.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from agent.backends.base import GenerationRequest
from agent.backends.model_loading import LoadedModel
from agent.backends.transformers import GenerationOptions, prompt_messages
from agent.prompt import render_prompt
from bench.measurements import Row, StreamTiming, chat_request, peak_memory, summarise
from core.settings import Settings


async def measure_continuous(
    loaded: LoadedModel, settings: Settings, concurrency: int, new_tokens: int, first_chat: int
) -> Row:
    """``concurrency`` chats (numbered from ``first_chat``) at once on a
    ``ContinuousBatchingManager`` over ``loaded``."""
    from transformers import GenerationConfig
    from transformers.generation.configuration_utils import ContinuousBatchingConfig

    options = GenerationOptions.from_settings(settings.model, settings.agent)
    requests = [chat_request(first_chat + index, new_tokens) for index in range(concurrency)]
    prompts = [_prompt_ids(loaded, request, options) for request in requests]
    config = GenerationConfig(
        max_new_tokens=new_tokens,
        do_sample=False,
        eos_token_id=list(loaded.end_of_turn_ids),
        pad_token_id=loaded.tokenizer.pad_token_id or loaded.end_of_turn_ids[0],
    )
    manager = loaded.model.init_continuous_batching(
        generation_config=config,
        continuous_batching_config=ContinuousBatchingConfig(
            max_requests_per_batch=max(concurrency, 1)
        ),
    )
    manager.start()
    try:
        await _run_requests(manager, prompts[:1], new_tokens, tag="warm")
        async with peak_memory() as peak:
            started = time.monotonic()
            streams = await _run_requests(manager, prompts, new_tokens, tag=f"c{concurrency}")
            wall = time.monotonic() - started
    finally:
        await asyncio.to_thread(manager.stop, True, 30.0)
    return summarise(concurrency, streams, wall, peak.mb)


async def _run_requests(
    manager: Any, prompts: list[list[int]], new_tokens: int, tag: str
) -> list[StreamTiming]:
    """Submit every prompt at once; each one's stream timing."""
    timings: list[dict[str, float | int]] = [{} for _ in prompts]
    done = [asyncio.Event() for _ in prompts]

    def handler(index: int) -> Any:
        def on_output(output: Any) -> None:
            record = timings[index]
            now = time.monotonic()
            if output.generated_tokens and "first" not in record:
                record["first"] = now
            if output.is_finished():
                record["finished"] = now
                record["tokens"] = len(output.generated_tokens)
                done[index].set()

        return on_output

    submitted = time.monotonic()
    for index, prompt in enumerate(prompts):
        request_id = f"{tag}-{index}"
        manager.register_result_handler(request_id, handler(index))
        manager.add_request(
            prompt, request_id=request_id, max_new_tokens=new_tokens, streaming=True
        )
    await asyncio.gather(*(event.wait() for event in done))
    return [
        StreamTiming(
            submitted=submitted,
            first=float(record.get("first", record["finished"])),
            finished=float(record["finished"]),
            tokens=int(record["tokens"]),
        )
        for record in timings
    ]


def _prompt_ids(
    loaded: LoadedModel, request: GenerationRequest, options: GenerationOptions
) -> list[int]:
    prompt = render_prompt(prompt_messages(request, options), loaded.tokenizer)
    return list(loaded.tokenizer(prompt, add_special_tokens=False)["input_ids"])
