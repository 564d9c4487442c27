"""Loading a causal language model and its tokenizer for the transformers backend.

The plan (``plan_load``) decides device, dtype and quantisation from the
settings; ``load_model`` carries it out with ``AutoTokenizer`` and
``AutoModelForCausalLM``, logging each stage with its time:

- CUDA, ``model.quantization: nf4``: bitsandbytes 4-bit NF4 with double
  quantisation and the configured compute dtype (bfloat16 by default), the
  whole model placed on the GPU (``device_map={"": gpu}``, never CPU offload;
  a model that does not fit fails with a clear message), TF32 matmuls on.
- CPU: the configured dtype where the CPU computes it natively, else float32
  (float16 always becomes float32 on CPU); 4-bit NF4 when
  ``model.cpu_quantization: nf4`` (bitsandbytes quantises a safetensors
  folder on CPU too).
- A GGUF file is dequantised by transformers on load. bitsandbytes cannot
  quantise a GGUF file on load, so NF4 with a GGUF file is refused with the
  fix: convert it once (``python -m agent.backends.gguf_conversion``).

This module imports only the standard library at import time (torch and
transformers are imported when a model is loaded), and takes plain options,
not the application settings, so the GPU benchmark can use it on a host
without the application's other dependencies.
"""

from __future__ import annotations

import importlib.util
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from agent.backends.memory_check import check_cpu_memory
from agent.backends.model_source import (
    ModelLoadError,
    ModelSource,
    local_files_only,
    resolve_source,
)

if TYPE_CHECKING:
    from core.settings import ModelSettings

log = logging.getLogger(__name__)

DeviceChoice = Literal["auto", "cuda", "cpu"]
Quantization = Literal["nf4", "none"]
DtypeName = Literal["bfloat16", "float16", "float32"]

# Tokens that end an assistant turn in the chat formats we may meet: Llama-3,
# ChatML (Qwen, SmolLM2) and the generic end-of-text spellings.
END_OF_TURN_TOKENS = ("<|eot_id|>", "<|end_of_text|>", "<|im_end|>", "<|endoftext|>")


@dataclass(frozen=True)
class LoadOptions:
    """What to load and how: the loading half of ``model:`` in config.yaml."""

    name: str
    gguf_file: str = ""
    device: DeviceChoice = "auto"
    quantization: Quantization = "nf4"
    cpu_quantization: Quantization = "none"
    dtype: DtypeName = "bfloat16"
    base_dir: Path = Path(".")

    @classmethod
    def from_settings(cls, model: ModelSettings, base_dir: Path) -> LoadOptions:
        """The options of a ``ModelSettings``; relative paths resolve against ``base_dir``."""
        return cls(
            name=model.name,
            gguf_file=model.gguf_file,
            device=model.device,
            quantization=model.quantization,
            cpu_quantization=model.cpu_quantization,
            dtype=model.dtype,
            base_dir=base_dir,
        )


@dataclass(frozen=True)
class LoadPlan:
    """The decided device, dtype and quantisation for one load."""

    device: str  # "cuda:N" or "cpu"
    dtype: str  # weights dtype, or the compute dtype under NF4
    quantization: Quantization
    notes: tuple[str, ...] = ()


@dataclass
class LoadedModel:
    """A model ready to generate, with what the status page shows about it."""

    model: Any
    tokenizer: Any
    plan: LoadPlan
    source: str
    load_seconds: float
    end_of_turn_ids: tuple[int, ...]
    details: dict[str, str] = field(default_factory=dict)


def load_model(options: LoadOptions, on_stage: Callable[[str], None] | None = None) -> LoadedModel:
    """Load tokenizer and weights as ``options`` say; blocking, so run it in a thread.

    ``on_stage`` is told each stage as it starts ("tokenizer", "weights", ...).
    Raises ModelLoadError with a one-line reason for every expected failure
    (missing weights, no CUDA, no bitsandbytes, out of memory on the GPU, not
    enough memory on the CPU (``agent.backends.memory_check``), NF4 on GGUF).
    """
    started = time.monotonic()

    def stage(name: str) -> None:
        log.info("loading model %s: %s", options.name, name)
        if on_stage is not None:
            on_stage(name)

    stage("resolving the source")
    source = resolve_source(options.name, options.gguf_file, options.base_dir)
    offline = local_files_only(source)
    plan = plan_load(options, source)
    for note in plan.notes:
        log.info("model %s: %s", options.name, note)
    if plan.device == "cpu":
        stage("memory check")
        check_cpu_memory(source, plan, offline)

    stage("tokenizer")
    tokenizer = _load_tokenizer(source, offline)
    log.info(
        "tokenizer ready in %.1f s (%d tokens, chat template: %s)",
        time.monotonic() - started,
        len(tokenizer),
        "yes" if getattr(tokenizer, "chat_template", None) else "no, using the Llama-3 format",
    )

    quantised = "nf4 quantisation, " if plan.quantization == "nf4" else ""
    stage(f"weights ({quantised}{plan.dtype}, placed on {plan.device})")
    weights_started = time.monotonic()
    model = _load_weights(source, plan, offline)
    log.info("weights loaded in %.1f s", time.monotonic() - weights_started)

    stage("placement check")
    _check_placement(model, plan)
    model.eval()
    loaded = LoadedModel(
        model=model,
        tokenizer=tokenizer,
        plan=plan,
        source=source.describe(),
        load_seconds=round(time.monotonic() - started, 1),
        end_of_turn_ids=end_of_turn_ids(tokenizer, model),
        details=_device_details(plan),
    )
    log.info(
        "model %s ready in %.1f s on %s (%s, %s), %.0f MB",
        options.name,
        loaded.load_seconds,
        plan.device,
        plan.quantization,
        plan.dtype,
        model_memory_mb(loaded),
    )
    return loaded


def plan_load(options: LoadOptions, source: ModelSource) -> LoadPlan:
    """Device, dtype and quantisation for ``options``; ModelLoadError if impossible here."""
    import torch

    device = _choose_device(options.device, torch)
    notes: list[str] = []
    if device.startswith("cuda"):
        quantization, dtype = options.quantization, options.dtype
        if dtype == "bfloat16" and not torch.cuda.is_bf16_supported():
            notes.append("this GPU has no bfloat16: computing in float16")
            dtype = "float16"
    else:
        quantization, dtype = options.cpu_quantization, options.dtype
        if dtype == "float16":
            notes.append("float16 is slow on CPU: using float32")
            dtype = "float32"
        elif dtype == "bfloat16" and not _cpu_has_bfloat16(torch):
            notes.append("this CPU has no native bfloat16: using float32")
            dtype = "float32"
    if quantization == "nf4":
        if source.gguf_file:
            raise ModelLoadError(
                "4-bit NF4 needs a safetensors model folder, but a GGUF file was given "
                f"({source.gguf_file}): bitsandbytes cannot quantise a GGUF file on load. Convert "
                "it once (python -m agent.backends.gguf_conversion GGUF FOLDER) and load the "
                "folder, or set the quantisation to none"
            )
        if importlib.util.find_spec("bitsandbytes") is None:
            raise ModelLoadError("4-bit NF4 needs the bitsandbytes package, which is not installed")
    return LoadPlan(device=device, dtype=dtype, quantization=quantization, notes=tuple(notes))


def nf4_config(compute_dtype: str) -> Any:
    """The bitsandbytes 4-bit NF4 configuration the model was fine-tuned with (QLoRA)."""
    import torch
    from transformers import BitsAndBytesConfig

    return BitsAndBytesConfig(
        load_in_4bit=True,
        bnb_4bit_quant_type="nf4",
        bnb_4bit_use_double_quant=True,
        bnb_4bit_compute_dtype=getattr(torch, compute_dtype),
    )


def end_of_turn_ids(tokenizer: Any, model: Any) -> tuple[int, ...]:
    """Every token id that ends an assistant turn: the model's and tokenizer's eos, and
    the known end-of-turn tokens (``<|eot_id|>``, ``<|im_end|>`` ...) the vocabulary has."""
    ids: set[int] = set()
    configured = getattr(getattr(model, "generation_config", None), "eos_token_id", None)
    if isinstance(configured, int):
        ids.add(configured)
    elif isinstance(configured, list | tuple):
        ids.update(int(token) for token in configured)
    if tokenizer.eos_token_id is not None:
        ids.add(int(tokenizer.eos_token_id))
    vocabulary = tokenizer.get_vocab()
    ids.update(vocabulary[token] for token in END_OF_TURN_TOKENS if token in vocabulary)
    if not ids:
        raise ModelLoadError("the tokenizer defines no end-of-turn token")
    return tuple(sorted(ids))


def model_memory_mb(loaded: LoadedModel) -> float:
    """Memory the model holds: allocated GPU memory on CUDA, weight bytes on CPU."""
    import torch

    if loaded.plan.device.startswith("cuda"):
        return torch.cuda.memory_allocated(loaded.plan.device) / 2**20
    return float(loaded.model.get_memory_footprint()) / 2**20


def process_memory_mb() -> float | None:
    """Resident memory of this process, or None where psutil is missing."""
    try:
        import psutil
    except ImportError:
        return None
    return float(psutil.Process().memory_info().rss) / 2**20


def enable_tf32(torch: Any) -> None:
    """Let float32 matmuls and convolutions use TF32 tensor cores (a CUDA-only speed-up)."""
    matmul = torch.backends.cuda.matmul
    if hasattr(matmul, "fp32_precision"):
        matmul.fp32_precision = "tf32"
        torch.backends.cudnn.conv.fp32_precision = "tf32"
    else:  # torch before 2.9
        matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True


def _choose_device(requested: DeviceChoice, torch: Any) -> str:
    if requested == "cpu":
        return "cpu"
    if torch.cuda.is_available():
        return f"cuda:{torch.cuda.current_device()}"
    if requested == "cuda":
        raise ModelLoadError("model.device is cuda, but no CUDA device is available")
    return "cpu"


def _cpu_has_bfloat16(torch: Any) -> bool:
    checks = ("_is_avx512_bf16_supported", "_is_amx_tile_supported")
    return any(getattr(torch.cpu, check, lambda: False)() for check in checks)


def _load_tokenizer(source: ModelSource, offline: bool) -> Any:
    from transformers import AutoTokenizer

    kwargs: dict[str, Any] = {"local_files_only": offline}
    if source.gguf_file:
        kwargs["gguf_file"] = source.gguf_file
    try:
        return AutoTokenizer.from_pretrained(source.location, **kwargs)
    except OSError as exc:
        raise ModelLoadError(f"cannot load the tokenizer from {source.describe()}: {exc}") from exc


def _load_weights(source: ModelSource, plan: LoadPlan, offline: bool) -> Any:
    import torch
    from transformers import AutoModelForCausalLM

    if plan.device.startswith("cuda"):
        enable_tf32(torch)
    kwargs: dict[str, Any] = {
        "local_files_only": offline,
        "dtype": getattr(torch, plan.dtype),
        "device_map": {"": plan.device},
    }
    if source.gguf_file:
        kwargs["gguf_file"] = source.gguf_file
    if plan.quantization == "nf4":
        kwargs["quantization_config"] = nf4_config(plan.dtype)
    try:
        return AutoModelForCausalLM.from_pretrained(source.location, **kwargs)
    except torch.cuda.OutOfMemoryError as exc:
        raise ModelLoadError(
            f"the model does not fit in the memory of {plan.device} "
            f"({plan.quantization}, {plan.dtype}); CPU offload is deliberately not used"
        ) from exc
    except OSError as exc:
        raise ModelLoadError(f"cannot load the weights from {source.describe()}: {exc}") from exc


def _check_placement(model: Any, plan: LoadPlan) -> None:
    """Every weight must sit on the planned device: a CPU-offloaded model is refused."""
    wanted = "cuda" if plan.device.startswith("cuda") else "cpu"
    stray = {str(p.device) for p in model.parameters() if p.device.type != wanted}
    if stray:
        raise ModelLoadError(
            f"parts of the model were placed on {', '.join(sorted(stray))} instead of {plan.device}"
        )
    if plan.quantization == "nf4" and not _has_4bit_layers(model):
        raise ModelLoadError("NF4 was requested but the model has no 4-bit layers")


def _has_4bit_layers(model: Any) -> bool:
    # Where the class is defined: bitsandbytes.nn imports it without re-exporting it.
    from bitsandbytes.nn.modules import Linear4bit

    return any(isinstance(module, Linear4bit) for module in model.modules())


def _device_details(plan: LoadPlan) -> dict[str, str]:
    if not plan.device.startswith("cuda"):
        return {}
    import torch

    return {"gpu": torch.cuda.get_device_name(plan.device)}
