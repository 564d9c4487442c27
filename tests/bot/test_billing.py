"""/fatura, /durum and paying a bill: values from the database, payment exactly once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import selectinload

from bot.standin import StandinServer
from bot.views.quantities import format_number
from core.turkish import format_day, format_money
from db.models import Bill, Package, Payment, PendingConfirmation, Subscription
from tests.bot.conftest import RunningBot
from tests.bot.forged import forged_press


async def _payments(sessions: async_sessionmaker[AsyncSession], bill_id: str) -> list[Payment]:
    async with sessions() as session:
        return list(await session.scalars(select(Payment).where(Payment.bill_id == bill_id)))


async def _latest_bill(sessions: async_sessionmaker[AsyncSession], customer_id: int) -> Bill:
    async with sessions() as session:
        bill = await session.scalar(
            select(Bill)
            .where(Bill.customer_id == customer_id)
            .order_by(Bill.bill_date.desc(), Bill.id.desc())
            .options(selectinload(Bill.items))
            .limit(1)
        )
    assert bill is not None
    return bill


async def test_fatura_shows_the_current_bill_as_stored(
    bot: RunningBot, sessions: async_sessionmaker[AsyncSession]
) -> None:
    user = await bot.linked_customer(1001)
    bill = await _latest_bill(sessions, 1001)

    (card,) = await bot.say(user, "/fatura")

    text = card.text or ""
    assert f"Fatura no: {bill.id}" in text
    assert f"Son ödeme tarihi: {format_day(bill.due_date)}" in text
    assert f"Fatura tarihi: {format_day(bill.bill_date)}" in text
    assert "Durum: Ödenmedi" in text
    for item in bill.items:
        assert f"• {item.service_name}: {format_money(item.amount)}" in text
    assert f"Toplam: {format_money(bill.amount)}" in text
    assert [button.text for button in card.buttons] == ["Kredi kartıyla öde", "Havaleyle öde"]
    # The headings are bold (HTML went through), amounts are in lira.
    assert {"type": "bold", "offset": 0, "length": len("Güncel faturanız")} in card.entities


async def test_a_paid_bill_has_no_pay_buttons(bot: RunningBot) -> None:
    user = await bot.linked_customer(1002, name="Ayşe")  # every bill paid

    (card,) = await bot.say(user, "/fatura")

    assert "Durum: Ödendi" in (card.text or "")
    assert card.buttons == ()


async def test_durum_shows_package_quotas_line_and_renewal(
    bot: RunningBot, sessions: async_sessionmaker[AsyncSession]
) -> None:
    user = await bot.linked_customer(1001)
    async with sessions() as session:
        subscription, package = (
            await session.execute(
                select(Subscription, Package)
                .join(Package, Package.id == Subscription.package_id)
                .where(Subscription.customer_id == 1001, Subscription.status == "active")
            )
        ).one()

    (card,) = await bot.say(user, "/durum")

    text = card.text or ""
    assert f"Paket: {package.name} ({format_money(package.monthly_fee)}/ay)" in text
    assert "Hat: +90 532 000 10 01 – Aktif" in text
    assert f"Paket yenilenme tarihi: {format_day(subscription.renewal_date)}" in text
    minutes_left = package.voice_minutes - subscription.voice_used_minutes
    assert (
        f"Dakika: {format_number(minutes_left)} / {format_number(package.voice_minutes)} dk" in text
    )
    left_share = round(minutes_left / package.voice_minutes * 100)
    filled = round(left_share / 10)
    assert f"{'▓' * filled}{'░' * (10 - filled)} %{left_share}" in text


async def test_pay_button_then_onayla_twice_pays_exactly_once(
    bot: RunningBot, sessions: async_sessionmaker[AsyncSession]
) -> None:
    user = await bot.linked_customer(1001)
    bill = await _latest_bill(sessions, 1001)
    (bill_card,) = await bot.say(user, "/fatura")

    await bot.press(user, bill_card, "Kredi kartıyla öde")
    (card,) = bot.bot_messages_after(user, bill_card.message_id)
    text = card.text or ""
    assert text.startswith("Onayınız gerekiyor")
    assert f"{bill.id} numaralı" in text
    assert format_money(bill.amount) in text
    assert [button.text for button in card.buttons] == ["Onayla", "Vazgeç"]
    assert bot.driver.message(user, bill_card.message_id).buttons == ()

    # Two presses of the same button, as from two devices, before either is answered.
    first = bot.driver.press_button(user, card.message_id, text="Onayla")
    second = bot.driver.press_button(user, card.message_id, text="Onayla")
    await bot.settle()

    payments = await _payments(sessions, bill.id)
    async with sessions() as session:
        paid_at = await session.scalar(select(Bill.paid_at).where(Bill.id == bill.id))
    assert len(payments) == 1
    assert paid_at is not None
    resolved = bot.driver.message(user, card.message_id)
    assert resolved.buttons == ()
    outcome = (resolved.text or "").split("\n\n")[-1]
    assert outcome.startswith("✅ İşleminiz gerçekleştirildi.")
    assert payments[0].id in outcome
    answers = sorted(
        bot.driver.callback_answer(injected.callback_query_id).text or ""  # type: ignore[union-attr,arg-type]
        for injected in (first, second)
    )
    # One press ran the payment; the other was told it is running or already done.
    assert sum(answer.startswith("İşleminiz gerçekleştirildi.") for answer in answers) == 1
    assert any(
        answer in ("Bu işlem şu anda yapılıyor, lütfen bekleyin.",)
        or answer.startswith("Bu işlem zaten onaylanıp gerçekleştirilmişti")
        for answer in answers
    )


async def test_vazgec_cancels_and_nothing_is_paid(
    bot: RunningBot, sessions: async_sessionmaker[AsyncSession]
) -> None:
    user = await bot.linked_customer(1001)
    (card,) = await bot.say(user, "faturamı ödemek istiyorum")

    bill = await _latest_bill(sessions, 1001)

    answer = await bot.press(user, card, "Vazgeç")

    assert answer == "İşlem iptal edildi; hesabınızda bir değişiklik yapılmadı."
    async with sessions() as session:
        assert await session.scalar(select(Bill.paid_at).where(Bill.id == bill.id)) is None
        assert (
            await session.scalar(
                select(func.count()).select_from(Payment).where(Payment.bill_id == bill.id)
            )
            == 0
        )
    resolved = bot.driver.message(user, card.message_id)
    assert resolved.buttons == ()
    assert (resolved.text or "").endswith(
        "❎ İşlem iptal edildi; hesabınızda bir değişiklik yapılmadı."
    )


async def test_iptal_cancels_the_pending_payment(
    bot: RunningBot, standin: StandinServer, sessions: async_sessionmaker[AsyncSession]
) -> None:
    user = await bot.linked_customer(1001)
    bill = await _latest_bill(sessions, 1001)
    (card,) = await bot.say(user, "faturamı ödemek istiyorum")
    (approve,) = [button for button in card.buttons if button.text == "Onayla"]
    assert approve.callback_data is not None

    (answer,) = await bot.say(user, "/iptal")
    # The card lost its buttons; an old screen still showing them presses Onayla.
    late = forged_press(standin, user, card, approve.callback_data)
    await bot.settle()

    assert answer.text == "İşlem iptal edildi; hesabınızda bir değişiklik yapılmadı."
    assert bot.driver.message(user, card.message_id).buttons == ()
    pressed = bot.driver.callback_answer(late)
    assert pressed is not None
    assert "iptal edilmişti" in (pressed.text or "")
    async with sessions() as session:
        assert await session.scalar(select(Bill.paid_at).where(Bill.id == bill.id)) is None
    assert await _payments(sessions, bill.id) == []


async def test_an_expired_confirmation_does_nothing(
    bot: RunningBot, sessions: async_sessionmaker[AsyncSession]
) -> None:
    user = await bot.linked_customer(1001)
    bill = await _latest_bill(sessions, 1001)
    (card,) = await bot.say(user, "faturamı ödemek istiyorum")
    async with sessions() as session, session.begin():
        # The customer comes back after the offer's lifetime (agent.confirmation_ttl_s).
        await session.execute(
            update(PendingConfirmation).values(expires_at=datetime.now(UTC) - timedelta(minutes=1))
        )

    answer = await bot.press(user, card, "Onayla")

    assert answer is not None
    assert "onay süresi doldu" in answer
    resolved = bot.driver.message(user, card.message_id)
    assert resolved.buttons == ()
    assert "⌛" in (resolved.text or "")
    async with sessions() as session:
        assert await session.scalar(select(Bill.paid_at).where(Bill.id == bill.id)) is None


async def test_a_typed_evet_pays_and_closes_the_cards_buttons(
    bot: RunningBot, sessions: async_sessionmaker[AsyncSession]
) -> None:
    """Answering the card in words: the payment runs once and Onayla / Vazgeç go away."""
    user = await bot.linked_customer(1001)
    bill = await _latest_bill(sessions, 1001)
    (card,) = await bot.say(user, "faturamı ödemek istiyorum")
    assert [button.text for button in card.buttons] == ["Onayla", "Vazgeç"]

    (answer,) = await bot.say(user, "evet")

    assert (answer.text or "").startswith("İşleminiz gerçekleştirildi.")
    assert bot.driver.message(user, card.message_id).buttons == ()
    assert len(await _payments(sessions, bill.id)) == 1


async def test_a_typed_hayir_cancels_and_closes_the_cards_buttons(
    bot: RunningBot, sessions: async_sessionmaker[AsyncSession]
) -> None:
    user = await bot.linked_customer(1001)
    bill = await _latest_bill(sessions, 1001)
    (card,) = await bot.say(user, "faturamı ödemek istiyorum")

    (answer,) = await bot.say(user, "hayır")

    assert answer.text == "İşlem iptal edildi; hesabınızda bir değişiklik yapılmadı."
    assert bot.driver.message(user, card.message_id).buttons == ()
    assert await _payments(sessions, bill.id) == []
