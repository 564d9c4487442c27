"""The reader alone (agent.consent) on the labelled corpus and the phrases that misfired."""

from __future__ import annotations

from typing import Any

import pytest

from agent.consent import (
    PendingAction,
    ReplyKind,
    is_refusal_or_undo,
    read_reply,
    restates_card,
    yes_no,
)
from core.turkish import fold
from tests.consent.corpus import CARD_ARGUMENTS, LABELS, LabelledReply, load_corpus

CORPUS = load_corpus()
PAY = PendingAction("pay_bill", {"bill_id": "F-2026-000123", "method": "credit_card"})


def _read(item: LabelledReply) -> tuple[ReplyKind, dict[str, Any]]:
    arguments = {**CARD_ARGUMENTS[item.card], "bill_id": "F-2026-000123"}
    reading = read_reply(item.reply, PendingAction(item.card, arguments))
    return reading.kind, dict(reading.changes)


def _as_labelled(item: LabelledReply) -> bool:
    kind, changes = _read(item)
    if kind != item.label:
        return False
    if item.label != "amendment":
        return True
    wanted = {key: fold(str(value)) for key, value in item.amend.items()}
    got = {key: fold(str(value)) for key, value in changes.items()}
    # A package may be named without its "Paket"/"Tarife" word ("Premium" for "Premium Paket").
    return all(
        got.get(key, "\0") in value or value in got.get(key, "\0") for key, value in wanted.items()
    )


def test_the_corpus_is_large_and_covers_every_label_and_card() -> None:
    assert len(CORPUS) >= 300
    assert {item.label for item in CORPUS} == set(LABELS)
    assert {item.card for item in CORPUS} == set(CARD_ARGUMENTS)
    assert len({(item.card, item.reply) for item in CORPUS}) == len(CORPUS)


def test_no_reply_labelled_other_than_consent_reads_as_consent() -> None:
    misfires = [
        (item.card, item.reply, item.label)
        for item in CORPUS
        if item.label != "consent" and _read(item)[0] is ReplyKind.CONSENT
    ]
    assert misfires == []


def test_at_least_98_percent_of_the_corpus_reads_as_labelled() -> None:
    misses = [
        (item.card, item.reply, item.label, _read(item))
        for item in CORPUS
        if not _as_labelled(item)
    ]
    share = 1 - len(misses) / len(CORPUS)
    print(f"consent corpus: {len(CORPUS) - len(misses)}/{len(CORPUS)} as labelled ({share:.1%})")
    for miss in misses:
        print("  miss:", miss)
    assert share >= 0.98, misses


@pytest.mark.parametrize(
    ("card", "reply", "kind"),
    [
        # Each of these paid the bill or suspended the line before (issue 16).
        ("pay_bill", "lütfen iptal et", ReplyKind.REFUSAL),
        ("pay_bill", "kesinlikle olmaz", ReplyKind.REFUSAL),
        ("pay_bill", "ödemeyi durdur lütfen", ReplyKind.REFUSAL),
        ("pay_bill", "tamam mı?", ReplyKind.OTHER),
        ("pay_bill", "uygun değil", ReplyKind.REFUSAL),
        ("pay_bill", "lütfen bekleyin", ReplyKind.OTHER),
        ("suspend_line", "lütfen yapma", ReplyKind.REFUSAL),
        ("create_fault_ticket", "tamam hattımı açın", ReplyKind.OTHER),
        ("enable_roaming", "dur yanlış oldu, onu iptal et", ReplyKind.REFUSAL),
        # "lütfen" and "tamam" alone are no consent to a payment; a question never is.
        ("pay_bill", "lütfen", ReplyKind.OTHER),
        ("pay_bill", "tamam", ReplyKind.OTHER),
        ("pay_bill", "ne kadar?", ReplyKind.OTHER),
        ("pay_bill", "👍", ReplyKind.OTHER),
        # A message that asks for another action never confirms the waiting one.
        ("pay_bill", "evet hattımı da kapatın", ReplyKind.OTHER),
        ("pay_bill", "evet ama önce tutarı söyle", ReplyKind.OTHER),
        # Clear consent.
        ("pay_bill", "evet", ReplyKind.CONSENT),
        ("pay_bill", "onaylıyorum", ReplyKind.CONSENT),
        ("pay_bill", "evet öde", ReplyKind.CONSENT),
        ("pay_bill", "tamam yap", ReplyKind.CONSENT),
        ("pay_bill", "EVET", ReplyKind.CONSENT),
        ("pay_bill", "onayliyorum", ReplyKind.CONSENT),
        # Negation wins over every yes.
        ("pay_bill", "evet yok hayır", ReplyKind.REFUSAL),
        ("pay_bill", "onaylamıyorum", ReplyKind.REFUSAL),
        ("pay_bill", "ödenmesin", ReplyKind.REFUSAL),
        ("pay_bill", "şu an ödeyemem", ReplyKind.REFUSAL),
        # Doubt is no yes: the card waits.
        ("pay_bill", "sanırım evet", ReplyKind.OTHER),
        ("pay_bill", "bilmiyorum", ReplyKind.OTHER),
        ("pay_bill", "dur bi dakika", ReplyKind.OTHER),
    ],
)
def test_the_phrases_of_the_issue(card: str, reply: str, kind: ReplyKind) -> None:
    arguments = {**CARD_ARGUMENTS[card], "bill_id": "F-2026-000123"}
    assert read_reply(reply, PendingAction(card, arguments)).kind is kind


@pytest.mark.parametrize(
    ("reply", "method"),
    [
        ("havale ile olsun", "bank_transfer"),
        ("kartla değil EFT", "bank_transfer"),
        ("kredi kartı değil havale", "bank_transfer"),
        ("tamam öde ama havaleyle", "bank_transfer"),
    ],
)
def test_another_payment_method_is_an_amendment(reply: str, method: str) -> None:
    reading = read_reply(reply, PAY)
    assert reading.kind is ReplyKind.AMENDMENT
    assert reading.changes == {"method": method}


def test_the_proposed_method_named_again_is_consent_not_an_amendment() -> None:
    assert read_reply("evet kredi kartından çekin", PAY).kind is ReplyKind.CONSENT


def test_another_package_is_an_amendment_and_the_rejected_one_is_not_a_refusal() -> None:
    card = PendingAction("change_package", {"new_package_name": "Süper Konuşma"})
    reading = read_reply("süper konuşma değil premium olsun", card)
    assert reading.kind is ReplyKind.AMENDMENT
    assert fold(reading.changes["new_package_name"]).startswith("premium")
    assert read_reply("evet süper konuşmaya geç", card).kind is ReplyKind.CONSENT


def test_another_contact_value_is_an_amendment() -> None:
    card = PendingAction(
        "update_customer_contact", {"contact_type": "email", "new_value": "ali.veli@ornek.com"}
    )
    reading = read_reply("yanlış yazdım ayse.k@ornek.com olacak", card)
    assert reading.kind is ReplyKind.AMENDMENT
    assert reading.changes == {"new_value": "ayse.k@ornek.com"}


@pytest.mark.parametrize(
    ("text", "taken_back"),
    [
        ("onu iptal et", True),
        ("geri al", True),
        ("yanlış oldu", True),
        ("dur yanlış oldu, onu iptal et", True),
        ("vazgeçtim", True),
        ("iptal edebilir miyim?", False),
        ("faturam ne kadar", False),
        ("teşekkürler", False),
    ],
)
def test_taking_back(text: str, taken_back: bool) -> None:
    assert is_refusal_or_undo(text) is taken_back


@pytest.mark.parametrize(
    ("text", "answer"),
    [("evet", True), ("hayır", False), ("lütfen iptal et", False), ("tamam mı?", None)],
)
def test_yes_no_for_the_rules_engines_own_offers(text: str, answer: bool | None) -> None:
    assert yes_no(text) is answer


@pytest.mark.parametrize(
    ("status", "reply", "kind"),
    [
        (False, "evet kapat", ReplyKind.CONSENT),
        (False, "kapatın lütfen", ReplyKind.CONSENT),
        (False, "evet aç", ReplyKind.OTHER),
        (True, "evet kapat", ReplyKind.OTHER),
        (True, "evet açın", ReplyKind.CONSENT),
    ],
)
def test_a_switch_card_agrees_with_its_own_direction_only(
    status: bool, reply: str, kind: ReplyKind
) -> None:
    card = PendingAction("enable_roaming", {"status": status})

    assert read_reply(reply, card).kind is kind


@pytest.mark.parametrize(
    ("reply", "restated"),
    [
        ("kredi kartı", True),
        ("kartla", True),
        ("kredi kartıyla lütfen", True),
        ("havale ile", False),  # another method: an amendment, not the card again
        ("kredi kartı ile öde", False),  # a verb of its own: read as a reply, not restated
        ("faturam ne kadar", False),
    ],
)
def test_the_cards_own_method_named_again_restates_the_card(reply: str, restated: bool) -> None:
    assert restates_card(reply, PAY) is restated
    # Never a yes: the card waits.
    assert read_reply(reply, PAY).kind is not ReplyKind.CONSENT or not restated
