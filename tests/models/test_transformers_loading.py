"""Loading through the transformers backend: sources, plans, status, the manager, failures.

The model is the random tiny Llama saved to a folder by the test session
(tests/models/tiny_models.py), read back by the real loading code.
"""

from __future__ import annotations

import asyncio
import re
import shutil
import time
from pathlib import Path

import pytest
import torch

from agent.backends.base import GenerationRequest
from agent.backends.manager import BackendManager, model_ready
from agent.backends.model_loading import LoadOptions, load_model, plan_load
from agent.backends.model_source import (
    ModelLoadError,
    ModelSource,
    local_files_only,
    resolve_source,
)
from agent.backends.transformers import GenerationOptions, TransformersBackend, prompt_messages
from agent.turns import ChatTurn
from core.config_loader import load_settings
from core.settings import Settings

PROJECT_ROOT = Path(__file__).resolve().parents[2]
GREEDY = GenerationOptions(temperature=0.0, max_new_tokens=8, customer_hint="none")


def settings_from_environment(tmp_path: Path, **environ: str) -> Settings:
    """The committed config.yaml with environment overrides, as the CLI would load it."""
    loaded = load_settings(PROJECT_ROOT / "config.yaml", environ=environ)
    logging = loaded.logging.model_copy(update={"file": str(tmp_path / "app.log")})
    return loaded.model_copy(update={"logging": logging})


# -- where the weights come from ----------------------------------------------------


def test_a_model_folder_is_a_local_source(tiny_llama_folder: Path) -> None:
    source = resolve_source(str(tiny_llama_folder), "", Path("/"))

    assert source == ModelSource(str(tiny_llama_folder), None, is_local=True)
    assert local_files_only(source)


def test_relative_folders_resolve_against_the_config_directory(tiny_llama_folder: Path) -> None:
    source = resolve_source(tiny_llama_folder.name, "", tiny_llama_folder.parent)

    assert source.location == str(tiny_llama_folder)


def test_a_gguf_file_is_found_in_the_folder_or_by_its_full_path(tmp_path: Path) -> None:
    gguf = tmp_path / "model.Q4_1.gguf"
    gguf.write_bytes(b"GGUF")

    in_folder = resolve_source(str(tmp_path), "model.Q4_1.gguf", Path("/"))
    by_path = resolve_source("ignored/name", str(gguf), Path("/"))
    as_name = resolve_source(str(gguf), "", Path("/"))

    expected = ModelSource(str(tmp_path), "model.Q4_1.gguf", is_local=True)
    assert in_folder == by_path == as_name == expected


@pytest.mark.parametrize(
    ("name", "gguf_file", "message"),
    [
        ("/no/such/folder", "", "model folder not found: /no/such/folder"),
        ("./missing-model", "", "model folder not found"),
        ("{folder}", "missing.gguf", "GGUF file not found"),
        ("{folder}", "/no/such/file.gguf", "GGUF file not found: /no/such/file.gguf"),
        ("{folder}/notes.txt", "", "is a file but not a .gguf file"),
        ("{folder}", "", "has no config.json but holds GGUF files (a.gguf)"),
        ("", "", "no model configured"),
    ],
)
def test_impossible_sources_are_refused_with_the_fix(
    tmp_path: Path, name: str, gguf_file: str, message: str
) -> None:
    (tmp_path / "a.gguf").write_bytes(b"GGUF")
    (tmp_path / "notes.txt").write_text("not a model")

    with pytest.raises(ModelLoadError, match=message.replace("(", r"\(").replace(")", r"\)")):
        resolve_source(name.format(folder=tmp_path), gguf_file, tmp_path)


def test_a_hub_id_that_is_not_cached_fails_fast_when_offline(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path))
    source = resolve_source("Choyrens/ChoyrensAI-Telekom-Agent-v1-merged", "", tmp_path)
    started = time.monotonic()

    with pytest.raises(ModelLoadError, match="not in the local cache and HF_HUB_OFFLINE is set"):
        local_files_only(source)

    assert source == ModelSource("Choyrens/ChoyrensAI-Telekom-Agent-v1-merged", None, False)
    assert time.monotonic() - started < 1.0


def test_a_hub_id_that_cannot_be_reached_fails_within_seconds(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path))
    monkeypatch.setenv("HF_ENDPOINT", "https://127.0.0.1:9")  # nothing listens on port 9
    source = resolve_source("owner/model", "", tmp_path)
    started = time.monotonic()

    with pytest.raises(ModelLoadError, match=r"cannot be reached"):
        local_files_only(source)

    assert time.monotonic() - started < 5.0


# -- the load plan --------------------------------------------------------------------


def test_cpu_never_computes_in_float16(tiny_llama_folder: Path) -> None:
    source = resolve_source(str(tiny_llama_folder), "", Path("/"))

    plan = plan_load(LoadOptions(name="x", device="cpu", dtype="float16"), source)

    assert plan.device == "cpu"
    assert plan.dtype == "float32"
    assert plan.quantization == "none"


def test_nf4_is_refused_for_a_gguf_file_with_the_fix(tmp_path: Path) -> None:
    source = ModelSource(str(tmp_path), "model.gguf", is_local=True)

    with pytest.raises(ModelLoadError, match=re.escape("python -m agent.backends.gguf_conversion")):
        plan_load(LoadOptions(name="x", device="cpu", cpu_quantization="nf4"), source)


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA")
def test_cuda_requested_without_a_gpu_is_refused(tiny_llama_folder: Path) -> None:
    source = resolve_source(str(tiny_llama_folder), "", Path("/"))

    with pytest.raises(ModelLoadError, match="no CUDA device is available"):
        plan_load(LoadOptions(name="x", device="cuda"), source)


# -- loading, status, memory ------------------------------------------------------------


async def test_the_manager_loads_the_model_named_by_the_environment(
    tiny_llama_folder: Path, tmp_path: Path
) -> None:
    settings = settings_from_environment(
        tmp_path,
        MODEL_BACKEND="transformers",
        MODEL_NAME=str(tiny_llama_folder),
        MODEL_DEVICE="cpu",
    )
    manager = BackendManager(settings)
    await manager.start()
    try:
        status = manager.status()
        backend = manager.active
        assert isinstance(backend, TransformersBackend)
        pieces = [
            piece
            async for piece in backend.stream(
                GenerationRequest([ChatTurn("user", "Merhaba")], None, max_new_tokens=8)
            )
        ]
    finally:
        await manager.close()

    assert status.backend == "transformers"
    assert status.state == "loaded"
    assert status.error is None
    assert status.device == "cpu"
    assert status.quantization == "none"
    assert status.extra["source"] == str(tiny_llama_folder)
    assert "".join(pieces)


def test_status_shows_device_dtype_and_the_memory_the_weights_take(tiny_llama_folder: Path) -> None:
    loaded = load_model(LoadOptions(name=str(tiny_llama_folder), device="cpu", dtype="float32"))
    backend = TransformersBackend("tiny", generation=GREEDY)
    backend.attach(loaded)

    status = backend.status()

    weight_bytes = sum(p.numel() * p.element_size() for p in loaded.model.parameters())
    assert status.state == "loaded"
    assert status.dtype == "float32" == str(loaded.model.dtype).removeprefix("torch.")
    assert status.memory_mb == pytest.approx(weight_bytes / 2**20, rel=0.05, abs=0.05)
    assert float(status.extra["process_rss_mb"]) > status.memory_mb
    assert status.extra["busy"] == "no"


async def test_loading_runs_off_the_event_loop_and_reports_its_stage(
    tiny_llama_folder: Path,
) -> None:
    backend = TransformersBackend("tiny", generation=GREEDY)
    seen: list[tuple[str, str | None]] = []
    loading = asyncio.create_task(
        backend.load(LoadOptions(name=str(tiny_llama_folder), device="cpu"))
    )
    while not loading.done():
        status = backend.status()
        seen.append((status.state, status.extra.get("stage")))
        await asyncio.sleep(0.001)  # the loop keeps running while the weights load
    await loading
    final = backend.status()
    await backend.close()

    assert "loading" in {state for state, _ in seen}
    assert {state for state, _ in seen} <= {"not_loaded", "loading"}
    assert any(stage for _, stage in seen)
    assert final.state == "loaded"
    assert float(final.extra["load_seconds"]) >= 0.0


async def test_a_failed_load_falls_back_to_rules_with_the_reason(tmp_path: Path) -> None:
    settings = settings_from_environment(
        tmp_path, MODEL_BACKEND="transformers", MODEL_NAME=str(tmp_path / "no-such-model")
    )
    manager = BackendManager(settings)
    await manager.start()
    status = manager.status()
    await manager.close()

    assert status.backend == "rules"
    assert status.state == "loaded"
    assert status.error == (
        f"transformers backend failed to load: model folder not found: {tmp_path / 'no-such-model'}"
    )


async def test_a_broken_model_folder_fails_to_load_with_the_reason(
    tiny_llama_folder: Path, tmp_path: Path
) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(tiny_llama_folder, broken)
    (broken / "model.safetensors").write_bytes(b"not safetensors")
    backend = TransformersBackend("broken", generation=GREEDY)

    with pytest.raises(Exception, match=r"safetensors|header"):
        await backend.load(LoadOptions(name=str(broken), device="cpu"))

    status = backend.status()
    assert status.state == "failed"
    assert status.error


# -- settings: auto, quantisation from the environment, system prompt ----------------------


def test_auto_finds_the_weights_where_the_loader_looks(
    tiny_llama_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No GPU here: CUDA is said to be present so that the weights decide.
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hub"))
    config_dir = tmp_path / "deploy"
    shutil.copytree(tiny_llama_folder, config_dir / "models" / "tiny")
    (config_dir / "models" / "small.gguf").write_bytes(b"GGUF")
    model = Settings().model

    relative = model.model_copy(update={"name": "models/tiny"})
    gguf_in_folder = model.model_copy(update={"name": "models", "gguf_file": "small.gguf"})
    missing_gguf = model.model_copy(update={"name": "models", "gguf_file": "other.gguf"})
    not_cached = model.model_copy(update={"name": "someone/some-model"})

    assert model_ready(relative, config_dir) == (True, "local weights found")
    assert model_ready(gguf_in_folder, config_dir) == (True, "local weights found")
    ready, reason = model_ready(missing_gguf, config_dir)
    assert not ready
    assert reason == f"GGUF file not found: {config_dir / 'models' / 'other.gguf'}"
    assert model_ready(not_cached, config_dir) == (
        False,
        "weights for someone/some-model are not on this machine",
    )


def test_quantisation_comes_from_the_environment(tmp_path: Path) -> None:
    assert settings_from_environment(tmp_path).model.quantization == "nf4"
    settings = settings_from_environment(tmp_path, MODEL_QUANTIZATION="none")
    assert settings.model.quantization == "none"


def test_the_configured_system_prompt_comes_first(tmp_path: Path) -> None:
    settings = settings_from_environment(tmp_path)
    model = settings.model.model_copy(update={"system_prompt": "Kısa ve nazik yanıt ver."})
    options = GenerationOptions.from_settings(model, settings.agent)
    request = GenerationRequest([ChatTurn("user", "Merhaba")], None)

    messages = prompt_messages(request, options)

    assert messages[0] == {"role": "system", "content": "Kısa ve nazik yanıt ver."}
    assert messages[1]["role"] == "user"
    committed = GenerationOptions.from_settings(settings.model, settings.agent)
    assert prompt_messages(request, committed)[0]["role"] == "user"  # config.yaml has none
