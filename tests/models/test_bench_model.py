"""``python -m bench model`` end to end on the tiny model and on rules (tooling, not timed)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bench.cli import main

ROW_KEYS = {
    "concurrency",
    "ttft_s",
    "tokens_per_s_per_stream",
    "tokens_per_s_aggregate",
    "peak_memory_mb",
}


def run_bench(
    arguments: list[str], capsys: pytest.CaptureFixture[str]
) -> tuple[int, str, dict[str, Any]]:
    status = main(["model", *arguments])
    printed = capsys.readouterr().out.strip().splitlines()
    return status, "\n".join(printed[:-1]), json.loads(printed[-1])


def test_the_transformers_backend_gives_a_table_and_the_json_line(
    tiny_llama_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    arguments = ["--model", str(tiny_llama_folder), "--concurrency", "1,3", "--new-tokens", "4"]
    arguments += ["--device", "cpu", "--kv-reuse-check", "--reuse-turns", "1"]

    status, table, summary = run_bench(arguments, capsys)

    assert status == 0
    assert "tok/s total" in table
    assert [row["concurrency"] for row in summary["results"]] == [1, 3]
    for row in summary["results"]:
        assert set(row) == ROW_KEYS
        assert row["tokens_per_s_aggregate"] > 0
        assert row["peak_memory_mb"] > 0
    assert summary["backend"] == "transformers"
    assert summary["device"] == "cpu"
    assert summary["nproc"] >= 1
    assert len(summary["load_average"]) == 3
    check = summary["kv_reuse_check"]
    assert check["same_output"] is True
    assert check["prefilled_tokens_with"] < check["prefilled_tokens_without"]


def test_the_rules_backend_is_measured_through_the_same_interface(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, _, summary = run_bench(["--backend", "rules", "--concurrency", "2"], capsys)

    assert status == 0
    assert summary["backend"] == "rules"
    (row,) = summary["results"]
    assert set(row) == ROW_KEYS
    assert row["concurrency"] == 2
    assert row["tokens_per_s_aggregate"] > 0


def test_bad_levels_are_refused_with_a_message(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["model", "--backend", "rules", "--concurrency", "1,x"]) == 2
    assert "--concurrency" in capsys.readouterr().out
