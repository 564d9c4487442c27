"""Who speaks after the model's message, asked through the completions API (prompt mode).

After a message that ended its turn the backend sends one short header probe
(``tool_continuation.probe_prompt``); only when the model names ``assistant``
is the next assistant message requested. The fake server answers the probe
with the role scripted here, so each case is exact.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from agent.backends.base import GenerationRequest
from agent.backends.openai_compat import OpenAICompatBackend
from agent.backends.tool_continuation import HEADER_PROBE_TOKENS
from agent.prompt import render_prompt, turns_to_messages
from agent.protocol.parser import parse_output
from agent.protocol.tags import END_TOOL_CODE
from agent.turns import ChatTurn, ToolCall
from tests.openai_backend.fake_openai_server import (
    Reply,
    RunningFake,
    chat_events,
    completion_events,
    probe_reply,
)

Connect = Callable[..., Any]

QUESTION = [ChatTurn("user", "Hangi paketlere geçebilirim?")]
PACKAGES_BLOCK = "<|begin_of_tool_code|>\nprint(get_available_packages(user_id=1001))\n"
# A trained wait message of 186 characters (disambiguation_data_generator.py's
# length): the old 120-character rule never continued after it.
WAIT_186 = (
    "Elbette, size uygun paketleri hemen kontrol ediyorum. Mevcut paketinizi, "
    "kullanım alışkanlıklarınızı ve bölgenizdeki kampanyaları birlikte "
    "değerlendirip seçenekleri şimdi listeliyorum..."
)


def _request(max_new_tokens: int = 200) -> GenerationRequest:
    return GenerationRequest(turns=QUESTION, customer_id=1001, max_new_tokens=max_new_tokens)


async def _output(backend: OpenAICompatBackend) -> str:
    return "".join([chunk async for chunk in backend.stream(_request())])


def _prompt_before_probe() -> str:
    messages = turns_to_messages(QUESTION, customer_id=1001, customer_hint="none")
    return render_prompt(messages).removeprefix("<|begin_of_text|>")


def test_the_wait_message_is_the_trained_length() -> None:
    assert len(WAIT_186) == 186


async def test_the_model_naming_the_assistant_gets_its_continuation_at_tool_call_temperature(
    fake: RunningFake, connect: Connect
) -> None:
    fake.fake.script(
        Reply(events=completion_events("Bir saniye, bakıyorum.", stop_reason="<|eot_id|>")),
        probe_reply("assistant"),
        Reply(events=completion_events(PACKAGES_BLOCK, stop_reason=END_TOOL_CODE)),
    )
    backend = await connect(
        fake.base_url, ask_next_speaker=True, temperature=0.6, tool_call_temperature=0.0
    )

    output = await _output(backend)

    assert output == f"Bir saniye, bakıyorum.{PACKAGES_BLOCK}{END_TOOL_CODE}"
    first, probe, follow = (r.body for r in fake.fake.generation_requests)
    assert first["temperature"] == 0.6
    # The probe: the dialogue, the message, its end of turn, and a header opener.
    assert probe["prompt"] == (
        _prompt_before_probe() + "Bir saniye, bakıyorum.<|eot_id|><|start_header_id|>"
    )
    assert probe["max_tokens"] == HEADER_PROBE_TOKENS
    assert probe["temperature"] == 0.0
    assert probe["stop"] == ["<|end_header_id|>", "<|eot_id|>"]
    assert probe["stream"] is False
    assert follow["temperature"] == 0.0
    assert follow["prompt"].endswith(
        "Bir saniye, bakıyorum.<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n"
    )


async def test_the_model_naming_the_user_ends_the_step_with_no_continuation(
    fake: RunningFake, connect: Connect
) -> None:
    fake.fake.script(
        Reply(events=completion_events("Rica ederim, iyi günler!", stop_reason="<|eot_id|>")),
        probe_reply("user"),
    )
    backend = await connect(fake.base_url, ask_next_speaker=True)

    assert await _output(backend) == "Rica ederim, iyi günler!"
    assert len(fake.fake.generation_requests) == 2  # the answer and the probe only


async def test_a_186_character_wait_message_is_followed_by_its_call(
    fake: RunningFake, connect: Connect
) -> None:
    fake.fake.script(
        Reply(events=completion_events(WAIT_186, stop_reason="<|eot_id|>")),
        probe_reply("assistant"),
        Reply(events=completion_events(PACKAGES_BLOCK, stop_reason=END_TOOL_CODE)),
    )
    backend = await connect(fake.base_url, ask_next_speaker=True)

    parsed = parse_output(await _output(backend))

    assert parsed.visible_text == WAIT_186
    assert parsed.calls == (ToolCall("get_available_packages", {"user_id": 1001}),)


async def test_a_continuation_that_is_not_a_tool_block_is_dropped(
    fake: RunningFake, connect: Connect
) -> None:
    fake.fake.script(
        Reply(events=completion_events("Faturanız ödendi.", stop_reason="<|eot_id|>")),
        probe_reply("assistant"),
        Reply(events=completion_events("Başka bir ", "şey var mı?")),
    )
    backend = await connect(fake.base_url, ask_next_speaker=True)

    assert await _output(backend) == "Faturanız ödendi."


async def test_a_failed_probe_leaves_the_message_as_the_answer(
    fake: RunningFake, connect: Connect
) -> None:
    fake.fake.script(
        Reply(events=completion_events("Merhaba!", stop_reason="<|eot_id|>")),
        Reply(status=500),
    )
    backend = await connect(fake.base_url, ask_next_speaker=True)

    assert await _output(backend) == "Merhaba!"


async def test_no_probe_after_a_message_cut_by_the_token_limit(
    fake: RunningFake, connect: Connect
) -> None:
    fake.fake.script(Reply(events=completion_events("Uzun bir yanıt", finish_reason="length")))
    backend = await connect(fake.base_url, ask_next_speaker=True)

    assert await _output(backend) == "Uzun bir yanıt"
    assert len(fake.fake.generation_requests) == 1


async def test_chat_mode_asks_nothing_the_message_is_the_answer(
    fake: RunningFake, connect: Connect
) -> None:
    fake.fake.script(Reply(events=chat_events("Bir saniye, bakıyorum.")))
    backend = await connect(fake.base_url, request_mode="chat", ask_next_speaker=True)

    assert await _output(backend) == "Bir saniye, bakıyorum."
    assert len(fake.fake.generation_requests) == 1
