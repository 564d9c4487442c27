"""Keys and values of recent sequences, reused when a new prompt starts with the same tokens.

One turn of the agent runs the model several times on prompts that extend
each other: the question; the same prompt plus the model's tool call and the
tool's result; and after a short message, the same prompt plus that message
(``agent.loop``, ``agent.backends.tool_continuation``). The next turn of the
chat extends the whole dialogue again. Recomputing the shared start (the
prefill) is most of the cost of a step with a short answer.

``PrefixCache`` keeps, for each recently finished sequence, its token ids
and the keys and values computed for them (``KVPrefix``). ``lookup`` finds
the entry sharing the longest start with a new prompt; the batch then
prefills only the rest. An entry is superseded when a later sequence
extends its whole prompt (the same chat moved on), so it holds in effect the
latest step of each chat. It is bounded by memory (``max_bytes``, least
recently used entries go first) and used from one thread only: the
scheduler's.

Reuse is exact: a token's keys and values depend only on the tokens before
it and its position, and a match is on token ids.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import count
from typing import Final

import torch

from agent.backends.batch_decoding import KVPrefix

log = logging.getLogger(__name__)

# Shorter shared starts are not worth the copy (chat headers, a system line).
MIN_REUSED_TOKENS: Final = 16


@dataclass(frozen=True)
class _Entry:
    ids: torch.Tensor  # int64 [length], on the CPU
    prompt_length: int  # the first tokens that were the prompt (the rest was generated)
    prefix: KVPrefix


@dataclass(frozen=True)
class PrefixHit:
    """A reusable start of a prompt: its keys and values, ``length`` tokens."""

    prefix: KVPrefix

    @property
    def length(self) -> int:
        return self.prefix.length


class PrefixCache:
    """Recent sequences' keys and values, bounded by memory, looked up by shared start."""

    def __init__(self, max_bytes: int, min_reused_tokens: int = MIN_REUSED_TOKENS) -> None:
        self._max_bytes = max_bytes
        self._min_reused = min_reused_tokens
        self._entries: OrderedDict[int, _Entry] = OrderedDict()  # oldest use first
        self._keys = count()
        self.bytes = 0
        self.hits = 0
        self.misses = 0
        self.reused_tokens = 0

    @property
    def enabled(self) -> bool:
        return self._max_bytes > 0

    def __len__(self) -> int:
        return len(self._entries)

    def lookup(self, prompt_ids: Sequence[int]) -> PrefixHit | None:
        """The longest cached start of ``prompt_ids`` (leaving at least one token to prefill).

        None when nothing of at least ``min_reused_tokens`` tokens matches.
        """
        if not self.enabled:
            return None
        if not self._entries or len(prompt_ids) <= self._min_reused:
            self.misses += 1
            return None
        prompt = torch.tensor(list(prompt_ids), dtype=torch.long)
        best_key, best_length = None, 0
        for key, entry in self._entries.items():
            length = _shared_start(entry.ids, prompt)
            if length > best_length:
                best_key, best_length = key, length
        best_length = min(best_length, len(prompt_ids) - 1)
        if best_key is None or best_length < self._min_reused:
            self.misses += 1
            return None
        self._entries.move_to_end(best_key)
        self.hits += 1
        self.reused_tokens += best_length
        return PrefixHit(self._entries[best_key].prefix.truncated(best_length))

    def store(self, ids: Sequence[int], prompt_length: int, prefix: KVPrefix) -> None:
        """Keep ``prefix``, the keys and values of ``ids`` (whose first ``prompt_length`` were
        the prompt); drops the entries whose prompt it extends, then the least recently used
        ones while over the memory bound."""
        if not self.enabled or len(ids) < self._min_reused:
            return
        if len(ids) != prefix.length:
            raise ValueError(f"{len(ids)} ids for a prefix of {prefix.length} tokens")
        size = prefix.nbytes
        if size > self._max_bytes:
            log.info("a %d-token sequence (%d MB) exceeds the KV reuse bound", len(ids), size >> 20)
            return
        tensor = torch.tensor(list(ids), dtype=torch.long)
        for key, entry in list(self._entries.items()):
            if _shared_start(entry.ids, tensor) >= entry.prompt_length:
                self._drop(key)
        while self._entries and self.bytes + size > self._max_bytes:
            self._drop(next(iter(self._entries)))
        self._entries[next(self._keys)] = _Entry(tensor, prompt_length, prefix)
        self.bytes += size

    def clear(self) -> None:
        """Forget every entry."""
        self._entries.clear()
        self.bytes = 0

    def _drop(self, key: int) -> None:
        entry = self._entries.pop(key)
        self.bytes -= entry.prefix.nbytes


def _shared_start(first: torch.Tensor, second: torch.Tensor) -> int:
    """How many leading ids ``first`` and ``second`` have in common."""
    length = min(first.numel(), second.numel())
    differs = (first[:length] != second[:length]).nonzero()
    return int(differs[0]) if differs.numel() else length
