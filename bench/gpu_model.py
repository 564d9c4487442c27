"""Generation throughput of the real model's shape on a GPU, through our backend.

    python -m bench.gpu_model            # Llama-3-8B shape on CUDA (about 5 minutes on an H200)
    python -m bench.gpu_model --small    # a toy shape on CPU (how it is tested)

No weights can be downloaded, and random weights decode at the speed of
trained ones, so the script builds a model of the REAL Llama-3-8B-Instruct
shape (hidden 4096, intermediate 14336, 32 layers, 32 heads, 8 KV heads,
vocabulary 128256) with random bfloat16 weights directly on the device,
saves it to a scratch folder with a word-level tokenizer of the same
vocabulary size, and then measures:

- ``nf4-backend``: the folder loaded in 4-bit NF4 by the backend's own loading
  code (``agent.backends.model_loading``), ``concurrency`` requests sent at
  once through ``TransformersBackend.stream`` (the production path: prompt
  rendering, the batching scheduler, streaming, stop logic);
- ``nf4-serial``: the same backend with ``max_batch_size`` 1, one generation
  at a time per model: how the backend served before it batched (the rows
  called ``nf4-backend`` in runs before the scheduler);
- ``nf4-batched``: the same model with one padded ``generate`` call for the
  whole batch, the GPU's capacity when chats are batched, for reference;
- ``bf16-*``: the unquantised model, for comparison.

Per row: mean time to first token (from submission, waiting included), mean
decode rate per stream after its first token, aggregate new tokens per second
over the row's wall time, and peak GPU memory. Decoding is greedy and the
special tokens' output rows are zeroed, so every stream produces exactly its
token count (``--new-tokens``; ``--serial-new-tokens`` for the slow serial
rows). The last line printed is one JSON object with every row.

Imports stay minimal for a bare GPU host: torch, transformers, tokenizers,
accelerate and (for NF4) bitsandbytes; none of the application's database,
web or Telegram dependencies.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import logging
import platform
import random
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, cast

import torch
from tokenizers import AddedToken, Tokenizer, models, pre_tokenizers
from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast
from transformers.generation.streamers import BaseStreamer

from agent.backends.base import GenerationRequest
from agent.backends.batch_scheduler import BatchingOptions
from agent.backends.model_loading import (
    LoadedModel,
    LoadOptions,
    LoadPlan,
    end_of_turn_ids,
    load_model,
    model_memory_mb,
)
from agent.backends.transformers import GenerationOptions, GenerationStats, TransformersBackend
from agent.prompt import LLAMA3_CHAT_TEMPLATE, render_prompt
from agent.turns import ChatTurn

log = logging.getLogger("bench.gpu_model")

# Llama-3 reserves its last 256 ids for special tokens; these are the ones the
# chat format uses, at their Llama-3 offsets from the first reserved id.
_SPECIAL_OFFSETS: Final = {
    "<|begin_of_text|>": 0,
    "<|end_of_text|>": 1,
    "<|start_header_id|>": 6,
    "<|end_header_id|>": 7,
    "<|eot_id|>": 9,
}
_RESERVED: Final = 256


@dataclass(frozen=True)
class Shape:
    """The dimensions of a Llama model."""

    hidden: int
    intermediate: int
    layers: int
    heads: int
    kv_heads: int
    vocab: int

    def config(self) -> LlamaConfig:
        first_special = self.vocab - _RESERVED
        return LlamaConfig(
            vocab_size=self.vocab,
            hidden_size=self.hidden,
            intermediate_size=self.intermediate,
            num_hidden_layers=self.layers,
            num_attention_heads=self.heads,
            num_key_value_heads=self.kv_heads,
            max_position_embeddings=8192,
            rope_parameters={"rope_type": "default", "rope_theta": 500000.0},
            rms_norm_eps=1e-5,
            tie_word_embeddings=False,
            bos_token_id=first_special + _SPECIAL_OFFSETS["<|begin_of_text|>"],
            eos_token_id=first_special + _SPECIAL_OFFSETS["<|eot_id|>"],
        )


LLAMA3_8B: Final = Shape(4096, 14336, 32, 32, 8, 128256)
SMALL: Final = Shape(64, 128, 2, 4, 2, 2048)


@dataclass(frozen=True)
class Row:
    """One measurement."""

    mode: str
    concurrency: int
    ttft_s: float
    tokens_per_s_per_stream: float
    tokens_per_s_aggregate: float
    peak_memory_mb: float

    def as_json(self) -> dict[str, Any]:
        return {
            "concurrency": self.concurrency,
            "ttft_s": round(self.ttft_s, 4),
            "tokens_per_s_per_stream": round(self.tokens_per_s_per_stream, 2),
            "tokens_per_s_aggregate": round(self.tokens_per_s_aggregate, 2),
            "peak_memory_mb": round(self.peak_memory_mb, 1),
            "mode": self.mode,
        }


# -- the random model ------------------------------------------------------------------------


def word_tokenizer(vocab: int) -> PreTrainedTokenizerFast:
    """A word-level tokenizer with ``vocab`` ids ("t1", "t2" ...) and the Llama-3 specials."""
    first_special = vocab - _RESERVED
    words = {"[UNK]": 0}
    words.update({f"t{i}": i for i in range(1, first_special)})
    specials = {name: first_special + offset for name, offset in _SPECIAL_OFFSETS.items()}
    used = set(specials.values())
    words.update(specials)
    words.update({f"<|reserved_{i}|>": i for i in range(first_special, vocab) if i not in used})
    model = Tokenizer(models.WordLevel(words, unk_token="[UNK]"))
    model.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    model.add_special_tokens([AddedToken(name, special=True) for name in specials])
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=model,
        bos_token="<|begin_of_text|>",
        eos_token="<|eot_id|>",
        pad_token="<|end_of_text|>",
        unk_token="[UNK]",
    )
    tokenizer.padding_side = "left"
    tokenizer.chat_template = LLAMA3_CHAT_TEMPLATE  # what Llama-3's own tokenizer carries
    return tokenizer


def random_model(shape: Shape, device: str) -> LlamaForCausalLM:
    """The shape with random bfloat16 weights, built directly on ``device``."""
    torch.manual_seed(0)
    with torch.device(device):
        model = LlamaForCausalLM._from_config(shape.config(), dtype=torch.bfloat16)
    if model.device != torch.device(device):
        model = model.to(device)
    first_special = shape.vocab - _RESERVED
    with torch.no_grad():
        # Zero output rows never win a greedy argmax over random logits, so no
        # stream ends early and every row generates the same number of tokens.
        model.lm_head.weight[first_special:] = 0.0
    # transformers leaves _from_config (and the wrapped .to) untyped: the model is Any here.
    return cast(LlamaForCausalLM, model.eval())


def save_checkpoint(
    model: LlamaForCausalLM, tokenizer: PreTrainedTokenizerFast, folder: Path
) -> None:
    """Write the model folder the backend's loader reads."""
    model.save_pretrained(folder, max_shard_size="4GB")
    tokenizer.save_pretrained(folder)


# -- measurements ----------------------------------------------------------------------------


def prompts(tokenizer: PreTrainedTokenizerFast, count: int, words: int, seed: int) -> list[str]:
    """``count`` different user messages of ``words`` random words, as chat turns."""
    rng = random.Random(seed)
    top = tokenizer.vocab_size - _RESERVED - 1
    return [" ".join(f"t{rng.randint(1, top)}" for _ in range(words)) for _ in range(count)]


async def through_backend(
    backend: TransformersBackend, messages: list[str], new_tokens: int, mode: str
) -> Row:
    """All ``messages`` sent to the backend at once; waits for every stream to finish."""

    async def one(text: str) -> tuple[float, float, float, int]:
        stats = GenerationStats()
        submitted = time.monotonic()
        first = None
        async for _ in backend.stream(
            GenerationRequest([ChatTurn("user", text)], None, max_new_tokens=new_tokens),
            stats=stats,
        ):
            if first is None:
                first = time.monotonic()
        finished = time.monotonic()
        return submitted, first or finished, finished, stats.new_tokens

    _reset_peak_memory()
    started = time.monotonic()
    streams = await asyncio.gather(*(one(text) for text in messages))
    wall = time.monotonic() - started
    return _row(mode, streams, wall)


def batched_generate(loaded: LoadedModel, messages: list[str], new_tokens: int, mode: str) -> Row:
    """One padded ``generate`` call for all ``messages``."""
    tokenizer, model = loaded.tokenizer, loaded.model
    texts = [render_prompt([{"role": "user", "content": text}], tokenizer) for text in messages]
    inputs = tokenizer(texts, add_special_tokens=False, padding=True, return_tensors="pt")
    inputs = inputs.to(model.device)
    timer = _StepTimer()
    _reset_peak_memory()
    started = time.monotonic()
    with torch.inference_mode():
        output = model.generate(
            **inputs,
            max_new_tokens=new_tokens,
            min_new_tokens=new_tokens,
            do_sample=False,
            temperature=None,
            top_p=None,
            top_k=None,
            pad_token_id=tokenizer.pad_token_id,
            eos_token_id=list(loaded.end_of_turn_ids),
            streamer=timer,
        )
    _synchronize()
    finished = time.monotonic()
    produced = int(output.shape[1] - inputs["input_ids"].shape[1])
    first = timer.first_token_at or finished
    streams = [(started, first, finished, produced)] * len(messages)
    return _row(mode, streams, finished - started)


class _StepTimer(BaseStreamer):
    """Notes when ``generate`` produced its first new token (for a whole batch)."""

    def __init__(self) -> None:
        self._prompt_seen = False
        self.first_token_at: float | None = None

    def put(self, value: torch.Tensor) -> None:
        if not self._prompt_seen:
            self._prompt_seen = True
            return
        if self.first_token_at is None:
            self.first_token_at = time.monotonic()

    def end(self) -> None:
        return None


def _row(mode: str, streams: list[tuple[float, float, float, int]], wall: float) -> Row:
    ttft = [first - submitted for submitted, first, _, _ in streams]
    rates = [
        (tokens - 1) / (finished - first)
        for _, first, finished, tokens in streams
        if tokens > 1 and finished > first
    ]
    total = sum(tokens for *_, tokens in streams)
    return Row(
        mode=mode,
        concurrency=len(streams),
        ttft_s=sum(ttft) / len(ttft),
        tokens_per_s_per_stream=sum(rates) / len(rates) if rates else 0.0,
        tokens_per_s_aggregate=total / wall if wall > 0 else 0.0,
        peak_memory_mb=_peak_memory_mb(),
    )


def _reset_peak_memory() -> None:
    if torch.cuda.is_available():
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()


def _synchronize() -> None:
    if torch.cuda.is_available():
        torch.cuda.synchronize()


def _peak_memory_mb() -> float:
    if torch.cuda.is_available():
        return torch.cuda.max_memory_allocated() / 2**20
    try:
        import psutil
    except ImportError:
        return 0.0
    return float(psutil.Process().memory_info().rss) / 2**20


# -- the run ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    shape: Shape
    device: str
    concurrency: tuple[int, ...]
    serial_concurrency: tuple[int, ...]
    new_tokens: int
    serial_new_tokens: int
    prompt_words: int
    modes: tuple[str, ...]
    workdir: Path


def bench_backend(name: str, settings: Settings, max_batch_size: int) -> TransformersBackend:
    """The production backend, greedy, with room for every request of a row."""
    return TransformersBackend(
        name,
        GenerationOptions(
            max_new_tokens=settings.new_tokens,
            temperature=0.0,
            timeout_s=3600.0,
            customer_hint="none",
            ask_next_speaker=False,
        ),
        BatchingOptions(max_batch_size=max_batch_size, max_queued=max(settings.concurrency)),
    )


async def measure_mode(
    loaded: LoadedModel, settings: Settings, mode: str, report: Callable[[Row], None]
) -> None:
    """Every concurrency level through the backend (serial and batching) and as one batch,
    for one loaded model."""
    tokenizer = loaded.tokenizer
    warm = prompts(tokenizer, 1, settings.prompt_words, seed=0)
    serial = bench_backend(f"llama3-shape-{mode}-serial", settings, max_batch_size=1)
    serial.attach(loaded)
    try:
        # Warm-up at full length (kernel choices, allocator growth), unmeasured.
        await through_backend(serial, warm, settings.serial_new_tokens, mode)
        for count in settings.serial_concurrency:
            messages = prompts(tokenizer, count, settings.prompt_words, seed=count)
            report(
                await through_backend(
                    serial, messages, settings.serial_new_tokens, f"{mode}-serial"
                )
            )
    finally:
        await serial.close()
    batching = bench_backend(f"llama3-shape-{mode}", settings, max(settings.concurrency))
    batching.attach(loaded)
    try:
        for count in settings.concurrency:
            # The same shapes once, unmeasured (as for batched generate below): the first
            # pass at a new batch and cache size pays for kernel choices (cuDNN attention
            # builds a plan per shape), which a long-running service pays once.
            warm_up = prompts(tokenizer, count, settings.prompt_words, seed=1000 + count)
            await through_backend(batching, warm_up, settings.new_tokens, mode)
            messages = prompts(tokenizer, count, settings.prompt_words, seed=100 + count)
            report(
                await through_backend(batching, messages, settings.new_tokens, f"{mode}-backend")
            )
    finally:
        await batching.close()
    for count in settings.concurrency:
        messages = prompts(tokenizer, count, settings.prompt_words, seed=count)
        batched_generate(loaded, messages, settings.new_tokens, mode)  # same shapes, warm
        report(batched_generate(loaded, messages, settings.new_tokens, f"{mode}-batched"))


def run(settings: Settings) -> dict[str, Any]:
    """Build the model, measure every mode, and return the JSON summary.

    A mode that fails (out of memory, a missing package) is reported in
    ``errors`` and the other mode still runs.
    """
    rows: list[Row] = []
    summary: dict[str, Any] = {"errors": {}}

    def report(row: Row) -> None:
        rows.append(row)
        print(_format(row), flush=True)

    folder = settings.workdir / "llama3-shape"
    tokenizer = word_tokenizer(settings.shape.vocab)
    started = time.monotonic()
    model = random_model(settings.shape, settings.device)
    summary["parameters"] = sum(p.numel() for p in model.parameters())
    if "nf4" in settings.modes:  # only the NF4 load reads the folder
        save_checkpoint(model, tokenizer, folder)
    summary["build_s"] = round(time.monotonic() - started, 1)
    log.info("random model: %(parameters)d parameters, built and saved in %(build_s)s s", summary)
    print(_header(), flush=True)
    if "bf16" in settings.modes:
        # The unquantised model is measured as built: loading the same bf16
        # weights back from disk would only cost time.
        bf16 = LoadedModel(
            model=model,
            tokenizer=tokenizer,
            plan=LoadPlan(device=settings.device, dtype="bfloat16", quantization="none"),
            source="random weights",
            load_seconds=0.0,
            end_of_turn_ids=end_of_turn_ids(tokenizer, model),
        )
        _guarded("bf16", summary, lambda: asyncio.run(measure_mode(bf16, settings, "bf16", report)))
        del bf16
    del model
    _free()
    if "nf4" in settings.modes:
        _guarded("nf4", summary, lambda: _measure_nf4(folder, settings, report, summary))
        _free()
    return {
        "results": [row.as_json() for row in rows],
        "device": _device_name(settings.device),
        "shape": settings.shape.__dict__,
        "new_tokens": settings.new_tokens,
        "serial_new_tokens": settings.serial_new_tokens,
        "prompt_words": settings.prompt_words,
        "versions": _versions(),
        "cudnn_attention": torch.backends.cuda.cudnn_sdp_enabled(),
        **summary,
    }


def _measure_nf4(
    folder: Path, settings: Settings, report: Callable[[Row], None], summary: dict[str, Any]
) -> None:
    """Load the saved folder in NF4 through the backend's loader, then measure it."""
    started = time.monotonic()
    loaded = load_model(
        LoadOptions(
            name=str(folder),
            device="cuda" if settings.device.startswith("cuda") else "cpu",
            quantization="nf4",
            cpu_quantization="nf4",
            dtype="bfloat16",
        )
    )
    summary["nf4_load_s"] = round(time.monotonic() - started, 1)
    summary["nf4_compute_dtype"] = loaded.plan.dtype
    summary["nf4_weights_mb"] = round(model_memory_mb(loaded), 1)
    asyncio.run(measure_mode(loaded, settings, "nf4", report))


def _guarded(mode: str, summary: dict[str, Any], measure: Callable[[], None]) -> None:
    try:
        measure()
    except Exception as exc:  # one failed mode must not lose the other's figures
        log.exception("mode %s failed", mode)
        summary["errors"][mode] = f"{type(exc).__name__}: {exc}"[:500]


def _free() -> None:
    gc.collect()
    if torch.cuda.is_available():
        torch.cuda.empty_cache()


def _header() -> str:
    return (
        f"{'mode':<14} {'conc':>5} {'ttft_s':>9} {'tok/s/stream':>13} "
        f"{'tok/s total':>12} {'peak_MB':>10}"
    )


def _format(row: Row) -> str:
    return (
        f"{row.mode:<14} {row.concurrency:>5} {row.ttft_s:>9.3f} "
        f"{row.tokens_per_s_per_stream:>13.1f} {row.tokens_per_s_aggregate:>12.1f} "
        f"{row.peak_memory_mb:>10.0f}"
    )


def _device_name(device: str) -> str:
    if device.startswith("cuda"):
        return torch.cuda.get_device_name(device)
    return f"cpu ({platform.processor() or platform.machine()}, {torch.get_num_threads()} threads)"


def _versions() -> dict[str, str]:
    import transformers

    versions = {"torch": torch.__version__, "transformers": transformers.__version__}
    try:
        import bitsandbytes

        versions["bitsandbytes"] = bitsandbytes.__version__
    except ImportError:
        versions["bitsandbytes"] = "not installed"
    return versions


def _levels(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(",") if part.strip())


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.gpu_model", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--small", action="store_true", help="toy shape on CPU (for tests)")
    parser.add_argument(
        "--concurrency", default="1,4,16,64", help="levels of the backend and batched generate"
    )
    parser.add_argument(
        "--serial-concurrency",
        default="1,4,16",
        help="serial backend levels (one request at a time: 64 would only take long)",
    )
    parser.add_argument(
        "--new-tokens", type=int, default=None, help="tokens per stream (backend, batched generate)"
    )
    parser.add_argument(
        "--serial-new-tokens",
        type=int,
        default=None,
        help="tokens per stream through the serial backend (its requests run one after another)",
    )
    parser.add_argument("--prompt-words", type=int, default=128, help="user message length")
    parser.add_argument(
        "--no-cudnn-attention",
        action="store_true",
        help="keep scaled-dot-product attention off cuDNN (flash or efficient kernels only)",
    )
    parser.add_argument("--modes", default="nf4,bf16", help="nf4, bf16 or both")
    parser.add_argument("--workdir", type=Path, default=None, help="scratch folder")
    parser.add_argument("--output", type=Path, default=None, help="also write the JSON here")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; prints the table, then the JSON summary as the last line."""
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    if not args.small and not torch.cuda.is_available():
        print("no CUDA device: run with --small for the CPU check", file=sys.stderr)
        return 2
    modes = tuple(mode for mode in ("bf16", "nf4") if mode in args.modes.split(","))
    if args.no_cudnn_attention:
        torch.backends.cuda.enable_cudnn_sdp(False)
    with tempfile.TemporaryDirectory(dir=args.workdir, prefix="gpu-bench-") as scratch:
        settings = Settings(
            shape=SMALL if args.small else LLAMA3_8B,
            device="cpu" if args.small else f"cuda:{torch.cuda.current_device()}",
            concurrency=_levels(args.concurrency),
            serial_concurrency=_levels(args.serial_concurrency),
            new_tokens=args.new_tokens or (16 if args.small else 64),
            serial_new_tokens=args.serial_new_tokens or (8 if args.small else 16),
            prompt_words=args.prompt_words,
            modes=modes,
            workdir=Path(scratch),
        )
        summary = run(settings)
    line = json.dumps(summary)
    if args.output is not None:
        args.output.write_text(line + "\n", encoding="utf-8")
    print(line, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
