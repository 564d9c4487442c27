"""bench/gpu_model.py end to end on CPU with the small shape (the GPU run uses the real one)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.gpu_model import main

pytestmark = pytest.mark.slow

RESULT_KEYS = {
    "concurrency",
    "ttft_s",
    "tokens_per_s_per_stream",
    "tokens_per_s_aggregate",
    "peak_memory_mb",
    "mode",
}


def test_the_gpu_benchmark_runs_end_to_end_on_cpu(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "results.json"
    arguments = ["--small", "--concurrency", "1,4", "--serial-concurrency", "1,3"]
    arguments += ["--new-tokens", "6", "--serial-new-tokens", "4", "--prompt-words", "16"]
    arguments += ["--workdir", str(tmp_path), "--output", str(output)]

    status = main(arguments)

    printed = capsys.readouterr().out.strip().splitlines()
    summary = json.loads(printed[-1])
    assert status == 0
    assert summary == json.loads(output.read_text(encoding="utf-8"))
    assert summary["errors"] == {}
    assert summary["device"].startswith("cpu")
    rows = {(row["mode"], row["concurrency"]): row for row in summary["results"]}
    assert set(rows) == {
        (f"{mode}-{path}", level)
        for mode in ("bf16", "nf4")
        for path, levels in (("serial", (1, 3)), ("backend", (1, 4)), ("batched", (1, 4)))
        for level in levels
    }
    for row in summary["results"]:
        assert set(row) == RESULT_KEYS
        assert row["ttft_s"] > 0
        assert row["tokens_per_s_per_stream"] > 0
        assert row["tokens_per_s_aggregate"] > 0
        assert row["peak_memory_mb"] > 0
    # One batched generate, and the batching backend, serve four streams faster in total
    # than one stream.
    for mode in ("bf16", "nf4"):
        for path in ("batched", "backend"):
            four = rows[(f"{mode}-{path}", 4)]["tokens_per_s_aggregate"]
            assert four > rows[(f"{mode}-{path}", 1)]["tokens_per_s_aggregate"]
    # One at a time, the third request waits for two others.
    assert rows[("nf4-serial", 3)]["ttft_s"] > rows[("nf4-serial", 1)]["ttft_s"]
    assert summary["nf4_compute_dtype"] in {"float32", "bfloat16"}
    assert not list(tmp_path.glob("gpu-bench-*"))  # the scratch model folder is removed
