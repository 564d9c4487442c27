"""``python -m bot`` as deployed, in a process of its own, for the crash tests."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from tests.bot.conftest import TOKEN
from tests.conftest import PROJECT_ROOT

START_TIMEOUT_S = 120.0
STOP_TIMEOUT_S = 60.0


def bot_environment(
    tmp_path: Path, api_url: str, database_url: str, **model: str
) -> dict[str, str]:
    """The environment of a deployed bot, pointed at the stand-in and the test database."""
    config = (PROJECT_ROOT / "config.yaml").read_text(encoding="utf-8")
    log_file = tmp_path / "bot.log"
    config = config.replace("file: logs/app.log", f"file: {log_file}")
    config_path = tmp_path / "config.yaml"
    config_path.write_text(config, encoding="utf-8")
    return {
        **os.environ,
        "TELEKOM_CONFIG": str(config_path),
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": api_url,
        "DATABASE_URL": database_url,
        "PYTHONUNBUFFERED": "1",
        **model,
    }


@asynccontextmanager
async def bot_process(
    environment: dict[str, str], output: Path
) -> AsyncIterator[asyncio.subprocess.Process]:
    """``python -m bot`` running; stopped with SIGTERM at the end unless already dead."""
    with output.open("ab") as log:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            cwd=PROJECT_ROOT,
            env=environment,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=log,
            stderr=log,
        )
    try:
        yield process
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(process.wait(), STOP_TIMEOUT_S)
            except TimeoutError:
                process.kill()
                await process.wait()


async def until(
    condition: Callable[[], Awaitable[bool]], what: str, output: Path, within_s: float
) -> None:
    """Poll ``condition`` until it holds; fail with the bot's output otherwise."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within_s
    while not await condition():
        if loop.time() > deadline:
            tail = await asyncio.to_thread(output.read_text, encoding="utf-8", errors="replace")
            raise AssertionError(f"timed out waiting for {what}; bot output:\n{tail[-3000:]}")
        await asyncio.sleep(0.2)
