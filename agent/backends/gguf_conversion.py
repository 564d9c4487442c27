"""Convert a GGUF model file once into a safetensors model folder.

transformers dequantises a GGUF file on every load (tens of seconds even for
a small model) and bitsandbytes cannot quantise one to NF4. A folder written
here loads in seconds and takes ``quantization: nf4``. The GGUF's weights are
dequantised into a plain model of the same architecture and saved with its
tokenizer and generation settings; the folder appears atomically, so an
interrupted conversion leaves nothing half-written.

    python -m agent.backends.gguf_conversion MODEL.gguf TARGET_FOLDER [--dtype float32]
"""

from __future__ import annotations

import argparse
import copy
import logging
import shutil
import sys
import time
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


def convert_gguf_to_folder(gguf_path: Path, target: Path, *, dtype: str = "float32") -> Path:
    """Write ``gguf_path`` as a safetensors model folder at ``target`` and return it.

    ``dtype`` is the storage dtype of the folder's weights. An existing
    ``target`` is an error (delete it to convert again).
    """
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    if target.exists():
        raise FileExistsError(f"{target} already exists")
    started = time.monotonic()
    folder, name = str(gguf_path.parent), gguf_path.name
    log.info("converting %s to %s (%s)", gguf_path, target, dtype)
    tokenizer = AutoTokenizer.from_pretrained(folder, gguf_file=name, local_files_only=True)
    quantised = AutoModelForCausalLM.from_pretrained(
        folder, gguf_file=name, dtype=getattr(torch, dtype), local_files_only=True
    )
    plain = _plain_copy(quantised, getattr(torch, dtype))
    del quantised
    staging = target.with_name(f".{target.name}.partial")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        plain.save_pretrained(staging)
        tokenizer.save_pretrained(staging)
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    log.info("converted %s in %.1f s", gguf_path.name, time.monotonic() - started)
    return target


def _plain_copy(quantised: Any, dtype: Any) -> Any:
    """The same architecture without the GGUF quantiser, holding the dequantised weights."""
    from transformers import AutoModelForCausalLM

    config = copy.deepcopy(quantised.config)
    if hasattr(config, "quantization_config"):
        del config.quantization_config
    plain = AutoModelForCausalLM.from_config(config, dtype=dtype)
    missing, unexpected = plain.load_state_dict(quantised.state_dict(), strict=False)
    # Tied output embeddings are not stored twice; anything else missing is a bug.
    tied = set(getattr(plain, "_tied_weights_keys", None) or {})
    if unexpected or set(missing) - tied:
        raise ValueError(f"GGUF weights do not fit: missing {missing}, unexpected {unexpected}")
    plain.generation_config = quantised.generation_config
    return plain


def main(argv: list[str] | None = None) -> int:
    """Command line: convert one GGUF file; exit status 1 with a message on failure."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gguf", type=Path, help="the .gguf file")
    parser.add_argument("target", type=Path, help="the model folder to create")
    parser.add_argument("--dtype", choices=["float32", "bfloat16", "float16"], default="float32")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    if not args.gguf.is_file():
        print(f"GGUF file not found: {args.gguf}", file=sys.stderr)
        return 1
    try:
        convert_gguf_to_folder(args.gguf, args.target, dtype=args.dtype)
    except (OSError, ValueError) as exc:
        print(f"conversion failed: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
