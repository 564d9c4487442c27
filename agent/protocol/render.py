"""Render tool calls and tool results exactly as the model saw them in training.

A tool-call turn is the assistant message::

    <|begin_of_tool_code|>
    print(get_current_bill(user_id=5108))
    print(get_package_details(package_name="S\\u00fcper Konu\\u015fma"))
    <|end_of_tool_code|>

the begin tag, one ``print(NAME(k=v, ...))`` line per call, the end tag,
joined by single newlines with no trailing newline. Every value is
``json.dumps``-ed with its defaults (ASCII-only with ``\\uXXXX`` escapes,
``", "``/``": "`` inside nested values, ``true``/``false``/``null``),
arguments are separated by ``", "``, in the order of the call's dict.

A successful tool result is compact JSON with raw UTF-8:
``json.dumps(result, ensure_ascii=False, separators=(",", ":"))``: the
original training generator serialised successful results with pydantic's
``model_dump_json()``, which produces exactly this form. An error result
(``{"success": false, "error": {...}}``) was written with Python's
``json.dumps`` defaults (``", "``/``": "`` separators, ``\\uXXXX`` escapes),
so it is rendered that way (../shared/reference/model-format.md).

One deliberate exception to both forms: if a rendered value would contain a
block tag (say a customer typed ``<|end_of_tool_code|>`` into a fault
description), every ``<`` of that JSON text is written as ``\\u003c``. It is
the same value in JSON and in Python, but it cannot close a block early.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from agent.protocol.tags import BEGIN_TOOL_CODE, END_TOOL_CODE, TAG_PATTERN
from agent.turns import ToolCall


def render_tool_call(call: ToolCall) -> str:
    """One ``print(NAME(k=v, ...))`` line; values must be JSON-serialisable."""
    arguments = ", ".join(
        f"{key}={_defuse_tags(json.dumps(value))}" for key, value in call.arguments.items()
    )
    return f"print({call.name}({arguments}))"


def render_tool_block(calls: Sequence[ToolCall]) -> str:
    """The content of an assistant tool-call message for ``calls``, as in training."""
    return "\n".join([BEGIN_TOOL_CODE, *(render_tool_call(call) for call in calls), END_TOOL_CODE])


def render_tool_result(result: Mapping[str, Any]) -> str:
    """The content of a tool message, as training wrote it (see module doc): an error
    result (``"success": false``) with ``json.dumps`` defaults, any other compact."""
    if result.get("success") is False:
        return _defuse_tags(json.dumps(result))
    return _defuse_tags(json.dumps(result, ensure_ascii=False, separators=(",", ":")))


def _defuse_tags(json_text: str) -> str:
    """Escape ``<`` in JSON text that holds a block tag (``<`` only occurs inside strings)."""
    if TAG_PATTERN.search(json_text) is None:
        return json_text
    return json_text.replace("<", "\\u003c")
