"""Running a customer's message through the engine the way the agent loop does.

Each step's tool calls are answered from a table of demo results (by tool
name, or by tool name and a key argument), until the engine answers in text.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from agent.rules import RulesEngine
from agent.rules.tool_contract import ACTIONS
from agent.turns import ChatTurn, ToolCall

# A result for a tool, or for (tool, value of its first non-user argument).
Results = Mapping[str | tuple[str, str], dict[str, Any]]

_MAX_STEPS = 5  # the agent loop's default ``agent.max_steps``


@dataclass
class Chat:
    """A chat with the engine; every message runs until the engine answers."""

    engine: RulesEngine
    customer_id: int | None
    results: Results
    turns: list[ChatTurn] = field(default_factory=list)
    calls: list[ToolCall] = field(default_factory=list)  # the calls of the newest message

    def say(self, text: str) -> str:
        """The engine's answer to ``text``; ``self.calls`` holds the calls it made."""
        self.turns.append(ChatTurn("user", text))
        self.calls = []
        for _ in range(_MAX_STEPS):
            reply = self.engine.respond(self.turns, self.customer_id)
            if not reply.tool_calls:
                self.turns.append(ChatTurn("assistant", reply.text))
                return reply.text
            self.turns.append(ChatTurn("assistant", "<tool>", reply.tool_calls))
            self.calls.extend(reply.tool_calls)
            if any(call.name in ACTIONS for call in reply.tool_calls):
                return ""  # the card asks for confirmation; nothing more this turn
            for call in reply.tool_calls:
                content = json.dumps(self._result(call), ensure_ascii=False)
                self.turns.append(ChatTurn("tool", content))
        raise AssertionError(f"no answer after {_MAX_STEPS} steps: {self.tools}")

    @property
    def tools(self) -> list[str]:
        return [call.name for call in self.calls]

    def _result(self, call: ToolCall) -> dict[str, Any]:
        values = [v for k, v in call.arguments.items() if k != "user_id"]
        if values and (call.name, str(values[0])) in self.results:
            return self.results[(call.name, str(values[0]))]
        if call.name in self.results:
            return self.results[call.name]
        raise AssertionError(f"no demo result for {call}")
