"""The ``rules`` backend: the deterministic Turkish router behind the model interface.

It speaks the model's protocol: plain Turkish text, or a tool-call block
rendered exactly as the fine-tuned model writes it, so the agent loop parses
its output like any other backend's.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator

from agent.backends.base import BackendStatus, GenerationRequest
from agent.protocol.render import render_tool_block
from agent.protocol.tags import neutralise_tags
from agent.rules.router import RulesEngine


class RulesBackend:
    name = "rules"

    def __init__(self, engine: RulesEngine | None = None, *, reason: str | None = None) -> None:
        self._engine = engine or RulesEngine()
        self._reason = reason

    async def stream(self, request: GenerationRequest) -> AsyncGenerator[str, None]:
        reply = self._engine.respond(
            request.turns, request.customer_id, private=request.private, dialogue=request.dialogue
        )
        if reply.text:
            # The text may quote what a customer typed (an address, a ticket
            # description): it must never become a tool call of its own.
            yield neutralise_tags(reply.text)
        if reply.tool_calls:
            yield render_tool_block(reply.tool_calls)

    def status(self) -> BackendStatus:
        return BackendStatus(
            backend=self.name,
            model_name="rules",
            state="loaded",
            device="cpu",
            quantization="none",
            extra={"reason": self._reason} if self._reason else {},
        )

    async def close(self) -> None:
        return None
