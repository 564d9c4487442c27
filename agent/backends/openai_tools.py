"""Native tool calling for the ``openai`` backend: tools out, assembled calls back as text.

In ``tool_mode: native`` a stock tool-calling model (Qwen2.5-Instruct behind
vLLM's ``hermes`` parser, Llama-3.1-Instruct behind ``llama3_json``) gets the
tools' JSON schemas as the request's ``tools`` and answers calls in
``delta.tool_calls``. This module holds both ends:

- ``tool_definitions``: the ``tools`` array, derived from the ``@tool``
  registry (``Registry.schemas()``, the same schemas ``agent tools list``
  prints), never written by hand;
- ``ToolCallAssembler``: the streamed fragments (index, id, name, pieces of
  the arguments' JSON) put together into whole calls;
- ``calls_to_block``: the assembled calls as the text protocol's tool-call
  block (``render_tool_block``'s form), which the backend yields like any
  other output. The agent loop parses it with the same parser, so every call
  goes through the same guard, confirmation cards and customer binding as a
  call the fine-tuned model wrote.

Arguments that are not a JSON object become a statement the parser rejects as
``invalid_value`` (``print(NAME(arguments=unparsed("<the text as sent>")))``):
the model reads back the same structured ``INVALID_TOOL_CALL`` error a
malformed text call gets. A name that is not an identifier becomes a
``not_a_call`` statement the same way. Neither can smuggle in a second call:
the server's text only ever appears inside one JSON string literal.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from agent.backends.openai_stream import ToolCallFragment
from agent.protocol.render import render_tool_call
from agent.protocol.tags import BEGIN_TOOL_CODE, END_TOOL_CODE, TAG_PATTERN
from agent.tools.registry import Registry
from agent.turns import ToolCall

# What the text protocol's scanner accepts as a tool or argument name.
_IDENTIFIER: Final = re.compile(r"[^\W\d]\w*")
# A marker the scanner does not know as a value: it rejects the statement.
_UNPARSED: Final = "unparsed"


def tool_definitions(registry: Registry) -> list[dict[str, Any]]:
    """The registry's tools as the chat API's ``tools`` array (``type: function``)."""
    return [
        {
            "type": "function",
            "function": {
                "name": schema["name"],
                "description": schema["description"],
                "parameters": schema["parameters"],
            },
        }
        for schema in registry.schemas()
    ]


@dataclass
class AssembledCall:
    """One native tool call as the server streamed it."""

    id: str = ""
    name: str = ""
    arguments: str = ""


@dataclass
class ToolCallAssembler:
    """Puts ``delta.tool_calls`` fragments together, in the order the calls were opened.

    A fragment names its call by ``index``; one without an index (some
    servers send each call whole) opens a new call when it brings an id not
    seen yet, and continues the last call otherwise.
    """

    _calls: dict[int, AssembledCall] = field(default_factory=dict)

    def feed(self, fragments: Iterable[ToolCallFragment]) -> None:
        for fragment in fragments:
            call = self._calls.setdefault(self._key(fragment), AssembledCall())
            if fragment.id and not call.id:
                call.id = fragment.id
            # Servers send the name whole, once or with every fragment; one
            # sent in pieces comes before any argument text.
            if fragment.name and fragment.name != call.name:
                call.name = call.name + fragment.name if not call.arguments else call.name
            call.arguments += fragment.arguments

    def _key(self, fragment: ToolCallFragment) -> int:
        if fragment.index is not None:
            return fragment.index
        known_ids = {call.id for call in self._calls.values()}
        if not self._calls or (fragment.id and fragment.id not in known_ids):
            return max(self._calls, default=-1) + 1
        return max(self._calls)

    @property
    def calls(self) -> list[AssembledCall]:
        """The calls in index order; calls without a name are dropped."""
        return [self._calls[key] for key in sorted(self._calls) if self._calls[key].name]

    def __bool__(self) -> bool:
        return bool(self.calls)


def calls_to_block(calls: Sequence[AssembledCall]) -> str:
    """The text protocol's tool-call block for ``calls`` (see the module docstring)."""
    return "\n".join([BEGIN_TOOL_CODE, *(_statement(call) for call in calls), END_TOOL_CODE])


def _statement(call: AssembledCall) -> str:
    name = call.name.strip()
    if _IDENTIFIER.fullmatch(name) is None:
        return f"print({_json_string(name)}())"
    arguments = parse_arguments(call.arguments)
    if arguments is None or not all(_IDENTIFIER.fullmatch(key) for key in arguments):
        return f"print({name}(arguments={_UNPARSED}({_json_string(call.arguments)})))"
    return render_tool_call(ToolCall(name, arguments))


def _json_string(text: str) -> str:
    """``text`` as one JSON string literal that cannot hold a block tag (``<`` escaped)."""
    literal = json.dumps(text)
    return literal.replace("<", "\\u003c") if TAG_PATTERN.search(literal) else literal


def parse_arguments(text: str) -> dict[str, Any] | None:
    """The arguments' JSON object (``{}`` for none sent), or None when it is not one."""
    if not text.strip():
        return {}
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        return None
    return value if isinstance(value, dict) else None
