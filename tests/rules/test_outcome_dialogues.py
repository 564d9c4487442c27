"""Conversations about what customers are told: action outcomes, eligibility, bills, slow lines.

``data/dialogues_outcomes.jsonl`` holds our own phrasings (not the dev set's):
the effect of each action after "evet" or Onayla, the cheapest package a
student or civil servant may really take, why a bill is above the usual one,
an overdue bill's due date, and a slow line in a city with an outage.
"""

from __future__ import annotations

import json
from pathlib import Path

from agent.dialogue_eval import evaluate_dialogues, read_dialogues
from core.config_loader import load_settings

ROOT = Path(__file__).resolve().parents[2]
OUTCOME_SET = Path(__file__).parent / "data" / "dialogues_outcomes.jsonl"


async def test_the_rules_backend_tells_customers_what_happened(tmp_path: Path) -> None:
    settings = load_settings(ROOT / "config.yaml", environ={"MODEL_BACKEND": "rules"})
    logging = settings.logging.model_copy(update={"file": str(tmp_path / "app.log")})
    settings = settings.model_copy(update={"logging": logging})
    report = await evaluate_dialogues(settings, read_dialogues(OUTCOME_SET))
    misses = [turn.as_miss() for turn in report.turns if not turn.passed]
    assert not misses, "\n".join(json.dumps(miss, ensure_ascii=False) for miss in misses)
