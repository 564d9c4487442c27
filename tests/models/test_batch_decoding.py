"""The padded batch under the scheduler: rows join, leave and reuse prefixes without changing
what each row computes (the tiny random Llama against ``generate``, greedy)."""

from __future__ import annotations

import pytest
import torch

from agent.backends.batch_decoding import DecodingBatch, Prefill
from agent.backends.model_loading import LoadedModel
from agent.backends.token_choice import TokenChoice
from agent.prompt import render_prompt

TEXTS = (
    "Faturam ne kadar?",
    "İnternet paketim bitti, ek paket alabilir miyim? Şebeke çalışmıyor.",
    "Merhaba",
    "Çağrı merkezi, ödeme, şikâyet",
)
NEW_TOKENS = 12


def prompt_ids(loaded: LoadedModel, text: str) -> list[int]:
    prompt = render_prompt([{"role": "user", "content": text}], loaded.tokenizer)
    return list(loaded.tokenizer(prompt, add_special_tokens=False)["input_ids"])


def alone(loaded: LoadedModel, ids: list[int]) -> list[int]:
    """What ``generate`` writes for ``ids`` alone, greedy, exactly NEW_TOKENS tokens."""
    with torch.inference_mode():
        output = loaded.model.generate(
            torch.tensor([ids]),
            max_new_tokens=NEW_TOKENS,
            min_new_tokens=NEW_TOKENS,
            do_sample=False,
            pad_token_id=loaded.tokenizer.pad_token_id,
        )
    return [int(token) for token in output[0, len(ids) :]]


@pytest.fixture
def prompts(tiny_llama: LoadedModel) -> list[list[int]]:
    return [prompt_ids(tiny_llama, text) for text in TEXTS]


@torch.inference_mode()
def test_rows_that_join_late_leave_early_or_reuse_a_prefix_decode_as_they_would_alone(
    tiny_llama: LoadedModel, prompts: list[list[int]]
) -> None:
    expected = [alone(tiny_llama, ids) for ids in prompts]
    greedy = TokenChoice()
    donor = DecodingBatch(tiny_llama.model, tiny_llama.tokenizer.pad_token_id)
    donor.add([Prefill(prompts[3][:-3])])
    reused = donor.prefix_of(0)  # keys and values of all but the last 3 prompt tokens
    batch = DecodingBatch(tiny_llama.model, tiny_llama.tokenizer.pad_token_id)
    written: dict[int, list[int]] = {}
    rows: list[int] = []

    def deliver(for_rows: list[int], logits: torch.Tensor) -> None:
        for row, token in zip(for_rows, greedy.choose(logits), strict=True):
            written.setdefault(row, []).append(token)

    deliver([0, 1], batch.add([Prefill(prompts[0]), Prefill(prompts[1])]))
    rows = [0, 1]
    for step in range(NEW_TOKENS - 1):
        if step == 2:  # a fresh prompt and a reused prefix join, in that order
            deliver([2, 3], batch.add([Prefill(prompts[2]), Prefill(prompts[3], reused)]))
            rows += [2, 3]
        if step == 4:  # row 0 leaves early (say, it closed a tool block)
            batch.keep([1, 2, 3])
            rows = [1, 2, 3]
        deliver(rows, batch.step([written[row][-1] for row in rows]))

    assert written[0] == expected[0][: len(written[0])]
    assert len(written[0]) == 5
    assert written[1] == expected[1]
    for row in (2, 3):
        assert written[row] == expected[row][: len(written[row])]
    assert batch.size == 3


@torch.inference_mode()
def test_slots_no_row_uses_any_more_are_dropped(
    tiny_llama: LoadedModel, prompts: list[list[int]]
) -> None:
    batch = DecodingBatch(tiny_llama.model, tiny_llama.tokenizer.pad_token_id)
    longest = max(range(len(prompts)), key=lambda index: len(prompts[index]))
    shortest = min(range(len(prompts)), key=lambda index: len(prompts[index]))
    batch.add([Prefill(prompts[longest]), Prefill(prompts[shortest])])
    assert batch.slots == len(prompts[longest])

    batch.keep([1])

    assert batch.slots == len(prompts[shortest])
    assert batch.length_of(0) == len(prompts[shortest])
    assert batch.prefix_of(0).length == len(prompts[shortest])


@torch.inference_mode()
def test_a_copied_prefix_equals_the_keys_and_values_of_a_cold_prefill(
    tiny_llama: LoadedModel, prompts: list[list[int]]
) -> None:
    together = DecodingBatch(tiny_llama.model, tiny_llama.tokenizer.pad_token_id)
    together.add([Prefill(prompts[1]), Prefill(prompts[2])])  # row 1 is padded
    single = DecodingBatch(tiny_llama.model, tiny_llama.tokenizer.pad_token_id)
    single.add([Prefill(prompts[2])])

    padded, cold = together.prefix_of(1), single.prefix_of(0)

    assert padded.length == cold.length == len(prompts[2])
    for (keys, values), (cold_keys, cold_values) in zip(padded.layers, cold.layers, strict=True):
        torch.testing.assert_close(keys, cold_keys)
        torch.testing.assert_close(values, cold_values)


def test_greedy_takes_the_most_likely_token_and_top_p_keeps_the_nucleus() -> None:
    logits = torch.tensor([[0.0, 5.0, 1.0, 4.9], [3.0, 0.0, 0.0, 0.0]])
    assert TokenChoice().choose(logits) == [1, 0]

    generator = torch.Generator().manual_seed(0)
    narrow = TokenChoice(temperature=1.0, top_p=0.5)
    picks = {tuple(narrow.choose(logits, generator)) for _ in range(200)}
    # Row 0: tokens 1 and 3 hold about 0.5 each, so 0.5 keeps only the likelier one.
    assert picks == {(1, 0)}

    wide = TokenChoice(temperature=1.0, top_p=0.99)
    seen = {wide.choose(logits, generator)[0] for _ in range(300)}
    assert seen >= {1, 3}
    assert 0 not in seen  # e^0 of e^5: outside the 0.99 nucleus
