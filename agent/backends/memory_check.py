"""Will the model fit in this machine's memory? Asked before loading it on the CPU.

On a GPU, a model too large fails with CUDA's out-of-memory error, which the
loader catches. On the CPU there is no such error: the operating system's
out-of-memory killer ends the whole process, bot and all, with no reason
given. So before the weights are read, the memory they will take is
estimated from the model's configuration (its parameters counted on the
``meta`` device, which allocates nothing) and the dtype or NF4 quantisation
of the plan, and compared with the memory the system says is available
(``psutil``). If it does not fit with ``HEADROOM`` to spare, the load is
refused with a ``ModelLoadError`` that says so; the backend manager then
serves ``rules`` and ``/admin`` shows the reason.

Where the estimate cannot be made (a configuration that cannot be read, an
unknown architecture), the load goes ahead and the log says the check was
skipped.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Final

from agent.backends.model_source import ModelLoadError, ModelSource

if TYPE_CHECKING:
    from agent.backends.model_loading import LoadPlan

log = logging.getLogger(__name__)

# Weights are not all a process needs: activations, the KV cache, Python and
# the tokenizer come on top. Demand this much more than the weights alone.
HEADROOM: Final = 1.2
# Bytes per parameter. NF4 stores half a byte, plus its block scales and the
# layers bitsandbytes leaves unquantised (embeddings, norms, the output head).
BYTES_PER_PARAMETER: Final = {"float32": 4.0, "bfloat16": 2.0, "float16": 2.0, "nf4": 0.7}
_GB: Final = 2**30


def check_cpu_memory(source: ModelSource, plan: LoadPlan, offline: bool) -> None:
    """Refuse (ModelLoadError) a CPU load whose weights would not fit in available memory."""
    if plan.device != "cpu":
        return
    parameters = count_parameters(source, offline)
    available = available_memory_bytes()
    if parameters is None or available is None:
        log.info("memory check skipped: the model size or the free memory is unknown")
        return
    kind = "nf4" if plan.quantization == "nf4" else plan.dtype
    needed = parameters * BYTES_PER_PARAMETER[kind]
    log.info(
        "memory check: %.2f B parameters in %s need about %.1f GB; %.1f GB available",
        parameters / 1e9,
        kind,
        needed / _GB,
        available / _GB,
    )
    if needed * HEADROOM > available:
        raise ModelLoadError(
            f"not enough memory to load the model on the CPU: its {parameters / 1e9:.1f} B "
            f"parameters in {kind} need about {needed / _GB:.1f} GB (with headroom "
            f"{needed * HEADROOM / _GB:.1f} GB), but only {available / _GB:.1f} GB is available"
        )


def count_parameters(source: ModelSource, offline: bool) -> int | None:
    """The model's parameter count from its configuration alone, or None if unreadable."""
    from accelerate import init_empty_weights
    from transformers import AutoConfig, AutoModelForCausalLM

    kwargs: dict[str, Any] = {"local_files_only": offline}
    if source.gguf_file:
        kwargs["gguf_file"] = source.gguf_file
    try:
        config = AutoConfig.from_pretrained(source.location, **kwargs)
        with init_empty_weights():
            model = AutoModelForCausalLM.from_config(config)
    except Exception as exc:  # an unreadable or unknown configuration: no estimate
        log.warning("cannot count the model's parameters (%s: %s)", type(exc).__name__, exc)
        return None
    count: int = sum(parameter.numel() for parameter in model.parameters())
    return count


def available_memory_bytes() -> int | None:
    """Memory the system can give this process now without swapping, or None if unknown."""
    try:
        import psutil
    except ImportError:
        return None
    return int(psutil.virtual_memory().available)
