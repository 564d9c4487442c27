"""Reading an OpenAI-compatible streaming response: events, text pieces, how it ended.

Servers (vLLM, llama.cpp, TGI) stream Server-Sent Events: ``data: {json}``
lines, one chunk each, ended by ``data: [DONE]``. A completions chunk carries
its text in ``choices[0].text``; a chat chunk in ``choices[0].delta.content``,
and, from a server that parses tool calls (native tool mode), fragments of
them in ``choices[0].delta.tool_calls`` (``ToolCallFragment``: the call's
``index``, its ``id`` and name once, then pieces of the arguments' JSON text).
The last chunk with text (or one after it) names the ``finish_reason``.

Servers drop a matched stop string from the output. The agent's parser needs
the end tag of a tool-call block to see the block closed, so
``end_tag_to_restore`` decides whether the generation stopped on that tag:

- vLLM reports the matched stop string or token as ``stop_reason`` (None for
  the end-of-sequence token), so its word is taken;
- llama.cpp and TGI only say ``"stop"`` / ``"stop_sequence"``; then the tag is
  restored exactly when the text has a tool-call block still open, which is
  the only place where stopping on the end tag can have happened.
"""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator, AsyncIterator
from dataclasses import dataclass
from typing import Any, Final, Literal

from agent.protocol.tags import END_TOOL_CODE, TAG_PATTERN, TAG_SPELLINGS, tag_kind

RequestMode = Literal["prompt", "chat"]

DONE: Final = "[DONE]"

# Stop strings sent with every text-mode request: the Llama-3 end of turn, the
# end tag (also in the misspelling small models write) and a header opened
# without an end of turn before it. At most four: the limit of the OpenAI API
# and TGI's default.
END_OF_TURN: Final = "<|eot_id|>"
START_HEADER: Final = "<|start_header_id|>"
STOP_STRINGS: Final = (END_OF_TURN, END_TOOL_CODE, "<end_of_tool_code|>", START_HEADER)

_END_TAG_SPELLINGS: Final = frozenset(s for s in TAG_SPELLINGS if "end_of_tool_code" in s)
# finish_reason values that mean "a stop string, a stop token or end of sequence".
_STOPPED: Final = frozenset({"stop", "stop_sequence", "eos_token"})
# TGI names the end-of-sequence case itself: no stop string was involved.
_END_OF_SEQUENCE: Final = "eos_token"


class StreamFormatError(ValueError):
    """A streamed event is not a chunk this client understands, or reports an error."""


@dataclass(frozen=True)
class ToolCallFragment:
    """One piece of a streamed native tool call (``delta.tool_calls[i]``)."""

    index: int | None = None
    id: str | None = None
    name: str | None = None
    arguments: str = ""


@dataclass(frozen=True)
class StreamPiece:
    """What one streamed chunk says."""

    text: str = ""
    tool_calls: tuple[ToolCallFragment, ...] = ()
    finish_reason: str | None = None
    # Whether the chunk carried vLLM's ``stop_reason`` field, and its value.
    reports_stop_reason: bool = False
    stop_reason: str | int | None = None
    completion_tokens: int | None = None


async def sse_data(lines: AsyncIterator[str]) -> AsyncGenerator[str, None]:
    """The ``data`` of each Server-Sent Event read from ``lines``.

    Several ``data:`` lines of one event are joined with newlines; comments
    (``:``), ``event:``, ``id:`` and ``retry:`` fields are skipped. An event
    still open when the lines end is delivered.
    """
    data: list[str] = []
    async for raw in lines:
        line = raw.rstrip("\r\n")
        if not line:
            if data:
                yield "\n".join(data)
                data = []
            continue
        if line.startswith(":"):
            continue
        field, _, value = line.partition(":")
        if field == "data":
            data.append(value.removeprefix(" "))
    if data:
        yield "\n".join(data)


def decode_chunk(payload: str, mode: RequestMode) -> StreamPiece:
    """The text and ending of one chunk's JSON ``payload``.

    Raises StreamFormatError for a payload that is not JSON, an error object
    sent mid-stream, or a chunk without the expected shape.
    """
    try:
        chunk = json.loads(payload)
    except json.JSONDecodeError as exc:
        raise StreamFormatError(f"not JSON: {payload[:120]!r}") from exc
    if not isinstance(chunk, dict):
        raise StreamFormatError(f"not a JSON object: {payload[:120]!r}")
    if "error" in chunk:
        raise StreamFormatError(f"the server reported an error: {describe_error(chunk)}")
    tokens = _completion_tokens(chunk.get("usage"))
    choices = chunk.get("choices")
    if not isinstance(choices, list):
        raise StreamFormatError(f"a chunk without choices: {payload[:120]!r}")
    if not choices:
        # vLLM's final usage chunk, or a keep-alive.
        return StreamPiece(completion_tokens=tokens)
    choice = choices[0]
    if not isinstance(choice, dict):
        raise StreamFormatError(f"a malformed choice: {payload[:120]!r}")
    fragments: tuple[ToolCallFragment, ...] = ()
    if mode == "chat":
        delta = choice.get("delta")
        text = delta.get("content") if isinstance(delta, dict) else None
        if isinstance(delta, dict):
            fragments = _tool_call_fragments(delta.get("tool_calls"), payload)
    else:
        text = choice.get("text")
    stop_reason = choice.get("stop_reason")
    return StreamPiece(
        text=text if isinstance(text, str) else "",
        tool_calls=fragments,
        finish_reason=_text_or_none(choice.get("finish_reason")),
        reports_stop_reason="stop_reason" in choice,
        stop_reason=stop_reason if isinstance(stop_reason, str | int) else None,
        completion_tokens=tokens,
    )


def _tool_call_fragments(value: Any, payload: str) -> tuple[ToolCallFragment, ...]:
    """The tool-call fragments of a chat delta; raises StreamFormatError for a malformed one."""
    if value is None:
        return ()
    if not isinstance(value, list):
        raise StreamFormatError(f"tool_calls is not a list: {payload[:120]!r}")
    fragments = []
    for item in value:
        if not isinstance(item, dict):
            raise StreamFormatError(f"a malformed tool call: {payload[:120]!r}")
        function = item.get("function")
        function = function if isinstance(function, dict) else {}
        index = item.get("index")
        arguments = function.get("arguments")
        if isinstance(arguments, dict | list):  # a server that sends them parsed
            arguments = json.dumps(arguments, ensure_ascii=False)
        fragments.append(
            ToolCallFragment(
                index=index if isinstance(index, int) else None,
                id=_text_or_none(item.get("id")),
                name=_text_or_none(function.get("name")),
                arguments=arguments if isinstance(arguments, str) else "",
            )
        )
    return tuple(fragments)


def end_tag_to_restore(text: str, final: StreamPiece) -> str:
    """``END_TOOL_CODE`` when the generation of ``text`` stopped on the end tag, else "".

    ``final`` is the chunk that carried the ``finish_reason``.
    """
    if final.finish_reason not in _STOPPED or final.finish_reason == _END_OF_SEQUENCE:
        return ""
    if final.reports_stop_reason:
        return END_TOOL_CODE if final.stop_reason in _END_TAG_SPELLINGS else ""
    return END_TOOL_CODE if block_is_open(text) else ""


def block_is_open(text: str) -> bool:
    """Whether the last tool tag in ``text`` opens a block."""
    kinds = [tag_kind(match) for match in TAG_PATTERN.finditer(text)]
    return bool(kinds) and kinds[-1] == "begin"


def stopped_at_end_of_turn(final: StreamPiece | None) -> bool:
    """Whether the generation ended its message (not a length limit or a cut stream)."""
    return final is not None and final.finish_reason in _STOPPED


def describe_error(body: Any) -> str:
    """One line saying what an error body (OpenAI, FastAPI or plain) reports."""
    message: Any = body
    if isinstance(body, dict):
        error = body.get("error", body.get("detail", body.get("message", body)))
        message = error.get("message", error) if isinstance(error, dict) else error
    text = message if isinstance(message, str) else json.dumps(message, ensure_ascii=False)
    return " ".join(text.split())[:200] or "no details"


def _completion_tokens(usage: Any) -> int | None:
    if isinstance(usage, dict) and isinstance(usage.get("completion_tokens"), int):
        return int(usage["completion_tokens"])
    return None


def _text_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None
