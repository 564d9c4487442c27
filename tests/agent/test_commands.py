"""``python -m agent chat`` and ``python -m agent eval`` as an operator runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.turkish import format_day, format_money
from db.models import Bill, PackageChange

ROOT = Path(__file__).resolve().parents[2]


def _run(
    args: list[str], database_url: str, stdin: str = "", tmp: Path | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database_url, "MODEL_BACKEND": "rules"}
    return subprocess.run(
        [sys.executable, "-m", "agent", *args],
        cwd=ROOT,
        input=stdin,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


async def test_piped_chat_answers_from_the_database_in_turkish(
    database_url: str, sessions: async_sessionmaker[AsyncSession]
) -> None:
    script = "merhaba\nfaturam ne kadar\nkalan internetim\nPremium pakete geçmek istiyorum\nevet\n"
    result = _run(["chat", "--customer", "1001"], database_url, script)
    assert result.returncode == 0, result.stderr
    answers = result.stdout.split("Asistan: ")[1:]  # answers may span several lines
    assert len(answers) == 5
    async with sessions() as session:
        bill = (
            await session.scalars(
                select(Bill).where(Bill.customer_id == 1001).order_by(Bill.bill_date.desc())
            )
        ).first()
        changes = (await session.scalars(select(PackageChange))).all()
    assert "Merhaba" in answers[0]
    assert bill is not None
    assert format_money(bill.amount) in result.stdout
    assert format_day(bill.due_date) in result.stdout
    assert "GB" in answers[2]
    assert "Premium Paket" in answers[3]
    assert answers[3].count("?") >= 1  # asks for confirmation first
    assert [(c.customer_id, c.status) for c in changes] == [(1001, "scheduled")]
    assert "Traceback" not in result.stderr


def test_eval_prints_per_tool_results_and_a_json_summary(tmp_path: Path, database_url: str) -> None:
    cases = tmp_path / "cases.jsonl"
    rows = [
        {"text": "Faturam ne kadar?", "tool": "get_current_bill", "args": {}},
        {"text": "Merhaba", "tool": None},
        {"text": "Kalan internetimi öğrenebilir miyim", "tool": "get_remaining_quotas"},
        {
            "text": "Premium pakete geçmek istiyorum",
            "tool": "change_package",
            "args": {"new_package_name": "premium paket"},
        },
    ]
    cases.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    result = _run(["eval", str(cases), "--backend", "rules"], database_url)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["n"] == 4
    assert summary["tool_accuracy"] == 1.0
    assert summary["args_accuracy"] == 1.0
    assert "get_current_bill" in result.stdout


def test_eval_refuses_a_malformed_file_with_one_line(tmp_path: Path, database_url: str) -> None:
    cases = tmp_path / "bad.jsonl"
    cases.write_text('{"text": "ok", "tool": null}\nnot json\n', encoding="utf-8")
    result = _run(["eval", str(cases)], database_url)
    assert result.returncode == 2
    assert result.stderr.strip().startswith(f"eval: {cases}:2:")
