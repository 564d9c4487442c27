"""The bot under test in a process of its own: ``python -m bench.bot_process``.

Telegram is another machine; here the stand-in and the simulated customers
stay in the benchmark's process and the bot runs in this one, so its CPU
time and memory are the bot's alone. The benchmark talks to it over
stdin/stdout, one JSON object a line:

- this process prints ``{"ready": true}`` once the bot polls;
- ``mark`` on stdin starts the measured window (and the profiler, if asked);
- ``stop`` (or end of input) ends it: the bot stops and this process prints
  ``{"cpu_s": ..., "peak_rss_mb": ...}`` for the window and exits.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import sys
import time
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

from bench.echo_bot import running_echo_bot
from bench.harness import BENCH_TOKEN, bench_settings
from bot.runner import running_bot
from core.config_loader import load_settings_or_exit
from core.logs import configure_logging
from core.memory import freeze_start_up_objects

OURS, ECHO = "ours", "echo"
MARK, STOP = "mark", "stop"


def parse_arguments(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line the benchmark starts this process with."""
    parser = argparse.ArgumentParser(prog="python -m bench.bot_process")
    parser.add_argument("--kind", choices=(OURS, ECHO), required=True)
    parser.add_argument("--api-url", required=True, help="the stand-in's Bot API URL")
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--work-dir", type=Path, required=True, help="logs go here")
    parser.add_argument("--config", help="config file (default: config.yaml)")
    parser.add_argument(
        "--profile",
        type=Path,
        help="profile the window: cProfile statistics if the name ends in .pstats, "
        "else a pyinstrument text report",
    )
    return parser.parse_args(argv)


def _running(arguments: argparse.Namespace) -> AbstractAsyncContextManager[Any]:
    if arguments.kind == ECHO:
        return running_echo_bot(BENCH_TOKEN, arguments.api_url)
    settings = bench_settings(
        load_settings_or_exit(arguments.config),
        database_url=arguments.database_url,
        api_base_url=arguments.api_url,
        log_file=arguments.work_dir / "bot.log",
    )
    configure_logging(settings, console=False)
    return running_bot(settings)


@asynccontextmanager
async def _profiling(path: Path | None) -> AsyncIterator[None]:
    if path is None:
        yield
        return
    if path.suffix == ".pstats":
        import cProfile  # exact call counts, for per-message arithmetic

        with cProfile.Profile() as c_profile:
            yield
        c_profile.dump_stats(path)
        return
    from pyinstrument import Profiler  # only the benchmark's extra requirements have it

    profiler = Profiler(interval=0.005, async_mode="disabled")
    profiler.start()
    try:
        yield
    finally:
        profiler.stop()
        report = profiler.output_text(unicode=True, color=False, show_all=False)
        await asyncio.to_thread(path.write_text, report)


async def _next_command() -> str:
    line = await asyncio.to_thread(sys.stdin.readline)
    return line.strip() or STOP


def _emit(payload: dict[str, Any]) -> None:
    print(json.dumps(payload), flush=True)


async def serve(arguments: argparse.Namespace) -> dict[str, Any]:
    """Run the bot, measure the window between ``mark`` and ``stop``; the figures."""
    async with _running(arguments):
        freeze_start_up_objects()  # as `python -m bot` does; the echo bot alike
        _emit({"ready": True})
        command = await _next_command()
        started = time.process_time()
        if command == MARK:
            async with _profiling(arguments.profile):
                await _next_command()
        cpu_s = time.process_time() - started
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"cpu_s": round(cpu_s, 3), "peak_rss_mb": round(peak_kib / 1024, 1)}


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit status."""
    _emit(asyncio.run(serve(parse_arguments(argv))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
