"""``python -m bench`` works end to end: small runs print their JSON summary last.

These check the tooling, not speed: nothing here is timed. The pipeline run
starts the real bot and the echo bot in processes of their own against the
Telegram stand-in, as the full benchmark does, with five customers.
"""

from __future__ import annotations

import json
import pstats
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def _bench(*arguments: str) -> dict[str, Any]:
    """Run ``python -m bench ARGUMENTS``; its last output line, parsed as JSON."""
    finished = subprocess.run(
        [sys.executable, "-m", "bench", *arguments],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert finished.returncode == 0, finished.stdout[-2000:] + finished.stderr[-4000:]
    last_line = finished.stdout.strip().splitlines()[-1]
    summary = json.loads(last_line)
    assert isinstance(summary, dict)
    return summary


@pytest.mark.slow
def test_pipeline_answers_every_message_of_both_bots() -> None:
    summary = _bench("pipeline", "--chats", "5", "--messages", "20", "--think-s", "0.05")

    for key in (
        "messages_per_s",
        "echo_messages_per_s",
        "ratio_vs_echo",
        "p50_ms",
        "p95_ms",
        "p99_ms",
        "echo_p99_ms",
        "added_p99_ms",
        "cpu_s",
        "peak_rss_mb",
    ):
        assert key in summary, key
    assert summary["unanswered"] == 0
    assert summary["messages_per_s"] > 0
    assert summary["echo_messages_per_s"] > 0
    assert summary["ratio_vs_echo"] == pytest.approx(
        summary["messages_per_s"] / summary["echo_messages_per_s"], rel=0.01
    )
    assert summary["p50_ms"] <= summary["p95_ms"] <= summary["p99_ms"]


@pytest.mark.slow
def test_pipeline_profiles_only_the_phase_asked_for(tmp_path: Path) -> None:
    paced_profile = tmp_path / "paced.pstats"
    small_run = ("pipeline", "--chats", "2", "--messages", "4", "--profile", str(paced_profile))

    _bench(*small_run, "--think-s", "0", "--profile-phase", "paced")
    assert not paced_profile.exists()  # no paced phase, so nothing profiled

    _bench(*small_run, "--think-s", "0.05", "--profile-phase", "paced")
    profiled = pstats.Stats(str(paced_profile)).stats  # type: ignore[attr-defined]
    assert any(filename.endswith("bot/handlers/gate.py") for filename, _, _ in profiled)


@pytest.mark.slow
def test_history_compares_a_small_and_a_larger_table() -> None:
    summary = _bench("history", "--small", "--turns", "20")

    assert summary["sizes"] == [1_000, 20_000]
    assert summary["ms_at_1k"] > 0
    assert summary["ms_at_20k"] > 0
    assert summary["ratio"] == pytest.approx(summary["ms_at_20k"] / summary["ms_at_1k"], rel=0.01)


@pytest.mark.slow
def test_tools_reports_each_everyday_tool() -> None:
    summary = _bench("tools", "--calls", "3", "--windows", "2")

    assert set(summary) >= {"get_current_bill", "get_remaining_quotas", "get_customer_package"}
    for figures in summary.values():
        assert 0 < figures["min_us"] <= figures["median_us"]
        assert figures["statements"] >= 1


def test_an_unknown_benchmark_is_refused_with_the_list_of_benchmarks() -> None:
    finished = subprocess.run(
        [sys.executable, "-m", "bench", "nonsense"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert finished.returncode == 2
    for command in ("pipeline", "history", "sweep", "tools"):
        assert command in finished.stderr
