"""Fixtures for the protocol and prompt tests."""

from __future__ import annotations

import pytest
from tokenizers import Tokenizer, models, pre_tokenizers
from transformers import PreTrainedTokenizerFast

from agent.prompt import LLAMA3_CHAT_TEMPLATE


def build_llama3_style_tokenizer(*, with_template: bool = True) -> PreTrainedTokenizerFast:
    """A tiny real Hugging Face tokenizer carrying the stock Llama-3 chat template.

    The real Llama-3 tokenizer cannot be downloaded here; the chat template is
    what matters for prompt rendering, and transformers renders it through the
    same ``apply_chat_template`` code path as for the real model.
    """
    backend = Tokenizer(models.WordLevel(vocab={"[UNK]": 0}, unk_token="[UNK]"))
    backend.pre_tokenizer = pre_tokenizers.Whitespace()
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=backend,
        bos_token="<|begin_of_text|>",
        eos_token="<|eot_id|>",
        unk_token="[UNK]",
    )
    if with_template:
        tokenizer.chat_template = LLAMA3_CHAT_TEMPLATE
    return tokenizer


@pytest.fixture(scope="session")
def llama3_tokenizer() -> PreTrainedTokenizerFast:
    return build_llama3_style_tokenizer()


@pytest.fixture(scope="session")
def untemplated_tokenizer() -> PreTrainedTokenizerFast:
    return build_llama3_style_tokenizer(with_template=False)
