"""Confirmation cards across restarts: each shows its true state, a result is told once.

- A card whose action was settled while the bot was down (confirmed or
  cancelled through another front end, or expired) is edited at the next
  start; the result of a confirmed action is also sent as one short message,
  and a later start says nothing more.
- A real crash: ``python -m bot`` is killed with SIGKILL right after an
  Onayla press committed the payment, while Telegram holds back both the
  press's answer and the card's edit (429, retry in ten minutes). Restarted,
  the bot edits the card and tells the customer the result exactly once.
"""

from __future__ import annotations

import signal
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agent.tools.confirmations import cancel, confirm
from agent.tools.context import ToolContext
from bot import texts
from bot.keyboards import parse_confirmation_press
from bot.standin import MessageView, StandinDriver, StandinServer, UserView
from core.settings import Settings
from core.turkish import format_moment, format_money
from db.confirmation_cards import find_card
from db.database import open_database
from db.engine import transaction
from db.models import Bill, ConfirmationCard, Payment, PendingConfirmation
from db.retries import run_sync_in_transaction
from db.seed import primary_number
from db.telegram_links import link_telegram_user
from tests.bot.conftest import BotStarter, RunningBot
from tests.faults.processes import START_TIMEOUT_S, bot_environment, bot_process, until

# process-kill faults: real processes started and killed (`make test-fast` leaves them out).
pytestmark = pytest.mark.slow

PAY_REQUEST = "faturamı kredi kartıyla ödemek istiyorum"
ROAMING_REQUEST = "yurt dışı kullanımını açmak istiyorum"
CANCELLED = "❎ İşlem iptal edildi; hesabınızda bir değişiklik yapılmadı."
EXPIRED = (
    "⌛ Bu işlemin onay süresi doldu; hesabınızda bir değişiklik yapılmadı. "
    "İsterseniz işlemi yeniden talep edebilirsiniz."
)


METHODS = {"credit_card": "kredi kartı", "bank_transfer": "havale/EFT"}


def _done(payment: Payment) -> str:
    """The closed card's outcome line: what was paid, how, its reference and time."""
    return (
        "✅ İşleminiz gerçekleştirildi.\n"
        f"Ödemeniz alındı: {payment.bill_id} numaralı fatura için {format_money(payment.amount)}, "
        f"{METHODS[payment.method]} ile ödendi.\n"
        f"İşlem numarası: {payment.id}\n"
        f"İşlem zamanı: {format_moment(payment.created_at)}"
    )


async def _pending_ids(sessions: async_sessionmaker[AsyncSession], user: UserView) -> list[str]:
    """The actions waiting in ``user``'s chat, oldest first."""
    async with sessions() as session:
        return list(
            await session.scalars(
                select(PendingConfirmation.id)
                .where(
                    PendingConfirmation.chat_id == str(user.id),
                    PendingConfirmation.status == "pending",
                )
                .order_by(PendingConfirmation.created_at)
            )
        )


async def _unpaid_bill(sessions: async_sessionmaker[AsyncSession], customer_id: int) -> str:
    async with sessions() as session:
        bill_id = await session.scalar(
            select(Bill.id).where(Bill.customer_id == customer_id, Bill.paid_at.is_(None)).limit(1)
        )
    assert bill_id is not None
    return bill_id


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


async def _card(bot: RunningBot, user: UserView, text: str) -> MessageView:
    (card,) = await bot.say(user, text)
    assert [button.text for button in card.buttons] == ["Onayla", "Vazgeç"]
    return card


def _shown(driver: StandinDriver, user: UserView, card: MessageView) -> tuple[str, list[str]]:
    now = driver.message(user, card.message_id)
    return now.text or "", [button.text for button in now.buttons]


async def test_cards_settled_while_the_bot_was_down_are_closed_at_the_next_start(
    start_bot: BotStarter,
    driver: StandinDriver,
    settings: Settings,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    bill_id = await _unpaid_bill(sessions, 1001)
    async with start_bot() as first:
        ahmet = await first.linked_customer(1001)
        ayse = await first.linked_customer(1002, name="Ayşe")
        deniz = await first.linked_customer(1004, name="Deniz")
        paid = await _card(first, ahmet, PAY_REQUEST)
        roaming = await _card(first, ayse, ROAMING_REQUEST)
        overdue = await _card(first, deniz, PAY_REQUEST)
        waiting = await _card(first, ahmet, ROAMING_REQUEST)
    # The bot is down. Ahmet pays through another front end (the HTTP API), Ayşe
    # cancels there, and Deniz's offer runs out of time.
    ahmets_payment, _ = await _pending_ids(sessions, ahmet)
    (ayses_roaming,) = await _pending_ids(sessions, ayse)
    async with open_database(settings, migrate_schema=False) as database:
        await confirm(
            ahmets_payment, ToolContext.on_database(database, settings, 1001, str(ahmet.id))
        )
        await cancel(ayses_roaming, ToolContext.on_database(database, settings, 1002, str(ayse.id)))
    async with sessions() as session, session.begin():
        await session.execute(
            update(PendingConfirmation)
            .where(PendingConfirmation.chat_id == str(deniz.id))
            .values(expires_at=datetime.now(UTC) - timedelta(minutes=1))
        )
    marks = {user.id: first.last_message_id(user) for user in (ahmet, ayse, deniz)}

    async with start_bot() as second:
        (payment,) = await _payments(sessions, bill_id)
        assert _shown(driver, ahmet, paid) == (f"{paid.text}\n\n{_done(payment)}", [])
        (told,) = second.bot_messages_after(ahmet, marks[ahmet.id])
        assert told.text == texts.RECOVERED_ACTION_RESULT.format(outcome=_done(payment))
        assert told.reply_to_message_id == paid.message_id
        assert _shown(driver, ayse, roaming) == (f"{roaming.text}\n\n{CANCELLED}", [])
        assert _shown(driver, deniz, overdue) == (f"{overdue.text}\n\n{EXPIRED}", [])
        assert second.bot_messages_after(ayse, marks[ayse.id]) == []
        assert second.bot_messages_after(deniz, marks[deniz.id]) == []
        # The card still waiting keeps its buttons.
        assert _shown(driver, ahmet, waiting) == (waiting.text or "", ["Onayla", "Vazgeç"])
    assert await _open_cards(sessions) == 1

    async with start_bot() as third:
        for user in (ahmet, ayse, deniz):
            after = marks[user.id] if user is not ahmet else told.message_id
            assert third.bot_messages_after(user, after) == []
    assert len(await _payments(sessions, bill_id)) == 1


async def test_a_bot_killed_right_after_an_onayla_press_tells_the_result_once_after_restart(
    standin: StandinServer,
    driver: StandinDriver,
    start_bot: BotStarter,
    database_url: str,
    sessions: async_sessionmaker[AsyncSession],
    tmp_path: Path,
) -> None:
    output = tmp_path / "bot-output.txt"
    bill_id = await _unpaid_bill(sessions, 1001)
    ahmet = driver.create_user("Ahmet")
    async with transaction(sessions) as session:
        await link_telegram_user(session, ahmet.id, 1001, primary_number(1001))
    environment = bot_environment(tmp_path, standin.base_url, database_url, MODEL_BACKEND="rules")

    async with bot_process(environment, output) as first:
        driver.send_text(ahmet, PAY_REQUEST)
        await driver.wait_for(
            lambda: any(m.buttons for m in driver.bot_messages(ahmet)), timeout=START_TIMEOUT_S
        )
        (card,) = driver.bot_messages(ahmet)
        press = parse_confirmation_press(card.buttons[0].callback_data or "")
        assert press is not None
        # Telegram holds back what would tell Ahmet: the press's answer is refused,
        # and the card's edit must wait ten minutes (flood control).
        standin.inject_faults(1, status=429, method="answerCallbackQuery", retry_after=600)
        standin.inject_faults(1, status=429, method="editMessageText", retry_after=600)
        driver.press_button(ahmet, card.message_id, text="Onayla")

        async def paid_and_waiting_to_tell() -> bool:
            return bool(await _payments(sessions, bill_id)) and standin.state.faults.armed() == 0

        await until(paid_and_waiting_to_tell, "the payment, then the held-back edit", output, 60)
        first.send_signal(signal.SIGKILL)
        assert await first.wait() == -signal.SIGKILL

    standin.state.faults.clear()
    (payment,) = await _payments(sessions, bill_id)
    # Nothing reached Ahmet: the card is as it was, and it is recorded open.
    assert _shown(driver, ahmet, card) == (card.text or "", ["Onayla", "Vazgeç"])
    assert driver.bot_messages(ahmet) == [driver.message(ahmet, card.message_id)]
    assert await _open_cards(sessions) == 1

    async with bot_process(environment, output) as second:
        await driver.wait_for(lambda: len(driver.bot_messages(ahmet)) == 2, timeout=START_TIMEOUT_S)

        async def card_closed() -> bool:
            return await _open_cards(sessions) == 0

        await until(card_closed, "the card recorded closed", output, 30)
        # Then the bot serves as usual.
        driver.send_text(ahmet, "kalan internetim ne kadar")
        await driver.wait_for(lambda: len(driver.bot_messages(ahmet)) == 3, timeout=60)
    assert second.returncode == 0  # SIGTERM: a clean stop

    resolved, told, answer = driver.bot_messages(ahmet)
    assert (answer.text or "").startswith("Bu dönem kalan kullanımınız")
    assert resolved.message_id == card.message_id
    assert (resolved.text, resolved.buttons) == (f"{card.text}\n\n{_done(payment)}", ())
    assert told.text == texts.RECOVERED_ACTION_RESULT.format(outcome=_done(payment))
    assert told.reply_to_message_id == card.message_id
    assert len(await _payments(sessions, bill_id)) == 1
    async with sessions() as session:
        assert await session.scalar(select(Bill.paid_at).where(Bill.id == payment.bill_id))

    # Another restart: the result was told, the card is closed; nothing more is sent.
    async with start_bot():
        pass
    assert driver.bot_messages(ahmet) == [resolved, told, answer]
    record = await run_sync_in_transaction(
        sessions, lambda connection: find_card(connection, press.confirmation_id), what="find"
    )
    assert record is not None
    assert record.closed
