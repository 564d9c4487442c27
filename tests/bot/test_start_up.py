"""``python -m bot`` started as an operator starts it, in a process of its own.

Telegram is the stand-in on loopback (its servers cannot be reached from here);
the bot is the real entry point with the committed config.yaml, pointed at the
test database. Each misconfiguration is one line on stderr, exit status 2 and
nothing sent to Telegram; a stop signal during start-up ends the process
cleanly within ``telegram.shutdown_timeout_s``.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import yaml

from bot.standin import StandinServer
from tests.bot.conftest import TOKEN
from tests.conftest import PROJECT_ROOT
from tests.service.live_server import free_port

RUN_TIMEOUT_S = 90.0
SHUTDOWN_LIMIT_S = 8.0
PUBLIC_URL = "https://bot.example.com/telegram/updates"


@dataclass
class Finished:
    status: int
    stderr: str


def bot_environment(
    tmp_path: Path, database_url: str, standin: StandinServer | None, **overrides: str
) -> dict[str, str]:
    """The environment of a deployed bot; ``telegram.shutdown_timeout_s`` kept short."""
    config = yaml.safe_load((PROJECT_ROOT / "config.yaml").read_text(encoding="utf-8"))
    config["logging"]["file"] = str(tmp_path / "bot.log")
    config["telegram"]["shutdown_timeout_s"] = SHUTDOWN_LIMIT_S
    config["model"]["backend"] = "rules"
    config_path = tmp_path / "config.yaml"
    config_path.write_text(yaml.safe_dump(config), encoding="utf-8")
    ours = ("TELEGRAM_", "DATABASE_URL", "AGENT_", "TELEKOM_CONFIG", "MODEL_")
    environment = {k: v for k, v in os.environ.items() if not k.startswith(ours)}
    environment.update(
        {
            "TELEKOM_CONFIG": str(config_path),
            "DATABASE_URL": database_url,
            "PYTHONPATH": str(PROJECT_ROOT),
            "PYTHONUNBUFFERED": "1",
        }
    )
    if standin is not None:
        environment.update({"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": standin.base_url})
    environment.update(overrides)
    return environment


async def start_bot(environment: dict[str, str], tmp_path: Path) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        cwd=tmp_path,
        env=environment,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )


async def finished(process: asyncio.subprocess.Process) -> Finished:
    try:
        _, stderr = await asyncio.wait_for(process.communicate(), RUN_TIMEOUT_S)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise
    assert process.returncode is not None
    return Finished(process.returncode, stderr.decode("utf-8", errors="replace"))


async def run_bot(environment: dict[str, str], tmp_path: Path) -> Finished:
    return await finished(await start_bot(environment, tmp_path))


def one_line_refusal(done: Finished, *naming: str) -> str:
    assert "Traceback" not in done.stderr, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert done.status == 2, done.stderr
    for fragment in naming:
        assert fragment in lines[0], lines[0]
    return lines[0]


def webhook_overrides(url: str = PUBLIC_URL, **more: str) -> dict[str, str]:
    return {
        "TELEGRAM_MODE": "webhook",
        "TELEGRAM_WEBHOOK_URL": url,
        "TELEGRAM_WEBHOOK_PORT": str(free_port()),
        **more,
    }


# -- misconfigurations: one line, exit 2, nothing sent to Telegram -------------------------------


async def test_an_http_webhook_url_is_one_line_and_nothing_reaches_telegram(
    tmp_path: Path, database_url: str, standin: StandinServer
) -> None:
    url = "http://bot.example.com/telegram/updates"
    environment = bot_environment(tmp_path, database_url, standin, **webhook_overrides(url))

    done = await run_bot(environment, tmp_path)

    one_line_refusal(done, "telegram.webhook.url", "https://")
    assert standin.state.tokens_seen == []
    assert standin.state.webhook.url == ""


async def test_a_busy_webhook_port_is_one_line_and_nothing_reaches_telegram(
    tmp_path: Path, database_url: str, standin: StandinServer
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        environment = bot_environment(
            tmp_path, database_url, standin, **webhook_overrides(TELEGRAM_WEBHOOK_PORT=str(port))
        )
        done = await run_bot(environment, tmp_path)

    one_line_refusal(done, f"127.0.0.1:{port}", "telegram.webhook.port", "in use")
    assert standin.state.tokens_seen == []
    assert standin.state.webhook.url == ""


async def test_a_secret_telegram_would_refuse_is_one_line_never_repeating_it(
    tmp_path: Path, database_url: str, standin: StandinServer
) -> None:
    secret = "pass word with spaces!"
    environment = bot_environment(
        tmp_path, database_url, standin, **webhook_overrides(TELEGRAM_WEBHOOK_SECRET=secret)
    )

    done = await run_bot(environment, tmp_path)

    line = one_line_refusal(done, "TELEGRAM_WEBHOOK_SECRET", "A-Z, a-z, 0-9, _ and -")
    assert secret not in line
    assert standin.state.tokens_seen == []


async def test_no_token_and_no_input_refuses_instead_of_running_the_sandbox(
    tmp_path: Path, database_url: str
) -> None:
    environment = bot_environment(tmp_path, database_url, None)

    done = await run_bot(environment, tmp_path)  # stdin is /dev/null, as under systemd

    one_line_refusal(done, "TELEGRAM_BOT_TOKEN is not set", "standard input")


async def test_webhook_mode_without_a_token_refuses_even_with_input(
    tmp_path: Path, database_url: str
) -> None:
    environment = bot_environment(tmp_path, database_url, None, **webhook_overrides())
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        cwd=tmp_path,
        env=environment,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    _, stderr = await asyncio.wait_for(process.communicate(b"/start\n"), RUN_TIMEOUT_S)
    assert process.returncode is not None

    done = Finished(process.returncode, stderr.decode())
    one_line_refusal(done, "telegram.mode is webhook", "TELEGRAM_BOT_TOKEN is not set")


# -- stop signals during start-up ------------------------------------------------------------------


async def test_sigterm_in_the_first_second_stops_cleanly(
    tmp_path: Path, database_url: str, standin: StandinServer
) -> None:
    environment = bot_environment(tmp_path, database_url, standin, **webhook_overrides())
    process = await start_bot(environment, tmp_path)
    await asyncio.sleep(1.0)  # the interpreter is still importing the bot

    process.send_signal(signal.SIGTERM)
    signalled = time.monotonic()
    done = await finished(process)

    assert done.status == 0, done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    assert time.monotonic() - signalled < SHUTDOWN_LIMIT_S


async def test_sigterm_while_start_up_waits_for_telegram_stops_cleanly(
    tmp_path: Path, database_url: str, standin: StandinServer
) -> None:
    # setWebhook keeps answering 502: start-up stays in its retries until the signal.
    standin.inject_faults(1000, status=502, method="setWebhook")
    environment = bot_environment(tmp_path, database_url, standin, **webhook_overrides())
    process = await start_bot(environment, tmp_path)
    deadline = time.monotonic() + RUN_TIMEOUT_S
    while standin.state.faults.armed() == 1000:
        assert process.returncode is None, await finished(process)
        assert time.monotonic() < deadline, "the bot never called setWebhook"
        await asyncio.sleep(0.1)

    process.send_signal(signal.SIGTERM)
    signalled = time.monotonic()
    done = await finished(process)

    assert done.status == 0, done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    assert time.monotonic() - signalled < SHUTDOWN_LIMIT_S
    assert standin.state.webhook.url == ""


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT], ids=["TERM", "INT"])
async def test_a_stop_signal_while_serving_stops_cleanly(
    tmp_path: Path, database_url: str, standin: StandinServer, stop_signal: signal.Signals
) -> None:
    health_port = free_port()
    environment = bot_environment(
        tmp_path, database_url, standin, TELEGRAM_HEALTH_PORT=str(health_port)
    )
    process = await start_bot(environment, tmp_path)
    await _until_ready(process, health_port)

    process.send_signal(stop_signal)
    signalled = time.monotonic()
    done = await finished(process)

    assert done.status == 0, done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    assert time.monotonic() - signalled < SHUTDOWN_LIMIT_S


async def _until_ready(process: asyncio.subprocess.Process, port: int) -> None:
    deadline = time.monotonic() + RUN_TIMEOUT_S
    async with httpx.AsyncClient() as client:
        while True:
            assert process.returncode is None, await finished(process)
            assert time.monotonic() < deadline, "the bot never became ready"
            try:
                response = await client.get(f"http://127.0.0.1:{port}/readyz")
                if response.status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.2)
