"""Prompt building: chat messages and the Llama-3 text, byte for byte as in training."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from transformers import PreTrainedTokenizerFast

from agent.prompt import customer_hint_text, render_prompt, turns_to_messages
from agent.protocol import render_tool_block, render_tool_result
from agent.turns import ChatTurn, ToolCall

# One dialogue in the original team's training-data format (rol/icerik/arac_cagrilari).
ORIGINAL_DIALOGUE: list[dict[str, Any]] = [
    {"rol": "kullanici", "icerik": "Bu ayki faturamı öğrenebilir miyim? ID: 5108"},
    {"rol": "asistan", "icerik": "Bir saniye, kontrol ediyorum."},
    {
        "rol": "asistan",
        "icerik": None,
        "arac_cagrilari": [{"fonksiyon": "get_current_bill", "parametreler": {"user_id": 5108}}],
    },
    {
        "rol": "arac",
        "icerik": (
            '{"bill_id":"F-2026-004217","user_id":5108,"amount":1234.56,'
            '"currency":"TRY","due_date":"2026-12-15","status":"unpaid"}'
        ),
    },
    {
        "rol": "asistan",
        "icerik": "Bu ayki faturanız 1.234,56 TL, son ödeme tarihi 15 Aralık 2026.",
    },
]

# What the stock Llama-3 template made of that dialogue in training, plus the
# assistant header the model continues from.
EXPECTED_PROMPT = (
    "<|begin_of_text|>"
    "<|start_header_id|>user<|end_header_id|>\n\n"
    "Bu ayki faturamı öğrenebilir miyim? ID: 5108<|eot_id|>"
    "<|start_header_id|>assistant<|end_header_id|>\n\n"
    "Bir saniye, kontrol ediyorum.<|eot_id|>"
    "<|start_header_id|>assistant<|end_header_id|>\n\n"
    "<|begin_of_tool_code|>\nprint(get_current_bill(user_id=5108))\n<|end_of_tool_code|>"
    "<|eot_id|>"
    "<|start_header_id|>tool<|end_header_id|>\n\n"
    '{"bill_id":"F-2026-004217","user_id":5108,"amount":1234.56,'
    '"currency":"TRY","due_date":"2026-12-15","status":"unpaid"}<|eot_id|>'
    "<|start_header_id|>assistant<|end_header_id|>\n\n"
    "Bu ayki faturanız 1.234,56 TL, son ödeme tarihi 15 Aralık 2026.<|eot_id|>"
    "<|start_header_id|>assistant<|end_header_id|>\n\n"
)

ROLES = {"kullanici": "user", "asistan": "assistant", "arac": "tool"}


def turns_from_original(dialogue: list[dict[str, Any]]) -> list[ChatTurn]:
    """Turn the original record into ChatTurns the way the agent stores them."""
    turns = []
    for entry in dialogue:
        if entry.get("arac_cagrilari"):
            calls = tuple(
                ToolCall(call["fonksiyon"], call["parametreler"])
                for call in entry["arac_cagrilari"]
            )
            turns.append(ChatTurn("assistant", render_tool_block(calls), calls))
        else:
            turns.append(ChatTurn(ROLES[entry["rol"]], entry["icerik"]))  # type: ignore[arg-type]
    return turns


def test_original_dialogue_renders_byte_for_byte_with_the_built_in_template() -> None:
    messages = turns_to_messages(
        turns_from_original(ORIGINAL_DIALOGUE), customer_id=None, customer_hint="none"
    )
    assert render_prompt(messages) == EXPECTED_PROMPT


def test_original_dialogue_renders_the_same_bytes_through_a_tokenizer(
    llama3_tokenizer: PreTrainedTokenizerFast,
) -> None:
    messages = turns_to_messages(
        turns_from_original(ORIGINAL_DIALOGUE), customer_id=None, customer_hint="none"
    )
    assert render_prompt(messages, llama3_tokenizer) == EXPECTED_PROMPT


def test_user_prefix_hint_reproduces_the_trained_id_marking() -> None:
    dialogue = [dict(entry) for entry in ORIGINAL_DIALOGUE]
    dialogue[0]["icerik"] = "Bu ayki faturamı öğrenebilir miyim?"
    messages = turns_to_messages(
        turns_from_original(dialogue), customer_id=5108, customer_hint="user_prefix"
    )
    assert render_prompt(messages) == EXPECTED_PROMPT


def test_user_prefix_marks_only_the_first_user_message() -> None:
    turns = [
        ChatTurn("user", "Merhaba"),
        ChatTurn("assistant", "Buyrun."),
        ChatTurn("user", "Fatura"),
    ]
    messages = turns_to_messages(turns, customer_id=1001, customer_hint="user_prefix")
    assert [m["content"] for m in messages] == ["Merhaba ID: 1001", "Buyrun.", "Fatura"]


def test_system_hint_names_the_linked_customer_in_turkish() -> None:
    messages = turns_to_messages(
        [ChatTurn("user", "Faturam?")], customer_id=1001, customer_hint="system"
    )
    assert messages == [
        {"role": "system", "content": customer_hint_text(1001)},
        {"role": "user", "content": "Faturam?"},
    ]
    assert "1001 numaralı müşteri" in messages[0]["content"]
    assert "user_id her zaman 1001" in messages[0]["content"]


def test_unlinked_chat_carries_no_customer_number() -> None:
    turns = [ChatTurn("user", "Paketleriniz neler?")]
    for hint in ("system", "user_prefix", "none"):
        messages = turns_to_messages(turns, customer_id=None, customer_hint=hint)
        assert messages == [{"role": "user", "content": "Paketleriniz neler?"}]


def test_no_hint_adds_nothing() -> None:
    turns = [ChatTurn("user", "Faturam?")]
    assert turns_to_messages(turns, customer_id=1001, customer_hint="none") == [
        {"role": "user", "content": "Faturam?"}
    ]


def test_tool_call_turn_is_shown_in_the_trained_form_whatever_its_raw_text() -> None:
    call = ToolCall("get_package_details", {"package_name": "Süper Konuşma"})
    raw = "<begin_of_tool_code|>get_package_details(package_name='Süper Konuşma')"
    messages = turns_to_messages(
        [ChatTurn("assistant", raw, (call,))], customer_id=None, customer_hint="none"
    )
    assert messages == [{"role": "assistant", "content": render_tool_block([call])}]


def test_tool_result_turn_keeps_its_json() -> None:
    content = render_tool_result({"internet_remaining_gb": 12.5})
    messages = turns_to_messages(
        [ChatTurn("tool", content)], customer_id=None, customer_hint="none"
    )
    assert messages == [{"role": "tool", "content": '{"internet_remaining_gb":12.5}'}]


def test_empty_conversation_renders_only_the_generation_header(
    llama3_tokenizer: PreTrainedTokenizerFast,
) -> None:
    expected = "<|start_header_id|>assistant<|end_header_id|>\n\n"
    assert render_prompt([]) == expected
    assert render_prompt([], llama3_tokenizer) == expected


def test_tokenizer_without_template_falls_back_to_the_llama3_format(
    untemplated_tokenizer: PreTrainedTokenizerFast,
) -> None:
    messages = [{"role": "user", "content": "Merhaba"}]
    assert render_prompt(messages, untemplated_tokenizer) == render_prompt(messages)


messages_lists = st.lists(
    st.fixed_dictionaries(
        {
            "role": st.sampled_from(["system", "user", "assistant", "tool"]),
            "content": st.text(alphabet=st.characters(exclude_categories=["Cs"])),
        }
    ),
    min_size=1,
    max_size=6,
)


@given(messages_lists)
def test_built_in_renderer_equals_the_stock_template_for_any_messages(
    llama3_tokenizer: PreTrainedTokenizerFast, messages: list[dict[str, str]]
) -> None:
    assert render_prompt(messages) == render_prompt(messages, llama3_tokenizer)
