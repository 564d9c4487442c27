"""The ``transformers`` backend: the real model, loaded locally, streamed token by token.

``load(model, settings)`` is what ``BackendManager`` calls. Loading
(``agent.backends.model_loading``) runs in a thread and logs its stages;
``status()`` shows loading / loaded / failed with the reason, the device,
dtype or quantisation and the memory in use.

One ``stream(request)`` is one model step of the agent loop:

1. the dialogue becomes chat messages (``turns_to_messages`` with the
   configured customer hint) and the prompt text (``render_prompt``: the
   tokenizer's chat template, else the built-in Llama-3 format);
2. ``generate`` runs in the backend's worker thread and its text is yielded
   as it is produced (``agent.backends.generation_stream``); it stops at the
   end of a tool-call block, at an end-of-turn token, at the token limit, when
   the consumer closes the stream, or at the timeout (``GenerationTimeoutError``);
3. after a short message that ended its turn, the model may write one more
   assistant message, passed on only if it opens with a tool-call block
   (``agent.backends.tool_continuation`` holds the rules and the reasons).

One generation runs at a time per model: requests wait for the model in
arrival order (an ``asyncio.Semaphore``). Batching several chats onto the GPU
replaces exactly that slot with a scheduler; nothing else here assumes one
request at a time.
"""

from __future__ import annotations

import asyncio
import copy
import gc
import logging
import time
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import aclosing
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

import torch
from transformers import StoppingCriteriaList

from agent.backends.base import BackendStatus, GenerationRequest, LoadState
from agent.backends.generation_stream import (
    MessageGeneration,
    StopOnSignal,
    StopSignal,
    TokenStreamer,
)
from agent.backends.model_loading import (
    LoadedModel,
    LoadOptions,
    load_model,
    model_memory_mb,
    process_memory_mb,
)
from agent.backends.model_source import ModelLoadError
from agent.backends.tool_continuation import (
    ContinuationGate,
    StopReason,
    should_continue,
)
from agent.prompt import CustomerHint, Message, render_prompt, turns_to_messages

if TYPE_CHECKING:
    from core.settings import AgentSettings, ModelSettings, Settings

log = logging.getLogger(__name__)

_CLOSE_WAIT_S: Final = 10.0


class GenerationTimeoutError(TimeoutError):
    """A model step ran past its time limit (the runtime answers with its timeout text)."""


class BackendUnavailableError(RuntimeError):
    """The backend has no model to generate with (not loaded yet, failed, or closed)."""


@dataclass(frozen=True)
class GenerationOptions:
    """How the backend generates: the sampling half of ``model:`` plus the agent's limits.

    ``temperature`` 0 means greedy decoding. ``system_prompt`` is an
    instruction placed before the dialogue for general-purpose models used in
    demos and tests; the fine-tuned model was trained without one, so it stays
    empty in production.
    """

    max_new_tokens: int = 512
    temperature: float = 0.6
    top_p: float = 0.9
    timeout_s: float = 120.0
    customer_hint: CustomerHint = "system"
    system_prompt: str = ""
    continue_after_short_message: bool = True

    @classmethod
    def from_settings(cls, model: ModelSettings, agent: AgentSettings) -> GenerationOptions:
        """The options for ``model:`` and ``agent:`` of config.yaml."""
        return cls(
            max_new_tokens=model.max_new_tokens,
            temperature=model.temperature,
            top_p=model.top_p,
            timeout_s=agent.timeout_s,
            customer_hint=agent.customer_hint,
        )


@dataclass
class GenerationStats:
    """Figures of one ``stream`` call, filled in as it runs (benchmarks, tests, status)."""

    prompt_tokens: int = 0
    new_tokens: int = 0
    queue_wait_s: float = 0.0
    first_chunk_s: float | None = None  # from the call to the first text chunk
    stop_reason: StopReason | None = None
    continued: bool = False  # a second assistant message was tried
    continuation_kept: bool = False  # ... and it opened with a tool block


class TransformersBackend:
    """A causal LM from transformers behind the ``Backend`` interface."""

    name = "transformers"

    def __init__(self, model_name: str, generation: GenerationOptions) -> None:
        self._model_name = model_name
        self._generation = generation
        self._state: LoadState = "not_loaded"
        self._stage: str | None = None
        self._error: str | None = None
        self._loaded: LoadedModel | None = None
        self._executor: ThreadPoolExecutor | None = None
        self._slot = asyncio.Semaphore(1)
        self._running: set[MessageGeneration] = set()
        self._generations = 0
        self._last: GenerationStats | None = None

    # -- lifecycle ------------------------------------------------------------

    async def load(self, options: LoadOptions) -> None:
        """Load the model in a thread; raises ModelLoadError (and others) on failure."""
        self._state, self._error = "loading", None
        try:
            loaded = await asyncio.to_thread(load_model, options, self._set_stage)
        except Exception as exc:
            self._state, self._error = "failed", f"{type(exc).__name__}: {exc}"
            log.error("model %s failed to load: %s", self._model_name, self._error)
            raise
        self.attach(loaded)

    def attach(self, loaded: LoadedModel) -> None:
        """Serve an already loaded model."""
        self._loaded = loaded
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="generate")
        self._state, self._stage, self._error = "loaded", None, None

    async def close(self) -> None:
        """Stop any generation, then free the model (and the GPU memory it held)."""
        for generation in list(self._running):
            generation.signal.stop("cancelled")
        executor, self._executor = self._executor, None
        if executor is not None:
            try:
                await asyncio.wait_for(asyncio.to_thread(executor.shutdown, True), _CLOSE_WAIT_S)
            except TimeoutError:
                log.error("the generation thread did not stop within %.0f s", _CLOSE_WAIT_S)
        on_gpu = self._loaded is not None and self._loaded.plan.device.startswith("cuda")
        self._loaded = None
        self._state = "not_loaded"
        gc.collect()
        if on_gpu:
            torch.cuda.empty_cache()
        log.info("model %s closed", self._model_name)

    # -- generation -------------------------------------------------------------

    async def stream(
        self, request: GenerationRequest, *, stats: GenerationStats | None = None
    ) -> AsyncIterator[str]:
        """Yield the model's output for ``request`` as it is generated.

        ``stats``, when given, is filled in as the generation runs. Raises
        GenerationTimeoutError when the model step exceeds ``timeout_s`` (waiting
        for the model included) and BackendUnavailableError without a model.
        """
        stats = stats if stats is not None else GenerationStats()
        started = time.monotonic()
        deadline = started + self._generation.timeout_s
        self._require_model()
        try:
            await asyncio.wait_for(self._slot.acquire(), self._generation.timeout_s)
        except TimeoutError:
            raise GenerationTimeoutError("timed out waiting for the model") from None
        try:
            stats.queue_wait_s = time.monotonic() - started
            self._generations += 1
            self._last = stats
            budget = min(request.max_new_tokens, self._generation.max_new_tokens)
            messages = self._messages(request)
            first = self._start(messages, budget, deadline, stats)
            try:
                async for piece in first:
                    if stats.first_chunk_s is None:
                        stats.first_chunk_s = time.monotonic() - started
                    yield piece
            finally:
                await self._stop(first, stats)
            self._raise_on_timeout(stats)
            if self._continues(first, budget - stats.new_tokens):
                follow_up = self._continuation(messages, first.text, budget, deadline, stats)
                async with aclosing(follow_up) as pieces:
                    async for piece in pieces:
                        yield piece
        finally:
            self._slot.release()

    async def _continuation(
        self,
        messages: list[Message],
        first_text: str,
        budget: int,
        deadline: float,
        stats: GenerationStats,
    ) -> AsyncIterator[str]:
        """One more assistant message after ``first_text``, passed on only if it opens
        with a tool block (agent.backends.tool_continuation)."""
        stats.continued = True
        first_reason = stats.stop_reason
        answered = [*messages, {"role": "assistant", "content": first_text}]
        follow = self._start(answered, budget - stats.new_tokens, deadline, stats)
        gate = ContinuationGate()
        try:
            async for piece in follow:
                passed = gate.feed(piece)
                if passed:
                    stats.continuation_kept = True
                    yield passed
                elif gate.state == "rejected":
                    break
        finally:
            await self._stop(follow, stats)
        self._raise_on_timeout(stats)
        if gate.state != "accepted":
            stats.stop_reason = first_reason  # the short message was the whole answer

    def _require_model(self) -> LoadedModel:
        if self._loaded is None or self._executor is None:
            raise BackendUnavailableError(f"model {self._model_name} is {self._state}")
        return self._loaded

    def _messages(self, request: GenerationRequest) -> list[Message]:
        messages = turns_to_messages(
            request.turns,
            customer_id=request.customer_id,
            customer_hint=self._generation.customer_hint,
        )
        instruction = self._generation.system_prompt.strip()
        if not instruction:
            return messages
        if messages and messages[0]["role"] == "system":
            merged = f"{instruction}\n\n{messages[0]['content']}"
            return [{"role": "system", "content": merged}, *messages[1:]]
        return [{"role": "system", "content": instruction}, *messages]

    def _start(
        self, messages: list[Message], max_new_tokens: int, deadline: float, stats: GenerationStats
    ) -> MessageGeneration:
        """Render, tokenise and start generating one assistant message."""
        loaded = self._require_model()
        assert self._executor is not None  # checked by _require_model
        prompt = render_prompt(messages, loaded.tokenizer)
        inputs = loaded.tokenizer(prompt, add_special_tokens=False, return_tensors="pt")
        inputs = inputs.to(loaded.model.device)
        prompt_tokens = int(inputs["input_ids"].shape[1])
        stats.prompt_tokens = stats.prompt_tokens or prompt_tokens
        new_tokens = _fit_context(loaded, prompt_tokens, max_new_tokens)
        config = self._generation_config(loaded, new_tokens)

        def run(streamer: TokenStreamer, signal: StopSignal) -> None:
            with torch.inference_mode():
                loaded.model.generate(
                    **inputs,
                    generation_config=config,
                    streamer=streamer,
                    stopping_criteria=StoppingCriteriaList([StopOnSignal(signal)]),
                )

        generation = MessageGeneration(
            self._executor, run, loaded.tokenizer, loaded.end_of_turn_ids, deadline
        )
        self._running.add(generation)
        return generation

    async def _stop(self, generation: MessageGeneration, stats: GenerationStats) -> None:
        """Stop one message's generation, wait for the worker, and count what it produced."""
        try:
            await generation.stop()
        finally:
            self._running.discard(generation)
            if generation.outcome is not None:
                stats.new_tokens += generation.outcome.new_tokens
                stats.stop_reason = generation.outcome.stop_reason

    def _raise_on_timeout(self, stats: GenerationStats) -> None:
        if stats.stop_reason != "timeout":
            return
        limit = self._generation.timeout_s
        log.warning("generation stopped at the %.0f s limit (%d tokens)", limit, stats.new_tokens)
        raise GenerationTimeoutError(f"the model step took longer than {limit:.0f} s")

    def _continues(self, first: MessageGeneration, tokens_left: int) -> bool:
        outcome = first.outcome
        return (
            self._generation.continue_after_short_message
            and outcome is not None
            and self._loaded is not None
            and should_continue(first.text, outcome.stop_reason, tokens_left)
        )

    def _generation_config(self, loaded: LoadedModel, max_new_tokens: int) -> Any:
        config = copy.deepcopy(loaded.model.generation_config)
        config.max_new_tokens = max_new_tokens
        config.eos_token_id = list(loaded.end_of_turn_ids)
        pad = loaded.tokenizer.pad_token_id
        config.pad_token_id = pad if pad is not None else loaded.end_of_turn_ids[0]
        options = self._generation
        if options.temperature > 0:
            config.do_sample = True
            config.temperature = options.temperature
            config.top_p = options.top_p
        else:
            config.do_sample = False
            config.temperature = None
            config.top_p = None
            config.top_k = None
        return config

    # -- status -----------------------------------------------------------------

    def status(self) -> BackendStatus:
        """What /admin shows: state, device, dtype or quantisation, memory, last generation."""
        extra: dict[str, str] = {}
        if self._stage and self._state == "loading":
            extra["stage"] = self._stage
        if self._last is not None:
            extra["generations"] = str(self._generations)
            extra["last_stop"] = str(self._last.stop_reason)
            extra["last_new_tokens"] = str(self._last.new_tokens)
        rss = process_memory_mb()
        if rss is not None:
            extra["process_rss_mb"] = f"{rss:.0f}"
        loaded = self._loaded
        if loaded is None:
            return BackendStatus(
                backend=self.name,
                model_name=self._model_name,
                state=self._state,
                error=self._error,
                extra=extra,
            )
        extra.update(loaded.details)
        extra["source"] = loaded.source
        extra["load_seconds"] = f"{loaded.load_seconds:.1f}"
        extra["busy"] = "yes" if self._slot.locked() else "no"
        return BackendStatus(
            backend=self.name,
            model_name=self._model_name,
            state=self._state,
            device=loaded.plan.device,
            quantization=loaded.plan.quantization,
            dtype=loaded.plan.dtype,
            memory_mb=round(model_memory_mb(loaded), 1),
            extra=extra,
        )

    def _set_stage(self, stage: str) -> None:
        self._stage = stage


def _fit_context(loaded: LoadedModel, prompt_tokens: int, max_new_tokens: int) -> int:
    """``max_new_tokens`` shortened to what the model's context window leaves."""
    window = getattr(loaded.model.config, "max_position_embeddings", None)
    if not window:
        return max_new_tokens
    room = int(window) - prompt_tokens
    if room < 1:
        raise ValueError(f"the prompt ({prompt_tokens} tokens) fills the context ({window})")
    if room < max_new_tokens:
        log.warning("only %d tokens of context left for the answer", room)
    return min(max_new_tokens, room)


async def load(model: ModelSettings, settings: Settings) -> TransformersBackend:
    """Load the configured model (called by ``BackendManager``); BackendLoadError on failure."""
    from agent.backends.manager import BackendLoadError

    generation = GenerationOptions.from_settings(model, settings.agent)
    backend = TransformersBackend(model.name, generation)
    try:
        await backend.load(LoadOptions.from_settings(model, settings.base_dir))
    except ModelLoadError as exc:
        raise BackendLoadError(str(exc)) from exc
    return backend
