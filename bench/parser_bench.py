"""Time the tool-call parsers on 100 kB of adversarial output.

Run: ``.venv/bin/python -m bench.parser_bench``. Prints milliseconds per
parse (best of several runs) for each input shape, for ``parse_output`` and
for ``ToolStreamParser`` fed in 16-character chunks, at 10 kB and 100 kB, so
the ratio shows that the work grows linearly.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from functools import partial

from agent.protocol import BEGIN_TOOL_CODE, ToolStreamParser, parse_output

SIZES = (10_000, 100_000)
REPEATS = 5


def adversarial_inputs(size: int) -> dict[str, str]:
    """Inputs that make naive regex or rescanning parsers slow, each about ``size`` chars."""

    def fill(unit: str, prefix: str = BEGIN_TOOL_CODE) -> str:
        return prefix + unit * ((size - len(prefix)) // len(unit) + 1)

    bad_block = (
        f"{BEGIN_TOOL_CODE}\n"
        + "print(f(a=[{'k': \"[(\\\"'\n" * 6
        + 'f(a="\\"\'\\\n' * 6
        + "print(g(a='x\\'y', b=[1, {'c': null}]))\n<|end_of_tool_code|> metin <|begin_of_to"
    )
    return {
        "blocks of bad lines": fill(bad_block, prefix=""),
        "nested quotes and brackets": fill("print(f(a=[{'k': \"[(\\\"'"),
        "unterminated strings": fill('f(a="\\"\'\\\\'),
        "deep brackets": fill("["),
        "many short bad lines": fill("f(a=[\n"),
        "many good calls": fill('print(get_current_bill(user_id=5108, note="S\\u00fcper"))\n'),
        "near-miss tags": fill("<|begin_of_tool_cod", prefix=""),
        "plain text": fill("Faturanız 1.234,56 TL. ", prefix=""),
    }


def best_ms(action: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(REPEATS):
        started = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - started)
    return best * 1000


def stream_in_chunks(text: str, size: int = 16) -> None:
    parser = ToolStreamParser()
    for start in range(0, len(text), size):
        parser.feed(text[start : start + size])
    parser.close()


def main() -> None:
    """Print a table of timings."""
    logging.disable(logging.WARNING)  # problem summaries are expected here
    print(f"{'input':30} {'size':>8} {'parse_output ms':>16} {'stream(16) ms':>14}")
    for size in SIZES:
        for name, text in adversarial_inputs(size).items():
            whole = best_ms(partial(parse_output, text))
            streamed = best_ms(partial(stream_in_chunks, text))
            print(f"{name:30} {len(text):>8} {whole:>16.2f} {streamed:>14.2f}")


if __name__ == "__main__":
    main()
