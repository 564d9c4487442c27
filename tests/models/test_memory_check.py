"""A model too large for the CPU's memory is refused before loading, and rules serve instead.

On the CPU, running out of memory does not raise: the kernel's out-of-memory
killer ends the process. The memory the system reports available is replaced
here (``available_memory_bytes``) to stand in for a small machine; the
model, its configuration and the loader are the real ones.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from transformers import AutoModelForCausalLM

from agent.backends import memory_check
from agent.backends.manager import BackendManager
from agent.backends.memory_check import count_parameters
from agent.backends.model_loading import LoadOptions, load_model
from agent.backends.model_source import ModelLoadError, resolve_source
from tests.models.test_transformers_loading import settings_from_environment


def test_the_parameters_are_counted_from_the_configuration_alone(tiny_llama_folder: Path) -> None:
    source = resolve_source(str(tiny_llama_folder), "", Path("/"))
    loaded = AutoModelForCausalLM.from_pretrained(tiny_llama_folder)

    assert count_parameters(source, offline=True) == sum(p.numel() for p in loaded.parameters())


def test_a_model_that_fits_loads(tiny_llama_folder: Path) -> None:
    loaded = load_model(LoadOptions(name=str(tiny_llama_folder), device="cpu", dtype="float32"))

    assert loaded.plan.device == "cpu"


def test_a_model_too_large_for_the_memory_is_refused_with_the_figures(
    tiny_llama_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(memory_check, "available_memory_bytes", lambda: 1000)

    with pytest.raises(ModelLoadError, match=r"not enough memory to load the model on the CPU"):
        load_model(LoadOptions(name=str(tiny_llama_folder), device="cpu", dtype="float32"))


async def test_the_manager_serves_rules_and_admin_shows_why(
    tiny_llama_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(memory_check, "available_memory_bytes", lambda: 1000)
    settings = settings_from_environment(
        tmp_path,
        MODEL_BACKEND="transformers",
        MODEL_NAME=str(tiny_llama_folder),
        MODEL_DEVICE="cpu",
    )
    manager = BackendManager(settings)
    await manager.start()
    status = manager.status()
    await manager.close()

    assert status.backend == "rules"
    assert status.error is not None
    assert "not enough memory to load the model on the CPU" in status.error
    assert "GB is available" in status.error
