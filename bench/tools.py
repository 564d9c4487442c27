"""``python -m bench tools``: CPU time of one call of each everyday read-only tool.

The real agent runtime (``rules`` backend) on a copy of the seeded demo
database calls each tool for the first demo customer through
``AgentRuntime.call_tool``, the path of every tool call (admission, the
tool's transaction, its contract result). After a warm-up, each tool runs
``--windows`` windows of ``--calls`` calls; the CPU time (``process_time``)
per call of the quickest window is reported, being the one the machine's
other tenants disturbed least, with the median window beside it.

The last line printed is one JSON object: per tool, ``min_us`` and
``median_us``, and the SQL statements one call executes.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import event

from bench.harness import copy_database, seeded_template
from bench.history import CUSTOMER_ID, bench_runtime
from bench.stats import percentile
from core.settings import Settings
from db.seed import istanbul_today

TOOLS = (
    "get_current_bill",
    "get_remaining_quotas",
    "get_customer_package",
    "get_customer_profile",
    "get_past_bills",
)
WARM_UP_CALLS = 50


async def run_tools(base: Settings, calls: int, windows: int) -> dict[str, Any]:
    """Per tool: CPU microseconds per call (quickest and median window), statements per call."""
    template = await seeded_template(0, istanbul_today())
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="bench-tools-") as folder:
        work_dir = Path(folder)
        database = copy_database(template, work_dir / "tools.db")
        async with bench_runtime(base, database, work_dir) as runtime:
            statements = 0

            def count(*_args: object) -> None:
                nonlocal statements
                statements += 1

            event.listen(runtime.database.engine.sync_engine, "before_cursor_execute", count)
            arguments = {"user_id": CUSTOMER_ID}
            for name in TOOLS:
                for _ in range(WARM_UP_CALLS):
                    result = await runtime.call_tool(
                        name, customer_id=CUSTOMER_ID, arguments=arguments
                    )
                if result.get("success") is False:
                    raise RuntimeError(f"{name} failed: {result}")
                statements = 0
                per_call_us: list[float] = []
                for _ in range(windows):
                    started = time.process_time()
                    for _ in range(calls):
                        await runtime.call_tool(name, customer_id=CUSTOMER_ID, arguments=arguments)
                    per_call_us.append((time.process_time() - started) / calls * 1e6)
                results[name] = {
                    "min_us": round(min(per_call_us)),
                    "median_us": round(percentile(per_call_us, 50)),
                    "statements": round(statements / (calls * windows), 1),
                }
    return results


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``tools [--calls N] [--windows W]``."""
    parser = commands.add_parser("tools", help="CPU time per call of the everyday tools")
    parser.add_argument("--calls", type=int, default=100, help="calls per window")
    parser.add_argument("--windows", type=int, default=7, help="windows per tool")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace, settings: Settings) -> int:
    """Run the benchmark; the exit status."""
    if args.calls < 1 or args.windows < 1:
        print("error: --calls and --windows must be at least 1")
        return 2
    logging.disable(logging.WARNING)
    results = asyncio.run(run_tools(settings, args.calls, args.windows))
    for name, figures in results.items():
        print(
            f"{name:24s} {figures['min_us']:6d} µs per call (median window "
            f"{figures['median_us']} µs), {figures['statements']} statements"
        )
    print(json.dumps(results))
    return 0
