"""The dialogue as chat-API messages for the ``openai`` backend, in each request mode.

``turns_to_messages`` (agent.prompt) gives one message per turn in the
trained shape, with the customer hint and the control-token defusing; this
module adapts it to what a chat server takes:

- ``model.system_prompt`` goes first in every request mode
  (``agent.prompt.with_system_prompt``, shared with the transformers backend);
- ``text_chat_messages`` (``request_mode: chat``, ``tool_mode: text``): tool
  results get a ``tool_call_id`` (``call_1``, ...), which servers that
  validate the OpenAI schema require; the calls stay text blocks;
- ``native_messages`` (``tool_mode: native``): an assistant tool-call turn
  becomes an assistant message with ``tool_calls`` (ids ``call_<turn
  index>_<n>``, arguments as JSON text), merged with the assistant text just
  before it ("Bir saniye, kontrol ediyorum."); each tool turn after it
  becomes a ``role: tool`` message answering the calls in order. The agent
  loop may add results no call of the turn asked for (calls past
  ``MAX_CALLS_PER_STEP``, malformed calls, which never became ``ToolCall``s):
  each gets a call of its own on the assistant message, named after the
  statement the error quotes (or ``invalid_tool_call``) with arguments
  ``{}``, so every tool message answers a call of the message before it.
  An assistant turn holding a tool-call block as text (history written in
  text mode) is read with the text protocol's parser.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any, Final

from agent.prompt import CustomerHint, Message, turns_to_messages
from agent.protocol.parser import parse_output
from agent.turns import ChatTurn, ToolCall

ChatMessage = dict[str, Any]

UNNAMED_CALL: Final = "invalid_tool_call"
# The tool a malformed statement named: print(NAME( or NAME(.
_QUOTED_NAME: Final = re.compile(r"\s*(?:print\s*\(\s*)?([^\W\d]\w*)\s*\(")


def text_chat_messages(messages: Sequence[Message]) -> list[ChatMessage]:
    """Text-mode ``messages`` as the chat API takes them: tool results get a ``tool_call_id``."""
    converted: list[ChatMessage] = []
    tool_results = 0
    for message in messages:
        entry: ChatMessage = {"role": message["role"], "content": message["content"]}
        if message["role"] == "tool":
            tool_results += 1
            entry["tool_call_id"] = f"call_{tool_results}"
        converted.append(entry)
    return converted


def native_messages(
    turns: Sequence[ChatTurn],
    *,
    customer_id: int | None,
    customer_hint: CustomerHint,
) -> list[ChatMessage]:
    """``turns`` as native tool-calling chat messages (see the module docstring)."""
    base = turns_to_messages(turns, customer_id=customer_id, customer_hint=customer_hint)
    offset = len(base) - len(turns)
    converted: list[ChatMessage] = [dict(message) for message in base[:offset]]
    calls = _CallMessage(converted)
    for index, (turn, message) in enumerate(zip(turns, base[offset:], strict=True)):
        if turn.role == "tool":
            converted.append(
                {
                    "role": "tool",
                    "tool_call_id": calls.answer(index, message["content"]),
                    "content": message["content"],
                }
            )
            continue
        calls.close()
        if turn.role != "assistant":
            converted.append(dict(message))
            continue
        text, tool_calls, is_call = _assistant_parts(turn)
        if not is_call:
            converted.append({"role": "assistant", "content": text})
            continue
        calls.open(index, tool_calls, _preface(converted, turns, index) or text)
    return converted


def _assistant_parts(turn: ChatTurn) -> tuple[str, tuple[ToolCall, ...], bool]:
    """An assistant turn's text, its calls, and whether it is a tool-call turn."""
    if turn.is_tool_call:
        return "", turn.tool_calls, True
    parsed = parse_output(turn.content)
    if parsed.tool_blocks:
        return parsed.visible_text, parsed.calls, True
    return turn.content, (), False


def _preface(converted: list[ChatMessage], turns: Sequence[ChatTurn], index: int) -> str:
    """The assistant text just before the call turn at ``index``, taken off ``converted``."""
    previous = turns[index - 1] if index > 0 else None
    last = converted[-1] if converted else None
    if (
        previous is not None
        and previous.role == "assistant"
        and last is not None
        and last["role"] == "assistant"
        and "tool_calls" not in last
    ):
        converted.pop()
        return str(last["content"])
    return ""


class _CallMessage:
    """The assistant message whose calls the following tool messages answer."""

    def __init__(self, converted: list[ChatMessage]) -> None:
        self._converted = converted
        self._message: ChatMessage | None = None
        self._index = 0
        self._answered = 0

    def open(self, index: int, calls: Sequence[ToolCall], content: str) -> None:
        # Content "" rather than null: llama-cpp-python's server refuses null.
        self._message = {
            "role": "assistant",
            "content": content,
            "tool_calls": [
                _tool_call(f"call_{index}_{n}", call.name, call.arguments)
                for n, call in enumerate(calls)
            ],
        }
        self._index, self._answered = index, 0
        self._converted.append(self._message)

    def answer(self, index: int, result: str) -> str:
        """The id of the call the tool result at turn ``index`` answers (one is made if none)."""
        if self._message is None:
            self.open(index, (), "")
        assert self._message is not None
        tool_calls: list[ChatMessage] = self._message["tool_calls"]
        if self._answered >= len(tool_calls):
            call_id = f"call_{self._index}_{len(tool_calls)}"
            tool_calls.append(_tool_call(call_id, _quoted_name(result), {}))
        call_id = str(tool_calls[self._answered]["id"])
        self._answered += 1
        return call_id

    def close(self) -> None:
        self._message = None


def _tool_call(call_id: str, name: str, arguments: dict[str, Any]) -> ChatMessage:
    return {
        "id": call_id,
        "type": "function",
        "function": {"name": name, "arguments": json.dumps(arguments, ensure_ascii=False)},
    }


def _quoted_name(result: str) -> str:
    """The tool an error result's quoted statement named, or ``UNNAMED_CALL``."""
    try:
        raw = json.loads(result)["error"]["details"]["raw"]
    except (ValueError, TypeError, KeyError):
        return UNNAMED_CALL
    match = _QUOTED_NAME.match(raw) if isinstance(raw, str) else None
    return match.group(1) if match else UNNAMED_CALL
