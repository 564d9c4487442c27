"""Two bot instances on one database: a turn belongs to the instance answering it.

Replica A runs as deployed (``python -m bot``, webhook mode, in a process of
its own) with a slow model (a scripted OpenAI-compatible server streaming one
word at a time). Replica B runs in this test process on the same database and
the same Telegram stand-in. Before leases, B's start-up recovery took every
accepted message for an interrupted one: it re-sent A's answer with an
apology, or apologised for a turn A was still answering.

- B starting while A answers leaves the turn to A: one answer, no apology,
  even though A's turn lasts longer than a lease (A's heartbeat renews it).
- A killed mid-turn: B takes the turn over (an apology, asking to write again)
  only once A's lease has lapsed, never before.
"""

from __future__ import annotations

import asyncio
import signal
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import texts
from bot.standin import StandinDriver, StandinServer, UserView
from core.settings import Settings, WebhookSettings
from db.chat_history import ANSWERED, FAILED
from db.models import ChatMessage
from tests.bot.conftest import BotStarter, RunningBot, with_telegram
from tests.faults.processes import START_TIMEOUT_S, bot_environment, bot_process, until
from tests.openai_backend.fake_openai_server import (
    Reply,
    RunningFake,
    completion_events,
    running_fake,
)

# process-kill faults: real processes started and killed (`make test-fast` leaves them out).
pytestmark = pytest.mark.slow

SECRET = "replica-secret-for-tests"
PUBLIC_URL = "https://bot.example.com/telegram/updates"
# Short, so the tests wait little; A's slow turn outlasts it several times over.
LEASE_S = 6.0
QUESTION = "faturam neden bu kadar yüksek"
ANSWER = (
    "Faturanız bu ay yurt dışı kullanımınız nedeniyle yüksek geldi; ayrıntılar için "
    "fatura dökümünüze bakabilir, dilerseniz yurt dışı paketlerimizi inceleyebilirsiniz."
)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _shorten_lease(config: Path) -> None:
    text = config.read_text(encoding="utf-8")
    assert "turn_lease_s: 30" in text
    config.write_text(text.replace("turn_lease_s: 30", f"turn_lease_s: {LEASE_S}"))


def _replica_b_settings(bot_settings: Settings) -> Settings:
    webhook = WebhookSettings(
        url=PUBLIC_URL, listen="127.0.0.1", port=_free_port(), secret_token=SecretStr(SECRET)
    )
    return with_telegram(bot_settings, mode="webhook", webhook=webhook, turn_lease_s=LEASE_S)


@asynccontextmanager
async def replica_a(
    tmp_path: Path, standin: StandinServer, database_url: str, fake: RunningFake
) -> AsyncIterator[tuple[asyncio.subprocess.Process, str, Path]]:
    """``python -m bot`` in webhook mode on the slow model; its process, endpoint and output."""
    port = _free_port()
    environment = bot_environment(
        tmp_path,
        standin.base_url,
        database_url,
        MODEL_BACKEND="openai",
        MODEL_NAME="fake-model",
        OPENAI_BASE_URL=fake.base_url,
        TELEGRAM_MODE="webhook",
        TELEGRAM_WEBHOOK_URL=PUBLIC_URL,
        TELEGRAM_WEBHOOK_LISTEN="127.0.0.1",
        TELEGRAM_WEBHOOK_PORT=str(port),
        TELEGRAM_WEBHOOK_SECRET=SECRET,
    )
    await asyncio.to_thread(_shorten_lease, Path(environment["TELEKOM_CONFIG"]))
    output = tmp_path / "replica-a.txt"
    async with bot_process(environment, output) as process:

        async def serving() -> bool:
            if standin.state.webhook.url != PUBLIC_URL:
                return False  # setWebhook is the last step of the start
            async with httpx.AsyncClient() as client:
                try:
                    ready = await client.get(f"http://127.0.0.1:{port}/readyz")
                except httpx.HTTPError:
                    return False
            return ready.status_code == 200

        await until(serving, "replica A serving its webhook", output, START_TIMEOUT_S)
        yield process, f"http://127.0.0.1:{port}/telegram/updates", output


async def post_update(driver: StandinDriver, standin: StandinServer, endpoint: str) -> None:
    """Post the update the stand-in queued last to ``endpoint``, as Telegram would."""
    queued = standin.state.updates.pending[-1]
    async with httpx.AsyncClient() as telegram:
        response = await telegram.post(
            endpoint, json=queued.payload, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
        )
    assert response.status_code == 200


async def question_row(sessions: async_sessionmaker[AsyncSession], user: UserView) -> ChatMessage:
    async with sessions() as session:
        row = await session.scalar(
            select(ChatMessage).where(
                ChatMessage.chat_id == str(user.id), ChatMessage.role == "user"
            )
        )
    assert row is not None
    return row


def texts_to(driver: StandinDriver, user: UserView) -> list[str]:
    return [message.text or "" for message in driver.bot_messages(user)]


async def test_a_replica_started_while_another_answers_leaves_the_turn_to_it(
    standin: StandinServer,
    driver: StandinDriver,
    start_bot: BotStarter,
    bot_settings: Settings,
    database_url: str,
    sessions: async_sessionmaker[AsyncSession],
    tmp_path: Path,
) -> None:
    zeynep = driver.create_user("Zeynep")
    async with running_fake() as fake:
        # About 2.5 leases of writing, one word at a time.
        pieces = [f"{word} " for word in ANSWER.split()]
        delay_s = 2.5 * LEASE_S / len(pieces)
        fake.fake.script(Reply(events=completion_events(*pieces), delay_s=delay_s))
        async with replica_a(tmp_path, standin, database_url, fake) as (_, endpoint, output):
            driver.send_text(zeynep, QUESTION)
            await post_update(driver, standin, endpoint)

            async def answer_being_written() -> bool:
                return len(fake.fake.generation_requests) == 1

            await until(answer_being_written, "replica A's turn", output, 60)
            started_at = datetime.now(UTC)
            async with start_bot(_replica_b_settings(bot_settings)):
                await driver.wait_for(lambda: bool(driver.bot_messages(zeynep)), timeout=120)
                answered_at = datetime.now(UTC)
                # B keeps sweeping for lapsed turns a while longer: nothing more is sent.
                await asyncio.sleep(LEASE_S)

    assert (answered_at - started_at).total_seconds() > LEASE_S  # A's turn outlasted a lease
    (answer,) = texts_to(driver, zeynep)
    assert answer == ANSWER
    assert (await question_row(sessions, zeynep)).status == ANSWERED


async def test_an_instance_killed_mid_turn_is_taken_over_only_once_its_lease_lapsed(
    standin: StandinServer,
    driver: StandinDriver,
    start_bot: BotStarter,
    bot_settings: Settings,
    database_url: str,
    sessions: async_sessionmaker[AsyncSession],
    tmp_path: Path,
) -> None:
    zeynep = driver.create_user("Zeynep")
    async with running_fake() as fake:
        fake.fake.script(Reply(events=completion_events(*["kelime "] * 300), delay_s=1.0))
        async with replica_a(tmp_path, standin, database_url, fake) as (first, endpoint, output):
            driver.send_text(zeynep, QUESTION)
            await post_update(driver, standin, endpoint)

            async def answer_being_written() -> bool:
                return len(fake.fake.generation_requests) == 1

            await until(answer_being_written, "replica A's turn", output, 60)
            async with start_bot(_replica_b_settings(bot_settings)) as replica_b:
                # B's start-up recovery is over: A's live turn was left alone.
                assert texts_to(driver, zeynep) == []
                await asyncio.sleep(1.0)  # a heartbeat or so after B's start
                first.send_signal(signal.SIGKILL)
                assert await first.wait() == -signal.SIGKILL
                killed = await question_row(sessions, zeynep)
                assert killed.lease_expires_at is not None
                assert killed.lease_owner is not None
                assert killed.lease_owner != replica_b_owner(replica_b)

                # Until A's lease lapses nobody touches the turn ...
                left_s = (killed.lease_expires_at - datetime.now(UTC)).total_seconds()
                await asyncio.sleep(max(0.0, left_s - 1.0))
                assert texts_to(driver, zeynep) == []
                # ... then B apologises within a sweep or two.
                await driver.wait_for(lambda: bool(driver.bot_messages(zeynep)), timeout=60)

    assert texts_to(driver, zeynep) == [texts.RECOVERY_APOLOGY.format(question=QUESTION)]
    taken_over = await question_row(sessions, zeynep)
    assert taken_over.status == FAILED
    assert taken_over.lease_owner == replica_b_owner(replica_b)


def replica_b_owner(replica_b: RunningBot) -> str:
    from bot.context import SERVICES_KEY
    from bot.services import BotServices

    services: BotServices = replica_b.application.bot_data[SERVICES_KEY]
    return services.turn_leases.owner
