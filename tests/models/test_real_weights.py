"""Real models from PyPI through the whole path (slow: loading and CPU generation).

- SmolLM2-135M-Instruct as a GGUF file, configured through the environment
  the way an operator would, loaded by the manager and answering through the
  agent runtime; and converted to a folder and loaded in 4-bit NF4 on CPU.
- Qwen2.5-Coder-0.5B-Instruct writing a real tool call that the parser, the
  customer guard, the tools and the seeded database turn into a bill.

Greedy decoding and small token limits keep the runs deterministic and short.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from bitsandbytes.nn.modules import Linear4bit, Params4bit

from agent.backends.base import GenerationRequest
from agent.backends.manager import BackendManager
from agent.backends.model_loading import LoadedModel, LoadOptions, load_model
from agent.backends.transformers import GenerationOptions, GenerationStats, TransformersBackend
from agent.events import ChatRequest, FinalAnswer, ToolFinished, ToolStarted
from agent.runtime import AgentRuntime
from agent.turns import ChatTurn
from core.settings import Settings
from db.database import Database
from tests.models.tiny_models import BackendFactory

pytestmark = pytest.mark.slow

# A tool description for a general model; the fine-tune needs none (it was
# trained on the protocol). With it, Qwen2.5-Coder-0.5B answers a bill
# question with the call below under greedy decoding.
TOOL_INSTRUCTIONS = """You are the customer-service assistant of a Turkish telecom operator.
You can call this tool:
get_current_bill(user_id: int) - returns the customer's latest bill as JSON.
To call it, answer with exactly:
<|begin_of_tool_code|>
print(get_current_bill(user_id=CUSTOMER_NUMBER))
<|end_of_tool_code|>

Example:
Customer: Faturam ne kadar?
You: <|begin_of_tool_code|>
print(get_current_bill(user_id=5))
<|end_of_tool_code|>
Customer: <tool_response>{"amount":"99.90","currency":"TL","due_date":"2026-01-10"}</tool_response>
You: Faturanız 99.90 TL, son ödeme tarihi 2026-01-10."""


def with_model(settings: Settings, **model: object) -> Settings:
    agent = settings.agent.model_copy(update={"max_steps": 2})
    updated = settings.model.model_copy(update=model)
    return settings.model_copy(update={"model": updated, "agent": agent})


# -- SmolLM2: a GGUF file named by the environment, through the runtime ---------------------


async def test_a_gguf_model_named_in_settings_answers_through_the_agent_runtime(
    settings: Settings, database: Database, smollm2_gguf: Path
) -> None:
    configured = with_model(
        settings,
        backend="transformers",
        name=str(smollm2_gguf.parent),
        gguf_file=smollm2_gguf.name,
        device="cpu",
        temperature=0.0,
        max_new_tokens=12,
    )
    runtime = AgentRuntime(configured, database)
    await runtime.start()
    try:
        status = await runtime.status()
        events = [
            event
            async for event in runtime.chat(
                ChatRequest(message="Hello! What is the capital of France?", chat_id="smol-1")
            )
        ]
    finally:
        await runtime.close()

    service = status.model_hizmeti
    assert (service.backend, service.state, service.device) == ("transformers", "loaded", "cpu")
    assert service.quantization == "none"
    assert service.error is None
    assert service.memory_mb > 100  # 135M parameters, dequantised from Q4_1
    final = events[-1]
    assert isinstance(final, FinalAnswer)
    assert not final.failed
    assert "Paris" in final.text


async def test_nf4_with_a_gguf_file_falls_back_to_rules_saying_why(
    settings: Settings, smollm2_gguf: Path
) -> None:
    configured = with_model(
        settings,
        backend="transformers",
        name=str(smollm2_gguf),
        device="cpu",
        cpu_quantization="nf4",
    )
    manager = BackendManager(configured)
    await manager.start()
    status = manager.status()
    await manager.close()

    assert status.backend == "rules"
    assert status.error is not None
    assert "4-bit NF4 needs a safetensors model folder" in status.error
    assert "python -m agent.backends.gguf_conversion" in status.error


# -- SmolLM2 in 4-bit NF4 on CPU ------------------------------------------------------------------


@pytest.fixture(scope="session")
def smollm2_nf4(smollm2_folder: Path) -> LoadedModel:
    return load_model(
        LoadOptions(name=str(smollm2_folder), device="cpu", cpu_quantization="nf4", dtype="float32")
    )


async def test_nf4_on_cpu_loads_real_4bit_layers_that_still_answer(
    smollm2_nf4: LoadedModel, smollm2_folder: Path, make_backend: BackendFactory
) -> None:
    backend = make_backend(smollm2_nf4, max_new_tokens=12)
    stats = GenerationStats()
    request = GenerationRequest([ChatTurn("user", "What is 2+2?")], None, max_new_tokens=12)

    answer = "".join([piece async for piece in backend.stream(request, stats=stats)])

    layers = [m for m in smollm2_nf4.model.modules() if isinstance(m, Linear4bit)]
    assert len(layers) == 30 * 7  # q, k, v, o, gate, up, down in each of the 30 layers
    weights = [layer.weight for layer in layers]
    assert {w.quant_type if isinstance(w, Params4bit) else None for w in weights} == {"nf4"}
    status = backend.status()
    assert (status.quantization, status.device) == ("nf4", "cpu")
    float32_mb = (smollm2_folder / "model.safetensors").stat().st_size / 2**20
    assert status.memory_mb < float32_mb / 2
    assert "4" in answer
    assert stats.stop_reason in {"end_of_turn", "max_tokens"}


# -- Qwen2.5-Coder: a real tool call through parser, guard, tools and database ---------------


async def test_a_real_model_tool_call_runs_against_the_database(
    settings: Settings, database: Database, qwen_coder: LoadedModel
) -> None:
    configured = with_model(settings, backend="rules", max_new_tokens=40)
    runtime = AgentRuntime(configured, database)
    backend = TransformersBackend(
        "Qwen2.5-Coder-0.5B-Instruct",
        GenerationOptions(
            max_new_tokens=40,
            temperature=0.0,
            customer_hint="system",
            system_prompt=TOOL_INSTRUCTIONS,
        ),
    )
    backend.attach(qwen_coder)
    await runtime.backends.install(backend)
    expected_bill = await runtime.call_tool("get_current_bill", customer_id=1001, arguments={})
    question = ChatRequest(
        message="Faturamı öğrenmek istiyorum.", chat_id="qwen-1", customer_id=1001
    )
    try:
        events = [event async for event in runtime.chat(question)]
    finally:
        await runtime.close()

    started = [event for event in events if isinstance(event, ToolStarted)]
    finished = [event for event in events if isinstance(event, ToolFinished)]
    assert started[0].name == "get_current_bill"
    assert started[0].arguments == {"user_id": 1001}
    assert finished[0].status == "tamamlandi"
    assert finished[0].result == expected_bill
    assert expected_bill["user_id"] == 1001
    final = events[-1]
    assert isinstance(final, FinalAnswer)
    assert not final.failed
    assert final.tool_calls[0].arac_adi == "get_current_bill"
    assert final.tool_calls[0].sonuc == expected_bill
