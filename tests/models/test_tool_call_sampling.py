"""Tool calls are written at their own temperature (greedy by default), text at the model's.

The seed's inference decoded greedily after a tool; sampling at 0.6 may
change a customer number or a package name in a call. A message switches to
``model.tool_call_temperature`` once its text opens a tool block, and a row
that decodes greedily stays greedy in a batch whose other rows sample.
"""

from __future__ import annotations

import asyncio

from transformers import PreTrainedTokenizerFast

from agent.backends.batch_scheduler import BatchingOptions, BatchScheduler, SequenceJob
from agent.backends.generation_stream import MessageGeneration
from agent.backends.model_loading import LoadedModel
from agent.backends.token_choice import TokenChoice
from agent.prompt import render_prompt

SAMPLED = TokenChoice(temperature=1.5, top_p=1.0)
GREEDY = TokenChoice()


async def test_a_message_chooses_tool_tokens_greedily_once_its_block_opens(
    tiny_tokenizer: PreTrainedTokenizerFast,
) -> None:
    generation = MessageGeneration(
        tiny_tokenizer, [], deadline=None, choice=SAMPLED, tool_choice=GREEDY
    )

    for token in tiny_tokenizer.encode("Bir saniye, kontrol ediyorum. ", add_special_tokens=False):
        generation.on_token(token)
    before = generation.token_choice()
    for token in tiny_tokenizer.encode("<|begin_of_tool_code|>\nprint(", add_special_tokens=False):
        generation.on_token(token)

    assert before == SAMPLED
    assert generation.token_choice() == GREEDY


async def test_a_greedy_row_stays_greedy_in_a_batch_of_sampled_rows(
    tiny_llama: LoadedModel,
) -> None:
    tokenizer = tiny_llama.tokenizer
    prompt = render_prompt([{"role": "user", "content": "Faturam ne kadar?"}], tokenizer)
    prompt_ids = tokenizer(prompt, add_special_tokens=False)["input_ids"]

    async def run(choices: list[TokenChoice]) -> list[list[int]]:
        scheduler = BatchScheduler(
            tiny_llama.model,
            pad_token_id=tiny_llama.end_of_turn_ids[0],
            choice=SAMPLED,
            options=BatchingOptions(max_batch_size=len(choices), window_s=0.05, kv_reuse_mb=0),
        )
        generations = [
            MessageGeneration(tokenizer, [], deadline=None, choice=choice) for choice in choices
        ]
        jobs = [
            SequenceJob(
                prompt_ids=prompt_ids,
                max_new_tokens=20,
                end_of_turn_ids=frozenset(),
                signal=generation.signal,
                on_token=generation.on_token,
                on_finish=generation.on_finish,
                choice=generation.token_choice,
            )
            for generation in generations
        ]
        for job in jobs:
            scheduler.submit(job)
        await asyncio.gather(*(_drain(generation) for generation in generations))
        scheduler.close(5.0)
        return [list(job.generated) for job in jobs]

    (alone,) = await run([GREEDY])
    batched = await run([SAMPLED, GREEDY, SAMPLED])

    assert batched[1] == alone
    assert batched[0] != alone or batched[2] != alone  # the others did sample


async def _drain(generation: MessageGeneration) -> None:
    async for _ in generation:
        pass
    await generation.stop()
