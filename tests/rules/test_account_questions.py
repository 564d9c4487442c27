"""Own-package comparisons, autopay status, disputed bill items and impatience about a ticket.

``data/dialogues_account_questions.jsonl`` holds our own phrasings (colloquial,
without Turkish letters, with and without context), run through the real
runtime on the ``rules`` backend; the unit tests below pin what a customer reads.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from agent.dialogue_eval import evaluate_dialogues, read_dialogues
from agent.rules import RulesEngine
from agent.rules.account_questions import (
    asks_autopay_status,
    autopay_answer,
    contract_answer,
    disputes_charge,
    files_dispute,
    own_comparison_answer,
)
from core.config_loader import load_settings
from tests.rules.dialogues import Conversation

ROOT = Path(__file__).resolve().parents[2]
DIALOGUES = Path(__file__).parent / "data" / "dialogues_account_questions.jsonl"


async def test_account_question_dialogues_pass(tmp_path: Path) -> None:
    settings = load_settings(ROOT / "config.yaml", environ={"MODEL_BACKEND": "rules"})
    logging = settings.logging.model_copy(update={"file": str(tmp_path / "app.log")})
    settings = settings.model_copy(update={"logging": logging})
    report = await evaluate_dialogues(settings, read_dialogues(DIALOGUES))
    misses = [turn.as_miss() for turn in report.turns if not turn.passed]
    assert not misses, "\n".join(json.dumps(miss, ensure_ascii=False) for miss in misses)


def test_autopay_questions_are_status_questions_not_requests() -> None:
    for asked in (
        "otomatik ödeme talimatım var mı",
        "otomatik odemem acik mi",
        "faturam otomatik mi ödeniyor",
        "otomatik ödeme aktif mi bende",
        "otomatik odeme durumum ne",
    ):
        assert asks_autopay_status(asked), asked
    for asked in ("otomatik ödemeyi aç", "otomatik ödeme talimatı vermek istiyorum"):
        assert not asks_autopay_status(asked), asked


def test_autopay_answer_names_the_method_and_never_asks_on_or_off() -> None:
    on = autopay_answer({"autopay_enabled": True, "autopay_method": "credit_card"})
    off = autopay_answer({"autopay_enabled": False, "autopay_method": "credit_card"})
    assert on is not None
    assert "açık" in on
    assert "kredi kartı" in on
    assert off is not None
    assert "kapalı" in off
    assert "açmamı ister misiniz" in off
    assert autopay_answer({"name": "Ahmet"}) is None


def test_a_filed_dispute_is_not_a_new_one() -> None:
    assert disputes_charge("bu ek paketi ben almadım")
    assert disputes_charge("yurtdisi ucreti yanlis yansimis")
    assert not disputes_charge("fatura itirazım T-2026-000580 hala çözülmedi")
    assert not disputes_charge("itiraz kaydım ne durumda")


def test_a_dispute_that_asks_for_the_complaint_files_it_at_once() -> None:
    assert files_dispute("o ek paketi ben almadim, sikayet acin")
    assert files_dispute("bu ücreti ben onaylamadım itiraz kaydı açın")
    assert files_dispute("ek paket benim değil şikayetçiyim kayıt oluşturun")
    # A dispute alone is offered a ticket; a filed one is asked about; a bare request is no dispute.
    assert not files_dispute("bu ek paketi ben almadım")
    assert not files_dispute("açtığım itiraz kaydı ne oldu")
    assert not files_dispute("şikayet kaydı açın")


def test_the_monthly_difference_is_told_in_lira() -> None:
    current = {
        "package_name": "Mega İnternet",
        "monthly_fee": 69.5,
        "features": {"internet_gb": 50},
    }
    other = {"name": "Memur Özel", "monthly_fee": 55.0, "features": {"internet_gb": 35}}
    answer = own_comparison_answer(current, other)
    assert "Mega İnternet" in answer
    assert "Memur Özel" in answer
    assert "14,50 TL daha ucuz" in answer
    assert "15 GB daha az" in answer


def test_a_comparison_needs_a_linked_customer() -> None:
    chat = Conversation(RulesEngine(), customer_id=None)
    reply = chat.say("şu anki paketimle Gamer Pro arasında fark ne")
    assert all(call.name != "get_package_details" for call in reply.tool_calls)


def test_a_running_commitment_gives_its_end_and_the_cancellation_fee() -> None:
    own = {"package_name": "Full Paket", "activation_date": "2026-01-31"}
    details = {"name": "Full Paket", "contract_duration": 12, "cancellation_fee": 200.0}
    answer = contract_answer(own, details, today=date(2026, 12, 3))
    assert "taahhüt süresi 12 ay" in answer
    assert "31 Ocak 2027" in answer
    assert "200,00 TL" in answer


def test_an_ended_commitment_has_no_cancellation_fee() -> None:
    own = {"package_name": "Mega İnternet", "activation_date": "2025-01-31"}
    details = {"name": "Mega İnternet", "contract_duration": 1, "cancellation_fee": 150.0}
    answer = contract_answer(own, details, today=date(2026, 12, 3))
    assert "28 Şubat 2025 tarihinde sona erdi" in answer  # the month's last day
    assert "cayma bedeli uygulanmaz" in answer
    assert "150,00 TL" not in answer
