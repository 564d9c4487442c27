"""Questions about a particular bill: debt, a month, the highest or lowest, why it is high.

The facts are the demo operator's (``tests/rules/demo_results.py``): customer
1004's current bill (November) is paid while October's is overdue; customer
1003's November bill holds 52,41 TL of roaming.
"""

from __future__ import annotations

import json
from datetime import date

import pytest

from agent.rules import RulesEngine, texts
from agent.rules.answers import compose_answers
from agent.rules.bill_questions import BillPick, pick_bills, read_bill_question
from agent.turns import ChatTurn, ToolCall
from tests.rules import demo_results as demo
from tests.rules.tool_runs import Chat

TODAY = date(2026, 12, 3)


@pytest.fixture
def fatma(engine: RulesEngine) -> Chat:
    """Customer 1004: the newest bill paid, the one before overdue."""
    return Chat(
        engine,
        1004,
        {
            "get_past_bills": demo.BILLS_1004,
            "get_current_bill": demo.CURRENT_BILL_1004,
            "get_payment_history": demo.PAYMENTS_1004,
        },
    )


@pytest.fixture
def mehmet(engine: RulesEngine) -> Chat:
    """Customer 1003: every bill paid; roaming on the newest one."""
    return Chat(
        engine,
        1003,
        {"get_past_bills": demo.BILLS_1003, "get_current_bill": demo.CURRENT_BILL_1003},
    )


# --- reading the question ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "pick", "month", "offset"),
    [
        ("borcum var mı", BillPick.UNPAID, None, None),
        ("ödenmemiş faturam kaldı mı", BillPick.UNPAID, None, None),
        ("toplam borcum ne kadar", BillPick.UNPAID, None, None),
        ("en pahalı faturam hangisiydi", BillPick.HIGHEST, None, None),
        ("en düşük fatura hangi ay geldi", BillPick.LOWEST, None, None),
        ("ekim ayı faturam", BillPick.MONTH, "2026-10", None),
        ("Eylül'deki faturamı göster", BillPick.MONTH, "2026-09", None),
        ("aralık 2025 faturası", BillPick.MONTH, "2025-12", None),
        ("geçen ayki faturam ne kadardı", BillPick.MONTH, None, -1),
        ("iki ay önceki fatura", BillPick.MONTH, None, -2),
        ("son 6 ayda toplam ne kadar fatura ödedim", BillPick.TOTAL, None, None),
    ],
)
def test_bill_question_is_read(
    text: str, pick: BillPick, month: str | None, offset: int | None
) -> None:
    question = read_bill_question(text, today=TODAY)
    assert question is not None
    assert (question.pick, question.month, question.offset) == (pick, month, offset)


@pytest.mark.parametrize(
    "text", ["faturam ne kadar", "son 3 faturamı göster", "önceki faturalarım"]
)
def test_plain_bill_requests_pick_no_particular_bill(text: str) -> None:
    assert read_bill_question(text, today=TODAY) is None


def test_a_month_referring_back_counts_from_the_bill_in_focus() -> None:
    question = read_bill_question("peki bir önceki ay?", "2026-10", today=TODAY)
    assert question is not None
    assert question.month == "2026-09"
    # "geçen ay" is not a reference back: it counts from the newest bill, whatever the focus.
    question = read_bill_question("geçen ayki fatura", "2026-06", today=TODAY)
    assert question is not None
    assert (question.month, question.offset) == (None, -1)


def test_picking_from_the_demo_bills() -> None:
    bills = demo.BILLS_1004["bills"]
    unpaid = pick_bills(read_bill_question("borcum var mı", today=TODAY), bills)  # type: ignore[arg-type]
    assert [bill["bill_id"] for bill in unpaid] == ["F-2026-000411"]
    last_month = pick_bills(read_bill_question("geçen ayki faturam", today=TODAY), bills)  # type: ignore[arg-type]
    assert [bill["bill_id"] for bill in last_month] == ["F-2026-000411"]
    highest = pick_bills(read_bill_question("en yüksek faturam", today=TODAY), bills)  # type: ignore[arg-type]
    assert [bill["bill_id"] for bill in highest] == ["F-2026-000408"]  # the newer of two 103,74


# --- answers --------------------------------------------------------------------


def test_debt_lists_the_overdue_bill_although_the_current_one_is_paid(fatma: Chat) -> None:
    answer = fatma.say("borcum var mı")
    assert fatma.tools == ["get_past_bills"]
    assert "Ödenmemiş 1 faturanız var; toplam borcunuz 64,87 TL" in answer
    assert "27 Ekim 2026 · F-2026-000411: 64,87 TL (gecikmiş)" in answer
    assert "F-2026-000412" not in answer


def test_how_much_i_owe_reads_every_unpaid_bill_after_the_current_one(fatma: Chat) -> None:
    answer = fatma.say("ne kadar borcum var")
    assert fatma.tools == ["get_current_bill", "get_past_bills"]
    assert "toplam borcunuz 64,87 TL" in answer
    assert "gecikmiş" in answer


def test_no_debt_is_said_plainly(mehmet: Chat) -> None:
    answer = mehmet.say("ödenmemiş faturam var mı")
    assert answer == texts.DEBT_NONE.format(count=12)


def test_a_named_month_shows_that_bill(fatma: Chat) -> None:
    answer = fatma.say("ekim ayı faturam ne kadardı")
    assert fatma.tools == ["get_past_bills"]
    assert answer.startswith("Ekim 2026 faturanız (F-2026-000411): 64,87 TL")
    assert "Durum: gecikmiş" in answer


def test_last_month_is_the_bill_before_the_current_one(mehmet: Chat) -> None:
    answer = mehmet.say("geçen ayki faturam ne kadardı")
    assert answer.startswith("Ekim 2026 faturanız (F-2026-000311): 77,87 TL")
    assert "Ödeme tarihi: 12 Kasım 2026" in answer


def test_the_most_expensive_bill_is_found_among_the_past_ones(mehmet: Chat) -> None:
    answer = mehmet.say("en pahalı faturam hangisiydi")
    assert names_a_past_bill(answer)
    assert "27 Temmuz 2026 tarihli F-2026-000308 numaralı fatura: 228,15 TL" in answer


def test_the_cheapest_bill_says_how_many_share_its_amount(mehmet: Chat) -> None:
    answer = mehmet.say("en düşük faturam hangisi")
    assert "77,87 TL" in answer
    assert texts.BILL_SAME_AMOUNT.format(count=7) in answer


def test_a_high_bill_is_explained_by_its_own_items(mehmet: Chat) -> None:
    answer = mehmet.say("bu ay neden bu kadar çok geldi")
    assert mehmet.tools == ["get_current_bill"]
    assert (
        "Paket ücretinizin dışındaki kalemler faturanızı artırdı: Yurt dışı kullanım: 52,41 TL"
        in (answer)
    )
    assert texts.AVAILABLE_PACKAGES_HEADER not in answer  # never the package catalogue


def test_a_bill_without_extras_says_so(fatma: Chat) -> None:
    answer = fatma.say("faturam neden arttı")
    assert texts.BILL_NO_EXTRAS in answer
    assert "Öğrenci Dostu Tarife aylık ücreti: 49,90 TL" in answer


def test_payments_of_a_named_month_are_the_ones_made_then(fatma: Chat) -> None:
    answer = fatma.say("Eylül ayında ne kadar ödedim")
    assert fatma.tools == ["get_payment_history"]
    assert answer.startswith("Eylül 2026 içinde 1 ödeme yaptınız, toplam 64,87 TL")
    assert "F-2026-000409" in answer


def test_the_anchor_month_resolves_a_reference_back() -> None:
    call = ToolCall("get_past_bills", {"user_id": 1004, "limit": 12})
    content = json.dumps(demo.BILLS_1004)
    answer = compose_answers([call], [content], "peki bir önceki ay?", anchor="2026-10")
    assert answer.startswith("Eylül 2026 faturanız (F-2026-000410)")


def names_a_past_bill(answer: str) -> bool:
    """The answer names a past bill, not customer 1003's current one."""
    return "F-2026-000312" not in answer


def test_the_usual_amount_is_the_most_common_one(mehmet: Chat) -> None:
    answer = mehmet.say("normalde ne kadar geliyordu")
    assert mehmet.tools == ["get_past_bills"]
    assert answer.startswith("Faturanız genellikle 77,87 TL geliyor")
    assert "12 faturanızın 7 tanesi" in answer


def test_when_the_newest_bill_was_paid(fatma: Chat) -> None:
    answer = fatma.say("son faturam ne zaman ödenmiş")
    assert fatma.tools == ["get_past_bills"]
    assert "Ödeme tarihi: 2 Aralık 2026" in answer


def test_overdue_asks_for_overdue_bills_and_names_the_unpaid_rest() -> None:
    bills = [
        {
            "bill_id": "F-2026-000112",
            "amount": 129.22,
            "bill_date": "2026-11-27",
            "status": "unpaid",
        },
        {"bill_id": "F-2026-000111", "amount": 90.35, "bill_date": "2026-10-27", "status": "paid"},
    ]
    call = ToolCall("get_past_bills", {"user_id": 1001, "limit": 12})
    answer = compose_answers([call], [json.dumps({"bills": bills})], "gecikmiş faturam var mı")
    assert answer.startswith(texts.DEBT_NO_OVERDUE)
    assert "F-2026-000112: 129,22 TL (ödenmedi)" in answer


@pytest.mark.parametrize(
    ("text", "tool"),
    [
        ("geciken ödemem var mı", "get_past_bills"),
        ("en az ödediğim fatura hangisi", "get_past_bills"),
        ("ekimde ne kadar fatura geldi", "get_past_bills"),
        ("şubat faturam", "get_past_bills"),
        ("normalde ne kadar geliyordu", "get_past_bills"),
        ("Bu ayki faturam ne kadar?", "get_current_bill"),
        ("Mart ayında ne kadar ödedim", "get_payment_history"),
        ("normalde ne kadar internet kullanıyorum", "get_remaining_quotas"),
    ],
)
def test_bill_questions_route_to_the_bills_that_answer_them(
    engine: RulesEngine, text: str, tool: str
) -> None:
    reply = engine.respond([ChatTurn("user", text)], 1004)
    assert [call.name for call in reply.tool_calls] == [tool]
