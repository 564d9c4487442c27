"""Which backend serves, why, and swapping it at run time.

``auto`` picks ``transformers`` when CUDA and the weights are present, else
``rules``. A backend that fails to load degrades to ``rules`` (when
``model.fallback_to_rules`` is on), and the reason stays visible in the
status. A swap loads the new backend beside the old one and switches between
turns; if the new one fails, the old one keeps serving.
"""

from __future__ import annotations

import asyncio
import importlib.util
import logging
from dataclasses import replace
from pathlib import Path

from agent.backends.base import Backend, BackendStatus
from agent.backends.model_source import ModelLoadError, is_cached, resolve_source
from agent.backends.rules import RulesBackend
from core.logs import START_UP_PROGRESS
from core.settings import ModelSettings, Settings

log = logging.getLogger(__name__)


class BackendLoadError(RuntimeError):
    """A backend could not be loaded; the message says why, in one line."""


class BackendManager:
    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._model = settings.model
        self._active: Backend = RulesBackend(reason="starting")
        self._failure: str | None = None
        self._loading: str | None = None
        self._swap_lock = asyncio.Lock()

    @property
    def active(self) -> Backend:
        """The backend serving now; read it once per model step."""
        return self._active

    def status(self) -> BackendStatus:
        status = self._active.status()
        if self._loading:
            status = replace(status, extra={**status.extra, "loading": self._loading})
        if self._failure:
            status = replace(status, error=self._failure)
        return status

    async def install(self, backend: Backend) -> None:
        """Serve ``backend`` (an instance built elsewhere, e.g. a scripted test model)."""
        async with self._swap_lock:
            old, self._active = self._active, backend
            self._failure = None
            if old is not backend:
                await old.close()

    async def start(self) -> None:
        await self.swap(self._model.backend, self._model.name)

    async def swap(
        self, backend: str | None = None, model_name: str | None = None
    ) -> BackendStatus:
        """Load ``backend``/``model_name`` beside the current one, then switch."""
        async with self._swap_lock:
            wanted = self._model.model_copy(
                update={
                    "backend": backend or self._model.backend,
                    "name": model_name or self._model.name,
                }
            )
            self._loading = f"{wanted.backend}:{wanted.name}"
            try:
                new, failure = await self._load(wanted)
            finally:
                self._loading = None
            old, self._active = self._active, new
            self._failure = failure
            if new is not old:
                await old.close()
            if failure is None:
                self._model = wanted
            log.info("backend now serving: %s (%s)", new.name, new.status().model_name)
            return self.status()

    async def close(self) -> None:
        await self._active.close()

    async def _load(self, wanted: ModelSettings) -> tuple[Backend, str | None]:
        kind = wanted.backend
        if kind == "rules":
            log.info(
                "model backend: rules (rule-based answers), as configured", extra=START_UP_PROGRESS
            )
            return RulesBackend(), None
        if kind == "auto":
            log.info(
                "choosing the model backend: looking for a CUDA GPU and the weights of %s...",
                wanted.name,
                extra=START_UP_PROGRESS,
            )
            ready, reason = await asyncio.to_thread(model_ready, wanted, self._settings.base_dir)
            if not ready:
                log.info(
                    "auto backend: using rules (rule-based answers) because %s",
                    reason,
                    extra=START_UP_PROGRESS,
                )
                return RulesBackend(reason=f"auto: {reason}"), None
            log.info(
                "auto backend: loading transformers (%s) because %s",
                wanted.name,
                reason,
                extra=START_UP_PROGRESS,
            )
            kind = "transformers"
        else:
            log.info(
                "model backend: loading %s (%s), as configured",
                kind,
                wanted.name,
                extra=START_UP_PROGRESS,
            )
        try:
            return await _load_model_backend(kind, wanted, self._settings), None
        except BackendLoadError as exc:
            failure = f"{kind} backend failed to load: {exc}"
            if not self._model.fallback_to_rules:
                log.error("%s; keeping the current backend", failure)
                return self._active, failure
            log.error("%s; falling back to rules", failure)
            return RulesBackend(reason=failure), failure


async def _load_model_backend(kind: str, wanted: ModelSettings, settings: Settings) -> Backend:
    module_name = {
        "transformers": "agent.backends.transformers",
        "openai": "agent.backends.openai_compat",
    }
    name = module_name.get(kind)
    if name is None or importlib.util.find_spec(name) is None:
        raise BackendLoadError(f"the {kind} backend is not available in this build")
    module = importlib.import_module(name)
    try:
        backend: Backend = await module.load(wanted, settings)  # the module imported by name
        return backend
    except BackendLoadError:
        raise
    except Exception as exc:  # a model load can fail in many libraries' ways
        raise BackendLoadError(f"{type(exc).__name__}: {exc}") from exc


def model_ready(model: ModelSettings, base_dir: Path) -> tuple[bool, str]:
    """Whether ``auto`` may use the transformers backend, and if not, why.

    The weights are looked for as the loader looks for them
    (``model_source.resolve_source``: ``model.name`` and ``model.gguf_file``,
    relative paths from the config file's folder).
    """
    if importlib.util.find_spec("torch") is None:
        return False, "torch is not installed"
    import torch

    if not torch.cuda.is_available():
        return False, "no CUDA device"
    try:
        source = resolve_source(model.name, model.gguf_file, base_dir)
    except ModelLoadError as exc:
        return False, str(exc)
    if source.is_local:
        return True, "local weights found"
    if is_cached(source):
        return True, "weights found in the Hugging Face cache"
    return False, f"weights for {model.name} are not on this machine"
