"""Tiny real models for fast tests of the transformers backend.

- ``train_tokenizer``: a byte-level BPE tokenizer trained here in milliseconds
  on Turkish customer-service text and the tool-call protocol, with the
  Llama-3 special tokens (``<|eot_id|>`` is its end of turn).
- ``save_tiny_llama``: a ``LlamaForCausalLM`` with random weights and tiny
  dimensions (about 100 kB) saved as a model folder, so the real loading code
  reads it from disk. The output rows of the special tokens are zeroed so
  that greedy decoding never ends a turn: its output runs to the token limit,
  which the streaming and cancellation tests rely on.
- ``ScriptedLlama``: the same tiny Llama, run by the backend's batching
  scheduler, whose next-token choice follows a script: the k-th sequence it
  is asked to prefill writes ``replies[k]`` and then ``<|eot_id|>``. Random
  weights cannot be made to say "Bir saniye, kontrol ediyorum." and then open
  a tool block; the script can, so the stop and continuation logic is tested
  deterministically, also for several sequences in one batch.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

from agent.backends.model_loading import LoadedModel, LoadPlan, end_of_turn_ids
from agent.backends.transformers import TransformersBackend
from agent.prompt import LLAMA3_CHAT_TEMPLATE

# What the ``make_backend`` fixture returns: loaded model + option overrides -> backend.
BackendFactory = Callable[..., TransformersBackend]

SPECIAL_TOKENS = [
    "<|begin_of_text|>",
    "<|end_of_text|>",
    "<|start_header_id|>",
    "<|end_header_id|>",
    "<|eot_id|>",
]

_CORPUS = [
    "Merhaba, faturamı öğrenmek istiyorum.",
    "Bir saniye, kontrol ediyorum.",
    "Güncel faturanız 1.234,56 TL, son ödeme tarihi 15 Aralık 2026.",
    "İnternet paketim bitti, ek paket alabilir miyim? Şebeke çalışmıyor.",
    "Çağrı merkezi, ödeme, şikâyet, ğ ü ş ı ö ç İ Ğ Ü Ş Ö Ç",
    "<|begin_of_tool_code|>\nprint(get_current_bill(user_id=1001))\n<|end_of_tool_code|>",
    '<begin_of_tool_code|>print(get_package_details(package_name="S\\u00fcper"))<end_of_tool_code|>',
    "system user assistant tool",
]


def train_tokenizer(*, chat_template: bool = True) -> PreTrainedTokenizerFast:
    """A small byte-level BPE tokenizer with the Llama-3 special tokens."""
    model = Tokenizer(models.BPE())
    model.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    model.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=420,
        special_tokens=SPECIAL_TOKENS,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    model.train_from_iterator(_CORPUS * 4, trainer=trainer)
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=model,
        bos_token="<|begin_of_text|>",
        eos_token="<|eot_id|>",
        pad_token="<|end_of_text|>",
    )
    if chat_template:
        tokenizer.chat_template = LLAMA3_CHAT_TEMPLATE
    return tokenizer


def tiny_config(tokenizer: PreTrainedTokenizerFast) -> LlamaConfig:
    """Llama-3 architecture at toy size, for ``tokenizer``'s vocabulary."""
    return LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=4096,
        tie_word_embeddings=False,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
    )


def save_tiny_llama(folder: Path, *, chat_template: bool = True, seed: int = 0) -> Path:
    """Write a random tiny Llama and its tokenizer to ``folder``; returns ``folder``."""
    tokenizer = train_tokenizer(chat_template=chat_template)
    torch.manual_seed(seed)
    model = LlamaForCausalLM(tiny_config(tokenizer))
    special_ids = tokenizer.convert_tokens_to_ids(SPECIAL_TOKENS)
    with torch.no_grad():
        model.lm_head.weight[special_ids] = 0.0
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


@dataclass
class _Script:
    """One sequence's progress through its reply."""

    reply: list[int]
    next_position: int
    last_token: int = -1
    produced: int = 0
    last_pass: int = 0  # the forward pass that last advanced it


class ScriptedLlama(LlamaForCausalLM):
    """A tiny Llama whose k-th sequence writes ``replies[k]``, then end of turn.

    The forward pass runs for real (so the KV cache, the batching and the
    stop logic see a real model); only the logits are replaced by each row's
    next scripted token. Rows of a batch are told apart by what they show: a
    one-token row at the position right after a script's last token, given
    that token, continues that script; any other row is a new sequence's
    prefill (all of its prompt, or the part after a reused prefix) and starts
    the next script (when several scripts fit, the one advanced last wins,
    then the oldest: rows keep their order in a batch). ``delay_s`` slows
    each forward pass, like a big model.
    ``prompts`` records the token ids each prefill was given;
    ``batch_sizes`` the rows of every forward pass.
    """

    def __init__(
        self, config: LlamaConfig, replies: list[list[int]], end_of_turn: int, delay_s: float
    ) -> None:
        super().__init__(config)
        self.replies = replies
        self.end_of_turn = end_of_turn
        self.delay_s = delay_s
        self.prompts: list[list[int]] = []
        self.batch_sizes: list[int] = []
        self._scripts: list[_Script] = []

    @property
    def forward_passes(self) -> int:
        return len(self.batch_sizes)

    def forward(
        self,
        input_ids: Any = None,
        attention_mask: Any = None,
        position_ids: Any = None,
        **kwargs: Any,
    ) -> Any:
        output = super().forward(
            input_ids=input_ids, attention_mask=attention_mask, position_ids=position_ids, **kwargs
        )
        rows, length = input_ids.shape
        self.batch_sizes.append(rows)
        logits = torch.full_like(output.logits, -1e4)
        continued: set[int] = set()
        for row in range(rows):
            real = attention_mask[row, -length:].bool()
            given = input_ids[row][real].tolist()
            position = int(position_ids[row, -1])
            script = self._continuing(given, position, continued)
            if script is None:
                self.prompts.append(given)
                reply = (
                    self.replies[len(self._scripts)]
                    if len(self._scripts) < len(self.replies)
                    else []
                )
                script = _Script(reply, next_position=position + 1)
                self._scripts.append(script)
            continued.add(id(script))
            script.last_pass = len(self.batch_sizes)
            token = (
                script.reply[script.produced]
                if script.produced < len(script.reply)
                else self.end_of_turn
            )
            script.produced += 1
            script.last_token, script.next_position = token, position + 1
            logits[row, -1, token] = 1e4
        output.logits = logits
        if self.delay_s:
            time.sleep(self.delay_s)
        return output

    def _continuing(self, given: list[int], position: int, taken: set[int]) -> _Script | None:
        if len(given) != 1:
            return None
        fitting = [
            script
            for script in self._scripts
            if id(script) not in taken
            and script.next_position == position
            and script.last_token == given[0]
        ]
        return max(fitting, key=lambda script: script.last_pass, default=None)


def scripted_model(
    tokenizer: PreTrainedTokenizerFast, replies: list[str], *, delay_s: float = 0.0
) -> LoadedModel:
    """A loaded ``ScriptedLlama`` on CPU that answers ``replies`` in order."""
    torch.manual_seed(0)
    reply_ids = [tokenizer.encode(reply, add_special_tokens=False) for reply in replies]
    eot = tokenizer.convert_tokens_to_ids("<|eot_id|>")
    assert isinstance(eot, int)
    model = ScriptedLlama(tiny_config(tokenizer), reply_ids, eot, delay_s).eval()
    return LoadedModel(
        model=model,
        tokenizer=tokenizer,
        plan=LoadPlan(device="cpu", dtype="float32", quantization="none"),
        source="scripted",
        load_seconds=0.0,
        end_of_turn_ids=end_of_turn_ids(tokenizer, model),
    )
