"""The prefix cache: longest shared start, one entry per chat in effect, a memory bound."""

from __future__ import annotations

import torch

from agent.backends.batch_decoding import KVPrefix
from agent.backends.prefix_cache import PrefixCache

LAYERS, HEADS, DIM = 2, 2, 4
BYTES_PER_TOKEN = LAYERS * 2 * HEADS * DIM * 4  # float32 keys and values


def prefix_for(ids: list[int]) -> KVPrefix:
    """Keys and values whose every entry holds its token id (so a slice shows what it covers)."""
    token = torch.tensor(ids, dtype=torch.float32)[None, :, None].expand(HEADS, -1, DIM)
    return KVPrefix(tuple((token.clone(), token.clone()) for _ in range(LAYERS)))


def ids(start: int, count: int) -> list[int]:
    return list(range(start, start + count))


def test_the_longest_shared_start_is_found_and_one_token_is_left_to_prefill() -> None:
    cache = PrefixCache(max_bytes=1 << 20, min_reused_tokens=4)
    chat_a, chat_b = ids(0, 40), [*ids(0, 10), *ids(500, 30)]
    cache.store(chat_a, 30, prefix_for(chat_a))
    cache.store(chat_b, 25, prefix_for(chat_b))

    hit = cache.lookup([*chat_a[:35], 999, 998])
    assert hit is not None
    assert hit.length == 35
    assert hit.prefix.layers[0][0][0, :, 0].tolist() == [float(i) for i in chat_a[:35]]

    whole = cache.lookup(chat_a)  # the same prompt again: its last token must still be fed
    assert whole is not None
    assert whole.length == len(chat_a) - 1


def test_a_short_shared_start_is_not_reused() -> None:
    cache = PrefixCache(max_bytes=1 << 20, min_reused_tokens=16)
    cache.store(ids(0, 40), 30, prefix_for(ids(0, 40)))

    assert cache.lookup([*ids(0, 10), *ids(700, 30)]) is None  # 10 tokens: a shared header
    assert cache.misses == 1
    assert cache.hits == 0


def test_a_sequence_that_extends_a_prompt_replaces_it_and_others_stay() -> None:
    cache = PrefixCache(max_bytes=1 << 20, min_reused_tokens=4)
    step_1 = ids(0, 30)  # prompt 20 tokens, then 10 generated
    other_chat = [*ids(0, 8), *ids(300, 30)]  # shares only the first 8 tokens
    cache.store(step_1, 20, prefix_for(step_1))
    cache.store(other_chat, 30, prefix_for(other_chat))

    step_2 = [*ids(0, 25), *ids(900, 20)]  # step 1's prompt, part of its output, then more
    cache.store(step_2, 40, prefix_for(step_2))

    assert len(cache) == 2
    assert cache.bytes == (len(other_chat) + len(step_2)) * BYTES_PER_TOKEN
    hit = cache.lookup([*step_2, 1])
    assert hit is not None
    assert hit.length == len(step_2)
    assert cache.lookup([*other_chat, 1]) is not None


def test_the_memory_bound_evicts_the_least_recently_used() -> None:
    cache = PrefixCache(max_bytes=100 * BYTES_PER_TOKEN, min_reused_tokens=4)
    first, second, third = ids(0, 40), ids(1000, 40), ids(2000, 40)
    cache.store(first, 40, prefix_for(first))
    cache.store(second, 40, prefix_for(second))
    assert cache.lookup([*first, 7]) is not None  # first is now the most recently used

    cache.store(third, 40, prefix_for(third))

    assert cache.bytes <= 100 * BYTES_PER_TOKEN
    assert cache.lookup([*second, 7]) is None  # evicted
    assert cache.lookup([*first, 7]) is not None
    assert cache.lookup([*third, 7]) is not None


def test_too_big_or_disabled_stores_nothing() -> None:
    small = PrefixCache(max_bytes=10 * BYTES_PER_TOKEN, min_reused_tokens=4)
    small.store(ids(0, 40), 40, prefix_for(ids(0, 40)))
    off = PrefixCache(max_bytes=0)
    off.store(ids(0, 40), 40, prefix_for(ids(0, 40)))

    assert len(small) == 0
    assert len(off) == 0
    assert off.lookup([*ids(0, 40), 1]) is None
