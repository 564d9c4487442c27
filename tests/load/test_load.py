"""The load test in its CI form: 200 chats for 10 s against the real bot.

The same run as ``python -m bench load`` (``bench/load.py``: 1,000 chats for
60 s), shortened: the real bot in a process of its own on the ``rules``
backend, the Telegram stand-in, simulated customers that send, wait for the
answer, think and send again. It must lose no message, log no error, and its
resident memory must stay flat after the warm-up.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.load import LoadOptions, run_load

# load: many chats against real processes (`make test-fast` leaves them out).
pytestmark = pytest.mark.slow

CI_LOAD = LoadOptions(chats=200, duration_s=10.0, think_s=2.0, sample_s=0.5, max_growth_mb=24.0)


async def test_two_hundred_chats_for_ten_seconds_lose_nothing_and_memory_stays_flat(
    tmp_path: Path,
) -> None:
    report = await run_load(CI_LOAD, tmp_path)

    assert report.lost == 0
    assert report.error_lines == []
    assert report.answered >= CI_LOAD.chats  # every chat was answered, most several times
    assert report.rss_growth_mb <= CI_LOAD.max_growth_mb, report.rss_samples
    assert report.passed
