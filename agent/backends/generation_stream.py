"""One ``generate()`` call in a worker thread, read on the event loop as a text stream.

``MessageGeneration`` starts ``model.generate`` on a thread executor with a
``TokenStreamer``: each new token is decoded incrementally in the worker
thread and its text handed to the event loop through an ``asyncio.Queue``
(``call_soon_threadsafe``), so the loop never blocks and chunks arrive as
they are produced.

Stopping is cooperative, through a ``StopSignal`` that a ``StoppingCriteria``
checks after every token:

- the streamer sets it the moment a tool-call block closes (end tag after a
  begin tag, any spelling the parser accepts), so no token is generated past
  ``<|end_of_tool_code|>`` and the text after the tag is dropped;
- the reader sets it when it stops reading (the agent loop closed the
  stream, the turn was cancelled) or the backend closes;
- the signal's deadline stops a generation that runs too long.

End-of-turn tokens (``<|eot_id|>``, the tokenizer's eos) stop ``generate``
itself through ``eos_token_id``.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any, Final

import torch
from transformers import StoppingCriteria
from transformers.generation.streamers import BaseStreamer

from agent.backends.tool_continuation import StopReason
from agent.protocol.tags import LONGEST_TAG, TAG_PATTERN, tag_kind

log = logging.getLogger(__name__)

# How long a reader waits for the worker to notice a stop before giving up
# waiting (the worker still stops at its next token; this only bounds the wait).
STOP_WAIT_S: Final = 10.0
_REPLACEMENT_CHAR: Final = "\ufffd"


class StopSignal:
    """A thread-safe "stop generating" flag with the first reason given, and a deadline."""

    def __init__(self, deadline: float | None = None) -> None:
        self._event = threading.Event()
        self._deadline = deadline
        self.reason: StopReason | None = None

    def stop(self, reason: StopReason) -> None:
        """Ask the generation to stop; the first reason wins."""
        if not self._event.is_set():
            self.reason = reason
            self._event.set()

    def should_stop(self) -> bool:
        """Whether generation must stop now (checked by the worker after each token)."""
        if self._event.is_set():
            return True
        if self._deadline is not None and time.monotonic() >= self._deadline:
            self.stop("timeout")
            return True
        return False


class StopOnSignal(StoppingCriteria):
    """Ends every sequence of the batch once the signal says stop."""

    def __init__(self, signal: StopSignal) -> None:
        self._signal = signal

    def __call__(self, input_ids: torch.LongTensor, scores: Any, **kwargs: Any) -> torch.BoolTensor:
        stop = self._signal.should_stop()
        return torch.full((input_ids.shape[0],), stop, dtype=torch.bool, device=input_ids.device)


class IncrementalDecoder:
    """Token ids in, newly completed text out, without splitting a multi-byte character.

    The usual serving technique: decode a short window of recent tokens and
    emit what grew beyond the previous window, holding back text that ends in
    an incomplete UTF-8 sequence (decoded as U+FFFD) until the next token.
    """

    def __init__(self, tokenizer: Any) -> None:
        self._tokenizer = tokenizer
        self._ids: list[int] = []
        self._prefix = 0  # start of the decoding window
        self._read = 0  # end of the text already emitted

    def push(self, token_id: int) -> str:
        """Add one token; return the text it completed ("" if none yet)."""
        self._ids.append(token_id)
        before = self._decode(self._ids[self._prefix : self._read])
        after = self._decode(self._ids[self._prefix :])
        if len(after) > len(before) and not after.endswith(_REPLACEMENT_CHAR):
            self._prefix, self._read = self._read, len(self._ids)
            return after[len(before) :]
        return ""

    def flush(self) -> str:
        """Whatever text is still held back (at the end of generation)."""
        if self._read == len(self._ids):
            return ""
        before = self._decode(self._ids[self._prefix : self._read])
        after = self._decode(self._ids[self._prefix :])
        self._prefix = self._read = len(self._ids)
        return after[len(before) :]

    def _decode(self, ids: Sequence[int]) -> str:
        if not ids:
            return ""
        return str(self._tokenizer.decode(ids, skip_special_tokens=True))


class ToolBlockWatcher:
    """Finds where an open tool-call block closes in text that arrives in pieces."""

    def __init__(self) -> None:
        self._open = False
        self._carry = ""  # the tail of earlier text, for a tag split across pieces

    def feed(self, text: str) -> int | None:
        """The index in ``text`` just after the end tag that closes an open block, or None.

        An end tag outside a block is ignored, as the parser ignores it.
        """
        data = self._carry + text
        offset = len(self._carry)
        for match in TAG_PATTERN.finditer(data):
            if match.end() <= offset:
                continue  # wholly inside the carried tail: seen before
            if tag_kind(match) == "begin":
                self._open = True
            elif self._open:
                return match.end() - offset
        self._carry = data[-(LONGEST_TAG - 1) :]
        return None


class TokenStreamer(BaseStreamer):
    """Receives the ids ``generate`` produces (worker thread) and delivers text.

    ``deliver`` is called with each new piece of text. Only batch size 1 is
    supported; batching would keep one decoder and one watcher per row.
    """

    def __init__(
        self, tokenizer: Any, signal: StopSignal, deliver: Callable[[str | None], None]
    ) -> None:
        self._decoder = IncrementalDecoder(tokenizer)
        self._watcher = ToolBlockWatcher()
        self._signal = signal
        self._deliver = deliver
        self._prompt_skipped = False
        self.token_ids: list[int] = []
        self.first_token_at: float | None = None
        self.tool_block_closed = False

    def put(self, value: torch.Tensor) -> None:
        if not self._prompt_skipped:
            self._prompt_skipped = True  # generate() first passes the prompt itself
            return
        for token_id in value.reshape(-1).tolist():
            if self.tool_block_closed:
                return
            self.token_ids.append(int(token_id))
            if self.first_token_at is None:
                self.first_token_at = time.monotonic()
            self._emit(self._decoder.push(int(token_id)))

    def end(self) -> None:
        if not self.tool_block_closed:
            self._emit(self._decoder.flush())

    def _emit(self, text: str) -> None:
        if not text:
            return
        cut = self._watcher.feed(text)
        if cut is not None:
            text = text[:cut]
            self.tool_block_closed = True
            self._signal.stop("tool_block")
        self._deliver(text)


@dataclass(frozen=True)
class GenerationOutcome:
    """How one ``generate`` call ended."""

    new_tokens: int
    stop_reason: StopReason
    first_token_at: float | None


class MessageGeneration:
    """One assistant message generated in the worker thread, read as async text chunks.

    Create it on the event loop, iterate it (``async for piece in generation``),
    and always ``await stop()`` afterwards (idempotent; it waits for the worker and re-raises
    its error). ``outcome`` is set by the worker before its last chunk.
    """

    def __init__(
        self,
        executor: Executor,
        run: Callable[[TokenStreamer, StopSignal], None],
        tokenizer: Any,
        end_of_turn_ids: Sequence[int],
        deadline: float | None,
    ) -> None:
        self._loop = asyncio.get_running_loop()
        self._queue: asyncio.Queue[str | None] = asyncio.Queue()
        self.signal = StopSignal(deadline)
        self._end_of_turn_ids = frozenset(end_of_turn_ids)
        self._streamer = TokenStreamer(tokenizer, self.signal, self._deliver)
        self._pieces: list[str] = []
        self._finished = False
        self.outcome: GenerationOutcome | None = None
        self._future = asyncio.wrap_future(executor.submit(self._work, run))

    @property
    def text(self) -> str:
        """The text read so far."""
        return "".join(self._pieces)

    def __aiter__(self) -> MessageGeneration:
        return self

    async def __anext__(self) -> str:
        """The next piece of text as it is generated; ends when the worker is done."""
        if self._finished:
            raise StopAsyncIteration
        item = await self._queue.get()
        if item is None:
            self._finished = True
            raise StopAsyncIteration
        self._pieces.append(item)
        return item

    async def stop(self) -> None:
        """Stop the worker if it still runs, wait for it, and re-raise its failure."""
        if not self._future.done():
            self.signal.stop("cancelled")
        done, _ = await asyncio.wait({self._future}, timeout=STOP_WAIT_S)
        if not done:
            log.error("generation worker did not stop within %.0f s", STOP_WAIT_S)
            return
        self._future.result()

    def _deliver(self, item: str | None) -> None:
        try:
            self._loop.call_soon_threadsafe(self._queue.put_nowait, item)
        except RuntimeError:  # the event loop is gone: nobody reads any more
            self.signal.stop("cancelled")

    def _work(self, run: Callable[[TokenStreamer, StopSignal], None]) -> None:
        streamer = self._streamer
        try:
            run(streamer, self.signal)
        finally:
            reason = self.signal.reason
            if reason is None:
                last = streamer.token_ids[-1] if streamer.token_ids else None
                reason = "end_of_turn" if last in self._end_of_turn_ids else "max_tokens"
            self.outcome = GenerationOutcome(
                new_tokens=len(streamer.token_ids),
                stop_reason=reason,
                first_token_at=streamer.first_token_at,
            )
            self._deliver(None)
