"""``python -m bench sweep``: capacity and p99 latency against concurrency, plotted.

For each number of chats the capacity phase of ``python -m bench pipeline``
runs (customers send their next message as soon as the last is answered, so
the number of chats is the number of turns in flight), for our bot and the
echo bot. The figures go to a JSON file and a small PNG (matplotlib, from
``requirements-bench.txt``); the last line printed is the JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
from pathlib import Path
from typing import Any

from bench.pipeline import PipelineOptions, run_pipeline
from core.config_loader import PROJECT_ROOT
from core.settings import Settings

DEFAULT_LEVELS = (1, 5, 10, 25, 50, 100, 200)
MESSAGES_PER_CHAT = 10
# A single chat still sends enough messages for a stable figure.
MIN_MESSAGES = 100
DEFAULT_OUT = PROJECT_ROOT / "bench" / "figures" / "pipeline_concurrency.png"


async def run_sweep(levels: list[int], config: str | None) -> list[dict[str, Any]]:
    """The capacity figures at each number of chats."""
    points = []
    for chats in levels:
        messages = max(chats * MESSAGES_PER_CHAT, MIN_MESSAGES)
        print(f"-- {chats} chats, {messages} messages")
        summary = await run_pipeline(
            PipelineOptions(chats=chats, messages=messages, think_s=0, config=config)
        )
        points.append(
            {
                "chats": chats,
                "messages": messages,
                "messages_per_s": summary["messages_per_s"],
                "echo_messages_per_s": summary["echo_messages_per_s"],
                "p99_ms": summary["p99_ms"],
                "echo_p99_ms": summary["echo_p99_ms"],
                "cpu_ms_per_message": summary["cpu_ms_per_message"],
            }
        )
    return points


def plot(points: list[dict[str, Any]], out: Path, title: str) -> None:
    """Two panels: messages/s and p99 latency against chats in flight, ours vs echo."""
    import matplotlib  # only the benchmark's extra requirements have it

    matplotlib.use("Agg")
    from matplotlib import pyplot

    chats = [p["chats"] for p in points]
    figure, (throughput, latency) = pyplot.subplots(1, 2, figsize=(9, 3.4), dpi=100)
    for axis, key, label in (
        (throughput, "messages_per_s", "messages/s"),
        (latency, "p99_ms", "p99 update → answer (ms)"),
    ):
        axis.plot(chats, [p[key] for p in points], "o-", label="Telekom Asistan (rules)")
        axis.plot(chats, [p[f"echo_{key}"] for p in points], "s--", label="bare PTB echo bot")
        axis.set_xscale("log")
        axis.set_xticks(chats, [str(n) for n in chats])
        axis.minorticks_off()
        axis.set_xlabel("chats in flight (no thinking time)")
        axis.set_ylabel(label)
        axis.grid(True, alpha=0.3)
    latency.set_yscale("log")
    throughput.legend(fontsize="small")
    figure.suptitle(title, fontsize="medium")
    figure.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(out)
    pyplot.close(figure)


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``sweep [--levels 1,5,...] [--out PNG]``."""
    parser = commands.add_parser("sweep", help="throughput and p99 against concurrency, plotted")
    parser.add_argument(
        "--levels",
        default=",".join(map(str, DEFAULT_LEVELS)),
        help="numbers of chats, comma-separated",
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="PNG to write")
    parser.add_argument("--title", default="Pipeline capacity against concurrency")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace, settings: Settings) -> int:
    """Run the sweep, write the plot and its data; the exit status."""
    try:
        levels = sorted({int(level) for level in args.levels.split(",") if level.strip()})
    except ValueError:
        print(f"error: --levels takes whole numbers separated by commas, not {args.levels!r}")
        return 2
    if not levels or levels[0] < 1:
        print("error: --levels needs at least one number of chats, each at least 1")
        return 2
    logging.disable(logging.WARNING)
    points = asyncio.run(run_sweep(levels, args.config))
    plot(points, args.out, args.title)
    args.out.with_suffix(".json").write_text(json.dumps(points, indent=1) + "\n")
    print(f"plot: {args.out}")
    print(json.dumps({"points": points}))
    return 0
