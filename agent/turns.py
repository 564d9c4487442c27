"""The shared vocabulary of the runtime: tool calls and chat turns.

A dialogue is a list of ``ChatTurn`` in the shape the model was trained on
(../shared/reference/model-format.md): user text, assistant text, an
assistant turn that is only a tool-call block, and a tool turn holding the
compact JSON result. The parser produces ``ToolCall``s, the renderer turns
them back into training text, the tools consume them, and the rules backend
produces them, so every part speaks the same types.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Role = Literal["user", "assistant", "tool"]


@dataclass(frozen=True)
class ToolCall:
    """One ``print(name(k=v, ...))`` line of a tool-call block."""

    name: str
    arguments: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ChatTurn:
    """One message of the dialogue as the model sees it.

    ``content`` is the exact text of the message (for an assistant tool-call
    turn: the rendered block; for a tool turn: the compact JSON result).
    ``tool_calls`` is set on assistant tool-call turns so nobody has to parse
    stored history again.
    """

    role: Role
    content: str
    tool_calls: tuple[ToolCall, ...] = ()

    @property
    def is_tool_call(self) -> bool:
        return self.role == "assistant" and bool(self.tool_calls)
