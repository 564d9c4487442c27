"""ToolStreamParser: what a user sees while the model is still writing."""

from __future__ import annotations

from agent.protocol import (
    StreamEvent,
    ToolBlockFinished,
    ToolBlockStarted,
    ToolStreamParser,
    VisibleText,
    parse_output,
)
from agent.turns import ToolCall


def shown_text(events: list[StreamEvent]) -> str:
    return "".join(event.text for event in events if isinstance(event, VisibleText))


def test_a_tag_split_across_chunks_is_never_shown() -> None:
    parser = ToolStreamParser()
    assert parser.feed("Bir saniye, kontrol ediyorum. <|begin_of_to") == [
        VisibleText("Bir saniye, kontrol ediyorum. ")
    ]
    assert parser.in_tool_block is False
    assert parser.feed("ol_code|>\nprint(get_current_bill(user_id=5108))\n") == [ToolBlockStarted()]
    assert parser.in_tool_block is True
    assert parser.feed("<|end_of_tool") == []
    assert parser.feed("_code|>") == [
        ToolBlockFinished((ToolCall("get_current_bill", {"user_id": 5108}),), ())
    ]
    assert parser.in_tool_block is False
    assert parser.close() == []


def test_text_that_only_looks_like_a_tag_start_is_shown_once_settled() -> None:
    parser = ToolStreamParser()
    events = parser.feed("Kota <|begin_of_to")
    assert shown_text(events) == "Kota "
    events = parser.feed("plam 5 GB")
    assert shown_text(events) == "<|begin_of_toplam 5 GB"


def test_close_releases_held_back_text_that_never_became_a_tag() -> None:
    parser = ToolStreamParser()
    assert shown_text(parser.feed("Fiyat 10 TL <")) == "Fiyat 10 TL "
    assert parser.close() == [VisibleText("<")]


def test_text_inside_a_block_is_never_shown_even_when_left_open() -> None:
    parser = ToolStreamParser()
    events = parser.feed("Tamam.<begin_of_tool_code|>print(get_current_bill(user_id=1))")
    assert shown_text(events) == "Tamam."
    final = parser.close()
    assert final == [ToolBlockFinished((ToolCall("get_current_bill", {"user_id": 1}),), ())]


def test_event_order_for_text_block_text() -> None:
    parser = ToolStreamParser()
    events = parser.feed("Önce <|begin_of_tool_code|>f(a=1)<|end_of_tool_code|> sonra")
    events += parser.close()
    assert events == [
        VisibleText("Önce "),
        ToolBlockStarted(),
        ToolBlockFinished((ToolCall("f", {"a": 1}),), ()),
        VisibleText(" sonra"),
    ]


def test_problems_arrive_with_their_block() -> None:
    parser = ToolStreamParser()
    events = parser.feed("<|begin_of_tool_code|>get_current_bill(5108)<|end_of_tool_code|>")
    finished = [event for event in events if isinstance(event, ToolBlockFinished)]
    assert len(finished) == 1
    assert finished[0].calls == ()
    assert [problem.reason for problem in finished[0].problems] == ["positional_argument"]


def test_parser_is_reusable_after_close() -> None:
    parser = ToolStreamParser()
    parser.feed("<|begin_of_tool_code|>f(a=")
    parser.close()
    assert parser.feed("Yeni cevap") == [VisibleText("Yeni cevap")]
    assert parser.close() == []


def test_character_by_character_stream_agrees_with_the_whole_parse() -> None:
    text = (
        "Bir saniye, kontrol ediyorum.\n<|begin_of_tool_code|>\n"
        "print(get_current_bill(user_id=5108))\n"
        'print(get_package_details(package_name="S\\u00fcper Konu\\u015fma"))\n'
        "<|end_of_tool_code|>\nFaturanız hazır <3"
    )
    parser = ToolStreamParser()
    events = []
    for char in text:
        events += parser.feed(char)
    events += parser.close()
    whole = parse_output(text)
    assert shown_text(events) == "".join(whole.text_segments)
    finished = [event for event in events if isinstance(event, ToolBlockFinished)]
    assert [call for event in finished for call in event.calls] == list(whole.calls)
    assert sum(isinstance(event, ToolBlockStarted) for event in events) == whole.tool_blocks
