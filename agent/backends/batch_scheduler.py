"""The batching scheduler: concurrent requests share the model's forward passes.

One worker thread owns the model. Requests (``SequenceJob``: prompt token ids,
a token budget, a stop signal and two callbacks) arrive from the event loop
through ``submit`` and wait in a queue. The worker runs this loop:

1. drop the rows whose sequence is done: end of turn, token budget, or a stop
   signal (tool block closed, reader gone, deadline passed). Each leaves
   without disturbing the others; its keys and values go to the prefix cache
   (``agent.backends.prefix_cache``) unless it was cancelled or timed out;
2. admit waiting requests while there is room (``max_batch_size`` rows). An
   idle model waits ``window_s`` after the first arrival so that requests
   arriving together share their first forward pass; a busy model admits
   newcomers between two steps, so nobody waits for a batch to finish;
3. one decode step for all rows already running, then one prefill pass for
   all the newcomers (``agent.backends.batch_decoding``), each fed only what
   follows the longest cached start of its prompt;
4. each row's next token (``agent.backends.token_choice``; a job may choose
   its own way, e.g. greedily inside a tool block) goes to its job's
   ``on_token`` (decoding and the tool-block watch happen there, so a closed
   block stops that row at once).

A failing forward pass (out of memory, a broken model) fails the jobs in it
with the error and the loop goes on with the next requests. ``close`` stops
every job as cancelled and ends the thread.

The queue's bound and the back-pressure are the caller's: the backend lets at
most ``max_batch_size + max_queued`` requests in at once and makes the rest
wait for a place (``agent.backends.transformers``).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

import torch

from agent.backends.batch_decoding import DecodingBatch, Prefill
from agent.backends.generation_stream import StopSignal
from agent.backends.prefix_cache import PrefixCache
from agent.backends.token_choice import TokenChoice

if TYPE_CHECKING:
    from core.settings import ModelSettings

log = logging.getLogger(__name__)

_NOT_REUSED: Final = frozenset({"cancelled", "timeout"})


@dataclass(frozen=True)
class BatchingOptions:
    """How requests are batched: the batching half of ``model:`` in config.yaml."""

    max_batch_size: int = 16
    max_queued: int = 64
    window_s: float = 0.005
    kv_reuse_mb: float = 1024.0

    @classmethod
    def from_settings(cls, model: ModelSettings) -> BatchingOptions:
        """The options of ``model:`` in config.yaml."""
        return cls(
            max_batch_size=model.max_batch_size,
            max_queued=model.max_queued_requests,
            window_s=model.batch_window_ms / 1000,
            kv_reuse_mb=model.kv_reuse_mb,
        )


@dataclass(frozen=True)
class SequenceEnd:
    """How a job left the batch: the prompt tokens served from the prefix cache, or an error."""

    reused_tokens: int = 0
    error: BaseException | None = None


@dataclass
class SequenceJob:
    """One sequence to generate. The callbacks run on the scheduler's thread.

    ``on_token`` gets each new token id as it is chosen (it may stop the
    signal, e.g. when a tool block closes); ``on_finish`` is called exactly
    once, when the job leaves the queue or the batch for any reason.
    """

    prompt_ids: Sequence[int]
    max_new_tokens: int
    end_of_turn_ids: frozenset[int]
    signal: StopSignal
    on_token: Callable[[int], None]
    on_finish: Callable[[SequenceEnd], None]
    # How this row's next token is chosen now (read before every token, so it may
    # change mid-sequence, e.g. greedy inside a tool block); None: the scheduler's.
    choice: Callable[[], TokenChoice | None] | None = None
    generated: list[int] = field(default_factory=list)
    reused_tokens: int = 0

    def finished(self) -> bool:
        """Whether the sequence is complete (checked after each token)."""
        if self.signal.should_stop():
            return True
        if self.generated and self.generated[-1] in self.end_of_turn_ids:
            return True
        return len(self.generated) >= self.max_new_tokens


@dataclass(frozen=True)
class SchedulerCounters:
    """What the scheduler did so far (status page, benchmarks, tests)."""

    rows: int
    queued: int
    forward_passes: int
    largest_batch: int
    prefilled_tokens: int
    reused_tokens: int
    kv_reuse_entries: int
    kv_reuse_mb: float


class SchedulerClosedError(RuntimeError):
    """The scheduler was closed: no more requests are taken."""


class BatchScheduler:
    """Decodes the sequences submitted to it in shared forward passes, on its own thread."""

    def __init__(
        self, model: Any, pad_token_id: int, choice: TokenChoice, options: BatchingOptions
    ) -> None:
        if options.max_batch_size < 1:
            raise ValueError("max_batch_size must be at least 1")
        self._model = model
        self._choice = choice
        self._options = options
        self._batch = DecodingBatch(model, pad_token_id)
        self._prefixes = PrefixCache(int(options.kv_reuse_mb * 2**20))
        self._waiting: deque[SequenceJob] = deque()
        self._wake = threading.Condition()
        self._closed = False
        self._rows: list[SequenceJob] = []
        self._largest_batch = 0
        self._thread = threading.Thread(target=self._run, name="batch-decoding", daemon=True)
        self._thread.start()

    def submit(self, job: SequenceJob) -> None:
        """Queue ``job`` for the next free row (thread-safe); SchedulerClosedError once closed."""
        with self._wake:
            if self._closed:
                raise SchedulerClosedError("the model is closed")
            self._waiting.append(job)
            self._wake.notify()

    def close(self, timeout_s: float) -> bool:
        """Cancel every job and stop the thread; whether it stopped within ``timeout_s``."""
        with self._wake:
            self._closed = True
            for job in [*self._waiting, *self._rows]:
                job.signal.stop("cancelled")
            self._wake.notify()
        self._thread.join(timeout_s)
        return not self._thread.is_alive()

    def counters(self) -> SchedulerCounters:
        """A snapshot of the scheduler's counters."""
        return SchedulerCounters(
            rows=len(self._rows),
            queued=len(self._waiting),
            forward_passes=self._batch.forward_passes,
            largest_batch=self._largest_batch,
            prefilled_tokens=self._batch.prefilled_tokens,
            reused_tokens=self._prefixes.reused_tokens,
            kv_reuse_entries=len(self._prefixes),
            kv_reuse_mb=round(self._prefixes.bytes / 2**20, 1),
        )

    # -- the worker thread ---------------------------------------------------------------------

    def _run(self) -> None:
        try:
            with torch.inference_mode():
                while True:
                    joining: list[SequenceJob] = []
                    try:
                        self._retire()
                        admitted = self._admit()
                        if admitted is None:
                            break
                        joining = admitted
                        self._advance(joining)
                    except Exception as exc:  # one bad batch must not stop the service
                        log.exception("a batch of %d sequences failed", len(self._rows))
                        self._fail(exc, joining)
        finally:
            self._shut_down()

    def _admit(self) -> list[SequenceJob] | None:
        """Waiting jobs to add now (None: closed). Blocks while there is nothing to do."""
        room = self._options.max_batch_size - len(self._rows)
        with self._wake:
            if not self._rows:
                while not self._waiting and not self._closed:
                    self._wake.wait()
                deadline = time.monotonic() + self._options.window_s
                while len(self._waiting) < room and not self._closed:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        break
                    self._wake.wait(left)
            if self._closed:
                return None
            joining = [self._waiting.popleft() for _ in range(min(room, len(self._waiting)))]
        started = []
        for job in joining:
            if job.signal.should_stop():  # cancelled or timed out while waiting
                job.on_finish(SequenceEnd())
            else:
                started.append(job)
        return started

    def _advance(self, joining: list[SequenceJob]) -> None:
        """One decode step for the running rows, then the prefill of ``joining``."""
        if self._rows:
            logits = self._batch.step([job.generated[-1] for job in self._rows])
            self._deliver(self._rows, logits)
        if joining:
            prefills = []
            for job in joining:
                hit = self._prefixes.lookup(job.prompt_ids)
                job.reused_tokens = hit.length if hit is not None else 0
                prefills.append(Prefill(job.prompt_ids, hit.prefix if hit is not None else None))
            self._rows.extend(joining)
            logits = self._batch.add(prefills)
            self._deliver(joining, logits)
        self._largest_batch = max(self._largest_batch, self._batch.size)

    def _deliver(self, jobs: list[SequenceJob], logits: torch.Tensor) -> None:
        for job, token in zip(jobs, self._choose(jobs, logits), strict=True):
            job.generated.append(token)
            job.on_token(token)

    def _choose(self, jobs: list[SequenceJob], logits: torch.Tensor) -> list[int]:
        """Each row's next token, rows grouped by how their job chooses it now."""
        choices = [(job.choice() if job.choice else None) or self._choice for job in jobs]
        if len(set(choices)) == 1:
            return choices[0].choose(logits)
        tokens = [0] * len(jobs)
        for choice in set(choices):
            rows = [row for row, wanted in enumerate(choices) if wanted == choice]
            for row, token in zip(rows, choice.choose(logits[rows]), strict=True):
                tokens[row] = token
        return tokens

    def _retire(self) -> None:
        """Take finished rows out of the batch, keeping their keys and values for reuse."""
        if not self._rows:
            return
        finished = [row for row, job in enumerate(self._rows) if job.finished()]
        if not finished:
            return
        for row in finished:
            self._remember(row, self._rows[row])
        ended = [self._rows[row] for row in finished]
        done = set(finished)
        keep = [row for row in range(len(self._rows)) if row not in done]
        self._batch.keep(keep)
        self._rows = [self._rows[row] for row in keep]
        for job in ended:
            job.on_finish(SequenceEnd(reused_tokens=job.reused_tokens))

    def _remember(self, row: int, job: SequenceJob) -> None:
        """Store the finished row's keys and values in the prefix cache."""
        if not self._prefixes.enabled or job.signal.reason in _NOT_REUSED:
            return
        length = self._batch.length_of(row)
        ids = [*job.prompt_ids, *job.generated][:length]
        self._prefixes.store(ids, len(job.prompt_ids), self._batch.prefix_of(row))

    def _fail(self, error: Exception, joining: list[SequenceJob]) -> None:
        """End every running and ``joining`` job with ``error``; start over with an empty batch."""
        failed = [*self._rows, *(job for job in joining if job not in self._rows)]
        self._rows = []
        self._batch.keep([])
        for job in failed:
            job.signal.stop("cancelled")
            job.on_finish(SequenceEnd(reused_tokens=job.reused_tokens, error=error))

    def _shut_down(self) -> None:
        with self._wake:
            self._closed = True
            leftover = [*self._rows, *self._waiting]
            self._rows, self._waiting = [], deque()
        for job in leftover:
            job.signal.stop("cancelled")
            job.on_finish(SequenceEnd(reused_tokens=job.reused_tokens))
        self._batch.keep([])
        self._prefixes.clear()
