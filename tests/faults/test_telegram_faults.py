"""Telegram in trouble: 5xx and 429 on polling, on drafts and on the final answer.

The stand-in answers the next calls with the armed faults (``inject_faults``)
and behaves normally after. The bot must keep polling, keep every answer,
wait as long as Telegram asks, and, when Telegram refuses an answer for good,
keep the message for the start-up recovery instead of dropping it.
Single-fault cases of ``sendMessage`` are in ``tests/bot/test_load_and_flood.py``.
"""

from __future__ import annotations

import time

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.delivery import MAX_NETWORK_RETRIES
from bot.standin import StandinDriver, StandinServer
from db.chat_history import ACCEPTED, ANSWERED
from db.models import ChatMessage
from tests.bot.conftest import BotStarter, RunningBot

QUESTION = "Akdeniz bölgesinde şebeke durumu nedir"
ANSWER_START = "Akdeniz için şebeke durumu"


async def question_status(sessions: async_sessionmaker[AsyncSession], chat_id: int) -> list[str]:
    async with sessions() as session:
        return list(
            await session.scalars(
                select(ChatMessage.status)
                .where(ChatMessage.chat_id == str(chat_id), ChatMessage.role == "user")
                .order_by(ChatMessage.id)
            )
        )


async def test_polling_survives_getupdates_failing_and_flood_control(
    bot: RunningBot, standin: StandinServer
) -> None:
    user = bot.driver.create_user("Ahmet")
    standin.inject_faults(2, status=502, method="getUpdates")
    standin.inject_faults(1, status=429, method="getUpdates", retry_after=1)
    standin.inject_faults(1, status=500, method="getUpdates")

    (answer,) = await bot.say(user, QUESTION)

    assert (answer.text or "").startswith(ANSWER_START)


async def test_every_bot_api_call_failing_for_a_moment_loses_no_answer(
    bot: RunningBot, standin: StandinServer, sessions: async_sessionmaker[AsyncSession]
) -> None:
    user = bot.driver.create_user("Ahmet")
    # Every method, previews and typing included, fails a few times in a row.
    standin.inject_faults(2, status=503)
    standin.inject_faults(1, status=429, retry_after=1)

    (answer,) = await bot.say(user, QUESTION)

    assert (answer.text or "").startswith(ANSWER_START)
    assert await question_status(sessions, user.id) == [ANSWERED]


async def test_a_long_flood_wait_on_the_final_answer_is_honoured(
    bot: RunningBot, standin: StandinServer
) -> None:
    user = bot.driver.create_user("Ahmet")
    standin.inject_faults(1, status=429, method="sendMessage", retry_after=3)

    started = time.monotonic()
    (answer,) = await bot.say(user, QUESTION)

    assert (answer.text or "").startswith(ANSWER_START)
    assert time.monotonic() - started >= 3  # waited as asked, then sent once


async def test_an_answer_telegram_keeps_refusing_is_kept_and_sent_after_a_restart(
    start_bot: BotStarter,
    driver: StandinDriver,
    standin: StandinServer,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    user = driver.create_user("Ahmet")
    async with start_bot() as bot:
        standin.inject_faults(MAX_NETWORK_RETRIES + 1, status=500, method="sendMessage")
        assert await bot.say(user, QUESTION) == []  # Telegram refused every attempt
        assert await question_status(sessions, user.id) == [ACCEPTED]

    async with start_bot() as restarted:
        await restarted.settle()

    (answer,) = driver.bot_messages(user)
    assert (answer.text or "").startswith(f"Bir kesinti nedeniyle geciken yanıtınız (“{QUESTION}”)")
    assert ANSWER_START in (answer.text or "")
    assert await question_status(sessions, user.id) == [ANSWERED]
