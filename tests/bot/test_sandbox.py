"""``python -m bot`` without a token (the sandbox, piped a script) and ``--sandbox-server``."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import httpx
import yaml
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.turkish import format_money
from db.models import Bill

SCRIPT = "/start\n/contact\n/fatura\nkalan internetim ne kadar\n"


def _sandbox_config(database_url: str, tmp_path: Path) -> Path:
    config = tmp_path / "config.yaml"
    config.write_text(
        yaml.safe_dump(
            {
                "database": {"url": database_url},
                "model": {"backend": "rules"},
                "logging": {"file": str(tmp_path / "app.log")},
            }
        ),
        encoding="utf-8",
    )
    return config


async def _run_sandbox(
    config: Path, project_root: Path, script: str, *arguments: str
) -> tuple[int | None, str, str]:
    """``python -m bot --sandbox`` piped ``script``: exit status, stdout, stderr."""
    return await _run_bot(config, project_root, script, "--sandbox", *arguments)


async def _run_bot(
    config: Path, project_root: Path, script: str, *arguments: str
) -> tuple[int | None, str, str]:
    """``python -m bot`` without a token, piped ``script``: exit status, stdout, stderr."""
    environment = {k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"}
    environment.pop("DATABASE_URL", None)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "--config",
        str(config),
        *arguments,
        cwd=project_root,
        env=environment,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(script.encode()), timeout=90)
    return process.returncode, stdout.decode(), stderr.decode()


def _answers(output: str) -> list[str]:
    """For each typed line, the bot's answer printed after it ("" when none)."""
    blocks = output.split("\n> ")[1:]
    return [block.partition("\n")[2] if "Telekom Asistan:" in block else "" for block in blocks]


async def test_piped_sandbox_prints_the_bots_answers_and_exits(
    database_url: str,
    tmp_path: Path,
    project_root: Path,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    config = _sandbox_config(database_url, tmp_path)

    status, output, errors = await _run_bot(config, project_root, SCRIPT)

    assert status == 0, errors
    assert errors.splitlines()[0] == (
        "TELEGRAM_BOT_TOKEN is not set: starting the local sandbox; set the token to reach "
        "Telegram."
    )
    async with sessions() as session:
        bill = await session.scalar(
            select(Bill).where(Bill.customer_id == 1001).order_by(Bill.bill_date.desc())
        )
    assert bill is not None
    expected_in_order = [
        "> /start",
        "Merhaba, ben Telekom Asistan.",
        "(type /contact to share your phone number)",
        "> /contact",
        "Teşekkürler, Ahmet Yılmaz.",
        "> /fatura",
        f"Fatura no: {bill.id}",
        f"Toplam: {format_money(bill.amount)}",
        "[1] Kredi kartıyla öde   [2] Havaleyle öde",
        "> kalan internetim ne kadar",
        "İnternet: ",
    ]
    position = 0
    for expected in expected_in_order:
        found = output.find(expected, position)
        assert found >= 0, f"{expected!r} missing after position {position} in:\n{output}"
        position = found
    assert "Traceback" not in output + errors


async def test_sandbox_server_serves_the_bot_api_until_interrupted(project_root: Path) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "--sandbox-server",
        "0",  # any free port; the notice names it
        "--first-update-id",
        "1000",
        cwd=project_root,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stdout is not None
    notice = (await asyncio.wait_for(process.stdout.readline(), timeout=60)).decode()
    base_url = notice.rsplit("TELEGRAM_API_BASE_URL=", 1)[1].strip()

    async with httpx.AsyncClient() as client:
        me = (await client.post(f"{base_url}123:abc/getMe")).json()
    process.send_signal(signal.SIGINT)
    await asyncio.wait_for(process.wait(), timeout=30)

    assert me["ok"] is True
    assert me["result"]["is_bot"] is True
    assert process.returncode == 0


async def test_sandbox_runs_again_and_again_on_one_database_answer_every_line(
    database_url: str, tmp_path: Path, project_root: Path
) -> None:
    # The stand-in starts afresh each time while the database remembers the
    # update ids it handled: every run must still answer every line.
    config = _sandbox_config(database_url, tmp_path)
    script = "/start\n/contact\n/fatura\n/durum\nkalan internetim ne kadar\n"
    for run in range(3):
        status, output, errors = await _run_sandbox(config, project_root, script)
        assert status == 0, errors
        answers = _answers(output)
        assert len(answers) == 5, output
        assert all(answers), f"run {run + 1} left a line unanswered:\n{output}"
        # The one start-up line the terminal shows: which backend, and why.
        assert "model backend: rules (rule-based answers), as configured" in errors
    log = (tmp_path / "app.log").read_text(encoding="utf-8")
    assert "delivered again" not in log


async def test_sandbox_acts_as_the_customer_asked_for(
    database_url: str, tmp_path: Path, project_root: Path
) -> None:
    config = _sandbox_config(database_url, tmp_path)
    status, output, errors = await _run_sandbox(
        config, project_root, "/contact\n/fatura\n", "--customer", "1004"
    )
    assert status == 0, errors
    assert "(customer 1004)" in output
    assert "Teşekkürler, " in output
    assert all(_answers(output)), output

    status, _, errors = await _run_sandbox(config, project_root, "/start\n", "--customer", "99")
    assert status != 0
    assert errors.strip().endswith(
        "no customer 99 in the database (the demo customers start at 1001)"
    )


async def test_sandbox_server_refuses_a_first_update_id_below_one(project_root: Path) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "--sandbox-server",
        "0",
        "--first-update-id",
        "0",
        cwd=project_root,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 2
    assert "--first-update-id: must be a whole number from 1 (got '0')" in stderr.decode()
