"""Replies to a waiting card through the bot and the Telegram stand-in, as customers type them.

The bot runs as ``python -m bot`` runs it (embedded agent, rules backend,
seeded database); the stand-in plays Telegram's servers, which cannot be
reached from here. Each test reads what the customer sees and what the
database holds: the bill stays unpaid, the line stays active, the card
shows its true state.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.settings import Settings
from db.models import Bill, PendingConfirmation
from tests.bot.conftest import BotStarter, RunningBot, with_telegram
from tests.bot.test_billing import _payments
from tests.consent.corpus import CUSTOMER, current_bill_id, fresh_card, load_corpus, statuses
from tests.tools.test_account import _primary_line


@pytest.fixture
async def chatty_bot(start_bot: BotStarter, bot_settings: Settings) -> AsyncIterator[RunningBot]:
    """The bot with the per-user message limit out of the way: one customer sends hundreds."""
    limit = bot_settings.telegram.rate_limit.model_copy(update={"messages": 10_000})
    async with start_bot(with_telegram(bot_settings, rate_limit=limit)) as running:
        yield running


async def _line_status(sessions: async_sessionmaker[AsyncSession], customer_id: int) -> str:
    return (await _primary_line(sessions, customer_id)).status


async def _roaming(sessions: async_sessionmaker[AsyncSession], customer_id: int) -> bool:
    return (await _primary_line(sessions, customer_id)).roaming_enabled


async def test_no_reply_but_consent_runs_an_action_in_telegram(
    chatty_bot: RunningBot, sessions: async_sessionmaker[AsyncSession]
) -> None:
    user = await chatty_bot.linked_customer(CUSTOMER)
    chat_id = str(user.id)
    bill_id = await current_bill_id(sessions, CUSTOMER)
    cards: dict[str, tuple[str, str]] = {}
    for item in load_corpus():
        if item.label == "consent":
            continue
        card_id = await fresh_card(sessions, chat_id, item.card, bill_id)
        answers = await chatty_bot.say(user, item.reply)
        assert answers, f"no answer to {item.reply!r}"
        cards[card_id] = (item.card, item.reply)

    found = await statuses(sessions, list(cards))
    assert {cards[card_id] for card_id, status in found.items() if status == "confirmed"} == set()
    assert await _payments(sessions, bill_id) == []
    assert await _line_status(sessions, CUSTOMER) == "active"


@pytest.mark.parametrize(
    "reply",
    [
        "lütfen iptal et",
        "kesinlikle olmaz",
        "ödemeyi durdur lütfen",
        "tamam mı?",
        "uygun değil",
        "lütfen bekleyin",
    ],
)
async def test_a_reply_that_means_no_leaves_the_bill_unpaid(
    bot: RunningBot, sessions: async_sessionmaker[AsyncSession], reply: str
) -> None:
    user = await bot.linked_customer(CUSTOMER)
    bill_id = await current_bill_id(sessions, CUSTOMER)
    (card,) = await bot.say(user, "faturamı ödemek istiyorum")
    assert [button.text for button in card.buttons] == ["Onayla", "Vazgeç"]

    answers = await bot.say(user, reply)

    assert await _payments(sessions, bill_id) == []
    async with sessions() as session:
        assert await session.scalar(select(Bill.paid_at).where(Bill.id == bill_id)) is None
    text = "\n".join(answer.text or "" for answer in answers)
    assert "gerçekleştirildi" not in text
    shown = bot.driver.message(user, card.message_id)
    if reply in ("tamam mı?", "lütfen bekleyin"):
        # Not an answer to the card: it keeps waiting, with its buttons, and the reply says so.
        assert [button.text for button in shown.buttons] == ["Onayla", "Vazgeç"]
        assert "henüz yapılmadı; onayınızı bekliyor" in text
    else:
        assert text.startswith("İşlem iptal edildi")
        assert shown.buttons == ()


async def test_lutfen_yapma_leaves_the_line_active(
    bot: RunningBot, sessions: async_sessionmaker[AsyncSession]
) -> None:
    user = await bot.linked_customer(CUSTOMER)
    (card,) = await bot.say(user, "telefonum çalındı hattımı dondurun")
    assert "Onayla" in [button.text for button in card.buttons]

    (answer,) = await bot.say(user, "lütfen yapma")

    assert (answer.text or "").startswith("İşlem iptal edildi")
    assert await _line_status(sessions, CUSTOMER) == "active"
    assert bot.driver.message(user, card.message_id).buttons == ()


async def test_a_request_for_something_else_never_confirms_the_waiting_card(
    bot: RunningBot, sessions: async_sessionmaker[AsyncSession]
) -> None:
    user = await bot.linked_customer(CUSTOMER)
    (card,) = await bot.say(user, "internetim çok yavaş arıza kaydı açın")
    assert "Onayla" in [button.text for button in card.buttons]

    answers = await bot.say(user, "tamam hattımı açın")

    # Answered as a new request, with one line saying the ticket card still waits.
    assert "Arıza kaydı işleminiz hâlâ onayınızı bekliyor" in "\n".join(
        answer.text or "" for answer in answers
    )
    async with sessions() as session:
        ticket = await session.scalar(
            select(PendingConfirmation.status).where(
                PendingConfirmation.tool_name == "create_fault_ticket"
            )
        )
    assert ticket == "pending"
    assert [button.text for button in bot.driver.message(user, card.message_id).buttons] == [
        "Onayla",
        "Vazgeç",
    ]


async def test_havale_ile_olsun_ends_in_a_transfer_payment(
    bot: RunningBot, sessions: async_sessionmaker[AsyncSession]
) -> None:
    user = await bot.linked_customer(CUSTOMER)
    bill_id = await current_bill_id(sessions, CUSTOMER)
    (card,) = await bot.say(user, "faturamı kredi kartıyla ödemek istiyorum")
    assert "kredi kartı" in (card.text or "").lower()

    (new_card,) = await bot.say(user, "havale ile olsun")

    assert "havale" in (new_card.text or "").lower()
    assert [button.text for button in new_card.buttons] == ["Onayla", "Vazgeç"]
    old = bot.driver.message(user, card.message_id)
    assert old.buttons == ()
    assert await _payments(sessions, bill_id) == []

    (answer,) = await bot.say(user, "evet")

    assert (answer.text or "").startswith("İşleminiz gerçekleştirildi.")
    (payment,) = await _payments(sessions, bill_id)
    assert payment.method == "bank_transfer"
    assert bot.driver.message(user, new_card.message_id).buttons == ()


async def test_undo_right_after_roaming_was_turned_on_ends_with_roaming_off(
    bot: RunningBot, sessions: async_sessionmaker[AsyncSession]
) -> None:
    user = await bot.linked_customer(CUSTOMER)
    await bot.say(user, "yurt dışına çıkıyorum roamingi açın")
    (done,) = await bot.say(user, "evet")
    assert (done.text or "").startswith("İşleminiz gerçekleştirildi.")
    assert await _roaming(sessions, CUSTOMER) is True

    (offer,) = await bot.say(user, "dur yanlış oldu, onu iptal et")

    assert "Peki." not in (offer.text or "")
    assert [button.text for button in offer.buttons] == ["Onayla", "Vazgeç"]
    assert await _roaming(sessions, CUSTOMER) is True  # nothing changes before consent

    await bot.press(user, offer, "Onayla")

    assert await _roaming(sessions, CUSTOMER) is False


async def test_undo_after_a_payment_says_plainly_it_cannot_be_taken_back(
    bot: RunningBot, sessions: async_sessionmaker[AsyncSession]
) -> None:
    user = await bot.linked_customer(CUSTOMER)
    bill_id = await current_bill_id(sessions, CUSTOMER)
    await bot.say(user, "faturamı ödemek istiyorum")
    await bot.say(user, "evet öde")
    (payment,) = await _payments(sessions, bill_id)

    (answer,) = await bot.say(user, "onu iptal et")

    text = answer.text or ""
    assert "geri alınamıyor" in text
    assert payment.id in text
    assert "444 0 532" in text
    # No card to confirm: only the rating buttons of an ordinary answer (a 👎 offers a person).
    assert [button.text for button in answer.buttons] == ["👍", "👎"]


async def test_evet_with_two_cards_waiting_runs_neither(
    bot: RunningBot, sessions: async_sessionmaker[AsyncSession]
) -> None:
    user = await bot.linked_customer(CUSTOMER)
    bill_id = await current_bill_id(sessions, CUSTOMER)
    await bot.say(user, "faturamı ödemek istiyorum")
    await bot.say(user, "otomatik ödeme talimatı vermek istiyorum")

    (answer,) = await bot.say(user, "evet")

    assert "birden fazla" in (answer.text or "")
    assert await _payments(sessions, bill_id) == []
    async with sessions() as session:
        confirmed = await session.scalar(
            select(func.count())
            .select_from(PendingConfirmation)
            .where(PendingConfirmation.status == "confirmed")
        )
    assert confirmed == 0


async def test_evet_after_the_card_expired_says_so_and_runs_nothing(
    bot: RunningBot, sessions: async_sessionmaker[AsyncSession]
) -> None:
    user = await bot.linked_customer(CUSTOMER)
    bill_id = await current_bill_id(sessions, CUSTOMER)
    await bot.say(user, "faturamı ödemek istiyorum")
    async with sessions() as session, session.begin():
        # The customer answers after the offer's lifetime (agent.confirmation_ttl_s).
        await session.execute(
            update(PendingConfirmation).values(expires_at=datetime.now(UTC) - timedelta(minutes=1))
        )

    (answer,) = await bot.say(user, "evet")

    assert "onay süresi doldu" in (answer.text or "")
    assert await _payments(sessions, bill_id) == []
