"""Four chats at once on SmolLM2-135M through the backend (slow: a real model on CPU)."""

from __future__ import annotations

import asyncio
from contextlib import aclosing

import pytest

from agent.backends.base import GenerationRequest
from agent.backends.model_loading import LoadedModel
from agent.backends.transformers import GenerationStats, TransformersBackend
from agent.turns import ChatTurn
from tests.models.tiny_models import BackendFactory

pytestmark = pytest.mark.slow

QUESTIONS = (
    "What is the capital of France?",
    "Write one sentence about the sea.",
    "Name three colours.",
    "How many days are in a week?",
)


async def answer(backend: TransformersBackend, question: str, stats: GenerationStats) -> str:
    request = GenerationRequest([ChatTurn("user", question)], None, max_new_tokens=16)
    async with aclosing(backend.stream(request, stats=stats)) as stream:
        return "".join([piece async for piece in stream])


async def test_four_concurrent_chats_share_passes_and_answer_as_they_would_alone(
    smollm2: LoadedModel, make_backend: BackendFactory
) -> None:
    alone = make_backend(smollm2, max_new_tokens=16, max_batch_size=1, kv_reuse_mb=0)
    expected = [await answer(alone, question, GenerationStats()) for question in QUESTIONS]
    await alone.close()
    together = make_backend(smollm2, max_new_tokens=16, max_batch_size=4, window_s=0.05)
    stats = [GenerationStats() for _ in QUESTIONS]

    answers = await asyncio.gather(
        *(answer(together, q, s) for q, s in zip(QUESTIONS, stats, strict=True))
    )

    assert answers == expected
    assert all(text.strip() for text in answers)
    assert "Paris" in answers[0]
    assert together.status().extra["largest_batch"] == "4"
    assert all(s.stop_reason in {"end_of_turn", "max_tokens"} for s in stats)
