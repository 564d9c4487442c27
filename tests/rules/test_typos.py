"""Typos, missing Turkish letters and short forms read as the customer meant them."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from agent.rules import RulesReply, texts
from agent.rules.spelling import corrected
from tests.rules.dialogues import args_of, only_call

Ask = Callable[..., RulesReply]


@pytest.mark.parametrize(
    ("text", "tool"),
    [
        ("fatrum ne kdr", "get_current_bill"),
        ("farura", "get_current_bill"),
        ("faturm ne kadr", "get_current_bill"),
        ("kalan internetm", "get_remaining_quotas"),
        ("kalan dakikm ne kdr", "get_remaining_quotas"),
        ("paketimi degistirmek istiyorum", "get_available_packages"),
        ("paketmi degstirmek istiyom", "get_available_packages"),
        ("odeme gecmisim", "get_payment_history"),
        ("odeme gecmsim", "get_payment_history"),
        ("internetm cok yavs", "test_internet_speed"),
        ("gecmis faturalrim", "get_past_bills"),
        ("paketm ne", "get_customer_package"),
        ("faturamı ödicem", "pay_bill"),
    ],
)
def test_a_misspelt_request_runs_the_tool_it_meant(ask: Ask, text: str, tool: str) -> None:
    assert only_call(ask(text)).name == tool


def test_a_misspelt_roaming_request_still_switches_roaming_on(ask: Ask) -> None:
    assert args_of(ask("rooming aç")) == {"status": True}


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("slm", texts.GREETING),
        ("mrb", texts.GREETING),
        ("tşk", texts.THANKS),
        ("tsk", texts.THANKS),
        ("nbr", texts.HOW_ARE_YOU),
    ],
)
def test_short_forms_customers_type_get_their_answer(ask: Ask, text: str, answer: str) -> None:
    reply = ask(text)
    assert reply.tool_calls == ()
    assert reply.text == answer


@pytest.mark.parametrize(
    "text",
    [
        # Real words one letter from a domain word keep their meaning.
        "kayıp telefonum için hattımı dondurun",
        "paket geçişi ne zaman olur",
        "anlamadım",
        "hatta bir de şunu soracaktım",
        "modem modeli ne",
        "numaralı hattım",
        "hesabına para yatırdım",
        "gecikmiş ödemem var mı",
        "İzmir Bornova",
        "Mega İnternet paketi",
        "ali@ornek.com",
        "F-2026-004217",
    ],
)
def test_real_words_names_and_ids_are_never_corrected(text: str) -> None:
    assert corrected(text) in (None, text.replace("bi ", "bir "))


def test_a_fault_description_keeps_the_customers_own_words(ask: Ask) -> None:
    args = args_of(ask("internetm calismiyr sürekli kopyor"))
    assert args["issue_description"] == "internetm calismiyr sürekli kopyor"
