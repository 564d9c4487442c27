"""trim_to_budget: which history the model still sees when the chat grows long."""

from __future__ import annotations

from collections.abc import Sequence

from hypothesis import given
from hypothesis import strategies as st
from transformers import PreTrainedTokenizerFast

from agent.prompt import (
    estimate_tokens,
    render_prompt,
    tokenizer_token_counter,
    trim_to_budget,
    turns_to_messages,
)
from agent.protocol import render_tool_block, render_tool_result
from agent.turns import ChatTurn, ToolCall


def user(text: str) -> ChatTurn:
    return ChatTurn("user", text)


def assistant(text: str) -> ChatTurn:
    return ChatTurn("assistant", text)


def call(name: str, **arguments: object) -> ChatTurn:
    calls = (ToolCall(name, dict(arguments)),)
    return ChatTurn("assistant", render_tool_block(calls), calls)


def result(**data: object) -> ChatTurn:
    return ChatTurn("tool", render_tool_result(data))


def prompt_size(turns: Sequence[ChatTurn]) -> int:
    """Characters of the rendered prompt: an exact, simple counter for these tests."""
    messages = turns_to_messages(turns, customer_id=None, customer_hint="none")
    return len(render_prompt(messages))


HISTORY = [
    user("Merhaba, faturamı öğrenebilir miyim?"),
    assistant("Bir saniye, kontrol ediyorum."),
    call("get_current_bill", user_id=1001),
    result(amount=316.42, status="unpaid"),
    assistant("Faturanız 316,42 TL."),
    user("Paketimde ne kadar internet kaldı?"),
    call("get_remaining_quotas", user_id=1001),
    result(internet_remaining_gb=12.5),
]
NEWEST_USER = 5


def test_everything_is_kept_when_it_fits() -> None:
    assert trim_to_budget(HISTORY, prompt_size(HISTORY), len) == HISTORY


def test_oldest_exchanges_go_first_and_the_kept_history_starts_with_a_user_turn() -> None:
    # Room for all but the first question: its whole exchange goes, since the
    # model never saw a dialogue that starts with an answer or a tool call.
    budget = prompt_size(HISTORY[1:])
    kept = trim_to_budget(HISTORY, budget, len)
    assert kept == HISTORY[NEWEST_USER:]
    assert kept[0].role == "user"
    assert prompt_size(kept) <= budget


def test_a_tool_call_is_never_kept_without_its_question() -> None:
    for start in (2, 3, 4):
        kept = trim_to_budget(HISTORY, prompt_size(HISTORY[start:]), len)
        assert kept == HISTORY[NEWEST_USER:]


def test_the_newest_user_turn_and_what_follows_are_always_kept() -> None:
    kept = trim_to_budget(HISTORY, 10, len)
    assert kept == HISTORY[NEWEST_USER:]


def test_history_never_starts_with_an_orphaned_tool_result_or_answer() -> None:
    history = [result(amount=1), assistant("Tamam."), user("Teşekkürler")]
    assert trim_to_budget(history, 10_000, len) == history[2:]


def test_without_a_user_turn_the_newest_assistant_step_is_kept() -> None:
    history = [assistant("Merhaba"), call("get_available_packages"), result(packages=[])]
    assert trim_to_budget(history, 1, len) == history[1:]


def test_empty_history_stays_empty() -> None:
    assert trim_to_budget([], 100) == []


def test_default_counter_is_a_documented_estimate() -> None:
    assert estimate_tokens("") == 0
    assert estimate_tokens("abc") == 1
    assert estimate_tokens("abcd") == 2
    budget = estimate_tokens(
        render_prompt(turns_to_messages(HISTORY[2:], customer_id=None, customer_hint="none"))
    )
    assert trim_to_budget(HISTORY, budget) == HISTORY[NEWEST_USER:]


def test_customer_hint_is_counted_in_the_budget() -> None:
    budget = prompt_size(HISTORY)  # fits without the hint, not with it
    kept = trim_to_budget(HISTORY, budget, len, customer_id=1001, customer_hint="system")
    assert len(kept) < len(HISTORY)
    messages = turns_to_messages(kept, customer_id=1001, customer_hint="system")
    assert len(render_prompt(messages)) <= budget


def test_trimming_with_a_real_tokenizer_counter(llama3_tokenizer: PreTrainedTokenizerFast) -> None:
    count = tokenizer_token_counter(llama3_tokenizer)
    full = count(
        render_prompt(
            turns_to_messages(HISTORY, customer_id=None, customer_hint="none"), llama3_tokenizer
        )
    )
    kept = trim_to_budget(HISTORY, full - 1, count, tokenizer=llama3_tokenizer)
    assert 0 < len(kept) < len(HISTORY)
    messages = turns_to_messages(kept, customer_id=None, customer_hint="none")
    assert count(render_prompt(messages, llama3_tokenizer)) <= full - 1


turn_kinds = st.lists(st.sampled_from(["user", "text", "call", "tool"]), max_size=14)


def build_history(kinds: list[str]) -> list[ChatTurn]:
    makers = {
        "user": lambda i: user(f"soru {i} " * (i % 4 + 1)),
        "text": lambda i: assistant(f"cevap {i} " * (i % 3 + 1)),
        "call": lambda i: call("get_current_bill", user_id=i),
        "tool": lambda i: result(amount=i, status="paid"),
    }
    return [makers[kind](index) for index, kind in enumerate(kinds)]


@given(turn_kinds, st.integers(0, 2000))
def test_trimming_invariants_for_any_history_and_budget(kinds: list[str], budget: int) -> None:
    history = build_history(kinds)
    kept = trim_to_budget(history, budget, len)
    start = len(history) - len(kept)
    assert history[start:] == kept  # a suffix, order untouched
    users = [i for i, turn in enumerate(history) if turn.role == "user"]
    if kept and users:
        assert kept[0].role == "user"  # as every training dialogue started
    if kept:
        assert kept[0].role != "tool"
    if users:
        assert start <= users[-1]  # the newest user turn survives
        # Over budget only when nothing before the newest user turn is left.
        assert prompt_size(kept) <= budget or start == users[-1]
    earlier_users = [i for i in users if i < start]
    if earlier_users and prompt_size(kept) <= budget:
        # Maximal: keeping the previous exchange (from its user turn on) would not fit.
        assert prompt_size(history[earlier_users[-1] :]) > budget
