"""The openai backend against a scripted OpenAI-compatible server on loopback.

The fake server stands in for vLLM / llama.cpp where a real server will not
fail on demand: 5xx, 429 with Retry-After, a connection dropped mid-answer,
a stall, vLLM's ``stop_reason`` field. The backend, httpx, the SSE reading,
the prompt rendering and the parser are the real ones.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable
from contextlib import aclosing
from typing import Any

import pytest

from agent.backends.base import GenerationRequest
from agent.backends.openai_compat import (
    OpenAICompatBackend,
    ServerRequestError,
    ServerTimeoutError,
    StreamInterruptedError,
)
from agent.prompt import render_prompt, turns_to_messages
from agent.protocol.stream import ToolBlockFinished, ToolStreamParser
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

BILL_BLOCK = "<|begin_of_tool_code|>\nprint(get_current_bill(user_id=1001))\n"
QUESTION = [ChatTurn("user", "Faturamı öğrenmek istiyorum.")]


def _request(turns: list[ChatTurn] | None = None, max_new_tokens: int = 64) -> GenerationRequest:
    return GenerationRequest(
        turns=turns or QUESTION, customer_id=1001, max_new_tokens=max_new_tokens
    )


async def _collect(
    backend: OpenAICompatBackend, request: GenerationRequest | None = None
) -> list[str]:
    return [chunk async for chunk in backend.stream(request or _request())]


async def _drain(backend: OpenAICompatBackend, received: list[str]) -> None:
    async for chunk in backend.stream(_request()):
        received.append(chunk)


# -- what is sent, what comes back ---------------------------------------------------


async def test_prompt_mode_sends_our_llama3_prompt_and_streams_every_chunk(
    fake: RunningFake, connect: Connect
) -> None:
    fake.fake.script(Reply(events=completion_events("Güncel ", "faturanız ", "hazır.")))
    backend = await connect(fake.base_url, max_new_tokens=100)

    chunks = await _collect(backend, _request(max_new_tokens=64))

    assert chunks == ["Güncel ", "faturanız ", "hazır."]
    sent = fake.fake.generation_requests[0]
    assert sent.path == "/v1/completions"
    expected = render_prompt(turns_to_messages(QUESTION, customer_id=1001, customer_hint="none"))
    # The server adds BOS itself; the rest is our template byte for byte.
    assert sent.body["prompt"] == expected.removeprefix("<|begin_of_text|>")
    assert sent.body["prompt"].endswith("<|start_header_id|>assistant<|end_header_id|>\n\n")
    assert sent.body["stream"] is True
    assert sent.body["model"] == "fake-model"
    assert sent.body["max_tokens"] == 64
    assert "<|eot_id|>" in sent.body["stop"]
    assert END_TOOL_CODE in sent.body["stop"]
    assert len(sent.body["stop"]) <= 4


async def test_chat_mode_sends_roles_and_tool_results_and_reads_deltas(
    fake: RunningFake, connect: Connect
) -> None:
    fake.fake.script(Reply(events=chat_events("Faturanız ", "450,00 TL.")))
    backend = await connect(fake.base_url, request_mode="chat")
    call = ToolCall("get_current_bill", {"user_id": 1001})
    turns = [
        *QUESTION,
        ChatTurn("assistant", "", tool_calls=(call,)),
        ChatTurn("tool", json.dumps({"amount": 450.0})),
    ]

    chunks = await _collect(backend, _request(turns))

    assert "".join(chunks) == "Faturanız 450,00 TL."
    sent = fake.fake.generation_requests[0]
    assert sent.path == "/v1/chat/completions"
    roles = [message["role"] for message in sent.body["messages"]]
    assert roles == ["user", "assistant", "tool"]
    assert sent.body["messages"][1]["content"].startswith("<|begin_of_tool_code|>")
    assert sent.body["messages"][2]["content"] == '{"amount": 450.0}'
    assert sent.body["messages"][2]["tool_call_id"] == "call_1"


async def test_a_bare_host_url_gets_the_v1_root(fake: RunningFake, connect: Connect) -> None:
    fake.fake.script(Reply(events=completion_events("Tamam.")))
    backend = await connect(fake.base_url.removesuffix("/v1"))

    assert await _collect(backend) == ["Tamam."]
    assert backend.status().extra["base_url"].endswith("/v1")


# -- retries before the first chunk, never after ------------------------------------------


async def test_server_error_then_success_is_retried_and_the_answer_arrives_once(
    fake: RunningFake, connect: Connect
) -> None:
    fake.fake.script(
        Reply(status=503, error="loading model"),
        Reply(status=500),
        Reply(events=completion_events("Merhaba, ", "nasıl yardımcı olabilirim?")),
    )
    backend = await connect(fake.base_url)

    chunks = await _collect(backend)

    assert "".join(chunks) == "Merhaba, nasıl yardımcı olabilirim?"
    assert len(fake.fake.generation_requests) == 3
    assert backend.status().extra["retries"] == "2"


async def test_too_many_requests_waits_as_long_as_retry_after_says(
    fake: RunningFake, connect: Connect
) -> None:
    fake.fake.script(
        Reply(status=429, headers={"Retry-After": "1"}, error="queue full"),
        Reply(events=completion_events("Tamam.")),
    )
    backend = await connect(fake.base_url)

    started = time.monotonic()
    chunks = await _collect(backend)
    waited = time.monotonic() - started

    assert chunks == ["Tamam."]
    assert waited >= 0.95  # the fast back-off alone would retry after 0.05 s
    assert len(fake.fake.generation_requests) == 2


async def test_a_client_error_is_not_retried_and_says_what_the_server_said(
    fake: RunningFake, connect: Connect
) -> None:
    fake.fake.script(Reply(status=400, error="prompt is too long for the context"))
    backend = await connect(fake.base_url)

    with pytest.raises(ServerRequestError, match="HTTP 400: prompt is too long"):
        await _collect(backend)
    assert len(fake.fake.generation_requests) == 1
    assert "prompt is too long" in backend.status().extra["last_error"]


async def test_a_server_that_keeps_failing_gives_up_after_the_allowed_tries(
    fake: RunningFake, connect: Connect
) -> None:
    fake.fake.script(*(Reply(status=502) for _ in range(5)))
    backend = await connect(fake.base_url)

    with pytest.raises(ServerRequestError, match="failed after 3 tries: HTTP 502"):
        await _collect(backend)
    assert len(fake.fake.generation_requests) == 3


async def test_a_connection_dropped_before_any_text_is_retried(
    fake: RunningFake, connect: Connect
) -> None:
    fake.fake.script(
        Reply(events=completion_events("Yarım"), drop_after=0),
        Reply(events=completion_events("Tam yanıt.")),
    )
    backend = await connect(fake.base_url)

    assert await _collect(backend) == ["Tam yanıt."]
    assert len(fake.fake.generation_requests) == 2


async def test_a_connection_dropped_mid_answer_raises_and_is_never_resent(
    fake: RunningFake, connect: Connect
) -> None:
    fake.fake.script(
        Reply(events=completion_events("Faturanız ", "şu anda ", "450"), drop_after=2),
        Reply(events=completion_events("İkinci kez gönderilmemeli.")),
    )
    backend = await connect(fake.base_url)
    received: list[str] = []

    with pytest.raises(StreamInterruptedError, match="stopped mid-answer"):
        await _drain(backend, received)

    assert received == ["Faturanız ", "şu anda "]
    assert len(fake.fake.generation_requests) == 1


async def test_an_error_event_mid_stream_ends_the_answer(
    fake: RunningFake, connect: Connect
) -> None:
    error = json.dumps({"error": {"message": "engine dead", "code": 500}})
    fake.fake.script(Reply(events=[*completion_events("Bir ", finish_reason=None)[:1], error]))
    backend = await connect(fake.base_url)

    with pytest.raises(StreamInterruptedError, match="engine dead"):
        await _collect(backend)


async def test_a_stalled_server_times_out_within_the_limit(
    fake: RunningFake, connect: Connect
) -> None:
    fake.fake.script(Reply(events=completion_events("Geç"), delay_s=5.0))
    backend = await connect(fake.base_url, timeout_s=0.5)

    started = time.monotonic()
    with pytest.raises(ServerTimeoutError):
        await _collect(backend)
    assert time.monotonic() - started < 2.0


async def test_chats_stream_in_parallel_not_one_after_another(
    fake: RunningFake, connect: Connect
) -> None:
    fake.fake.script(
        *(Reply(events=completion_events("Bir ", "yanıt."), delay_s=0.3) for _ in range(4))
    )
    backend = await connect(fake.base_url)

    started = time.monotonic()
    answers = await asyncio.gather(*(_collect(backend) for _ in range(4)))
    elapsed = time.monotonic() - started

    assert answers == [["Bir ", "yanıt."]] * 4
    assert elapsed < 2.0  # one after another: 4 x 3 events x 0.3 s = 3.6 s


async def test_a_consumer_that_stops_reading_closes_the_request_so_the_server_stops(
    fake: RunningFake, connect: Connect
) -> None:
    reply = Reply(events=completion_events(*(f"{n} " for n in range(50))), delay_s=0.02)
    fake.fake.script(reply)
    backend = await connect(fake.base_url)

    async with aclosing(backend.stream(_request())) as chunks:
        async for _ in chunks:
            break  # as the agent loop does once a tool block has closed
    await asyncio.sleep(1.5)  # the whole answer would take 1 s

    assert not reply.completed
    assert reply.sent < 25


# -- stop strings and the end tag ----------------------------------------------------------


def _parser_sees_closed_block(chunks: list[str]) -> ToolBlockFinished | None:
    parser = ToolStreamParser()
    for chunk in chunks:
        for event in parser.feed(chunk):
            if isinstance(event, ToolBlockFinished):
                return event
    return None  # only close() would have read the block: it was never closed


async def test_end_tag_is_restored_when_vllm_reports_it_as_the_stop(
    fake: RunningFake, connect: Connect
) -> None:
    events = completion_events(
        "Bir saniye.", BILL_BLOCK, finish_reason="stop", stop_reason=END_TOOL_CODE
    )
    fake.fake.script(Reply(events=events))
    backend = await connect(fake.base_url)

    chunks = await _collect(backend)

    assert chunks[-1] == END_TOOL_CODE
    block = _parser_sees_closed_block(chunks)
    assert block is not None
    assert block.calls == (ToolCall("get_current_bill", {"user_id": 1001}),)


async def test_end_tag_is_restored_for_a_server_that_only_says_stop(
    fake: RunningFake, connect: Connect
) -> None:
    # llama.cpp: finish_reason "stop", no stop_reason; the text has an open block.
    fake.fake.script(Reply(events=completion_events(BILL_BLOCK, finish_reason="stop")))
    backend = await connect(fake.base_url)

    chunks = await _collect(backend)

    assert chunks[-1] == END_TOOL_CODE
    assert _parser_sees_closed_block(chunks) is not None


@pytest.mark.parametrize(
    ("finish_reason", "stop_reason"),
    [("length", None), ("stop", None), ("stop", "<|eot_id|>"), ("stop", 128009)],
    ids=["token-limit", "vllm-eos", "vllm-eot-string", "vllm-eot-token"],
)
async def test_end_tag_is_not_invented_when_the_stop_was_something_else(
    fake: RunningFake, connect: Connect, finish_reason: str, stop_reason: object
) -> None:
    events = completion_events(BILL_BLOCK, finish_reason=finish_reason, stop_reason=stop_reason)
    fake.fake.script(Reply(events=events))
    backend = await connect(fake.base_url)

    chunks = await _collect(backend)

    assert END_TOOL_CODE not in "".join(chunks)


# -- who speaks after a message: the header probe (tool_continuation) ------------------------
# More cases: test_openai_next_speaker.py.


async def test_a_wait_message_the_model_follows_itself_gets_its_tool_block(
    fake: RunningFake, connect: Connect
) -> None:
    fake.fake.script(
        Reply(events=completion_events("Bir saniye, kontrol ediyorum.", stop_reason="<|eot_id|>")),
        probe_reply("assistant"),
        Reply(events=completion_events(BILL_BLOCK, stop_reason=END_TOOL_CODE)),
    )
    backend = await connect(fake.base_url, ask_next_speaker=True)

    output = "".join(await _collect(backend))

    assert output == f"Bir saniye, kontrol ediyorum.{BILL_BLOCK}{END_TOOL_CODE}"
    third = fake.fake.generation_requests[2].body["prompt"]
    assert third.endswith(
        "Bir saniye, kontrol ediyorum.<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n"
    )


async def test_a_short_answer_stays_the_whole_answer_when_the_model_names_the_user(
    fake: RunningFake, connect: Connect
) -> None:
    fake.fake.script(
        Reply(events=completion_events("Rica ederim!", stop_reason=None)),
        probe_reply("user"),
        Reply(events=completion_events("Başka bir ", "şey var mı?")),
    )
    backend = await connect(fake.base_url, ask_next_speaker=True)

    assert "".join(await _collect(backend)) == "Rica ederim!"
    assert len(fake.fake.generation_requests) == 2  # no continuation was requested


# -- the key, load and status ---------------------------------------------------------------


async def test_the_api_key_is_sent_as_bearer_and_never_logged_or_shown(
    fake: RunningFake, connect: Connect, caplog: pytest.LogCaptureFixture
) -> None:
    secret = "sk-test-very-secret-0123"
    caplog.set_level(logging.DEBUG)
    fake.fake.script(Reply(status=503), Reply(status=401, error="bad key"))
    backend = await connect(fake.base_url, api_key=secret)

    with pytest.raises(ServerRequestError) as raised:
        await _collect(backend)

    assert all(r.headers["authorization"] == f"Bearer {secret}" for r in fake.fake.requests)
    assert secret not in str(raised.value)
    assert secret not in caplog.text
    assert secret not in repr(backend.status())
    assert secret not in repr(backend._options)


async def test_status_shows_the_server_its_health_and_the_last_request(
    fake: RunningFake, connect: Connect
) -> None:
    fake.fake.script(Reply(events=completion_events("Tamam.")))
    backend = await connect(fake.base_url)
    await _collect(backend)

    status = backend.status()

    assert (status.backend, status.state, status.model_name) == ("openai", "loaded", "fake-model")
    assert (status.device, status.quantization, status.memory_mb) == ("remote", "server", 0.0)
    assert status.extra["base_url"] == fake.base_url
    assert status.extra["health"].startswith("ok")
    assert status.extra["served_models"] == "fake-model"
    assert float(status.extra["last_latency_s"]) >= 0.0
    assert float(status.extra["last_first_chunk_s"]) >= 0.0


async def test_the_one_served_model_is_used_when_the_configured_name_differs(
    fake: RunningFake, connect: Connect
) -> None:
    fake.fake.script(Reply(events=completion_events("Tamam.")))
    backend = await connect(fake.base_url, model="Choyrens/ChoyrensAI-Telekom-Agent-v1-merged")

    await _collect(backend)

    assert fake.fake.generation_requests[0].body["model"] == "fake-model"
    status = backend.status()
    assert status.model_name == "fake-model"
    assert status.extra["configured_model"] == "Choyrens/ChoyrensAI-Telekom-Agent-v1-merged"
