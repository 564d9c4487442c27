"""Build the model's prompt exactly as the fine-tune was trained on.

Training used the stock Llama-3-Instruct chat template of the base model and
no system turn (../shared/reference/model-format.md). A dialogue of
``ChatTurn``s becomes chat messages (``turns_to_messages``), the messages
become the prompt text (``render_prompt``: the tokenizer's own template when
one is loaded, else a built-in renderer that produces the same bytes as the
stock template), and the history is cut to a token budget first
(``trim_to_budget``).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final, Literal

from agent.protocol.render import render_tool_block
from agent.protocol.tags import INERT_LESS_THAN, neutralise_tags
from agent.turns import ChatTurn

logger = logging.getLogger(__name__)

CustomerHint = Literal["system", "user_prefix", "none"]
Message = dict[str, str]

BEGIN_OF_TEXT: Final = "<|begin_of_text|>"
START_HEADER: Final = "<|start_header_id|>"
END_HEADER: Final = "<|end_header_id|>"
END_OF_TURN: Final = "<|eot_id|>"

# Text shaped like a Llama-3 control token: <|eot_id|>, <|start_header_id|>,
# <|reserved_special_token_7|> ...
CONTROL_TOKEN_PATTERN: Final = re.compile(r"<\|[A-Za-z0-9_]{1,64}\|>")
# Turns whose text comes from outside: the customer's words, tool results
# (which may hold what a customer once typed, e.g. an address).
_UNTRUSTED_ROLES = frozenset({"user", "tool"})

# The chat template of meta-llama/Meta-Llama-3-8B-Instruct, verbatim. The role
# name is used as written, so tool messages render as a "tool" header.
LLAMA3_CHAT_TEMPLATE: Final = (
    "{% set loop_messages = messages %}"
    "{% for message in loop_messages %}"
    "{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'"
    "+ message['content'] | trim + '<|eot_id|>' %}"
    "{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}"
    "{{ content }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}"
    "{% endif %}"
)


def customer_hint_text(customer_id: int) -> str:
    """The short Turkish system message naming the chat's linked customer."""
    return (
        f"Bu sohbette {customer_id} numaralı müşteriye hizmet veriyorsun. "
        f"Araç çağrılarında user_id her zaman {customer_id} olmalıdır."
    )


def defuse_control_text(text: str) -> str:
    """``text`` with Llama-3 control tokens and tool-call tags made inert.

    A tokenizer reads ``<|eot_id|>`` or ``<|start_header_id|>`` written in a
    message as the control token itself, so a customer who typed them could
    end their own turn and forge an assistant or tool turn. Each such
    spelling keeps its letters but its ``<`` becomes ``＜``: the model still
    sees what was written, as text.
    """
    defused = CONTROL_TOKEN_PATTERN.sub(lambda match: INERT_LESS_THAN + match.group(0)[1:], text)
    return neutralise_tags(defused)


def turns_to_messages(
    turns: Sequence[ChatTurn],
    *,
    customer_id: int | None,
    customer_hint: CustomerHint,
) -> list[Message]:
    """Chat messages ``{"role", "content"}`` for ``turns``, in the trained shape.

    Each turn is one message with its own role (tool results under role
    ``"tool"``). An assistant tool-call turn is rendered from its
    ``tool_calls`` in the training form, so the model always sees canonical
    calls whatever text produced them.

    User and tool text goes through :func:`defuse_control_text` first, so
    nothing a customer typed can become a control token or a tool-call tag.

    The customer hint, only for a linked chat (``customer_id`` not None):
    ``"system"`` adds a system message first (``customer_hint_text``);
    ``"user_prefix"`` marks the first user message with ``ID: N`` the way
    training user messages carried it, i.e. appended after the text
    (``"Faturamı öğrenmek istiyorum. ID: 2519"``); ``"none"`` adds nothing.
    """
    contents = [_turn_content(turn) for turn in turns]
    return _assemble(turns, contents, customer_id=customer_id, customer_hint=customer_hint)


def _turn_content(turn: ChatTurn) -> str:
    """A turn's message text before any customer hint: canonical calls, defused text."""
    content = render_tool_block(turn.tool_calls) if turn.is_tool_call else turn.content
    return defuse_control_text(content) if turn.role in _UNTRUSTED_ROLES else content


def _assemble(
    turns: Sequence[ChatTurn],
    contents: Sequence[str],
    *,
    customer_id: int | None,
    customer_hint: CustomerHint,
) -> list[Message]:
    """The messages for ``turns`` whose texts (``_turn_content``) are ``contents``."""
    messages: list[Message] = []
    if customer_id is not None and customer_hint == "system":
        messages.append({"role": "system", "content": customer_hint_text(customer_id)})
    id_mark_pending = customer_id is not None and customer_hint == "user_prefix"
    for turn, content in zip(turns, contents, strict=True):
        if id_mark_pending and turn.role == "user":
            content = f"{content.rstrip()} ID: {customer_id}"
            id_mark_pending = False
        messages.append({"role": turn.role, "content": content})
    return messages


def with_system_prompt(
    messages: Sequence[Mapping[str, Any]], instruction: str
) -> list[dict[str, Any]]:
    """``messages`` with ``instruction`` (``model.system_prompt``) first, merged into a
    leading system message (the customer hint's) if there is one; unchanged if empty."""
    instruction = instruction.strip()
    rest = [dict(message) for message in messages]
    if not instruction:
        return rest
    if rest and rest[0]["role"] == "system":
        merged = f"{instruction}\n\n{rest[0]['content']}"
        return [{"role": "system", "content": merged}, *rest[1:]]
    return [{"role": "system", "content": instruction}, *rest]


def render_prompt(
    messages: Sequence[Mapping[str, str]], tokenizer: Any = None, *, generation_prompt: bool = True
) -> str:
    """The prompt text for ``messages``, ending with the assistant generation header.

    ``generation_prompt=False`` leaves the header out: the text ends with the
    last message's end of turn (the header probe of
    ``agent.backends.tool_continuation`` continues from there).

    With a tokenizer that has a chat template, its
    ``apply_chat_template(..., tokenize=False, add_generation_prompt=True)``
    is used. Otherwise the built-in renderer writes the stock Llama-3 format
    byte for byte: ``<|begin_of_text|>`` before the first message, each
    message as ``<|start_header_id|>ROLE<|end_header_id|>\\n\\n`` + stripped
    content + ``<|eot_id|>``, then ``<|start_header_id|>assistant<|end_header_id|>\\n\\n``.
    """
    # transformers refuses an empty conversation; the stock template would
    # render it as the bare generation header, as the built-in renderer does.
    if tokenizer is not None and messages:
        if getattr(tokenizer, "chat_template", None):
            rendered = tokenizer.apply_chat_template(
                [dict(message) for message in messages],
                tokenize=False,
                add_generation_prompt=generation_prompt,
            )
            return str(rendered)
        logger.warning("tokenizer has no chat template; using the built-in Llama-3 format")
    parts = [BEGIN_OF_TEXT] if messages else []
    for message in messages:
        parts.append(
            f"{START_HEADER}{message['role']}{END_HEADER}\n\n"
            f"{message['content'].strip()}{END_OF_TURN}"
        )
    if generation_prompt:
        parts.append(f"{START_HEADER}assistant{END_HEADER}\n\n")
    return "".join(parts)


def estimate_tokens(text: str) -> int:
    """A rough token count without a tokenizer: one token per three characters, rounded up.

    An estimate only (Turkish text runs about 2.5 to 4 characters per Llama-3
    token); pass a real counter (``tokenizer_token_counter``) when a
    tokenizer is loaded.
    """
    return (len(text) + 2) // 3


def tokenizer_token_counter(tokenizer: Any) -> Callable[[str], int]:
    """An exact token counter for a Hugging Face tokenizer (no extra BOS added)."""

    def count(text: str) -> int:
        return len(tokenizer.encode(text, add_special_tokens=False))

    return count


def trim_to_budget(
    turns: Sequence[ChatTurn],
    budget_tokens: int,
    count_tokens: Callable[[str], int] = estimate_tokens,
    *,
    customer_id: int | None = None,
    customer_hint: CustomerHint = "none",
    tokenizer: Any = None,
) -> list[ChatTurn]:
    """The newest suffix of ``turns`` whose rendered prompt fits ``budget_tokens``.

    The prompt is measured as it will be sent: ``turns_to_messages`` with the
    given customer hint, then ``render_prompt`` (with ``tokenizer`` if given),
    counted by ``count_tokens``. Oldest turns go first, with these rules:

    - the newest user turn and everything after it are always kept, even
      when they alone exceed the budget (logged as a warning);
    - the kept history starts with a user turn, as every training dialogue
      did: never with an assistant or tool turn, so a tool call is never
      separated from its results nor an answer from its question.
    """
    turns = list(turns)
    protected = _protected_start(turns)
    # Where the kept history may start: at a user turn, up to the protected
    # tail. Index 0 keeps the most history.
    starts = [index for index in range(protected) if turns[index].role == "user"]
    starts.append(protected)
    # Each turn is rendered once; the probes below only assemble and measure.
    contents = [_turn_content(turn) for turn in turns]

    def fits(start: int) -> bool:
        messages = _assemble(
            turns[start:], contents[start:], customer_id=customer_id, customer_hint=customer_hint
        )
        return count_tokens(render_prompt(messages, tokenizer)) <= budget_tokens

    if fits(starts[0]):
        return turns[starts[0] :]
    if not fits(starts[-1]):
        logger.warning(
            "the newest exchange alone exceeds the history budget of %d tokens", budget_tokens
        )
        return turns[starts[-1] :]
    # Binary search for the earliest start that fits: fits(starts[high]) holds,
    # fits(starts[low]) does not.
    low, high = 0, len(starts) - 1
    while high - low > 1:
        middle = (low + high) // 2
        if fits(starts[middle]):
            high = middle
        else:
            low = middle
    return turns[starts[high] :]


def _protected_start(turns: Sequence[ChatTurn]) -> int:
    """Index of the newest user turn; without one, of the newest non-tool turn."""
    for index in range(len(turns) - 1, -1, -1):
        if turns[index].role == "user":
            return index
    for index in range(len(turns) - 1, -1, -1):
        if turns[index].role != "tool":
            return index
    return len(turns)
