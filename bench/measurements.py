"""What the model benchmarks share: the chats they send, a level's figures, peak memory.

``bench.model`` (through the ``Backend`` interface) and
``bench.continuous_engine`` (transformers' own continuous batching) measure
the same way with these: every chat asks a different question
(``chat_request``), each stream's timing (``StreamTiming``) becomes one
concurrency level's ``Row`` (``summarise``), and ``peak_memory`` watches the
GPU's peak, or the process's resident memory on CPU.
"""

from __future__ import annotations

import asyncio
import statistics
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, Final

from agent.backends.base import GenerationRequest
from agent.backends.model_loading import process_memory_mb
from agent.turns import ChatTurn

_SAMPLE_EVERY_S: Final = 0.02

QUESTIONS: Final = (
    "Faturam neden bu ay bu kadar yüksek geldi?",
    "Kalan internet kotamı nasıl öğrenebilirim?",
    "Yurt dışına çıkacağım, roaming nasıl açılır ve ücreti nedir?",
    "Evimde internet çok yavaş, ne yapmalıyım?",
    "Paketimi daha ucuz bir pakete nasıl geçirebilirim?",
    "Otomatik ödeme talimatı vermek istiyorum, nasıl yaparım?",
    "Hattımı geçici olarak kapatabilir miyim?",
    "Son ödeme tarihini kaçırdım, ne olur?",
)


@dataclass(frozen=True)
class Row:
    """One concurrency level's figures."""

    concurrency: int
    ttft_s: float
    tokens_per_s_per_stream: float
    tokens_per_s_aggregate: float
    peak_memory_mb: float

    def as_json(self) -> dict[str, float | int]:
        return {
            "concurrency": self.concurrency,
            "ttft_s": round(self.ttft_s, 4),
            "tokens_per_s_per_stream": round(self.tokens_per_s_per_stream, 2),
            "tokens_per_s_aggregate": round(self.tokens_per_s_aggregate, 2),
            "peak_memory_mb": round(self.peak_memory_mb, 1),
        }


@dataclass(frozen=True)
class StreamTiming:
    """One chat's stream: when it was called, its first and last chunk, its tokens."""

    submitted: float
    first: float
    finished: float
    tokens: int


def summarise(
    concurrency: int, streams: Sequence[StreamTiming], wall_s: float, peak_mb: float
) -> Row:
    """The row for ``streams`` that ran together for ``wall_s`` seconds."""
    ttft = [stream.first - stream.submitted for stream in streams]
    rates = [
        (stream.tokens - 1) / (stream.finished - stream.first)
        for stream in streams
        if stream.tokens > 1 and stream.finished > stream.first
    ]
    total = sum(stream.tokens for stream in streams)
    return Row(
        concurrency=concurrency,
        ttft_s=statistics.fmean(ttft) if ttft else 0.0,
        tokens_per_s_per_stream=statistics.fmean(rates) if rates else 0.0,
        tokens_per_s_aggregate=total / wall_s if wall_s > 0 else 0.0,
        peak_memory_mb=peak_mb,
    )


def chat_request(index: int, new_tokens: int) -> GenerationRequest:
    """Chat ``index``'s question (every chat's prompt differs)."""
    question = QUESTIONS[index % len(QUESTIONS)]
    if index >= len(QUESTIONS):  # another chat, another prompt from its first word on
        question = f"({index + 1}. müşteri) {question}"
    return GenerationRequest([ChatTurn("user", question)], 1001, max_new_tokens=new_tokens)


class PeakMemory:
    """The largest memory figure seen while measuring (MB)."""

    mb: float = 0.0


@asynccontextmanager
async def peak_memory() -> AsyncIterator[PeakMemory]:
    """Peak GPU memory on CUDA, else the process's resident memory sampled every 20 ms."""
    peak = PeakMemory()
    cuda = _cuda_in_use()
    if cuda is not None:
        cuda.synchronize()
        cuda.reset_peak_memory_stats()
        yield peak
        cuda.synchronize()
        peak.mb = cuda.max_memory_allocated() / 2**20
        return

    async def sample() -> None:
        while True:
            peak.mb = max(peak.mb, process_memory_mb() or 0.0)
            await asyncio.sleep(_SAMPLE_EVERY_S)

    sampler = asyncio.create_task(sample())
    try:
        yield peak
    finally:
        sampler.cancel()
        peak.mb = max(peak.mb, process_memory_mb() or 0.0)


def _cuda_in_use() -> Any:
    try:
        import torch
    except ImportError:
        return None
    return torch.cuda if torch.cuda.is_available() else None
