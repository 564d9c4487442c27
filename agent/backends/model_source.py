"""Where the model's weights come from, and whether the hub may be asked.

``model.name`` is a local folder, a Hugging Face hub id, or a path to a
``.gguf`` file; ``model.gguf_file`` is a GGUF file inside that folder (or hub
repository) or a full path to one. ``resolve_source`` turns those settings
into one ``ModelSource`` and refuses impossible combinations with a message
that says what to fix.

No download is ever attempted blindly: a hub id is read from the local cache
(``local_files_only``) whenever it is there, and when ``HF_HUB_OFFLINE`` is
set; otherwise the hub endpoint is probed with a short TCP connect first, so
a machine without network fails in seconds with a clear reason instead of
hanging on a download.
"""

from __future__ import annotations

import logging
import os
import re
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Final
from urllib.parse import urlsplit

log = logging.getLogger(__name__)

# "owner/name" or "name": letters, digits, "-", "_", "." (the hub's own rule).
_HUB_ID: Final = re.compile(r"[A-Za-z0-9][\w.-]{0,95}(/[A-Za-z0-9][\w.-]{0,95})?")
_DEFAULT_ENDPOINT: Final = "https://huggingface.co"
_PROBE_TIMEOUT_S: Final = 3.0
_TRUE_VALUES: Final = {"1", "true", "yes", "on"}


class ModelLoadError(RuntimeError):
    """The model cannot be loaded; the message says why and what to change, in one line."""


@dataclass(frozen=True)
class ModelSource:
    """What ``from_pretrained`` is given: a folder or hub id, and maybe a GGUF file in it."""

    location: str
    gguf_file: str | None
    is_local: bool

    def describe(self) -> str:
        """A short human description for logs and the status page."""
        where = self.location if self.is_local else f"hub:{self.location}"
        return f"{where} (gguf: {self.gguf_file})" if self.gguf_file else where


def resolve_source(name: str, gguf_file: str, base_dir: Path) -> ModelSource:
    """The ``ModelSource`` for ``model.name``/``model.gguf_file``; relative paths from ``base_dir``.

    Raises ModelLoadError for a missing local folder or GGUF file, or a folder
    without a model in it.
    """
    name = name.strip()
    gguf_file = gguf_file.strip()
    if not name and not gguf_file:
        raise ModelLoadError("no model configured: set model.name (MODEL_NAME)")
    if gguf_file and _looks_like_path(gguf_file):
        path = _resolve(gguf_file, base_dir)
        if not path.is_file():
            raise ModelLoadError(f"GGUF file not found: {path}")
        return ModelSource(str(path.parent), path.name, is_local=True)
    candidate = _resolve(name, base_dir)
    if candidate.is_file():
        if candidate.suffix.lower() != ".gguf":
            raise ModelLoadError(
                f"{candidate} is a file but not a .gguf file; point model.name at a model folder"
            )
        return ModelSource(str(candidate.parent), candidate.name, is_local=True)
    if candidate.is_dir():
        return _folder_source(candidate, gguf_file or None)
    if _looks_like_path(name) or not _HUB_ID.fullmatch(name):
        raise ModelLoadError(f"model folder not found: {candidate}")
    return ModelSource(name, gguf_file or None, is_local=False)


def local_files_only(source: ModelSource) -> bool:
    """Whether loading must stay on this machine (True) or may download from the hub.

    A local source never touches the hub. A hub id uses the local cache when
    the weights are there or ``HF_HUB_OFFLINE`` is set, and may download only
    when the hub answers a quick connection probe. Raises ModelLoadError when
    the weights are neither cached nor downloadable.
    """
    if source.is_local:
        return True
    if is_cached(source):
        log.info("model %s: using the local Hugging Face cache", source.location)
        return True
    if os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in _TRUE_VALUES:
        raise ModelLoadError(
            f"weights for {source.location} are not in the local cache and HF_HUB_OFFLINE is "
            "set; copy the model into a folder and set model.name to it"
        )
    endpoint = os.environ.get("HF_ENDPOINT", _DEFAULT_ENDPOINT)
    if not _reachable(endpoint):
        raise ModelLoadError(
            f"weights for {source.location} are not on this machine and {endpoint} cannot be "
            "reached; copy the model into a folder and set model.name to it"
        )
    log.warning("model %s is not cached: downloading it from %s", source.location, endpoint)
    return False


def _folder_source(folder: Path, gguf_file: str | None) -> ModelSource:
    if gguf_file:
        if not (folder / gguf_file).is_file():
            raise ModelLoadError(f"GGUF file not found: {folder / gguf_file}")
        return ModelSource(str(folder), gguf_file, is_local=True)
    if (folder / "config.json").is_file():
        return ModelSource(str(folder), None, is_local=True)
    ggufs = sorted(path.name for path in folder.glob("*.gguf"))
    if ggufs:
        raise ModelLoadError(
            f"{folder} has no config.json but holds GGUF files ({', '.join(ggufs[:3])}); "
            "choose one with model.gguf_file (MODEL_GGUF_FILE)"
        )
    raise ModelLoadError(f"{folder} holds no model (no config.json and no .gguf file)")


def _resolve(path: str, base_dir: Path) -> Path:
    candidate = Path(path).expanduser()
    return candidate if candidate.is_absolute() else base_dir / candidate


def _looks_like_path(value: str) -> bool:
    return (
        value.startswith((".", "/", "~"))
        or value.count("/") > 1
        or (value.lower().endswith(".gguf") and "/" in value)
        or (os.sep != "/" and os.sep in value)
    )


def is_cached(source: ModelSource) -> bool:
    """Whether a hub source's weights are in the local Hugging Face cache."""
    try:
        from huggingface_hub import try_to_load_from_cache
    except ImportError:
        return False
    cached = try_to_load_from_cache(source.location, source.gguf_file or "config.json")
    return isinstance(cached, str)


def _reachable(endpoint: str) -> bool:
    parts = urlsplit(endpoint)
    host = parts.hostname
    if not host:
        return False
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        with socket.create_connection((host, port), timeout=_PROBE_TIMEOUT_S):
            return True
    except OSError:
        return False
