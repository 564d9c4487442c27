"""The parsers' work grows linearly with the output, even on adversarial text.

Wall-clock limits are not asserted (the lead does not want timed tests; see
``bench/parser_bench.py`` for the figures). Instead, each parser runs on 10 kB
and 100 kB of the same adversarial pattern and the growth of its work must be
about tenfold, where a quadratic parser grows about a hundredfold:

- Python-level work is counted exactly with ``sys.setprofile`` (every Python
  and C function call), so that bound can be tight;
- work done inside single C calls (string building, regex scans) is invisible
  to that count, so CPU time is compared too, with generous bounds: 100 kB
  against 1 MB for the whole parser, and the last tenth of a 1 MB stream's
  chunks against its first tenth for the streaming parser.
"""

from __future__ import annotations

import gc
import logging
import sys
import time
from collections.abc import Callable, Iterator

import pytest

from agent.protocol import BEGIN_TOOL_CODE, ToolStreamParser, parse_output
from bench.parser_bench import adversarial_inputs

SMALL, LARGE = 10_000, 100_000
INPUT_NAMES = list(adversarial_inputs(SMALL))


@pytest.fixture(autouse=True)
def quiet_problem_logs() -> Iterator[None]:
    """Thousands of expected problem summaries would only slow the test down."""
    logging.disable(logging.WARNING)
    yield
    logging.disable(logging.NOTSET)


def counted_calls(action: Callable[[], object]) -> int:
    calls = 0

    def profiler(frame: object, event: str, arg: object) -> None:
        nonlocal calls
        if event in ("call", "c_call"):
            calls += 1

    sys.setprofile(profiler)
    try:
        action()
    finally:
        sys.setprofile(None)
    return calls


def best_cpu_seconds(action: Callable[[], object], repeats: int = 3) -> float:
    """Best CPU time of a few runs, with the cyclic GC paused (its passes grow with the heap)."""
    best = float("inf")
    gc.disable()
    try:
        for _ in range(repeats):
            started = time.process_time()
            action()
            best = min(best, time.process_time() - started)
    finally:
        gc.enable()
    return best


def stream_in_chunks(text: str, size: int = 16) -> None:
    parser = ToolStreamParser()
    for start in range(0, len(text), size):
        parser.feed(text[start : start + size])
    parser.close()


@pytest.mark.parametrize("name", INPUT_NAMES)
def test_parse_output_call_count_grows_linearly(name: str) -> None:
    small, large = adversarial_inputs(SMALL)[name], adversarial_inputs(LARGE)[name]
    small_work = counted_calls(lambda: parse_output(small))
    large_work = counted_calls(lambda: parse_output(large))
    assert large_work <= 12 * small_work + 100


@pytest.mark.parametrize("name", INPUT_NAMES)
def test_stream_call_count_grows_linearly(name: str) -> None:
    small, large = adversarial_inputs(SMALL)[name], adversarial_inputs(LARGE)[name]
    small_work = counted_calls(lambda: stream_in_chunks(small))
    large_work = counted_calls(lambda: stream_in_chunks(large))
    assert large_work <= 12 * small_work + 100


@pytest.mark.parametrize("name", ["blocks of bad lines", "many good calls"])
def test_parse_output_cpu_time_grows_linearly(name: str) -> None:
    medium, huge = adversarial_inputs(100_000)[name], adversarial_inputs(1_000_000)[name]
    medium_time = best_cpu_seconds(lambda: parse_output(medium))
    huge_time = best_cpu_seconds(lambda: parse_output(huge), repeats=2)
    # Linear is about 10x; a scan that copies or rescans the rest of the text
    # per statement grows about 100x.
    assert huge_time <= 20 * max(medium_time, 0.001)


@pytest.mark.parametrize("inside_block", [False, True], ids=["text", "block"])
def test_late_stream_chunks_cost_no_more_than_early_ones(inside_block: bool) -> None:
    near_misses = adversarial_inputs(1_000_000)["near-miss tags"]
    text = f'{BEGIN_TOOL_CODE}print(f(a="{near_misses}' if inside_block else near_misses
    chunks = [text[start : start + 64] for start in range(0, len(text), 64)]
    tenth = len(chunks) // 10

    def feed_timings() -> tuple[float, float]:
        parser = ToolStreamParser()
        started = time.process_time()
        for chunk in chunks[:tenth]:
            parser.feed(chunk)
        early = time.process_time() - started
        for chunk in chunks[tenth:-tenth]:
            parser.feed(chunk)
        started = time.process_time()
        for chunk in chunks[-tenth:]:
            parser.feed(chunk)
        late = time.process_time() - started
        parser.close()
        return early, late

    # Each feed must cost the same whatever came before it; a parser that
    # rescans or copies its buffer pays about 20x more for the last tenth.
    growth = min(late / max(early, 0.001) for early, late in (feed_timings(), feed_timings()))
    assert growth <= 3
