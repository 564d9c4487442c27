"""``python -m bench pipeline``: simulated customers through the real bot, against an echo bot.

Our bot runs as ``python -m bot`` runs it (``rules`` backend, embedded
agent, a seeded SQLite database with every chat linked to its own customer)
in a process of its own, long-polling the Telegram stand-in over HTTP; the
customers and the stand-in share this process. Then a bare echo bot gets
the same traffic on a fresh stand-in. Two phases, each for both bots:

- capacity: customers send their next message as soon as the last one is
  answered (no thinking); messages/s is the pipeline's capacity, and our
  capacity over the echo bot's is the cost of everything we add;
- paced: customers think ``--think-s`` seconds on average (0.5 to 1.5 times
  that, uniformly) before each message, a load both bots can carry; the
  latency percentiles are what customers feel, and ours minus the echo
  bot's is what we add.

The last line printed is one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, get_args

from bench.customers import AnswerWatcher, StepResult, run_customer
from bench.harness import (
    copy_database,
    link_customers,
    seeded_template,
    sqlite_url,
    standin_settings,
)
from bench.stats import PERCENTILES, latency_ms
from bench.subprocess_bot import BotFigures, BotSubprocess
from bench.traffic import Say, Step, chat_scripts, think_times
from bot.standin import StandinDriver, StandinServer
from core.settings import Settings
from db.seed import istanbul_today

OURS, ECHO = "ours", "echo"
DEFAULT_CHATS = 200
DEFAULT_MESSAGES = 2000
DEFAULT_THINK_S = 15.0

# The two phases of a run: every customer at once, then customers who think.
Phase = Literal["capacity", "paced"]
WARM_UP = (Say("/help", "command"), Say("merhaba", "smalltalk"))


@dataclass(frozen=True)
class BotRun:
    """One bot through one phase's traffic."""

    kind: str
    per_chat: list[list[StepResult]]
    wall_s: float
    figures: BotFigures
    # CPU seconds of this process (stand-in and customers) in the same window.
    harness_cpu_s: float

    @property
    def results(self) -> list[StepResult]:
        return [result for chat in self.per_chat for result in chat]

    @property
    def latencies_s(self) -> list[float]:
        return [r.latency_s for r in self.results if r.latency_s is not None]

    @property
    def answered(self) -> int:
        return len(self.latencies_s)

    @property
    def messages_per_s(self) -> float:
        return self.answered / self.wall_s if self.wall_s > 0 else 0.0

    @property
    def outcomes(self) -> Counter[str]:
        return Counter(r.outcome for r in self.results)


@dataclass(frozen=True)
class PipelineOptions:
    """What to run: traffic size, pacing, and where to write a profile."""

    chats: int = DEFAULT_CHATS
    messages: int = DEFAULT_MESSAGES
    think_s: float = DEFAULT_THINK_S
    config: str | None = None
    profile: Path | None = None
    profile_phase: Phase = "capacity"
    seed: int = 7


async def run_bot(
    kind: str,
    scripts: list[list[Step]],
    thinking: list[list[float]],
    *,
    template: Path,
    work_dir: Path,
    config: str | None = None,
    profile: Path | None = None,
    skips: list[frozenset[int]] | None = None,
) -> BotRun:
    """Start ``kind`` against a fresh stand-in, play the scripts, stop it; the run.

    ``skips`` names, per chat, steps to leave out (see :func:`skipped_steps`).
    """
    async with StandinServer(standin_settings()) as server:
        driver = StandinDriver(server)
        users = [driver.create_user(f"Müşteri {n + 1}") for n in range(len(scripts))]
        warm_user = driver.create_user("Isınma")
        database = copy_database(template, work_dir / f"{kind}-{time.monotonic_ns()}.db")
        await link_customers(database, [user.id for user in users])
        bot = BotSubprocess(
            kind,
            api_url=server.base_url,
            database_url=sqlite_url(database),
            work_dir=work_dir,
            config=config,
            profile=profile,
        )
        watcher = AnswerWatcher(server)
        watching = asyncio.create_task(watcher.run(), name="answer-watcher")
        try:
            await bot.start()
            await run_customer(driver, watcher, warm_user, WARM_UP, [0.0] * len(WARM_UP))
            await bot.mark()
            started, harness_started = time.perf_counter(), time.process_time()
            per_chat = await asyncio.gather(
                *(
                    run_customer(driver, watcher, user, script, pauses, skip)
                    for user, script, pauses, skip in zip(
                        users, scripts, thinking, skips or _no_skips(scripts), strict=True
                    )
                )
            )
            wall_s = time.perf_counter() - started
            harness_cpu_s = time.process_time() - harness_started
            figures = await bot.stop()
            if any(r.outcome == "lost" for chat in per_chat for r in chat):
                print(f"{kind}: messages lost; the bot's stderr ends:\n{bot.stderr_tail()}")
        finally:
            bot.kill()
            watching.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watching
    return BotRun(kind, per_chat, wall_s, figures, harness_cpu_s)


def skipped_steps(run: BotRun) -> list[frozenset[int]]:
    """Per chat, the presses ``run``'s customers could not make (no button was offered).

    A proposal can be refused (the line is suspended, roaming is already on);
    the echo bot is then spared the same press, so both get the same updates.
    """
    return [
        frozenset(i for i, result in enumerate(chat) if result.outcome == "no_button")
        for chat in run.per_chat
    ]


def _no_skips(scripts: list[list[Step]]) -> list[frozenset[int]]:
    return [frozenset() for _ in scripts]


async def run_pipeline(options: PipelineOptions) -> dict[str, Any]:
    """Both phases for both bots; prints as it goes and returns the summary."""
    scripts = chat_scripts(options.chats, options.messages, seed=options.seed)
    template = await seeded_template(options.chats, istanbul_today())
    summary: dict[str, Any] = {"chats": options.chats, "messages": options.messages}
    with tempfile.TemporaryDirectory(prefix="bench-pipeline-") as folder:
        work_dir = Path(folder)
        idle = [[0.0] * len(script) for script in scripts]

        async def both(thinking: list[list[float]], profile: Path | None) -> tuple[BotRun, BotRun]:
            ours = await run_bot(
                OURS, scripts, thinking, template=template, work_dir=work_dir,
                config=options.config, profile=profile,
            )  # fmt: skip
            echo = await run_bot(
                ECHO, scripts, thinking, template=template, work_dir=work_dir,
                skips=skipped_steps(ours),
            )  # fmt: skip
            return ours, echo

        def profile_for(phase: Phase) -> Path | None:
            return options.profile if options.profile_phase == phase else None

        ours, echo = await both(idle, profile_for("capacity"))
        _print_phase("capacity (no thinking)", ours, echo)
        summary.update(_capacity_figures(ours, echo))
        if options.think_s > 0:
            paced = think_times(scripts, options.think_s, seed=options.seed + 1)
            ours, echo = await both(paced, profile_for("paced"))
            _print_phase(f"paced (think {options.think_s:g} s)", ours, echo)
        summary.update({"think_s": options.think_s, **_latency_figures(ours, echo)})
    return summary


def _capacity_figures(ours: BotRun, echo: BotRun) -> dict[str, Any]:
    ratio = ours.messages_per_s / echo.messages_per_s if echo.messages_per_s else 0.0
    saturated = latency_ms(ours.latencies_s)
    return {
        "messages_per_s": round(ours.messages_per_s, 1),
        "echo_messages_per_s": round(echo.messages_per_s, 1),
        "ratio_vs_echo": round(ratio, 3),
        **{f"capacity_p{q}_ms": saturated[q] for q in PERCENTILES},
        "cpu_s": ours.figures.cpu_s,
        "cpu_ms_per_message": _per_message_ms(ours),
        "peak_rss_mb": ours.figures.peak_rss_mb,
        "echo_cpu_s": echo.figures.cpu_s,
        "echo_cpu_ms_per_message": _per_message_ms(echo),
        "echo_peak_rss_mb": echo.figures.peak_rss_mb,
        "unanswered": ours.outcomes["lost"],
        "presses_without_button": ours.outcomes["no_button"],
    }


def _latency_figures(ours: BotRun, echo: BotRun) -> dict[str, Any]:
    mine, theirs = latency_ms(ours.latencies_s), latency_ms(echo.latencies_s)
    figures: dict[str, Any] = {}
    for q in PERCENTILES:
        figures[f"p{q}_ms"] = mine[q]
        figures[f"echo_p{q}_ms"] = theirs[q]
        figures[f"added_p{q}_ms"] = round(mine[q] - theirs[q], 1)
    figures["paced_messages_per_s"] = round(ours.messages_per_s, 1)
    return figures


def _per_message_ms(run: BotRun) -> float:
    return round(run.figures.cpu_s * 1000 / run.answered, 2) if run.answered else 0.0


def _print_phase(title: str, ours: BotRun, echo: BotRun) -> None:
    print(f"== {title}")
    for run in (ours, echo):
        p = latency_ms(run.latencies_s)
        lost = {k: v for k, v in run.outcomes.items() if k != "answered"}  # fmt: skip
        print(
            f"{run.kind:5} {run.answered:5d} answered in {run.wall_s:6.2f} s = "
            f"{run.messages_per_s:7.1f} msg/s | p50 {p[50]:7.1f} ms  p95 {p[95]:7.1f} ms  "
            f"p99 {p[99]:7.1f} ms | CPU {run.figures.cpu_s:6.2f} s "
            f"({_per_message_ms(run):.2f} ms/msg) | peak RSS {run.figures.peak_rss_mb:.0f} MiB"
            f" | stand-in CPU {run.harness_cpu_s:.2f} s"
            + (f" | not answered: {lost}" if lost else "")
        )
    by_kind = _p50_by_kind(ours)
    print("ours p50 by kind: " + ", ".join(f"{k} {v:.1f} ms" for k, v in by_kind.items()))
    if echo.messages_per_s:
        print(f"ours / echo throughput: {ours.messages_per_s / echo.messages_per_s:.3f}")
    mine, theirs = latency_ms(ours.latencies_s), latency_ms(echo.latencies_s)
    print(
        "added latency (ours - echo): "
        + ", ".join(f"p{q} {mine[q] - theirs[q]:.1f} ms" for q in PERCENTILES)
    )


def _p50_by_kind(run: BotRun) -> dict[str, float]:
    kinds = sorted({r.kind for r in run.results})
    return {
        kind: latency_ms([r.latency_s for r in run.results if r.kind == kind and r.latency_s])[50]
        for kind in kinds
    }


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``pipeline [--chats N] [--messages M] [--think-s S] [--profile PATH] [--profile-phase]``."""
    parser = commands.add_parser("pipeline", help="customers through the real bot vs an echo bot")
    parser.add_argument("--chats", type=int, default=DEFAULT_CHATS, help="simulated customers")
    parser.add_argument("--messages", type=int, default=DEFAULT_MESSAGES, help="messages in all")
    parser.add_argument(
        "--think-s",
        type=float,
        default=DEFAULT_THINK_S,
        help="mean thinking time before each message in the paced phase (0: skip that phase)",
    )
    parser.add_argument(
        "--profile",
        type=Path,
        help="profile our bot's run of one phase into this file "
        "(cProfile statistics for a .pstats name, else pyinstrument text)",
    )
    parser.add_argument(
        "--profile-phase",
        choices=get_args(Phase),
        default="capacity",
        help="the phase --profile records",
    )
    parser.add_argument("--seed", type=int, default=7, help="traffic seed")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace, settings: Settings) -> int:
    """Run the benchmark; the exit status."""
    if args.chats < 1 or args.messages < args.chats:
        print("error: need --chats >= 1 and --messages >= --chats")
        return 2
    logging.disable(logging.WARNING)
    options = PipelineOptions(
        chats=args.chats,
        messages=args.messages,
        think_s=args.think_s,
        config=args.config,
        profile=args.profile,
        profile_phase=args.profile_phase,
        seed=args.seed,
    )
    summary = asyncio.run(run_pipeline(options))
    print(json.dumps(summary))
    return 0
