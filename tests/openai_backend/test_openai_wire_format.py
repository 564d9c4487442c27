"""Reading what OpenAI-compatible servers send, and how long to wait between tries."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from agent.backends.openai_stream import (
    StreamFormatError,
    block_is_open,
    decode_chunk,
    describe_error,
    sse_data,
)
from agent.backends.retry_policy import MAX_RETRY_AFTER_S, SERVER_RETRY, parse_retry_after
from core.retrying import RetryPolicy, pause_s


async def _lines(*lines: str) -> AsyncIterator[str]:
    for line in lines:
        yield line


async def _events(*lines: str) -> list[str]:
    return [data async for data in sse_data(_lines(*lines))]


async def test_sse_events_are_split_on_blank_lines_and_skip_comments_and_other_fields() -> None:
    events = await _events(
        ": keep-alive",
        "event: message",
        'data: {"a": 1}',
        "",
        "id: 7",
        "data:first line",
        "data: second line\r",
        "",
        "data: [DONE]",
    )

    assert events == ['{"a": 1}', "first line\nsecond line", "[DONE]"]


def test_completion_chunk_text_and_vllm_stop_reason_are_read() -> None:
    chunk = {"choices": [{"text": "", "finish_reason": "stop", "stop_reason": "<|eot_id|>"}]}

    piece = decode_chunk(json.dumps(chunk), "prompt")

    assert (piece.finish_reason, piece.reports_stop_reason) == ("stop", True)
    assert piece.stop_reason == "<|eot_id|>"


def test_chat_chunk_content_is_read_and_a_role_only_delta_has_no_text() -> None:
    role = decode_chunk(json.dumps({"choices": [{"delta": {"role": "assistant"}}]}), "chat")
    content = decode_chunk(json.dumps({"choices": [{"delta": {"content": "Şu an"}}]}), "chat")

    assert role.text == ""
    assert content.text == "Şu an"
    assert not content.reports_stop_reason


def test_a_usage_chunk_without_choices_carries_the_token_count() -> None:
    piece = decode_chunk(json.dumps({"choices": [], "usage": {"completion_tokens": 12}}), "prompt")

    assert (piece.text, piece.completion_tokens) == ("", 12)


@pytest.mark.parametrize(
    "payload",
    ["not json", "[1, 2]", '{"object": "x"}', '{"error": {"message": "CUDA out of memory"}}'],
)
def test_unreadable_or_error_chunks_raise_a_format_error(payload: str) -> None:
    with pytest.raises(StreamFormatError):
        decode_chunk(payload, "prompt")


def test_error_bodies_of_several_servers_become_one_line() -> None:
    assert describe_error({"error": {"message": "bad\nkey"}}) == "bad key"
    assert describe_error({"detail": [{"msg": "field required"}]}) == '[{"msg": "field required"}]'
    assert describe_error("x" * 500) == "x" * 200


@pytest.mark.parametrize(
    ("text", "is_open"),
    [
        ("plain answer", False),
        ("<|begin_of_tool_code|>\nprint(f())\n", True),
        ("<begin_of_tool_code|>\nprint(f())\n", True),
        ("<|begin_of_tool_code|>print(f())<|end_of_tool_code|> done", False),
        ("<|begin_of_tool_code|>a<|end_of_tool_code|><|begin_of_tool_code|>b", True),
    ],
)
def test_an_open_block_is_recognised_in_every_accepted_spelling(text: str, is_open: bool) -> None:
    assert block_is_open(text) is is_open


def test_retry_after_reads_seconds_and_http_dates() -> None:
    now = datetime(2026, 12, 15, 12, 0, tzinfo=UTC)

    assert parse_retry_after("3") == 3.0
    assert parse_retry_after(format_datetime(now + timedelta(seconds=30), usegmt=True), now) == 30
    assert parse_retry_after(format_datetime(now - timedelta(hours=1), usegmt=True), now) == 0
    assert parse_retry_after("soon") is None
    assert parse_retry_after("-5") is None
    assert parse_retry_after(None) is None


def test_back_off_doubles_up_to_the_cap_and_jitter_only_shortens() -> None:
    policy = RetryPolicy(first_delay_s=0.5, max_delay_s=3.0, jitter=0.5)

    exact = [policy.backoff_s(retry, random_fraction=lambda: 0.0) for retry in range(1, 6)]
    shortest = [policy.backoff_s(retry, random_fraction=lambda: 1.0) for retry in range(1, 6)]

    assert exact == [0.5, 1.0, 2.0, 3.0, 3.0]
    assert shortest == [0.25, 0.5, 1.0, 1.5, 1.5]


def test_a_servers_retry_after_wins_over_back_off_but_is_capped() -> None:
    assert pause_s(SERVER_RETRY, 1, 4.0, max_asked_s=MAX_RETRY_AFTER_S) == 4.0
    assert pause_s(SERVER_RETRY, 1, 3600.0, max_asked_s=MAX_RETRY_AFTER_S) == MAX_RETRY_AFTER_S


def test_a_policy_without_attempts_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one attempt"):
        RetryPolicy(attempts=0)
