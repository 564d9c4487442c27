"""A real crash: ``python -m bot`` is killed with SIGKILL mid-turn, restarted, and catches up.

The bot runs as deployed, in a process of its own, against the Telegram
stand-in (in this test process) and the test database. Two customers are
caught mid-turn when the process is killed:

- Ahmet's answer was written and stored, but Telegram answered 429 (flood
  control, retry in ten minutes), so it was never sent;
- Zeynep's question reached a slow model, still writing when the kill came (a
  scripted OpenAI-compatible server streams one word a second: a real model
  needs a GPU).

SIGKILL runs no clean-up. Restarted (on the ``rules`` backend), the bot must
first send Ahmet the stored answer and tell Zeynep, in Turkish, that her
question could not be answered, mark both messages, and then answer new
questions as usual. Nothing accepted is silently dropped.
"""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import texts
from bot.standin import StandinDriver, StandinServer
from db.chat_history import ACCEPTED, ANSWERED, FAILED
from db.models import ChatMessage
from tests.faults.processes import START_TIMEOUT_S, bot_environment, bot_process, until
from tests.openai_backend.fake_openai_server import (
    Reply,
    completion_events,
    probe_reply,
    running_fake,
)

# process-kill faults: real processes started and killed (`make test-fast` leaves them out).
pytestmark = pytest.mark.slow

NETWORK_QUESTION = "Ege bölgesinde şebeke durumu nedir"
STORED_ANSWER = (
    "Ege bölgesinde şu anda bilinen bir kesinti yok. İzmir, Manisa ve Aydın'da "
    "şebeke normal çalışıyor; sorun yaşarsanız cihazınızı yeniden başlatmanızı öneririm."
)


async def chat_rows(sessions: async_sessionmaker[AsyncSession], chat_id: int) -> list[ChatMessage]:
    async with sessions() as session:
        return list(
            await session.scalars(
                select(ChatMessage)
                .where(ChatMessage.chat_id == str(chat_id))
                .order_by(ChatMessage.id)
            )
        )


async def test_a_bot_killed_mid_turn_answers_or_apologises_after_restart(
    standin: StandinServer,
    driver: StandinDriver,
    database_url: str,
    sessions: async_sessionmaker[AsyncSession],
    tmp_path: Path,
) -> None:
    output = tmp_path / "bot-output.txt"
    ahmet, zeynep = driver.create_user("Ahmet"), driver.create_user("Zeynep")

    async with running_fake() as fake:
        fake.fake.script(
            Reply(events=completion_events(STORED_ANSWER)),
            probe_reply("user"),  # the model hands the turn to the customer
            Reply(events=completion_events(*["kelime "] * 300), delay_s=1.0),
        )
        slow_model = bot_environment(
            tmp_path,
            standin.base_url,
            database_url,
            MODEL_BACKEND="openai",
            MODEL_NAME="fake-model",
            OPENAI_BASE_URL=fake.base_url,
        )
        # Ahmet's answer will meet flood control: "retry after 600 s".
        standin.inject_faults(1, status=429, method="sendMessage", retry_after=600)
        driver.send_text(ahmet, NETWORK_QUESTION)
        async with bot_process(slow_model, output) as first:

            async def ahmets_answer_stored() -> bool:
                return [row.role for row in await chat_rows(sessions, ahmet.id)] == [
                    "user",
                    "assistant",
                ]

            await until(ahmets_answer_stored, "Ahmet's stored answer", output, START_TIMEOUT_S)
            driver.send_text(zeynep, "faturam neden bu kadar yüksek")

            async def zeyneps_answer_being_written() -> bool:
                return len(fake.fake.generation_requests) == 2

            await until(zeyneps_answer_being_written, "Zeynep's turn", output, 30)
            await asyncio.sleep(1.0)  # a word or two of Zeynep's answer is out
            first.send_signal(signal.SIGKILL)
            assert await first.wait() == -signal.SIGKILL

    standin.state.faults.clear()
    assert driver.bot_messages(ahmet) == []
    assert driver.bot_messages(zeynep) == []
    (ahmets_question, _) = await chat_rows(sessions, ahmet.id)
    (zeyneps_question,) = await chat_rows(sessions, zeynep.id)
    assert ahmets_question.status == zeyneps_question.status == ACCEPTED

    rules = bot_environment(tmp_path, standin.base_url, database_url, MODEL_BACKEND="rules")
    async with bot_process(rules, output) as second:
        await driver.wait_for(
            lambda: bool(driver.bot_messages(ahmet)) and bool(driver.bot_messages(zeynep)),
            timeout=START_TIMEOUT_S,
        )
        driver.send_text(zeynep, NETWORK_QUESTION)
        await driver.wait_for(lambda: len(driver.bot_messages(zeynep)) == 2, timeout=60)
    assert second.returncode == 0  # SIGTERM: a clean stop

    (resent,) = driver.bot_messages(ahmet)
    assert resent.text == (
        f"Bir kesinti nedeniyle geciken yanıtınız (“{NETWORK_QUESTION}”):\n\n{STORED_ANSWER}"
    )
    apology, answer = driver.bot_messages(zeynep)
    assert apology.text == texts.RECOVERY_APOLOGY.format(question="faturam neden bu kadar yüksek")
    assert (answer.text or "").startswith("Ege için şebeke durumu")
    statuses = [
        (row.content, row.status)
        for chat in (ahmet.id, zeynep.id)
        for row in await chat_rows(sessions, chat)
        if row.role == "user"
    ]
    assert statuses == [
        (NETWORK_QUESTION, ANSWERED),
        ("faturam neden bu kadar yüksek", FAILED),
        (NETWORK_QUESTION, ANSWERED),
    ]
