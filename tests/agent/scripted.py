"""A scripted backend: stands in for a language model in agent-loop tests.

It replays fixed outputs, one per model step, in the model's text format, so
the real parser, guard, tools, database and history run around it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Callable

from agent.backends.base import BackendStatus, GenerationRequest


class ScriptedBackend:
    name = "scripted"

    def __init__(
        self,
        *outputs: str | Callable[[GenerationRequest], str],
        delay_s: float = 0.0,
        chunk: int = 7,
    ) -> None:
        self._outputs = list(outputs)
        self._delay_s = delay_s
        self._chunk = chunk
        self.requests: list[GenerationRequest] = []

    async def stream(self, request: GenerationRequest) -> AsyncGenerator[str, None]:
        self.requests.append(request)
        if not self._outputs:
            raise RuntimeError("scripted backend has no output left")
        output = self._outputs.pop(0)
        text = output(request) if callable(output) else output
        for start in range(0, len(text), self._chunk):
            if self._delay_s:
                await asyncio.sleep(self._delay_s)
            yield text[start : start + self._chunk]

    def status(self) -> BackendStatus:
        return BackendStatus(backend=self.name, model_name="scripted", state="loaded")

    async def close(self) -> None:
        return None
