"""``python -m bench history``: a chat's turn latency with 1,000 and 1,000,000 stored messages.

Other chats' history must not slow a chat down: the agent reads a chat's
recent turns through the ``(chat_id, id)`` index, whatever the table holds.
Two databases are built once into ``.cache/bench`` (the demo operator plus
that many messages spread over other chats, inserted in bulk) and copied for
each run. The real agent runtime (``rules`` backend) then answers the same
customer's questions on both, alternating turn by turn so that a change in
the machine's load touches both alike; each turn is timed end to end (store
the message, read the history, run the tools, store the answer).

The last line printed is one JSON object: ``ms_at_1k``, ``ms_at_1m`` (median
turn latency) and their ``ratio``, with the p95 of each.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Connection

from agent.events import ChatRequest
from agent.runtime import AgentRuntime
from bench.harness import CACHE_DIR, bench_settings, copy_database, seeded_template, sqlite_url
from bench.stats import percentile
from core.settings import Settings
from db.database import open_database
from db.engine import create_engine
from db.seed import FIRST_CUSTOMER, istanbul_today

SIZES = (1_000, 1_000_000)
SMALL_SIZES = (1_000, 20_000)
DEFAULT_TURNS = 200
WARM_UP_TURNS = 10
# The measured chat: a linked customer with a history of its own.
CHAT_ID = "600000001"
CUSTOMER_ID = FIRST_CUSTOMER
OWN_HISTORY = 40
# Other chats hold this many messages each (a user turn, an answer, ...).
MESSAGES_PER_OTHER_CHAT = 20
INSERT_BATCH = 20_000
QUESTIONS = (
    "kalan internetim ne kadar",
    "son faturam ne kadar",
    "hangi paketim var",
    "merhaba",
)
_INSERT = (
    "INSERT INTO chat_messages"
    " (chat_id, customer_id, role, content, tool_calls, status, telegram_update_id, created_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)
_TOOL_CALL = json.dumps([{"name": "get_current_bill", "arguments": {"user_id": 1001}}])


def _rows(count: int, *, start: datetime) -> Iterator[tuple[Any, ...]]:
    """``count`` plausible messages of other chats (user, tool call, tool result, answer)."""
    for n in range(count):
        chat = 700_000_000 + n // MESSAGES_PER_OTHER_CHAT
        at = (start + timedelta(seconds=n)).strftime("%Y-%m-%d %H:%M:%S.%f")
        match n % 4:
            case 0:
                yield (str(chat), None, "user", f"faturam ne kadar {n}", None, "answered", n, at)
            case 1:
                yield (str(chat), None, "assistant", "<|begin_of_tool_code|>…", _TOOL_CALL, None,
                       None, at)  # fmt: skip
            case 2:
                yield (str(chat), None, "tool", '{"success": true, "data": {}}', None, None, None,
                       at)  # fmt: skip
            case _:
                yield (str(chat), None, "assistant", f"Faturanız {n},00 TL.", None, None, None, at)


def _insert(connection: Connection, rows: Iterator[tuple[Any, ...]]) -> None:
    batch: list[tuple[Any, ...]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == INSERT_BATCH:
            connection.exec_driver_sql(_INSERT, batch)
            batch = []
    if batch:
        connection.exec_driver_sql(_INSERT, batch)


async def history_database(others: int) -> Path:
    """The demo operator plus ``others`` messages of other chats and the measured chat's own.

    Built once into the cache (a few seconds per million rows) and reused.
    """
    today = istanbul_today()
    path = CACHE_DIR / f"history-{others}-{today.isoformat()}.db"
    if path.exists():
        return path
    building = path.with_suffix(f".{os.getpid()}.tmp")
    copy_database(await seeded_template(0, today), building)
    engine = create_engine(sqlite_url(building))
    start = datetime.now(UTC) - timedelta(days=30)
    own = [
        (CHAT_ID, CUSTOMER_ID, "user" if n % 2 == 0 else "assistant", f"mesaj {n}", None,
         "answered" if n % 2 == 0 else None, None, start.strftime("%Y-%m-%d %H:%M:%S.%f"))
        for n in range(OWN_HISTORY)
    ]  # fmt: skip
    try:
        async with engine.begin() as connection:
            # One synchronous run: the inline SQLite driver awaits nothing.
            await connection.run_sync(_insert, _rows(others, start=start))
            await connection.run_sync(_insert, iter(own))
    finally:
        await engine.dispose()
    building.replace(path)
    return path


@asynccontextmanager
async def bench_runtime(
    base: Settings, database: Path, work_dir: Path
) -> AsyncIterator[AgentRuntime]:
    """The real agent runtime (``rules`` backend) on ``database``, logging into ``work_dir``."""
    settings = bench_settings(
        base,
        database_url=sqlite_url(database),
        api_base_url="",
        log_file=work_dir / f"{database.stem}.log",
    )
    async with open_database(settings) as opened:
        runtime = AgentRuntime(settings, opened)
        await runtime.start()
        try:
            yield runtime
        finally:
            await runtime.close()


async def _turn(runtime: AgentRuntime, text: str) -> float:
    """One turn's latency in seconds."""
    started = time.perf_counter()
    request = ChatRequest(message=text, chat_id=CHAT_ID, customer_id=CUSTOMER_ID)
    async for _event in runtime.chat(request):
        pass
    return time.perf_counter() - started


async def run_history(base: Settings, sizes: tuple[int, int], turns: int) -> dict[str, Any]:
    """Median and p95 turn latency at both sizes, turns alternating between them."""
    sources = [await history_database(size) for size in sizes]
    latencies: dict[int, list[float]] = {size: [] for size in sizes}
    with tempfile.TemporaryDirectory(prefix="bench-history-") as folder:
        work_dir = Path(folder)
        async with AsyncExitStack() as stack:
            runtimes = [
                await stack.enter_async_context(
                    bench_runtime(base, copy_database(source, work_dir / source.name), work_dir)
                )
                for source in sources
            ]
            for n in range(WARM_UP_TURNS + turns):
                text = QUESTIONS[n % len(QUESTIONS)]
                for size, runtime in zip(sizes, runtimes, strict=True):
                    latency = await _turn(runtime, text)
                    if n >= WARM_UP_TURNS:
                        latencies[size].append(latency)
    summary: dict[str, Any] = {"sizes": list(sizes), "turns": turns}
    for size in sizes:
        summary[f"ms_at_{size_label(size)}"] = round(percentile(latencies[size], 50) * 1000, 2)
        summary[f"p95_ms_at_{size_label(size)}"] = round(percentile(latencies[size], 95) * 1000, 2)
    medians = [summary[f"ms_at_{size_label(size)}"] for size in sizes]
    summary["ratio"] = round(medians[1] / medians[0], 3)
    return summary


def size_label(size: int) -> str:
    """``1000`` -> ``"1k"``, ``20000`` -> ``"20k"``, ``1000000`` -> ``"1m"``."""
    if size % 1_000_000 == 0:
        return f"{size // 1_000_000}m"
    if size % 1_000 == 0:
        return f"{size // 1_000}k"
    return str(size)


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``history [--small] [--turns N]``."""
    parser = commands.add_parser(
        "history", help="turn latency with 1,000 vs 1,000,000 stored messages"
    )
    parser.add_argument(
        "--small",
        action="store_true",
        help=f"{SMALL_SIZES[0]:,} vs {SMALL_SIZES[1]:,} messages (a quick check of the tooling)",
    )
    parser.add_argument("--turns", type=int, default=DEFAULT_TURNS, help="timed turns per size")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace, settings: Settings) -> int:
    """Run the benchmark; the exit status."""
    if args.turns < 1:
        print("error: --turns must be at least 1")
        return 2
    logging.disable(logging.WARNING)
    sizes = SMALL_SIZES if args.small else SIZES
    summary = asyncio.run(run_history(settings, sizes, args.turns))
    for size in sizes:
        label = size_label(size)
        print(
            f"{size:>9,} stored messages: turn latency median {summary[f'ms_at_{label}']} ms,"
            f" p95 {summary[f'p95_ms_at_{label}']} ms"
        )
    print(f"ratio (median at {sizes[1]:,} / at {sizes[0]:,}): {summary['ratio']:.3f}")
    print(json.dumps(summary))
    return 0
