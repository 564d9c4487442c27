"""Many processes starting together on one empty database: all come up, the data once.

Deployments start a bot and an agent service (or several replicas) at the
same moment; each migrates and seeds the database it opens. Without the
schema lock, two of them racing on an empty PostgreSQL database crashed with
``UniqueViolationError`` in the migration or the seed.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from db import migrate
from db.engine import create_engine, session_factory
from db.models import Customer
from db.seed import DEFAULT_CUSTOMER_COUNT
from tests.conftest import PROJECT_ROOT

ENGINES = [pytest.param("sqlite"), pytest.param("postgresql", marks=pytest.mark.postgres)]
PROCESSES = 10
# Ten Python processes importing SQLAlchemy and migrating on two slow cores.
START_TIMEOUT_S = 240.0


def _config(tmp_path: Path) -> Path:
    """The shipped config.yaml, logging into ``tmp_path``."""
    config = (PROJECT_ROOT / "config.yaml").read_text(encoding="utf-8")
    path = tmp_path / "config.yaml"
    path.write_text(config.replace("file: logs/app.log", f"file: {tmp_path / 'app.log'}"))
    return path


async def _start(command: str, database_url: str, config: Path) -> tuple[int, str]:
    """``python -m db <command>`` as an operator runs it; its exit status and output."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "db",
        command,
        cwd=PROJECT_ROOT,
        env={**os.environ, "DATABASE_URL": database_url, "TELEKOM_CONFIG": str(config)},
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await process.communicate()
    return process.returncode or 0, output.decode(errors="replace")


@pytest.mark.parametrize("any_database_url", ENGINES, indirect=True)
async def test_ten_processes_started_at_once_on_an_empty_database_all_come_up(
    any_database_url: str, tmp_path: Path
) -> None:
    # Half only migrate (``python -m db upgrade``); half open the database the
    # way the bot and the agent service do, migrating and seeding it.
    commands = ["upgrade" if n % 2 else "seed" for n in range(PROCESSES)]
    config = _config(tmp_path)
    results = await asyncio.wait_for(
        asyncio.gather(*(_start(c, any_database_url, config) for c in commands)),
        START_TIMEOUT_S,
    )
    failures = [output for status, output in results if status != 0]
    assert not failures, failures[0]

    engine = create_engine(any_database_url)
    try:
        assert await migrate.current_revision(engine) == migrate.head_revision()
        async with session_factory(engine)() as session:
            customers = await session.scalar(select(func.count()).select_from(Customer))
        assert customers == DEFAULT_CUSTOMER_COUNT
    finally:
        await engine.dispose()
