"""Several sequences decoded together: one forward pass per step for all of them.

``DecodingBatch`` holds the rows of a batch (one row per sequence), their
keys and values in one ``DynamicCache`` and a 2-D attention mask that says
which cache slots of each row hold real tokens. Rows are left-padded: every
row's newest token sits in the last slot, so one decode step feeds one token
per row and appends one slot to every row.

- ``add`` prefills new sequences together in one forward pass and appends
  them as rows. A sequence whose first tokens' keys and values are given
  (``KVPrefix``, from the prefix cache) is fed only the tokens after them:
  the given prefixes are placed right-aligned in the new rows' cache and the
  rest of each prompt is left-padded, as ``generate`` pads a batch. The new
  rows' slots are then merged into the batch, the shorter side padded on the
  left with zeros that the mask hides.
- ``step`` feeds each row its next token.
- ``keep`` drops the rows that finished and the slots no remaining row uses.
- ``prefix_of`` copies one row's real keys and values out of the batch, for
  reuse by the sequence's next prompt.

Every row carries its own position ids (the count of its real tokens), so a
row's output does not depend on its padding: under greedy decoding each row
produces what it would produce alone, up to floating-point rounding of the
larger matrix products.

The cache's layers are ``SlotBufferLayer``s: a step writes its keys and
values into spare slots instead of concatenating the whole cache again.
Only full-attention models are supported (Llama, Qwen2, SmolLM2 ...): every
layer keeps every slot, whatever the model's config says about sliding
windows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

import torch
from transformers import DynamicCache
from transformers.cache_utils import CacheLayerMixin, DynamicLayer

# Keys and values of one layer, [rows, heads, slots, head_dim] each.
LayerKV = tuple[torch.Tensor, torch.Tensor]


@dataclass(frozen=True)
class KVPrefix:
    """The keys and values of the first ``length`` tokens of one sequence, per layer.

    Each tensor is ``[heads, length, head_dim]``; the tokens are the sequence's
    first ``length`` ids, at positions ``0 .. length - 1``.
    """

    layers: tuple[LayerKV, ...]

    @property
    def length(self) -> int:
        return int(self.layers[0][0].shape[1]) if self.layers else 0

    @property
    def nbytes(self) -> int:
        """Memory the tensors take."""
        return sum(t.numel() * t.element_size() for layer in self.layers for t in layer)

    def truncated(self, length: int) -> KVPrefix:
        """The first ``length`` tokens of this prefix (a view, nothing copied)."""
        return KVPrefix(tuple((k[:, :length], v[:, :length]) for k, v in self.layers))


@dataclass(frozen=True)
class Prefill:
    """One sequence joining the batch: its prompt, and maybe the keys and values of its start."""

    prompt_ids: Sequence[int]
    reused: KVPrefix | None = None

    @property
    def reused_length(self) -> int:
        return self.reused.length if self.reused is not None else 0


@dataclass
class _Rows:
    """Rows with their cache, mask and next positions (a batch, or rows about to join)."""

    cache: DynamicCache
    mask: torch.Tensor  # [rows, slots], 1 where the slot holds a real token
    positions: torch.Tensor  # [rows], the position of each row's next token

    @property
    def layers(self) -> list[LayerKV]:
        return _layers_of(self.cache)


class DecodingBatch:
    """The rows being decoded together, over one model."""

    def __init__(self, model: Any, pad_token_id: int) -> None:
        self._model = model
        self._pad = pad_token_id
        self._device = model.device
        self._rows: _Rows | None = None
        self.forward_passes = 0
        self.prefilled_tokens = 0

    @property
    def size(self) -> int:
        """The number of rows."""
        return 0 if self._rows is None else int(self._rows.mask.shape[0])

    @property
    def slots(self) -> int:
        """The cache length every row is padded to."""
        return 0 if self._rows is None else int(self._rows.mask.shape[1])

    def add(self, prefills: Sequence[Prefill]) -> torch.Tensor:
        """Prefill ``prefills`` in one forward pass and append them as the last rows, in order.

        Returns the logits of each one's last prompt token, ``[len(prefills), vocab]``.
        Each prompt must have at least one token that its reused prefix does not cover.
        """
        rows, logits = self._prefill(prefills)
        self._append(rows)
        return logits

    def step(self, tokens: Sequence[int]) -> torch.Tensor:
        """Feed each row its next token (in row order); the logits for the token after it."""
        rows = self._require_rows()
        if len(tokens) != self.size:
            raise ValueError(f"{len(tokens)} tokens for {self.size} rows")
        input_ids = torch.tensor(tokens, dtype=torch.long, device=self._device)[:, None]
        ones = torch.ones((self.size, 1), dtype=rows.mask.dtype, device=self._device)
        rows.mask = torch.cat([rows.mask, ones], dim=1)
        output = self._forward(input_ids, rows.mask, rows.positions[:, None], rows.cache)
        rows.positions = rows.positions + 1
        return output

    def keep(self, keep_rows: Sequence[int]) -> None:
        """Keep only ``keep_rows`` (in that order); drop slots that no kept row uses."""
        if not keep_rows:
            self._rows = None
            return
        self._select(list(keep_rows))
        rows = self._require_rows()
        used = rows.mask.any(dim=0).nonzero()
        start = int(used[0]) if used.numel() else rows.mask.shape[1]
        if start > 0:
            rows.mask = rows.mask[:, start:]
            rows.cache = _cache_of([(k[:, :, start:], v[:, :, start:]) for k, v in rows.layers])

    def prefix_of(self, row: int) -> KVPrefix:
        """A copy of ``row``'s keys and values for its real tokens, in order."""
        rows = self._require_rows()
        real = rows.mask[row].bool()
        return KVPrefix(
            tuple((k[row][:, real].clone(), v[row][:, real].clone()) for k, v in rows.layers)
        )

    def length_of(self, row: int) -> int:
        """How many tokens of ``row`` the cache holds."""
        return int(self._require_rows().positions[row])

    # -- prefill ----------------------------------------------------------------------------

    def _prefill(self, prefills: Sequence[Prefill]) -> tuple[_Rows, torch.Tensor]:
        """Prefill every new sequence together: its reused prefix (keys and values given) is
        padded on the left to the longest one, the rest of its prompt to the longest rest."""
        starts = [item.reused_length for item in prefills]
        rests = [
            list(item.prompt_ids[start:]) for item, start in zip(prefills, starts, strict=True)
        ]
        if not all(rests):
            raise ValueError("every prompt needs a token that its reused prefix does not cover")
        count, past, longest = len(prefills), max(starts), max(len(rest) for rest in rests)
        input_ids = torch.full((count, longest), self._pad, dtype=torch.long)
        mask = torch.zeros((count, past + longest), dtype=torch.long)
        positions = torch.zeros((count, longest), dtype=torch.long)
        for row, (start, rest) in enumerate(zip(starts, rests, strict=True)):
            input_ids[row, longest - len(rest) :] = torch.tensor(rest)
            mask[row, past - start : past] = 1
            mask[row, past + longest - len(rest) :] = 1
            positions[row, longest - len(rest) :] = torch.arange(start, start + len(rest))
        input_ids, mask, positions = (t.to(self._device) for t in (input_ids, mask, positions))
        cache = self._padded_past(prefills, past) if past else DynamicCache()
        logits = self._forward(input_ids, mask, positions, cache)
        self.prefilled_tokens += sum(len(rest) for rest in rests)
        ends = [start + len(rest) for start, rest in zip(starts, rests, strict=True)]
        grown = _cache_of(_layers_of(cache))
        return _Rows(grown, mask, torch.tensor(ends, device=self._device)), logits

    def _padded_past(self, prefills: Sequence[Prefill], slots: int) -> DynamicCache:
        """The reused prefixes as one cache of ``slots`` slots, each right-aligned."""
        reused = [item.reused for item in prefills]
        template = next(prefix for prefix in reused if prefix is not None)
        layers: list[LayerKV] = []
        for index, (keys, values) in enumerate(template.layers):
            heads, _, dim = keys.shape
            shape = (len(prefills), heads, slots, dim)
            padded_keys = keys.new_zeros(shape, device=self._device)
            padded_values = values.new_zeros(shape, device=self._device)
            for row, prefix in enumerate(reused):
                if prefix is None:
                    continue
                row_keys, row_values = prefix.layers[index]
                padded_keys[row, :, slots - prefix.length :] = row_keys
                padded_values[row, :, slots - prefix.length :] = row_values
            layers.append((padded_keys, padded_values))
        return _cache_of(layers)

    def _forward(
        self, input_ids: torch.Tensor, mask: torch.Tensor, positions: torch.Tensor, cache: Any
    ) -> torch.Tensor:
        output = self._model(
            input_ids=input_ids,
            attention_mask=mask,
            position_ids=positions,
            past_key_values=cache,
            use_cache=True,
            logits_to_keep=1,
        )
        self.forward_passes += 1
        last: torch.Tensor = output.logits[:, -1, :]
        return last

    # -- row bookkeeping ----------------------------------------------------------------------

    def _append(self, new: _Rows) -> None:
        """Append ``new`` rows, padding the shorter side's slots on the left."""
        if self._rows is None:
            self._rows = new
            return
        old = self._rows
        slots = max(old.mask.shape[1], new.mask.shape[1])
        old_pad, new_pad = slots - old.mask.shape[1], slots - new.mask.shape[1]
        layers = [
            (
                torch.cat([_pad_slots(ok, old_pad), _pad_slots(nk, new_pad)], dim=0),
                torch.cat([_pad_slots(ov, old_pad), _pad_slots(nv, new_pad)], dim=0),
            )
            for (ok, ov), (nk, nv) in zip(old.layers, new.layers, strict=True)
        ]
        mask = torch.cat([_pad_mask(old.mask, old_pad), _pad_mask(new.mask, new_pad)], dim=0)
        self._rows = _Rows(_cache_of(layers), mask, torch.cat([old.positions, new.positions]))

    def _select(self, indices: list[int]) -> None:
        rows = self._require_rows()
        if indices == list(range(self.size)):
            return
        index = torch.tensor(indices, dtype=torch.long, device=self._device)
        rows.cache = _cache_of(
            [(k.index_select(0, index), v.index_select(0, index)) for k, v in rows.layers]
        )
        rows.mask = rows.mask.index_select(0, index)
        rows.positions = rows.positions.index_select(0, index)

    def _require_rows(self) -> _Rows:
        if self._rows is None:
            raise RuntimeError("the batch has no rows")
        return self._rows


class SlotBufferLayer(DynamicLayer):
    """A cache layer whose keys and values sit in buffers with spare slots.

    ``DynamicLayer`` appends each step's keys and values with ``torch.cat``,
    copying the whole cache of every layer at every step; here a step writes
    into the next free slots and ``keys``/``values`` are views of the used
    part. The buffers grow by ``SPARE_SLOTS`` (one copy) when they are full.
    """

    SPARE_SLOTS: Final = 64

    def __init__(self, keys: torch.Tensor, values: torch.Tensor) -> None:
        # DynamicLayer.__init__ is unannotated (untyped_calls_exclude misses super() calls).
        super().__init__()  # type: ignore[no-untyped-call]
        self.dtype, self.device = keys.dtype, keys.device
        self.is_initialized = True
        self._length = int(keys.shape[2])
        self._key_buffer = self._with_room(keys, self.SPARE_SLOTS)
        self._value_buffer = self._with_room(values, self.SPARE_SLOTS)
        self._expose()

    def update(
        self, key_states: torch.Tensor, value_states: torch.Tensor, *args: Any, **kwargs: Any
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Write the new slots in place (growing the buffers if needed); the used part."""
        added = int(key_states.shape[2])
        if self._length + added > self._key_buffer.shape[2]:
            room = added + self.SPARE_SLOTS
            used = self._length
            self._key_buffer = self._with_room(self._key_buffer[:, :, :used], room)
            self._value_buffer = self._with_room(self._value_buffer[:, :, :used], room)
        end = self._length + added
        self._key_buffer[:, :, self._length : end] = key_states
        self._value_buffer[:, :, self._length : end] = value_states
        self._length = end
        return self._expose()

    def _expose(self) -> LayerKV:
        """Point ``keys``/``values`` at the used part of the buffers, and return them."""
        keys = self._key_buffer[:, :, : self._length]
        values = self._value_buffer[:, :, : self._length]
        self.keys, self.values = keys, values
        return keys, values

    @staticmethod
    def _with_room(tensor: torch.Tensor, spare: int) -> torch.Tensor:
        rows, heads, slots, dim = tensor.shape
        buffer = tensor.new_empty((rows, heads, slots + spare, dim))
        buffer[:, :, :slots] = tensor
        return buffer


def _layers_of(cache: DynamicCache) -> list[LayerKV]:
    """Each layer's keys and values (transformers types them optional, and its layer
    list as any kind of layer: the caches here hold filled attention layers only)."""
    layers: list[LayerKV] = []
    for layer in cache.layers:
        if not isinstance(layer, CacheLayerMixin) or layer.keys is None or layer.values is None:
            raise RuntimeError(f"a cache layer without keys and values: {type(layer).__name__}")
        layers.append((layer.keys, layer.values))
    return layers


def _cache_of(layers: Sequence[LayerKV]) -> DynamicCache:
    """A ``DynamicCache`` over ``layers``, each in a ``SlotBufferLayer``."""
    cache = DynamicCache(ddp_cache_data=[(k[:, :, :0], v[:, :, :0]) for k, v in layers])
    cache.layers = [SlotBufferLayer(keys, values) for keys, values in layers]
    return cache


def _pad_slots(tensor: torch.Tensor, count: int) -> torch.Tensor:
    """``tensor`` ``[rows, heads, slots, dim]`` with ``count`` zero slots in front."""
    if count == 0:
        return tensor
    rows, heads, _, dim = tensor.shape
    zeros = tensor.new_zeros((rows, heads, count, dim))
    return torch.cat([zeros, tensor], dim=2)


def _pad_mask(mask: torch.Tensor, count: int) -> torch.Tensor:
    if count == 0:
        return mask
    return torch.cat([mask.new_zeros((mask.shape[0], count)), mask], dim=1)
