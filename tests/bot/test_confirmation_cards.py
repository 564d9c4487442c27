"""A confirmation card always shows its action's true state, whatever settled it.

The real bot against the Telegram stand-in, on the ``rules`` backend. A card
offers Onayla / Vazgeç; once its action is settled (a typed reply, ``/iptal``,
an amendment, expiry) the customer sees the card without buttons and with the
outcome under it, and the database agrees.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.card_sweep import sweep_cards
from bot.context import SERVICES_KEY
from bot.standin import MessageView, UserView
from core.settings import Settings
from core.turkish import format_money
from db.models import Bill, ConfirmationCard, Payment, PendingConfirmation
from tests.bot.conftest import BotStarter, RunningBot, with_telegram

PAY_REQUEST = "faturamı kredi kartıyla ödemek istiyorum"
CANCELLED = "❎ İşlem iptal edildi; hesabınızda bir değişiklik yapılmadı."
EXPIRED = (
    "⌛ Bu işlemin onay süresi doldu; hesabınızda bir değişiklik yapılmadı. "
    "İsterseniz işlemi yeniden talep edebilirsiniz."
)


async def _unpaid_bill(sessions: async_sessionmaker[AsyncSession], customer_id: int) -> Bill:
    async with sessions() as session:
        bill = await session.scalar(
            select(Bill)
            .where(Bill.customer_id == customer_id, Bill.paid_at.is_(None))
            .order_by(Bill.bill_date.desc())
            .limit(1)
        )
    assert bill is not None
    return bill


async def _paid_at(sessions: async_sessionmaker[AsyncSession], bill_id: str) -> datetime | None:
    async with sessions() as session:
        return await session.scalar(select(Bill.paid_at).where(Bill.id == bill_id))


async def _payments(sessions: async_sessionmaker[AsyncSession], bill_id: str) -> list[Payment]:
    async with sessions() as session:
        return list(await session.scalars(select(Payment).where(Payment.bill_id == bill_id)))


async def _open_cards(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with sessions() as session:
        return (
            await session.scalar(
                select(func.count())
                .select_from(ConfirmationCard)
                .where(ConfirmationCard.closed_at.is_(None))
            )
            or 0
        )


async def _card(bot: RunningBot, user: UserView, text: str = PAY_REQUEST) -> MessageView:
    (card,) = await bot.say(user, text)
    assert (card.text or "").startswith("Onayınız gerekiyor")
    assert [button.text for button in card.buttons] == ["Onayla", "Vazgeç"]
    return card


def _shown(bot: RunningBot, user: UserView, card: MessageView) -> tuple[str, list[str]]:
    """What the customer sees of ``card`` now: its text and its buttons."""
    now = bot.driver.message(user, card.message_id)
    return now.text or "", [button.text for button in now.buttons]


async def test_a_typed_hayir_closes_the_card_with_its_outcome(
    bot: RunningBot, sessions: async_sessionmaker[AsyncSession]
) -> None:
    user = await bot.linked_customer(1001)
    bill = await _unpaid_bill(sessions, 1001)
    card = await _card(bot, user)

    (answer,) = await bot.say(user, "hayır")

    assert answer.text == "İşlem iptal edildi; hesabınızda bir değişiklik yapılmadı."
    text, buttons = _shown(bot, user, card)
    assert buttons == []
    assert text == f"{card.text}\n\n{CANCELLED}"
    assert await _paid_at(sessions, bill.id) is None
    assert await _payments(sessions, bill.id) == []
    assert await _open_cards(sessions) == 0


async def test_a_typed_evet_closes_the_card_with_the_payment_reference(
    bot: RunningBot, sessions: async_sessionmaker[AsyncSession]
) -> None:
    user = await bot.linked_customer(1001)
    bill = await _unpaid_bill(sessions, 1001)
    card = await _card(bot, user)

    await bot.say(user, "evet")

    (payment,) = await _payments(sessions, bill.id)
    text, buttons = _shown(bot, user, card)
    assert buttons == []
    assert text.startswith(f"{card.text}\n\n✅ İşleminiz gerçekleştirildi.\nÖdemeniz alındı: ")
    assert f"{format_money(payment.amount)}, kredi kartı ile ödendi" in text
    assert f"İşlem numarası: {payment.id}" in text
    assert await _paid_at(sessions, bill.id) is not None


async def test_iptal_closes_the_card_with_its_outcome(
    bot: RunningBot, sessions: async_sessionmaker[AsyncSession]
) -> None:
    user = await bot.linked_customer(1001)
    bill = await _unpaid_bill(sessions, 1001)
    card = await _card(bot, user)

    (answer,) = await bot.say(user, "/iptal")

    assert answer.text == "İşlem iptal edildi; hesabınızda bir değişiklik yapılmadı."
    text, buttons = _shown(bot, user, card)
    assert buttons == []
    assert text == f"{card.text}\n\n{CANCELLED}"
    async with sessions() as session:
        assert list(await session.scalars(select(PendingConfirmation.status))) == ["cancelled"]
    assert await _paid_at(sessions, bill.id) is None
    assert await _open_cards(sessions) == 0


async def test_an_amendment_closes_the_old_card_and_shows_the_new_one(
    bot: RunningBot, sessions: async_sessionmaker[AsyncSession]
) -> None:
    user = await bot.linked_customer(1001)
    bill = await _unpaid_bill(sessions, 1001)
    old = await _card(bot, user)

    answers = await bot.say(user, "havale ile olsun")

    new_cards = [m for m in answers if (m.text or "").startswith("Onayınız gerekiyor")]
    (new,) = new_cards
    assert [button.text for button in new.buttons] == ["Onayla", "Vazgeç"]
    text, buttons = _shown(bot, user, old)
    assert buttons == []
    assert text == f"{old.text}\n\n❎ Bu teklif değiştirildi; güncel hali aşağıda."
    assert await _open_cards(sessions) == 1
    assert await _payments(sessions, bill.id) == []


async def test_an_expired_card_is_closed_by_the_sweep(
    bot: RunningBot, sessions: async_sessionmaker[AsyncSession]
) -> None:
    user = await bot.linked_customer(1001)
    bill = await _unpaid_bill(sessions, 1001)
    card = await _card(bot, user)
    async with sessions() as session, session.begin():
        # The offer's lifetime (agent.confirmation_ttl_s) has passed.
        await session.execute(
            update(PendingConfirmation).values(expires_at=datetime.now(UTC) - timedelta(minutes=1))
        )
    before = bot.last_message_id(user)

    report = await sweep_cards(bot.application.bot, bot.application.bot_data[SERVICES_KEY])

    assert len(report.closed) == 1
    assert report.told == []
    text, buttons = _shown(bot, user, card)
    assert buttons == []
    assert text == f"{card.text}\n\n{EXPIRED}"
    assert bot.bot_messages_after(user, before) == []  # the card says it all
    async with sessions() as session:
        assert list(await session.scalars(select(PendingConfirmation.status))) == ["expired"]
    assert await _paid_at(sessions, bill.id) is None
    assert await _open_cards(sessions) == 0


async def test_the_sweep_leaves_a_waiting_card_as_it_is(
    bot: RunningBot, sessions: async_sessionmaker[AsyncSession]
) -> None:
    user = await bot.linked_customer(1001)
    bill = await _unpaid_bill(sessions, 1001)
    card = await _card(bot, user)

    report = await sweep_cards(bot.application.bot, bot.application.bot_data[SERVICES_KEY])

    assert report.closed == []
    assert _shown(bot, user, card) == (card.text, ["Onayla", "Vazgeç"])
    assert format_money(bill.amount) in (card.text or "")
    # Still a working card: Onayla pays.
    answer = await bot.press(user, card, "Onayla")
    assert (answer or "").startswith("İşleminiz gerçekleştirildi.")
    assert len(await _payments(sessions, bill.id)) == 1
    assert await _open_cards(sessions) == 0


async def test_the_background_sweep_closes_an_expired_card_by_itself(
    start_bot: BotStarter, bot_settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> None:
    async with start_bot(with_telegram(bot_settings, card_sweep_interval_s=0.2)) as bot:
        user = await bot.linked_customer(1001)
        card = await _card(bot, user)
        async with sessions() as session, session.begin():
            await session.execute(
                update(PendingConfirmation).values(
                    expires_at=datetime.now(UTC) - timedelta(minutes=1)
                )
            )

        await bot.driver.wait_for(
            lambda: bot.driver.message(user, card.message_id).buttons == (), timeout=10
        )

        assert _shown(bot, user, card) == (f"{card.text}\n\n{EXPIRED}", [])
    assert await _open_cards(sessions) == 0
