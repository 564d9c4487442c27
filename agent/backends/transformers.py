"""The ``transformers`` backend: the real model, loaded locally, streamed token by token.

``load(model, settings)`` is what ``BackendManager`` calls. Loading
(``agent.backends.model_loading``) runs in a thread and logs its stages;
``status()`` shows loading / loaded / failed with the reason, the device,
dtype or quantisation and the memory in use.

One ``stream(request)`` is one model step of the agent loop:

1. the dialogue becomes chat messages (``turns_to_messages`` with the
   configured customer hint) and the prompt text (``render_prompt``: the
   tokenizer's chat template, else the built-in Llama-3 format);
2. the prompt's token ids go to the batching scheduler
   (``agent.backends.batch_scheduler``), which decodes every concurrent
   request in shared forward passes on its own thread and reuses the cached
   keys and values of a prompt's known start (the previous step of the same
   turn); the text is yielded as it is produced
   (``agent.backends.generation_stream``). A message stops at the end of a
   tool-call block, at an end-of-turn token, at the token limit, when the
   consumer closes the stream, or at the timeout (``GenerationTimeoutError``),
   each without disturbing the other requests in the batch;
3. after a message that ended its turn, the model itself says who speaks
   next (a header probe: the header opener after the message, the model
   writes the role name); if it names ``assistant``, it writes that next
   message, passed on only if it opens with a tool-call block
   (``agent.backends.tool_continuation`` holds the rules and the reasons).
   A model that skips ``<|eot_id|>`` and opens a header stops there too.

Text is sampled at ``model.temperature``; tool calls (inside a block, and
the message after a wait message) at ``model.tool_call_temperature``,
greedy by default.

At most ``max_batch_size`` requests are decoded together and
``max_queued`` more wait for a row; later requests wait on the event loop
for a place (back-pressure), within their time limit.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import time
from collections.abc import AsyncGenerator
from contextlib import aclosing
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

import torch

from agent.backends.base import BackendStatus, GenerationRequest, LoadState
from agent.backends.batch_scheduler import (
    BatchingOptions,
    BatchScheduler,
    SchedulerClosedError,
    SequenceJob,
)
from agent.backends.generation_stream import MessageGeneration
from agent.backends.model_loading import (
    LoadedModel,
    LoadOptions,
    load_model,
    model_memory_mb,
    process_memory_mb,
)
from agent.backends.model_source import ModelLoadError
from agent.backends.token_choice import TokenChoice
from agent.backends.tool_continuation import (
    HEADER_PROBE_TOKENS,
    ContinuationGate,
    HeaderFormat,
    NextSpeaker,
    StopReason,
    asks_next_speaker,
    header_format,
    probe_prompt,
    read_next_speaker,
    with_message,
)
from agent.prompt import (
    CustomerHint,
    Message,
    render_prompt,
    turns_to_messages,
    with_system_prompt,
)

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
    tool_call_temperature: float = 0.0
    timeout_s: float = 120.0
    customer_hint: CustomerHint = "system"
    system_prompt: str = ""
    # Ask the model who speaks after a message that ended its turn (header probe).
    ask_next_speaker: bool = True

    @classmethod
    def from_settings(cls, model: ModelSettings, agent: AgentSettings) -> GenerationOptions:
        """The options for ``model:`` and ``agent:`` of config.yaml."""
        return cls(
            max_new_tokens=model.max_new_tokens,
            temperature=model.temperature,
            top_p=model.top_p,
            tool_call_temperature=model.tool_call_temperature,
            timeout_s=agent.timeout_s,
            customer_hint=agent.customer_hint,
            system_prompt=model.system_prompt,
        )

    def token_choice(self) -> TokenChoice:
        """How each next token of text is chosen under these options."""
        return TokenChoice(temperature=self.temperature, top_p=self.top_p)

    def tool_call_choice(self) -> TokenChoice:
        """How each next token of a tool call is chosen (greedy at temperature 0)."""
        return TokenChoice(temperature=self.tool_call_temperature, top_p=self.top_p)


@dataclass
class GenerationStats:
    """Figures of one ``stream`` call, filled in as it runs (benchmarks, tests, status)."""

    prompt_tokens: int = 0
    reused_prompt_tokens: int = 0  # prompt tokens whose keys and values came from the cache
    new_tokens: int = 0
    queue_wait_s: float = 0.0  # waiting for a place among the admitted requests
    first_chunk_s: float | None = None  # from the call to the first text chunk
    stop_reason: StopReason | None = None
    next_speaker: NextSpeaker | None = None  # who the header probe said speaks next
    continued: bool = False  # a second assistant message was written
    continuation_kept: bool = False  # ... and it opened with a tool block


class TransformersBackend:
    """A causal LM from transformers behind the ``Backend`` interface."""

    name = "transformers"

    def __init__(
        self,
        model_name: str,
        generation: GenerationOptions,
        batching: BatchingOptions | None = None,
    ) -> None:
        self._model_name = model_name
        self._generation = generation
        self._batching = batching if batching is not None else BatchingOptions()
        self._state: LoadState = "not_loaded"
        self._stage: str | None = None
        self._error: str | None = None
        self._loaded: LoadedModel | None = None
        self._headers: HeaderFormat | None = None  # the chat format's, read at attach
        self._scheduler: BatchScheduler | None = None
        places = self._batching.max_batch_size + self._batching.max_queued
        self._admitted = asyncio.Semaphore(places)
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
        pad = loaded.tokenizer.pad_token_id
        self._loaded = loaded
        self._headers = header_format(loaded.tokenizer)
        self._scheduler = BatchScheduler(
            loaded.model,
            pad_token_id=pad if pad is not None else loaded.end_of_turn_ids[0],
            choice=self._generation.token_choice(),
            options=self._batching,
        )
        self._state, self._stage, self._error = "loaded", None, None

    async def close(self) -> None:
        """Stop every generation, then free the model (and the GPU memory it held)."""
        scheduler, self._scheduler = self._scheduler, None
        if scheduler is not None:
            stopped = await asyncio.to_thread(scheduler.close, _CLOSE_WAIT_S)
            if not stopped:
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
    ) -> AsyncGenerator[str, None]:
        """Yield the model's output for ``request`` as it is generated.

        ``stats``, when given, is filled in as the generation runs. Raises
        GenerationTimeoutError when the model step exceeds ``timeout_s`` (waiting
        for a place included) and BackendUnavailableError without a model.
        """
        stats = stats if stats is not None else GenerationStats()
        started = time.monotonic()
        deadline = started + self._generation.timeout_s
        self._require_model()
        try:
            await asyncio.wait_for(self._admitted.acquire(), self._generation.timeout_s)
        except TimeoutError:
            raise GenerationTimeoutError("timed out waiting for the model") from None
        try:
            stats.queue_wait_s = time.monotonic() - started
            self._generations += 1
            self._last = stats
            budget = min(request.max_new_tokens, self._generation.max_new_tokens)
            messages = prompt_messages(request, self._generation)
            first = self._start(messages, budget, deadline, stats)
            try:
                async for piece in first:
                    if stats.first_chunk_s is None:
                        stats.first_chunk_s = time.monotonic() - started
                    yield piece
            finally:
                await self._stop(first, stats)
            self._raise_on_timeout(stats)
            if not self._asks(first, budget - stats.new_tokens):
                return
            speaker = await self._next_speaker(messages, first.text, deadline, stats)
            if speaker == "assistant" and budget > stats.new_tokens:
                follow_up = self._continuation(messages, first.text, budget, deadline, stats)
                async with aclosing(follow_up) as pieces:
                    async for piece in pieces:
                        yield piece
        finally:
            self._admitted.release()

    async def _next_speaker(
        self, messages: list[Message], text: str, deadline: float, stats: GenerationStats
    ) -> NextSpeaker:
        """Who the model says speaks after its message ``text`` (the header probe)."""
        loaded, _ = self._require_model()
        headers = self._headers or header_format(loaded.tokenizer)
        first_reason = stats.stop_reason
        probe = self._submit(
            probe_prompt(messages, text, loaded.tokenizer, headers),
            HEADER_PROBE_TOKENS,
            deadline,
            stats,
            stop_ids=self._probe_stop_ids(loaded, headers),
            choice=TokenChoice(),
        )
        try:
            async for _ in probe:
                pass
        finally:
            await self._stop(probe, stats)
        self._raise_on_timeout(stats)
        stats.stop_reason = first_reason  # the probe is not the message's end
        stats.next_speaker = read_next_speaker(probe.text, headers)
        log.debug("next speaker after the message: %s", stats.next_speaker)
        return stats.next_speaker

    async def _continuation(
        self,
        messages: list[Message],
        first_text: str,
        budget: int,
        deadline: float,
        stats: GenerationStats,
    ) -> AsyncGenerator[str, None]:
        """The next assistant message after ``first_text``, passed on only if it opens
        with a tool block (agent.backends.tool_continuation)."""
        stats.continued = True
        first_reason = stats.stop_reason
        follow = self._start(
            with_message(messages, first_text),
            budget - stats.new_tokens,
            deadline,
            stats,
            choice=self._generation.tool_call_choice(),
        )
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

    def _require_model(self) -> tuple[LoadedModel, BatchScheduler]:
        if self._loaded is None or self._scheduler is None:
            raise BackendUnavailableError(f"model {self._model_name} is {self._state}")
        return self._loaded, self._scheduler

    def _start(
        self,
        messages: list[Message],
        max_new_tokens: int,
        deadline: float,
        stats: GenerationStats,
        *,
        choice: TokenChoice | None = None,
    ) -> MessageGeneration:
        """Render and submit one assistant message: text at ``choice`` (the text
        temperature by default), tool calls at the tool-call temperature; it ends at
        an end-of-turn token or at a header opener written without one."""
        loaded, _ = self._require_model()
        return self._submit(
            render_prompt(messages, loaded.tokenizer),
            max_new_tokens,
            deadline,
            stats,
            stop_ids=self._message_stop_ids(loaded),
            choice=choice or self._generation.token_choice(),
            tool_choice=self._generation.tool_call_choice(),
        )

    def _submit(
        self,
        prompt: str,
        max_new_tokens: int,
        deadline: float,
        stats: GenerationStats,
        *,
        stop_ids: frozenset[int],
        choice: TokenChoice,
        tool_choice: TokenChoice | None = None,
    ) -> MessageGeneration:
        """Tokenise ``prompt`` and submit its generation to the scheduler."""
        loaded, scheduler = self._require_model()
        prompt_ids = list(loaded.tokenizer(prompt, add_special_tokens=False)["input_ids"])
        stats.prompt_tokens = stats.prompt_tokens or len(prompt_ids)
        new_tokens = _fit_context(loaded, len(prompt_ids), max_new_tokens)
        generation = MessageGeneration(
            loaded.tokenizer, sorted(stop_ids), deadline, choice=choice, tool_choice=tool_choice
        )
        job = SequenceJob(
            prompt_ids=prompt_ids,
            max_new_tokens=new_tokens,
            end_of_turn_ids=stop_ids,
            signal=generation.signal,
            on_token=generation.on_token,
            on_finish=generation.on_finish,
            choice=generation.token_choice,
        )
        try:
            scheduler.submit(job)
        except SchedulerClosedError as exc:
            raise BackendUnavailableError(f"model {self._model_name} is closing") from exc
        return generation

    async def _stop(self, generation: MessageGeneration, stats: GenerationStats) -> None:
        """Stop one message's generation, wait for it to leave the batch, count what it made."""
        try:
            await generation.stop()
        finally:
            if generation.outcome is not None:
                stats.new_tokens += generation.outcome.new_tokens
                stats.reused_prompt_tokens += generation.outcome.reused_prompt_tokens
                stats.stop_reason = generation.outcome.stop_reason

    def _raise_on_timeout(self, stats: GenerationStats) -> None:
        if stats.stop_reason != "timeout":
            return
        limit = self._generation.timeout_s
        log.warning("generation stopped at the %.0f s limit (%d tokens)", limit, stats.new_tokens)
        raise GenerationTimeoutError(f"the model step took longer than {limit:.0f} s")

    def _asks(self, first: MessageGeneration, tokens_left: int) -> bool:
        """Whether to ask the model who speaks after the message ``first``."""
        outcome = first.outcome
        return (
            self._generation.ask_next_speaker
            and outcome is not None
            and self._loaded is not None
            and asks_next_speaker(first.text, outcome.stop_reason, tokens_left)
        )

    def _message_stop_ids(self, loaded: LoadedModel) -> frozenset[int]:
        """Tokens that end a message: end of turn, and a header opener (a model that
        skipped its end of turn and starts the next message)."""
        headers = self._headers or header_format(loaded.tokenizer)
        return frozenset(loaded.end_of_turn_ids) | _single_token_ids(loaded, headers.opener)

    def _probe_stop_ids(self, loaded: LoadedModel, headers: HeaderFormat) -> frozenset[int]:
        """Tokens that end the header probe: the closer, or anything that ends a message."""
        return self._message_stop_ids(loaded) | _single_token_ids(loaded, headers.stop_text)

    # -- status -----------------------------------------------------------------

    def status(self) -> BackendStatus:
        """What /admin shows: state, device, dtype or quantisation, memory, batching, last step."""
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
        if self._scheduler is not None:
            counters = self._scheduler.counters()
            extra["busy"] = "yes" if counters.rows or counters.queued else "no"
            extra["batch_rows"] = f"{counters.rows}/{self._batching.max_batch_size}"
            extra["queued"] = str(counters.queued)
            extra["largest_batch"] = str(counters.largest_batch)
            extra["kv_reuse"] = (
                f"{counters.kv_reuse_entries} sequences, {counters.kv_reuse_mb:.0f} MB, "
                f"{counters.reused_tokens} prompt tokens reused"
            )
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

    @property
    def loaded(self) -> LoadedModel | None:
        """The model being served (None before ``attach`` and after ``close``)."""
        return self._loaded

    @property
    def tokenizer(self) -> Any:
        """The served model's tokenizer (None before ``attach`` and after ``close``)."""
        return self._loaded.tokenizer if self._loaded is not None else None


def prompt_messages(request: GenerationRequest, options: GenerationOptions) -> list[Message]:
    """The chat messages the model is prompted with for ``request``: the dialogue with the
    customer hint (``turns_to_messages``), the configured ``system_prompt`` first."""
    messages = turns_to_messages(
        request.turns,
        customer_id=request.customer_id,
        customer_hint=options.customer_hint,
    )
    return with_system_prompt(messages, options.system_prompt)


def _single_token_ids(loaded: LoadedModel, text: str) -> frozenset[int]:
    """The id of ``text`` if it is one token of the vocabulary, else nothing."""
    ids = loaded.tokenizer.encode(text, add_special_tokens=False)
    return frozenset(ids) if len(ids) == 1 else frozenset()


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
    backend = TransformersBackend(model.name, generation, BatchingOptions.from_settings(model))
    try:
        await backend.load(LoadOptions.from_settings(model, settings.base_dir))
    except ModelLoadError as exc:
        raise BackendLoadError(str(exc)) from exc
    return backend
