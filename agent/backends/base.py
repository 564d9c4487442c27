"""The interface every model backend implements.

A backend turns a dialogue into text, streamed in chunks, in the fine-tuned
model's output format: plain Turkish text, or a tool-call block
``<|begin_of_tool_code|>...<|end_of_tool_code|>``. The agent loop parses that
text the same way whichever backend produced it.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, runtime_checkable

from agent.dialogue_state import DialogueState
from agent.turns import ChatTurn

LoadState = Literal["not_loaded", "loading", "loaded", "failed"]


@dataclass(frozen=True)
class GenerationRequest:
    """What one model step sees."""

    turns: list[ChatTurn]
    # The linked customer of the chat, or None for an unlinked chat or a group.
    customer_id: int | None
    max_new_tokens: int = 512
    # False in a group chat (account questions go to the private chat).
    private: bool = True
    # What the conversation is about (the rules backend resolves follow-ups
    # with it; model backends read the same conversation from ``turns``).
    dialogue: DialogueState = field(default_factory=DialogueState)


@dataclass
class BackendStatus:
    """What /admin and the status endpoint show about a backend."""

    backend: str
    model_name: str
    state: LoadState
    device: str = "cpu"
    quantization: str = "none"
    dtype: str = ""
    memory_mb: float = 0.0
    error: str | None = None
    extra: dict[str, str] = field(default_factory=dict)


class Backend(Protocol):
    name: str

    def stream(self, request: GenerationRequest) -> AsyncGenerator[str, None]:
        """Yield the model's output text in chunks as it is generated (an async
        generator: the loop closes it with ``aclosing`` when it stops reading early)."""
        ...

    def status(self) -> BackendStatus: ...

    async def close(self) -> None:
        """Free what the backend holds (GPU memory, connections)."""
        ...


@runtime_checkable
class HasTokenizer(Protocol):
    """A backend that holds its model's tokenizer (None until loaded), so the history
    budget is counted in the model's own tokens rather than estimated."""

    @property
    def tokenizer(self) -> Any: ...
