"""One assistant message generated on the scheduler's thread, read on the event loop as text.

``MessageGeneration`` is the event-loop side of one sequence in the batching
scheduler (``agent.backends.batch_scheduler``): the scheduler's thread hands
it each new token (``on_token``); a ``TokenStreamer`` decodes it
incrementally there and passes the text to the event loop through an
``asyncio.Queue`` (``call_soon_threadsafe``), so the loop never blocks and
chunks arrive as they are produced. ``on_finish`` closes the stream.

Stopping is cooperative, through a ``StopSignal`` the scheduler checks after
every token:

- the streamer sets it the moment a tool-call block closes (end tag after a
  begin tag, any spelling the parser accepts), so no token is generated past
  ``<|end_of_tool_code|>`` and the text after the tag is dropped;
- the reader sets it when it stops reading (the agent loop closed the
  stream, the turn was cancelled) or the backend closes;
- the signal's deadline stops a generation that runs too long.

Each message may choose its tokens its own way (``choice``), and another way
once its text has opened a tool-call block (``tool_choice``: greedy by
default, ``model.tool_call_temperature``), so sampled prose never samples a
customer number or a package name.

End-of-turn tokens (``<|eot_id|>``, the tokenizer's eos) end the sequence in
the scheduler itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from agent.backends.token_choice import TokenChoice
from agent.backends.tool_continuation import StopReason
from agent.protocol.tags import LONGEST_TAG, TAG_PATTERN, tag_kind

if TYPE_CHECKING:
    from agent.backends.batch_scheduler import SequenceEnd

log = logging.getLogger(__name__)

# How long a reader waits for the scheduler to notice a stop before giving up
# waiting (the row still stops at its next step; this only bounds the wait).
STOP_WAIT_S: Final = 10.0
_REPLACEMENT_CHAR: Final = "\ufffd"


class StopSignal:
    """A thread-safe "stop generating" flag with the first reason given, and a deadline."""

    def __init__(self, deadline: float | None = None) -> None:
        self._event = threading.Event()
        self._lock = threading.Lock()
        self._deadline = deadline
        self.reason: StopReason | None = None

    def stop(self, reason: StopReason) -> None:
        """Ask the generation to stop; the first reason wins."""
        with self._lock:
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

    @property
    def inside_block(self) -> bool:
        """Whether a begin tag has been seen and its block is not closed yet."""
        return self._open

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


class TokenStreamer:
    """Turns one sequence's new token ids (scheduler thread) into text pieces for ``deliver``.

    It decodes incrementally and watches for the end of a tool-call block:
    the text after the end tag is dropped and the signal is stopped
    (``"tool_block"``), so the scheduler takes the row out after this token.
    """

    def __init__(
        self, tokenizer: Any, signal: StopSignal, deliver: Callable[[str | None], None]
    ) -> None:
        self._decoder = IncrementalDecoder(tokenizer)
        self._watcher = ToolBlockWatcher()
        self._signal = signal
        self._deliver = deliver
        self.token_ids: list[int] = []
        self.first_token_at: float | None = None
        self.tool_block_closed = False

    @property
    def inside_tool_block(self) -> bool:
        """Whether the text so far has opened a tool-call block (not yet closed)."""
        return self._watcher.inside_block

    def push(self, token_id: int) -> None:
        """One new token of the sequence."""
        if self.tool_block_closed:
            return
        self.token_ids.append(token_id)
        if self.first_token_at is None:
            self.first_token_at = time.monotonic()
        self._emit(self._decoder.push(token_id))

    def end(self) -> None:
        """The sequence ended: pass on any text still held back."""
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
    """How one message's generation ended."""

    new_tokens: int
    stop_reason: StopReason
    first_token_at: float | None
    reused_prompt_tokens: int = 0


class MessageGeneration:
    """One assistant message generated by the scheduler, read as async text chunks.

    Create it on the event loop, submit its ``on_token`` and ``on_finish`` to
    the scheduler, iterate it (``async for piece in generation``), and always
    ``await stop()`` afterwards (idempotent; it waits for the sequence to leave
    the batch and re-raises its error). ``outcome`` is set before the last chunk.
    """

    def __init__(
        self,
        tokenizer: Any,
        end_of_turn_ids: Sequence[int],
        deadline: float | None,
        *,
        choice: TokenChoice | None = None,
        tool_choice: TokenChoice | None = None,
    ) -> None:
        self._loop = asyncio.get_running_loop()
        self._choice = choice
        self._tool_choice = tool_choice
        self._queue: asyncio.Queue[str | None] = asyncio.Queue()
        self._done: asyncio.Future[BaseException | None] = self._loop.create_future()
        self.signal = StopSignal(deadline)
        self._end_of_turn_ids = frozenset(end_of_turn_ids)
        self._streamer = TokenStreamer(tokenizer, self.signal, self._deliver)
        self._finish_lock = threading.Lock()
        self._pieces: list[str] = []
        self._finished = False
        self.outcome: GenerationOutcome | None = None

    @property
    def text(self) -> str:
        """The text read so far."""
        return "".join(self._pieces)

    def __aiter__(self) -> MessageGeneration:
        return self

    async def __anext__(self) -> str:
        """The next piece of text as it is generated; ends when the sequence is done."""
        if self._finished:
            raise StopAsyncIteration
        item = await self._queue.get()
        if item is None:
            self._finished = True
            raise StopAsyncIteration
        self._pieces.append(item)
        return item

    async def stop(self) -> None:
        """Stop the sequence if it still runs, wait for it to end, and re-raise its failure."""
        if not self._done.done():
            self.signal.stop("cancelled")
        done, _ = await asyncio.wait({self._done}, timeout=STOP_WAIT_S)
        if not done:
            log.error("the generation did not stop within %.0f s", STOP_WAIT_S)
            return
        error = self._done.result()
        if error is not None:
            raise error

    # -- called on the scheduler's thread ------------------------------------------------------

    def token_choice(self) -> TokenChoice | None:
        """How the next token is chosen: ``tool_choice`` inside a tool block, else ``choice``."""
        if self._tool_choice is not None and self._streamer.inside_tool_block:
            return self._tool_choice
        return self._choice

    def on_token(self, token_id: int) -> None:
        """A new token of this message."""
        self._streamer.push(token_id)

    def on_finish(self, end: SequenceEnd) -> None:
        """The sequence left the batch (the first call counts); closes the stream."""
        with self._finish_lock:
            if self.outcome is not None:
                return
            streamer = self._streamer
            if end.error is None:
                streamer.end()
            reason = self.signal.reason
            if reason is None:
                last = streamer.token_ids[-1] if streamer.token_ids else None
                reason = "end_of_turn" if last in self._end_of_turn_ids else "max_tokens"
            self.outcome = GenerationOutcome(
                new_tokens=len(streamer.token_ids),
                stop_reason=reason,
                first_token_at=streamer.first_token_at,
                reused_prompt_tokens=end.reused_tokens,
            )
        self._deliver(None)
        with contextlib.suppress(RuntimeError):  # RuntimeError: the event loop is gone
            self._loop.call_soon_threadsafe(self._settle, end.error)

    def _settle(self, error: BaseException | None) -> None:
        if not self._done.done():
            self._done.set_result(error)

    def _deliver(self, item: str | None) -> None:
        try:
            self._loop.call_soon_threadsafe(self._queue.put_nowait, item)
        except RuntimeError:  # the event loop is gone: nobody reads any more
            self.signal.stop("cancelled")
