"""``python -m agent eval --dialogues FILE``: whole conversations scored turn by turn.

The contract tests run the command as an operator does (a subprocess on the
``rules`` backend) on small inline conversations; the last test runs the public
set ``tests/data/dialogues.jsonl`` and holds the backend to the issue's bar.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from agent.dialogue_eval import (
    DialogueFileError,
    DialogueTurn,
    answer_failures,
    evaluate_dialogues,
    read_dialogues,
)
from agent.tools.telekom import default_registry
from core.config_loader import load_settings

ROOT = Path(__file__).resolve().parents[2]
PUBLIC_SET = ROOT / "tests" / "data" / "dialogues.jsonl"
# The bar for the rules backend on the public set (issue 19); do not lower it.
PUBLIC_SET_MIN_TURN_PASS_RATE = 0.97
# The day the inline conversations' facts hold (the demo operator is built for it).
DAY = "2026-12-03"


def _write(path: Path, dialogues: list[dict[str, Any]]) -> Path:
    lines = [json.dumps(dialogue, ensure_ascii=False) for dialogue in dialogues]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _eval(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MODEL_BACKEND": "rules"}
    return subprocess.run(
        [sys.executable, "-m", "agent", "eval", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _summary(result: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    assert result.returncode == 0, result.stderr
    summary: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return summary


def _misses(result: subprocess.CompletedProcess[str]) -> list[dict[str, Any]]:
    return [json.loads(line) for line in result.stdout.splitlines() if line.startswith('{"id"')]


BILL_ASKED = {
    "id": "bill-right",
    "customer": 1001,
    "today": DAY,
    "turns": [
        {
            "user": "faturam ne kadar",
            "expect_tools": ["get_current_bill"],
            "expect_in_answer": ["129,22 TL", ["17 Aralık 2026", "17.12.2026"]],
            "forbid_in_answer": ["yalnızca telekom"],
        }
    ],
}


def test_a_passing_and_a_failing_conversation_are_scored_per_turn_and_whole(
    tmp_path: Path,
) -> None:
    wrong_amount = {
        "id": "bill-wrong",
        "customer": 1001,
        "today": DAY,
        "turns": [
            {"user": "merhaba", "expect_tools": []},
            {"user": "FATURAM NE KADAR", "expect_in_answer": ["999,99 TL"]},
        ],
    }
    file = _write(tmp_path / "d.jsonl", [BILL_ASKED, wrong_amount])
    result = _eval("--dialogues", str(file), "--show-misses")
    assert _summary(result) == {
        "dialogues": 2,
        "turns": 3,
        "turn_pass_rate": round(2 / 3, 4),
        "dialogue_pass_rate": 0.5,
        "backend": "rules",
    }
    [miss] = _misses(result)
    assert (miss["id"], miss["turn"], miss["user"]) == ("bill-wrong", 2, "FATURAM NE KADAR")
    assert "129,22 TL" in miss["answer"]
    assert miss["tools"] == ["get_current_bill"]
    assert miss["failed"] == ["answer lacks '999,99 TL'"]


def test_without_show_misses_only_results_are_printed(tmp_path: Path) -> None:
    result = _eval("--dialogues", str(_write(tmp_path / "d.jsonl", [BILL_ASKED])))
    assert _summary(result)["turn_pass_rate"] == 1.0
    assert not _misses(result)
    assert len(result.stdout.strip().splitlines()) <= 3


def test_presses_act_on_the_newest_card_and_every_conversation_starts_fresh(
    tmp_path: Path,
) -> None:
    paid = {
        "id": "pay-by-transfer",
        "customer": 1001,
        "today": DAY,
        "turns": [
            {"user": "faturamı havale ile ödemek istiyorum", "expect_tools": ["pay_bill"]},
            {"press": "Onayla", "expect_tools": ["pay_bill"], "expect_in_answer": ["TXN-"]},
        ],
        "expect_state": {
            "current_bill": "paid",
            "unpaid_bills": 0,
            "payments_made": 1,
            "last_payment_method": "bank_transfer",
            "pending_actions": 0,
        },
    }
    # Runs after the payment above: still unpaid, because each conversation gets
    # its own freshly seeded operator.
    refused = {
        "id": "pay-refused",
        "customer": 1001,
        "today": DAY,
        "turns": [
            {"user": "faturamı kredi kartıyla öde", "expect_tools": ["pay_bill"]},
            {"press": "Vazgeç", "expect_tools": []},
        ],
        "expect_state": {
            "current_bill": "unpaid",
            "payments_made": 0,
            "last_payment_method": None,
            "pending_actions": 0,
        },
    }
    result = _eval("--dialogues", str(_write(tmp_path / "d.jsonl", [paid, refused])))
    assert _summary(result)["dialogue_pass_rate"] == 1.0, result.stdout


def test_a_state_check_that_does_not_hold_fails_the_last_turn(tmp_path: Path) -> None:
    nothing_done = {
        "id": "roaming-never-asked",
        "customer": 1002,
        "today": DAY,
        "turns": [{"user": "merhaba"}, {"user": "teşekkürler"}],
        "expect_state": {"roaming": True, "line": "active", "package": "premium paket"},
    }
    result = _eval(
        "--dialogues", str(_write(tmp_path / "d.jsonl", [nothing_done])), "--show-misses"
    )
    assert _summary(result)["turn_pass_rate"] == 0.5
    [miss] = _misses(result)
    assert miss["turn"] == 2
    assert miss["failed"] == ["state roaming: False != expected True"]


def test_a_press_with_no_card_waiting_fails_the_turn(tmp_path: Path) -> None:
    no_card = {
        "id": "press-nothing",
        "customer": 1001,
        "today": DAY,
        "turns": [{"user": "kalan internetim"}, {"press": "Onayla"}],
    }
    result = _eval("--dialogues", str(_write(tmp_path / "d.jsonl", [no_card])), "--show-misses")
    [miss] = _misses(result)
    assert miss["failed"] == ["no card waiting to press Onayla"]


@pytest.mark.parametrize(
    "bad_line",
    [
        "not json",
        '{"id": "x", "customer": 1001}',
        '{"id": "x", "customer": 1001, "turns": []}',
        '{"id": "x", "customer": "1001", "turns": [{"user": "selam"}]}',
        '{"id": "x", "customer": 1001, "turns": [{"user": "a", "press": "Onayla"}]}',
        '{"id": "x", "customer": 1001, "turns": [{"press": "Tamam"}]}',
        '{"id": "x", "customer": 1001, "turns": [{"user": "a", "expect_tools": ["get_bill"]}]}',
        '{"id": "x", "customer": 1001, "turns": [{"user": "a"}], "expect_state": {"colour": 1}}',
        '{"id": "x", "customer": 1001, "turns": [{"user": "a"}], "expect_state": {"line": "on"}}',
        '{"id": "x", "customer": null, "turns": [{"user": "a"}], '
        '"expect_state": {"roaming": false}}',
        '{"id": "x", "customer": 1001, "today": "dün", "turns": [{"user": "a"}]}',
        '{"id": "bill-right", "customer": 1001, "turns": [{"user": "again"}]}',
    ],
)
def test_a_malformed_line_is_named_by_file_and_line(tmp_path: Path, bad_line: str) -> None:
    file = tmp_path / "bad.jsonl"
    file.write_text(json.dumps(BILL_ASKED, ensure_ascii=False) + "\n" + bad_line + "\n")
    with pytest.raises(DialogueFileError, match=rf"^{file}:2: "):
        read_dialogues(file)


def test_the_command_exits_2_with_one_line_on_a_malformed_file(tmp_path: Path) -> None:
    file = tmp_path / "bad.jsonl"
    file.write_text(json.dumps(BILL_ASKED) + '\n{"id": "y", "customer": 1001, "turns": 3}\n')
    result = _eval("--dialogues", str(file))
    assert result.returncode == 2
    assert result.stdout == ""
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"eval: {file}:2: not a dialogue (turns")


def test_answers_are_compared_without_case_diacritics_or_spacing() -> None:
    turn = DialogueTurn(
        user="borcum ne",
        expect_tools=["get_past_bills", "get_current_bill"],
        expect_in_answer=["gecikmiş", ["toplam", "hepsi"], "64,87 TL"],
        forbid_in_answer=["yalnızca telekom"],
    )
    tools = ["get_current_bill", "get_past_bills", "get_past_bills"]
    assert answer_failures(turn, "GECİKMİŞ faturanız: 64,87\u00a0TL; Toplam borç", tools) == []
    assert answer_failures(turn, "Gecikmis fatura 64,87 TL, hepsi bu", tools) == []
    failures = answer_failures(turn, "Yalnızca telekom konularında...", ["get_current_bill"])
    assert failures == [
        "tools ['get_current_bill'] != expected ['get_current_bill', 'get_past_bills']",
        "answer lacks 'gecikmiş'",
        "answer lacks 'toplam | hepsi'",
        "answer lacks '64,87 TL'",
        "answer holds forbidden 'yalnızca telekom'",
    ]


def test_the_public_set_is_well_formed_and_covers_every_tool() -> None:
    dialogues = read_dialogues(PUBLIC_SET)
    assert len(dialogues) >= 110
    assert all(2 <= len(dialogue.turns) <= 6 for dialogue in dialogues)
    named = {tool for d in dialogues for turn in d.turns for tool in turn.expect_tools or ()}
    assert named == set(default_registry().names)
    assert {1001, 1002, 1003, 1004} <= {dialogue.customer for dialogue in dialogues}
    assert any(turn.press for dialogue in dialogues for turn in dialogue.turns)


async def test_the_rules_backend_passes_the_public_set(tmp_path: Path) -> None:
    settings = load_settings(ROOT / "config.yaml", environ={"MODEL_BACKEND": "rules"})
    logging = settings.logging.model_copy(update={"file": str(tmp_path / "app.log")})
    settings = settings.model_copy(update={"logging": logging})
    report = await evaluate_dialogues(settings, read_dialogues(PUBLIC_SET))
    misses = [turn.as_miss() for turn in report.turns if not turn.passed]
    shown = "\n".join(json.dumps(miss, ensure_ascii=False) for miss in misses[:20])
    assert report.turn_pass_rate >= PUBLIC_SET_MIN_TURN_PASS_RATE, shown
