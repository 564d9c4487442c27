"""KV reuse across the steps of one turn: a cold prefill's answers from fewer prefilled tokens.

The second step of a tool-using turn gets the first step's prompt again,
followed by the tool call and its result (agent/loop.py). The backend keeps
the first step's keys and values and prefills only what follows.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import aclosing, contextmanager

import torch
from transformers import PreTrainedTokenizerFast

from agent.backends.base import GenerationRequest
from agent.backends.model_loading import LoadedModel
from agent.backends.transformers import GenerationStats, TransformersBackend
from agent.protocol.render import render_tool_result
from agent.turns import ChatTurn, ToolCall
from tests.models.tiny_models import BackendFactory, scripted_model

BILL_CALL = ToolCall("get_current_bill", {"user_id": 1001})
TOOL_BLOCK = "<|begin_of_tool_code|>\nprint(get_current_bill(user_id=1001))\n<|end_of_tool_code|>"
BILL = {"success": True, "data": {"amount": "1.234,56 TL", "due_date": "15 Aralık 2026"}}
QUESTION = ChatTurn("user", "Merhaba, faturamı öğrenmek istiyorum. Güncel faturam ne kadar?")


def tool_turn_steps() -> list[list[ChatTurn]]:
    """The dialogues of a turn's two model steps: the question; then the call and its result."""
    return [
        [QUESTION],
        [
            QUESTION,
            ChatTurn("assistant", TOOL_BLOCK, tool_calls=(BILL_CALL,)),
            ChatTurn("tool", render_tool_result(BILL)),
        ],
    ]


async def run_steps(
    backend: TransformersBackend, max_new_tokens: int
) -> tuple[list[str], list[GenerationStats]]:
    texts, all_stats = [], []
    for turns in tool_turn_steps():
        stats = GenerationStats()
        request = GenerationRequest(turns, 1001, max_new_tokens=max_new_tokens)
        async with aclosing(backend.stream(request, stats=stats)) as stream:
            texts.append("".join([piece async for piece in stream]))
        all_stats.append(stats)
    return texts, all_stats


@contextmanager
def tokens_fed(model: torch.nn.Module) -> Iterator[list[int]]:
    """The real (unpadded) tokens of every forward pass of ``model`` while the block runs."""
    counts: list[int] = []

    def record(_module: torch.nn.Module, _args: object, kwargs: dict[str, torch.Tensor]) -> None:
        length = kwargs["input_ids"].shape[1]
        counts.append(int(kwargs["attention_mask"][:, -length:].sum()))

    handle = model.register_forward_pre_hook(record, with_kwargs=True)
    try:
        yield counts
    finally:
        handle.remove()


async def test_the_tool_step_answers_as_a_cold_prefill_would_from_fewer_tokens(
    tiny_llama: LoadedModel, make_backend: BackendFactory
) -> None:
    cold = make_backend(tiny_llama, max_new_tokens=16, kv_reuse_mb=0, max_batch_size=1)
    with tokens_fed(tiny_llama.model) as cold_fed:
        cold_texts, cold_stats = await run_steps(cold, 16)
    await cold.close()
    reusing = make_backend(tiny_llama, max_new_tokens=16, max_batch_size=1)
    with tokens_fed(tiny_llama.model) as reuse_fed:
        reuse_texts, reuse_stats = await run_steps(reusing, 16)

    assert reuse_texts == cold_texts
    assert cold_stats[1].reused_prompt_tokens == 0
    reused = reuse_stats[1].reused_prompt_tokens
    assert reused >= reuse_stats[0].prompt_tokens  # all of step 1's prompt, at least
    # The model really was given that many fewer tokens.
    assert sum(cold_fed) - sum(reuse_fed) == reused


async def test_the_tool_step_prefills_only_the_call_and_its_result(
    tiny_tokenizer: PreTrainedTokenizerFast, make_backend: BackendFactory
) -> None:
    answer = "Güncel faturanız 1.234,56 TL, son ödeme tarihi 15 Aralık 2026."
    loaded = scripted_model(tiny_tokenizer, [TOOL_BLOCK, answer])
    backend = make_backend(loaded, customer_hint="none")

    texts, stats = await run_steps(backend, 200)

    assert texts == [TOOL_BLOCK, answer]
    assert stats[0].stop_reason == "tool_block"
    first_prompt = len(loaded.model.prompts[0])
    assert stats[1].reused_prompt_tokens >= first_prompt
    second_prefill = tiny_tokenizer.decode(loaded.model.prompts[1])
    assert isinstance(second_prefill, str)
    assert "<|start_header_id|>tool<|end_header_id|>" in second_prefill
    assert second_prefill.endswith("<|start_header_id|>assistant<|end_header_id|>\n\n")
    assert "Merhaba" not in second_prefill  # the question was not computed again


async def test_reuse_is_off_at_zero_memory(
    tiny_tokenizer: PreTrainedTokenizerFast, make_backend: BackendFactory
) -> None:
    loaded = scripted_model(tiny_tokenizer, [TOOL_BLOCK, "Tamam."])
    backend = make_backend(loaded, kv_reuse_mb=0)

    _, stats = await run_steps(backend, 200)

    assert stats[1].reused_prompt_tokens == 0
    prefill = tiny_tokenizer.decode(loaded.model.prompts[1])
    assert isinstance(prefill, str)
    assert prefill.startswith("<|begin_of_text|>")
    assert backend.status().extra["kv_reuse"].startswith("0 sequences")
