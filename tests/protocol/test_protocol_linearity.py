"""The parsers' work grows linearly with the output, even on adversarial text.

Wall-clock limits are not asserted (the lead does not want timed tests; see
``bench/parser_bench.py`` for the figures). Instead, each parser runs on 10 kB
and 100 kB of the same adversarial pattern and the growth of its work must be
about tenfold, where a quadratic parser grows about a hundredfold:

- Python-level work is counted exactly with ``sys.setprofile`` (every Python
  and C function call), so that bound can be tight;
- work done inside single C calls (string building, regex scans) is invisible
  to that count, so CPU time is compared too, with a generous bound.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable, Iterator

import pytest

from agent.protocol import ToolStreamParser, parse_output
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
    best = float("inf")
    for _ in range(repeats):
        started = time.process_time()
        action()
        best = min(best, time.process_time() - started)
    return best


def stream_in_chunks(text: str, size: int = 4) -> None:
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


@pytest.mark.parametrize("name", ["blocks of bad lines", "many good calls", "near-miss tags"])
def test_cpu_time_grows_linearly(name: str) -> None:
    small, large = adversarial_inputs(SMALL)[name], adversarial_inputs(LARGE)[name]
    for action in (parse_output, stream_in_chunks):
        small_time = best_cpu_seconds(lambda action=action: action(small))
        large_time = best_cpu_seconds(lambda action=action: action(large))
        # Linear is about 10x; quadratic would be about 100x.
        assert large_time <= 30 * max(small_time, 0.0005), action.__name__
