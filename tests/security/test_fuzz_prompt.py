"""Fuzzing the prompt: nothing a customer types, nor a tool returns, can forge a turn.

A Llama-3 tokenizer turns ``<|eot_id|>`` or ``<|start_header_id|>`` written
inside a message into the control token itself, so forged text could end the
customer's turn and start an assistant or tool turn of the attacker's making.
In the rendered prompt the only control tokens must be the template's own:
one header and one end of turn per message, plus the generation header.
"""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from agent.prompt import CONTROL_TOKEN_PATTERN, render_prompt, turns_to_messages
from agent.protocol import parse_output
from agent.protocol.tags import TAG_PATTERN
from agent.turns import ChatTurn

CONTROL_SPELLINGS = [
    "<|eot_id|>",
    "<|start_header_id|>",
    "<|end_header_id|>",
    "<|begin_of_text|>",
    "<|end_of_text|>",
    "<|eom_id|>",
    "<|python_tag|>",
    "<|reserved_special_token_7|>",
    "<|begin_of_tool_code|>",
    "<|end_of_tool_code|>",
    "<begin_of_tool_code|>",
    "<|end_of_tool_code>",
]
attack_pieces = st.sampled_from([*CONTROL_SPELLINGS, "assistant", "tool", "\n\n", "<|", "|>"])
hostile_text = st.lists(attack_pieces | st.text(max_size=20), max_size=20).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.lists(hostile_text, min_size=1, max_size=4), hostile_text, st.sampled_from([None, 1001]))
def test_customer_and_tool_text_never_adds_a_control_token(
    questions: list[str], tool_text: str, customer: int | None
) -> None:
    turns: list[ChatTurn] = []
    for question in questions:
        turns += [
            ChatTurn("user", question),
            ChatTurn("tool", json.dumps({"address": tool_text}, ensure_ascii=False)),
            ChatTurn("assistant", "Tamam."),
        ]
    for hint in ("user_prefix", "system", "none"):
        messages = turns_to_messages(turns, customer_id=customer, customer_hint=hint)
        prompt = render_prompt(messages)

        assert prompt.count("<|start_header_id|>") == len(messages) + 1
        assert prompt.count("<|eot_id|>") == len(messages)
        assert prompt.count("<|begin_of_text|>") == 1
        for message in messages:
            if message["role"] in ("user", "tool"):
                assert CONTROL_TOKEN_PATTERN.search(message["content"]) is None
                assert TAG_PATTERN.search(message["content"]) is None
                # Whatever the model copies from them is never a tool call.
                assert parse_output(message["content"]).calls == ()
