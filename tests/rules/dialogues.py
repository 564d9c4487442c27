"""Building dialogues for the rules engine tests, the way the agent loop stores them."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from agent.rules import RulesEngine, RulesReply
from agent.turns import ChatTurn, ToolCall

CUSTOMER = 1001

# A current-bill result in the success-envelope form some tool turns carry.
UNPAID_BILL_RESULT = {
    "success": True,
    "data": {
        "bill_id": "F-2026-000112",
        "amount": 129.22,
        "due_date": "2026-12-17",
        "status": "unpaid",
    },
}


def only_call(reply: RulesReply) -> ToolCall:
    """The single tool call of ``reply`` (fails the test when there is none)."""
    assert reply.tool_calls, f"expected a tool call, got text {reply.text!r}"
    assert len(reply.tool_calls) == 1
    return reply.tool_calls[0]


def args_of(reply: RulesReply) -> dict[str, Any]:
    """The arguments of the single call of ``reply``, without ``user_id``."""
    return {k: v for k, v in only_call(reply).arguments.items() if k != "user_id"}


def tool_turns(call: ToolCall, result: dict[str, Any]) -> list[ChatTurn]:
    """The assistant tool-call turn and the tool turn holding ``result`` as compact JSON."""
    content = json.dumps(result, ensure_ascii=False, separators=(",", ":"))
    return [ChatTurn("assistant", f"<tool {call.name}>", (call,)), ChatTurn("tool", content)]


def answer_for(
    engine: RulesEngine, call: ToolCall, result: dict[str, Any], asked: str = "bilgi"
) -> str:
    """The final answer the engine composes after ``call`` returned ``result``."""
    turns: Sequence[ChatTurn] = [ChatTurn("user", asked), *tool_turns(call, result)]
    reply = engine.respond(turns, CUSTOMER)
    assert reply.tool_calls == ()
    return reply.text


class Conversation:
    """A chat with the engine: user messages in, replies out, tool results fed back."""

    def __init__(self, engine: RulesEngine, customer_id: int | None = CUSTOMER) -> None:
        self.engine = engine
        self.customer_id = customer_id
        self.turns: list[ChatTurn] = []

    def say(self, text: str) -> RulesReply:
        """Send a user message; a text reply is stored as the assistant's turn."""
        self.turns.append(ChatTurn("user", text))
        return self._step()

    def give(self, result: dict[str, Any]) -> RulesReply:
        """Answer the pending tool call with ``result``."""
        call = self.turns[-1].tool_calls[0]
        self.turns.append(tool_turns(call, result)[1])
        return self._step()

    def _step(self) -> RulesReply:
        reply = self.engine.respond(self.turns, self.customer_id)
        if reply.tool_calls:
            self.turns.append(ChatTurn("assistant", "<tool>", reply.tool_calls))
        else:
            self.turns.append(ChatTurn("assistant", reply.text))
        return reply
