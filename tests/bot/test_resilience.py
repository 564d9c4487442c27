"""When things go wrong: agent down, a failure inside the bot, a restart, a cancelled turn."""

from __future__ import annotations

import logging
import re

import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agent.runtime import AgentRuntime
from bot.context import SERVICES_KEY
from bot.standin import StandinDriver
from core.settings import Settings
from db.chat_history import FAILED
from db.models import Bill, ChatMessage, Payment
from tests.agent.scripted import ScriptedBackend
from tests.bot.conftest import BotStarter, RunningBot

# Nothing listens on the discard port of loopback: connections are refused at once.
UNREACHABLE_AGENT_URL = "http://127.0.0.1:9"


async def _user_messages(
    sessions: async_sessionmaker[AsyncSession], chat_id: int
) -> list[ChatMessage]:
    async with sessions() as session:
        return list(
            await session.scalars(
                select(ChatMessage)
                .where(ChatMessage.chat_id == str(chat_id), ChatMessage.role == "user")
                .order_by(ChatMessage.id)
            )
        )


async def test_unreachable_agent_gets_an_apology_and_the_message_is_kept(
    start_bot: BotStarter,
    bot_settings: Settings,
    driver: StandinDriver,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    agent = bot_settings.agent.model_copy(update={"url": UNREACHABLE_AGENT_URL})
    remote = bot_settings.model_copy(update={"agent": agent})
    user = driver.create_user("Ahmet")
    async with start_bot(remote) as bot:
        (answer,) = await bot.say(user, "kalan internetim ne kadar")

    assert (answer.text or "").startswith("Şu anda geçici olarak hizmet veremiyoruz.")
    (stored,) = await _user_messages(sessions, user.id)
    assert stored.content == "kalan internetim ne kadar"
    assert stored.status == FAILED


async def test_a_failure_inside_the_bot_gets_an_incident_id_not_a_traceback(
    bot: RunningBot,
    sessions: async_sessionmaker[AsyncSession],
    caplog: pytest.LogCaptureFixture,
) -> None:
    user = bot.driver.create_user("Ahmet")
    async with sessions() as session, session.begin():
        # The bot's de-duplication table disappears under it.
        await session.execute(text("DROP TABLE processed_updates"))

    with caplog.at_level(logging.ERROR, logger="bot.handlers.errors"):
        (apology,) = await bot.say(user, "merhaba")

    shown = apology.text or ""
    match = re.search(r"olay numarasını iletebilirsiniz: ([0-9A-F]{8})$", shown)
    assert match is not None
    assert "Traceback" not in shown
    assert "processed_updates" not in shown
    (record,) = [r for r in caplog.records if match.group(1) in r.getMessage()]
    assert record.exc_info is not None  # the traceback is in the log


async def test_a_restart_mid_conversation_keeps_link_history_and_pending_action(
    start_bot: BotStarter, driver: StandinDriver, sessions: async_sessionmaker[AsyncSession]
) -> None:
    async with start_bot() as bot:
        user = await bot.linked_customer(1001)
        (card,) = await bot.say(user, "faturamı ödemek istiyorum")
    assert (card.text or "").startswith("Onayınız gerekiyor")

    async with start_bot() as restarted:
        (answer,) = await restarted.say(user, "evet")
        (bill_card,) = await restarted.say(user, "/fatura")

    assert (answer.text or "").startswith("İşleminiz gerçekleştirildi.")
    assert "Durum: Ödendi" in (bill_card.text or "")
    questions = [m.content for m in await _user_messages(sessions, user.id)]
    assert questions == ["faturamı ödemek istiyorum", "evet"]
    async with sessions() as session:
        bill_id = await session.scalar(
            select(Bill.id).where(Bill.customer_id == 1001).order_by(Bill.bill_date.desc())
        )
        payments = list(await session.scalars(select(Payment).where(Payment.bill_id == bill_id)))
    assert len(payments) == 1


async def test_iptal_stops_an_answer_being_written(
    bot: RunningBot, sessions: async_sessionmaker[AsyncSession]
) -> None:
    runtime = bot.application.bot_data[SERVICES_KEY].agent
    assert isinstance(runtime, AgentRuntime)
    # A slow model (scripted: a real one needs a GPU): ~10 s for the first answer.
    slow = "Bu çok uzun sürecek bir yanıt. " * 10
    await runtime.backends.install(ScriptedBackend(slow, "Buyurun, dinliyorum.", delay_s=0.05))
    user = bot.driver.create_user("Ahmet")

    question = bot.driver.send_text(user, "uzun bir soru")
    await bot.driver.wait_for(lambda: bool(bot.driver.drafts(user)), timeout=5)
    cancelled = await bot.say(user, "/iptal")
    after = await bot.say(user, "tekrar merhaba")

    answers = [m.text for m in bot.bot_messages_after(user, question.message_id or 0)]
    assert answers == [
        "Tamam, yanıtı durdurdum. Yeni sorunuzu yazabilirsiniz.",
        "Buyurun, dinliyorum.",
    ]
    assert [m.text for m in cancelled] == answers[:1]
    assert [m.text for m in after] == answers[1:]
    first, second = await _user_messages(sessions, user.id)
    assert first.status == FAILED
    assert second.content == "tekrar merhaba"


async def test_stopping_the_bot_finishes_the_turn_in_flight(
    start_bot: BotStarter, driver: StandinDriver
) -> None:
    answer = "Yanıtım biraz sürdü ama işte burada."
    user = driver.create_user("Ahmet")
    async with start_bot() as bot:
        runtime = bot.application.bot_data[SERVICES_KEY].agent
        await runtime.backends.install(ScriptedBackend(answer, delay_s=0.1, chunk=4))
        driver.send_text(user, "bir sorum var")
        await driver.wait_for(lambda: bool(driver.drafts(user)), timeout=5)
        # Leaving the block stops the bot (as SIGTERM does) while the answer is being written.

    assert [m.text for m in driver.bot_messages(user)] == [answer]
