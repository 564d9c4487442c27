"""``python -m agent tools``, run as a real subprocess against a seeded SQLite copy."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from db.engine import create_engine, session_factory
from db.models import Bill
from tests.tools.harness import CONTRACT_PARAMETERS


def _agent(project_root: Path, config: Path, database_url: str, *args: str) -> tuple[int, Any, str]:
    """Run ``python -m agent --config CONFIG ARGS``; exit status, parsed stdout, stderr."""
    env = {**os.environ, "DATABASE_URL": database_url}
    done = subprocess.run(
        [sys.executable, "-m", "agent", "--config", str(config), *args],
        cwd=project_root,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return done.returncode, json.loads(done.stdout), done.stderr


@pytest.fixture
def config(tmp_path: Path) -> Path:
    """A config file that keeps the CLI's log out of the repository."""
    path = tmp_path / "config.yaml"
    path.write_text(f"logging:\n  file: {tmp_path / 'app.log'}\n", encoding="utf-8")
    return path


async def _unpaid_bills(database_url: str) -> list[str]:
    engine = create_engine(database_url)
    try:
        async with session_factory(engine)() as session:
            query = select(Bill.id).where(Bill.customer_id == 1001, Bill.paid_at.is_(None))
            return list(await session.scalars(query))
    finally:
        await engine.dispose()


def test_tools_list_prints_the_19_schemas(
    project_root: Path, config: Path, database_url: str
) -> None:
    status, tools, _ = _agent(project_root, config, database_url, "tools", "list")
    assert status == 0
    assert sorted(tool["name"] for tool in tools) == sorted(CONTRACT_PARAMETERS)
    pay = next(tool for tool in tools if tool["name"] == "pay_bill")
    assert pay["side_effect"] is True
    assert pay["parameters"]["properties"]["method"]["enum"] == ["credit_card", "bank_transfer"]


def test_tools_call_prints_the_result_or_the_error(
    project_root: Path, config: Path, database_url: str
) -> None:
    status, bill, _ = _agent(
        project_root,
        config,
        database_url,
        "tools",
        "call",
        "get_current_bill",
        "--customer",
        "1001",
    )
    assert status == 0
    assert bill["user_id"] == 1001
    assert bill["status"] == "unpaid"
    status, refused, _ = _agent(
        project_root,
        config,
        database_url,
        *("tools", "call", "get_current_bill", "--customer", "1001"),
        *("--args", '{"user_id": 1002}'),
    )
    assert status == 1
    assert refused["error"]["code"] == "FORBIDDEN"


async def test_a_side_effect_runs_only_with_yes(
    project_root: Path, config: Path, database_url: str
) -> None:
    unpaid = await _unpaid_bills(database_url)
    assert len(unpaid) == 1
    pay = ("tools", "call", "pay_bill", "--customer", "1001", "--args", '{"method": "havale"}')

    status, proposal, stderr = _agent(project_root, config, database_url, *pay)
    assert status == 0
    assert proposal["confirmation_required"] is True
    assert unpaid[0] in proposal["summary"]
    assert "--yes" in stderr
    assert await _unpaid_bills(database_url) == unpaid

    status, paid, _ = _agent(project_root, config, database_url, *pay, "--yes")
    assert status == 0
    assert paid["bill_id"] == unpaid[0]
    assert paid["method"] == "bank_transfer"
    assert paid["transaction_id"].startswith("TXN-")
    assert await _unpaid_bills(database_url) == []


def test_arguments_that_are_not_a_json_object_are_refused(
    project_root: Path, config: Path, database_url: str
) -> None:
    status, error, _ = _agent(
        project_root, config, database_url, "tools", "call", "get_current_bill", "--args", "[1]"
    )
    assert status == 2
    assert error["error"]["code"] == "INVALID_ARGUMENT"
