"""Property tests: round trips, robustness, and stream/whole agreement."""

from __future__ import annotations

import itertools
import math
from typing import Any

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from agent.protocol import (
    BEGIN_TOOL_CODE,
    END_TOOL_CODE,
    StreamEvent,
    ToolBlockFinished,
    ToolBlockStarted,
    ToolStreamParser,
    VisibleText,
    parse_output,
    render_tool_block,
)
from agent.protocol.tags import TAG_PATTERN, partial_tag_length
from agent.turns import ToolCall

TURKISH = "abcçdefgğhıijklmnoöprsştuüvyzABCÇDEFGĞHIİJKLMNOÖPRSŞTUÜVYZ"
TRICKY = " '\"\\\n\t\r/{}[](),;:=#<>|-.0123456789"

texts = st.text(alphabet=st.sampled_from(TURKISH + TRICKY), max_size=30) | st.text(max_size=30)
scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | texts
)
values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(texts, children, max_size=4),
    max_leaves=8,
)
names = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=12)
calls = st.builds(ToolCall, names, st.dictionaries(names, values, max_size=4))

FRAGMENTS = [
    BEGIN_TOOL_CODE,
    END_TOOL_CODE,
    "<begin_of_tool_code|>",
    "<|end_of_tool_code>",
    "<|begin_of_to",
    "<",
    "|",
    ">",
    "print(",
    "get_current_bill(",
    "f(",
    "user_id=",
    "a=",
    "=",
    ")",
    "(",
    ",",
    ";",
    "'",
    '"',
    "\\",
    "\\u00fc",
    "\\ud83d",
    "\\x",
    "[",
    "]",
    "{",
    "}",
    ":",
    "1",
    "-2.5e3",
    "true",
    "None",
    "ı",
    "\n",
    " ",
    "#",
    "```",
]
protocol_texts = st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=4), max_size=80).map(
    "".join
)


def same(left: Any, right: Any) -> bool:
    """Equal values of equal types (so True is not 1 and -0.0 is not 0.0)."""
    if type(left) is not type(right):
        return False
    if isinstance(left, list):
        return len(left) == len(right) and all(map(same, left, right))
    if isinstance(left, dict):
        return list(left) == list(right) and all(same(left[k], right[k]) for k in left)
    if isinstance(left, float):
        return left == right and math.copysign(1, left) == math.copysign(1, right)
    return bool(left == right)


@given(st.lists(calls, min_size=1, max_size=3))
def test_rendered_block_parses_back_to_the_same_calls(original: list[ToolCall]) -> None:
    parsed = parse_output(render_tool_block(original))
    assert parsed.problems == ()
    assert parsed.visible_text == ""
    assert len(parsed.calls) == len(original)
    for got, want in zip(parsed.calls, original, strict=True):
        assert got.name == want.name
        assert same(got.arguments, want.arguments)


@given(values)
def test_python_literal_arguments_parse_to_the_same_value(value: Any) -> None:
    literal = repr(value)  # single quotes, \x/\u/\U escapes, True/False/None
    assume(TAG_PATTERN.search(literal) is None)
    parsed = parse_output(f"{BEGIN_TOOL_CODE}\nprint(f(v={literal}))\n{END_TOOL_CODE}")
    assert parsed.problems == ()
    assert same(parsed.calls[0].arguments["v"], value)


@given(st.text() | protocol_texts)
def test_parse_never_raises_and_never_fails_internally(text: str) -> None:
    parsed = parse_output(text)
    assert all(problem.reason != "internal_error" for problem in parsed.problems)
    for segment in parsed.text_segments:
        assert TAG_PATTERN.search(segment) is None


def shown_text(events: list[StreamEvent]) -> str:
    return "".join(event.text for event in events if isinstance(event, VisibleText))


@st.composite
def chunked_outputs(draw: st.DrawFn) -> tuple[str, list[str]]:
    text = draw(protocol_texts | st.text())
    cuts = sorted(draw(st.lists(st.integers(0, len(text)), max_size=25)))
    bounds = [0, *cuts, len(text)]
    return text, [text[start:end] for start, end in itertools.pairwise(bounds)]


@settings(max_examples=300)
@given(chunked_outputs())
def test_stream_agrees_with_the_whole_parse_for_any_chunking(case: tuple[str, list[str]]) -> None:
    text, chunks = case
    parser = ToolStreamParser()
    events = []
    fed_so_far = ""
    for chunk in chunks:
        events += parser.feed(chunk)
        fed_so_far += chunk
        # What is shown so far is exactly the settled text: everything up to a
        # trailing possible tag start, never that start itself.
        settled = fed_so_far[: len(fed_so_far) - partial_tag_length(fed_so_far)]
        assert shown_text(events) == "".join(parse_output(settled).text_segments)
    events += parser.close()

    whole = parse_output(text)
    shown = shown_text(events)
    finished = [event for event in events if isinstance(event, ToolBlockFinished)]
    assert shown == "".join(whole.text_segments)
    assert tuple(call for event in finished for call in event.calls) == whole.calls
    assert tuple(problem for event in finished for problem in event.problems) == whole.problems
    assert sum(isinstance(event, ToolBlockStarted) for event in events) == whole.tool_blocks
    assert len(finished) == whole.tool_blocks
