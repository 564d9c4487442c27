"""``python -m bench load``: many chats for a while; every message answered, memory flat.

The soak test of issue 11: ``--chats`` simulated customers (default 1,000)
talk to the real bot for ``--duration-s`` seconds (default 60). The bot runs
as ``python -m bot`` runs it (``rules`` backend, embedded agent, a seeded
SQLite database with every chat linked to a customer of its own) in a
process of its own (``bench.bot_process``), long-polling the Telegram
stand-in, which shares this process with the customers. The stand-in keeps
Telegram's rules with the flood ceiling raised (``bench.harness``).

Each customer sends a message, waits for the answer, thinks (exponential,
mean ``--think-s``) and sends the next, from the realistic mix of
``bench.traffic`` (commands, questions answered with tools, proposals
confirmed or declined by typing, small talk), until the time is up. The
bot's resident memory is sampled every ``--sample-s`` seconds.

The run passes when no message went unanswered, the bot logged no error,
and its memory stayed flat: the peak resident memory of the last quarter of
the run exceeds that of the first quarter (the warm-up, when every chat is
seen) by at most ``--max-growth-mb``. The last line
printed is one JSON object with the figures; the exit status is 0 on a pass.
The CI form of this run is ``tests/load/test_load.py`` (fewer chats, seconds).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import random
import tempfile
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import psutil

from bench.customers import STEP_TIMEOUT_S, AnswerWatcher
from bench.harness import copy_database, link_customers, seeded_template, sqlite_url
from bench.harness import standin_settings as bench_standin_settings
from bench.stats import PERCENTILES, latency_ms
from bench.subprocess_bot import BotSubprocess
from bench.traffic import Say, chat_scripts
from bot.standin import StandinDriver, StandinServer, UserView
from core.settings import Settings
from db.seed import istanbul_today

DEFAULT_CHATS = 1000
DEFAULT_DURATION_S = 60.0
# A person reads the answer and types the next question.
DEFAULT_THINK_S = 30.0
DEFAULT_SAMPLE_S = 1.0
DEFAULT_MAX_GROWTH_MB = 64.0
# The first quarter of the run is the warm-up; the last quarter is compared with it.
WARM_UP_SHARE = 0.25
MIB = 1024 * 1024


@dataclass(frozen=True)
class LoadOptions:
    """How many chats, for how long, at what pace, and the memory bound."""

    chats: int = DEFAULT_CHATS
    duration_s: float = DEFAULT_DURATION_S
    think_s: float = DEFAULT_THINK_S
    sample_s: float = DEFAULT_SAMPLE_S
    max_growth_mb: float = DEFAULT_MAX_GROWTH_MB
    config: str | None = None
    seed: int = 7


@dataclass
class _Tally:
    """One customer's messages: answered (with latencies) or lost."""

    latencies_s: list[float] = field(default_factory=list)
    lost: int = 0


@dataclass(frozen=True)
class LoadReport:
    """The figures of one load run, and whether it passed."""

    chats: int
    duration_s: float
    messages: int
    answered: int
    lost: int
    errors_logged: int
    messages_per_s: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    rss_baseline_mb: float
    rss_end_mb: float
    rss_peak_mb: float
    rss_growth_mb: float
    max_growth_mb: float
    # (seconds since the start, MiB), one per sample.
    rss_samples: list[tuple[float, float]]
    error_lines: list[str]
    # CPU seconds of the bot process, and of this one (stand-in and customers).
    bot_cpu_s: float
    harness_cpu_s: float

    @property
    def passed(self) -> bool:
        """No message lost, no error logged, memory flat."""
        return (
            self.lost == 0
            and self.errors_logged == 0
            and self.answered > 0
            and self.rss_growth_mb <= self.max_growth_mb
        )

    def summary(self) -> dict[str, Any]:
        """The JSON line: every figure, the samples rounded, and the verdict."""
        figures = asdict(self)
        figures["rss_samples"] = [[round(t, 1), round(mb, 1)] for t, mb in self.rss_samples]
        figures["error_lines"] = self.error_lines[:10]
        figures["passed"] = self.passed
        return figures


async def run_load(options: LoadOptions, work_dir: Path) -> LoadReport:
    """Start the bot, run the customers until the time is up, stop it; the report."""
    template = await seeded_template(options.chats, istanbul_today())
    async with StandinServer(bench_standin_settings()) as server:
        driver = StandinDriver(server)
        users = [driver.create_user(f"Müşteri {n + 1}") for n in range(options.chats)]
        database = copy_database(template, work_dir / "load.db")
        await link_customers(database, [user.id for user in users])
        bot = BotSubprocess(
            "ours",
            api_url=server.base_url,
            database_url=sqlite_url(database),
            work_dir=work_dir,
            config=options.config,
        )
        watcher = AnswerWatcher(server)
        watching = asyncio.create_task(watcher.run(), name="answer-watcher")
        try:
            await bot.start()
            await bot.mark()
            samples: list[tuple[float, float]] = []
            started, harness_started = time.monotonic(), time.process_time()
            sampling = asyncio.create_task(
                _sample_memory(bot.pid, started, options.sample_s, samples)
            )
            deadline = started + options.duration_s
            rng = random.Random(options.seed)
            tallies = await asyncio.gather(
                *(
                    _customer(driver, watcher, user, steps, options.think_s, deadline, rng)
                    for user, steps in zip(users, _step_streams(options), strict=True)
                )
            )
            elapsed = time.monotonic() - started
            harness_cpu_s = time.process_time() - harness_started
            sampling.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sampling
            figures = await bot.stop()
        finally:
            bot.kill()
            watching.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watching
    error_lines = _error_lines(work_dir / "bot.log")
    cpu = {"bot_cpu_s": round(figures.cpu_s, 2), "harness_cpu_s": round(harness_cpu_s, 2)}
    return _report(options, tallies, elapsed, samples, error_lines, cpu)


def _step_streams(options: LoadOptions) -> list[Iterator[Say]]:
    """Per chat, its messages in an endless round of its script (presses left out).

    A pressed button is a confirmation by the customer; typed "evet" or
    "hayır" in the mix exercises the same path without a second kind of wait.
    """
    per_chat = max(4, int(options.duration_s / max(options.think_s, 0.1)) * 2)
    scripts = chat_scripts(options.chats, options.chats * per_chat, seed=options.seed)
    return [_endless([step for step in script if isinstance(step, Say)]) for script in scripts]


def _endless(steps: list[Say]) -> Iterator[Say]:
    fallback = [Say("merhaba", "smalltalk")]
    while True:
        yield from steps or fallback


async def _customer(
    driver: StandinDriver,
    watcher: AnswerWatcher,
    user: UserView,
    steps: Iterator[Say],
    think_s: float,
    deadline: float,
    rng: random.Random,
) -> _Tally:
    """Talk until ``deadline``: send, wait for the answer, think, again."""
    tally = _Tally()
    # Customers arrive spread over one thinking time (within the run), not all at once.
    await asyncio.sleep(rng.uniform(0, min(think_s, max(0.0, deadline - time.monotonic()))))
    while time.monotonic() < deadline:
        step = next(steps)
        sent_at = time.perf_counter()
        sent = driver.send_text(user, step.text)
        assert sent.message_id is not None
        try:
            seen_at, _ = await asyncio.wait_for(
                watcher.new_message(user.id, sent.message_id), STEP_TIMEOUT_S
            )
        except TimeoutError:
            tally.lost += 1
            continue
        tally.latencies_s.append(seen_at - sent_at)
        thinking = rng.expovariate(1 / think_s) if think_s > 0 else 0.0
        await asyncio.sleep(min(thinking, max(0.0, deadline - time.monotonic())))
    return tally


async def _sample_memory(
    pid: int, started: float, every_s: float, samples: list[tuple[float, float]]
) -> None:
    """Append ``(seconds since start, resident MiB)`` of process ``pid`` until cancelled."""
    process = psutil.Process(pid)
    while True:
        with contextlib.suppress(psutil.Error):
            samples.append((time.monotonic() - started, process.memory_info().rss / MIB))
        await asyncio.sleep(every_s)


def _error_lines(log_file: Path) -> list[str]:
    """The bot's ERROR and CRITICAL log lines."""
    if not log_file.exists():
        return []
    lines = log_file.read_text(encoding="utf-8", errors="replace").splitlines()
    return [line for line in lines if " ERROR " in line or " CRITICAL " in line]


def _report(
    options: LoadOptions,
    tallies: list[_Tally],
    elapsed_s: float,
    samples: list[tuple[float, float]],
    error_lines: list[str],
    cpu: dict[str, float],
) -> LoadReport:
    latencies = [latency for tally in tallies for latency in tally.latencies_s]
    lost = sum(tally.lost for tally in tallies)
    warm_up_s = options.duration_s * WARM_UP_SHARE
    baseline = _peak_between(samples, 0.0, warm_up_s)
    end = _peak_between(samples, elapsed_s - warm_up_s, elapsed_s)
    percentiles = latency_ms(latencies)
    return LoadReport(
        chats=options.chats,
        duration_s=round(elapsed_s, 1),
        messages=len(latencies) + lost,
        answered=len(latencies),
        lost=lost,
        errors_logged=len(error_lines),
        messages_per_s=round(len(latencies) / elapsed_s, 1) if elapsed_s > 0 else 0.0,
        p50_ms=percentiles[PERCENTILES[0]],
        p95_ms=percentiles[PERCENTILES[1]],
        p99_ms=percentiles[PERCENTILES[2]],
        rss_baseline_mb=round(baseline, 1),
        rss_end_mb=round(end, 1),
        rss_peak_mb=round(max((mb for _, mb in samples), default=0.0), 1),
        rss_growth_mb=round(end - baseline, 1),
        max_growth_mb=options.max_growth_mb,
        rss_samples=samples,
        error_lines=error_lines,
        bot_cpu_s=cpu["bot_cpu_s"],
        harness_cpu_s=cpu["harness_cpu_s"],
    )


def _peak_between(samples: list[tuple[float, float]], start_s: float, end_s: float) -> float:
    """The highest resident memory sampled between ``start_s`` and ``end_s``.

    Peaks, not single samples: the garbage collector and the allocator make
    resident memory saw-toothed, and a leak raises the peaks.
    """
    window = [mb for moment, mb in samples if start_s <= moment <= end_s]
    return max(window, default=samples[-1][1] if samples else 0.0)


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``load [--chats N] [--duration-s S] [--think-s S] [--max-growth-mb MB]``."""
    parser = commands.add_parser(
        "load", help="many chats for a while: no message lost, no error, memory flat"
    )
    parser.add_argument("--chats", type=int, default=DEFAULT_CHATS, help="simulated customers")
    parser.add_argument(
        "--duration-s", type=float, default=DEFAULT_DURATION_S, help="how long they talk"
    )
    parser.add_argument(
        "--think-s", type=float, default=DEFAULT_THINK_S, help="mean pause between messages"
    )
    parser.add_argument(
        "--sample-s", type=float, default=DEFAULT_SAMPLE_S, help="memory sampling interval"
    )
    parser.add_argument(
        "--max-growth-mb",
        type=float,
        default=DEFAULT_MAX_GROWTH_MB,
        help="allowed growth of the bot's memory after the warm-up",
    )
    parser.add_argument("--seed", type=int, default=7, help="traffic seed")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace, settings: Settings) -> int:
    """Run the load test; print the report; 0 when it passed, 1 when not, 2 on bad options."""
    if args.chats < 1 or args.duration_s <= 0 or args.think_s < 0:
        print("error: need --chats >= 1, --duration-s > 0 and --think-s >= 0")
        return 2
    logging.disable(logging.WARNING)
    options = LoadOptions(
        chats=args.chats,
        duration_s=args.duration_s,
        think_s=args.think_s,
        sample_s=args.sample_s,
        max_growth_mb=args.max_growth_mb,
        config=args.config,
        seed=args.seed,
    )
    with tempfile.TemporaryDirectory(prefix="bench-load-") as folder:
        report = asyncio.run(run_load(options, Path(folder)))
    print(
        f"{report.chats} chats for {report.duration_s:.0f} s: {report.answered} answered, "
        f"{report.lost} lost, {report.errors_logged} errors logged | "
        f"{report.messages_per_s:.1f} msg/s, p50 {report.p50_ms:.0f} ms, "
        f"p99 {report.p99_ms:.0f} ms | CPU bot {report.bot_cpu_s:.1f} s, "
        f"stand-in and customers {report.harness_cpu_s:.1f} s | "
        f"memory {report.rss_baseline_mb:.0f} -> {report.rss_end_mb:.0f} MiB "
        f"(growth {report.rss_growth_mb:+.1f}, allowed {report.max_growth_mb:.0f})"
    )
    for line in report.error_lines[:10]:
        print(f"bot error: {line}")
    print(json.dumps(report.summary()))
    return 0 if report.passed else 1
