"""The decisions behind the stream, without a model: continue or not, pass on or not,
where a tool block closes, and incremental decoding."""

from __future__ import annotations

import pytest
from transformers import PreTrainedTokenizerFast

from agent.backends.generation_stream import IncrementalDecoder, StopSignal, ToolBlockWatcher
from agent.backends.tool_continuation import (
    MIN_CONTINUATION_TOKENS,
    SHORT_MESSAGE_CHARS,
    ContinuationGate,
    should_continue,
)

# -- whether to let the model write one more assistant message ---------------------------


@pytest.mark.parametrize(
    ("text", "reason", "tokens_left", "expected"),
    [
        ("Bir saniye, kontrol ediyorum.", "end_of_turn", 100, True),
        ("x" * (SHORT_MESSAGE_CHARS - 1), "end_of_turn", 100, True),
        ("x" * SHORT_MESSAGE_CHARS, "end_of_turn", 100, False),
        ("  kısa  \n", "end_of_turn", 100, True),
        ("   \n", "end_of_turn", 100, False),
        ("", "end_of_turn", 100, False),
        ("Bir saniye, kontrol ediyorum.", "max_tokens", 100, False),
        ("Bir saniye, kontrol ediyorum.", "cancelled", 100, False),
        ("Bir saniye, kontrol ediyorum.", "timeout", 100, False),
        ("Bir saniye, kontrol ediyorum.", "end_of_turn", MIN_CONTINUATION_TOKENS - 1, False),
        ("Bakıyorum <|begin_of_tool_code|>\nprint(f(", "end_of_turn", 100, False),
        ("Bakıyorum <begin_of_tool_code|>", "end_of_turn", 100, False),
    ],
)
def test_should_continue(text: str, reason: str, tokens_left: int, expected: bool) -> None:
    assert should_continue(text, reason, tokens_left) is expected  # type: ignore[arg-type]


def feed_all(gate: ContinuationGate, pieces: list[str]) -> str:
    return "".join(gate.feed(piece) for piece in pieces)


@pytest.mark.parametrize(
    "pieces",
    [
        ["<|begin_of_tool_code|>\nprint(f())"],
        ["<", "|", "begin", "_of_tool_code|>", "\nprint(f())"],
        ["\n\n  ", "<|begin_of", "_tool_code|>\nprint(f())"],
        ["<begin_of_tool_code|>\nprint(f())"],
        ["<|begin_of_tool_code>\nprint(f())"],
    ],
)
def test_a_continuation_that_opens_a_tool_block_is_passed_on_from_the_tag(
    pieces: list[str],
) -> None:
    gate = ContinuationGate()

    passed = feed_all(gate, pieces)

    assert gate.state == "accepted"
    assert passed.lstrip().startswith(("<|begin", "<begin"))
    assert passed.endswith("\nprint(f())")
    assert gate.feed(" devam") == " devam"


@pytest.mark.parametrize(
    "pieces",
    [
        ["Başka bir sorunuz var mı?"],
        ["<", "b", "r>"],
        ["\n", "Tamam"],
        ["<|end_of_tool_code|>"],
    ],
)
def test_a_continuation_that_opens_with_anything_else_is_discarded(pieces: list[str]) -> None:
    gate = ContinuationGate()

    passed = feed_all(gate, pieces)

    assert passed == ""
    assert gate.state == "rejected"
    assert gate.feed("<|begin_of_tool_code|>") == ""


def test_the_gate_waits_while_the_opening_may_still_become_a_tag() -> None:
    gate = ContinuationGate()

    assert gate.feed("  <|begin_of_to") == ""

    assert gate.state == "undecided"


# -- where an open tool block closes -------------------------------------------------------


def watch(pieces: list[str]) -> list[int | None]:
    watcher = ToolBlockWatcher()
    return [watcher.feed(piece) for piece in pieces]


def test_the_end_tag_of_an_open_block_is_found_in_the_piece_that_completes_it() -> None:
    pieces = ["Bak <|begin_of_tool_code|>\nprint(f())\n<|end_of_", "tool_code|>\nsonrası"]

    assert watch(pieces) == [None, len("tool_code|>")]


def test_a_tag_split_over_many_pieces_is_found() -> None:
    text = "<|begin_of_tool_code|>f()<|end_of_tool_code|>tail"
    positions = watch(list(text))

    closing = [index for index, cut in enumerate(positions) if cut is not None]
    assert closing == [text.index("tail") - 1]
    assert positions[closing[0]] == 1


def test_an_end_tag_without_an_open_block_is_ignored() -> None:
    assert watch(["metin <|end_of_tool_code|> devam", " ve son"]) == [None, None]


@pytest.mark.parametrize(
    "end", ["<end_of_tool_code|>", "<|end_of_tool_code>", "<end_of_tool_code>"]
)
def test_every_spelling_of_the_end_tag_closes_a_block(end: str) -> None:
    block = f"<begin_of_tool_code|>f(){end}"

    assert watch([block + "rest"]) == [len(block)]


# -- decoding tokens as they come --------------------------------------------------------------


def test_incremental_decoding_equals_decoding_at_once(
    tiny_tokenizer: PreTrainedTokenizerFast,
) -> None:
    text = "Şebeke arızası: İğdır'da ığüşöç; fatura 1.234,56 TL. <|begin_of_tool_code|>"
    ids = tiny_tokenizer.encode(text, add_special_tokens=False)
    decoder = IncrementalDecoder(tiny_tokenizer)

    pieces = [decoder.push(token) for token in ids]
    pieces.append(decoder.flush())

    assert "".join(pieces) == text
    assert not any("\ufffd" in piece for piece in pieces)
    assert sum(1 for piece in pieces if piece) > 10


def test_special_tokens_are_not_shown(tiny_tokenizer: PreTrainedTokenizerFast) -> None:
    decoder = IncrementalDecoder(tiny_tokenizer)
    ids = tiny_tokenizer.encode("Tamam", add_special_tokens=False)
    ids.append(tiny_tokenizer.convert_tokens_to_ids("<|eot_id|>"))

    text = "".join(decoder.push(token) for token in ids) + decoder.flush()

    assert text == "Tamam"


# -- the stop signal ----------------------------------------------------------------------------


def test_the_first_stop_reason_wins_and_the_deadline_stops() -> None:
    signal = StopSignal(deadline=None)
    assert not signal.should_stop()
    signal.stop("tool_block")
    signal.stop("cancelled")
    assert signal.should_stop()
    assert signal.reason == "tool_block"

    expired = StopSignal(deadline=0.0)
    assert expired.should_stop()
    assert expired.reason == "timeout"
