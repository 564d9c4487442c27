"""The decisions behind the stream, without a model: ask who speaks next, pass on or not,
where a tool block closes, and incremental decoding."""

from __future__ import annotations

import pytest
from transformers import PreTrainedTokenizerFast

from agent.backends.generation_stream import IncrementalDecoder, StopSignal, ToolBlockWatcher
from agent.backends.tool_continuation import (
    LLAMA3_HEADERS,
    MIN_CONTINUATION_TOKENS,
    ContinuationGate,
    HeaderFormat,
    asks_next_speaker,
    header_format,
    probe_prompt,
    read_next_speaker,
)
from agent.prompt import LLAMA3_CHAT_TEMPLATE

# The longest "wait" message of the training data (disambiguation_data_generator.py
# writes texts of 174 and 186 characters before a call).
LONG_WAIT = (
    "Anladım, paket değişikliği için önce mevcut paketinizi ve size uygun olan "
    "paketleri kontrol etmem gerekiyor; bu birkaç saniye sürebilir, lütfen kısa bir süre "
    "bekleyin, hemen listeliyorum."
)

# -- whether to ask the model who speaks next ---------------------------------------------


@pytest.mark.parametrize(
    ("text", "reason", "tokens_left", "expected"),
    [
        ("Bir saniye, kontrol ediyorum.", "end_of_turn", 100, True),
        (LONG_WAIT, "end_of_turn", 100, True),
        ("x" * 2000, "end_of_turn", 100, True),  # length decides nothing any more
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
def test_asks_next_speaker(text: str, reason: str, tokens_left: int, expected: bool) -> None:
    assert asks_next_speaker(text, reason, tokens_left) is expected  # type: ignore[arg-type]


def test_the_long_wait_message_is_as_long_as_the_training_data_s() -> None:
    assert len(LONG_WAIT) > 180  # the old rule (continue below 120 characters) missed it


@pytest.mark.parametrize(
    ("probe_output", "speaker"),
    [
        ("assistant", "assistant"),
        ("assistant<|end_header_id|>", "assistant"),
        (" Assistant ", "assistant"),
        ("user", "user"),
        ("tool", "other"),
        ("Merhaba", "other"),
        ("", "other"),
    ],
)
def test_read_next_speaker(probe_output: str, speaker: str) -> None:
    assert read_next_speaker(probe_output) == speaker


def test_chatml_role_names_end_at_the_newline() -> None:
    chatml = HeaderFormat(opener="<|im_start|>", closer="\n")

    assert read_next_speaker("assistant\n<|begin", chatml) == "assistant"
    assert read_next_speaker("user\nMerhaba", chatml) == "user"


class _TemplateTokenizer:
    """Stands in for a Hugging Face tokenizer: only its chat template is used here."""

    def __init__(self, template: str) -> None:
        self.chat_template = template

    def apply_chat_template(
        self, messages: list[dict[str, str]], tokenize: bool, add_generation_prompt: bool = False
    ) -> str:
        from jinja2 import Template

        rendered: str = Template(self.chat_template).render(
            messages=messages, add_generation_prompt=add_generation_prompt, bos_token="<s>"
        )
        return rendered


CHATML = (
    "{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n"
    "{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)


def test_the_header_format_is_read_off_the_chat_template() -> None:
    assert header_format(None) == LLAMA3_HEADERS
    assert header_format(_TemplateTokenizer(LLAMA3_CHAT_TEMPLATE)) == HeaderFormat(
        "<|start_header_id|>", "<|end_header_id|>\n\n"
    )
    assert header_format(_TemplateTokenizer(CHATML)) == HeaderFormat("<|im_start|>", "\n")


def test_the_probe_prompt_ends_with_the_message_and_the_header_opener() -> None:
    messages = [{"role": "user", "content": "Faturam ne kadar?"}]

    prompt = probe_prompt(messages, "Bir saniye, kontrol ediyorum.")

    assert prompt == (
        "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nFaturam ne kadar?"
        "<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n"
        "Bir saniye, kontrol ediyorum.<|eot_id|><|start_header_id|>"
    )


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
